"""GraphML export: networkx reads it back with the same nodes, edges and attributes."""

from __future__ import annotations

import io

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export import graphml
from kg.ids import entity_iri

import kg_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)


def test_graphml_roundtrip_nodes_edges_attributes(tmp_path):
    graph = fx.small_graph()
    [path] = graphml.write(graph, tmp_path)
    assert path.name == "graph.graphml"
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.number_of_nodes() == len(graph) + len(graph.documents())
    derived = sum(len(n.documents) for n in graph.nodes())
    assert g.number_of_edges() == len(graph.edges()) + derived
    metric = next(n for n in graph.nodes() if n.label == "门诊量")
    attrs = g.nodes[str(entity_iri(metric.key))]
    assert attrs["type"] == "Metric" and attrs["value"] == 850000.0 and attrs["year"] == 2024
    assert attrs["approximate"] is True and attrs["unit"] == "人次"
    hospital = next(n for n in graph.nodes() if n.label == fx.HOSPITAL_A)
    assert g.nodes[str(entity_iri(hospital.key))]["aliases"] == "忠医"
    predicates = {d["predicate"] for _, _, d in g.edges(data=True)}
    assert predicates == {"hasLeader", "receivedHonor", "implements", "reportsMetric", "measuredBy", "derivedFrom"}
    for _, _, d in g.edges(data=True):
        if d["predicate"] != "derivedFrom":
            assert d["evidence"] and d["evidenceCount"] >= 1 and 0 < d["confidence"] <= 1


def test_graphml_deterministic(tmp_path):
    assert graphml.to_graphml(fx.small_graph()) == graphml.to_graphml(fx.small_graph())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), min_size=1, max_size=3))
def test_graphml_odd_text_stays_readable_hypothesis(strings):
    g = nx.read_graphml(io.BytesIO(graphml.to_graphml(fx.nasty_graph(strings))))
    labels = {d["label"] for _, d in g.nodes(data=True) if d["type"] == "Hospital"}
    assert labels == {graphml.xml_safe(f"{s}#{i}") for i, s in enumerate(strings)}
