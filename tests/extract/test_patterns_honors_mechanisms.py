"""Each row of patterns/honors.jsonl and patterns/mechanisms.jsonl: its example yields its expect."""

from __future__ import annotations


import pytest

from kg.extract import honors, mechanisms
from extract_fixtures import context  # tests/ is on sys.path (conftest.py lives there)

from kg.extract.context import DocContext
from kg.lexicon import load_jsonl
from kg.records import EntityKey
from kg.vocab import EntityType

HOSPITAL = EntityKey(EntityType.HOSPITAL, ("某某中心医院",))



def _ctx(text: str) -> DocContext:
    return context(text, HOSPITAL)


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
