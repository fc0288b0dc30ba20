"""Placeholder leaders extractor (finds nothing yet)."""

from __future__ import annotations

from typing import Iterable

from kg.extract.context import DocContext, Finding


def extract(ctx: DocContext) -> Iterable[Finding]:
    return []
