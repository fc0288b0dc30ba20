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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from kg.chinese import to_simplified
from kg.graph import KnowledgeGraph
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


def _hospital_labels(facts: Sequence[DocumentFacts]) -> dict[str, str]:
    """First label of each hospital name, in document order."""
    labels: dict[str, str] = {}
    for doc in facts:
        for e in doc.entities:
            if e.key.type == EntityType.HOSPITAL:
                labels.setdefault(e.key.parts[0], e.label)
    return labels


def hospital_mapping(facts: Sequence[DocumentFacts]) -> dict[str, str]:
    """Hospital names to re-key: a name used as a node in one document -> the canonical name.

    Args:
        facts: every document's facts.

    Returns:
        ``{old canonical name: new canonical name}`` for hospitals whose name is
        a portable alias of exactly one other hospital of the corpus.
    """
    names: set[str] = set()
    owners: dict[str, set[str]] = {}
    for doc in facts:
        for e in doc.entities:
            if e.key.type != EntityType.HOSPITAL:
                continue
            name = e.key.parts[0]
            names.add(name)
            for alias in e.aliases:
                a = _alias_key(alias)
                if a != name and _portable(a):
                    owners.setdefault(a, set()).add(name)
    mapping = {a: next(iter(o)) for a, o in owners.items() if len(o) == 1 and a in names}
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


def resolve(facts: Iterable[DocumentFacts]) -> KnowledgeGraph:
    """Merge every document's entities into one graph, resolving hospital aliases across documents.

    Args:
        facts: per-document extraction results, in a deterministic order.

    Returns:
        The resolved graph (one node per key; relations re-keyed with their entities).
    """
    facts = list(facts)
    mapping = hospital_mapping(facts)
    labels = _hospital_labels(facts) if mapping else {}
    graph = KnowledgeGraph()
    for doc_facts in facts:
        graph.add_document(doc_facts.doc)
        for entity in doc_facts.entities:
            key = _rekey(entity.key, mapping)
            if key != entity.key:
                entity = _with_label_alias(entity)
                if key.type == EntityType.HOSPITAL:
                    # the node's label is the canonical hospital's, whichever document comes first
                    entity = replace(entity, label=labels.get(key.parts[0], key.parts[0]))
                entity = replace(entity, key=key)
            graph.add_entity(_with_label_alias(entity), doc_facts.doc.doc_id)
    for doc_facts in facts:
        for relation in doc_facts.relations:
            graph.add_relation(_rekey_relation(relation, mapping))
    return graph


def _rekey_relation(relation: Relation, mapping: dict[str, str]) -> Relation:
    subject, obj = _rekey(relation.subject, mapping), _rekey(relation.object, mapping)
    if subject == relation.subject and obj == relation.object:
        return relation
    return replace(relation, subject=subject, object=obj)
