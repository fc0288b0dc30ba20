"""GraphML for Gephi and yEd: ``out_dir/graph.graphml`` (networkx writer).

Nodes are the entities and documents, keyed by their RDF IRIs; edges are the
relations (``predicate``, ``confidence``, ``evidenceCount`` and the evidence
sentences joined by newlines) plus ``derivedFrom`` edges to documents.
GraphML attributes are scalars, so list fields are flattened to one string
(``" | "``-joined) and absent numbers are left out rather than written as
null. Characters XML 1.0 cannot carry (most C0 controls, U+FFFE/U+FFFF) are
replaced by U+FFFD, since a GraphML file with them is unreadable, and line
ends are normalized to ``\n`` as any XML reader would.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import networkx as nx

from kg.atomic import write_bytes
from kg.export.rdf import decimal_lexical
from kg.graph import KnowledgeGraph
from kg.ids import document_iri, entity_iri

FILE_NAME = "graph.graphml"
LIST_SEPARATOR = " | "
RE_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 forbids with U+FFFD; line ends become ``\n``.

    XML parsers turn a raw ``\r`` into ``\n`` anyway, so writing ``\n``
    makes the file say what a reader will get back.
    """
    return RE_XML_ILLEGAL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _clean(attrs: dict) -> dict:
    # Drop absent values (GraphML has no null) and make strings XML-safe.
    out = {}
    for key, value in attrs.items():
        if value is None or value == "":
            continue
        out[key] = xml_safe(value) if isinstance(value, str) else value
    return out


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """The graph as a networkx MultiDiGraph with scalar attributes, in sorted order.

    Args:
        graph: the knowledge graph.

    Returns:
        A new MultiDiGraph: node ids are IRIs; every node has ``type`` and
        ``label``; edge keys are the predicate names.
    """
    g = nx.MultiDiGraph()
    for doc in graph.documents():
        g.add_node(str(document_iri(doc.doc_id)), **_clean({
            "type": "Document", "label": doc.file_name, "fileName": doc.file_name,
            "sha256": doc.sha256, "title": doc.title,
        }))
    for node in graph.nodes():
        g.add_node(str(entity_iri(node.key)), **_clean({
            "type": node.type.value,
            "label": node.label,
            "aliases": LIST_SEPARATOR.join(node.aliases),
            "titles": LIST_SEPARATOR.join(node.titles),
            "year": node.year,
            "recipientUnit": node.recipient_unit,
            "level": node.level,
            "value": None if node.value is None else float(node.value),
            "unit": node.unit,
            "fromValue": None if node.from_value is None else float(node.from_value),
            "approximate": node.approximate if node.value is not None else None,
            "documents": len(node.documents),
        }))
    for node in graph.nodes():
        for doc_id in node.documents:
            g.add_edge(str(entity_iri(node.key)), str(document_iri(doc_id)), key="derivedFrom",
                       predicate="derivedFrom")
    for edge in graph.edges():
        g.add_edge(str(entity_iri(edge.subject)), str(entity_iri(edge.object)), key=edge.predicate.value, **_clean({
            "predicate": edge.predicate.value,
            "confidence": float(decimal_lexical(edge.confidence)),
            "evidenceCount": len(edge.evidence),
            "evidence": "\n".join(ev.sentence for ev in edge.evidence),
        }))
    return g


def to_graphml(graph: KnowledgeGraph) -> bytes:
    """The GraphML document (UTF-8 bytes)."""
    buf = io.BytesIO()
    nx.write_graphml(to_networkx(graph), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def write(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/graph.graphml``.

    Args:
        graph: the knowledge graph.
        out_dir: the build folder.

    Returns:
        The written path.
    """
    return [write_bytes(Path(out_dir) / FILE_NAME, to_graphml(graph))]
