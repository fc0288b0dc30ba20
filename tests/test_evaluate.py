"""Tests of kg.evaluate: hand-written Turtle graphs (contract names only) against tiny gold files."""

from __future__ import annotations

import json
import re

import pytest
import rdflib

from kg.evaluate import evaluate, format_report
from kg.evaluate_match import lenient_similarity, normalize_name, normalize_unit

PREFIXES = """\
@prefix hkg: <https://w3id.org/hospital-kg/ontology#> .
@prefix id: <https://w3id.org/hospital-kg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
id:doc1 a hkg:Document ; hkg:fileName "a.txt" ; hkg:sha256 "00" .
"""
_counter = iter(range(10**6))


def node(iri: str, cls: str, label: str, *props: str, doc: str = "doc1") -> str:
    """One entity node derived from ``doc``; ``props`` are extra ``p o`` pairs."""
    extra = "".join(f" ; {p}" for p in props)
    return f'id:{iri} a hkg:{cls} ; rdfs:label "{label}"@zh{extra} ; prov:wasDerivedFrom id:{doc} .\n'


def stmt(s: str, pred: str, o: str, doc: str = "doc1") -> str:
    """One evidence statement for ``s pred o`` derived from ``doc``."""
    n = next(_counter)
    return (f"id:ev{n} a rdf:Statement ; rdf:subject id:{s} ; rdf:predicate hkg:{pred} ; rdf:object id:{o} ; "
            f'prov:wasDerivedFrom id:{doc} ; hkg:evidenceText "…" ; hkg:charStart 0 ; hkg:charEnd 1 .\n')


GOLD = {
    "doc": "a.txt",
    "hospitals": [{"name": "忠县人民医院", "aliases": ["忠医"]}],
    "leaders": [{"name": "周玲", "hospital": "忠县人民医院", "titles": ["护士长"]}],
    "honors": [{"name": "市级公立医院党建示范医院", "hospital": "忠县人民医院", "year": 2024, "unit": None}],
    "mechanisms": [{"name": "三榜赛马机制", "aliases": ["三榜"], "hospital": "忠县人民医院"}],
    "metrics": [{"name": "产科门诊满意度", "value": 93.75, "unit": "%", "year": 2024,
                 "hospital": "忠县人民医院", "mechanism": "三榜赛马机制"}],
}

#: a graph that states every GOLD fact exactly.
PERFECT = (
    node("h1", "Hospital", "忠县人民医院", 'skos:altLabel "忠医"@zh')
    + node("l1", "Leader", "周玲", 'hkg:title "护士长"@zh')
    + node("o1", "Honor", "市级公立医院党建示范医院", 'hkg:year "2024"^^xsd:gYear')
    + node("m1", "Mechanism", "三榜赛马机制", 'skos:altLabel "三榜"@zh')
    + node("x1", "Metric", "产科门诊满意度", 'hkg:value "93.75"^^xsd:decimal', 'hkg:unit "%"')
    + stmt("h1", "hasLeader", "l1")
    + stmt("h1", "receivedHonor", "o1")
    + stmt("h1", "implements", "m1")
    + stmt("h1", "reportsMetric", "x1")
    + stmt("m1", "measuredBy", "x1")
)


def run(tmp_path, turtle: str, *golds: dict):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for g in golds:
        (gold_dir / g["doc"].replace(".txt", ".json")).write_text(json.dumps(g, ensure_ascii=False), "utf-8")
    build = tmp_path / "build"
    build.mkdir()
    (build / "graph.ttl").write_text(PREFIXES + turtle, "utf-8")
    return evaluate(gold_dir, build)


def prf(score) -> tuple[float, float, float]:
    return round(score.precision, 3), round(score.recall, 3), round(score.f1, 3)


def test_evaluate_exact_match_scores_one(tmp_path):
    report = run(tmp_path, PERFECT, GOLD)
    for kind, score in report.totals.items():
        assert (score.tp, score.fp, score.fn) == (1, 0, 0), kind
    assert prf(report.relation_micro) == (1.0, 1.0, 1.0)
    assert prf(report.entity_micro) == (1.0, 1.0, 1.0)


def test_evaluate_reads_an_owl_file_as_rdf_xml(tmp_path):
    run(tmp_path, PERFECT, GOLD)
    graph = rdflib.Graph().parse(tmp_path / "build" / "graph.ttl", format="turtle")
    owl = tmp_path / "graph.owl"
    graph.serialize(owl, format="xml")
    report = evaluate(tmp_path / "gold", owl)
    assert prf(report.relation_micro) == (1.0, 1.0, 1.0)


def test_evaluate_alias_match(tmp_path):
    # label is the gold alias; the gold name only appears as the graph's altLabel
    turtle = PERFECT.replace('rdfs:label "忠县人民医院"@zh ; skos:altLabel "忠医"@zh', 'rdfs:label "忠医"@zh')
    turtle = turtle.replace('rdfs:label "三榜赛马机制"@zh ; skos:altLabel "三榜"@zh',
                            'rdfs:label "三榜"@zh ; skos:altLabel "三榜机制"@zh')
    report = run(tmp_path, turtle, GOLD)
    assert report.totals["hospital"].tp == 1
    assert report.totals["mechanism"].tp == 1
    assert prf(report.relation_micro) == (1.0, 1.0, 1.0)


def test_evaluate_traditional_gold_matches_simplified_graph(tmp_path):
    gold = json.loads(json.dumps(GOLD, ensure_ascii=False).replace("忠县人民医院", "忠縣人民醫(yī)院"))
    gold["leaders"][0]["name"] = "張楠"
    turtle = PERFECT.replace('"周玲"', '"张楠"').replace('"忠县人民医院"', '" 忠县人民医院 "')
    report = run(tmp_path, turtle, gold)
    assert report.totals["hospital"].tp == 1
    assert report.totals["hasLeader"].tp == 1
    assert prf(report.relation_micro) == (1.0, 1.0, 1.0)


def test_evaluate_lenient_honor_and_year(tmp_path):
    gold = dict(GOLD, honors=GOLD["honors"] + [
        {"name": "全国卫生健康思想政治工作标杆单位", "hospital": "忠县人民医院", "year": 2024, "unit": None},
        {"name": "国家三级甲等综合医院", "hospital": "忠县人民医院", "year": None, "unit": None},
    ])
    turtle = (PERFECT.replace('"市级公立医院党建示范医院"', '"2024年市级公立医院党建示范医院"')  # contains the gold name
              + node("o2", "Honor", "全国卫生健康思想政治工作标杆单位", 'hkg:year "2023"^^xsd:gYear')  # wrong year
              + node("o3", "Honor", "三级甲等医院", 'hkg:year "2025"^^xsd:gYear')  # bigram Dice 0.615, gold year null
              + node("o4", "Honor", "全国文明单位")  # no overlap worth the name
              + stmt("h1", "receivedHonor", "o2") + stmt("h1", "receivedHonor", "o3") + stmt("h1", "receivedHonor", "o4"))
    report = run(tmp_path, turtle, gold)
    honor, rel = report.totals["honor"], report.totals["receivedHonor"]
    assert (honor.tp, honor.fp, honor.fn) == (3, 1, 0)  # entity: name only
    assert (rel.tp, rel.fp, rel.fn) == (2, 2, 1)  # relation: the 2023 one fails on year
    assert prf(rel) == (0.5, 0.667, 0.571)


def test_evaluate_metric_value_and_unit(tmp_path):
    gold = dict(GOLD, metrics=GOLD["metrics"] + [
        {"name": "党支部数量", "value": 29, "unit": "个", "year": None, "hospital": "忠县人民医院", "mechanism": None},
        {"name": "决策", "value": 179, "unit": "项", "year": None, "hospital": "忠县人民医院", "mechanism": None},
        {"name": "人次", "value": 850000, "unit": "人次", "year": None, "hospital": "忠县人民医院", "mechanism": None},
    ])
    turtle = (PERFECT.replace('hkg:unit "%"', 'hkg:unit "％"')  # full-width percent is the same unit
              + node("x2", "Metric", "党支部数量", 'hkg:value "29.5"^^xsd:decimal', 'hkg:unit "个"')  # value off
              + node("x3", "Metric", "重大决策", 'hkg:value "179"^^xsd:decimal', 'hkg:unit "个"')  # unit off
              + node("x4", "Metric", "服务", 'hkg:value "850000.0000001"^^xsd:decimal', 'hkg:unit "人次"')  # within 1e-6
              + stmt("h1", "reportsMetric", "x2") + stmt("h1", "reportsMetric", "x3") + stmt("h1", "reportsMetric", "x4"))
    report = run(tmp_path, turtle, gold)
    metric, rel = report.totals["metric"], report.totals["reportsMetric"]
    assert (metric.tp, metric.fp, metric.fn) == (2, 2, 2)
    assert (rel.tp, rel.fp, rel.fn) == (2, 2, 2)
    assert prf(report.totals["measuredBy"]) == (1.0, 1.0, 1.0)


def test_evaluate_duplicate_prediction_counts_once(tmp_path):
    turtle = (PERFECT + node("l2", "Leader", "周玲", 'hkg:title "院长"@zh')
              + stmt("h1", "hasLeader", "l2")
              + stmt("h1", "hasLeader", "l1"))  # second evidence sentence for the same triple: no extra fact
    report = run(tmp_path, turtle, GOLD)
    assert prf(report.totals["leader"]) == (0.5, 1.0, 0.667)
    assert prf(report.totals["hasLeader"]) == (0.5, 1.0, 0.667)
    rel = report.relation_micro
    assert (rel.tp, rel.fp, rel.fn) == (5, 1, 0)
    assert prf(rel) == (0.833, 1.0, 0.909)


def test_evaluate_missing_document_counts_misses_and_other_docs_ignored(tmp_path):
    other = 'id:doc2 a hkg:Document ; hkg:fileName "z.txt" .\n' + node("h9", "Hospital", "某医院", doc="doc2")
    missing = dict(GOLD, doc="b.txt")
    report = run(tmp_path, PERFECT + other, GOLD, missing)
    assert report.missing_documents == ("b.txt",)
    assert report.ignored_documents == ("z.txt",)
    assert prf(report.relation_micro) == (1.0, 0.5, 0.667)
    assert prf(report.totals["hospital"]) == (1.0, 0.5, 0.667)
    text = format_report(report)
    assert "missing from the graph" in text and "b.txt" in text
    assert "without gold (ignored): z.txt" in text


def test_evaluate_relation_belongs_to_documents_with_evidence(tmp_path):
    # the same hospital and leader also appear in doc2, but the hasLeader evidence is only there
    turtle = (
        'id:doc2 a hkg:Document ; hkg:fileName "b.txt" .\n'
        + node("h1", "Hospital", "忠县人民医院", doc="doc2") + node("l1", "Leader", "周玲", doc="doc2")
        + stmt("h1", "hasLeader", "l1", doc="doc2")
        + node("h1", "Hospital", "忠县人民医院") + node("l1", "Leader", "周玲"))
    gold_b = dict(GOLD, doc="b.txt", honors=[], mechanisms=[], metrics=[])
    gold_a = dict(gold_b, doc="a.txt")
    report = run(tmp_path, turtle, gold_a, gold_b)
    by_doc = {r.doc: r for r in report.documents}
    assert by_doc["a.txt"].scores["hasLeader"].fn == 1
    assert by_doc["b.txt"].scores["hasLeader"].tp == 1
    assert by_doc["a.txt"].scores["leader"].tp == 1


def test_format_report_last_line_and_details(tmp_path):
    turtle = PERFECT.replace('"周玲"', '"周琳"')
    report = run(tmp_path, turtle, GOLD)
    text = format_report(report, details=True)
    last = text.splitlines()[-1]
    assert re.fullmatch(r"relation micro-F1 \d\.\d{3} \(P \d\.\d{3} R \d\.\d{3}\)", last)
    assert last == "relation micro-F1 0.800 (P 0.800 R 0.800)"
    assert "MISS     hasLeader     忠县人民医院 → 周玲" in text
    assert "SPURIOUS hasLeader     忠县人民医院 → 周琳" in text
    assert format_report(report).splitlines()[-1] == last


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("市中心醫(yī)院", "市中心医院"),
        ("“三榜”赛马 机制", "三榜赛马机制"),
        ("《党课开讲啦》", "党课开讲啦"),
        ("６Ｓ管理", "6s管理"),
        ("紀(jì)委書記", "纪委书记"),
        ("规划(试行)", "规划(试行)"),
    ],
)
def test_evaluate_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


def test_evaluate_normalize_unit():
    assert normalize_unit("％") == "%"
    assert normalize_unit("个百分点") == normalize_unit("百分点")
    assert normalize_unit("個月") == "个月"


@pytest.mark.parametrize(
    ("a", "b", "matches"),
    [
        ("三榜", "三榜赛马机制", True),  # containment
        ("国家三级甲等综合医院", "三级甲等医院", True),  # bigram Dice 0.615
        ("市级示范党支部", "市级示范党组织", True),  # bigram Dice 0.667
        ("党建引领", "引党领建", False),  # same characters, scrambled: no shared bigram
        ("全国文明单位", "全国卫生健康思想政治工作标杆单位", False),
        ("榜", "三榜赛马机制", False),  # a single character is not contained-matched
    ],
)
def test_evaluate_lenient_similarity(a, b, matches):
    assert (lenient_similarity(normalize_name(a), normalize_name(b)) > 0) is matches


def test_evaluate_reads_the_real_turtle_exporter(tmp_path):
    # guards against contract drift: the exporter's own output of the shared fixture scores perfectly
    from kg.export import turtle
    from kg_fixtures import small_graph  # tests/ is on sys.path (rootdir-less test modules)

    turtle.write(small_graph(), tmp_path / "build")
    zx, by = "忠县人民医院", "北京大学第三医院"
    d1 = {"doc": "000_zhongxian.txt", "hospitals": [{"name": zx, "aliases": ["忠医"]}],
          "leaders": [{"name": "张三", "hospital": zx, "titles": []}, {"name": "李四", "hospital": zx, "titles": []}],
          "honors": [{"name": "市级公立医院党建示范医院", "hospital": zx, "year": 2024, "unit": None},
                     {"name": "市级示范党支部", "hospital": zx, "year": 2024, "unit": "机关党支部"}],
          "mechanisms": [{"name": "双示范计划", "aliases": [], "hospital": zx},
                         {"name": "党建+业务双融合", "aliases": [], "hospital": zx}],
          "metrics": [{"name": "门诊量", "value": 850000, "unit": "人次", "hospital": zx, "mechanism": "双示范计划"},
                      {"name": "患者满意度", "value": 98.5, "unit": "%", "hospital": zx, "mechanism": "党建+业务双融合"}]}
    d2 = {"doc": "001_beiyisanyuan.txt", "hospitals": [{"name": by, "aliases": []}, {"name": zx, "aliases": []}],
          "leaders": [{"name": "王五", "hospital": by, "titles": []}],
          "honors": [{"name": "全国文明单位", "hospital": by, "year": 2020, "unit": None},
                     {"name": "先进基层党组织", "hospital": by, "year": None, "unit": "党委"}],
          "mechanisms": [{"name": "双示范计划", "aliases": [], "hospital": by},
                         {"name": "双示范计划", "aliases": [], "hospital": zx}],  # one node in the graph
          "metrics": [{"name": "党员示范岗", "value": 36, "unit": "个", "hospital": by, "mechanism": None}]}
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for g in (d1, d2):
        (gold_dir / g["doc"].replace(".txt", ".json")).write_text(json.dumps(g, ensure_ascii=False), "utf-8")
    report = evaluate(gold_dir, tmp_path / "build")
    for kind, score in report.totals.items():
        assert score.fp == score.fn == 0, (kind, score)
    assert report.totals["implements"].tp == 4 and report.totals["mechanism"].tp == 3
    assert report.honor_units == (3, 4)  # 先进基层党组织: gold unit 党委, graph none
    assert format_report(report).splitlines()[-1] == "relation micro-F1 1.000 (P 1.000 R 1.000)"


def test_evaluate_malformed_gold_names_the_file(tmp_path):
    bad = dict(GOLD, metrics=[{"name": "x", "unit": "%", "hospital": "忠县人民医院"}])  # no value
    with pytest.raises(ValueError, match="a.json"):
        run(tmp_path, PERFECT, bad)


def test_format_report_details_flags_missing_document(tmp_path):
    report = run(tmp_path, PERFECT, GOLD, dict(GOLD, doc="b.txt"))
    text = format_report(report, details=True)
    assert "== b.txt  relations P 0.000 R 0.000 F1 0.000  NOT IN GRAPH" in text
    assert "  MISS     reportsMetric 忠县人民医院 → 产科门诊满意度 = 93.75 %" in text
