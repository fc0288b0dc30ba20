"""``kg query``: run SPARQL 1.1 (text, a file or a named query) over a build."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``query`` subcommand to the ``kg`` parser."""
    p = sub.add_parser(
        "query",
        help="run a SPARQL query (or a named query) over a build",
        description="Run a SPARQL 1.1 SELECT/ASK/CONSTRUCT/DESCRIBE query over a build. "
        "QUERY is query text, a named query (see --list), or '-' for standard input.",
    )
    p.add_argument("query", nargs="?", metavar="QUERY", help="SPARQL text, a named query, or '-' (stdin)")
    p.add_argument("-f", "--file", metavar="FILE.rq", help="read the query from a file")
    p.add_argument(
        "--graph",
        metavar="DIR_OR_FILE",
        help="build folder or RDF file (default: . if it holds graph.ttl, else ./exports)",
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "tsv", "json"),
        default="table",
        help="SELECT/ASK output: aligned table, or SPARQL 1.1 CSV/TSV/JSON results (default: table); "
        "CONSTRUCT/DESCRIBE always print Turtle",
    )
    p.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="restrict ?VAR to the string VALUE (a trailing VALUES clause); repeatable",
    )
    p.add_argument("--list", action="store_true", help="list the named queries and exit")
    p.add_argument("--no-store", action="store_true", help="ignore the on-disk store; parse the RDF file")
    p.add_argument("--time", action="store_true", help="print where the graph came from and timings on stderr")
    p.set_defaults(func=run)


def _error(message: str) -> int:
    print(f"kg query: error: {message}", file=sys.stderr)
    return 1


def _list(out) -> int:
    from kg.query import named_queries, render_table

    rows = [[q.name, q.title, q.description] for q in named_queries().values()]
    max_cell = 70 if sys.stdout.isatty() else None
    out.write(render_table(["name", "title", "description"], rows, max_cell))
    return 0


def _read_query_file(name: str) -> tuple[str, str] | int:
    """Return (text, origin) of a query file, or an exit code after a one-line error."""
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8-sig"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        return _error(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")


def _query_text(args: argparse.Namespace) -> tuple[str, str] | int:
    """Return (text, origin) for the requested query, or an exit code after an error."""
    from kg.query import named_queries

    if args.file and args.query:
        return _error("give either QUERY or -f FILE, not both")
    if args.file:
        return _read_query_file(args.file)
    if not args.query:
        return _error("no query: give QUERY, -f FILE or a named query (kg query --list)")
    if args.query == "-":
        return sys.stdin.read(), "<stdin>"
    named = named_queries()
    if args.query in named:
        return named[args.query].text, f"{args.query}.rq"
    if args.query.endswith(".rq") and Path(args.query).is_file():
        return _read_query_file(args.query)
    if " " not in args.query.strip() and "{" not in args.query:
        return _error(f"unknown named query {args.query!r}; known: {', '.join(named)}")
    return args.query, "query"


def _building_store(folder) -> None:
    print(f"kg query: building the query store in {folder}/store (once per build)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run ``kg query``; returns the exit code (0 ok, 1 any error, reported in one line)."""
    from kg.query import QueryError, add_bindings, open_graph, run as run_query, write_result

    if args.list:
        return _list(sys.stdout)
    got = _query_text(args)
    if isinstance(got, int):
        return got
    text, origin = got
    bindings = {}
    for item in args.bind:
        name, sep, value = item.partition("=")
        if not sep:
            return _error(f"--bind {item!r}: expected VAR=VALUE")
        bindings[name.lstrip("?$")] = value
    t0 = time.perf_counter()
    try:
        text = add_bindings(text, bindings)
        graph = open_graph(args.graph, use_store=not args.no_store, on_build=_building_store)
        t1 = time.perf_counter()
        result = run_query(graph, text, origin)
        max_cell = None
        if sys.stdout.isatty():
            max_cell = max(12, min(60, shutil.get_terminal_size().columns // 2))
        out = sys.stdout.buffer
        rows = write_result(result, args.format, out, max_cell)
        out.flush()
    except QueryError as exc:
        return _error(str(exc))
    except BrokenPipeError:
        return 0  # `kg query ... | head` closed the pipe: not an error
    if args.time:
        t2 = time.perf_counter()
        shown = f"{rows} rows, " if rows >= 0 else ""
        print(f"kg query: {graph.source}: open {t1 - t0:.3f} s, query+print {t2 - t1:.3f} s, {shown}done",
              file=sys.stderr)
    return 0
