"""KnowledgeGraph -> RDF triples, exactly as GRAPH_CONTRACT.md states them.

This module decides *what* is said in RDF; the serializers (``turtle.py``,
the N-Quads/TriG/JSON-LD writers) only decide how it is written. Building
blocks, all pure functions over the graph model's frozen views:

- ``document_triples(doc)``: one ``hkg:Document``.
- ``entity_triples(node, documents)``: one entity with its literals and its
  ``prov:wasDerivedFrom`` links (to all its documents, or to the given ones).
- ``relation_triple(edge)`` and ``statement_triples(edge, evidence)``: a
  relation and the ``rdf:Statement`` recording one supporting sentence.
- ``triples(graph)``: everything, for one default graph; ``to_rdflib`` wraps it.
- ``quads(graph)``: the same triples placed in one named graph per source
  document (graph name = the ``hkg:Document`` IRI). An entity found in two
  documents is described in both graphs, each graph linking it to its own
  document only, so the union of all named graphs equals ``to_rdflib(graph)``.
  Per-document exporters (TriG, N-Quads) should use this.

Literal conventions (mirrored by ``ontology/hkg.ttl`` and ``shapes.ttl``):
Chinese natural-language text (labels, alt labels, posts, recipient units,
levels, evidence sentences, document titles) is ``@zh``; codes and symbols
(``hkg:unit``, file names, hashes, encodings) are plain ``xsd:string``;
numbers use the canonical lexical forms of ``decimal_lexical``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node as RdfNode

from kg.graph import Edge, KnowledgeGraph, Node
from kg.ids import document_iri, entity_iri, statement_iri
from kg.records import DocumentInfo, Evidence
from kg.vocab import HKG, ID, ORG, PROV, SCHEMA

Triple = tuple[RdfNode, RdfNode, RdfNode]
Quad = tuple[RdfNode, RdfNode, RdfNode, URIRef | None]

#: prefixes bound in every RDF output, in the order writers print them.
PREFIXES: dict[str, str] = {
    "hkg": str(HKG),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
}

#: extra prefixes used by the ontology files only (not by instance data).
ONTOLOGY_PREFIXES: dict[str, str] = {
    "owl": str(OWL),
    "schema": str(SCHEMA),
    "org": str(ORG),
}

ZH = "zh"

# Longest namespace first, so a nested namespace wins over its parent.
_PREFIXES_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def compact_iri(iri: str) -> str | None:
    """``prefix:local`` for an IRI under one of ``PREFIXES``, for display and JSON-LD.

    Args:
        iri: an absolute IRI.

    Returns:
        The compact form with the longest matching namespace, or None when no
        namespace matches with a non-empty local part. The local part is not
        checked against Turtle's PN_LOCAL: do not use this to write Turtle.
    """
    for prefix, ns in _PREFIXES_LONGEST_FIRST:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return None

# Item access, never attribute access: HKG.title would be str.title.
P_TITLE = HKG["title"]
P_YEAR = HKG["year"]
P_RECIPIENT_UNIT = HKG["recipientUnit"]
P_LEVEL = HKG["level"]
P_VALUE = HKG["value"]
P_UNIT = HKG["unit"]
P_FROM_VALUE = HKG["fromValue"]
P_APPROXIMATE = HKG["approximate"]
P_FILE_NAME = HKG["fileName"]
P_SHA256 = HKG["sha256"]
P_ENCODING = HKG["encoding"]
P_EVIDENCE_TEXT = HKG["evidenceText"]
P_CHAR_START = HKG["charStart"]
P_CHAR_END = HKG["charEnd"]
P_CONFIDENCE = HKG["confidence"]
C_DOCUMENT = HKG["Document"]
P_DERIVED_FROM = PROV["wasDerivedFrom"]

#: every ``hkg:`` datatype/annotation property this module writes (the
#: ontology test checks each is declared in ontology/hkg.ttl).
DATA_PROPERTIES: tuple[URIRef, ...] = (
    P_TITLE, P_YEAR, P_RECIPIENT_UNIT, P_LEVEL, P_VALUE, P_UNIT, P_FROM_VALUE,
    P_APPROXIMATE, P_FILE_NAME, P_SHA256, P_ENCODING, P_EVIDENCE_TEXT,
    P_CHAR_START, P_CHAR_END, P_CONFIDENCE,
)


def decimal_lexical(value: Decimal | float | int) -> str:
    """Canonical ``xsd:decimal`` lexical form, always with a decimal point.

    ``Decimal("8.5E+5")`` -> ``"850000.0"``, ``93.750`` -> ``"93.75"``. The
    point keeps the form valid as a bare Turtle DECIMAL token, and one form per
    value keeps outputs byte-stable whatever arithmetic produced the number.

    Args:
        value: a finite number (floats go through ``repr``, their shortest form).

    Returns:
        The lexical form.

    Raises:
        ValueError: for NaN or infinities, which ``xsd:decimal`` cannot hold.
    """
    dec = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not dec.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    if dec == 0:
        return "0.0"
    text = format(dec.normalize(), "f")
    return text if "." in text else text + ".0"


def decimal_literal(value: Decimal | float | int) -> Literal:
    """An ``xsd:decimal`` literal in canonical form (see ``decimal_lexical``)."""
    return Literal(decimal_lexical(value), datatype=XSD.decimal)


def year_literal(year: int) -> Literal:
    """An ``xsd:gYear`` literal (four digits at least, sign kept: ``-0044``)."""
    return Literal(f"{'-' if year < 0 else ''}{abs(year):04d}", datatype=XSD.gYear)


def document_triples(doc: DocumentInfo) -> Iterator[Triple]:
    """Triples describing one source file as an ``hkg:Document``.

    Args:
        doc: the document record (its local ``path`` is deliberately not
            exported: it is machine-specific and would break byte-stability).

    Returns:
        An iterator of triples.
    """
    s = document_iri(doc.doc_id)
    yield s, RDF.type, C_DOCUMENT
    yield s, P_FILE_NAME, Literal(doc.file_name)
    yield s, P_SHA256, Literal(doc.sha256)
    yield s, P_ENCODING, Literal(doc.encoding)
    if doc.title:
        yield s, DCTERMS.title, Literal(doc.title, lang=ZH)


def entity_triples(node: Node, documents: Iterable[str] | None = None) -> Iterator[Triple]:
    """Triples describing one entity: class, labels, literals, provenance.

    Args:
        node: the resolved entity. Optional fields are written whenever set,
            whatever the class, so nothing the graph holds is dropped.
        documents: doc ids to link with ``prov:wasDerivedFrom``; defaults to
            all of ``node.documents`` (pass one id for a per-document graph).

    Returns:
        An iterator of triples.
    """
    s = entity_iri(node.key)
    yield s, RDF.type, HKG[node.type.value]
    yield s, RDFS.label, Literal(node.label, lang=ZH)
    for alias in node.aliases:
        yield s, SKOS.altLabel, Literal(alias, lang=ZH)
    for title in node.titles:
        yield s, P_TITLE, Literal(title, lang=ZH)
    if node.year is not None:
        yield s, P_YEAR, year_literal(node.year)
    if node.recipient_unit:
        yield s, P_RECIPIENT_UNIT, Literal(node.recipient_unit, lang=ZH)
    if node.level:
        yield s, P_LEVEL, Literal(node.level, lang=ZH)
    if node.value is not None:
        yield s, P_VALUE, decimal_literal(node.value)
    if node.unit:
        yield s, P_UNIT, Literal(node.unit)
    if node.from_value is not None:
        yield s, P_FROM_VALUE, decimal_literal(node.from_value)
    if node.approximate:
        # Only the marked case is stated; an exact figure has no hkg:approximate.
        yield s, P_APPROXIMATE, Literal(True)
    for doc_id in node.documents if documents is None else documents:
        yield s, P_DERIVED_FROM, document_iri(doc_id)


def relation_triple(edge: Edge) -> Triple:
    """The relation itself, e.g. ``<hospital> hkg:hasLeader <leader>``."""
    return entity_iri(edge.subject), HKG[edge.predicate.value], entity_iri(edge.object)


def statement_triples(edge: Edge, evidence: Evidence) -> Iterator[Triple]:
    """The ``rdf:Statement`` recording one sentence that supports ``edge``.

    Args:
        edge: the relation.
        evidence: one of ``edge.evidence``; offsets are into the decoded source.

    Returns:
        An iterator of triples. ``hkg:confidence`` is the confidence of this
        sentence (``Edge.confidence_of``).
    """
    s = statement_iri(edge.predicate, edge.subject, edge.object, evidence)
    subj, pred, obj = relation_triple(edge)
    yield s, RDF.type, RDF.Statement
    yield s, RDF.subject, subj
    yield s, RDF.predicate, pred
    yield s, RDF.object, obj
    yield s, P_EVIDENCE_TEXT, Literal(evidence.sentence, lang=ZH)
    yield s, P_CHAR_START, Literal(evidence.char_start)
    yield s, P_CHAR_END, Literal(evidence.char_end)
    yield s, P_CONFIDENCE, decimal_literal(edge.confidence_of(evidence))
    yield s, P_DERIVED_FROM, document_iri(evidence.doc_id)


def quads(graph: KnowledgeGraph) -> Iterator[Quad]:
    """All triples, each placed in the named graph of its source document.

    Args:
        graph: the knowledge graph.

    Returns:
        An iterator of ``(s, p, o, graph_name)`` in a deterministic order;
        ``graph_name`` is a document IRI, or None (default graph) for a fact
        with no document. A triple may occur in several graphs (an entity or
        relation found in several documents); the union is ``triples(graph)``.
    """
    for doc in graph.documents():
        g = document_iri(doc.doc_id)
        for t in document_triples(doc):
            yield (*t, g)
    for node in graph.nodes():
        if not node.documents:
            for t in entity_triples(node):
                yield (*t, None)
        for doc_id in node.documents:
            g = document_iri(doc_id)
            for t in entity_triples(node, (doc_id,)):
                yield (*t, g)
    for edge in graph.edges():
        if not edge.evidence:
            yield (*relation_triple(edge), None)
        for doc_id in sorted({ev.doc_id for ev in edge.evidence}):
            yield (*relation_triple(edge), document_iri(doc_id))
        for ev in edge.evidence:
            g = document_iri(ev.doc_id)
            for t in statement_triples(edge, ev):
                yield (*t, g)


def triples(graph: KnowledgeGraph) -> Iterator[Triple]:
    """All triples of the graph for one default graph (duplicates possible)."""
    for doc in graph.documents():
        yield from document_triples(doc)
    for node in graph.nodes():
        yield from entity_triples(node)
    for edge in graph.edges():
        yield relation_triple(edge)
        for ev in edge.evidence:
            yield from statement_triples(edge, ev)


def bind_prefixes(g: Graph) -> Graph:
    """Bind the standard prefixes (``PREFIXES``) on an rdflib graph or dataset."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def to_rdflib(graph: KnowledgeGraph) -> Graph:
    """Build the contract's RDF for a knowledge graph as an in-memory rdflib Graph.

    Args:
        graph: the knowledge graph.

    Returns:
        A new ``rdflib.Graph`` with the standard prefixes bound. Serialize it
        with ``kg.export.turtle.serialize`` for deterministic, strictly valid
        Turtle (rdflib's own Turtle serializer mis-escapes some literals).
    """
    g = bind_prefixes(Graph())
    for t in triples(graph):
        g.add(t)
    return g
