"""``kg validate FILE.ttl``: check a graph against the SHACL shapes of the ontology."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand to the ``kg`` parser."""
    p = sub.add_parser("validate", help="validate a Turtle graph against the SHACL shapes")
    p.add_argument("graph", metavar="FILE_OR_DIR", help="graph.ttl, or a build folder holding it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``kg validate``; 0 conforms, 2 does not conform, 1 no such file."""
    from kg.validate import validate

    path = Path(args.graph)
    if path.is_dir():
        path = path / "graph.ttl"
    if not path.is_file():
        print(f"kg validate: error: {path}: no such file", file=sys.stderr)
        return 1
    report = validate(path)
    print(report.text)
    return 0 if report.conforms else 2
