"""The build pipeline: ingest -> normalize -> extract -> resolve -> export.

Stages are plain functions handing typed records to the next; this module only
wires them and collects what the summary reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from kg.export import DEFAULT_FORMATS, EXPORTERS, get_exporter
from kg.graph import KnowledgeGraph
from kg.records import DocumentFacts, Skipped, SourceText


@dataclass
class BuildReport:
    """What a build did: the graph, skipped inputs and the files written."""

    graph: KnowledgeGraph
    documents: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def extract_source(source: SourceText) -> DocumentFacts:
    """Normalize and extract one decoded document (the per-document unit of work)."""
    from kg.extract import extract_document
    from kg.normalize import normalize

    return extract_document(source, normalize(source.text))


def read_and_extract(
    inputs: Sequence[str | Path],
    on_skip: Callable[[Skipped], None] | None = None,
) -> tuple[list[DocumentFacts], list[Skipped]]:
    """Ingest every input and extract each readable document, in sorted path order."""
    from kg.ingest import iter_sources

    facts: list[DocumentFacts] = []
    skipped: list[Skipped] = []
    for item in iter_sources(inputs):
        if isinstance(item, Skipped):
            skipped.append(item)
            if on_skip:
                on_skip(item)
            continue
        facts.append(extract_source(item))
    return facts, skipped


def build(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    on_skip: Callable[[Skipped], None] | None = None,
    strict: bool = False,
) -> BuildReport:
    """Build the knowledge graph of ``inputs`` and write it in ``formats`` under ``out_dir``.

    Args:
        inputs: files and folders (folders are searched recursively).
        out_dir: output folder (created if missing).
        formats: exporter names from ``kg.export.EXPORTERS``.
        on_skip: called once per skipped input, as soon as it is known.
        strict: write nothing when any input was skipped.

    Returns:
        A ``BuildReport``.
    """
    from kg.resolve import resolve

    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}; known: {', '.join(EXPORTERS)}")
    facts, skipped = read_and_extract(inputs, on_skip)
    graph = resolve(facts)
    if not facts or (strict and skipped):
        # nothing to write, or the user asked for all-or-nothing: keep previous outputs intact
        return BuildReport(graph=graph, documents=len(facts), skipped=skipped)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outputs: list[Path] = []
    for name in formats:
        outputs.extend(get_exporter(name)(graph, out))
    return BuildReport(graph=graph, documents=len(facts), skipped=skipped, outputs=outputs)
