"""Tests of kg.export.rdf: the contract's triples, literal forms, provenance, evidence, quads."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.export import rdf
from kg.ids import document_iri, entity_iri
from kg.vocab import HKG, PROV, EntityType, Predicate

import tiny_graph as tiny  # tests/ is on sys.path (conftest.py lives there)

DATA = Path(__file__).with_name("data")
# A plain Namespace: pytest probing rdflib's closed XSD namespace warns.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


@pytest.fixture(scope="module")
def graph():
    return tiny.tiny_graph()


@pytest.fixture(scope="module")
def g(graph) -> Graph:
    return rdf.to_rdflib(graph)


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("85E+4"), "850000.0"),
        (Decimal("93.750"), "93.75"),
        (Decimal("0"), "0.0"),
        (Decimal("-0.00"), "0.0"),
        (Decimal("-0.50"), "-0.5"),
        (Decimal("1E-5"), "0.00001"),
        (0.1, "0.1"),
        (1.0, "1.0"),
        (7, "7.0"),
    ],
)
def test_rdf_decimal_lexical_is_canonical(value, expected):
    assert rdf.decimal_lexical(value) == expected


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("inf")])
def test_rdf_decimal_lexical_rejects_non_finite(value):
    with pytest.raises(ValueError):
        rdf.decimal_lexical(value)


def test_rdf_every_entity_has_class_and_one_zh_label(graph, g):
    for node in graph.nodes():
        s = entity_iri(node.key)
        assert (s, RDF.type, HKG[node.type.value]) in g
        assert list(g.objects(s, RDFS.label)) == [Literal(node.label, lang="zh")]


def test_rdf_aliases_and_titles_are_zh_literals(g):
    hospital = entity_iri(tiny.HOSPITAL_KEY)
    assert set(g.objects(hospital, SKOS.altLabel)) == {Literal("忠医", lang="zh"), Literal("忠县医院", lang="zh")}
    leader = entity_iri(tiny.LEADER_KEY)
    assert set(g.objects(leader, HKG["title"])) == {Literal("党委书记", lang="zh"), Literal("院长", lang="zh")}


def test_rdf_honor_literals(g):
    honor = entity_iri(tiny.HONOR_KEY)
    assert g.value(honor, HKG["year"]) == Literal("2024", datatype=XSD.gYear)
    assert g.value(honor, HKG["recipientUnit"]) == Literal("机关党支部", lang="zh")
    assert g.value(honor, HKG["level"]) == Literal("市级", lang="zh")


def test_rdf_metric_literals(g):
    metric = entity_iri(tiny.METRIC_KEY)
    assert g.value(metric, HKG["value"]) == Literal("850000.0", datatype=XSD.decimal)
    assert g.value(metric, HKG["fromValue"]) == Literal("700000.0", datatype=XSD.decimal)
    # A unit is a plain string (not @zh): "%" has no language.
    assert g.value(metric, HKG["unit"]) == Literal("人次")
    assert g.value(metric, HKG["approximate"]) == Literal(True)
    assert g.value(metric, HKG["year"]) == Literal("2024", datatype=XSD.gYear)


def test_rdf_exact_metric_states_no_approximate():
    from kg.graph import Node
    from kg.records import EntityKey

    node = Node(EntityKey(EntityType.METRIC, ("x",)), "x", value=Decimal(3), unit="个", documents=("d",))
    assert not [t for t in rdf.entity_triples(node) if t[1] == HKG["approximate"]]


def test_rdf_documents(graph, g):
    for doc in graph.documents():
        s = document_iri(doc.doc_id)
        assert (s, RDF.type, HKG["Document"]) in g
        assert g.value(s, HKG["fileName"]) == Literal(doc.file_name)
        assert g.value(s, HKG["sha256"]) == Literal(doc.sha256)
        assert g.value(s, HKG["encoding"]) == Literal(doc.encoding)
        assert g.value(s, DCTERMS.title) == (Literal(doc.title, lang="zh") if doc.title else None)


def test_rdf_local_paths_are_not_exported(graph, g):
    paths = {doc.path for doc in graph.documents()}
    assert not [o for o in g.objects() if isinstance(o, Literal) and str(o) in paths]


def test_rdf_entities_derived_from_each_document(graph, g):
    for node in graph.nodes():
        found = set(g.objects(entity_iri(node.key), PROV.wasDerivedFrom))
        assert found == {document_iri(d) for d in node.documents}
    assert len(set(g.objects(entity_iri(tiny.HOSPITAL_KEY), PROV.wasDerivedFrom))) == 2


def test_rdf_relation_triples_and_one_statement_per_evidence(graph, g):
    edges = graph.edges()
    assert {e.predicate for e in edges} == set(Predicate)
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert len(statements) == sum(len(e.evidence) for e in edges) == 6
    for e in edges:
        s, p, o = entity_iri(e.subject), HKG[e.predicate.value], entity_iri(e.object)
        assert (s, p, o) in g
        for ev in e.evidence:
            hits = [
                st for st in statements
                if (st, RDF.subject, s) in g and (st, RDF.predicate, p) in g and (st, RDF.object, o) in g
                and g.value(st, HKG["charStart"]) == Literal(ev.char_start)
                and g.value(st, PROV.wasDerivedFrom) == document_iri(ev.doc_id)
            ]
            assert len(hits) == 1
            st = hits[0]
            assert g.value(st, HKG["evidenceText"]) == Literal(ev.sentence, lang="zh")
            assert g.value(st, HKG["charEnd"]) == Literal(ev.char_end, datatype=XSD.integer)


def test_rdf_statement_confidence_is_per_sentence(g):
    leader = entity_iri(tiny.LEADER_KEY)
    by_doc = {
        g.value(st, PROV.wasDerivedFrom): g.value(st, HKG["confidence"])
        for st in g.subjects(RDF.object, leader)
    }
    assert by_doc == {
        document_iri(tiny.DOC_A): Literal("0.9", datatype=XSD.decimal),
        document_iri(tiny.DOC_B): Literal("0.75", datatype=XSD.decimal),
    }


def test_rdf_iris_are_ascii_without_spaces_or_percent(g):
    for term in {t for triple in g for t in triple if isinstance(t, URIRef)}:
        assert term.isascii() and " " not in term and "%" not in term, term


def test_rdf_insertion_order_does_not_matter(graph):
    assert isomorphic(rdf.to_rdflib(graph), rdf.to_rdflib(tiny.tiny_graph(reverse=True)))


def test_rdf_quads_union_equals_to_rdflib(graph, g):
    union = Graph()
    for s, p, o, _ in rdf.quads(graph):
        union.add((s, p, o))
    assert isomorphic(union, g)


def test_rdf_quads_keep_each_document_in_its_own_graph(graph):
    by_graph: dict = {}
    for s, p, o, ctx in rdf.quads(graph):
        by_graph.setdefault(ctx, Graph()).add((s, p, o))
    assert set(by_graph) == {document_iri(tiny.DOC_A), document_iri(tiny.DOC_B)}
    for ctx, sub in by_graph.items():
        # Provenance inside a document's graph points to that document only.
        assert set(sub.objects(None, PROV.wasDerivedFrom)) == {ctx}
    doc_b = by_graph[document_iri(tiny.DOC_B)]
    assert (entity_iri(tiny.HOSPITAL_KEY), HKG["hasLeader"], entity_iri(tiny.LEADER_KEY)) in doc_b
    assert len(set(doc_b.subjects(RDF.type, RDF.Statement))) == 1
    # The leader was only found in document A as an entity, so B holds no description of it.
    assert not list(doc_b.triples((entity_iri(tiny.LEADER_KEY), RDFS.label, None)))


def test_rdf_prefixes_are_bound(g):
    bound = {prefix: str(ns) for prefix, ns in g.namespaces()}
    for prefix, ns in rdf.PREFIXES.items():
        assert bound.get(prefix) == ns


@pytest.mark.parametrize("module", ["rdf.py", "turtle.py"])
def test_rdf_exporters_import_nothing_from_extraction(module):
    tree = ast.parse((Path(rdf.__file__).parent / module).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("kg.extract", "kg.resolve"))}
