"""The knowledge graph model: resolved entities and relations with evidence.

``KnowledgeGraph`` is the one mutable object of a build: nodes keyed by
``EntityKey``, relations keyed by (subject, ``Predicate``, object), each with
its supporting sentences. Exporters and query tools read it through
``nodes()``, ``edges()`` and ``documents()``, which return sorted, frozen views
so every output is deterministic (``kg.export.graphml.to_networkx`` makes a
networkx copy for analysis).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Callable

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


@dataclass(frozen=True, order=True, slots=True)
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


@dataclass(frozen=True, order=True, slots=True)
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

    _by_evidence: dict[Evidence, float] | None = field(default=None, init=False, repr=False, compare=False)

    def confidence_of(self, evidence: Evidence) -> float:
        """Confidence of one supporting sentence.

        Args:
            evidence: one of ``self.evidence``.

        Returns:
            The sentence's entry in ``evidence_confidence``, else the relation's
            ``confidence`` (when per-sentence values are unknown).
        """
        if len(self.evidence_confidence) != len(self.evidence) or evidence not in self.evidence:
            return self.confidence
        if len(self.evidence) <= _SHORT:
            return self.evidence_confidence[self.evidence.index(evidence)]
        if self._by_evidence is None:  # built once: a search per sentence would cost n^2 per edge
            object.__setattr__(self, "_by_evidence", dict(zip(self.evidence, self.evidence_confidence)))
        return self._by_evidence[evidence]


#: edges with at most this many sentences look one up by a scan (no dict kept per edge)
_SHORT = 16


#: where an entity was met: (document sequence number, entity index); merges keep the earliest
Position = tuple[int, int]


@dataclass(slots=True)
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


#: ``EntityKey``'s and ``Evidence``'s own orders as plain tuples, which sort at C speed
_key_order = attrgetter("type", "parts")
_ev_order = attrgetter("doc_id", "char_start", "char_end", "sentence")


def _sorted_tuple(items: set[str]) -> tuple[str, ...]:
    # most nodes have one document and no alias: a build makes hundreds of thousands of these
    return tuple(items) if len(items) < 2 else tuple(sorted(items))


class KnowledgeGraph:
    """Resolved entities and relations of a build."""

    def __init__(self) -> None:
        # Plain dicts, not a networkx graph: a large build adds millions of facts, and
        # exporters only ever read the sorted views below.
        self._states: dict[EntityKey, _NodeState] = {}
        # (subject, predicate, object) -> supporting sentence -> best confidence of the rules that found it
        self._relations: dict[tuple[EntityKey, Predicate, EntityKey], dict[Evidence, float]] = {}
        self._docs: dict[str, DocumentInfo] = {}
        self.rejected: list[Rejected] = []
        # sorted views, built on first read and dropped by any change: every exporter reads them
        self._nodes: list[Node] | None = None
        self._edges: list[Edge] | None = None

    def _changed(self) -> None:
        self._nodes = self._edges = None

    # -- building -------------------------------------------------------
    def add_document(self, doc: DocumentInfo) -> None:
        """Record a source document (an ``hkg:Document``); a second call with the same id replaces it."""
        self._docs[doc.doc_id] = doc
        self._changed()

    def add_entity(
        self, entity: Entity, doc_id: str, position: Position = (0, 0), also_known_as: tuple[str, ...] = ()
    ) -> None:
        """Add or merge an entity found in ``doc_id`` (aliases and titles are unioned).

        ``position`` orders entities for ``rekey``: a merged node keeps the
        entity met first. Callers that never rekey may leave it out.
        ``also_known_as``: more aliases for the node (a resolver adds the label).
        """
        self._changed()
        state = self._states.get(entity.key)
        if state is None:
            state = self._states[entity.key] = _NodeState(entity=entity, first=position)
        state.aliases.update(entity.aliases)
        state.aliases.update(also_known_as)
        for i, title in enumerate(entity.titles):
            state.titles.setdefault(title, (*position, i))
        state.documents.add(doc_id)

    def rekey(self, new_key: Callable[[EntityKey], EntityKey], adapt: Callable[[Entity, EntityKey], Entity]) -> None:
        """Move nodes to new keys, merging those that meet and their relations' evidence.

        Args:
            new_key: the key each node should have (itself when it stays).
            adapt: the entity a moved node contributes under its new key.
        """
        moves = {k: t for k in self._states if (t := new_key(k)) != k}
        if not moves:
            return
        self._changed()
        groups: dict[EntityKey, list[_NodeState]] = {}
        for old, target in moves.items():
            state = self._states.pop(old)
            state.entity = adapt(state.entity, target)
            state.aliases.update(state.entity.aliases)
            groups.setdefault(target, []).append(state)
        for target, states in groups.items():
            if target in self._states:  # a node that stays where others move to
                states.insert(0, self._states[target])
            merged = states[0]
            for other in states[1:]:
                merged.absorb(other)
            self._states[target] = merged
        moved = [(spo, ev) for spo, ev in self._relations.items() if spo[0] in moves or spo[2] in moves]
        for (subj, pred, obj), evidence in moved:
            del self._relations[subj, pred, obj]
        for (subj, pred, obj), evidence in moved:
            self._merge_evidence((moves.get(subj, subj), pred, moves.get(obj, obj)), evidence)

    def _merge_evidence(self, spo: tuple[EntityKey, Predicate, EntityKey], evidence: dict[Evidence, float]) -> None:
        into = self._relations.setdefault(spo, {})
        for ev, confidence in evidence.items():
            into[ev] = max(into.get(ev, 0.0), confidence)

    def check_relation(self, relation: Relation) -> RejectReason | None:
        """Why ``relation`` cannot be added now (None: it can)."""
        if relation.subject not in self._states or relation.object not in self._states:
            return RejectReason.UNKNOWN_ENTITY
        if SIGNATURE[relation.predicate] != (relation.subject.type, relation.object.type):
            return RejectReason.DOMAIN_RANGE
        return None

    def add_relation(self, relation: Relation) -> bool:
        """Add a relation with its evidence; returns False (and records why) if rejected."""
        reason = self.try_add_relation(relation)
        if reason is not None:
            self.rejected.append(Rejected(relation, reason))
        return reason is None

    def try_add_relation(self, relation: Relation) -> RejectReason | None:
        """Add a relation with its evidence if it can be; else say why (and record nothing)."""
        reason = self.check_relation(relation)
        if reason is None:
            self._changed()
            evidence = self._relations.setdefault((relation.subject, relation.predicate, relation.object), {})
            evidence[relation.evidence] = max(evidence.get(relation.evidence, 0.0), relation.confidence)
        return reason

    # -- reading --------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Every recorded document, sorted by doc id."""
        return sorted(self._docs.values(), key=lambda d: d.doc_id)

    def document(self, doc_id: str) -> DocumentInfo:
        """The document with ``doc_id`` (KeyError if it was never added)."""
        return self._docs[doc_id]

    def node(self, key: EntityKey) -> Node:
        """The merged, frozen view of one entity (aliases sorted, the label left out of them)."""
        state = self._states[key]
        e = state.entity
        aliases = _sorted_tuple(state.aliases - {e.label})
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
            documents=_sorted_tuple(state.documents),
        )

    def nodes(self, type: EntityType | None = None) -> list[Node]:
        """Every node, or those of one class, sorted by key."""
        nodes = self._node_view()
        return list(nodes) if type is None else [n for n in nodes if n.key.type == type]

    def _node_view(self) -> list[Node]:
        if self._nodes is None:
            self._nodes = [self.node(k) for k in sorted(self._states, key=_key_order)]
        return self._nodes

    def edges(self, predicate: Predicate | None = None) -> list[Edge]:
        """Every relation, or those of one predicate, sorted; evidence sorted within each edge."""
        if self._edges is None:
            # sorted by (subject, predicate, object), which is unique: the dataclass order, compared
            # as (rank, str, rank) tuples rather than through EntityKey.__lt__ (Python-level);
            # a key's rank is its place in the sorted nodes view
            rank = {node.key: i for i, node in enumerate(self._node_view())}
            rows = []
            for (subj, pred, obj), per_sentence in self._relations.items():
                evidence = tuple(per_sentence) if len(per_sentence) == 1 else tuple(sorted(per_sentence, key=_ev_order))
                confidences = tuple(per_sentence[ev] for ev in evidence)
                edge = Edge(subj, pred, obj, evidence, max(confidences), confidences)
                rows.append((rank[subj], pred.value, rank[obj], edge))
            rows.sort()
            self._edges = [row[3] for row in rows]
        return list(self._edges) if predicate is None else [e for e in self._edges if e.predicate == predicate]

    def __len__(self) -> int:
        return len(self._states)
