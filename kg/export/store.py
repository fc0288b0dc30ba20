"""Embedded SPARQL store: ``out_dir/store/`` (pyoxigraph, on disk) next to ``graph.ttl``.

``kg query`` opens this store instead of parsing ``graph.ttl`` on every call
(see ``bench/query_results.md`` for what that saves). The store holds exactly
the triples of the deterministic Turtle that ``kg.export.turtle`` writes (it
is loaded from those bytes), and ``out_dir/store.json`` records the SHA-256
of that Turtle: a query tool compares it with the ``graph.ttl`` it finds and
falls back to the Turtle when they differ (a stale store never answers).

The store's *content* is deterministic (the same quads for the same graph);
its RocksDB files are not byte-identical across builds (file numbers, logs).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import write_text
from kg.export import turtle
from kg.graph import KnowledgeGraph

STORE_DIR = "store"
META_FILE = "store.json"
#: bumped when the store layout or meaning changes; older stores are ignored.
META_VERSION = 1


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_store(turtle_bytes: bytes, out_dir: str | Path) -> list[Path]:
    """Load Turtle into a fresh on-disk store at ``out_dir/store`` and record its hash.

    The store is built in a temporary folder beside the target and swapped in
    by renames, so a reader never sees a half-loaded store under the final
    name; ``store.json`` is written last, so a crash in between leaves a store
    that does not match any graph.ttl and is therefore not used.

    Args:
        turtle_bytes: the Turtle document (the exact bytes of graph.ttl).
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
        store.bulk_load(turtle_bytes, format=ox.RdfFormat.TURTLE)
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
        "sha256": sha256_hex(turtle_bytes),
        "triples": triples,
        "engine": f"pyoxigraph {ox.__version__}",
    }
    write_text(meta, json.dumps(info, indent=1, sort_keys=True) + "\n")
    return [target, meta]


def write(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Exporter: the graph's Turtle, loaded into ``out_dir/store`` (see module doc).

    Args:
        graph: the knowledge graph.
        out_dir: the build folder.

    Returns:
        The store folder and ``store.json``.
    """
    data = turtle.graph_turtle(graph).encode("utf-8")
    return build_store(data, out_dir)


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
