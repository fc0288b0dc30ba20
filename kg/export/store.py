"""Embedded SPARQL store: ``out_dir/store/`` (pyoxigraph, on disk) next to ``graph.ttl``.

``kg query`` opens this store instead of parsing ``graph.ttl`` on every call
(see ``bench/query_results.md`` for what that saves). The store holds exactly
the triples of the deterministic Turtle that ``kg.export.turtle`` writes (it
is loaded from graph.ttl itself, or from the same bytes streamed, in parts),
and ``out_dir/store.json`` records the SHA-256 of that Turtle: a query tool
compares it with the ``graph.ttl`` it finds and falls back to the Turtle when
they differ (a stale store never answers).

The store's *content* is deterministic (the same quads for the same graph);
its RocksDB files are not byte-identical across builds (file numbers, logs).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import write_text
from kg.export import turtle
from kg.graph import KnowledgeGraph
from kg.manifest import file_sha256

STORE_DIR = "store"
META_FILE = "store.json"
#: bumped when the store layout or meaning changes; older stores are ignored.
META_VERSION = 1


def _build_store(load: Callable[[ox.Store], None], sha256: Callable[[], str], out_dir: str | Path) -> list[Path]:
    """Fill a fresh store with ``load``, swap it in at ``out_dir/store``, then write ``store.json``.

    The store is built in a temporary folder beside the target and swapped in
    by renames, so a reader never sees a half-loaded store under the final
    name; ``store.json`` is written last, so a crash in between leaves a store
    that does not match any graph.ttl and is therefore not used.

    Args:
        load: puts the Turtle into the (empty) store.
        sha256: the hex SHA-256 of the Turtle ``load`` read, asked once it is done.
        out_dir: the build folder.

    Returns:
        ``[out_dir/store, out_dir/store.json]``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / STORE_DIR
    meta = out / META_FILE
    tmp = Path(tempfile.mkdtemp(prefix=".store.", suffix=".part", dir=out))
    try:
        store = ox.Store(str(tmp))
        load(store)
        store.optimize()
        triples = len(store)
        store.flush()
        del store  # closes RocksDB before the folder is renamed
        if meta.exists():
            meta.unlink()  # from here until the new meta is written, no store is "up to date"
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".store.", suffix=".old", dir=out))
            os.replace(target, old / STORE_DIR)
            shutil.rmtree(old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    info = {
        "version": META_VERSION,
        "source": turtle.FILE_NAME,
        "sha256": sha256(),
        "triples": triples,
        "engine": f"pyoxigraph {ox.__version__}",
    }
    write_text(meta, json.dumps(info, indent=1, sort_keys=True) + "\n")
    return [target, meta]


#: Turtle bytes per bulk load. pyoxigraph's loader holds ~10x what it is given
#: (a 41 MB graph.ttl in one call: ~480 MB); 8 MiB parts keep it near 100 MB at
#: any graph size for the same total time (store.optimize() merges the parts).
PART_BYTES = 8 << 20


def turtle_parts(chunks: Iterable[bytes], size: int = PART_BYTES) -> Iterator[bytes]:
    """Cut a Turtle document written by ``kg.export.turtle`` into self-contained parts.

    That writer separates subjects by a blank line and escapes every newline
    inside literals, so a cut at a blank line, with the ``@prefix`` header
    repeated, leaves valid Turtle on both sides, and the parts together hold
    exactly the document's triples (it writes no blank nodes, whose labels
    would not be shared across parts).

    Args:
        chunks: the document's bytes, in pieces of any size.
        size: about how many bytes each part holds (a part ends at the first
            blank line after this much, so one big subject block stays whole).

    Returns:
        An iterator of parts; their concatenation minus the repeated headers
        is the document.
    """
    header: bytes | None = None
    buf = bytearray()
    for chunk in chunks:
        buf += chunk
        if header is None:
            end = buf.find(b"\n\n")
            if end < 0:
                continue
            header = bytes(buf[:end + 1])
        while len(buf) >= size:
            # The header's own blank line (at len(header) - 1) is never a cut.
            cut = buf.find(b"\n\n", max(size - 1, len(header)))
            if cut < 0:
                break
            yield bytes(buf[:cut + 1])
            buf = bytearray(header) + buf[cut + 1:]
    if buf:
        yield bytes(buf)


def _hashed(chunks: Iterable[str], digest) -> Iterator[bytes]:
    """Encode text chunks as UTF-8, adding each to ``digest`` on the way."""
    return _hashed_bytes((chunk.encode("utf-8") for chunk in chunks), digest)


def _bulk_load(store: ox.Store, chunks: Iterable[bytes]) -> None:
    for part in turtle_parts(chunks, PART_BYTES):
        store.bulk_load(part, format=ox.RdfFormat.TURTLE)


def write(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Exporter: the graph's Turtle, loaded into ``out_dir/store`` (see module doc).

    When this process has just written the graph's ``graph.ttl`` in
    ``out_dir`` (the ttl exporter ran first), the store loads that file;
    otherwise the Turtle is formatted again and streamed into the loader.
    Either way it is loaded in parts of ``PART_BYTES``, so neither the whole
    document nor the loader's working set for all of it is ever in memory.

    Args:
        graph: the knowledge graph.
        out_dir: the build folder.

    Returns:
        The store folder and ``store.json``.
    """
    if turtle.written_file(graph, Path(out_dir) / turtle.FILE_NAME) is not None:
        return build_from_turtle(out_dir)
    digest = hashlib.sha256()
    return _build_store(lambda store: _bulk_load(store, _hashed(turtle.turtle_chunks(graph), digest)),
                        digest.hexdigest, out_dir)


def build_from_turtle(out_dir: str | Path) -> list[Path]:
    """Load the build's own ``graph.ttl`` into ``out_dir/store`` (what ``kg query`` does on first use).

    The file is read once, in parts, and hashed on the way, so ``store.json``
    records exactly the bytes that were loaded even if the file changes later.

    Args:
        out_dir: the build folder holding ``graph.ttl``.

    Returns:
        The store folder and ``store.json``.
    """
    ttl = Path(out_dir) / turtle.FILE_NAME
    digest = hashlib.sha256()

    def load(store: ox.Store) -> None:
        with open(ttl, "rb") as fh:
            _bulk_load(store, _hashed_bytes(iter(lambda: fh.read(1 << 20), b""), digest))

    return _build_store(load, digest.hexdigest, out_dir)


def _hashed_bytes(chunks: Iterable[bytes], digest) -> Iterator[bytes]:
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def up_to_date(out_dir: str | Path, ttl_path: str | Path | None = None) -> bool:
    """Whether ``out_dir/store`` holds exactly the triples of ``graph.ttl``.

    Args:
        out_dir: the build folder holding ``store/`` and ``store.json``.
        ttl_path: the Turtle to compare with (default ``out_dir/graph.ttl``);
            when it does not exist the store is taken as it is.

    Returns:
        True when the recorded hash matches the Turtle's bytes.
    """
    out = Path(out_dir)
    meta = out / META_FILE
    if not (out / STORE_DIR).is_dir() or not meta.is_file():
        return False
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if info.get("version") != META_VERSION:
        return False
    ttl = Path(ttl_path) if ttl_path is not None else out / turtle.FILE_NAME
    if not ttl.is_file():
        return True
    return info.get("sha256") == file_sha256(ttl)
