"""Benchmark: SPARQL over a build with rdflib (in memory) vs pyoxigraph (in memory / on-disk store).

Builds a synthetic graph of more than 100,000 triples (``tests/kg_fixtures.big_graph``),
exports ``graph.ttl`` and the on-disk store, then times loading and every named
query with each engine, plus the whole ``kg query`` command as a user runs it.
Writes the Markdown table to ``bench/query_results.md``.

    .venv/bin/python bench/query_bench.py [--hospitals 700] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.atomic import write_text
from kg.export import store, turtle
from kg.query import named_queries

ROOT = Path(__file__).resolve().parents[1]


def _fixtures():
    spec = importlib.util.spec_from_file_location("kg_fixtures", ROOT / "tests" / "kg_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def cli_time(args: list[str], repeat: int) -> float:
    kg = Path(sys.executable).with_name("kg")
    cmd = [str(kg)] if kg.exists() else [sys.executable, "-m", "kg.cli"]

    def once():
        subprocess.run(cmd + args, check=True, stdout=subprocess.DEVNULL)

    return timed(once, repeat)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hospitals", type=int, default=700, help="size of the synthetic graph (default 700)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, median kept (default 3)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "query_results.md"))
    args = parser.parse_args(argv)

    graph = _fixtures().big_graph(args.hospitals)
    build = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    turtle.write(graph, build)
    store.write(graph, build)
    ttl = build / "graph.ttl"
    size_mb = ttl.stat().st_size / 1e6

    rows: list[tuple[str, str, str, str]] = []
    t_rdflib, g = timed(lambda: rdflib.Graph().parse(ttl, format="turtle"))

    def ox_mem():
        st = ox.Store()
        st.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
        return st

    t_oxmem, mem = timed(ox_mem, args.repeat)
    t_oxdisk, disk = timed(lambda: ox.Store.read_only(str(build / "store")), args.repeat)
    triples = len(g)
    assert triples == len(mem) == len(disk) >= 100_000, triples
    rows.append(("open the graph (parse graph.ttl / open store)", fmt(t_rdflib), fmt(t_oxmem), fmt(t_oxdisk)))

    for name, q in named_queries().items():
        tr, rr = timed(lambda: list(g.query(q.text)), 1)
        tm, rm = timed(lambda: list(mem.query(q.text)), args.repeat)
        td, rd = timed(lambda: list(disk.query(q.text)), args.repeat)
        assert len(rr) == len(rm) == len(rd), (name, len(rr), len(rm), len(rd))
        rows.append((f"`{name}` ({len(rm)} rows)", fmt(tr), fmt(tm), fmt(td)))

    no_store = cli_time(["query", "class-counts", "--graph", str(build), "--no-store"], args.repeat)
    with_store = cli_time(["query", "class-counts", "--graph", str(build)], args.repeat)
    rows.append(("`kg query class-counts` (whole command)", "—", fmt(no_store), fmt(with_store)))

    lines = [
        "# Query engines on a synthetic build",
        "",
        f"{triples:,} triples ({args.hospitals} hospitals; graph.ttl {size_mb:.1f} MB), "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"rdflib {rdflib.__version__}, pyoxigraph {ox.__version__}. "
        f"Median of {args.repeat} runs (rdflib queries: 1 run). Made by `bench/query_bench.py`.",
        "",
        "| step | rdflib, in memory | pyoxigraph, in memory | pyoxigraph, on-disk store |",
        "|---|---:|---:|---:|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        "`kg query` uses the on-disk store when its recorded hash matches graph.ttl, "
        "else parses graph.ttl into an in-memory pyoxigraph store; rdflib is not used for querying. "
        "The store answers a query from a cold start in a fraction of the parse time; a query returning "
        "over ten thousand rows can finish sooner from graph.ttl parsed into memory (`kg query --no-store`). "
        "Timings on a shared machine vary by up to 2x between runs.",
        "",
    ]
    write_text(args.out, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
