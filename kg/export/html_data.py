"""Data for the HTML pages: the JSON payloads the page script draws, built in linear time.

pyvis builds its network with a quadratic ``add_node`` loop and its template
puts some strings into the page as raw HTML, so the pages are built from plain
dicts here and drawn by our own script (``kg/resources/html/kg-view.js``).
Payloads are sorted and carry no timestamps, so the output bytes are
deterministic.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kg.graph import Edge, KnowledgeGraph, Node
from kg.ids import entity_iri
from kg.records import EntityKey
from kg.vocab import ID, EntityType

# Characters that must not appear raw inside a <script> block: "</" ends the
# block (and "<!--" changes how it is parsed), "&" and ">" are escaped for
# symmetry, U+2028/2029 end a line in older JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def embed_json(payload: object) -> str:
    """Serialize ``payload`` as JSON that is safe to place inside a ``<script>`` element.

    Args:
        payload: JSON-serializable data.

    Returns:
        Compact JSON with sorted keys where ``<``, ``>``, ``&``, U+2028 and
        U+2029 are written as ``\\uXXXX`` escapes (these characters only ever
        occur inside JSON strings, so the escapes decode to the same value).
    """
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # str.replace per character, not str.translate: translate looks every CJK character up in a dict
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text


def node_id(key: EntityKey) -> str:
    """Page-level id of a node: the IRI path below the instance namespace (ASCII)."""
    return str(entity_iri(key))[len(str(ID)) :]


def hospital_slug(key: EntityKey) -> str:
    """File-name slug of a hospital page: the hash part of its IRI (ASCII hex)."""
    return node_id(key).rsplit("/", 1)[1]


def _number(value: Decimal | None) -> str | None:
    # Fixed-point text: str(Decimal) may give "1.2E+4" after 万 is multiplied out.
    return None if value is None else format(value, "f")


@dataclass
class GraphIndex:
    """The graph read once into plain lookups, shared by all pages of one export."""

    nodes: dict[EntityKey, Node]
    edges: list[Edge]
    adjacency: dict[EntityKey, set[EntityKey]]
    incident: dict[EntityKey, list[int]]  # positions in ``edges``
    pairs: dict[tuple[EntityKey, EntityKey], list[int]]  # (subject, object) -> positions in ``edges``
    degree: dict[EntityKey, int]
    ids: dict[EntityKey, str]  # node_id of every node, hashed once
    docs: list[dict]
    doc_pos: dict[str, int]  # doc id -> position in ``docs``

    @classmethod
    def of(cls, graph: KnowledgeGraph) -> GraphIndex:
        """Read ``graph`` once (sorted nodes, edges, documents).

        Args:
            graph: the built knowledge graph.

        Returns:
            The index used by the payload builders below.
        """
        nodes = {n.key: n for n in graph.nodes()}
        edges = graph.edges()
        adjacency: dict[EntityKey, set[EntityKey]] = defaultdict(set)
        incident: dict[EntityKey, list[int]] = defaultdict(list)
        pairs: dict[tuple[EntityKey, EntityKey], list[int]] = defaultdict(list)
        for i, e in enumerate(edges):
            pairs[e.subject, e.object].append(i)
            adjacency[e.subject].add(e.object)
            adjacency[e.object].add(e.subject)
            incident[e.subject].append(i)
            incident[e.object].append(i)
        docs = graph.documents()
        return cls(
            nodes=nodes,
            edges=edges,
            adjacency=adjacency,
            incident=incident,
            pairs=pairs,
            degree={k: len(incident[k]) for k in nodes},
            ids={k: node_id(k) for k in nodes},
            docs=[{"file": d.file_name, "id": d.doc_id, "title": d.title} for d in docs],
            doc_pos={d.doc_id: i for i, d in enumerate(docs)},
        )

    def neighbour_counts(self, key: EntityKey) -> dict[str, int]:
        """How many neighbours of each class a node has (aggregated overview, index)."""
        return dict(sorted(Counter(k.type.value for k in self.adjacency[key]).items()))


def node_size(degree: int, size: dict) -> float:
    """Node radius from its degree: grows with the square root so hubs stay readable."""
    return round(min(size["max"], size["base"] + size["per_sqrt_degree"] * math.sqrt(degree)), 2)


def node_dict(ix: GraphIndex, node: Node, style: dict, docmap: dict[str, int], *, counts: bool = False) -> dict:
    """The JSON record of one node (empty attributes omitted).

    Args:
        ix: the graph index.
        node: the node.
        style: the parsed ``style.json``.
        docmap: doc id -> position in the page's ``docs`` list.
        counts: add the per-class neighbour counts (aggregated overview).

    Returns:
        A dict with id, label, cls, size and the attributes the side panel shows.
    """
    out: dict = {
        "id": ix.ids[node.key],
        "label": node.label,
        "cls": node.type.value,
        "size": node_size(ix.degree[node.key], style["size"]),
        "docs": sorted(docmap[d] for d in node.documents if d in docmap),
    }
    optional = {
        "aliases": list(node.aliases),
        "titles": list(node.titles),
        "year": node.year,
        "recipient": node.recipient_unit,
        "level": node.level,
        "value": _number(node.value),
        "unit": node.unit,
        "from": _number(node.from_value),
        "approx": node.approximate or None,
    }
    out.update({k: v for k, v in optional.items() if v not in (None, [], "")})
    if node.type is EntityType.HOSPITAL:
        out["page"] = ix.ids[node.key].rsplit("/", 1)[1]
    if counts:
        out["counts"] = ix.neighbour_counts(node.key)
    return out


def edge_dict(ix: GraphIndex, edge: Edge, docmap: dict[str, int]) -> dict:
    """The JSON record of one edge: ends, relation, and evidence as [doc, start, end, sentence].

    Args:
        ix: the graph index.
        edge: the edge.
        docmap: doc id -> position in the page's ``docs`` list (-1 for an unknown document).

    Returns:
        A dict with from, to, rel, docs and ev.
    """
    ev = [[docmap.get(e.doc_id, -1), e.char_start, e.char_end, e.sentence] for e in edge.evidence]
    return {
        "from": ix.ids[edge.subject],
        "to": ix.ids[edge.object],
        "rel": edge.predicate.value,
        "docs": sorted({d for d, *_ in ev if d >= 0}),
        "ev": ev,
    }


def _payload(ix: GraphIndex, keys: set[EntityKey], style: dict, **extra: object) -> dict:
    """Nodes ``keys`` and the edges between them, sorted, plus page settings."""
    aggregated = extra.get("mode") == "overview"
    # Edges via the incident lists of the page's ordinary nodes, and by pair
    # lookup between its hubs (a mechanism shared by thousands of hospitals):
    # scanning a hub's incident list on every hospital page costs hospitals x edges.
    hubs = {k for k in keys if len(ix.incident[k]) > len(keys)}
    found = {
        i
        for k in keys
        if len(ix.incident[k]) <= len(keys)
        for i in ix.incident[k]
        if ix.edges[i].subject in keys and ix.edges[i].object in keys
    }
    found.update(i for a in hubs for b in hubs for i in ix.pairs.get((a, b), ()))
    positions = sorted(found)
    edges = [ix.edges[i] for i in positions]
    # Only the documents this page cites, so the source filter lists what matters
    # here: a hub's own documents (thousands for a widely shared mechanism) are left out.
    used = {d for k in keys if k not in hubs for d in ix.nodes[k].documents}
    used.update(ev.doc_id for e in edges for ev in e.evidence)
    docs = [ix.docs[i] for i in sorted(ix.doc_pos[d] for d in used if d in ix.doc_pos)]
    docmap = {d["id"]: i for i, d in enumerate(docs)}
    payload = {
        "style": style,
        "docs": docs,
        "nodes": [node_dict(ix, ix.nodes[k], style, docmap, counts=aggregated) for k in sorted(keys)],
        "edges": [edge_dict(ix, e, docmap) for e in edges],
        "edgeLabels": len(keys) <= style["overview_threshold"] and not aggregated,
        "stabilization": style["stabilization_iterations"],
        "focus": None,
        "pageBase": "hospitals/",
    }
    payload.update(extra)
    return payload


def overview_payload(ix: GraphIndex, style: dict) -> tuple[dict, str]:
    """Payload of ``graph.html`` and the note shown on the page ("" if none).

    Above ``style["overview_threshold"]`` nodes only hospitals and mechanisms
    are drawn, each with its neighbour counts; the hospital pages carry the rest.

    Args:
        ix: the graph index.
        style: the parsed ``style.json``.

    Returns:
        ``(payload, note)``.
    """
    total = len(ix.nodes)
    if total <= style["overview_threshold"]:
        return _payload(ix, set(ix.nodes), style, mode="full"), ""
    keep = {k for k in ix.nodes if k.type in (EntityType.HOSPITAL, EntityType.MECHANISM)}
    note = (
        f"图谱共 {total} 个节点，超过 {style['overview_threshold']} 个：总览只显示医院和机制"
        f"（{len(keep)} 个，附关联数量），领导、荣誉、指标请打开各医院页面查看。"
        f" Large graph ({total} nodes): this overview shows only hospitals and mechanisms"
        " with counts; open a hospital page for its leaders, honors and metrics."
        " The layout is computed once and then frozen."
    )
    return _payload(ix, keep, style, mode="overview"), note


def hospital_payload(ix: GraphIndex, key: EntityKey, style: dict) -> tuple[dict, str]:
    """Payload of one hospital page: its 1–2 hop neighbourhood, and the page note.

    The second hop is left out when it would exceed ``style["neighbourhood_cap"]``
    nodes (a mechanism shared by many hospitals), and the note says so.

    Args:
        ix: the graph index.
        key: the hospital's key.
        style: the parsed ``style.json``.

    Returns:
        ``(payload, note)``.
    """
    cap = style["neighbourhood_cap"]
    first = {key} | ix.adjacency[key]
    second = set(first)
    for k in ix.adjacency[key]:
        second |= ix.adjacency[k]
        if len(second) > cap:  # no need to know how far past the cap: stop paying for hubs
            break
    note = ""
    keys = second
    if len(second) > cap:
        keys = first
        note = (
            f"两跳范围超过 {cap} 个节点，此页只显示直接关联（{len(first)} 个）。"
            f" The two-hop neighbourhood has more than {cap} nodes; only direct links are shown."
        )
    payload = _payload(ix, keys, style, mode="hospital", focus=ix.ids[key], pageBase="")
    return payload, note


def index_rows(ix: GraphIndex) -> list[dict]:
    """One row per hospital for ``index.html``, sorted by name then slug.

    Returns:
        Dicts with key, label, aliases, slug and counts of leaders, honors, mechanisms, metrics.
    """
    rows = []
    for key, node in ix.nodes.items():
        if key.type is not EntityType.HOSPITAL:
            continue
        counts = ix.neighbour_counts(key)
        rows.append(
            {
                "key": key,
                "label": node.label,
                "aliases": list(node.aliases),
                "slug": hospital_slug(key),
                "counts": [counts.get(t.value, 0) for t in _INDEX_COLUMNS],
            }
        )
    return sorted(rows, key=lambda r: (r["label"], r["slug"]))


#: classes counted on the index page, in column order.
_INDEX_COLUMNS = (EntityType.LEADER, EntityType.HONOR, EntityType.MECHANISM, EntityType.METRIC)
