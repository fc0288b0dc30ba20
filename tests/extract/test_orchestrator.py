"""kg.extract.extract_document: extractor failures are recorded, not fatal."""

from __future__ import annotations

import hashlib
import sys
import types

import kg.extract as extract_pkg
from kg.records import NormalizedText, SourceText
from kg.vocab import EntityType


def _source(text: str) -> tuple[SourceText, NormalizedText]:
    src = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return src, NormalizedText(text, tuple(range(len(text))))


def test_orchestrator_failing_extractor_is_recorded_and_others_run(monkeypatch):
    broken = types.ModuleType("kg_test_broken_extractor")

    def extract(ctx):
        yield from ()
        raise RuntimeError("boom")

    broken.extract = extract
    monkeypatch.setitem(sys.modules, broken.__name__, broken)
    monkeypatch.setattr(extract_pkg, "EXTRACTORS", (broken.__name__, "kg.extract.leaders"))
    facts = extract_pkg.extract_document(*_source("东川县人民医院召开会议。院长王建华主持。"))
    assert facts.problems == ("kg_test_broken_extractor: RuntimeError: boom",)
    types_found = sorted(e.key.type.value for e in facts.entities)
    assert types_found == [EntityType.HOSPITAL.value, EntityType.LEADER.value]
    assert len(facts.relations) == 1


def test_orchestrator_failing_scope_leaves_no_hospital(monkeypatch):
    from kg.extract import scope

    def build_scope(ctx):
        raise ValueError("bad scope")

    monkeypatch.setattr(scope, "build_scope", build_scope)
    monkeypatch.setattr(extract_pkg, "EXTRACTORS", ("kg.extract.leaders",))
    facts = extract_pkg.extract_document(*_source("东川县人民医院召开会议。院长王建华主持。"))
    assert facts.problems == ("kg.extract.scope: ValueError: bad scope",)
    assert facts.entities == () and facts.relations == ()
