"""Property-graph exports for Neo4j: ``neo4j-admin database import`` CSVs and a Cypher script.

The model mirrors the RDF contract (ids are the same IRIs, so the two can be
joined):

- one node label per class (``Hospital``, ``Leader``, ``Honor``,
  ``Mechanism``, ``Metric``, ``Document``) plus ``Evidence`` for each
  supporting sentence (the ``rdf:Statement`` of the RDF graph);
- one relationship type per relation (``HAS_LEADER``, ``RECEIVED_HONOR``,
  ``IMPLEMENTS``, ``REPORTS_METRIC``, ``MEASURED_BY``) with ``confidence`` and
  ``evidenceCount``; ``DERIVED_FROM`` (entity -> Document); and, for each
  Evidence node, ``SUBJECT`` / ``OBJECT`` (to the two entities) and
  ``FROM_DOCUMENT``. A property graph cannot point at a relationship, so the
  evidence is a node that names the relation in its ``predicate`` property.

Files: ``out_dir/neo4j/nodes_<Label>.csv``, ``rels_<TYPE>.csv`` and
``import.sh`` (the ``neo4j-admin`` command line); ``out_dir/graph.cypher``
(constraints, then parameter-free ``MERGE`` statements; re-running it is
harmless). Array properties use U+001F as the element delimiter (passed as
``--array-delimiter=U+001F``), since any printable delimiter may occur in
Chinese news text; a U+001F inside an element becomes a space.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.atomic import write_text
from kg.export.rdf import decimal_lexical
from kg.graph import Edge, KnowledgeGraph, Node
from kg.ids import document_iri, entity_iri, statement_iri
from kg.records import DocumentInfo, Evidence
from kg.vocab import EntityType, Predicate

SUBDIR = "neo4j"
CYPHER_FILE = "graph.cypher"
ARRAY_DELIMITER = "\x1f"

#: relationship type per relation property (UPPER_SNAKE, Neo4j convention).
REL_TYPES: dict[Predicate, str] = {
    Predicate.HAS_LEADER: "HAS_LEADER",
    Predicate.RECEIVED_HONOR: "RECEIVED_HONOR",
    Predicate.IMPLEMENTS: "IMPLEMENTS",
    Predicate.REPORTS_METRIC: "REPORTS_METRIC",
    Predicate.MEASURED_BY: "MEASURED_BY",
}
EXTRA_REL_TYPES: tuple[str, ...] = ("DERIVED_FROM", "SUBJECT", "OBJECT", "FROM_DOCUMENT")

#: node properties per label: (name, neo4j-admin type or "" for string).
NODE_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "Hospital": (("label", ""), ("aliases", "string[]")),
    "Leader": (("label", ""), ("titles", "string[]")),
    "Honor": (("label", ""), ("year", "int"), ("recipientUnit", ""), ("level", "")),
    "Mechanism": (("label", ""), ("aliases", "string[]")),
    "Metric": (
        ("label", ""), ("value", "double"), ("unit", ""), ("year", "int"),
        ("fromValue", "double"), ("approximate", "boolean"),
    ),
    "Document": (("label", ""), ("fileName", ""), ("sha256", ""), ("encoding", ""), ("title", "")),
    "Evidence": (
        ("predicate", ""), ("text", ""), ("charStart", "int"), ("charEnd", "int"), ("confidence", "double"),
    ),
}
#: relationship properties per type.
REL_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    **{t: (("confidence", "double"), ("evidenceCount", "int")) for t in REL_TYPES.values()},
    **{t: () for t in EXTRA_REL_TYPES},
}
LABELS: tuple[str, ...] = tuple(NODE_PROPERTIES)


@dataclass(frozen=True)
class PGNode:
    """A property-graph node: id (the RDF IRI), label, properties (None = absent)."""

    id: str
    label: str
    props: dict


@dataclass(frozen=True)
class PGRel:
    """A property-graph relationship between two node ids."""

    start: str
    type: str
    end: str
    props: dict


def _entity_node(node: Node) -> PGNode:
    label = node.type.value
    props: dict = {"label": node.label}
    if node.type in (EntityType.HOSPITAL, EntityType.MECHANISM):
        props["aliases"] = list(node.aliases)
    if node.type == EntityType.LEADER:
        props["titles"] = list(node.titles)
    if node.type == EntityType.HONOR:
        props.update(year=node.year, recipientUnit=node.recipient_unit, level=node.level)
    if node.type == EntityType.METRIC:
        props.update(
            value=None if node.value is None else float(node.value),
            unit=node.unit,
            year=node.year,
            fromValue=None if node.from_value is None else float(node.from_value),
            approximate=node.approximate,
        )
    return PGNode(str(entity_iri(node.key)), label, props)


def _document_node(doc: DocumentInfo) -> PGNode:
    props = {"label": doc.file_name, "fileName": doc.file_name, "sha256": doc.sha256,
             "encoding": doc.encoding, "title": doc.title}
    return PGNode(str(document_iri(doc.doc_id)), "Document", props)


def _evidence_node(edge: Edge, ev: Evidence) -> PGNode:
    props = {"predicate": edge.predicate.value, "text": ev.sentence, "charStart": ev.char_start,
             "charEnd": ev.char_end, "confidence": float(decimal_lexical(edge.confidence_of(ev)))}
    return PGNode(str(statement_iri(edge.predicate, edge.subject, edge.object, ev)), "Evidence", props)


def property_graph(graph: KnowledgeGraph) -> tuple[list[PGNode], list[PGRel]]:
    """The knowledge graph as property-graph nodes and relationships (sorted).

    Args:
        graph: the knowledge graph.

    Returns:
        ``(nodes, relationships)``, sorted by (label, id) and (type, start, end).
    """
    nodes = [_document_node(d) for d in graph.documents()]
    rels: list[PGRel] = []
    for node in graph.nodes():
        pg = _entity_node(node)
        nodes.append(pg)
        rels.extend(PGRel(pg.id, "DERIVED_FROM", str(document_iri(d)), {}) for d in node.documents)
    for edge in graph.edges():
        s, o = str(entity_iri(edge.subject)), str(entity_iri(edge.object))
        rels.append(PGRel(s, REL_TYPES[edge.predicate], o, {
            "confidence": float(decimal_lexical(edge.confidence)), "evidenceCount": len(edge.evidence)}))
        for ev in edge.evidence:
            en = _evidence_node(edge, ev)
            nodes.append(en)
            rels.append(PGRel(en.id, "SUBJECT", s, {}))
            rels.append(PGRel(en.id, "OBJECT", o, {}))
            rels.append(PGRel(en.id, "FROM_DOCUMENT", str(document_iri(ev.doc_id)), {}))
    nodes = sorted({(n.label, n.id): n for n in nodes}.values(), key=lambda n: (n.label, n.id))
    rels = sorted({(r.type, r.start, r.end): r for r in rels}.values(), key=lambda r: (r.type, r.start, r.end))
    return nodes, rels


# -- CSV ------------------------------------------------------------------

def _csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        return ARRAY_DELIMITER.join(v.replace(ARRAY_DELIMITER, " ") for v in value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _csv_field(text: str) -> str:
    # Own quoting: the csv module leaves a lone "\r" unquoted, which readers
    # (neo4j-admin included) take as a line end. Quote whatever holds a
    # delimiter, quote or line end, or would be trimmed.
    if text and (any(ch in text for ch in ',"\n\r') or text != text.strip()):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    return "".join(",".join(_csv_field(c) for c in row) + "\n" for row in [header, *rows])


def node_header(label: str) -> list[str]:
    """CSV header of ``nodes_<label>.csv``: ``id:ID``, ``:LABEL``, then typed properties."""
    return ["id:ID", ":LABEL"] + [f"{n}:{t}" if t else n for n, t in NODE_PROPERTIES[label]]


def rel_header(rel_type: str) -> list[str]:
    """CSV header of ``rels_<TYPE>.csv``: ``:START_ID``, ``:END_ID``, ``:TYPE``, then typed properties."""
    return [":START_ID", ":END_ID", ":TYPE"] + [f"{n}:{t}" if t else n for n, t in REL_PROPERTIES[rel_type]]


def write_csv(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write the ``neo4j-admin database import`` CSVs and ``import.sh`` to ``out_dir/neo4j/``.

    Every label and type gets its file, empty ones too (header only), so the
    import command line never depends on the data.

    Args:
        graph: the knowledge graph.
        out_dir: the build folder.

    Returns:
        The written paths.
    """
    folder = Path(out_dir) / SUBDIR
    nodes, rels = property_graph(graph)
    written = []
    for label in LABELS:
        rows = [[n.id, n.label] + [_csv_cell(n.props.get(k), t) for k, t in NODE_PROPERTIES[label]]
                for n in nodes if n.label == label]
        written.append(write_text(folder / f"nodes_{label}.csv", _csv_text(node_header(label), rows)))
    for rel_type in REL_PROPERTIES:
        rows = [[r.start, r.end, r.type] + [_csv_cell(r.props.get(k), t) for k, t in REL_PROPERTIES[rel_type]]
                for r in rels if r.type == rel_type]
        written.append(write_text(folder / f"rels_{rel_type}.csv", _csv_text(rel_header(rel_type), rows)))
    written.append(write_text(folder / "import.sh", import_script()))
    return written


def import_script() -> str:
    """The ``neo4j-admin`` command (Neo4j 5) that loads the CSVs into a new database."""
    args = [f"  --nodes={label}=nodes_{label}.csv" for label in LABELS]
    args += [f"  --relationships={t}=rels_{t}.csv" for t in REL_PROPERTIES]
    return (
        "#!/bin/sh\n"
        "# Load this folder into a new Neo4j 5 database (default name: neo4j; stop it first).\n"
        "# Generated by `kg build --formats neo4j`.\n"
        "set -e\n"
        'cd "$(dirname "$0")"\n'
        'neo4j-admin database import full "${1:-neo4j}" --overwrite-destination \\\n'
        "  --array-delimiter=U+001F --multiline-fields=true \\\n"
        + " \\\n".join(args) + "\n"
    )


# -- Cypher ---------------------------------------------------------------

_CYPHER_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def cypher_string(text: str) -> str:
    """A Cypher string literal (single quotes) for any text.

    Args:
        text: the string.

    Returns:
        ``'...'`` with backslash, quote and the usual control escapes;
        other C0 controls, DEL, U+2028/U+2029 as ``\\uXXXX``.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _CYPHER_ESCAPES:
            out.append(_CYPHER_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def cypher_value(value) -> str:
    """A property value as a Cypher literal (string, int, float, bool or list of strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(cypher_string(v) for v in value) + "]"
    return cypher_string(str(value))


def _set_clause(var: str, props: dict) -> str:
    # Absent values and empty lists are not written: no null writes, and an
    # empty list literal has no element type for stricter engines.
    items = [f"{var}.{k} = {cypher_value(v)}" for k, v in props.items() if v is not None and v != []]
    return (" SET " + ", ".join(items)) if items else ""


def cypher_statements(graph: KnowledgeGraph) -> Iterator[str]:
    """The Cypher script, one statement per item (each ends with ``;``)."""
    nodes, rels = property_graph(graph)
    label_of = {n.id: n.label for n in nodes}
    for label in LABELS:
        yield f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE;"
    for n in nodes:
        yield f"MERGE (n:{n.label} {{id: {cypher_string(n.id)}}}){_set_clause('n', n.props)};"
    for r in rels:
        yield (
            f"MATCH (a:{label_of[r.start]} {{id: {cypher_string(r.start)}}}), "
            f"(b:{label_of[r.end]} {{id: {cypher_string(r.end)}}}) "
            f"MERGE (a)-[r:{r.type}]->(b){_set_clause('r', r.props)};"
        )


def write_cypher(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/graph.cypher`` (run with ``cypher-shell -f graph.cypher``).

    Args:
        graph: the knowledge graph.
        out_dir: the build folder.

    Returns:
        The written path.
    """
    head = ("// Generated by `kg build --formats cypher`: uniqueness constraints, then nodes and\n"
            "// relationships as parameter-free MERGE statements (safe to run again).\n")
    body = "\n".join(cypher_statements(graph))
    return [write_text(Path(out_dir) / CYPHER_FILE, head + body + "\n")]
