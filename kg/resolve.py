"""Cross-document resolution: per-document facts in, one KnowledgeGraph out.

Entities already carry canonical keys (Simplified names), so the same hospital,
leader or mechanism found in several documents, in Traditional or Simplified
characters, has one key and becomes one node. Two more things need the whole
corpus, and both are dict passes (cost linear in the number of entities):

1. **Aliases across documents.** Document A says 北京大学第三医院（北医三院）;
   document B only says 北医三院. Every hospital alias that names exactly one
   canonical hospital in the corpus maps B's hospital key to A's, and B's
   dependent keys (a Leader, Honor or Metric key contains its hospital's name)
   and relations are re-keyed with it. Aliases relative to their document
   (市人民医院, 一院: starting with an administrative letter, or two
   characters) never travel: every city has a 市人民医院. Full names that are
   equal once 省/市 are dropped (武汉硚口区… / 武汉市硚口区…) are one hospital.
2. **Surface forms.** A node keeps the label of the first document that names
   it; the other documents' labels (醫院 vs 医院, 北医三院 vs the full name)
   become its altLabels.

``Resolver`` does this as a stream: each document's facts go into the graph
as they arrive and can be let go; the alias mapping is applied at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.chinese import to_simplified
from kg.graph import KnowledgeGraph, RejectReason, Rejected
from kg.records import DocumentFacts, Entity, EntityKey, Relation
from kg.vocab import EntityType

#: position of the hospital name inside each dependent type's key parts.
HOSPITAL_PART: dict[EntityType, int] = {
    EntityType.LEADER: 1,
    EntityType.HONOR: 0,
    EntityType.METRIC: 0,
}
#: types whose other documents' labels are kept as altLabels.
LABELLED_TYPES = frozenset({EntityType.HOSPITAL, EntityType.LEADER, EntityType.MECHANISM, EntityType.HONOR})
#: an alias starting with one of these is relative to its document's place (市人民医院).
RELATIVE_STARTS = frozenset("省市县区")
#: names shorter than this once 省/市 are dropped are never merged by that rule.
FOLD_MIN = 6


def _alias_key(alias: str) -> str:
    """Comparison form of an alias: Simplified, no spaces or quote marks."""
    return to_simplified("".join(c for c in alias if not c.isspace() and c not in "“”‘’「」\"'"))


def _fold(name: str) -> str:
    """Comparison form of a full name without 省/市, which writers often drop."""
    return name.replace("省", "").replace("市", "")


def _portable(alias: str) -> bool:
    """True when an alias names the same hospital in any document (北医三院, 盛京医院)."""
    return len(alias) >= 3 and alias[0] not in RELATIVE_STARTS


class HospitalNames:
    """What alias resolution needs from the corpus, gathered one document at a time."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.owners: dict[str, set[str]] = {}  # portable alias -> hospital names it was given for
        self.labels: dict[str, str] = {}  # hospital name -> its first label, in document order

    def add(self, doc: DocumentFacts) -> None:
        """Record the hospitals of one document."""
        for e in doc.entities:
            if e.key.type != EntityType.HOSPITAL:
                continue
            name = e.key.parts[0]
            self.names.add(name)
            self.labels.setdefault(name, e.label)
            for alias in e.aliases:
                a = _alias_key(alias)
                if a != name and _portable(a):
                    self.owners.setdefault(a, set()).add(name)

    def mapping(self) -> dict[str, str]:
        """``{old canonical name: new canonical name}`` for hospitals whose name is a portable alias
        of exactly one other hospital of the corpus, or a full name equal to another once 省/市 are dropped."""
        names = self.names
        mapping = {a: next(iter(o)) for a, o in self.owners.items() if len(o) == 1 and a in names}
        # 武汉硚口区… and 武汉市硚口区… in two documents: the same name once 省/市 are dropped
        folded: dict[str, list[str]] = {}
        for name in names:
            if "@" not in name and len(_fold(name)) >= FOLD_MIN:
                folded.setdefault(_fold(name), []).append(name)
        for group in folded.values():
            if len(group) > 1:
                target = max(group, key=lambda n: (len(n), n))
                for name in group:
                    if name != target:
                        mapping.setdefault(name, target)
        # follow chains (A -> B -> C) to their end; a cycle stops where it closes
        resolved: dict[str, str] = {}
        for start, first in mapping.items():
            seen, cur = {start}, first
            while cur in mapping and mapping[cur] not in seen:
                seen.add(cur)
                cur = mapping[cur]
            if cur != start:
                resolved[start] = cur
        return resolved


def hospital_mapping(facts: Iterable[DocumentFacts]) -> dict[str, str]:
    """Hospital names to re-key (see ``HospitalNames.mapping``) over every document's facts."""
    names = HospitalNames()
    for doc in facts:
        names.add(doc)
    return names.mapping()


def _rekey(key: EntityKey, mapping: dict[str, str]) -> EntityKey:
    """The key with its hospital name re-mapped (itself when nothing changes)."""
    if key.type == EntityType.HOSPITAL:
        new = mapping.get(key.parts[0])
        return key if new is None else EntityKey(key.type, (new,))
    i = HOSPITAL_PART.get(key.type)
    if i is None or i >= len(key.parts) or key.parts[i] not in mapping:
        return key
    parts = list(key.parts)
    parts[i] = mapping[parts[i]]
    return EntityKey(key.type, tuple(parts))


def _with_label_alias(entity: Entity) -> Entity:
    """The entity with its own label among its aliases, so a merged node keeps every surface form."""
    if entity.key.type not in LABELLED_TYPES or entity.label in entity.aliases:
        return entity
    return replace(entity, aliases=entity.aliases + (entity.label,))


class Resolver:
    """Streaming resolution: documents are added one at a time and their facts let go.

    Entities and relations enter the graph under their own keys at once; the
    alias mapping, which needs the whole corpus, is applied by ``finish`` as a
    re-keying of the few nodes it moves. Nodes remember where each entity was
    met, so the result is the same as resolving the whole list at the end.
    """

    def __init__(self) -> None:
        self.graph = KnowledgeGraph()
        self._hospitals = HospitalNames()
        self._seq = 0  # documents added
        self._relations = 0  # relations seen, to keep rejections in document order
        self._rejected: list[tuple[int, Relation, RejectReason]] = []
        self._waiting: list[tuple[int, Relation]] = []  # an entity of a later document may still come

    def add(self, doc_facts: DocumentFacts) -> None:
        """Merge one document's entities and relations into the graph."""
        self._hospitals.add(doc_facts)
        graph, doc_id = self.graph, doc_facts.doc.doc_id
        graph.add_document(doc_facts.doc)
        for i, entity in enumerate(doc_facts.entities):
            label = (entity.label,) if entity.key.type in LABELLED_TYPES else ()  # see _with_label_alias
            graph.add_entity(entity, doc_id, (self._seq, i), also_known_as=label)
        for relation in doc_facts.relations:
            self._relations += 1
            reason = graph.try_add_relation(relation)
            if reason is RejectReason.UNKNOWN_ENTITY:
                self._waiting.append((self._relations, relation))
            elif reason is not None:
                self._rejected.append((self._relations, relation, reason))
        self._seq += 1

    def finish(self) -> KnowledgeGraph:
        """Apply the corpus-wide alias mapping and return the resolved graph."""
        mapping = self._hospitals.mapping()
        labels = self._hospitals.labels
        graph = self.graph

        def adapt(entity: Entity, key: EntityKey) -> Entity:
            entity = _with_label_alias(entity)
            if key.type == EntityType.HOSPITAL:
                # the node's label is the canonical hospital's, whichever document comes first
                entity = replace(entity, label=labels.get(key.parts[0], key.parts[0]))
            return _with_label_alias(replace(entity, key=key))

        if mapping:
            graph.rekey(lambda key: _rekey(key, mapping), adapt)
        for seq, relation in self._waiting:
            reason = graph.try_add_relation(_rekey_relation(relation, mapping))
            if reason is not None:
                self._rejected.append((seq, relation, reason))
        self._waiting = []
        # in document order, re-keyed as the relations they stand for
        for _, relation, reason in sorted(self._rejected, key=lambda item: item[0]):
            graph.rejected.append(Rejected(_rekey_relation(relation, mapping), reason))
        return graph


def resolve(facts: Iterable[DocumentFacts]) -> KnowledgeGraph:
    """Merge every document's entities into one graph, resolving hospital aliases across documents.

    Args:
        facts: per-document extraction results, in a deterministic order.

    Returns:
        The resolved graph (one node per key; relations re-keyed with their entities).
    """
    resolver = Resolver()
    for doc_facts in facts:
        resolver.add(doc_facts)
    return resolver.finish()


def _rekey_relation(relation: Relation, mapping: dict[str, str]) -> Relation:
    subject, obj = _rekey(relation.subject, mapping), _rekey(relation.object, mapping)
    if subject == relation.subject and obj == relation.object:
        return relation
    return replace(relation, subject=subject, object=obj)
