"""The build pipeline: ingest -> normalize -> extract -> resolve -> export.

Stages are plain functions handing typed records to the next; this module only
wires them and collects what the summary reports.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from kg.atomic import remove_stale_parts
from kg.cache import FactsCache
from kg.export import DEFAULT_FORMATS, EXPORTERS, get_exporter
from kg.graph import KnowledgeGraph
from kg.parallel import Ready, map_dask, map_local
from kg.records import DocumentFacts, Skipped, SkipReason, SourceText


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


def _extract_safely(source: SourceText) -> DocumentFacts | Skipped:
    """The unit of work sent to workers: one bad document becomes a Skipped, never a crash."""
    try:
        return extract_source(source)
    except Exception as exc:  # noqa: BLE001 - reported per file, the build goes on
        return Skipped(source.path, SkipReason.BROKEN, f"extraction failed: {type(exc).__name__}: {exc}")


def warm_up() -> None:
    """Load lexicons and compile rules once, before workers fork, so each one shares them."""
    extract_source(SourceText("warm-up", "warm-up", "医院。", "utf-8", "0" * 64))


def read_and_extract(
    inputs: Sequence[str | Path],
    on_skip: Callable[[Skipped], None] | None = None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    cache: FactsCache | None = None,
    progress: Callable[[int], None] | None = None,
    max_bytes: int | None = None,
    exclude: Sequence[str | Path] = (),
) -> tuple[list[DocumentFacts], list[Skipped]]:
    """Ingest every input and extract each readable document, in sorted path order.

    Args:
        inputs: files and folders.
        on_skip: called once per skipped input.
        jobs: worker processes for extraction (1: in this process).
        scheduler: a Dask scheduler address; extraction then runs on that cluster.
        cache: per-document extraction cache (None: extract everything).
        progress: called with the number of characters of each document when it is done.
        max_bytes: per-file size limit (None: ``kg.ingest.DEFAULT_MAX_BYTES``).
        exclude: folders passed over when found inside an input folder (the output folder).

    Returns:
        Facts of the readable documents and the skipped inputs, both in path order.
    """
    from kg.ingest import DEFAULT_MAX_BYTES, iter_sources

    def work_items():
        for item in iter_sources(inputs, max_bytes=max_bytes or DEFAULT_MAX_BYTES, exclude=exclude):
            if isinstance(item, SourceText):
                cached = cache.get(item) if cache else None
                yield Ready((item, cached, True)) if cached else item
            else:
                yield Ready((None, item, True))

    items: Iterable = work_items()
    if scheduler:
        results = map_dask(_extract_keyed, items, scheduler)
    else:
        if jobs > 1:
            items, jobs = _small_input_runs_serially(items, jobs)
        if jobs > 1:
            warm_up()
        results = map_local(_extract_keyed, items, jobs)
    facts: list[DocumentFacts] = []
    skipped: list[Skipped] = []
    for source, result, from_cache in results:
        if isinstance(result, Skipped):
            skipped.append(result)
            if on_skip:
                on_skip(result)
            continue
        if cache and not from_cache and not result.problems:  # a failed extractor must run again next time
            cache.put(source, result)
        facts.append(result)
        if progress:
            progress(len(source.text))
    return facts, skipped


#: below this much uncached text, starting worker processes costs more than it saves
SERIAL_TEXT_LIMIT = 1_000_000


def _small_input_runs_serially(items: Iterator, jobs: int) -> tuple[Iterator, int]:
    """Look ahead in the stream: if it ends before SERIAL_TEXT_LIMIT characters of work, use one process."""
    head: list = []
    pending = 0
    for item in items:
        head.append(item)
        if not isinstance(item, Ready):
            pending += len(item.text)
            if pending >= SERIAL_TEXT_LIMIT:
                return chain(head, items), jobs
    return iter(head), 1


def _extract_keyed(source: SourceText) -> tuple[SourceText, DocumentFacts | Skipped, bool]:
    return source, _extract_safely(source), False


#: graphs smaller than this are exported in this process (forking costs more than it saves)
PARALLEL_EXPORT_NODES = 5_000
#: formats that share work (graph.ttl's text feeds the store) stay in one group
_EXPORT_GROUPS: tuple[frozenset[str], ...] = (frozenset({"ttl", "store"}),)
#: exporters that must run in the build's own process
_IN_PARENT = frozenset({"store"})
_EXPORT_GRAPH: KnowledgeGraph | None = None  # the graph forked export workers read


def _export_group(job: tuple[tuple[str, ...], Path]) -> list[Path]:
    names, out = job
    return [path for name in names for path in get_exporter(name)(_EXPORT_GRAPH, out)]


def run_exporters(graph: KnowledgeGraph, formats: Sequence[str], out: Path, jobs: int = 1) -> list[Path]:
    """Write ``graph`` in every format; independent exporters run in forked processes when worth it.

    Args:
        graph: the resolved graph (read-only from here on).
        formats: exporter names, in the order their files are listed.
        out: the output folder.
        jobs: processes available.

    Returns:
        The written paths, grouped in ``formats`` order.
    """
    groups: list[tuple[str, ...]] = []
    for name in formats:
        shared = next((g for g in _EXPORT_GROUPS if name in g), None)
        home = next((i for i, g in enumerate(groups) if shared and shared & set(g)), None)
        if home is None:
            groups.append((name,))
        else:
            groups[home] += (name,)
    global _EXPORT_GRAPH
    _EXPORT_GRAPH = graph
    try:
        # The store's engine (RocksDB) keeps threads that a forked child cannot use: its group stays here.
        local = [g for g in groups if _IN_PARENT & set(g)]
        forked = [g for g in groups if not _IN_PARENT & set(g)]
        parallel = jobs > 1 and forked and len(groups) > 1 and len(graph) >= PARALLEL_EXPORT_NODES
        if not parallel or "fork" not in multiprocessing.get_all_start_methods():
            return [path for group in groups for path in _export_group((group, out))]
        context = multiprocessing.get_context("fork")  # workers see the graph without pickling it
        with ProcessPoolExecutor(min(jobs, len(forked)), mp_context=context) as pool:
            futures = {group: pool.submit(_export_group, (group, out)) for group in forked}  # fork first
            done = {group: _export_group((group, out)) for group in local}
            done.update((group, future.result()) for group, future in futures.items())
        return [path for group in groups for path in done[group]]
    finally:
        _EXPORT_GRAPH = None


def check_formats(formats: Iterable[str]) -> list[str]:
    """The exporter names to run, each once, in order; ValueError when none or an unknown one is asked for."""
    names = list(dict.fromkeys(formats))
    unknown = [f for f in names if f not in EXPORTERS]
    if unknown or not names:
        what = f"unknown format {unknown[0]!r}" if unknown else "no format given"
        raise ValueError(f"{what}; known: {', '.join(EXPORTERS)}")
    return names


def build(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    on_skip: Callable[[Skipped], None] | None = None,
    strict: bool = False,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    cache: FactsCache | None = None,
    progress: Callable[[int], None] | None = None,
    max_bytes: int | None = None,
) -> BuildReport:
    """Build the knowledge graph of ``inputs`` and write it in ``formats`` under ``out_dir``.

    Args:
        inputs: files and folders (folders are searched recursively).
        out_dir: output folder (created if missing).
        formats: exporter names from ``kg.export.EXPORTERS``.
        on_skip: called once per skipped input, as soon as it is known.
        strict: write nothing when any input was skipped.
        jobs, scheduler, cache, progress, max_bytes: see ``read_and_extract``.

    Returns:
        A ``BuildReport``.
    """
    from kg.resolve import resolve

    formats = check_formats(formats)
    facts, skipped = read_and_extract(
        inputs, on_skip, jobs=jobs, scheduler=scheduler, cache=cache, progress=progress, max_bytes=max_bytes,
        exclude=(out_dir,),  # never read our own pages back when building into a folder inside the corpus
    )
    graph = resolve(facts)
    documents = len(facts)
    del facts  # only the resolved graph is held through the exports
    if not documents or (strict and skipped):
        # nothing to write, or the user asked for all-or-nothing: keep previous outputs intact
        return BuildReport(graph=graph, documents=documents, skipped=skipped)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out)
    outputs = run_exporters(graph, formats, out, jobs=jobs)
    return BuildReport(graph=graph, documents=documents, skipped=skipped, outputs=outputs)
