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

import hashlib
import re
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node as RdfNode

from kg.atomic import atomic_file
from kg.export import rdf
from kg.graph import KnowledgeGraph
from kg.ids import document_iri, entity_iri, statement_iri
from kg.vocab import HKG, PROV, EntityType, Predicate

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
#: one search for any of them (a generator over the IRI's characters was most of N-Triples' time)
RE_IRI_FORBIDDEN = re.compile("[" + re.escape("".join(sorted(IRI_FORBIDDEN))) + "]")

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Every character escape_string must touch: ECHARs, other C0 controls, DEL, surrogates.
_RE_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\\ud800-\udfff]')


def _escape_char(match: re.Match) -> str:
    ch = match.group()
    escaped = _ECHAR.get(ch)
    if escaped is not None:
        return escaped
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"lone surrogate U+{code:04X} in literal")
    return f"\\u{code:04X}"


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
    # One regex pass: most literals need no escape at all and come back as they are.
    return _RE_NEEDS_ESCAPE.sub(_escape_char, text)


class _Writer:
    """Formats terms with a fixed prefix table."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first, so a nested namespace wins over its parent.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._iris: dict[str, str] = {}  # a node's IRI is written once per triple it is in
        # One alternative per namespace, in that order, each with a _RE_LOCAL local
        # part: the first that matches is the one a loop over namespaces would pick.
        self._re_prefixed = re.compile("|".join(
            f"{re.escape(ns)}({_RE_LOCAL.pattern})" for _, ns in self._prefixes)) if prefixes else None

    def iri(self, iri: URIRef) -> str:
        """A prefixed name when the local part is safe, else ``<IRI>``."""
        written = self._iris.get(iri)
        if written is None:
            written = self._iris[iri] = self._format_iri(iri)
        return written

    def _format_iri(self, iri: URIRef) -> str:
        m = self._re_prefixed.match(iri) if self._re_prefixed else None
        if m:
            return f"{self._prefixes[m.lastindex - 1][0]}:{m.group(m.lastindex)}"
        if RE_IRI_FORBIDDEN.search(iri):
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


# -- the knowledge graph's own Turtle, formatted from plain strings ------------
#
# ``serialize`` sorts rdflib terms; for a whole graph that means millions of
# term objects (``Literal.__new__`` alone was most of the time). The writer
# below produces the same bytes straight from the graph model: it knows the
# shape ``kg.export.rdf.triples`` gives every subject, so it formats each
# subject's block from strings, in the same order, and streams the blocks.
# Numbers and years (few distinct values) still go through rdflib once each,
# so their lexical forms cannot drift from the generic path.

#: how much text ``turtle_chunks`` gathers before yielding it (characters)
CHUNK_CHARS = 1 << 18
_OBJECT_SEP = f" ,\n{' ' * 8}"


#: the predicates of the fixed part of each block
_VERBS: dict[str, URIRef] = {
    "label": RDFS.label, "altLabel": SKOS.altLabel, "title": rdf.P_TITLE, "value": rdf.P_VALUE,
    "unit": rdf.P_UNIT, "fromValue": rdf.P_FROM_VALUE, "approximate": rdf.P_APPROXIMATE,
    "year": rdf.P_YEAR, "recipientUnit": rdf.P_RECIPIENT_UNIT, "level": rdf.P_LEVEL,
    "dcTitle": DCTERMS.title, "fileName": rdf.P_FILE_NAME, "sha256": rdf.P_SHA256,
    "encoding": rdf.P_ENCODING, "subject": RDF.subject, "predicate": RDF.predicate,
    "object": RDF.object, "evidenceText": rdf.P_EVIDENCE_TEXT, "charStart": rdf.P_CHAR_START,
    "charEnd": rdf.P_CHAR_END, "confidence": rdf.P_CONFIDENCE, "derivedFrom": rdf.P_DERIVED_FROM,
}


class _NotPlain(Exception):
    """The graph has a shape the fast writer does not cover; use ``serialize``."""


def _block(subject: str, predicates: list[tuple[str, list[str]]]) -> str:
    """One subject's lines, preceded by the blank line that separates subjects."""
    last = len(predicates) - 1
    lines = [f"\n    {verb} {_OBJECT_SEP.join(objs)}{' .' if i == last else ' ;'}"
             for i, (verb, objs) in enumerate(predicates)]
    return f"\n\n{subject}{''.join(lines)}"


class _GraphTurtle:
    """The blocks of ``serialize(rdf.triples(graph))``, in its order, without rdflib terms."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.w = w = _Writer(rdf.PREFIXES)
        self._numbers: dict[tuple, str] = {}
        # Every verb and class as written, formatted once.
        self.verbs = {name: w.iri(iri) for name, iri in _VERBS.items()}
        self.classes = {t: w.iri(HKG[t.value]) for t in EntityType}
        self.true = w.literal(Literal(True))
        # A statement always has these nine predicates, in _PREDICATE_ORDER.
        self.statement_template = _block("{}", [("a", [w.iri(RDF.Statement)])] + [
            (self.verbs[name].replace("{", "{{").replace("}", "}}"), ["{}"])
            for name in ("subject", "predicate", "object", "evidenceText", "charStart", "charEnd",
                         "confidence", "derivedFrom")
        ])
        nodes, edges, docs = graph.nodes(), graph.edges(), graph.documents()
        by_type: dict[EntityType, list] = {t: [] for t in EntityType}
        self.entity_iri: dict = {}
        for node in nodes:
            iri = self.entity_iri[node.key] = str(entity_iri(node.key))
            by_type[node.key.type].append((iri, node))
        self.doc_iri: dict[str, str] = {}
        self.doc_text: dict[str, str] = {}  # doc id -> its IRI as written
        statements = self._relations(edges)
        # Class groups in _CLASS_ORDER, each by IRI (the subject key of serialize).
        self.groups: list[tuple[list, Callable]] = [(sorted(by_type[t], key=_first), self._entity) for t in EntityType]
        self.groups.append((sorted(((self._doc(d.doc_id), d) for d in docs), key=_first), self._document))
        statements.sort(key=_first)
        self.groups.append((statements, self._statement))
        subjects = [item[0] for group, _ in self.groups for item in group]
        if len(set(subjects)) != len(subjects):
            # Two descriptions under one IRI (a hash collision, a repeated sentence)
            # merge into one subject: only the generic writer handles that.
            raise _NotPlain("a subject IRI is described twice")

    def _relations(self, edges: list) -> list[tuple]:
        """Index each node's relations (``self.relations``); return one tuple per statement."""
        w, iris = self.w, self.entity_iri
        predicates = {p: str(HKG[p.value]) for p in Predicate}
        # subject key -> relation IRI -> object IRIs
        self.relations: dict = defaultdict(lambda: defaultdict(set))
        statements = []
        for edge in edges:
            if edge.subject not in iris:
                raise _NotPlain("relation from an entity that is not a node")
            pred = predicates[edge.predicate]
            obj = iris.get(edge.object) or str(entity_iri(edge.object))
            self.relations[edge.subject][pred].add(obj)
            if not edge.evidence:
                continue
            confidences = edge.evidence_confidence
            if len(confidences) != len(edge.evidence):  # Edge.confidence_of's fallback
                confidences = (edge.confidence,) * len(edge.evidence)
            terms = (w.iri(iris[edge.subject]), w.iri(pred), w.iri(obj))
            for ev, conf in zip(edge.evidence, confidences):
                iri = str(statement_iri(edge.predicate, edge.subject, edge.object, ev))
                statements.append((iri, terms, ev, conf))
        return statements

    def blocks(self) -> Iterator[str]:
        """Every subject block, in serialize's order."""
        for items, fmt in self.groups:
            for item in items:
                yield fmt(*item)

    # -- terms ------------------------------------------------------------
    def _doc(self, doc_id: str) -> str:
        iri = self.doc_iri.get(doc_id)
        if iri is None:
            iri = self.doc_iri[doc_id] = str(document_iri(doc_id))
        return iri

    def _number(self, kind: Callable[..., Literal], value) -> str:
        """A decimal or year literal as serialize writes it (computed once per value)."""
        key = (kind, type(value), value)
        text = self._numbers.get(key)
        if text is None:
            text = self._numbers[key] = self.w.literal(kind(value))
        return text

    def _int(self, value) -> str:
        return str(value) if type(value) is int else self.w.literal(Literal(value))

    # -- blocks -------------------------------------------------------------
    def _entity(self, iri: str, node) -> str:
        v, zh = self.verbs, _zh
        preds = [("a", [self.classes[node.type]]), (v["label"], [zh(node.label)])]
        if node.aliases:
            preds.append((v["altLabel"], [zh(a) for a in sorted(set(node.aliases))]))
        if node.titles:
            preds.append((v["title"], [zh(t) for t in sorted(set(node.titles))]))
        if node.value is not None:
            preds.append((v["value"], [self._number(rdf.decimal_literal, node.value)]))
        if node.unit:
            preds.append((v["unit"], [_plain(node.unit)]))
        if node.from_value is not None:
            preds.append((v["fromValue"], [self._number(rdf.decimal_literal, node.from_value)]))
        if node.approximate:
            preds.append((v["approximate"], [self.true]))
        if node.year is not None:
            preds.append((v["year"], [self._number(rdf.year_literal, node.year)]))
        if node.recipient_unit:
            preds.append((v["recipientUnit"], [zh(node.recipient_unit)]))
        if node.level:
            preds.append((v["level"], [zh(node.level)]))
        relations = self.relations.get(node.key)
        if relations:
            w = self.w
            for pred in sorted(relations):
                preds.append((w.iri(pred), [w.iri(o) for o in sorted(relations[pred])]))
        if node.documents:
            docs = sorted({self._doc(d) for d in node.documents})
            preds.append((v["derivedFrom"], [self.w.iri(d) for d in docs]))
        return _block(self.w.iri(iri), preds)

    def _document(self, iri: str, doc) -> str:
        v = self.verbs
        preds = [("a", [self.w.iri(rdf.C_DOCUMENT)])]
        if doc.title:
            preds.append((v["dcTitle"], [_zh(doc.title)]))
        preds.append((v["fileName"], [_plain(doc.file_name)]))
        preds.append((v["sha256"], [_plain(doc.sha256)]))
        preds.append((v["encoding"], [_plain(doc.encoding)]))
        return _block(self.w.iri(iri), preds)

    def _statement(self, iri: str, terms: tuple[str, str, str], ev, conf) -> str:
        doc = self.doc_text.get(ev.doc_id)
        if doc is None:
            doc = self.doc_text[ev.doc_id] = self.w.iri(self._doc(ev.doc_id))
        start, end = ev.char_start, ev.char_end
        return self.statement_template.format(
            self.w._format_iri(iri),  # not cached: each statement IRI is written once
            *terms,
            _zh(ev.sentence),
            str(start) if type(start) is int else self._int(start),
            str(end) if type(end) is int else self._int(end),
            self._number(rdf.decimal_literal, conf),
            doc,
        )


def _first(item: tuple) -> str:
    return item[0]


def _zh(text: str) -> str:
    return f'"{escape_string(text)}"@{rdf.ZH}'


def _plain(text: str) -> str:
    return f'"{escape_string(text)}"'


def turtle_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The graph's Turtle document in pieces of about ``CHUNK_CHARS`` characters.

    ``"".join(turtle_chunks(graph)) == serialize(rdf.triples(graph))``, but the
    whole text is never built: write the pieces as they come.

    Args:
        graph: the knowledge graph (not changed while the pieces are read).

    Returns:
        An iterator of strings.
    """
    try:
        plain = _GraphTurtle(graph)
    except _NotPlain:
        yield serialize(rdf.triples(graph))
        return
    buffer = ["\n".join(f"@prefix {prefix}: <{ns}> ." for prefix, ns in rdf.PREFIXES.items())]
    size = 0
    for block in plain.blocks():
        buffer.append(block)
        size += len(block)
        if size >= CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    buffer.append("\n")
    yield "".join(buffer)


def stream_to(graph: KnowledgeGraph, fh: BinaryIO) -> str:
    """Write the graph's Turtle (UTF-8) to an open binary file; returns its hex SHA-256."""
    digest = hashlib.sha256()
    for chunk in turtle_chunks(graph):
        data = chunk.encode("utf-8")
        digest.update(data)
        fh.write(data)
    return digest.hexdigest()


#: graph -> (graph.ttl path, its SHA-256, its file stamp) as ``write`` left it
_WRITTEN: weakref.WeakKeyDictionary[KnowledgeGraph, tuple[Path, str, tuple]] = weakref.WeakKeyDictionary()


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def write(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Export the graph as ``out_dir/graph.ttl`` (streamed, atomic write).

    Args:
        graph: the knowledge graph.
        out_dir: output folder (created if missing).

    Returns:
        ``[out_dir / "graph.ttl"]``.
    """
    path = Path(out_dir) / FILE_NAME
    with atomic_file(path) as fh:
        digest = stream_to(graph, fh)
    _WRITTEN[graph] = (path.resolve(), digest, _stamp(path))
    return [path]


def written_file(graph: KnowledgeGraph, path: str | Path) -> str | None:
    """The SHA-256 of ``path`` if this process wrote ``graph``'s Turtle there and it is unchanged since.

    Lets the store load graph.ttl from disk instead of formatting it again.
    """
    done = _WRITTEN.get(graph)
    path = Path(path)
    if done is None or not path.is_file() or done[0] != path.resolve():
        return None
    return done[1] if _stamp(path) == done[2] else None


def graph_turtle(graph: KnowledgeGraph) -> str:
    """The graph's Turtle document as one string (the text ``write`` puts in graph.ttl).

    Args:
        graph: the knowledge graph.

    Returns:
        The whole document; prefer ``turtle_chunks`` or ``write`` for big graphs.
    """
    return "".join(turtle_chunks(graph))
