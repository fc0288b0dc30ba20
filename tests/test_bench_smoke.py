"""Smoke test of the build benchmark at its smallest size: it runs and writes the expected tables.

No timing assertions: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_smoke_generator_is_deterministic_and_realistic(tmp_path):
    gen = _load("generate_corpus")
    first = gen.generate(tmp_path / "a", docs=12, seed=3)
    again = gen.generate(tmp_path / "b", docs=12, seed=3)
    files = sorted((tmp_path / "a").rglob("*.txt"))
    assert first == again and first[0] == 12 == len(files)
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted((tmp_path / "b").rglob("*.txt"))]
    assert all(f.parent.name.startswith("part-") for f in files)
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert all(3_000 <= len(f.read_bytes()) <= 25_000 for f in files)
    # seed hospitals and people are replaced by generated ones
    assert not any(gen.HOSPITAL_RE.search(t) or gen.PERSON_RE.search(t) for t in texts)
    assert sum(t.count("医院") + t.count("保健院") for t in texts) > 12


def test_bench_smoke_run_writes_tables(tmp_path):
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run_bench.py"), "--sizes", "0.2", "--out", str(out),
         "--work-dir", str(tmp_path / "work"), "--incremental-docs", "5", "--repeat", "1", "--size-runs", "2"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = out.read_text(encoding="utf-8")
    header = next(line for line in table.splitlines() if line.startswith("| corpus MB"))
    for column in ("corpus MB", "files", "kg build s", "kg KB/s", "peak RSS MB", "peak PSS MB", "jieba-only s",
                   "ratio jieba/kg", "runs"):
        assert column in header
    row = next(line for line in table.splitlines() if line.startswith("| 0.2 |"))
    assert "failed" not in row and len(row.split("|")) == len(header.split("|"))
    assert row.split("|")[-2].strip() == "2"  # kg and the yardstick ran twice each
    for needle in ("Python 3.", "usable cores", "`kg --help`", "`kg build seeds --no-cache`", "rebuild, one file edited",
                   "% of full build", "| goal |"):
        assert needle in table
