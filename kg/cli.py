"""The ``kg`` command line: argparse wiring only; each subcommand lives in ``kg.commands``.

Exit codes: 0 success; 1 usage error or fatal error (nothing usable was
produced); 2 the build finished but some inputs were skipped (or, for
``validate``, the graph does not conform).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kg import __version__

#: subcommand modules, each with ``register(subparsers)`` that sets ``func=run``.
COMMANDS: tuple[str, ...] = (
    "kg.commands.build",
    "kg.commands.query",
    "kg.commands.load",
    "kg.commands.validate",
    "kg.commands.evaluate",
    "kg.commands.render",
)

EPILOG = """exit codes:
  0  success
  1  usage error, or a fatal error (no output could be produced)
  2  finished, but some inputs were skipped (build) or the graph does not conform (validate)

use --debug to see a traceback on unexpected errors."""


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors; 2 means "finished with skips" here, so use 1."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    """The ``kg`` argument parser with every subcommand registered."""
    parser = _Parser(
        prog="kg",
        description="Build, query and check a knowledge graph of hospitals' Party-building news.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency, not a command not yet present
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``kg`` command line; returns the exit code (see ``EPILOG``)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 1
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into head & co: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, never a traceback, unless asked
        if args.debug:
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"kg {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
