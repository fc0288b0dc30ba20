"""Regenerate the README pictures ``docs/img/overview.png`` and ``docs/img/hospital.png``.

Usage (after a build with the html format)::

    .venv/bin/kg build seeds -o /tmp/build
    .venv/bin/python tests/browser/make_screenshots.py /tmp/build [--out docs/img]

The hospital picture shows the hospital page with the most nodes (ties: the
first by file name), so the choice is the same on every run. Equivalent to
``kg render BUILD -o docs/img/overview.png`` plus
``kg render BUILD --page hospitals/<slug>.html -o docs/img/hospital.png``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from kg.render import RenderError, render_png

RE_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)


def richest_hospital_page(build: Path) -> Path | None:
    """The hospital page with the most nodes, or None when there is none.

    Args:
        build: the build folder.

    Returns:
        Path of the page.
    """
    best: tuple[int, str] | None = None
    for page in sorted((build / "hospitals").glob("*.html")):
        match = RE_DATA.search(page.read_text(encoding="utf-8"))
        size = len(json.loads(match.group(1))["nodes"]) if match else 0
        if best is None or size > best[0]:
            best = (size, page.name)
    return None if best is None else build / "hospitals" / best[1]


def main(argv: list[str] | None = None) -> int:
    """Write the two pictures; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path, help="build folder holding graph.html")
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[2] / "docs" / "img")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)
    try:
        print(render_png(args.build / "graph.html", args.out / "overview.png", args.width, args.height))
        page = richest_hospital_page(args.build)
        if page is None:
            print("make_screenshots: no hospital pages in the build", file=sys.stderr)
            return 1
        print(render_png(page, args.out / "hospital.png", args.width, args.height))
    except (RenderError, OSError) as exc:
        print(f"make_screenshots: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
