"""Data for the HTML pages: the JSON payloads the page script draws, built in linear time.

pyvis builds its network with a quadratic ``add_node`` loop and its template
puts some strings into the page as raw HTML, so the pages are built from plain
dicts here and drawn by our own script (``kg/resources/html/kg-view.js``).
Payloads are sorted and carry no timestamps, so the output bytes are
deterministic.

A page is chosen as node, edge and document *numbers* (positions in the
sorted lists of ``GraphIndex``): set work on ints instead of hashing
``EntityKey`` dataclasses. The page is then either built as dicts
(``hospital_payload``, ``overview_payload``) or written straight to JSON
(``hospital_json``, ``overview_json``): a node or edge sits on ~4 hospital
pages, so the export encodes each one once (``_Fragments``) and per page only
fills in the page's document numbers. Both give the same bytes through
``embed_json`` (tests/export/test_html_json.py).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import chain, islice
from decimal import Decimal
from json.encoder import encode_basestring

from kg.graph import Edge, KnowledgeGraph, Node
from kg.ids import entity_iri
from kg.records import EntityKey
from kg.vocab import ID, EntityType, Predicate

# Characters that must not appear raw inside a <script> block: "</" ends the
# block (and "<!--" changes how it is parsed), "&" and ">" are escaped for
# symmetry, U+2028/2029 end a line in older JavaScript parsers.
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
_RE_SCRIPT_UNSAFE = re.compile("[" + "".join(char for char, _ in _SCRIPT_ESCAPES) + "]")

# One encoder: json.dumps with these options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def embed_json(payload: object) -> str:
    """Serialize ``payload`` as JSON that is safe to place inside a ``<script>`` element.

    Args:
        payload: JSON-serializable data.

    Returns:
        Compact JSON with sorted keys where ``<``, ``>``, ``&``, U+2028 and
        U+2029 are written as ``\\uXXXX`` escapes (these characters only ever
        occur inside JSON strings, so the escapes decode to the same value).
        The escapes are per character, so pieces embedded one by one and
        joined give the same text as the whole embedded at once.
    """
    return _script_safe(_ENCODER.encode(payload))


def _script_safe(text: str) -> str:
    if not _RE_SCRIPT_UNSAFE.search(text):  # the common case: one scan instead of five
        return text
    # str.replace per character, not str.translate: translate looks every CJK character up in a dict
    for char, escape in _SCRIPT_ESCAPES:
        text = text.replace(char, escape)
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
    """The graph read once into plain lookups, shared by all pages of one export.

    Nodes, edges and documents are numbered by their position in the sorted
    lists; every lookup below is by number.
    """

    nodes: list[Node]  # sorted by key
    number: dict[EntityKey, int]  # key -> position in ``nodes``
    edges: list[Edge]  # sorted
    # node -> neighbour -> edges between them (either direction); the keys are
    # the node's neighbours (no separate adjacency sets: they cost as much memory).
    links: list[dict[int, list[int]]]
    degree: list[int]  # edges touching each node
    ends: list[tuple[int, int]]  # subject and object of each edge
    ids: list[str]  # node_id of every node, hashed once
    classes: list[str]  # class name of every node
    node_docs: list[tuple[int, ...]]  # document numbers of each node, ascending
    edge_docs: list[tuple[int, ...]]  # distinct document numbers of each edge's evidence, ascending
    edge_ev_docs: list[tuple[int, ...]]  # document number of each evidence (-1: unknown document)
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
        nodes = graph.nodes()
        number = {n.key: i for i, n in enumerate(nodes)}
        edges = graph.edges()
        links: list[dict[int, list[int]]] = [{} for _ in nodes]
        degree = [0] * len(nodes)
        ends = [(number[e.subject], number[e.object]) for e in edges]
        for i, (s, o) in enumerate(ends):
            links[s].setdefault(o, []).append(i)
            links[o].setdefault(s, []).append(i)
            degree[s] += 1
            degree[o] += 1
        docs = graph.documents()
        doc_pos = {d.doc_id: i for i, d in enumerate(docs)}
        edge_ev_docs = [tuple([doc_pos.get(ev.doc_id, -1) for ev in e.evidence]) for e in edges]
        return cls(
            nodes=nodes,
            number=number,
            edges=edges,
            links=links,
            degree=degree,
            ends=ends,
            ids=[node_id(n.key) for n in nodes],
            classes=[n.key.type.value for n in nodes],
            node_docs=[tuple(sorted([doc_pos[d] for d in n.documents if d in doc_pos])) for n in nodes],
            edge_docs=[tuple(sorted(set(ev).difference((-1,)))) for ev in edge_ev_docs],
            edge_ev_docs=edge_ev_docs,
            docs=[{"file": d.file_name, "id": d.doc_id, "title": d.title} for d in docs],
            doc_pos=doc_pos,
        )

    def neighbour_counts(self, n: int) -> dict[str, int]:
        """How many neighbours of each class node ``n`` has (aggregated overview, index)."""
        return dict(sorted(Counter(map(self.classes.__getitem__, self.links[n])).items()))


@dataclass
class _Page:
    """What one page shows: sorted node, edge and document numbers."""

    nodes: list[int]
    edges: list[int]
    docs: list[int]
    settings: dict  # the payload's other members (mode, focus, ...)
    counts: bool = False  # nodes carry their neighbour counts (aggregated overview)
    hubs: list[int] = field(default_factory=list)  # nodes with more edges than the page has nodes


#: see ``_select``
_FEW_LINKS = 64


def _select(ix: GraphIndex, keys: set[int], style: dict, **extra: object) -> _Page:
    """Nodes ``keys``, the edges between them and the documents they cite, plus page settings."""
    size = len(keys)
    # Each node's neighbours on the page by set intersection (C speed, cost of
    # the smaller set), so a node's many edges to other pages are never looked
    # at one by one. A well-connected node (a hospital with a hundred metrics, a
    # mechanism shared by thousands) only looks for the other well-connected
    # ones: its edges to the rest are found from their side, more cheaply.
    links = ix.links
    big = {k for k in keys if len(links[k]) > _FEW_LINKS}
    found = {i for k in keys for other in links[k].keys() & (big if k in big else keys) for i in links[k][other]}
    edges = sorted(found)
    # Only the documents this page cites, so the source filter lists what matters
    # here: a hub's own documents (thousands for a widely shared mechanism) are left out.
    # A hub is a node with more edges than the page has nodes.
    degree, node_docs, edge_docs = ix.degree, ix.node_docs, ix.edge_docs
    hubs = [k for k in keys if degree[k] > size]
    used = set().union(*[node_docs[k] for k in keys if degree[k] <= size], *[edge_docs[i] for i in edges])
    settings = {
        "edgeLabels": size <= style["overview_threshold"] and extra.get("mode") != "overview",
        "stabilization": style["stabilization_iterations"],
        "focus": None,
        "pageBase": "hospitals/",
        "style": style,
    }
    settings.update(extra)
    return _Page(sorted(keys), edges, sorted(used), settings, extra.get("mode") == "overview", hubs)


def node_size(degree: int, size: dict) -> float:
    """Node radius from its degree: grows with the square root so hubs stay readable."""
    return round(min(size["max"], size["base"] + size["per_sqrt_degree"] * math.sqrt(degree)), 2)


def _node_members(ix: GraphIndex, n: int, style: dict, *, counts: bool) -> dict:
    """Every member of a node's JSON record but ``docs`` (which depends on the page)."""
    node = ix.nodes[n]
    out: dict = {
        "id": ix.ids[n],
        "label": node.label,
        "cls": node.type.value,
        "size": node_size(ix.degree[n], style["size"]),
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
        out["page"] = ix.ids[n].rsplit("/", 1)[1]
    if counts:
        out["counts"] = ix.neighbour_counts(n)
    return out


def node_dict(ix: GraphIndex, n: int, style: dict, docmap: dict[int, int], *, counts: bool = False) -> dict:
    """The JSON record of one node (empty attributes omitted).

    Args:
        ix: the graph index.
        n: the node's number.
        style: the parsed ``style.json``.
        docmap: document number -> position in the page's ``docs`` list.
        counts: add the per-class neighbour counts (aggregated overview).

    Returns:
        A dict with id, label, cls, size, docs and the attributes the side panel shows.
    """
    out = _node_members(ix, n, style, counts=counts)
    out["docs"] = [docmap[d] for d in ix.node_docs[n] if d in docmap]
    return out


def edge_dict(ix: GraphIndex, i: int, docmap: dict[int, int]) -> dict:
    """The JSON record of one edge: ends, relation, and evidence as [doc, start, end, sentence].

    Args:
        ix: the graph index.
        i: the edge's number.
        docmap: document number -> position in the page's ``docs`` list.

    Returns:
        A dict with from, to, rel, docs and ev (-1 for a document the graph does not list).
    """
    edge = ix.edges[i]
    ev = [
        [docmap.get(d, -1), e.char_start, e.char_end, e.sentence]
        for d, e in zip(ix.edge_ev_docs[i], edge.evidence)
    ]
    return {
        "from": ix.ids[ix.ends[i][0]],
        "to": ix.ids[ix.ends[i][1]],
        "rel": edge.predicate.value,
        "docs": [docmap[d] for d in ix.edge_docs[i]],
        "ev": ev,
    }


def _page_dict(ix: GraphIndex, page: _Page, style: dict) -> dict:
    docmap = {d: p for p, d in enumerate(page.docs)}
    payload = {
        "docs": [ix.docs[d] for d in page.docs],
        "nodes": [node_dict(ix, n, style, docmap, counts=page.counts) for n in page.nodes],
        "edges": [edge_dict(ix, i, docmap) for i in page.edges],
    }
    payload.update(page.settings)
    return payload


class _Fragments:
    """Each node and edge as ``embed_json`` text with holes for the page's document numbers.

    A node is ``head + "d,d,..." + tail`` (a hub's documents are filtered per
    page). An edge is a ``%`` format string whose ``%s`` slots take the page
    numbers of ``slots``: its documents, then the document of each evidence
    (-1 when unknown). List items are joined with ``,`` as ``json.dumps`` does.

    Given the pages up front (``expect``), a fragment is encoded on first use,
    kept for the next page that shows the node or edge and dropped after its
    last page: about a third of them are alive at once. Without ``expect``
    (one page) nothing is kept.
    """

    def __init__(self, ix: GraphIndex, style: dict) -> None:
        self.ix = ix
        self.style = style
        self._nodes: dict[int, tuple[str, tuple[int, ...], int]] = {}
        self._edges: dict[int, tuple[str, tuple[int, ...]]] = {}
        self.docs = [embed_json(d) for d in ix.docs]
        self._ids = [_quote(i) for i in ix.ids]  # node ids and relation names as quoted JSON strings
        self._predicates: dict[Predicate, str] = {}
        self.style_json = embed_json(style)
        self._node_uses: Counter[int] | None = None
        self._edge_uses: Counter[int] | None = None

    @property
    def keeps(self) -> bool:
        """Fragments are kept for later pages (``expect`` was called)."""
        return self._edge_uses is not None

    def expect(self, pages: list[_Page]) -> None:
        """Count how many of ``pages`` show each node and edge, so ``release`` can drop them."""
        self._node_uses, self._edge_uses = Counter(), Counter()
        for page in pages:
            if not page.counts:  # the overview's nodes are encoded apart, with their counts
                self._node_uses.update(page.nodes)
            self._edge_uses.update(page.edges)

    def release(self, page: _Page) -> None:
        """Drop the fragments no expected page after ``page`` shows."""
        if self._node_uses is None or self._edge_uses is None:
            return
        for uses, cache, numbers in (
            (self._node_uses, self._nodes, [] if page.counts else page.nodes),
            (self._edge_uses, self._edges, page.edges),
        ):
            for n in numbers:
                uses[n] -= 1
                if not uses[n]:
                    cache.pop(n, None)

    def node(self, n: int, counts: bool = False) -> tuple[str, tuple[int, ...], int]:
        """``(format, slots, cut)`` of node ``n``: ``format % page numbers of slots`` is its record,
        and its document numbers start at ``format[cut:]``.

        With ``counts`` (the overview) the record has the neighbour counts and is not kept.
        """
        got = None if counts else self._nodes.get(n)
        if got is None:
            members = _node_members(self.ix, n, self.style, counts=counts)
            members["docs"] = []  # the hole, sorted into place with the other members
            # Inside a JSON string a quote is written \", so the hole cannot occur in a value.
            head, _, tail = embed_json(members).replace("%", "%%").partition('"docs":[]')
            slots = self.ix.node_docs[n]
            got = (f'{head}"docs":[{",".join(["%s"] * len(slots))}]{tail}', slots, len(head) + len('"docs":['))
            if self._node_uses is not None and not counts:
                self._nodes[n] = got
        return got

    def edge(self, i: int) -> tuple[str, tuple[int, ...]]:
        """``(format, slots)`` of edge ``i``: ``format % page numbers of slots`` is its record."""
        got = self._edges.get(i)
        if got is None:
            ix, edge = self.ix, self.ix.edges[i]
            docs = ",".join(["%s"] * len(ix.edge_docs[i]))
            # Members in sorted order: docs, ev, from, rel, to.
            ev = ",".join([f"[%s,{e.char_start},{e.char_end},{_quote(e.sentence)}]" for e in edge.evidence])
            subject, obj = (self._ids[n] for n in ix.ends[i])
            rel = self._predicates.get(edge.predicate) or self._predicates.setdefault(edge.predicate, _quote(edge.predicate.value))
            fmt = f'{{"docs":[{docs}],"ev":[{ev}],"from":{subject},"rel":{rel},"to":{obj}}}'
            got = (fmt, ix.edge_docs[i] + ix.edge_ev_docs[i])
            if self._edge_uses is not None:
                self._edges[i] = got
        return got


def _quote(text: str) -> str:
    # A JSON string literal as embed_json writes it, "%" doubled for a format string.
    return _script_safe(encode_basestring(text)).replace("%", "%%")


def _page_json(page: _Page, frag: _Fragments) -> str:
    """``embed_json`` of the page's payload, assembled from fragments in one join."""
    pos = {d: str(p) for p, d in enumerate(page.docs)}
    lists = {
        "docs": ",".join([frag.docs[d] for d in page.docs]),
        "nodes": _node_records(page, frag, pos),
        "edges": _edge_records(page, frag, pos),
    }
    parts = ["{"]
    for name in sorted([*lists, *page.settings]):
        parts.append(("," if len(parts) > 1 else "") + embed_json(name) + ":")
        if name in lists:
            parts += ["[", lists[name], "]"]
        else:
            value = page.settings[name]
            parts.append(frag.style_json if value is frag.style else embed_json(value))
    parts.append("}")
    return "".join(parts)


# The records of a page are filled in by one ``%`` per chunk of records
# (joined by ",") rather than one per record: the per-record work left in
# Python is a cache lookup.
_CHUNK = 512


def _node_records(page: _Page, frag: _Fragments, pos: dict[int, str]) -> str:
    if page.counts:  # the overview: records built one at a time and not kept
        hubs = set(page.hubs)
        counted = (frag.node(n, counts=True) for n in page.nodes)
        return _fill((_cited(r, pos) if n in hubs else r for n, r in zip(page.nodes, counted)), pos)
    cached, build = frag._nodes, frag.node
    records = [cached.get(n) or build(n) for n in page.nodes]
    for n in page.hubs:
        j = bisect_left(page.nodes, n)
        records[j] = _cited(records[j], pos)
    return _fill(records, pos)


def _cited(record: tuple[str, tuple[int, ...], int], pos: dict[int, str]) -> tuple[str, tuple[int, ...], int]:
    """A hub's record with only the documents this page cites (the others are not in its ``docs``)."""
    fmt, slots, cut = record
    numbers = ",".join([pos[d] for d in slots if d in pos])
    return fmt[:cut] + numbers + fmt[cut + max(3 * len(slots) - 1, 0) :], (), cut


def _edge_records(page: _Page, frag: _Fragments, pos: dict[int, str]) -> str:
    cached, build = frag._edges, frag.edge
    records = [cached.get(i) or build(i) for i in page.edges] if frag.keeps else map(build, page.edges)
    return _fill(records, {**pos, -1: "-1"})  # -1: evidence from a document the graph does not list


def _fill(records: Iterable[tuple], pos: dict[int, str]) -> str:
    """The records' formats joined by "," with every slot's page number filled in."""
    number = pos.__getitem__
    records = iter(records)
    done = []
    while chunk := list(islice(records, _CHUNK)):
        formats, slots, *_ = zip(*chunk)
        done.append(",".join(formats) % tuple(map(number, chain.from_iterable(slots))))
    return ",".join(done)


def _overview(ix: GraphIndex, style: dict) -> tuple[_Page, str]:
    total = len(ix.nodes)
    if total <= style["overview_threshold"]:
        return _select(ix, set(range(total)), style, mode="full"), ""
    keep = {n for n, node in enumerate(ix.nodes) if node.type in (EntityType.HOSPITAL, EntityType.MECHANISM)}
    note = (
        f"图谱共 {total} 个节点，超过 {style['overview_threshold']} 个：总览只显示医院和机制"
        f"（{len(keep)} 个，附关联数量），领导、荣誉、指标请打开各医院页面查看。"
        f" Large graph ({total} nodes): this overview shows only hospitals and mechanisms"
        " with counts; open a hospital page for its leaders, honors and metrics."
        " The layout is computed once and then frozen."
    )
    return _select(ix, keep, style, mode="overview"), note


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
    page, note = _overview(ix, style)
    return _page_dict(ix, page, style), note


def overview_json(ix: GraphIndex, style: dict) -> tuple[str, str]:
    """``overview_payload`` as ``embed_json`` text, and the note."""
    page, note = _overview(ix, style)
    return _page_json(page, _Fragments(ix, style)), note


def _hospital(ix: GraphIndex, key: EntityKey, style: dict) -> tuple[_Page, str]:
    cap = style["neighbourhood_cap"]
    h = ix.number[key]
    first = {h, *ix.links[h]}
    second = set(first)
    for k in ix.links[h]:
        second.update(ix.links[k])
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
    return _select(ix, keys, style, mode="hospital", focus=ix.ids[h], pageBase=""), note


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
    page, note = _hospital(ix, key, style)
    return _page_dict(ix, page, style), note


def hospital_json(ix: GraphIndex, key: EntityKey, style: dict) -> tuple[str, str]:
    """``hospital_payload`` as ``embed_json`` text, and the note."""
    page, note = _hospital(ix, key, style)
    return _page_json(page, _Fragments(ix, style)), note


def pages(
    ix: GraphIndex, style: dict, rows: list[dict], overview: bool = True
) -> Iterator[tuple[dict | None, str, str]]:
    """The overview (unless ``overview`` is False), then every hospital page in ``rows`` order, one at a time.

    A node or edge shows on several pages; it is encoded once and kept until
    its last page is done (``_Fragments``).

    Args:
        ix: the graph index.
        style: the parsed ``style.json``.
        rows: ``index_rows(ix)``.

    Yields:
        ``(None, data, note)`` for the overview (``overview_json``), then
        ``(row, data, note)`` for each hospital (``hospital_json``).
    """
    # The overview first, alone: it is the biggest page, and holding the hospital
    # pages' selections and shared fragments beside it would raise the peak.
    if overview:
        yield (None, *overview_json(ix, style))
    hospitals = [_hospital(ix, row["key"], style) for row in rows]
    frag = _Fragments(ix, style)
    frag.expect([page for page, _ in hospitals])
    for row, (page, note) in zip(rows, hospitals):
        data = _page_json(page, frag)
        frag.release(page)
        yield row, data, note


def index_rows(ix: GraphIndex) -> list[dict]:
    """One row per hospital for ``index.html``, sorted by name then slug.

    Returns:
        Dicts with key, label, aliases, slug and counts of leaders, honors, mechanisms, metrics.
    """
    rows = []
    for n, node in enumerate(ix.nodes):
        if node.type is not EntityType.HOSPITAL:
            continue
        counts = ix.neighbour_counts(n)
        rows.append(
            {
                "key": node.key,
                "label": node.label,
                "aliases": list(node.aliases),
                "slug": ix.ids[n].rsplit("/", 1)[1],
                "counts": [counts.get(t.value, 0) for t in _INDEX_COLUMNS],
            }
        )
    return sorted(rows, key=lambda r: (r["label"], r["slug"]))


#: classes counted on the index page, in column order.
_INDEX_COLUMNS = (EntityType.LEADER, EntityType.HONOR, EntityType.MECHANISM, EntityType.METRIC)
