"""Benchmark of whole ``kg build`` processes against a jieba-only process, per corpus size.

For each size (MB of UTF-8 text, 10**6 bytes) it generates the corpus once
(``bench/generate_corpus.py``, cached under the work folder) and measures, in
the same run and one after the other:

- ``kg build CORPUS -o OUT --no-cache -q`` (default ``--jobs``: every core):
  wall time, KB/s, peak memory;
- ``python bench/jieba_only.py CORPUS`` (load jieba, ``jieba.lcut`` every file):
  wall time; the ratio jieba_time / kg_time is the goal (>= 1.0);

then the start-up costs (``kg --help``; ``kg build seeds`` cold, without and
with a warm cache), an incremental rebuild (1,000 articles built with the
cache, one file edited, rebuilt) and the 10x scaling ratios. Every command is
a fresh subprocess timed from outside (wall clock).

Peak memory is given two ways:

- "RSS, largest process": ``%M`` of ``/usr/bin/time`` when present, otherwise
  ``ru_maxrss`` of ``getrusage(RUSAGE_CHILDREN)`` in a small wrapper process.
  Both report the single largest process of the tree (the parent or one
  extraction worker), not a sum;
- "PSS, process tree": the sum of proportional set sizes
  (``/proc/PID/smaps_rollup``) over the process and all its descendants,
  sampled every 0.1 s. Forked workers share pages with the parent; PSS splits
  them, so the sum is what the tree really holds. Sampling can miss a peak
  shorter than 0.1 s.

Writes Markdown to ``--out`` (default ``bench/results.md``); with the default
output it also refreshes the copy between the RESULTS markers of
``bench/README.md``.

    .venv/bin/python bench/run_bench.py [--sizes 1,10,100] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate_corpus  # noqa: E402 - sibling script

DEFAULT_OUT = BENCH / "results.md"
README = BENCH / "README.md"
GNU_TIME = Path("/usr/bin/time")
MARKERS = ("<!-- RESULTS -->", "<!-- /RESULTS -->")
THROUGHPUT_COLUMNS = (
    "corpus MB", "files", "kg build s", "kg KB/s", "peak RSS MB (largest process)",
    "peak PSS MB (process tree)", "jieba-only s", "jieba KB/s", "ratio jieba/kg", "load avg before", "formats", "runs",
)


@dataclass
class Run:
    """One timed subprocess."""

    wall: float  # seconds
    rss_kb: int  # largest single process of the tree
    pss_kb: int  # sampled peak of the tree's summed PSS
    code: int


def kg_command() -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kg.cli"]


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(k) for k in fh.read().split())
    except OSError:
        pass
    return kids


def _pss_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _tree_pss_kb(root: int) -> int:
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kb(pid)
        stack.extend(_children(pid))
    return total


TIMEOUT = 3600.0  # seconds per command; a command that runs longer is killed and reported


def measure(cmd: list[str], *, cwd: Path | None = None) -> Run:
    """Run ``cmd`` to the end: wall time, peak RSS of its largest process, sampled peak tree PSS.

    A command still running after ``TIMEOUT`` seconds is killed (its whole process
    group) and gets exit code -9.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-f", "%M", "-o", rss_file.name, *cmd]
        else:
            wrapped = [sys.executable, "-c", _RUSAGE_WRAPPER, rss_file.name, *cmd]
        peak = [0]
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, start_new_session=True)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_pss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            code = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # the group of the process started above, nothing else
            proc.wait()
            code = -9
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        numbers = re.findall(r"^\d+$", Path(rss_file.name).read_text(), re.M)
    return Run(wall, int(numbers[-1]) if numbers else 0, peak[0], code)


_RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(code)
"""


class Failed(RuntimeError):
    """A measured command did not finish normally (error exit, killed, timed out)."""


def check(run: Run, what: str) -> Run:
    # kg build exits 2 when some inputs were skipped: still a finished build
    if run.code not in (0, 2):
        reason = "timed out" if run.code == -9 else f"exit code {run.code}"
        raise Failed(f"{what}: {reason} after {run.wall:.0f} s (peak RSS {run.rss_kb / 1024:.0f} MB)")
    return run


def corpus(work: Path, *, size_mb: float | None = None, docs: int | None = None, seed: int = 1) -> Path:
    """The generated corpus, reused while the generator, the seeds and the parameters are unchanged."""
    digest = hashlib.sha256(Path(generate_corpus.__file__).read_bytes())
    for path in sorted(generate_corpus.SEEDS_DIR.glob("*.txt")):
        digest.update(path.read_bytes())
    digest.update(f"{size_mb}:{docs}:{seed}".encode())
    name = f"corpus-{size_mb:g}mb" if size_mb is not None else f"corpus-{docs}docs"
    folder, stamp = work / name, work / f"{name}.stamp"
    if not (folder.is_dir() and stamp.is_file() and stamp.read_text() == digest.hexdigest()):
        generate_corpus.generate(folder, size_mb=size_mb, docs=docs, seed=seed)
        stamp.write_text(digest.hexdigest())
    return folder


def corpus_stats(folder: Path) -> tuple[int, int]:
    files = sorted(folder.rglob("*.txt"))
    return len(files), sum(f.stat().st_size for f in files)


def median_wall(cmd: list[str], repeat: int, what: str) -> float:
    return statistics.median(check(measure(cmd), what).wall for _ in range(repeat))


def default_formats() -> str:
    """kg's default output formats right now (asked in a fresh process: the work tree changes under us)."""
    code = "from kg.export import DEFAULT_FORMATS; print(','.join(DEFAULT_FORMATS))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() or "?"


def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time (a failed run sorts last, so it is kept only if most failed)."""
    ordered = sorted(runs, key=lambda r: (r.code not in (0, 2), r.wall))
    return ordered[(len(ordered) - 1) // 2]


def bench_size(size: float, work: Path, seed: int, formats: str | None = None, runs: int = 1) -> dict:
    folder = corpus(work, size_mb=size, seed=seed)
    files, size_bytes = corpus_stats(folder)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    load = os.getloadavg()[0]
    used = formats or default_formats()
    pinned = ["--formats", formats] if formats else []
    # kg and the yardstick alternate, `runs` times each; the run of median wall time is kept
    # (on a shared machine one run can be a third off either way)
    kg_runs, jb_runs = [], []
    for _ in range(runs):
        kg_runs.append(measure([*kg_command(), "build", str(folder), "-o", str(out), "--no-cache", "-q", *pinned]))
        shutil.rmtree(out, ignore_errors=True)
        jb_runs.append(check(measure([sys.executable, str(BENCH / "jieba_only.py"), str(folder)]), "jieba_only"))
    kg, jb = _median_run(kg_runs), _median_run(jb_runs)
    kb = size_bytes / 1000
    try:
        check(kg, "kg build")
    except Failed as exc:
        return {"size": size, "files": files, "bytes": size_bytes, "failed": str(exc), "load": load, "formats": used,
                "jieba": jb.wall,
                "jieba_kbs": kb / jb.wall, "rss": kg.rss_kb / 1024, "pss": kg.pss_kb / 1024}
    return {
        "size": size, "files": files, "bytes": size_bytes, "kg": kg.wall, "kg_kbs": kb / kg.wall,
        "rss": kg.rss_kb / 1024, "pss": kg.pss_kb / 1024, "jieba": jb.wall, "jieba_kbs": kb / jb.wall,
        "ratio": jb.wall / kg.wall, "load": load, "formats": used, "runs": runs,
    }


def bench_startup(work: Path, repeat: int) -> list[tuple[str, float]]:
    kg = kg_command()
    out, cache = work / "out-seeds", work / "cache-seeds"
    shutil.rmtree(cache, ignore_errors=True)
    seeds = str(REPO / "seeds")
    rows = [("`kg --help`", median_wall([*kg, "--help"], repeat, "kg --help"))]
    rows.append(("`kg build seeds --no-cache`", median_wall([*kg, "build", seeds, "-o", str(out), "--no-cache", "-q"],
                                                             repeat, "kg build seeds")))
    warm = [*kg, "build", seeds, "-o", str(out), "--cache-dir", str(cache), "-q"]
    check(measure(warm), "kg build seeds (fill cache)")
    rows.append(("`kg build seeds` (warm cache)", median_wall(warm, repeat, "kg build seeds (warm cache)")))
    rows.append(("`jieba_only.py seeds`", median_wall([sys.executable, str(BENCH / "jieba_only.py"), seeds],
                                                      repeat, "jieba_only seeds")))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return rows


def bench_incremental(work: Path, docs: int, seed: int) -> dict:
    source = corpus(work, docs=docs, seed=seed)
    tree, out, cache = work / "incremental", work / "out-incremental", work / "cache-incremental"
    for path in (tree, out, cache):
        shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(source, tree)
    cmd = [*kg_command(), "build", str(tree), "-o", str(out), "--cache-dir", str(cache), "-q"]

    def timed(what: str) -> tuple[float, int]:
        """Wall time and documents extracted (new cache entries: a changed kg/ changes the cache version)."""
        before = _cache_entries(cache)
        wall = check(measure(cmd), what).wall
        return wall, len(_cache_entries(cache) - before)

    full, full_new = timed("full build with cache")
    same, same_new = timed("rebuild, nothing changed")
    files = sorted(tree.rglob("*.txt"))
    with files[len(files) // 2].open("a", encoding="utf-8") as fh:
        fh.write("\n2025年，医院开展党建活动12次，参与党员260名。\n")
    one, one_new = timed("rebuild, one file edited")
    for path in (tree, out, cache):
        shutil.rmtree(path, ignore_errors=True)
    return {"docs": docs, "full": full, "same": same, "one": one,
            "extracted": (full_new, same_new, one_new)}


def _cache_entries(cache: Path) -> set[Path]:
    return set(cache.rglob("*.pickle")) if cache.is_dir() else set()


def machine_info() -> list[str]:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        from importlib.metadata import version

        jieba_version = version("jieba")
    except Exception:  # noqa: BLE001 - informational only
        jieba_version = "?"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "kg"], capture_output=True,
                           text=True).stdout.strip()
    return [
        f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {usable} usable cores ({os.cpu_count()} online){', ' + model if model else ''}; "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, jieba {jieba_version}",
        f"- load average (1/5/15 min) when the table was written: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
        " (the machine is shared: other jobs may have run during the measurements)",
        f"- kg at commit {commit}{' with uncommitted changes under kg/' if dirty else ''}",
    ]


def _fmt(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def render(rows: list[dict], startup: list[tuple[str, float]], incremental: dict | None, args) -> str:
    lines = ["## Build benchmark", "", *machine_info(), "",
             "KB = 1,000 bytes of UTF-8 text. Each command is a fresh process timed by wall clock; "
             "`kg build` runs with its default `--jobs` (every core) and `--no-cache -q`. "
             "ratio = jieba-only process time / kg build time (goal: >= 1.0). "
             "runs: kg and jieba-only alternated that many times, the run of median time kept. "
             "\"load avg before\": the 1-minute load average just before `kg build` started (2 cores).", "",
             "| " + " | ".join(THROUGHPUT_COLUMNS) + " |", "|" + "---:|" * len(THROUGHPUT_COLUMNS)]
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r['size']:g} | {r['files']:,} | failed | | {_fmt(r['rss'], 0)} | {_fmt(r['pss'], 0)} | "
                         f"{_fmt(r['jieba'])} | {_fmt(r['jieba_kbs'], 0)} | | {r['load']:.1f} | {r.get('formats', '?')} | "
                         f"{r.get('runs', 1)} |")
            continue
        lines.append(
            f"| {r['size']:g} | {r['files']:,} | {_fmt(r['kg'])} | {_fmt(r['kg_kbs'], 0)} | {_fmt(r['rss'], 0)} | "
            f"{_fmt(r['pss'], 0)} | {_fmt(r['jieba'])} | {_fmt(r['jieba_kbs'], 0)} | {r['ratio']:.2f} | {r['load']:.1f} | "
            f"{r.get('formats', '?')} | {r.get('runs', 1)} |"
        )
    lines += [f"\n- {r['size']:g} MB: {r['failed']}" for r in rows if "failed" in r]
    lines += ["", "Peak RSS: the largest single process (`/usr/bin/time -v` \"Maximum resident set size\", or "
              "`ru_maxrss` of RUSAGE_CHILDREN). Peak PSS: the whole process tree, sampled every 0.1 s.", ""]
    done = [r for r in rows if "failed" not in r]
    scaling = [(a, b) for a in done for b in done if abs(b["size"] / a["size"] - 10) < 1e-9]
    if scaling:
        lines += ["| 10x step | time ratio (goal <= 10.5) |", "|---|---:|"]
        lines += [f"| {a['size']:g} MB -> {b['size']:g} MB | {b['kg'] / a['kg']:.2f} |" for a, b in scaling]
        lines.append("")
    if startup:
        lines += [f"| start-up (median of {args.repeat}) | wall s |", "|---|---:|"]
        lines += [f"| {name} | {wall:.2f} |" for name, wall in startup]
        lines.append("")
    if incremental:
        full = incremental["full"]
        new = incremental.get("extracted", ("?", "?", "?"))
        lines += [f"| incremental, {incremental['docs']:,} articles, `--cache-dir` | wall s | % of full build "
                  "| documents extracted |",
                  "|---|---:|---:|---:|",
                  f"| full build, empty cache | {full:.1f} | 100% | {new[0]} |",
                  f"| rebuild, nothing changed | {incremental['same']:.1f} | {100 * incremental['same'] / full:.0f}% "
                  f"| {new[1]} |",
                  f"| rebuild, one file edited | {incremental['one']:.1f} | {100 * incremental['one'] / full:.0f}% "
                  f"| {new[2]} |",
                  "",
                  "Documents extracted = new cache entries. More than expected (0, 1) means the extractor "
                  "version changed during the run (files under kg/ edited in the shared work tree), so the "
                  "rebuild re-extracted everything.",
                  ""]
    lines += _goals(done, startup, scaling)
    return "\n".join(lines).rstrip() + "\n"


def _goals(rows, startup, scaling) -> list[str]:
    out = ["| goal | measured | met |", "|---|---|:---:|"]
    for r in rows:
        if r["size"] in (10, 100):
            out.append(f"| ratio jieba/kg >= 1.0 at {r['size']:g} MB | {r['ratio']:.2f} | {'yes' if r['ratio'] >= 1 else 'no'} |")
    for name, wall in startup:
        if name == "`kg build seeds --no-cache`":
            out.append(f"| `kg build seeds` < 2 s | {wall:.2f} s | {'yes' if wall < 2 else 'no'} |")
    for a, b in scaling:
        ratio = b["kg"] / a["kg"]
        out.append(f"| 10x input <= 10.5x time ({a['size']:g} -> {b['size']:g} MB) | {ratio:.2f} | "
                   f"{'yes' if ratio <= 10.5 else 'no'} |")
    for r in rows:
        if r["size"] == 100:
            met = max(r["rss"], r["pss"]) < 1536
            out.append(f"| peak memory at 100 MB < 1.5 GB | RSS {r['rss']:,.0f} MB, PSS {r['pss']:,.0f} MB | "
                       f"{'yes' if met else 'no'} |")
    return out if len(out) > 2 else []


def update_readme(table: str, readme: Path = README) -> None:
    if not readme.is_file():
        return
    text = readme.read_text(encoding="utf-8")
    start, end = MARKERS
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    global TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="corpus sizes in MB, comma-separated (default 1,10,100)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown output (default bench/results.md)")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
                        help="corpora and scratch outputs (default /tmp/kg-bench)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per start-up command, median kept (default 3)")
    parser.add_argument("--incremental-docs", type=int, default=1000,
                        help="articles in the incremental-rebuild corpus (default 1000; 0: skip)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    parser.add_argument("--size-runs", type=int, default=3,
                        help="runs of kg and of the yardstick per size, alternating; median kept (default 3)")
    parser.add_argument("--repeat-below", type=float, default=10,
                        help="sizes (MB) up to this get --size-runs runs; larger ones one run (default 10)")
    parser.add_argument("--formats", help="pin kg build --formats (default: kg's default, recorded per row)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per command before it is killed")
    args = parser.parse_args(argv)
    TIMEOUT = args.timeout
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    args.work_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    startup: list[tuple[str, float]] = []
    incremental: dict | None = None

    def write() -> str:
        table = render(rows, startup, incremental, args)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table, encoding="utf-8")
        return table

    # the quick measurements first, and the table rewritten after every step,
    # so a long or failing large size still leaves the rest on disk
    if not args.no_startup:
        startup = bench_startup(args.work_dir, args.repeat)
        print(f"[bench] startup {startup}", file=sys.stderr, flush=True)
        write()
    if args.incremental_docs:
        try:
            incremental = bench_incremental(args.work_dir, args.incremental_docs, args.seed)
        except Failed as exc:
            print(f"[bench] incremental: {exc}", file=sys.stderr, flush=True)
        print(f"[bench] incremental {incremental}", file=sys.stderr, flush=True)
        write()
    for size in sizes:
        print(f"[bench] {size:g} MB ...", file=sys.stderr, flush=True)
        runs = args.size_runs if size <= args.repeat_below else 1
        rows.append(bench_size(size, args.work_dir, args.seed, args.formats, runs))
        print(f"[bench] {rows[-1]}", file=sys.stderr, flush=True)
        write()
    table = write()
    if args.out.resolve() == DEFAULT_OUT.resolve():
        update_readme(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
