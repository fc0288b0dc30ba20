"""Hand-built extraction contexts shared by the extractor tests (no model, no seed text)."""

from __future__ import annotations

import hashlib

from kg.extract.context import DocContext
from kg.records import EntityKey, NormalizedText, SourceText
from kg.segment import split_sentences


class OneHospitalScope:
    """Scope stub: every position of the document belongs to one hospital."""

    def __init__(self, hospital: EntityKey) -> None:
        self.hospital = hospital

    def hospital_at(self, offset):
        return self.hospital

    def hospitals(self):
        return []


def context(text: str, hospital: EntityKey | None = None) -> DocContext:
    """A DocContext over ``text`` taken as already normalized; scoped to ``hospital`` when given."""
    src = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    norm = NormalizedText(text, tuple(range(len(text))))
    ctx = DocContext(source=src, norm=norm, sentences=split_sentences(norm))
    if hospital is not None:
        ctx.scope = OneHospitalScope(hospital)
    return ctx
