"""Extraction: one document's normalized text in, its entities and relations out.

Extractors run in a fixed order; each sees the findings of the ones before it
(``DocContext.findings``): leaders, honors and mechanisms need the hospital
scope; metrics need the mechanisms they may be credited to.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable

from kg.extract.context import DocContext, Finding
from kg.records import (
    DocumentFacts,
    DocumentInfo,
    Entity,
    NormalizedText,
    Relation,
    SourceText,
)
from kg.segment import split_sentences

_LOG = logging.getLogger(__name__)

#: extractor modules in the order they run; each has ``extract(ctx) -> Iterable[Finding]``.
EXTRACTORS: tuple[str, ...] = (
    "kg.extract.leaders",
    "kg.extract.honors",
    "kg.extract.mechanisms",
    "kg.extract.metrics",
)


def _extractors() -> list[Callable[[DocContext], Iterable[Finding]]]:
    return [importlib.import_module(name).extract for name in EXTRACTORS]


def preload() -> None:
    """Load what extraction otherwise loads at first need: jieba's word table and OpenCC.

    A build calls it before forking workers, so they share one copy instead
    of each loading its own (the word table is only needed by some documents).
    """
    from kg.chinese import to_simplified
    from kg.extract import words

    words.lookup("医院")
    to_simplified("醫院")  # a Traditional character: creates the OpenCC converter


def extract_document(source: SourceText, norm: NormalizedText) -> DocumentFacts:
    """Run every extractor over one document.

    Args:
        source: the decoded file (evidence offsets point into its text).
        norm: the normalized text of ``source``.

    Returns:
        The document's entities (one per key) and relations with evidence.
    """
    # local import: scope loads lexicons at first use
    from kg.extract.scope import build_scope

    ctx = DocContext(source=source, norm=norm, sentences=split_sentences(norm))
    problems: list[str] = []
    try:
        ctx.scope = build_scope(ctx)
        ctx.findings.extend(ctx.scope.hospitals())
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the build
        problems.append(_problem("kg.extract.scope", exc))
        ctx.scope = _NoScope()
    for name, extract in zip(EXTRACTORS, _extractors()):
        try:
            # materialize inside the try: extractors may be generators that fail late
            ctx.findings.extend(list(extract(ctx)))
        except Exception as exc:  # noqa: BLE001 - record and go on with the other extractors
            problems.append(_problem(name, exc))
    return _to_facts(ctx, tuple(problems))


class _NoScope:
    """Scope used when building the real one failed: no hospital anywhere."""

    def hospital_at(self, offset: int):
        return None

    def hospitals(self) -> list[Finding]:
        return []

    def mentions_in(self, start: int, end: int) -> list:
        return []

    def resolve(self, name: str):
        return None


def _problem(module: str, exc: Exception) -> str:
    """One line naming the failing extractor and the error (also logged as a warning)."""
    line = f"{module}: {type(exc).__name__}: {exc}"
    _LOG.warning("extraction problem: %s", line)
    return line


def _to_facts(ctx: DocContext, problems: tuple[str, ...] = ()) -> DocumentFacts:
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
    return DocumentFacts(doc, tuple(entities.values()), tuple(relations), problems)


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
