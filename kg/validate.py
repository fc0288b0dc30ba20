"""Check a Turtle graph against the contract's SHACL shapes (``ontology/shapes.ttl``).

The file is first parsed strictly with pyoxigraph (W3C-conformant), so Turtle
that only rdflib would accept is reported as a syntax error; then pyshacl runs
the shapes with ``ontology/hkg.ttl`` mixed in (no inference: the exporter
writes the exact classes, and skipping RDFS inference keeps validation of
~100k triples under ten seconds). SHACL-AF is on for one SPARQL target.

The ontology files are canonical in ``ontology/`` at the repository root and
found relative to this module (source checkout, editable install). A wheel
does not carry them yet: ``ontology_dir`` also looks in
``kg/resources/ontology/`` for when packaging copies them there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from kg.export.rdf import compact_iri

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_FILE = "shapes.ttl"
ONTOLOGY_FILE = "hkg.ttl"
#: how many violations the report text lists before summarising the rest.
MAX_LISTED = 20


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of ``validate``.

    Attributes:
        conforms: True when the file parses and every shape holds.
        text: print-ready summary: one line when it conforms, else one line
            per violation (the first ``MAX_LISTED``) plus a count.
        results_count: number of SHACL results (0 when it conforms; 1 for a
            syntax error, which is reported instead of the shapes).
    """

    conforms: bool
    text: str
    results_count: int


def ontology_dir() -> Path:
    """The folder holding ``hkg.ttl`` and ``shapes.ttl``.

    Returns:
        ``<repo>/ontology`` in a source checkout, else the packaged copy.

    Raises:
        FileNotFoundError: when neither exists.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "ontology", here / "resources" / "ontology"):
        if (candidate / SHAPES_FILE).is_file() and (candidate / ONTOLOGY_FILE).is_file():
            return candidate
    raise FileNotFoundError(f"ontology files ({ONTOLOGY_FILE}, {SHAPES_FILE}) not found next to {here}")


def _short(term: object) -> str:
    """A compact form of an IRI or literal for messages."""
    if isinstance(term, URIRef):
        return compact_iri(term) or f"<{term}>"
    if isinstance(term, Literal):
        text = str(term)
        return repr(text if len(text) <= 40 else text[:40] + "…")
    return str(term)


def _result_lines(results: Graph) -> list[str]:
    """One sorted line per sh:ValidationResult: focus node, path, message."""
    lines = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = _short(results.value(r, SH.focusNode))
        path = results.value(r, SH.resultPath)
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        value = results.value(r, SH.value)
        where = f"{focus} {_short(path)}" if path is not None else focus
        shown = f" (value {_short(value)})" if value is not None and value != results.value(r, SH.focusNode) else ""
        lines.append(f"  {where}: {messages[0] if messages else 'violation'}{shown}")
    return sorted(lines)


def validate(ttl_path: str | Path, shapes: str | Path | None = None, ontology: str | Path | None = None) -> ValidationReport:
    """Validate a Turtle file against the hospital-kg shapes.

    Args:
        ttl_path: the graph, e.g. ``exports/graph.ttl``.
        shapes: SHACL shapes file; defaults to ``ontology/shapes.ttl``.
        ontology: ontology mixed into the data graph (so ``sh:class`` sees
            subclasses); defaults to ``ontology/hkg.ttl``.

    Returns:
        A ``ValidationReport``; a file that is not valid Turtle gives
        ``conforms=False`` with the parser's message.
    """
    path = Path(ttl_path)
    data = path.read_bytes()
    try:
        # Strict syntax check first: rdflib accepts some invalid Turtle.
        for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except (SyntaxError, ValueError) as exc:
        return ValidationReport(False, f"{path}: not valid Turtle: {exc}", 1)

    folder = None if shapes is not None and ontology is not None else ontology_dir()
    data_graph = Graph().parse(data=data, format="turtle")
    shacl_graph = Graph().parse(Path(shapes) if shapes else folder / SHAPES_FILE, format="turtle")
    ont_graph = Graph().parse(Path(ontology) if ontology else folder / ONTOLOGY_FILE, format="turtle")
    conforms, results, _ = shacl_validate(
        data_graph,
        shacl_graph=shacl_graph,
        ont_graph=ont_graph,
        inference="none",
        advanced=True,  # SHACL-AF: the SPARQL target of AssertedStatementShape
        abort_on_first=False,
        allow_warnings=False,
    )
    if conforms:
        return ValidationReport(True, f"{path}: conforms ({len(data_graph)} triples)", 0)
    lines = _result_lines(results)
    head = f"{path}: does not conform: {len(lines)} violation{'s' if len(lines) != 1 else ''}"
    listed = lines[:MAX_LISTED]
    if len(lines) > MAX_LISTED:
        listed.append(f"  … and {len(lines) - MAX_LISTED} more")
    return ValidationReport(False, "\n".join([head, *listed]), len(lines))
