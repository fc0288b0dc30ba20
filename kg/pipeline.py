"""The build pipeline: ingest -> normalize -> extract -> resolve -> export.

Stages are plain functions handing typed records to the next; this module only
wires them and collects what the summary reports.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from kg import manifest
from kg.atomic import remove_stale_parts
from kg.cache import FactsCache
from kg.export import DEFAULT_FORMATS, EXPORTERS, get_exporter
from kg.graph import KnowledgeGraph
from kg.parallel import Ready, map_dask, map_local
from kg.records import DocumentFacts, Skipped, SkipReason, SourceText


@dataclass(frozen=True)
class GraphCounts:
    """The numbers a build summary shows (kept in the manifest, so a reused build shows them too)."""

    nodes: dict[str, int] = field(default_factory=dict)  # class name -> nodes
    edges: dict[str, int] = field(default_factory=dict)  # predicate name -> relations
    evidence: int = 0  # supporting sentences
    rejected: int = 0  # relations kept out (domain/range or unknown entity)

    @classmethod
    def of(cls, graph: KnowledgeGraph) -> GraphCounts:
        edges = graph.edges()
        return cls(
            nodes=dict(sorted(Counter(n.type.value for n in graph.nodes()).items())),
            edges=dict(sorted(Counter(e.predicate.value for e in edges).items())),
            evidence=sum(len(e.evidence) for e in edges),
            rejected=len(graph.rejected),
        )


@dataclass
class BuildReport:
    """What a build did: the graph, skipped inputs, the files written and the summary's numbers.

    ``graph`` is None when an unchanged build was reused (``reused``): nothing was rebuilt.
    """

    graph: KnowledgeGraph | None
    documents: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    counts: GraphCounts = field(default_factory=GraphCounts)
    reused: bool = False


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
    from kg.extract import preload

    preload()  # what only some documents need: loaded here once rather than in every worker
    extract_source(SourceText("warm-up", "warm-up", "医院。", "utf-8", "0" * 64))


def read_and_extract(
    inputs: Sequence[str | Path],
    on_skip: Callable[[Skipped], None] | None = None,
    **options,
) -> tuple[list[DocumentFacts], list[Skipped]]:
    """Every readable document's facts and the skipped inputs, both in path order (see ``iter_extract``)."""
    skipped: list[Skipped] = []
    return list(iter_extract(inputs, _recording(skipped, on_skip), **options)), skipped


def _recording(skipped: list[Skipped], on_skip: Callable[[Skipped], None] | None) -> Callable[[Skipped], None]:
    """An on_skip callback that also appends to ``skipped``."""

    def skip(item: Skipped) -> None:
        skipped.append(item)
        if on_skip:
            on_skip(item)

    return skip


def iter_extract(
    inputs: Sequence[str | Path],
    on_skip: Callable[[Skipped], None] | None = None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    cache: FactsCache | None = None,
    progress: Callable[[int], None] | None = None,
    max_bytes: int | None = None,
    exclude: Sequence[str | Path] = (),
) -> Iterator[DocumentFacts]:
    """Ingest every input and extract each readable document, yielding facts in sorted path order.

    A generator, so a caller can fold each document into the graph and let its
    facts go: memory holds the documents in flight, not the corpus.

    Args:
        inputs: files and folders.
        on_skip: called once per skipped input, in path order.
        jobs: worker processes for extraction (1: in this process).
        scheduler: a Dask scheduler address; extraction then runs on that cluster.
        cache: per-document extraction cache (None: extract everything).
        progress: called with the number of characters of each document when it is done.
        max_bytes: per-file size limit (None: ``kg.ingest.DEFAULT_MAX_BYTES``).
        exclude: folders passed over when found inside an input folder (the output folder).
    """
    from kg.ingest import DEFAULT_MAX_BYTES, iter_sources

    def work_items():
        for item in iter_sources(inputs, max_bytes=max_bytes or DEFAULT_MAX_BYTES, exclude=exclude):
            if isinstance(item, SourceText):
                cached = cache.get(item) if cache else None
                yield Ready(cached, source=item) if cached else item
            else:
                yield Ready(item)

    items: Iterable = work_items()
    if scheduler:
        results = map_dask(_extract_safely, items, scheduler)
    else:
        if jobs > 1:
            items, jobs = _small_input_runs_serially(items, jobs)
        if jobs > 1:
            warm_up()
        results = map_local(_extract_safely, items, jobs)
    for item, result in results:
        if isinstance(result, Skipped):
            if on_skip:
                on_skip(result)
            continue
        source = item.source if isinstance(item, Ready) else item
        if cache and not isinstance(item, Ready) and not result.problems:
            cache.put(source, result)  # a failed extractor must run again next time, so problems are not cached
        if progress:
            progress(len(source.text))
        yield result


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


#: graphs smaller than this are exported in this process (forking costs more than it saves)
PARALLEL_EXPORT_NODES = 5_000
#: formats that share work (graph.ttl's text feeds the store) stay in one group
_EXPORT_GROUPS: tuple[frozenset[str], ...] = (frozenset({"ttl", "store"}),)
#: exporters that must run in the build's own process
_IN_PARENT = frozenset({"store"})
_EXPORT_GRAPH: KnowledgeGraph | None = None  # the graph forked export workers read


#: exporters whose pages split into parts (``share``): in a parallel export the parent, once done
#: with its own group, writes ``1 / _SHARED_PARTS`` of them, so neither core waits for the other
_SHAREABLE = frozenset({"html"})
_SHARED_PARTS = 4


def _export_group(job: tuple[tuple[str, ...], Path] | tuple[tuple[str, ...], Path, tuple]) -> list[Path]:
    names, out, *share = job
    extra = {"share": share[0]} if share else {}
    return [path for name in names for path in get_exporter(name)(_EXPORT_GRAPH, out, **extra)]


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
        # Otherwise the first group does: the parent would only wait, and each forked child ends up
        # with its own copy of the graph's pages (reading an object writes its reference count).
        local = [g for g in groups if _IN_PARENT & set(g)] or groups[:1]
        forked = [g for g in groups if g not in local]
        parallel = jobs > 1 and forked and len(groups) > 1 and len(graph) >= PARALLEL_EXPORT_NODES
        if not parallel or "fork" not in multiprocessing.get_all_start_methods():
            return [path for group in groups for path in _export_group((group, out))]
        graph.nodes(), graph.edges()  # sort the views once, before the fork: every exporter reads them
        # a forked group that is one shareable exporter leaves a part of its pages to this process
        split = next((g for g in forked if len(g) == 1 and g[0] in _SHAREABLE), None)
        child_share = (frozenset(range(_SHARED_PARTS - 1)), _SHARED_PARTS)
        jobs_of = {g: (g, out, child_share) if g == split else (g, out) for g in forked}
        context = multiprocessing.get_context("fork")  # workers see the graph without pickling it
        with ProcessPoolExecutor(min(max(1, jobs - 1), len(forked)), mp_context=context) as pool:  # + this one
            futures = {group: pool.submit(_export_group, jobs_of[group]) for group in forked}  # fork first
            done = {group: _export_group((group, out)) for group in local}
            rest = _export_group((split, out, (frozenset({_SHARED_PARTS - 1}), _SHARED_PARTS))) if split else []
            done.update((group, future.result()) for group, future in futures.items())
        if split:
            done[split] = done[split] + rest
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
    from kg.resolve import Resolver

    formats = check_formats(formats)
    out = Path(out_dir)
    planned = _planned_manifest(inputs, out, formats, max_bytes) if cache is not None else None
    if planned is not None:  # with --no-cache the user asks for everything again
        reused = _reuse(planned, out, on_skip)
        if reused is not None:
            return reused
    skipped: list[Skipped] = []
    read_as_planned = True
    expected = {path: sha for path, sha in planned.inputs} if planned else {}
    # each document is folded into the graph as it comes: only the graph is held, never the corpus's facts
    resolver = Resolver()
    documents = 0
    extracting_here = jobs <= 1 and not scheduler  # extraction makes cyclic garbage: collect it then
    with nullcontext() if extracting_here else collector_paused():
        for doc_facts in iter_extract(
            inputs, _recording(skipped, on_skip), jobs=jobs, scheduler=scheduler, cache=cache, progress=progress,
            max_bytes=max_bytes, exclude=(out_dir,),  # never read our own pages back when building into the corpus
        ):
            resolver.add(doc_facts)
            documents += 1
            read_as_planned &= expected.get(doc_facts.doc.path) == doc_facts.doc.sha256
    with collector_paused():
        graph = resolver.finish()
        counts = GraphCounts.of(graph)
        if not documents or (strict and skipped):
            # nothing to write, or the user asked for all-or-nothing: keep previous outputs intact
            return BuildReport(graph=graph, documents=documents, skipped=skipped, counts=counts)
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(out)
        manifest.remove(out)  # the outputs are about to change: a crash from here on leaves no claim about them
        outputs = run_exporters(graph, formats, out, jobs=jobs)
    if planned is not None and read_as_planned:  # a file edited while we read it is not recorded as built
        planned.documents, planned.counts = documents, asdict(counts)
        planned.skipped = [[s.path, s.reason.name, s.detail] for s in skipped]
        planned.record_outputs(out, outputs)
        manifest.write(out, planned)
    return BuildReport(graph=graph, documents=documents, skipped=skipped, outputs=outputs, counts=counts)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the graph is built and exported.

    A large graph is millions of long-lived objects, which the collector would
    scan again and again (resolution and the sorted views ran 3-4x slower).
    They form no cycles, and reference counting still frees whatever is not a
    cycle; worker processes turn the collector back on (kg.parallel).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _planned_manifest(
    inputs: Sequence[str | Path], out: Path, formats: Sequence[str], max_bytes: int | None
) -> manifest.Manifest:
    """The manifest this build will have: inputs hashed up front (cheap next to extraction)."""
    from kg.ingest import DEFAULT_MAX_BYTES, input_files

    return manifest.Manifest(
        code=manifest.code_version(),
        formats=list(formats),
        options={"max_bytes": max_bytes or DEFAULT_MAX_BYTES},
        inputs=manifest.fingerprint(input_files(inputs, exclude=(out,))),
        documents=0,
    )


def _reuse(planned: manifest.Manifest, out: Path, on_skip: Callable[[Skipped], None] | None) -> BuildReport | None:
    """The previous build's report when it was made from the same inputs and its outputs are untouched."""
    previous = manifest.read(out)
    if previous is None or not previous.same_build(planned) or not previous.outputs_intact(out):
        return None
    skipped = previous.skipped_items()
    for item in skipped:
        if on_skip:
            on_skip(item)
    return BuildReport(
        graph=None, documents=previous.documents, skipped=skipped, outputs=[out / rel for rel in previous.outputs],
        counts=GraphCounts(**previous.counts), reused=True,
    )
