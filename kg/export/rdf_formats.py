"""More RDF serializations of the contract triples: N-Triples, N-Quads, TriG, JSON-LD.

What is said comes from ``kg.export.rdf`` (``triples`` and, for the
per-document formats, ``quads``: one named graph per source document, named by
the document's IRI). This module only writes it, with its own escaping and in
sorted order, so every file is byte-stable and strictly valid: rdflib's
serializers are not used because some of them mis-escape odd literals (a
newline before a final quote, control characters).

- ``graph.nt``: N-Triples, one sorted line per distinct triple.
- ``graph.nq``: N-Quads, one line per (triple, document graph).
- ``graph.trig``: TriG, one ``GRAPH`` block per document, Turtle inside.
- ``graph.jsonld`` + ``context.jsonld``: JSON-LD with the prefix context
  embedded (so no parser has to fetch anything) and also written beside it
  for users compacting their own data with the same names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node as RdfNode

from kg.atomic import write_text
from kg.export import rdf
from kg.export.turtle import RE_IRI_FORBIDDEN, escape_string, serialize
from kg.graph import KnowledgeGraph

NT_FILE = "graph.nt"
NQ_FILE = "graph.nq"
TRIG_FILE = "graph.trig"
JSONLD_FILE = "graph.jsonld"
CONTEXT_FILE = "context.jsonld"


def nt_term(term: RdfNode) -> str:
    """One term in N-Triples/N-Quads syntax.

    Args:
        term: an IRI, blank node or literal.

    Returns:
        The term's text; literals use ``kg.export.turtle.escape_string``
        (ECHARs and ``\\uXXXX`` for other controls), plain strings have no
        datatype suffix (RDF 1.1: they are ``xsd:string``).

    Raises:
        ValueError: for an IRI with characters N-Triples cannot hold.
    """
    if isinstance(term, URIRef):
        if RE_IRI_FORBIDDEN.search(term):
            raise ValueError(f"IRI not writable in N-Triples: {term!r}")
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        body = f'"{escape_string(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{body}^^<{term.datatype}>"
        return body
    raise TypeError(f"not an RDF term: {term!r}")


def ntriples_lines(triples: Iterable[tuple[RdfNode, RdfNode, RdfNode]]) -> list[str]:
    """Distinct triples as sorted N-Triples lines (without newlines)."""
    return sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for s, p, o in triples})


def to_ntriples(graph: KnowledgeGraph) -> str:
    """The whole graph as N-Triples text (sorted, final newline)."""
    return "".join(line + "\n" for line in ntriples_lines(rdf.triples(graph)))


def to_nquads(graph: KnowledgeGraph) -> str:
    """The graph as N-Quads, each triple in the named graph of its document(s)."""
    lines = set()
    for s, p, o, g in rdf.quads(graph):
        tail = f" {nt_term(g)}" if g is not None else ""
        lines.add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{tail} .")
    return "".join(line + "\n" for line in sorted(lines))


def triples_by_document(graph: KnowledgeGraph) -> dict[URIRef | None, set[rdf.Triple]]:
    """Split the contract triples by document IRI (None = default graph), each set distinct."""
    out: dict[URIRef | None, set[rdf.Triple]] = defaultdict(set)
    for s, p, o, g in rdf.quads(graph):
        out[g].add((s, p, o))
    return dict(out)


def to_trig(graph: KnowledgeGraph) -> str:
    """The graph as TriG: prefixes, then one ``GRAPH <doc> { ... }`` block per document.

    Args:
        graph: the knowledge graph.

    Returns:
        TriG text; each block's body is the deterministic Turtle of
        ``kg.export.turtle.serialize`` (same sorting, same escaping).
    """
    parts = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in rdf.PREFIXES.items()]
    split = triples_by_document(graph)
    for name in sorted(split, key=lambda g: (g is not None, str(g or ""))):
        body = serialize(split[name], rdf.PREFIXES)
        lines = [ln for ln in body.split("\n") if not ln.startswith("@prefix ")]  # not splitlines(): U+2028 may sit in a literal
        while lines and not lines[0]:
            lines.pop(0)
        inner = "\n".join(("    " + ln) if ln else "" for ln in lines)
        head = "{" if name is None else f"GRAPH {nt_term(name)} {{"
        parts.append("")
        parts.append(f"{head}\n{inner}\n}}")
    return "\n".join(parts) + "\n"


def jsonld_context() -> dict:
    """The JSON-LD context: the standard prefixes of ``kg.export.rdf.PREFIXES``."""
    return {"@context": dict(rdf.PREFIXES)}


def _compact(iri: str) -> str:
    return rdf.compact_iri(iri) or iri


def _jsonld_value(term: RdfNode) -> dict:
    if isinstance(term, URIRef):
        return {"@id": _compact(str(term))}
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    assert isinstance(term, Literal)
    value: dict = {"@value": str(term)}
    if term.language:
        value["@language"] = term.language
    elif term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        value["@type"] = _compact(str(term.datatype))
    return value


def to_jsonld(graph: KnowledgeGraph) -> str:
    """The graph as JSON-LD (flattened: one node object per subject, sorted).

    Every literal is an explicit value object (``@value`` with ``@language``
    or ``@type``), so no context coercion can change a value on the way back.
    ``</`` is written ``<\\/`` so the file can be pasted into an HTML
    ``<script>`` element as is.

    Args:
        graph: the knowledge graph.

    Returns:
        The JSON text (UTF-8, sorted keys, final newline).
    """
    by_subject: dict[RdfNode, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in set(rdf.triples(graph)):
        by_subject[s][str(p)].add(o)
    nodes = []
    for s in sorted(by_subject, key=str):
        props = by_subject[s]
        node: dict = {"@id": _jsonld_value(s)["@id"]}
        types = props.pop(str(RDF.type), set())
        if types:
            node["@type"] = sorted(_compact(str(t)) for t in types)
        for p in sorted(props):
            values = [_jsonld_value(o) for o in props[p]]
            node[_compact(p)] = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        nodes.append(node)
    doc = {"@context": jsonld_context()["@context"], "@graph": nodes}
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("</", "<\\/") + "\n"


def write_ntriples(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/graph.nt``. Returns the written paths."""
    return [write_text(Path(out_dir) / NT_FILE, to_ntriples(graph))]


def write_nquads(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/graph.nq`` (one named graph per document). Returns the written paths."""
    return [write_text(Path(out_dir) / NQ_FILE, to_nquads(graph))]


def write_trig(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/graph.trig`` (one named graph per document). Returns the written paths."""
    return [write_text(Path(out_dir) / TRIG_FILE, to_trig(graph))]


def write_jsonld(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/graph.jsonld`` and ``out_dir/context.jsonld``. Returns the written paths."""
    ctx = json.dumps(jsonld_context(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return [
        write_text(Path(out_dir) / JSONLD_FILE, to_jsonld(graph)),
        write_text(Path(out_dir) / CONTEXT_FILE, ctx),
    ]
