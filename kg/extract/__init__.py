"""Extraction: one document's normalized text in, its entities and relations out.

Extractors run in a fixed order; each sees the findings of the ones before it
(``DocContext.findings``): leaders, honors and mechanisms need the hospital
scope; metrics need the mechanisms they may be credited to.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterable

from kg.extract.context import DocContext, Finding
from kg.records import DocumentFacts, DocumentInfo, Entity, NormalizedText, Relation, SourceText
from kg.segment import split_sentences

#: extractor modules in the order they run; each has ``extract(ctx) -> Iterable[Finding]``.
EXTRACTORS: tuple[str, ...] = (
    "kg.extract.leaders",
    "kg.extract.honors",
    "kg.extract.mechanisms",
    "kg.extract.metrics",
)


def _extractors() -> list[Callable[[DocContext], Iterable[Finding]]]:
    return [importlib.import_module(name).extract for name in EXTRACTORS]


def extract_document(source: SourceText, norm: NormalizedText) -> DocumentFacts:
    """Run every extractor over one document.

    Args:
        source: the decoded file (evidence offsets point into its text).
        norm: the normalized text of ``source``.

    Returns:
        The document's entities (one per key) and relations with evidence.
    """
    from kg.extract.scope import build_scope  # local: scope imports lexicons at first use

    ctx = DocContext(source=source, norm=norm, sentences=split_sentences(norm))
    ctx.scope = build_scope(ctx)
    ctx.findings.extend(ctx.scope.hospitals())
    for extract in _extractors():
        ctx.findings.extend(extract(ctx))
    return _to_facts(ctx)


def _to_facts(ctx: DocContext) -> DocumentFacts:
    entities: dict = {}
    relations: list[Relation] = []
    for finding in ctx.findings:
        entity = finding.entity
        prev = entities.get(entity.key)
        entities[entity.key] = entity if prev is None else _merge(prev, entity)
        evidence = ctx.evidence(finding.sentence)
        for link in finding.links:
            relations.append(
                Relation(link.predicate, link.subject, link.object, evidence, entity.rule_id, link.confidence)
            )
    src = ctx.source
    doc = DocumentInfo(src.doc_id, src.file_name, src.path, src.sha256, src.encoding, _title(ctx))
    return DocumentFacts(doc, tuple(entities.values()), tuple(relations))


def _merge(a: Entity, b: Entity) -> Entity:
    """Two findings of one key in a document: union aliases and titles, keep a's values."""
    from dataclasses import replace

    aliases = tuple(dict.fromkeys(a.aliases + b.aliases))
    titles = tuple(dict.fromkeys(a.titles + b.titles))
    return replace(a, aliases=aliases, titles=titles)


def _title(ctx: DocContext) -> str | None:
    """The first non-empty line of the normalized text, as the document title."""
    for line in ctx.text.split("\n"):
        line = line.strip()
        if line:
            return line[:200]
    return None
