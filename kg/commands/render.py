"""``kg render BUILD_DIR [-o PNG] [--page graph.html]``: a PNG picture of an exported page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``render`` subcommand.

    Args:
        sub: the subparsers of the ``kg`` parser.
    """
    p = sub.add_parser("render", help="take a PNG picture of an exported HTML page (needs chromium)")
    p.add_argument("build_dir", metavar="BUILD_DIR", help="a build folder holding graph.html")
    p.add_argument("-o", "--output", metavar="PNG", help="picture to write (default: the page's name with .png, beside it)")
    p.add_argument("--page", default="graph.html", help="page inside BUILD_DIR (default: graph.html; e.g. hospitals/<slug>.html)")
    p.add_argument("--width", type=int, default=1400, help="viewport width in pixels (default: 1400)")
    p.add_argument("--height", type=int, default=900, help="viewport height in pixels (default: 900)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the page; errors are one line on stderr.

    Args:
        args: parsed arguments of ``kg render``.

    Returns:
        0 when the picture was written, 1 otherwise.
    """
    from kg.render import RenderError, render_png

    build = Path(args.build_dir)
    page = build / args.page
    if not build.is_dir():
        print(f"kg render: error: {build}: no such folder", file=sys.stderr)
        return 1
    if not page.is_file():
        print(f"kg render: error: {page}: no such page (was the build run with the html format?)", file=sys.stderr)
        return 1
    if args.width <= 0 or args.height <= 0:
        print("kg render: error: --width and --height must be positive", file=sys.stderr)
        return 1
    out = Path(args.output) if args.output else page.with_suffix(".png")
    try:
        written = render_png(page, out, args.width, args.height)
    except (RenderError, OSError) as exc:
        print(f"kg render: error: {exc}", file=sys.stderr)
        return 1
    print(written)
    return 0
