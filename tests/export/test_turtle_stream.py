"""The streamed graph.ttl writer gives exactly the bytes of the generic ``serialize``.

``turtle.write`` formats the knowledge graph from plain strings (no rdflib
terms) and streams it; ``serialize(rdf.triples(graph))`` is the reference.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.export import rdf, turtle
from kg.graph import KnowledgeGraph
from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import SIGNATURE, EntityType

import tiny_graph as tiny  # tests/ is on sys.path (conftest.py lives there)
from export.test_turtle import NASTY, _nasty_graph


def _reference(graph: KnowledgeGraph) -> str:
    return turtle.serialize(rdf.triples(graph))


def _escape_reference(text: str) -> str:
    """The character loop escape_string replaced (kept here as the specification)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in turtle._ECHAR:
            out.append(turtle._ECHAR[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{code:04X} in literal")
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.lists(st.sampled_from(NASTY + ["a", "医院", "\x7f", "\x1b"]), max_size=8).map("".join))
def test_escape_string_matches_character_loop(text):
    assert turtle.escape_string(text) == _escape_reference(text)


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", '"\n\udc00'])
def test_escape_string_refuses_surrogates_like_the_loop(text):
    with pytest.raises(ValueError) as fast:
        turtle.escape_string(text)
    with pytest.raises(ValueError) as slow:
        _escape_reference(text)
    assert str(fast.value) == str(slow.value)


def test_stream_matches_serialize_on_tiny_graph(tmp_path):
    graph = tiny.tiny_graph()
    turtle.write(graph, tmp_path)
    assert (tmp_path / "graph.ttl").read_text(encoding="utf-8") == _reference(graph)
    assert turtle.graph_turtle(graph) == _reference(graph)


@pytest.mark.parametrize("chunk", [1, 100, 1 << 20])
def test_stream_chunks_join_to_the_document(monkeypatch, chunk):
    graph = _nasty_graph(NASTY)
    monkeypatch.setattr(turtle, "CHUNK_CHARS", chunk)
    chunks = list(turtle.turtle_chunks(graph))
    assert "".join(chunks) == _reference(graph)
    if chunk == 1:
        assert len(chunks) > 10


def test_stream_empty_graph_is_only_prefixes():
    assert turtle.graph_turtle(KnowledgeGraph()) == _reference(KnowledgeGraph())


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(NASTY)
_NUMBER = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**6, max_value=10**9)


@st.composite
def _graphs(draw) -> KnowledgeGraph:
    """Random graphs of every class, with odd strings and numbers everywhere the writer formats them."""
    g = KnowledgeGraph()
    docs = draw(st.lists(st.sampled_from(["d0", "d1", "d2", "x9"]), min_size=1, max_size=3, unique=True))
    for d in docs:
        g.add_document(DocumentInfo(d, draw(_TEXT), "p", draw(_TEXT), draw(_TEXT), title=draw(st.none() | _TEXT)))
    keys = []
    for i in range(draw(st.integers(1, 8))):
        etype = draw(st.sampled_from(list(EntityType)))
        key = EntityKey(etype, (draw(st.sampled_from(["a", "b", "医院", ""])), str(i % 3)))
        entity = Entity(
            key, draw(_TEXT),
            aliases=tuple(draw(st.lists(_TEXT, max_size=3))),
            titles=tuple(draw(st.lists(_TEXT, max_size=3))),
            year=draw(st.none() | st.integers(-50, 12000)),
            recipient_unit=draw(st.none() | _TEXT), level=draw(st.none() | _TEXT),
            value=draw(_NUMBER), unit=draw(st.none() | _TEXT), from_value=draw(_NUMBER),
            approximate=draw(st.booleans()),
        )
        g.add_entity(entity, draw(st.sampled_from(docs)))
        keys.append(key)
    for _ in range(draw(st.integers(0, 10))):
        subj, obj = draw(st.sampled_from(keys)), draw(st.sampled_from(keys))
        preds = [p for p, sig in SIGNATURE.items() if sig == (subj.type, obj.type)]
        if not preds:
            continue
        start = draw(st.integers(0, 5))
        ev = Evidence(draw(st.sampled_from(docs)), start, start + draw(st.integers(1, 3)), draw(_TEXT))
        conf = draw(st.sampled_from([1.0, 0.9, 0.75, 0.5, 1 / 3]))
        g.add_relation(Relation(draw(st.sampled_from(preds)), subj, obj, ev, confidence=conf))
    return g


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_graphs())
def test_stream_matches_serialize_on_random_graphs(graph):
    assert turtle.graph_turtle(graph) == _reference(graph)


def test_stream_falls_back_when_two_entities_share_an_iri(monkeypatch):
    graph = tiny.tiny_graph()
    # A hash collision: every leader gets the hospital's IRI, so one subject holds two classes.
    import kg.ids as ids

    real = ids.entity_iri

    def colliding(key):
        return real(tiny.HOSPITAL_KEY if key.type is EntityType.LEADER else key)

    monkeypatch.setattr(turtle, "entity_iri", colliding)
    monkeypatch.setattr(rdf, "entity_iri", colliding)
    monkeypatch.setattr(ids, "entity_iri", colliding)  # statement IRIs are minted from entity IRIs
    with pytest.raises(turtle._NotPlain):
        turtle._GraphTurtle(graph)
    text = turtle.graph_turtle(graph)
    assert text == _reference(graph)
    assert "a hkg:Hospital, hkg:Leader" not in text and "hkg:Leader" in text


def test_written_file_only_vouches_for_an_unchanged_file(tmp_path):
    graph = tiny.tiny_graph()
    path = turtle.write(graph, tmp_path)[0]
    digest = turtle.written_file(graph, path)
    from kg.export.store import file_sha256

    assert digest == file_sha256(path)
    assert turtle.written_file(tiny.tiny_graph(), path) is None  # another graph object
    assert turtle.written_file(graph, tmp_path / "other.ttl") is None
    path.write_bytes(path.read_bytes() + b"\n")
    assert turtle.written_file(graph, path) is None


def test_numbers_use_the_generic_lexical_forms():
    g = KnowledgeGraph()
    g.add_document(DocumentInfo("d0", "f", "p", "0" * 64, "utf-8"))
    for i, (value, year) in enumerate([(Decimal("1E-7"), -44), (Decimal("8.5E+5"), 0), (Decimal("-0.000"), 10000)]):
        key = EntityKey(EntityType.METRIC, (str(i),))
        g.add_entity(Entity(key, "m", value=value, from_value=Decimal(i), year=year), "d0")
    assert turtle.graph_turtle(g) == _reference(g)


def test_fast_writer_covers_ordinary_graphs():
    turtle._GraphTurtle(tiny.tiny_graph())  # raises _NotPlain if the generic path were needed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20) | st.sampled_from(['http://e/a b', "http://e/<", "http://e/\x00", "http://e/\x7f", "http://e/é"]))
def test_iri_forbidden_regex_matches_the_character_set(iri):
    assert bool(turtle.RE_IRI_FORBIDDEN.search(iri)) == any(ch in turtle.IRI_FORBIDDEN for ch in iri)


def _format_iri_reference(prefixes: dict[str, str], iri: str) -> str:
    """The namespace loop _Writer's single regex replaced."""
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if iri.startswith(ns) and turtle._RE_LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http://e/", "http://e/x#", "http://e/x", "urn:a:", "", "https://w3id.org/hospital-kg/id/"]),
       st.text(st.sampled_from("aZ09_-./#é"), max_size=8))
def test_prefixed_names_match_the_namespace_loop(ns, local):
    prefixes = {"e": "http://e/", "ex": "http://e/x#", "ey": "http://e/x", "u": "urn:a:", **rdf.PREFIXES}
    iri = ns + local
    assert turtle._Writer(prefixes)._format_iri(iri) == _format_iri_reference(prefixes, iri)
    assert turtle._Writer({})._format_iri(iri) == f"<{iri}>"
