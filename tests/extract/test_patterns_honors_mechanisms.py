"""Each row of patterns/honors.jsonl and patterns/mechanisms.jsonl: its example yields its expect."""

from __future__ import annotations


import re

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


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.id) for r in honors._rules() if r.trigger])
def test_patterns_honors_trigger_lies_inside_every_match(rule):
    # sentences without the trigger skip the rule, so a match without it would be lost
    example = next(str(row["example"]) for row in load_jsonl("honors") if row["id"] == rule.id)
    hits = list(rule.regex.finditer(example))
    assert hits
    assert all(re.search(rule.trigger, hit.group()) for hit in hits)


def test_honors_trigger_skips_only_sentences_without_it():
    text = "医院通过三级甲等医院复审。会上，“全国文明单位”称号揭晓。该院获评三级甲等医院。"
    ctx = _ctx(text)
    live = honors._live_rules(ctx.match_text, ctx.sentences)
    ids = [{r.id for r in rules} for rules in live]
    assert {"honor/grade", "honor/grade-review"} <= ids[0] and "honor/quoted-trailer" not in ids[0]
    assert "honor/quoted-trailer" in ids[1] and "honor/grade" not in ids[1]
    assert "honor/grade" in ids[2] and "honor/cue-object" in ids[2]


@pytest.mark.parametrize("rule_id", sorted(mechanisms._triggers()))
def test_patterns_mechanisms_trigger_lies_inside_every_match(rule_id):
    example = next(str(row["example"]) for row in load_jsonl("mechanisms") if row["id"] == rule_id)
    hits = list(mechanisms._rules()[rule_id].finditer(example))
    assert hits
    assert all(mechanisms._triggers()[rule_id].search(hit.group()) for hit in hits)


def test_find_quoted_keeps_to_the_sentence_bounds():
    from kg.extract.quotes import Quoted, find_quoted
    text = "前文“甲”。实行“红黑榜”制度，“未闭合。"
    start = text.index("实")
    assert find_quoted(text, start, len(text)) == [Quoted(start + 2, start + 7, start + 3, start + 6)]
    assert find_quoted(text, 0, start) == [Quoted(2, 5, 3, 4)]
    assert find_quoted(text[start:]) == [Quoted(2, 7, 3, 6)]
