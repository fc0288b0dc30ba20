"""HTML exporter: explorable, offline pages of the knowledge graph.

Writes into ``out_dir``::

    graph.html              overview; every script and style inlined (one portable file)
    index.html              hospitals with counts of leaders, honors, mechanisms, metrics
    hospitals/<slug>.html   one page per hospital: its 1-2 hop neighbourhood
    assets/                 vis-network and the page script, shared by the hospital pages

pyvis is not used: its ``cdn_resources`` modes still reference CDNs, its
template inserts ``heading`` and select-menu ids as raw HTML, and building its
network is quadratic in nodes. The page template, script and styles live in
``kg/resources/html/``; the data goes in as one escaped JSON block that the
script reads with ``JSON.parse`` and puts on the page with ``textContent``.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template

from kg.atomic import write_text
from kg.export.html_data import (
    GraphIndex,
    embed_json,
    index_rows,
    pages,
)
from kg.graph import KnowledgeGraph

_RESOURCES = "resources/html"
#: vendored and own scripts, in load order.
SCRIPTS = ("vis-network.min.js", "kg-view.js")
ASSETS_DIR = "assets"
HOSPITALS_DIR = "hospitals"
# Stale pages from an earlier export into the same folder are removed; only
# names this exporter mints (16 hex digits) are touched.
_RE_PAGE_NAME = re.compile(r"[0-9a-f]{16}\.html")


@cache
def resource_text(name: str) -> str:
    """Text of a file under ``kg/resources/html/``.

    Args:
        name: file name, e.g. ``"style.json"``.

    Returns:
        The file's text (UTF-8).
    """
    return resources.files("kg").joinpath(f"{_RESOURCES}/{name}").read_text(encoding="utf-8")


def load_style() -> dict:
    """The colours, shapes and layout settings of ``style.json``."""
    return json.loads(resource_text("style.json"))


def _inline_script(name: str) -> str:
    text = resource_text(name)
    # An inlined script must not close its own element early.
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise ValueError(f"{name} contains '</script' or '<!--' and cannot be inlined")
    return f"<script>\n{text}\n</script>"


@cache
def _template(name: str) -> Template:
    return Template(resource_text(name))


@cache  # the same for every hospital page
def _scripts(inline: bool, asset_prefix: str) -> str:
    if inline:
        return "\n".join(_inline_script(name) for name in SCRIPTS)
    return "\n".join(
        f'<script src="{html.escape(asset_prefix + ASSETS_DIR + "/" + name)}"></script>' for name in SCRIPTS
    )


def render_page(
    payload: dict | str,
    *,
    title: str,
    heading: str,
    nav: list[tuple[str, str]],
    note: str,
    inline: bool,
    asset_prefix: str = "",
) -> str:
    """Fill the page template for one graph page.

    Args:
        payload: the JSON data the page script draws (see ``kg.export.html_data``),
            or that data already serialized by ``embed_json`` (``hospital_json``).
        title: the document title (plain text; escaped here).
        heading: the visible heading (plain text; escaped here).
        nav: ``(href, text)`` links for the header; hrefs are our own relative paths.
        note: a notice shown under the heading, or "" for none (plain text).
        inline: inline the scripts (True) or reference them under ``asset_prefix + "assets/"``.
        asset_prefix: relative path from the page to ``out_dir``.

    Returns:
        The page as a string.
    """
    links = " ".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in nav)
    # Template.substitute is a single pass: text put in is never scanned for more placeholders.
    return _template("page.html").substitute(
        title=html.escape(title),
        heading=html.escape(heading),
        nav=links,
        note=html.escape(note),
        note_hidden="" if note else " hidden",
        css=resource_text("kg-view.css"),
        data=payload if isinstance(payload, str) else embed_json(payload),
        scripts=_scripts(inline, asset_prefix),
    )


def render_index(ix: GraphIndex, rows: list[dict] | None = None) -> str:
    """The static ``index.html``: one row per hospital with counts and a link.

    Args:
        ix: the graph index.
        rows: ``index_rows(ix)`` when already at hand.

    Returns:
        The page as a string; every name is HTML-escaped.
    """
    esc = html.escape
    lines = []
    for row in index_rows(ix) if rows is None else rows:
        aliases = "、".join(row["aliases"])
        cells = "".join(f'<td class="num">{n}</td>' for n in row["counts"])
        lines.append(
            f'<tr><td><a href="{HOSPITALS_DIR}/{row["slug"]}.html">{esc(row["label"])}</a></td>'
            f"<td>{esc(aliases)}</td>{cells}</tr>"
        )
    body = "\n".join(lines) if lines else '<tr><td colspan="6">没有医院 No hospitals</td></tr>'
    summary = f"{len(ix.nodes)} 个节点 nodes, {len(ix.edges)} 条关系 relations, {len(ix.docs)} 篇文档 documents."
    return _template("index.html").substitute(css=resource_text("kg-view.css"), summary=summary, rows=body)


#: which hospital pages a process writes: page ``j`` (in index order) when ``j % n`` is in the set
Share = tuple[frozenset[int], int]


def write(graph: KnowledgeGraph, out_dir: Path, share: Share | None = None) -> list[Path]:
    """Write the overview, index, hospital pages and shared assets.

    Args:
        graph: the built knowledge graph.
        out_dir: the build's output folder.
        share: only this share of the hospital pages (None: all of them), so two
            processes can write the pages at once; the share holding part 0 also
            writes the overview, the index and the assets, and removes stale pages.

    Returns:
        The written files, in a fixed order.
    """
    out_dir = Path(out_dir)
    style = load_style()
    ix = GraphIndex.of(graph)
    written: list[Path] = []

    rows = index_rows(ix)
    parts, n = share or (frozenset({0}), 1)
    main = 0 in parts
    mine = rows if n == 1 else [row for j, row in enumerate(rows) if j % n in parts]
    texts = pages(ix, style, mine, overview=main)
    if main:
        _, data, note = next(texts)
        nav = [("index.html", "医院列表 Hospitals")]
        page = render_page(
            data,
            title="医院党建知识图谱 Hospital KG",
            heading="医院党建知识图谱 Hospital knowledge graph",
            nav=nav,
            note=note,
            inline=True,
        )
        del data  # the page holds a copy; the overview of a big graph is megabytes
        written.append(write_text(out_dir / "graph.html", page))
        del page
        written.append(write_text(out_dir / "index.html", render_index(ix, rows)))
        for name in SCRIPTS:
            written.append(write_text(out_dir / ASSETS_DIR / name, resource_text(name)))

    hospitals_dir = out_dir / HOSPITALS_DIR
    nav = [("../index.html", "医院列表 Hospitals"), ("../graph.html", "总览图 Overview graph")]
    for row, data, note in texts:
        page = render_page(
            data,
            title=f"{row['label']} · 医院党建知识图谱",
            heading=row["label"],
            nav=nav,
            note=note,
            inline=False,
            asset_prefix="../",
        )
        written.append(write_text(hospitals_dir / f"{row['slug']}.html", page))
    if main and hospitals_dir.is_dir():
        current = {f"{row['slug']}.html" for row in rows}  # every share's pages, not only this one's
        for stale in sorted(hospitals_dir.iterdir()):
            if _RE_PAGE_NAME.fullmatch(stale.name) and stale.name not in current:
                stale.unlink()
    return written
