"""Tests of kg.validate: the exported tiny graph conforms; each contract breach is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.export import rdf, turtle
from kg.ids import document_iri, entity_iri
from kg.validate import MAX_LISTED, ValidationReport, ontology_dir, validate
from kg.vocab import HKG, ID, PROV

import tiny_graph as tiny  # tests/ is on sys.path (conftest.py lives there)

DATA = Path(__file__).parent / "export" / "data"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


HOSPITAL = entity_iri(tiny.HOSPITAL_KEY)
LEADER = entity_iri(tiny.LEADER_KEY)
METRIC = entity_iri(tiny.METRIC_KEY)
DOC_A = document_iri(tiny.DOC_A)


def _statement(g: Graph, predicate: str) -> URIRef:
    return sorted(g.subjects(RDF.predicate, HKG[predicate]))[0]


def _check(tmp_path: Path, g: Graph) -> ValidationReport:
    path = tmp_path / "graph.ttl"
    path.write_text(turtle.serialize(g), encoding="utf-8")
    return validate(path)


def test_validate_ontology_files_found():
    folder = ontology_dir()
    assert (folder / "hkg.ttl").is_file() and (folder / "shapes.ttl").is_file()


def test_validate_exported_graph_conforms(tmp_path):
    path = turtle.write(tiny.tiny_graph(), tmp_path)[0]
    report = validate(path)
    assert report.conforms, report.text
    assert report.results_count == 0
    assert "\n" not in report.text and "conforms" in report.text


def _drop(s, p):
    return lambda g: g.remove((s, p, None))


def _add(s, p, o):
    return lambda g: g.add((s, p, o))


def _set(s, p, o):
    return lambda g: g.set((s, p, o))


def _on_statement(predicate, p, o=None):
    def mutate(g):
        st = _statement(g, predicate)
        if o is None:
            g.remove((st, p, None))
        else:
            g.set((st, p, o))
    return mutate


def _unassert_relation(g):
    g.remove((HOSPITAL, HKG["implements"], None))


BREACHES = {
    "missing label": (_drop(LEADER, RDFS.label), "rdfs:label"),
    "label not @zh": (_set(LEADER, RDFS.label, Literal("Zhang San", lang="en")), "rdfs:label"),
    "alias is a reference": (_add(HOSPITAL, SKOS.altLabel, Literal("该院", lang="zh")), "skos:altLabel"),
    "label is a reference": (_set(HOSPITAL, RDFS.label, Literal("本院", lang="zh")), "rdfs:label"),
    "two labels": (_add(LEADER, RDFS.label, Literal("张三丰", lang="zh")), "rdfs:label"),
    "hasLeader range": (_add(HOSPITAL, HKG["hasLeader"], METRIC), "hkg:Leader"),
    "hasLeader domain": (_add(LEADER, HKG["hasLeader"], LEADER), "hkg:Hospital"),
    "measuredBy range": (_add(entity_iri(tiny.MECHANISM_KEY), HKG["measuredBy"], HOSPITAL), "hkg:Metric"),
    "no provenance": (_drop(LEADER, PROV.wasDerivedFrom), "prov:wasDerivedFrom"),
    "provenance not a document": (_set(LEADER, PROV.wasDerivedFrom, ID["document/unknown"]), "hkg:Document"),
    "metric without unit": (_drop(METRIC, HKG["unit"]), "hkg:unit"),
    "metric value not decimal": (_set(METRIC, HKG["value"], Literal("85万")), "hkg:value"),
    "year not gYear": (_set(METRIC, HKG["year"], Literal(2024)), "hkg:year"),
    "document without sha256": (_drop(DOC_A, HKG["sha256"]), "hkg:sha256"),
    "document without fileName": (_drop(DOC_A, HKG["fileName"]), "hkg:fileName"),
    "bad sha256": (_set(DOC_A, HKG["sha256"], Literal("xyz")), "hkg:sha256"),
    "evidence without text": (_on_statement("implements", HKG["evidenceText"]), "hkg:evidenceText"),
    "charStart not below charEnd": (
        _on_statement("implements", HKG["charStart"], Literal(500)), "hkg:charStart"),
    "charStart not integer": (
        _on_statement("implements", HKG["charStart"], Literal("80")), "hkg:charStart"),
    "confidence above one": (
        _on_statement("implements", HKG["confidence"], Literal("1.5", datatype=XSD.decimal)), "hkg:confidence"),
    "evidence without document": (_on_statement("implements", PROV.wasDerivedFrom), "prov:wasDerivedFrom"),
    "evidence predicate unknown": (
        _on_statement("implements", RDF.predicate, HKG["knows"]), "rdf:predicate"),
    "reified triple not asserted": (_unassert_relation, "not asserted"),
}


@pytest.mark.parametrize("name", sorted(BREACHES))
def test_validate_reports_breach(tmp_path, name):
    mutate, expected = BREACHES[name]
    g = rdf.to_rdflib(tiny.tiny_graph())
    mutate(g)
    report = _check(tmp_path, g)
    assert not report.conforms
    assert report.results_count >= 1
    assert expected in report.text, report.text


def test_validate_invalid_turtle_is_a_failed_report(tmp_path):
    path = tmp_path / "graph.ttl"
    # rdflib 7 accepts this (its own serializer writes it); the W3C grammar does not.
    path.write_text('<http://a> <http://b> """x\n"""" .\n', encoding="utf-8")
    report = validate(path)
    assert not report.conforms and report.results_count == 1
    assert "not valid Turtle" in report.text


def test_validate_lists_at_most_max_listed(tmp_path):
    g = rdf.to_rdflib(tiny.tiny_graph())
    for i in range(MAX_LISTED + 5):
        g.add((ID[f"hospital/x{i}"], RDF.type, HKG["Hospital"]))  # no label, no provenance
    report = _check(tmp_path, g)
    assert report.results_count == 2 * (MAX_LISTED + 5)
    assert len(report.text.splitlines()) == 1 + MAX_LISTED + 1
    assert "more" in report.text.splitlines()[-1]
