"""SPARQL 1.1 over a build: find the graph, open it, run a query, print the results.

A build is a folder holding ``graph.ttl`` and an on-disk pyoxigraph store
(``kg.export.store``), written by ``kg build --formats ...,store`` or by the
first query of the build. The store is used when its recorded hash matches
``graph.ttl``; when it cannot be (a read-only folder) the Turtle is parsed
into an in-memory pyoxigraph store (pyoxigraph rather than rdflib: see
``bench/query_results.md``, it parses and answers an order of magnitude
faster). Any single RDF file (``.ttl``, ``.nt``, ``.nq``, ``.trig``,
``.jsonld``) can be queried too; for N-Quads and TriG the default graph is
the merge of all named graphs.

Named queries are ``.rq`` files in ``kg/resources/queries/`` with a header of
``# key: value`` comment lines (title, description, param).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Callable

import pyoxigraph as ox

from kg.export import rdf
from kg.export import store as store_export
from kg.export.turtle import escape_string
from kg.export.turtle import serialize as turtle_serialize

DEFAULT_BUILD = "exports"
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

_RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
RE_SYNTAX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
RE_HEADER = re.compile(r"#\s*([a-z]+)\s*:\s*(.*)")
RE_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class QueryError(Exception):
    """A problem to report in one line (bad query, missing graph); no traceback."""


@dataclass
class Graph:
    """An opened graph: the pyoxigraph store and where it came from."""

    store: ox.Store
    source: str  # e.g. "exports/store" or "exports/graph.ttl"


@dataclass(frozen=True)
class NamedQuery:
    """A documented ``.rq`` file."""

    name: str
    title: str
    description: str
    text: str
    params: tuple[str, ...] = field(default=())


def find_graph(path: str | Path | None = None) -> Path:
    """Locate the RDF file to query.

    Args:
        path: a build folder, an RDF file, or None for ``./graph.ttl`` when the
            current folder holds one, else ``./exports``.

    Returns:
        The RDF file (``graph.ttl`` of a folder).

    Raises:
        QueryError: when nothing queryable is there.
    """
    if path is None:
        path = "." if Path("graph.ttl").is_file() else DEFAULT_BUILD
    p = Path(path)
    if p.is_dir():
        ttl = p / "graph.ttl"
        if ttl.is_file() or store_export.up_to_date(p, ttl):
            return ttl
        raise QueryError(f"{p}: no graph.ttl here (run `kg build` first, or pass --graph)")
    if p.is_file():
        if p.suffix.lower() not in _RDF_FORMATS:
            raise QueryError(f"{p}: not an RDF file (expected one of {', '.join(_RDF_FORMATS)})")
        return p
    raise QueryError(f"{p}: no such file or folder")


def open_graph(
    path: str | Path | None = None, use_store: bool = True, on_build: Callable[[Path], None] | None = None
) -> Graph:
    """Open a build for querying: its up-to-date store, else its RDF file in memory.

    A build folder whose store is missing or stale (``kg build`` without the
    ``store`` format, or an older store) gets one built from its ``graph.ttl``
    first, when the folder is writable: later queries then open it at once.

    Args:
        path: as for ``find_graph``.
        use_store: False to ignore any on-disk store (and never build one).
        on_build: called with the folder before a store is built (to tell the user).

    Returns:
        The opened graph.

    Raises:
        QueryError: when the graph is missing or does not parse.
    """
    rdf_file = find_graph(path)
    folder = rdf_file.parent
    if use_store and rdf_file.name == "graph.ttl":
        if not store_export.up_to_date(folder, rdf_file):
            _build_store_once(folder, on_build)
        if store_export.up_to_date(folder, rdf_file):
            try:
                return Graph(ox.Store.read_only(str(folder / store_export.STORE_DIR)),
                             str(folder / store_export.STORE_DIR))
            except OSError:
                pass  # e.g. opened by a writer right now: the Turtle is always a safe fallback
    fmt = _RDF_FORMATS[rdf_file.suffix.lower()]
    st = ox.Store()
    try:
        st.bulk_load(path=str(rdf_file), format=fmt)
    except SyntaxError as exc:
        raise QueryError(f"{rdf_file}: cannot parse: {exc}") from None
    except OSError as exc:
        raise QueryError(f"{rdf_file}: cannot read: {exc.strerror or exc}") from None
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        # The default graph is the RDF merge of the document graphs (a set, as
        # graph.ttl is); pyoxigraph's union-default-graph option would repeat a
        # triple once per document. GRAPH ?g { ... } still sees each document.
        st.extend([ox.Quad(q.subject, q.predicate, q.object) for q in st.quads_for_pattern(None, None, None)])
    return Graph(st, str(rdf_file))


def _build_store_once(folder: Path, on_build: Callable[[Path], None] | None) -> None:
    """Build ``folder``'s query store from its graph.ttl; a folder we cannot write is queried from the Turtle."""
    if not os.access(folder, os.W_OK):
        return
    if on_build:
        on_build(folder)
    try:
        store_export.build_from_turtle(folder)
    except (OSError, SyntaxError):
        pass  # another process holds it, a full disk, a damaged file: the in-memory path says what is wrong


def add_bindings(text: str, bindings: dict[str, str]) -> str:
    """Restrict a query with a trailing ``VALUES`` clause (SPARQL 1.1 §10.2.2).

    Args:
        text: the query.
        bindings: variable name -> plain string value (e.g. a hospital name).

    Returns:
        The query with one ``VALUES (?a ?b) { ("x" "y") }`` appended.

    Raises:
        QueryError: for a variable name that is not a SPARQL name, or one the
            query does not use (a mistyped name would otherwise filter nothing).
    """
    if not bindings:
        return text
    names = sorted(bindings)
    for name in names:
        if not RE_VARIABLE.match(name):
            raise QueryError(f"--bind: {name!r} is not a variable name")
        if not re.search(rf"[?$]{name}(?![A-Za-z0-9_])", text):
            raise QueryError(f"--bind: the query has no variable ?{name}")
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(f'"{escape_string(bindings[n])}"' for n in names)
    return f"{text.rstrip()}\nVALUES ({head}) {{ ({row}) }}\n"


def run(graph: Graph, text: str, origin: str = "query"):
    """Evaluate a SPARQL 1.1 query.

    Args:
        graph: the opened graph.
        text: the query text.
        origin: what to name in a syntax error (``query`` or a file name).

    Returns:
        pyoxigraph ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``.

    Raises:
        QueryError: a syntax error as ``origin:LINE:COLUMN: message``, or an
            evaluation error.
    """
    try:
        return graph.store.query(text)
    except SyntaxError as exc:
        m = RE_SYNTAX_ERROR.match(str(exc))
        if m:
            raise QueryError(f"{origin}:{m[1]}:{m[2]}: syntax error: {m[3].strip()}") from None
        raise QueryError(f"{origin}: syntax error: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"{origin}: {exc}") from None


def display_term(term) -> str:
    """A term as shown in a table: literals by lexical form, IRIs prefixed when possible."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return rdf.compact_iri(term.value) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def text_width(text: str) -> int:
    """Display columns of ``text`` on a terminal: East Asian wide/full-width count 2, combining marks 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _clip(text: str, limit: int | None) -> str:
    # Tables are one line per row: control characters are shown escaped.
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    if limit is None or text_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = text_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def render_table(header: list[str], rows: list[list[str]], max_cell: int | None = None) -> str:
    """Rows as an aligned text table (CJK-aware widths), with a row count.

    Args:
        header: column names.
        rows: cell texts, one list per row.
        max_cell: clip cells to this many columns (used on a terminal).

    Returns:
        The table text, ending in ``N rows`` and a newline.
    """
    cells = [[_clip(c, max_cell) for c in row] for row in rows]
    head = [_clip(h, max_cell) for h in header]
    widths = [text_width(h) for h in head]
    for row in cells:
        widths = [max(w, text_width(c)) for w, c in zip(widths, row)]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - text_width(c)) for c, w in zip(row, widths)).rstrip()

    out = [line(head), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    out.append(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    return "\n".join(out) + "\n"


def to_turtle(triples) -> str:
    """CONSTRUCT/DESCRIBE results as the project's sorted, prefixed Turtle."""
    import rdflib

    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    g = rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")
    return turtle_serialize(g)


def write_result(result, fmt: str, out: IO[bytes], max_cell: int | None = None) -> int:
    """Print a query result.

    Args:
        result: what ``run`` returned.
        fmt: ``table``, ``csv``, ``tsv`` or ``json`` (SPARQL 1.1 results formats;
            ignored for CONSTRUCT/DESCRIBE, which always give Turtle).
        out: binary stream.
        max_cell: clip table cells (terminal use).

    Returns:
        The number of rows (triples for CONSTRUCT, 1 for ASK).
    """
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        out.write(to_turtle(triples).encode("utf-8"))
        return len(triples)
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            out.write(b"true\n" if bool(result) else b"false\n")
        else:
            buf = io.BytesIO()
            result.serialize(buf, _RESULT_FORMATS[fmt])
            out.write(buf.getvalue().rstrip(b"\n") + b"\n")
        return 1
    if fmt != "table":
        buf = io.BytesIO()
        result.serialize(buf, _RESULT_FORMATS[fmt])
        data = buf.getvalue()
        out.write(data if data.endswith(b"\n") else data + b"\n")  # JSON has no final newline
        return -1
    names = [v.value for v in result.variables]
    rows = [[display_term(sol[n]) for n in names] for sol in result]
    out.write(render_table(names, rows, max_cell).encode("utf-8"))
    return len(rows)


def queries_dir():
    """The canonical folder of named queries (package data ``kg/resources/queries``)."""
    return resources.files("kg").joinpath("resources", "queries")


def parse_named(name: str, text: str) -> NamedQuery:
    """Read the ``# key: value`` header of an ``.rq`` file.

    Args:
        name: the query name (file stem).
        text: the file text.

    Returns:
        The named query (title defaults to the name).
    """
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = RE_HEADER.match(line)
        if m:
            meta.setdefault(m[1], []).append(m[2].strip())
    return NamedQuery(
        name=name,
        title=" ".join(meta.get("title", [name])),
        description=" ".join(meta.get("description", [])),
        text=text,
        params=tuple(meta.get("param", [])),
    )


def named_queries() -> dict[str, NamedQuery]:
    """All named queries, by name (sorted)."""
    out = {}
    for entry in sorted(queries_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            stem = entry.name[: -len(".rq")]
            out[stem] = parse_named(stem, entry.read_text(encoding="utf-8"))
    return out
