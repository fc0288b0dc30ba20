"""Build pipeline: parallel and serial builds agree byte for byte; the cache re-extracts only what changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.cache import FactsCache
from kg.pipeline import build


def _files(folder: Path) -> dict[str, bytes]:
    """Output bytes by relative path; the query store's RocksDB files and the build manifest's file
    times are not byte-reproducible."""
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    return {name: p.read_bytes() for name, p in files.items() if not name.startswith(("store/", ".kg-build.json"))}


@pytest.fixture()
def corpus(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    return folder


def test_pipeline_jobs_output_identical_to_serial(corpus, tmp_path, monkeypatch):
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "SERIAL_TEXT_LIMIT", 0)  # use the pool even for five articles
    monkeypatch.setattr(kg.pipeline, "PARALLEL_EXPORT_NODES", 0)  # and forked exporters
    build([corpus], tmp_path / "serial", ["ttl", "html", "store", "nt"], jobs=1)
    build([corpus], tmp_path / "parallel", ["ttl", "html", "store", "nt"], jobs=2)
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_pipeline_cache_reextracts_only_changed_documents(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    first = build([corpus], tmp_path / "a", ["ttl"], cache=cache)
    assert cache.misses == 5 and cache.hits == 0
    cache = FactsCache(tmp_path / "cache")
    build([corpus], tmp_path / "b", ["ttl"], cache=cache)
    assert cache.hits == 5 and cache.misses == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    edited = sorted(corpus.glob("*.txt"))[0]
    edited.write_text(edited.read_text("utf-8") + "\n本文完。\n", "utf-8")
    cache = FactsCache(tmp_path / "cache")
    build([corpus], tmp_path / "c", ["ttl"], cache=cache)
    assert cache.hits == 4 and cache.misses == 1
    assert first.documents == 5


def test_pipeline_removing_a_file_removes_exactly_its_facts(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    full = build([corpus], tmp_path / "full", ["ttl"], cache=cache)
    removed = sorted(corpus.glob("*.txt"))[-1]
    removed.unlink()
    fewer = build([corpus], tmp_path / "fewer", ["ttl"], cache=FactsCache(tmp_path / "cache"))
    alone = build([corpus], tmp_path / "fresh", ["ttl"], cache=None)
    assert _files(tmp_path / "fewer") == _files(tmp_path / "fresh")
    assert fewer.documents == full.documents - 1 == alone.documents


def test_pipeline_input_order_and_hash_seed_do_not_change_bytes(corpus, tmp_path):
    import subprocess
    import sys

    reordered = tmp_path / "reordered"
    reordered.mkdir()
    for i, path in enumerate(sorted(corpus.glob("*.txt"), reverse=True)):
        shutil.copy2(path, reordered / path.name)
        os.utime(reordered / path.name, (1_000_000 + i, 1_000_000 + i))
    outs = []
    for seed, folder in (("0", corpus), ("12345", reordered)):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(folder), "-o", str(out), "--no-cache", "-q"],
                       check=True, env=env, timeout=300)
        outs.append(_files(out))
    assert outs[0] == outs[1]


def test_pipeline_dask_cluster_output_identical_to_local(corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        build([corpus], tmp_path / "dask", ["ttl"], scheduler=cluster.scheduler_address)
    build([corpus], tmp_path / "local", ["ttl"], jobs=1)
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
