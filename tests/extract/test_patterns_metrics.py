"""patterns/metrics.jsonl: every rule's own example yields its expected matches."""

from __future__ import annotations

import pytest

from kg.extract.metric_rules import KINDS, compiled_row, pattern_rows, rules

ROWS = pattern_rows()


@pytest.mark.parametrize("row", ROWS, ids=[str(r["id"]) for r in ROWS])
def test_patterns_metrics_example_matches_expect(row):
    got = [m.group(0) for m in compiled_row(row).finditer(str(row["example"]))]
    assert got == list(row["expect"])


def test_patterns_metrics_every_kind_present():
    assert {str(r["kind"]) for r in ROWS} == set(KINDS)


def test_patterns_metrics_rules_load():
    r = rules()
    assert r.units["个百分点"].canonical == "百分点"
    assert r.units["%"].kind == "percent"
    assert "余" in r.approx_after and "近" in r.approx_before
