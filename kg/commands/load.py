"""``kg load``: send a build to a triple store (SPARQL 1.1 Graph Store HTTP Protocol)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``load`` subcommand to the ``kg`` parser."""
    from kg.load import DEFAULT_BATCH, DEFAULT_GRAPH, ENV_PASSWORD, ENV_USER

    p = sub.add_parser(
        "load",
        help="send a build to a SPARQL Graph Store endpoint",
        description="Send a build's triples to any SPARQL 1.1 Graph Store HTTP Protocol endpoint, "
        "in N-Triples batches, then count them through the SPARQL endpoint. "
        f"Credentials (basic or digest auth) come from {ENV_USER} and {ENV_PASSWORD}.",
    )
    p.add_argument("build", nargs="?", default="exports", metavar="BUILD",
                   help="build folder or RDF file (default: exports)")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="Graph Store endpoint, e.g. http://127.0.0.1:8890/sparql-graph-crud-auth")
    p.add_argument("--graph", default=DEFAULT_GRAPH, metavar="IRI", help="named graph (default: %(default)s)")
    p.add_argument("--replace", action="store_true", help="replace the graph's content instead of adding to it")
    p.add_argument("--query-endpoint", metavar="URL",
                   help="SPARQL endpoint for the count check (default: derived from --endpoint)")
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, metavar="N",
                   help="triples per request (default: %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``kg load``; 0 when the store holds what was sent, 1 on any error or count mismatch."""
    from kg.load import LoadError, build_file, load, ntriples

    if args.batch_size < 1:
        print("kg load: error: --batch-size must be at least 1", file=sys.stderr)
        return 1
    bar = None
    try:
        lines = ntriples(build_file(args.build))
        if sys.stderr.isatty() and len(lines) > args.batch_size and not args.quiet:
            from tqdm import tqdm

            bar = tqdm(total=len(lines), unit="triple", unit_scale=True, file=sys.stderr, desc="kg load")
        report = load(args.build, args.endpoint, args.graph, args.replace, args.query_endpoint,
                      args.batch_size, progress=bar.update if bar else None, lines=lines)
    except LoadError as exc:
        print(f"kg load: error: {exc}", file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    if not report.ok:
        print(f"kg load: error: sent {report.sent} triples but the graph <{report.graph}> holds "
              f"{report.in_store} (counted at {report.query_endpoint})", file=sys.stderr)
        return 1
    if not args.quiet:
        verb = "replaced" if report.replaced else "loaded"
        print(f"{verb} <{report.graph}>: {report.sent} triples in {report.batches} batch"
              f"{'es' if report.batches != 1 else ''}, {report.seconds:.2f} s")
        print(f"count check: {report.in_store} triples in the store ({report.query_endpoint})")
        if report.in_store != report.sent:
            print(f"kg load: warning: the graph holds {report.in_store - report.sent} triples more than this "
                  "build (left by earlier loads); use --replace to swap it", file=sys.stderr)
        if report.retries:
            print(f"kg load: {report.retries} request(s) retried after transient errors", file=sys.stderr)
    return 0
