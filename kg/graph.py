"""The knowledge graph model: resolved entities and relations with evidence.

``KnowledgeGraph`` is the one mutable object of a build. It wraps a
``networkx.MultiDiGraph`` whose nodes are ``EntityKey`` values and whose edges
are keyed by ``Predicate``. Exporters and query tools read it through
``nodes()``, ``edges()`` and ``documents()``, which return sorted, frozen views
so every output is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Callable
from decimal import Decimal
from enum import Enum

import networkx as nx

from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import SIGNATURE, EntityType, Predicate


class RejectReason(str, Enum):
    """Why a relation was not added to the graph."""

    DOMAIN_RANGE = "subject or object has the wrong class for the predicate"
    UNKNOWN_ENTITY = "subject or object is not an entity of the graph"


@dataclass(frozen=True)
class Rejected:
    """A relation kept out of the graph, with the reason (nothing is dropped silently)."""

    relation: Relation
    reason: RejectReason


@dataclass(frozen=True, order=True)
class Node:
    """A resolved entity as exporters see it."""

    key: EntityKey
    label: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    year: int | None = None
    recipient_unit: str | None = None
    level: str | None = None
    value: Decimal | None = None
    unit: str | None = None
    from_value: Decimal | None = None
    approximate: bool = False
    documents: tuple[str, ...] = ()  # doc ids the entity was found in

    @property
    def type(self) -> EntityType:
        """The node's class (from its key)."""
        return self.key.type


@dataclass(frozen=True, order=True)
class Edge:
    """A relation triple with every sentence that supports it."""

    subject: EntityKey
    predicate: Predicate
    object: EntityKey
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 1.0
    # Parallel to ``evidence``: the best confidence of the rules that found each
    # sentence (``confidence`` is the maximum of these). Empty when unknown.
    evidence_confidence: tuple[float, ...] = ()

    def confidence_of(self, evidence: Evidence) -> float:
        """Confidence of one supporting sentence.

        Args:
            evidence: one of ``self.evidence``.

        Returns:
            The sentence's entry in ``evidence_confidence``, else the relation's
            ``confidence`` (when per-sentence values are unknown).
        """
        return self._confidence_by_evidence.get(evidence, self.confidence)

    @cached_property
    def _confidence_by_evidence(self) -> dict[Evidence, float]:
        # Built once per edge: exporters ask for every sentence, and a list
        # search per sentence made an edge with n sentences cost n^2.
        if len(self.evidence_confidence) != len(self.evidence):
            return {}
        return dict(zip(self.evidence, self.evidence_confidence))


#: where an entity was met: (document sequence number, entity index); merges keep the earliest
Position = tuple[int, int]


@dataclass
class _NodeState:
    """Mutable accumulator for one node while entities are merged in."""

    entity: Entity  # the first one met (smallest ``first``)
    first: Position = (0, 0)
    aliases: set[str] = field(default_factory=set)
    titles: dict[str, tuple[int, ...]] = field(default_factory=dict)  # title -> where first met, in that order
    documents: set[str] = field(default_factory=set)

    def absorb(self, other: _NodeState) -> None:
        """Fold another node's state into this one, as if both had been met in position order."""
        if other.first < self.first:
            self.entity, self.first = other.entity, other.first
        self.aliases |= other.aliases
        self.documents |= other.documents
        for title, where in other.titles.items():
            if title not in self.titles or where < self.titles[title]:
                self.titles[title] = where
        self.titles = dict(sorted(self.titles.items(), key=lambda item: item[1]))


class KnowledgeGraph:
    """Resolved entities and relations of a build."""

    def __init__(self) -> None:
        self._g = nx.MultiDiGraph()
        self._docs: dict[str, DocumentInfo] = {}
        self.rejected: list[Rejected] = []

    # -- building -------------------------------------------------------
    def add_document(self, doc: DocumentInfo) -> None:
        """Record a source document (an ``hkg:Document``); a second call with the same id replaces it."""
        self._docs[doc.doc_id] = doc

    def add_entity(self, entity: Entity, doc_id: str, position: Position = (0, 0)) -> None:
        """Add or merge an entity found in ``doc_id`` (aliases and titles are unioned).

        ``position`` orders entities for ``rekey``: a merged node keeps the
        entity met first. Callers that never rekey may leave it out.
        """
        key = entity.key
        if key not in self._g:
            self._g.add_node(key, state=_NodeState(entity=entity, first=position))
        state: _NodeState = self._g.nodes[key]["state"]
        state.aliases.update(entity.aliases)
        for i, title in enumerate(entity.titles):
            state.titles.setdefault(title, (*position, i))
        state.documents.add(doc_id)

    def rekey(self, new_key: Callable[[EntityKey], EntityKey], adapt: Callable[[Entity, EntityKey], Entity]) -> None:
        """Move nodes to new keys, merging those that meet and their relations' evidence.

        Args:
            new_key: the key each node should have (itself when it stays).
            adapt: the entity a moved node contributes under its new key.
        """
        moves = {k: t for k in self._g.nodes if (t := new_key(k)) != k}
        if not moves:
            return
        groups: dict[EntityKey, list[_NodeState]] = {}
        for old, target in moves.items():
            state: _NodeState = self._g.nodes[old]["state"]
            state.entity = adapt(state.entity, target)
            state.aliases.update(state.entity.aliases)
            groups.setdefault(target, []).append(state)
        # an edge between two moved nodes is listed twice: merging is idempotent (max)
        edges = [
            (moves.get(u, u), moves.get(v, v), p, d["evidence"])
            for old in moves
            for u, v, p, d in chain(self._g.out_edges(old, keys=True, data=True), self._g.in_edges(old, keys=True, data=True))
        ]
        for target in groups:
            if target in self._g and target not in moves:
                groups[target].insert(0, self._g.nodes[target]["state"])
        self._g.remove_nodes_from(moves)
        for target, states in groups.items():
            merged = states[0]
            for other in states[1:]:
                merged.absorb(other)
            self._g.add_node(target, state=merged)
        for u, v, p, evidence in edges:
            if not self._g.has_edge(u, v, key=p):
                self._g.add_edge(u, v, key=p, evidence={})
            into: dict[Evidence, float] = self._g.edges[u, v, p]["evidence"]
            for ev, confidence in evidence.items():
                into[ev] = max(into.get(ev, 0.0), confidence)

    def check_relation(self, relation: Relation) -> RejectReason | None:
        """Why ``relation`` cannot be added now (None: it can)."""
        if relation.subject not in self._g or relation.object not in self._g:
            return RejectReason.UNKNOWN_ENTITY
        if SIGNATURE[relation.predicate] != (relation.subject.type, relation.object.type):
            return RejectReason.DOMAIN_RANGE
        return None

    def add_relation(self, relation: Relation) -> bool:
        """Add a relation with its evidence; returns False (and records why) if rejected."""
        reason = self.check_relation(relation)
        if reason is not None:
            self.rejected.append(Rejected(relation, reason))
            return False
        subj, obj, pred = relation.subject, relation.object, relation.predicate
        if not self._g.has_edge(subj, obj, key=pred):
            # Supporting sentence -> best confidence of the rules that found it;
            # the edge's evidence and confidence are both derived from this.
            self._g.add_edge(subj, obj, key=pred, evidence={})
        evidence: dict[Evidence, float] = self._g.edges[subj, obj, pred]["evidence"]
        evidence[relation.evidence] = max(evidence.get(relation.evidence, 0.0), relation.confidence)
        return True

    # -- reading --------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Every recorded document, sorted by doc id."""
        return sorted(self._docs.values(), key=lambda d: d.doc_id)

    def document(self, doc_id: str) -> DocumentInfo:
        """The document with ``doc_id`` (KeyError if it was never added)."""
        return self._docs[doc_id]

    def node(self, key: EntityKey) -> Node:
        """The merged, frozen view of one entity (aliases sorted, the label left out of them)."""
        state: _NodeState = self._g.nodes[key]["state"]
        e = state.entity
        aliases = tuple(sorted(a for a in state.aliases if a != e.label))
        return Node(
            key=key,
            label=e.label,
            aliases=aliases,
            titles=tuple(state.titles),
            year=e.year,
            recipient_unit=e.recipient_unit,
            level=e.level,
            value=e.value,
            unit=e.unit,
            from_value=e.from_value,
            approximate=e.approximate,
            documents=tuple(sorted(state.documents)),
        )

    def nodes(self, type: EntityType | None = None) -> list[Node]:
        """Every node, or those of one class, sorted by key."""
        keys = sorted(k for k in self._g.nodes if type is None or k.type == type)
        return [self.node(k) for k in keys]

    def edges(self, predicate: Predicate | None = None) -> list[Edge]:
        """Every relation, or those of one predicate, sorted; evidence sorted within each edge."""
        out = []
        for subj, obj, pred, data in self._g.edges(keys=True, data=True):
            if predicate is None or pred == predicate:
                per_sentence: dict[Evidence, float] = data["evidence"]
                evidence = tuple(sorted(per_sentence))
                confidences = tuple(per_sentence[ev] for ev in evidence)
                out.append(Edge(subj, pred, obj, evidence, max(confidences), confidences))
        return sorted(out)

    def degree(self, key: EntityKey) -> int:
        """Number of relations touching the node, both directions."""
        return self._g.degree(key)

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    @property
    def nx_graph(self) -> nx.MultiDiGraph:
        """The underlying networkx graph (read-only use: GraphML export, analysis)."""
        return self._g
