"""Deterministic, strictly valid Turtle: ``graph.ttl``.

rdflib 7's Turtle serializer is not used: it writes invalid Turtle for some
literals (e.g. a newline followed by a trailing ``"``) that rdflib re-reads
but W3C-conformant parsers (pyoxigraph, rapper, serdi) reject. This small
writer escapes every literal itself and sorts everything, so the output is
byte-identical across runs, input orders and ``PYTHONHASHSEED`` values:

- subjects grouped by class (Hospital, Leader, Honor, Mechanism, Metric,
  Document, Statement, others), then by IRI;
- predicates in a fixed order (``rdf:type`` first), unknown ones by IRI;
- objects sorted by kind, then lexical form, datatype and language.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node as RdfNode

from kg.atomic import write_text
from kg.export import rdf
from kg.graph import KnowledgeGraph
from kg.vocab import HKG, PROV, EntityType

FILE_NAME = "graph.ttl"

_CLASS_ORDER: tuple[URIRef, ...] = (
    *(HKG[t.value] for t in EntityType),
    HKG["Document"],
    RDF.Statement,
)

_PREDICATE_ORDER: tuple[URIRef, ...] = (
    RDF.type,
    RDFS.label,
    SKOS.altLabel,
    rdf.P_TITLE,
    rdf.P_VALUE,
    rdf.P_UNIT,
    rdf.P_FROM_VALUE,
    rdf.P_APPROXIMATE,
    rdf.P_YEAR,
    rdf.P_RECIPIENT_UNIT,
    rdf.P_LEVEL,
    DCTERMS.title,
    rdf.P_FILE_NAME,
    rdf.P_SHA256,
    rdf.P_ENCODING,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    rdf.P_EVIDENCE_TEXT,
    rdf.P_CHAR_START,
    rdf.P_CHAR_END,
    rdf.P_CONFIDENCE,
)
_PREDICATE_RANK = {p: i for i, p in enumerate(_PREDICATE_ORDER)}
# Relations (hkg:hasLeader ...) come after the literals, provenance last.
_LATE_PREDICATES = {PROV["wasDerivedFrom"]: 1}

# Conservative local names: a letter first, no dots or escapes, so the
# prefixed name also reads in older Turtle/SPARQL parsers. Anything else
# (e.g. our instance IRIs, which contain "/") is written as <IRI>.
_RE_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_RE_LANG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*\Z")
_RE_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_RE_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+\Z")
_RE_BNODE = re.compile(r"[A-Za-z0-9_]+\Z")
#: characters no IRIREF may hold raw (Turtle, N-Triples, N-Quads, TriG).
IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | {chr(c) for c in range(0x21)}

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def escape_string(text: str) -> str:
    """Escape ``text`` for a Turtle ``"..."`` literal (quotes not included).

    Args:
        text: any Unicode string without lone surrogates.

    Returns:
        The body of a STRING_LITERAL_QUOTE: ``\\ " \\n \\r \\t \\b \\f``
        as ECHARs, other C0 controls and DEL as ``\\uXXXX``.

    Raises:
        ValueError: for a lone surrogate, which no RDF syntax can carry.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{code:04X} in literal")
        else:
            out.append(ch)
    return "".join(out)


class _Writer:
    """Formats terms with a fixed prefix table."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first, so a nested namespace wins over its parent.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._iris: dict[str, str] = {}  # a node's IRI is written once per triple it is in

    def iri(self, iri: URIRef) -> str:
        """A prefixed name when the local part is safe, else ``<IRI>``."""
        written = self._iris.get(iri)
        if written is None:
            written = self._iris[iri] = self._format_iri(iri)
        return written

    def _format_iri(self, iri: URIRef) -> str:
        for prefix, ns in self._prefixes:
            if iri.startswith(ns) and _RE_LOCAL.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        if any(ch in IRI_FORBIDDEN for ch in iri):
            raise ValueError(f"IRI not writable in Turtle: {iri!r}")
        return f"<{iri}>"

    def term(self, term: RdfNode) -> str:
        """Any subject or object term (IRI, blank node, literal)."""
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, BNode):
            if not _RE_BNODE.match(term):
                raise ValueError(f"blank node label not writable: {term!r}")
            return f"_:{term}"
        if isinstance(term, Literal):
            return self.literal(term)
        raise TypeError(f"not an RDF term: {term!r}")

    def literal(self, lit: Literal) -> str:
        """Bare numbers/booleans when the lexical form is a Turtle token, else a quoted string."""
        lex = str(lit)
        dt = lit.datatype
        if dt == XSD.integer and _RE_INTEGER.match(lex):
            return lex
        if dt == XSD.decimal and _RE_DECIMAL.match(lex):
            return lex
        if dt == XSD.boolean and lex in ("true", "false"):
            return lex
        body = f'"{escape_string(lex)}"'
        if lit.language:
            if not _RE_LANG.match(lit.language):
                raise ValueError(f"bad language tag: {lit.language!r}")
            return f"{body}@{lit.language}"
        if dt is not None:
            return f"{body}^^{self.iri(dt)}"
        return body


def _term_key(term: RdfNode) -> tuple:
    """Total order over terms: IRIs, blank nodes, literals; then by content."""
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    assert isinstance(term, Literal)
    return (2, str(term), str(term.datatype or ""), term.language or "")


def _predicate_key(pred: URIRef) -> tuple:
    """Fixed order for known predicates, then relations by IRI, provenance last."""
    if pred in _PREDICATE_RANK:
        return (0, _PREDICATE_RANK[pred], "")
    return (1 + _LATE_PREDICATES.get(pred, 0), 0, str(pred))


def _subject_key(types: set[RdfNode], subject: RdfNode) -> tuple:
    """Class group first (``_CLASS_ORDER``), then the term order."""
    ranks = [i for i, c in enumerate(_CLASS_ORDER) if c in types]
    return (min(ranks, default=len(_CLASS_ORDER)), _term_key(subject))


def serialize(g: Graph | Iterable[tuple[RdfNode, RdfNode, RdfNode]], prefixes: dict[str, str] | None = None) -> str:
    """Write triples as sorted, deterministic Turtle.

    Args:
        g: an rdflib graph (triples only; a Dataset's default graph view is
            fine) or any iterable of triples; a repeated triple is written once.
        prefixes: prefix -> namespace to declare and use; defaults to
            ``kg.export.rdf.PREFIXES``. All are declared, used or not, so the
            header never depends on the data.

    Returns:
        The Turtle document (UTF-8 text, ``\\n`` line ends, final newline).
    """
    prefixes = rdf.PREFIXES if prefixes is None else prefixes
    w = _Writer(prefixes)
    by_subject: dict[RdfNode, dict[RdfNode, list[RdfNode]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in g:
        by_subject[s][p].append(o)

    lines = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in prefixes.items()]
    subjects = sorted(by_subject, key=lambda s: _subject_key(set(by_subject[s].get(RDF.type, ())), s))
    for s in subjects:
        lines.append("")
        lines.append(w.term(s))
        preds = sorted(by_subject[s], key=_predicate_key)
        for i, p in enumerate(preds):
            objs = sorted(set(by_subject[s][p]), key=_term_key)
            verb = "a" if p == RDF.type else w.iri(p)
            end = " ." if i == len(preds) - 1 else " ;"
            body = f" ,\n{' ' * 8}".join(w.term(o) for o in objs)
            lines.append(f"    {verb} {body}{end}")
    return "\n".join(lines) + "\n"


def write(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Export the graph as ``out_dir/graph.ttl`` (atomic write).

    Args:
        graph: the knowledge graph.
        out_dir: output folder (created if missing).

    Returns:
        ``[out_dir / "graph.ttl"]``.
    """
    return [write_text(Path(out_dir) / FILE_NAME, graph_turtle(graph))]


_GRAPH_TURTLE: weakref.WeakKeyDictionary[KnowledgeGraph, str] = weakref.WeakKeyDictionary()


def graph_turtle(graph: KnowledgeGraph) -> str:
    """The graph's Turtle document, serialized once per graph (graph.ttl and the store share it).

    Args:
        graph: the knowledge graph (not changed after it is built).

    Returns:
        The same text ``write`` puts in graph.ttl.
    """
    text = _GRAPH_TURTLE.get(graph)
    if text is None:
        text = _GRAPH_TURTLE[graph] = serialize(rdf.triples(graph))  # no rdflib Graph in between
    return text
