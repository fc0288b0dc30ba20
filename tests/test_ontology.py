"""Tests of ontology/*.ttl: parse strictly; agree with kg.vocab, the exporter and the contract."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.export import rdf
from kg.validate import ontology_dir
from kg.vocab import HKG, SIGNATURE, EntityType, Predicate

import tiny_graph as tiny  # tests/ is on sys.path (conftest.py lives there)

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ontology_dir()
SH = Namespace("http://www.w3.org/ns/shacl#")
# shared/ sits beside the work tree (and beside CI's clone).
CONTRACT = ROOT.parent / "shared" / "GRAPH_CONTRACT.md"


@pytest.fixture(scope="module")
def ont() -> Graph:
    return Graph().parse(ONTOLOGY / "hkg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


def _declared(ont: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in ont.subjects(RDF.type, kind) if isinstance(s, URIRef) and s.startswith(str(HKG))}


@pytest.mark.parametrize("name", ["hkg.ttl", "shapes.ttl"])
def test_ontology_files_parse_strictly(name):
    data = (ONTOLOGY / name).read_bytes()
    triples = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(data=data, format="turtle")) > 50


def test_ontology_classes_equal_entity_types(ont):
    assert _declared(ont, OWL.Class) == {HKG[t.value] for t in EntityType} | {HKG["Document"]}


def test_ontology_object_properties_equal_predicates(ont):
    assert _declared(ont, OWL.ObjectProperty) == {HKG[p.value] for p in Predicate}


def test_ontology_domains_and_ranges_equal_signature(ont):
    for pred, (domain, range_) in SIGNATURE.items():
        assert set(ont.objects(HKG[pred.value], RDFS.domain)) == {HKG[domain.value]}
        assert set(ont.objects(HKG[pred.value], RDFS.range)) == {HKG[range_.value]}


def test_ontology_datatype_properties_equal_exporter(ont):
    assert _declared(ont, OWL.DatatypeProperty) == set(rdf.DATA_PROPERTIES)


def test_ontology_every_term_has_zh_and_en_label_and_comment(ont):
    terms = _declared(ont, OWL.Class) | _declared(ont, OWL.ObjectProperty) | _declared(ont, OWL.DatatypeProperty)
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ont.objects(term, prop)}
            assert langs == {"zh", "en"}, (term, prop, langs)


def test_ontology_declares_every_hkg_term_the_exporter_writes(ont):
    declared = {s for s in ont.subjects() if isinstance(s, URIRef)}
    g = rdf.to_rdflib(tiny.tiny_graph())
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and t.startswith(str(HKG))}
    assert used and used <= declared, used - declared


def test_ontology_declares_every_hkg_term_the_shapes_use(ont, shapes):
    declared = {s for s in ont.subjects() if isinstance(s, URIRef)}
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(str(HKG))}
    assert used <= declared, used - declared


def test_ontology_shapes_cover_classes_and_relations(shapes):
    targets = set(shapes.objects(None, SH.targetClass))
    assert {HKG[t.value] for t in EntityType} | {HKG["Document"], RDF.Statement} <= targets
    assert set(shapes.objects(None, SH.targetSubjectsOf)) == {HKG[p.value] for p in Predicate}


def test_ontology_has_every_contract_name(ont):
    if not CONTRACT.is_file():
        pytest.skip(f"{CONTRACT} not present")
    names = set(re.findall(r"`hkg:([A-Za-z]+)`", CONTRACT.read_text(encoding="utf-8")))
    assert len(names) >= 20
    declared = {s for s in ont.subjects() if isinstance(s, URIRef)}
    assert {HKG[n] for n in names} <= declared, {HKG[n] for n in names} - declared
