"""The metric extractor's fast paths give exactly what the plain regex calls they replace give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.metric_rules import compiled_row, pattern_rows, rules
from kg.extract.metric_scan import RANK_MARK
from kg.extract.metric_text import CLAUSE_BOUNDARIES, clause_end, clause_start

#: characters that make figures, their markers and units, quotes and clause marks.
ALPHABET = "0123456789.,%一二两三十百千万亿余多约近超过逾大将 \n个人名次项年第全国省、，。“”以上左右和"
TEXTS = st.text(alphabet=ALPHABET, max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_metric_quantities_are_the_regex_matches(text):
    r = rules()
    assert [m.span() for m in r.quantity_scan.finditer(text)] == [m.span() for m in r.quantity.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=40))
def test_metric_tail_rules_search_the_whole_prefix(text, end):
    r = rules()
    end = min(end, len(text))
    for tail in (r.glued_tail, r.after_year_tail, r.year_base_tail):
        assert tail.ends(text, end) == bool(tail.rx.search(text[:end]))


def test_metric_tail_rules_are_bounded():
    r = rules()
    assert all(t.width is not None for t in (r.glued_tail, r.after_year_tail, r.year_base_tail))


@pytest.mark.parametrize("row", [row for row in pattern_rows() if row["kind"] == "rank"])
def test_metric_every_rank_holds_the_rank_mark(row):
    assert all(RANK_MARK in m for m in row["expect"])
    assert not list(compiled_row(row).finditer(str(row["example"]).replace(RANK_MARK, "")))


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=40))
def test_metric_clause_bounds_are_the_walks(text, pos):
    pos = min(pos, len(text))
    start = pos
    while start > 0 and text[start - 1] not in CLAUSE_BOUNDARIES:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in CLAUSE_BOUNDARIES:
        end += 1
    assert (clause_start(text, pos, CLAUSE_BOUNDARIES), clause_end(text, pos, CLAUSE_BOUNDARIES)) == (start, end)
