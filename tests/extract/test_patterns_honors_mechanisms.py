"""Each row of patterns/honors.jsonl and patterns/mechanisms.jsonl: its example yields its expect."""

from __future__ import annotations

import hashlib

import pytest

from kg.extract import honors, mechanisms
from kg.extract.context import DocContext
from kg.lexicon import load_jsonl
from kg.records import EntityKey, NormalizedText, SourceText
from kg.segment import split_sentences
from kg.vocab import EntityType

HOSPITAL = EntityKey(EntityType.HOSPITAL, ("某某中心医院",))


class _OneHospital:
    def hospital_at(self, offset):
        return HOSPITAL

    def hospitals(self):
        return []


def _ctx(text: str) -> DocContext:
    src = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    norm = NormalizedText(text, tuple(range(len(text))))
    ctx = DocContext(source=src, norm=norm, sentences=split_sentences(norm))
    ctx.scope = _OneHospital()
    return ctx


def _rows(name: str):
    return [pytest.param(row, id=str(row["id"])) for row in load_jsonl(name)]


@pytest.mark.parametrize("row", _rows("honors"))
def test_patterns_honors_example_yields_expect(row):
    labels = {f.entity.label for f in honors.extract(_ctx(str(row["example"])))}
    assert labels == set(row["expect"])


@pytest.mark.parametrize("row", _rows("mechanisms"))
def test_patterns_mechanisms_example_yields_expect(row):
    labels = {f.entity.label for f in mechanisms.extract(_ctx(str(row["example"])))}
    assert labels == set(row["expect"])


@pytest.mark.parametrize("name", ["honors", "mechanisms"])
def test_patterns_ids_are_namespaced(name):
    prefix = name.rstrip("s") + "/"
    assert all(str(row["id"]).startswith(prefix) for row in load_jsonl(name))
