"""Named queries (kg/resources/queries/*.rq): documented, and the rows they must give.

On the hand-built ``small_graph`` every row is known; on the seeds build the
test asserts facts that the articles state (skipping a query whose entity
types extraction does not produce yet).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kg_fixtures import HOSPITAL_A, HOSPITAL_B, small_graph  # tests/ is on sys.path for this module

from kg.export import store, turtle
from kg.query import named_queries, open_graph, run

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ("honors-by-year", "leaders-of-hospital", "shared-mechanisms", "metrics-by-mechanism")


def rows(build: Path, name: str) -> list[dict[str, str]]:
    result = run(open_graph(build), named_queries()[name].text, f"{name}.rq")
    names = [v.value for v in result.variables]
    return [{n: ("" if s[n] is None else s[n].value) for n in names} for s in result]


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    turtle.write(small_graph(), out)
    store.write(small_graph(), out)
    return out


def test_queries_named_all_documented():
    queries = named_queries()
    for name in REQUIRED:
        assert name in queries
    for q in queries.values():
        assert q.title and q.title != q.name, q.name
        assert len(q.description) > 20, q.name


def test_queries_named_one_canonical_location():
    # The package data is the only copy; queries/ at the root only points there.
    assert not list((ROOT / "queries").glob("*.rq"))


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_queries_named_run_on_small_graph(small_build, name):
    assert rows(small_build, name), f"{name} gives no rows on the fixture graph"


def test_queries_named_honors_by_year(small_build):
    got = rows(small_build, "honors-by-year")
    assert got[0] == {"year": "2024", "hospital": HOSPITAL_A, "honors": "2",
                      "titles": got[0]["titles"]}
    assert set(got[0]["titles"].split(" | ")) == {"市级公立医院党建示范医院", "市级示范党支部"}
    assert {"year": "2020", "hospital": HOSPITAL_B, "honors": "1", "titles": "全国文明单位"} in got
    assert got[-1]["year"] == "" and got[-1]["titles"] == "先进基层党组织"  # no year: listed last


def test_queries_named_leaders_of_hospital(small_build):
    got = {(r["hospital"], r["leader"], r["post"]) for r in rows(small_build, "leaders-of-hospital")}
    assert got == {(HOSPITAL_A, "张三", "党委书记"), (HOSPITAL_A, "李四", "院长"), (HOSPITAL_A, "李四", "党委副书记"),
                   (HOSPITAL_B, "王五", "党委书记")}


def test_queries_named_shared_mechanisms(small_build):
    got = rows(small_build, "shared-mechanisms")
    assert [(r["mechanism"], r["hospitals"]) for r in got] == [("双示范计划", "2")]
    assert set(got[0]["names"].split(" | ")) == {HOSPITAL_A, HOSPITAL_B}


def test_queries_named_metrics_by_mechanism(small_build):
    got = rows(small_build, "metrics-by-mechanism")
    by_metric = {r["metric"]: r for r in got}
    assert set(by_metric) == {"门诊量", "患者满意度"}
    m = by_metric["患者满意度"]
    assert (m["mechanism"], m["unit"], m["year"], m["hospital"], m["file"]) == \
        ("党建+业务双融合", "%", "2024", HOSPITAL_A, "000_zhongxian.txt")
    assert float(m["value"]) == 98.5 and "98.5%" in m["evidence"]


def test_queries_named_evidence_of(small_build):
    got = rows(small_build, "evidence-of")
    assert len(got) == 16  # one row per supporting sentence
    implements = [r for r in got if r["relation"] == "implements" and r["object"] == "双示范计划"
                  and r["subject"] == HOSPITAL_A]
    assert {r["file"] for r in implements} == {"000_zhongxian.txt", "001_beiyisanyuan.txt"}


# -- the seeds build -----------------------------------------------------------

@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory):
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("seeds")
    report = build([ROOT / "seeds"], out, ["ttl", "store"])
    assert report.documents == 5
    return out


def _require(build: Path, cls: str) -> None:
    query = f"ASK {{ ?x a <https://w3id.org/hospital-kg/ontology#{cls}> }}"
    if not bool(run(open_graph(build), query)):
        pytest.skip(f"the seeds build has no {cls} yet (extractor not there)")


def test_queries_named_seeds_honors_have_years(seeds_build):
    _require(seeds_build, "Honor")
    got = rows(seeds_build, "honors-by-year")
    with_year = [r for r in got if r["year"]]
    assert with_year, "some hospital has an honor with a year"
    assert any(r["year"] == "2024" and "党建示范医院" in r["titles"] for r in with_year)


def test_queries_named_seeds_leaders(seeds_build):
    _require(seeds_build, "Leader")
    got = rows(seeds_build, "leaders-of-hospital")
    assert any("书记" in r["post"] or "院长" in r["post"] for r in got)


def test_queries_named_seeds_mechanisms(seeds_build):
    _require(seeds_build, "Mechanism")
    got = rows(seeds_build, "evidence-of")
    assert any(r["relation"] == "implements" for r in got)


def test_queries_named_seeds_metrics(seeds_build):
    _require(seeds_build, "Metric")
    got = rows(seeds_build, "evidence-of")
    assert any(r["relation"] == "reportsMetric" for r in got)


def test_queries_named_seeds_every_query_runs(seeds_build):
    for name in named_queries():
        rows(seeds_build, name)  # no evaluation error on real data
