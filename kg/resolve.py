"""Cross-document resolution: per-document facts in, one KnowledgeGraph out (placeholder: merge by key)."""

from __future__ import annotations

from typing import Iterable

from kg.graph import KnowledgeGraph
from kg.records import DocumentFacts


def resolve(facts: Iterable[DocumentFacts]) -> KnowledgeGraph:
    """Merge every document's entities by key and add their relations.

    Args:
        facts: per-document extraction results, in a deterministic order.

    Returns:
        The resolved graph.
    """
    graph = KnowledgeGraph()
    for doc_facts in facts:
        graph.add_document(doc_facts.doc)
        for entity in doc_facts.entities:
            graph.add_entity(entity, doc_facts.doc.doc_id)
        for relation in doc_facts.relations:
            graph.add_relation(relation)
    return graph
