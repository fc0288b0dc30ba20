"""``kg build INPUT... -o DIR``: build the graph and print a one-screen summary."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kg.export import DEFAULT_FORMATS, EXPORTERS
from kg.vocab import EntityType, Predicate


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``build`` subcommand to the ``kg`` parser."""
    p = sub.add_parser("build", help="build the knowledge graph from articles")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="article files or folders (searched recursively)")
    p.add_argument("-o", "--output", default="exports", metavar="DIR", help="output folder (default: exports)")
    p.add_argument(
        "--formats",
        default=",".join(DEFAULT_FORMATS),
        help=f"comma-separated output formats, from: {', '.join(EXPORTERS)} (default: %(default)s)",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1, nothing written) if any input is skipped")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N",
        help="worker processes for extraction (default: the machine's cores)",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="run extraction on a Dask cluster, e.g. tcp://HOST:8786")
    p.add_argument("--cache-dir", metavar="DIR", help="per-document extraction cache (default: ~/.cache/hospital-kg)")
    p.add_argument("--no-cache", action="store_true", help="extract every document again")
    p.add_argument(
        "--max-file-size", type=_size, default=None, metavar="SIZE",
        help="skip input files larger than SIZE bytes (suffix K, M or G; default: 20M)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.pipeline import build, check_formats

    try:
        formats = check_formats(f.strip() for f in args.formats.split(",") if f.strip())
    except ValueError as exc:
        print(f"kg build: error: --formats: {exc}", file=sys.stderr)
        return 1
    missing = [p for p in args.inputs if not Path(p).exists()]
    if missing:  # a mistyped path is a usage error, not a skipped input
        print(f"kg build: error: {missing[0]}: no such file or folder", file=sys.stderr)
        return 1
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        print(f"kg build: error: {out}: output exists and is not a folder", file=sys.stderr)
        return 1

    def report_skip(item) -> None:
        print(f"kg build: {item.message()}", file=sys.stderr)

    from kg.cache import FactsCache
    from kg.parallel import default_jobs

    if args.jobs < 0:
        print("kg build: error: --jobs must be 0 (all cores) or more", file=sys.stderr)
        return 1
    cache = None if args.no_cache else FactsCache(args.cache_dir)
    bar = _progress_bar(args.quiet)
    try:
        report = build(
            args.inputs, out, formats, on_skip=report_skip, strict=args.strict,
            jobs=args.jobs or default_jobs(), scheduler=args.scheduler, cache=cache,
            progress=bar.update if bar else None, max_bytes=args.max_file_size,
        )
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kg build: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        if bar:
            bar.close()
    if report.documents == 0:
        print("kg build: error: no readable input documents; nothing written", file=sys.stderr)
        return 1
    if args.strict and report.skipped:
        print(f"kg build: error: {len(report.skipped)} input(s) skipped with --strict; nothing written", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary(report, out))
    return 2 if report.skipped else 0


def _size(value: str) -> int:
    """Parse ``--max-file-size``: a positive byte count with an optional K/M/G (1024-based) suffix."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = value.strip().upper().removesuffix("B")
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    try:
        size = int(float(number) * factor)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 500K, 20M)") from None
    if size <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return size


def _progress_bar(quiet: bool):
    """A tqdm bar on stderr when it is a terminal (characters done, speed); None otherwise."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    # counts characters of decoded text (what extraction works on), not file bytes
    return tqdm(unit="char", unit_scale=True, desc="extract", file=sys.stderr, delay=2.0)


def summary(report, out: Path) -> str:
    """The one-screen summary: documents, entities and relations per type, output files."""
    counts = report.counts
    lines = [f"documents: {report.documents} read, {len(report.skipped)} skipped"]
    lines.append("entities:  " + ", ".join(f"{t.value} {counts.nodes.get(t.value, 0)}" for t in EntityType))
    lines.append("relations: " + ", ".join(f"{p.value} {counts.edges.get(p.value, 0)}" for p in Predicate))
    lines.append(f"evidence:  {counts.evidence} sentences")
    if counts.rejected:
        lines.append(f"rejected:  {counts.rejected} relations (domain/range or unknown entity)")
    if report.reused:
        lines.append("unchanged: same inputs, code and options as the last build; its outputs are untouched")
    lines.append(f"output:    {out}/")
    lines.extend(f"  {entry}" for entry in _output_entries(report.outputs, out))
    return "\n".join(lines)


def _output_entries(paths, out: Path) -> list[str]:
    """Top-level files by name; files in sub-folders counted per folder (keeps it one screen)."""
    files: list[str] = []
    folders: Counter = Counter()
    for path in paths:
        rel = Path(path).relative_to(out) if Path(path).is_relative_to(out) else Path(path)
        if len(rel.parts) > 1:
            folders[rel.parts[0]] += 1
        else:
            files.append(str(rel))
    return sorted(files) + [f"{name}/ ({count} files)" for name, count in sorted(folders.items())]
