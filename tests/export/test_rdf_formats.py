"""N-Triples, N-Quads, TriG and JSON-LD exports: strict parsers read back graph.ttl's graph."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.export import rdf, rdf_formats, turtle
from kg.ids import document_iri

import kg_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)


FORMATS = {
    # name: (writer, file, rdflib format, pyoxigraph format)
    "nt": (rdf_formats.write_ntriples, "graph.nt", "nt", ox.RdfFormat.N_TRIPLES),
    "nq": (rdf_formats.write_nquads, "graph.nq", "nquads", ox.RdfFormat.N_QUADS),
    "trig": (rdf_formats.write_trig, "graph.trig", "trig", ox.RdfFormat.TRIG),
    "jsonld": (rdf_formats.write_jsonld, "graph.jsonld", "json-ld", ox.RdfFormat.JSON_LD),
}
NASTY = ['say "hi"', "back\\slash\\", "line\nbreak\r\n", "</script><b>", "\x00\x01\x1f\x7f", "tab\there",
         "trailing quote\n\"", "中文“引号”、；", "\u2028\u2029\x85", "emoji 😀", "", "'single'", "@zh", "<iri>"]


def rdflib_union(path: Path, fmt: str) -> rdflib.Graph:
    """All triples of all graphs in a file, parsed by rdflib, as one graph."""
    ds = rdflib.Dataset()
    ds.parse(path, format=fmt)
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def oxigraph_union(path: Path, fmt: ox.RdfFormat) -> rdflib.Graph:
    """All triples of a file, parsed by pyoxigraph's strict parser, as an rdflib graph (via N-Triples)."""
    quads = list(ox.parse(path=str(path), format=fmt))
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")


def reference(graph, out: Path) -> rdflib.Graph:
    turtle.write(graph, out)
    return oxigraph_union(out / "graph.ttl", ox.RdfFormat.TURTLE)


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("graph_name", ["small", "nasty"])
def test_rdf_formats_roundtrip_isomorphic_to_turtle(tmp_path, name, graph_name):
    graph = fx.small_graph() if graph_name == "small" else fx.nasty_graph(NASTY)
    ref = reference(graph, tmp_path)
    writer, file_name, rdflib_fmt, ox_fmt = FORMATS[name]
    written = writer(graph, tmp_path)
    assert tmp_path / file_name in written
    assert isomorphic(oxigraph_union(tmp_path / file_name, ox_fmt), ref)
    assert isomorphic(rdflib_union(tmp_path / file_name, rdflib_fmt), ref)


@pytest.mark.parametrize("name", ["nq", "trig"])
def test_rdf_formats_one_named_graph_per_document(tmp_path, name):
    graph = fx.small_graph()
    writer, file_name, _, ox_fmt = FORMATS[name]
    writer(graph, tmp_path)
    quads = list(ox.parse(path=str(tmp_path / file_name), format=ox_fmt))
    names = {q.graph_name.value for q in quads}
    assert names == {str(document_iri(d.doc_id)) for d in graph.documents()}
    derived = ox.NamedNode(str(rdf.P_DERIVED_FROM))
    for q in quads:
        # Whatever a named graph says about provenance points at its own document.
        if q.predicate == derived:
            assert q.object.value == q.graph_name.value
    # Every evidence statement sits in the graph of the document it quotes.
    statements = [q for q in quads if q.predicate == derived and "/evidence/" in q.subject.value]
    assert len(statements) == sum(len(e.evidence) for e in graph.edges())


def test_rdf_formats_entity_in_two_documents_is_in_both_graphs(tmp_path):
    graph = fx.small_graph()
    rdf_formats.write_nquads(graph, tmp_path)
    hospital = next(n for n in graph.nodes() if n.label == fx.HOSPITAL_A)
    assert len(hospital.documents) == 2
    from kg.ids import entity_iri

    quads = list(ox.parse(path=str(tmp_path / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    label_graphs = {q.graph_name.value for q in quads
                    if q.subject.value == str(entity_iri(hospital.key)) and q.predicate.value.endswith("#label")}
    assert label_graphs == {str(document_iri(d)) for d in hospital.documents}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_rdf_formats_deterministic(tmp_path, name):
    writer, file_name, _, _ = FORMATS[name]
    writer(fx.small_graph(), tmp_path / "a")
    writer(fx.small_graph(), tmp_path / "b")
    assert (tmp_path / "a" / file_name).read_bytes() == (tmp_path / "b" / file_name).read_bytes()


def test_rdf_formats_jsonld_context_file_and_script_safe(tmp_path):
    paths = rdf_formats.write_jsonld(fx.nasty_graph(NASTY), tmp_path)
    assert [p.name for p in paths] == ["graph.jsonld", "context.jsonld"]
    context = json.loads((tmp_path / "context.jsonld").read_text(encoding="utf-8"))
    doc = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == context["@context"]
    assert context["@context"]["hkg"] == "https://w3id.org/hospital-kg/ontology#"
    assert "</" not in (tmp_path / "graph.jsonld").read_text(encoding="utf-8")


text_strategy = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text_strategy, min_size=1, max_size=4))
def test_rdf_formats_escaping_roundtrip_hypothesis(strings):
    graph = fx.nasty_graph(strings)
    expected = {f"{s}#{i}" for i, s in enumerate(strings)}
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    hospital_class = "https://w3id.org/hospital-kg/ontology#Hospital"

    def hospital_labels(quads) -> set[str]:
        quads = list(quads)
        hospitals = {q.subject for q in quads if q.object.value == hospital_class}
        return {q.object.value for q in quads if q.subject in hospitals and q.predicate.value == label}

    nt = rdf_formats.to_ntriples(graph).encode("utf-8")
    assert hospital_labels(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)) == expected
    jsonld = rdf_formats.to_jsonld(graph).encode("utf-8")
    assert hospital_labels(ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)) == expected
    trig = rdf_formats.to_trig(graph).encode("utf-8")
    assert hospital_labels(ox.parse(trig, format=ox.RdfFormat.TRIG)) == expected
    # rdflib too, on N-Triples: the same literals.
    g = rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")
    assert {str(o) for s, o in g.subject_objects(rdflib.RDFS.label)
            if (s, rdflib.RDF.type, rdflib.URIRef(hospital_class)) in g} == expected


def test_rdf_formats_seeds_build_roundtrip(tmp_path):
    """The real seeds build: every format reads back as graph.ttl's graph (strict parser)."""
    from kg.pipeline import build

    root = Path(__file__).resolve().parents[2]
    report = build([root / "seeds"], tmp_path, ["ttl", "nt", "nq", "trig", "jsonld"])
    assert report.documents == 5
    ref = oxigraph_union(tmp_path / "graph.ttl", ox.RdfFormat.TURTLE)
    for name, (_, file_name, rdflib_fmt, ox_fmt) in sorted(FORMATS.items()):
        assert isomorphic(oxigraph_union(tmp_path / file_name, ox_fmt), ref), name
        assert isomorphic(rdflib_union(tmp_path / file_name, rdflib_fmt), ref), name
