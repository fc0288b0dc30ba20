"""The fast JSON path of the HTML exporter gives the same bytes as encoding the payload dicts.

``hospital_pages`` and ``overview_json`` assemble each page from cached
per-node and per-edge fragments; ``hospital_payload`` and ``overview_payload``
build plain dicts. ``embed_json`` of the dicts is the reference.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from kg.export import html_data
from kg.export.html import load_style
from kg.export.html_data import (
    GraphIndex,
    embed_json,
    hospital_json,
    hospital_payload,
    index_rows,
    overview_json,
    overview_payload,
    pages,
)
from kg.graph import KnowledgeGraph
from kg.records import Entity, EntityKey, Evidence, Relation
from kg.vocab import EntityType, Predicate

import html_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)

NASTY = ["</script>", "<!--", "&amp;", "\u2028", '"q"', "\\", "%s", "100%", "docs\":[]", "北医三院"]


def mixed_graph(seed: int, hospitals: int = 30) -> KnowledgeGraph:
    """Hospitals sharing mechanisms (one a hub on every hospital), several documents per
    node and edge, evidence from a document the graph does not list, and labels and
    sentences with characters that need escaping."""
    rnd = random.Random(seed)
    g = KnowledgeGraph()
    docs = [fx._doc(f"{i:03d}{rnd.choice(NASTY)}.txt") for i in range(12)]
    for d in docs:
        g.add_document(d)

    def doc_id() -> str:
        return rnd.choice(docs).doc_id

    def sentence() -> str:
        return "".join(rnd.choice(NASTY) for _ in range(rnd.randint(1, 3)))

    def link(pred: Predicate, s: EntityKey, o: EntityKey) -> None:
        for _ in range(rnd.randint(1, 3)):
            d = "0" * 16 if rnd.random() < 0.1 else doc_id()  # "0"*16: not a document of the graph
            g.add_relation(Relation(pred, s, o, Evidence(d, rnd.randint(0, 50), 60, sentence())))

    hub = EntityKey(EntityType.MECHANISM, ("双融合",))
    mechs = [hub] + [EntityKey(EntityType.MECHANISM, (f"机制{m}{rnd.choice(NASTY)}",)) for m in range(4)]
    for m in mechs:
        for _ in range(rnd.randint(1, 4)):
            g.add_entity(Entity(m, m.parts[0], aliases=(rnd.choice(NASTY),)), doc_id())
    for i in range(hospitals):
        name = f"第{i}医院{rnd.choice(NASTY)}"
        h = EntityKey(EntityType.HOSPITAL, (name,))
        for _ in range(rnd.randint(1, 3)):
            g.add_entity(Entity(h, name, aliases=(rnd.choice(NASTY),)), doc_id())
        link(Predicate.IMPLEMENTS, h, hub)
        if rnd.random() < 0.5:
            link(Predicate.IMPLEMENTS, h, rnd.choice(mechs[1:]))
        for j in range(rnd.randint(0, 5)):
            k = EntityKey(EntityType.METRIC, (name, f"指标{j}", str(j), "%", ""))
            g.add_entity(Entity(k, f"指标{j}", value=rnd.choice([None, Decimal("1.2E+4")]), unit="%"), doc_id())
            link(Predicate.REPORTS_METRIC, h, k)
            if rnd.random() < 0.3:
                link(Predicate.MEASURED_BY, rnd.choice(mechs), k)
        if rnd.random() < 0.5:
            k = EntityKey(EntityType.LEADER, (f"领导{i}", name))
            g.add_entity(Entity(k, k.parts[0], titles=("院长", rnd.choice(NASTY))), doc_id())
            link(Predicate.HAS_LEADER, h, k)
    return g


GRAPHS = {
    "small": lambda: fx.small_graph(),
    "large": lambda: fx.large_graph(hospitals=40, per_hospital=12),
    "mixed0": lambda: mixed_graph(0),
    "mixed1": lambda: mixed_graph(1, hospitals=60),
}


@pytest.mark.parametrize("few_links", [64, 2])
@pytest.mark.parametrize("cap", [400, 40, 12])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_html_json_pages_equal_embedded_payloads(name, cap, few_links, monkeypatch):
    # few_links 2: most nodes count as well-connected when a page's edges are looked up
    monkeypatch.setattr(html_data, "_FEW_LINKS", few_links)
    # A small cap: the hub pushes some or all hospitals past the neighbourhood cap; a small
    # overview threshold makes the mixed graphs use the aggregated overview.
    style = {**load_style(), "neighbourhood_cap": cap, "overview_threshold": 40 if cap < 400 else 400}
    ix = GraphIndex.of(GRAPHS[name]())
    rows = index_rows(ix)
    texts = list(pages(ix, style, rows))
    payload, note = overview_payload(ix, style)
    assert texts[0] == (None, embed_json(payload), note)
    assert overview_json(ix, style) == (embed_json(payload), note)
    assert [row for row, _, _ in texts[1:]] == rows
    for row, data, note in texts[1:]:
        payload, expected_note = hospital_payload(ix, row["key"], style)
        assert (data, note) == (embed_json(payload), expected_note)
        assert hospital_json(ix, row["key"], style) == (data, note)
