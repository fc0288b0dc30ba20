"""kg.export.store: the store holds exactly graph.ttl's triples, however it was fed."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.export import store, turtle
from kg.export.store import file_sha256, turtle_parts
from kg.graph import KnowledgeGraph

import tiny_graph as tiny  # tests/ is on sys.path (conftest.py lives there)
from export.test_turtle import NASTY, _nasty_graph


def _triples(data: bytes) -> set:
    return set(ox.parse(data, format=ox.RdfFormat.TURTLE))


def _loaded(data: bytes) -> set:
    """The quads a store holds for ``data`` (a store keeps values: "1.0"^^xsd:decimal reads back as "1")."""
    s = ox.Store()
    s.load(data, format=ox.RdfFormat.TURTLE)
    return set(s)


def _store_triples(out) -> set:
    return set(ox.Store.read_only(str(out / "store")))  # quads in the default graph, like ox.parse


@pytest.mark.parametrize("size", [1, 50, 400, 1 << 30])
@pytest.mark.parametrize("piece", [1, 7, 1 << 20])
def test_turtle_parts_are_valid_and_hold_the_same_triples(size, piece):
    data = turtle.graph_turtle(_nasty_graph(NASTY)).encode("utf-8")
    pieces = [data[i:i + piece] for i in range(0, len(data), piece)]
    parts = list(turtle_parts(pieces, size))
    assert (len(parts) > 5) == (size <= 400)
    header = data[:data.index(b"\n\n") + 1]
    assert all(p.startswith(header) for p in parts)
    assert b"".join([parts[0]] + [p[len(header):] for p in parts[1:]]) == data
    assert set().union(*(_triples(p) for p in parts)) == _triples(data)


def test_turtle_parts_of_an_empty_graph():
    data = turtle.graph_turtle(KnowledgeGraph()).encode("utf-8")
    assert list(turtle_parts([data], 1)) == [data]


@pytest.mark.parametrize("ttl_first", [True, False])
def test_store_matches_graph_ttl_whether_or_not_it_was_written_first(tmp_path, monkeypatch, ttl_first):
    monkeypatch.setattr(store, "PART_BYTES", 300)  # many parts
    graph = _nasty_graph(NASTY)
    if ttl_first:
        turtle.write(graph, tmp_path)
    store.write(graph, tmp_path)
    if not ttl_first:
        assert not (tmp_path / "graph.ttl").exists()  # the store alone writes no graph.ttl
        turtle.write(graph, tmp_path)
    data = (tmp_path / "graph.ttl").read_bytes()
    meta = json.loads((tmp_path / "store.json").read_text())
    assert meta["sha256"] == file_sha256(tmp_path / "graph.ttl")
    assert meta["triples"] == len(_triples(data))
    assert _store_triples(tmp_path) == _loaded(data)
    assert store.up_to_date(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "store", "store.json"]


def test_store_does_not_trust_a_graph_ttl_changed_after_it_was_written(tmp_path):
    graph = tiny.tiny_graph()
    turtle.write(graph, tmp_path)
    other = _nasty_graph(["x"])
    turtle.write(other, tmp_path)  # graph.ttl is now another graph's
    store.write(graph, tmp_path)
    assert not store.up_to_date(tmp_path)
    assert _store_triples(tmp_path) == _loaded(turtle.graph_turtle(graph).encode("utf-8"))


def test_store_failure_leaves_no_temporary_folder(tmp_path, monkeypatch):
    def broken(graph):
        yield turtle.graph_turtle(graph)[:200]
        raise RuntimeError("formatting failed")

    monkeypatch.setattr(turtle, "turtle_chunks", broken)
    with pytest.raises(RuntimeError):
        store.write(tiny.tiny_graph(), tmp_path)
    assert list(tmp_path.iterdir()) == []
