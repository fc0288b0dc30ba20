"""Tests of kg.export.turtle: golden file, strict round trip, determinism, escaping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.export import rdf, turtle
from kg.graph import KnowledgeGraph
from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import EntityType, Predicate

import tiny_graph as tiny  # tests/ is on sys.path (conftest.py lives there)

DATA = Path(__file__).with_name("data")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# Strings that broke Turtle writers before: rdflib 7 writes invalid Turtle
# for a newline followed by a trailing quote.
NASTY = [
    'a\n"',
    '"',
    '""',
    '"""',
    'x"""y',
    "\\",
    '\\"',
    "'''",
    "\n\r\t\b\f",
    "\x00\x01\x1f\x7f",
    "</script><script>alert(1)</script>",
    "\u2028\u2029\ufeff\ufffe",
    "😀𠀀",
    " leading and trailing ",
    "",
]


def _strict_parse(text: str) -> Graph:
    """Parse Turtle with pyoxigraph (W3C-conformant) and convert to rdflib terms."""
    g = Graph()

    def conv(term):
        if isinstance(term, pyoxigraph.NamedNode):
            return URIRef(term.value)
        if isinstance(term, pyoxigraph.BlankNode):
            return BNode(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        # rdflib keeps plain literals without a datatype; RDF 1.1 says xsd:string.
        dt = None if term.datatype.value == XSD_STRING else URIRef(term.datatype.value)
        return Literal(term.value, datatype=dt)

    for t in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE):
        g.add((conv(t.subject), conv(t.predicate), conv(t.object)))
    return g


def _nasty_graph(strings: list[str]) -> KnowledgeGraph:
    """One hospital and leader per string: in labels, aliases, posts and evidence."""
    g = KnowledgeGraph()
    g.add_document(DocumentInfo("d0", "f.txt", "f.txt", "0" * 64, "utf-8", title=strings[0] if strings else None))
    for i, text in enumerate(strings):
        h = EntityKey(EntityType.HOSPITAL, (f"h{i}",))
        lead = EntityKey(EntityType.LEADER, (f"l{i}", f"h{i}"))
        g.add_entity(Entity(h, text, aliases=(text + "#",)), "d0")
        g.add_entity(Entity(lead, f"l{i}", titles=(text,)), "d0")
        assert g.add_relation(Relation(Predicate.HAS_LEADER, h, lead, Evidence("d0", i, i + 1, text)))
    return g


def _literal_values(g: Graph) -> set[str]:
    return {str(o) for o in g.objects() if isinstance(o, Literal)}


def test_turtle_matches_golden_file():
    expected = (DATA / "expected.ttl").read_bytes()
    assert turtle.serialize(rdf.to_rdflib(tiny.tiny_graph())).encode("utf-8") == expected


def test_turtle_golden_parses_strictly_and_isomorphic_to_graph():
    text = (DATA / "expected.ttl").read_text(encoding="utf-8")
    expected = rdf.to_rdflib(tiny.tiny_graph())
    assert isomorphic(_strict_parse(text), expected)
    assert isomorphic(Graph().parse(data=text, format="turtle"), expected)


def test_turtle_write_returns_graph_ttl(tmp_path):
    paths = turtle.write(tiny.tiny_graph(), tmp_path / "out")
    assert paths == [tmp_path / "out" / "graph.ttl"]
    assert paths[0].read_bytes() == (DATA / "expected.ttl").read_bytes()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["graph.ttl"]  # no temp file left


def test_turtle_insertion_order_gives_same_bytes():
    a = turtle.serialize(rdf.to_rdflib(tiny.tiny_graph()))
    b = turtle.serialize(rdf.to_rdflib(tiny.tiny_graph(reverse=True)))
    assert a == b


_SCRIPT = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("t", sys.argv[1])
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
from kg.export import turtle
turtle.write(m.tiny_graph(reverse=sys.argv[3] == "1"), sys.argv[2])
"""


def test_turtle_bytes_identical_across_hash_seeds(tmp_path):
    outputs = []
    for i, seed in enumerate(["0", "1", "4242"]):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(Path(tiny.__file__)), str(out), str(i % 2)],
            check=True, env=env,
        )
        outputs.append((out / "graph.ttl").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize("text", NASTY)
def test_turtle_nasty_literals_round_trip_strictly(text):
    graph = _nasty_graph([text])
    ttl = turtle.serialize(rdf.to_rdflib(graph))
    parsed = _strict_parse(ttl)
    assert isomorphic(parsed, rdf.to_rdflib(graph))
    assert text in _literal_values(parsed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
        st.lists(st.sampled_from(NASTY + ["a", "医院", " "]), max_size=6).map("".join),
    ),
    min_size=1, max_size=5,
))
def test_turtle_random_unicode_round_trips_through_pyoxigraph(strings):
    ttl = turtle.serialize(rdf.to_rdflib(_nasty_graph(strings)))
    parsed = _strict_parse(ttl)  # raises on any invalid Turtle
    values = _literal_values(parsed)
    for text in strings:
        assert text in values and text + "#" in values


def test_turtle_escape_string_forms():
    assert turtle.escape_string('a"b\\c\nd\re\tf') == 'a\\"b\\\\c\\nd\\re\\tf'
    assert turtle.escape_string("\x00\x1f\x7f") == "\\u0000\\u001F\\u007F"
    assert turtle.escape_string("医院😀") == "医院😀"


def test_turtle_lone_surrogate_is_refused():
    with pytest.raises(ValueError):
        turtle.escape_string("a\ud800b")


def test_turtle_generic_terms():
    ex = Namespace("http://example.org/")
    g = Graph()
    g.add((ex["a"], ex["p"], Literal("s", datatype=XSD.string)))
    g.add((ex["a"], ex["p"], Literal("-5", datatype=XSD.integer)))
    g.add((ex["a"], ex["p"], Literal("1e3", datatype=XSD.double)))
    g.add((ex["a"], ex["p"], Literal("x", lang="en-GB")))
    g.add((ex["a"], ex["q"], BNode("b1")))
    g.add((BNode("b1"), ex["p"], URIRef("http://example.org/with/slash")))
    text = turtle.serialize(g, {"ex": str(ex)})
    assert "ex:p" in text and "<http://example.org/with/slash>" in text
    assert '"s"^^<http://www.w3.org/2001/XMLSchema#string>' in text  # no xsd prefix declared here
    assert isomorphic(Graph().parse(data=text, format="turtle"), g)
    assert len(_strict_parse(text)) == len(g)


def test_turtle_refuses_unwritable_iri():
    g = Graph()
    g.add((URIRef("http://example.org/a b"), URIRef("http://example.org/p"), Literal("x")))
    with pytest.raises(ValueError):
        turtle.serialize(g)


def test_turtle_empty_graph_is_only_prefixes():
    text = turtle.serialize(Graph())
    assert text.splitlines() == [f"@prefix {p}: <{ns}> ." for p, ns in rdf.PREFIXES.items()]
    assert len(_strict_parse(text)) == 0


def test_turtle_subjects_grouped_by_class():
    text = (DATA / "expected.ttl").read_text(encoding="utf-8")
    order = [line.split()[1] for line in text.splitlines() if line.startswith("    a ")]
    ranks = ["hkg:Hospital", "hkg:Leader", "hkg:Honor", "hkg:Mechanism", "hkg:Metric", "hkg:Document", "rdf:Statement"]
    assert order == sorted(order, key=ranks.index)
