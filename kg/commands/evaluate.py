"""``kg evaluate --gold DIR BUILD``: score a build against gold annotations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand to the ``kg`` parser."""
    p = sub.add_parser("evaluate", help="score a build against gold annotations (P/R/F1)")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold JSON files")
    p.add_argument("build", metavar="BUILD_DIR_OR_TTL", help="a build folder (graph.ttl inside) or a .ttl file")
    p.add_argument("--details", action="store_true", help="list missed and spurious facts per document")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``kg evaluate``: print the report; 0, or 1 when the gold or the build is missing."""
    from kg.evaluate import evaluate, format_report

    for path in (Path(args.gold), Path(args.build)):
        if not path.exists():
            print(f"kg evaluate: error: {path}: no such file or folder", file=sys.stderr)
            return 1
    report = evaluate(Path(args.gold), Path(args.build))
    print(format_report(report, details=args.details))
    return 0
