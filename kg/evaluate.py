"""``kg evaluate``: score a built graph against the gold annotations.

The graph is read only through the names of GRAPH_CONTRACT.md. For every gold
file ``X.json`` (``"doc": "X.txt"``) the ``hkg:Document`` nodes whose
``hkg:fileName`` has that base name give the predicted facts of the document:

* entities: nodes of each class with ``prov:wasDerivedFrom`` the document;
  names are ``rdfs:label`` plus ``skos:altLabel``;
* relations: the distinct (subject, predicate, object) of the evidence
  ``rdf:Statement`` s derived from the document (a relation belongs to every
  document that has evidence for it; several sentences count once).

Matching rules are in ``kg.evaluate_match`` (names, similarity, one-to-one
pairing). This module adds how gold and graph are read and counted:

* Gold entities are de-duplicated the way the graph merges nodes: hospitals
  and mechanisms by name (a practice run by two hospitals is one node),
  leaders by name + hospital, honors by name + hospital + year + unit;
  metrics never. Gold relations are de-duplicated when identical.
* Scores are micro-averaged over documents. A gold document without
  ``hkg:Document`` in the graph counts all its facts as misses; graph
  documents without gold are ignored. Both are listed in the report.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pyoxigraph as ox

from kg.evaluate_match import SCORERS, Fact, Thing, greedy_match, make_thing, normalize_name, normalize_unit
from kg.vocab import HKG, PROV, EntityType, Predicate

ENTITY_KINDS = tuple(t.value.lower() for t in EntityType)
RELATION_KINDS = tuple(p.value for p in Predicate)
KINDS = ENTITY_KINDS + RELATION_KINDS

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
_TYPE = _RDF + "type"
_DERIVED = str(PROV.wasDerivedFrom)
_CLASSES = {str(HKG[t.value]): t.value.lower() for t in EntityType}
_PREDICATES = {str(HKG[p.value]): p.value for p in Predicate}
#: RDF file extensions read by their own syntax (``.owl`` is RDF/XML, which
#: pyoxigraph's ``from_extension`` does not know); anything else is Turtle.
_RDF_FORMATS = {
    **{ext: ox.RdfFormat.from_extension(ext) for ext in ("ttl", "nt", "nq", "trig", "jsonld", "rdf", "n3")},
    "owl": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Score:
    """Counts of one kind of fact; precision, recall and F1 derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 0 when there is no gold."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class DocResult:
    """Scores and errors of one gold document."""

    doc: str
    in_graph: bool
    scores: dict[str, Score]
    missed: tuple[Fact, ...] = ()
    spurious: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class EvaluationReport:
    """Result of ``evaluate``: per-document results plus what could not be paired."""

    gold_dir: str
    graph: str
    documents: tuple[DocResult, ...]
    missing_documents: tuple[str, ...] = ()  # gold docs with no hkg:Document
    ignored_documents: tuple[str, ...] = ()  # graph docs with no gold file
    honor_units: tuple[int, int] = (0, 0)  # (agreeing, matched receivedHonor pairs)
    totals: dict[str, Score] = field(default_factory=dict)

    @property
    def entity_micro(self) -> Score:
        """Counts summed over the entity kinds."""
        return sum((self.totals[k] for k in ENTITY_KINDS), Score())

    @property
    def relation_micro(self) -> Score:
        """Counts summed over the relation kinds."""
        return sum((self.totals[k] for k in RELATION_KINDS), Score())


# -- gold ---------------------------------------------------------------------
def _unique(facts: list[tuple[object, Fact]]) -> list[Fact]:
    seen: set[object] = set()
    out = []
    for key, fact in facts:
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out


def gold_facts(data: dict) -> dict[str, list[Fact]]:
    """Turn one gold JSON object into facts per kind (see the module docstring).

    Args:
        data: the parsed gold file.

    Returns:
        ``{kind: [Fact, ...]}`` for every kind in ``KINDS``.
    """
    hosp = {h["name"]: make_thing("hospital", h["name"], h.get("aliases") or ()) for h in data.get("hospitals", [])}
    mech = {m["name"]: make_thing("mechanism", m["name"], m.get("aliases") or ()) for m in data.get("mechanisms", [])}

    def hospital(name: str) -> Thing:
        return hosp.get(name) or make_thing("hospital", name or "")

    # (merge key, fact): entities use the graph's merge key, relations the fact itself,
    # metric facts their position (two gold metrics are never the same figure)
    raw: dict[str, list[tuple[object, Fact]]] = defaultdict(list)
    for t in hosp.values():
        raw["hospital"].append((t.names[:1], Fact("hospital", t)))
    for e in data.get("leaders", []):
        leader, h = make_thing("leader", e["name"]), hospital(e.get("hospital"))
        raw["leader"].append(((leader.names, h.names[:1]), Fact("leader", leader)))
        fact = Fact("hasLeader", leader, h)
        raw["hasLeader"].append((fact, fact))
    for e in data.get("honors", []):
        unit = normalize_name(e["unit"]) if e.get("unit") else None
        year = int(e["year"]) if e.get("year") is not None else None
        honor, h = make_thing("honor", e["name"], year=year, unit=unit), hospital(e.get("hospital"))
        raw["honor"].append(((honor, h.names[:1]), Fact("honor", honor)))
        fact = Fact("receivedHonor", honor, h)
        raw["receivedHonor"].append((fact, fact))
    for e in data.get("mechanisms", []):
        m = mech[e["name"]]
        raw["mechanism"].append((m.names[:1], Fact("mechanism", m)))
        fact = Fact("implements", m, hospital(e.get("hospital")))
        raw["implements"].append((fact, fact))
    for i, e in enumerate(data.get("metrics", [])):
        metric = make_thing("metric", e.get("name") or "", value=float(e["value"]),
                            measure=normalize_unit(e.get("unit")), year=e.get("year"))
        raw["metric"].append((i, Fact("metric", metric)))
        raw["reportsMetric"].append((i, Fact("reportsMetric", metric, hospital(e.get("hospital")))))
        if e.get("mechanism"):
            m = mech.get(e["mechanism"]) or make_thing("mechanism", e["mechanism"])
            raw["measuredBy"].append((i, Fact("measuredBy", metric, m)))
    return {kind: _unique(raw[kind]) for kind in KINDS}


def load_gold(gold_dir: str | Path) -> dict[str, dict[str, list[Fact]]]:
    """Read every ``*.json`` gold file of a folder.

    Args:
        gold_dir: folder with one gold JSON per document.

    Returns:
        ``{document file name: facts per kind}``, sorted by file name.

    Raises:
        FileNotFoundError: the folder does not exist or has no gold file.
        ValueError: a gold file is not valid JSON or lacks a required field.
    """
    folder = Path(gold_dir)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise FileNotFoundError(f"{gold_dir}: no gold *.json files")
    gold = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from exc
        try:
            gold[_base_name(data.get("doc") or path.stem + ".txt")] = gold_facts(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{path}: malformed gold file ({exc!r})") from exc
    return dict(sorted(gold.items()))


# -- graph --------------------------------------------------------------------
def _base_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


class _GraphIndex:
    """The triples of graph.ttl indexed by subject, read once with pyoxigraph."""

    def __init__(self, path: Path) -> None:
        ext = path.suffix.lstrip(".").lower()
        # other RDF outputs of a build are read too (quads: the union of the named graphs);
        # anything else is taken as Turtle (from_extension maps .txt to N-Triples)
        fmt = _RDF_FORMATS.get(ext, ox.RdfFormat.TURTLE)
        self.props: dict[object, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
        self.derived: dict[object, list[object]] = defaultdict(list)  # document -> nodes derived from it
        for t in ox.parse(path=str(path), format=fmt):
            self.props[t.subject][t.predicate.value].append(t.object)
            if t.predicate.value == _DERIVED:
                self.derived[t.object].append(t.subject)
        self._things: dict[object, Thing] = {}

    def values(self, node: object, prop: str) -> list[str]:
        return sorted(o.value for o in self.props.get(node, {}).get(prop, ()))

    def one(self, node: object, prop: str) -> str | None:
        vals = self.values(node, prop)
        return vals[0] if vals else None

    def kind(self, node: object) -> str | None:
        return next((_CLASSES[c] for c in self.values(node, _TYPE) if c in _CLASSES), None)

    def documents(self) -> dict[str, set[object]]:
        """``{file base name: Document nodes}``."""
        docs: dict[str, set[object]] = defaultdict(set)
        for node, props in self.props.items():
            if str(HKG.Document) in {o.value for o in props.get(_TYPE, ())}:
                for name in self.values(node, str(HKG.fileName)):
                    docs[_base_name(name)].add(node)
        return docs

    def thing(self, node: object) -> Thing:
        """The node as a ``Thing`` (cached: a node is shared by many facts)."""
        if node not in self._things:
            labels = self.values(node, _RDFS_LABEL) or [getattr(node, "value", str(node)).rsplit("/", 1)[-1]]
            year = self.one(node, str(HKG.year))
            unit = self.one(node, str(HKG.recipientUnit))
            value = self.one(node, str(HKG.value))
            kind = self.kind(node) or "hospital"
            self._things[node] = make_thing(
                kind,
                labels[0],
                labels[1:] + self.values(node, _ALT_LABEL),
                year=int(year[:4]) if year and year[:4].isdigit() else None,
                unit=normalize_name(unit) if unit else None,
                value=float(value) if value is not None else None,
                measure=normalize_unit(self.one(node, str(HKG.unit))) if kind == "metric" else None,
            )
        return self._things[node]

    def predicted(self, doc_nodes: set[object]) -> dict[str, list[Fact]]:
        """Predicted facts per kind of the document made of ``doc_nodes``."""
        entities: dict[str, list[object]] = defaultdict(list)
        triples: set[tuple[str, object, object]] = set()
        for node in {n for doc in doc_nodes for n in self.derived.get(doc, ())}:
            props = self.props[node]
            kind = self.kind(node)
            if kind:
                entities[kind].append(node)
            pred = self.one(node, _RDF + "predicate")
            if pred in _PREDICATES and props.get(_RDF + "subject") and props.get(_RDF + "object"):
                triples.add((_PREDICATES[pred], props[_RDF + "subject"][0], props[_RDF + "object"][0]))
        out: dict[str, list[Fact]] = {k: [] for k in KINDS}
        for kind, nodes in entities.items():
            out[kind] = [Fact(kind, self.thing(n)) for n in sorted(nodes, key=str)]
        for pred, s, o in sorted(triples, key=lambda t: (t[0], str(t[1]), str(t[2]))):
            out[pred].append(Fact(pred, self.thing(o), self.thing(s)))
        return out


def graph_path(build: str | Path) -> Path:
    """The Turtle file of a build: ``build/graph.ttl`` for a folder, else ``build`` itself."""
    path = Path(build)
    path = path / "graph.ttl" if path.is_dir() else path
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such graph file")
    return path


# -- scoring ------------------------------------------------------------------
def score_document(doc: str, gold: dict[str, list[Fact]], pred: dict[str, list[Fact]] | None) -> DocResult:
    """Match one document's gold and predicted facts kind by kind.

    Args:
        doc: document file name.
        gold: gold facts per kind.
        pred: predicted facts per kind, or None when the graph lacks the document.

    Returns:
        The document's scores, misses and spurious facts.
    """
    scores, missed, spurious = {}, [], []
    for kind in KINDS:
        g, p = gold.get(kind, []), (pred or {}).get(kind, [])
        pairs = greedy_match(g, p, SCORERS[kind])
        hit_g, hit_p = {i for i, _ in pairs}, {j for _, j in pairs}
        missed += [f for i, f in enumerate(g) if i not in hit_g]
        spurious += [f for j, f in enumerate(p) if j not in hit_p]
        scores[kind] = Score(len(pairs), len(p) - len(pairs), len(g) - len(pairs))
        if kind == "receivedHonor":
            agree = sum((g[i].obj.unit or "") == (p[j].obj.unit or "") for i, j in pairs)
            scores["_honorUnit"] = Score(agree, 0, len(pairs) - agree)
    return DocResult(doc, pred is not None, scores, tuple(missed), tuple(spurious))


def evaluate(gold_dir: str | Path, build: str | Path) -> EvaluationReport:
    """Score a built graph against a folder of gold files.

    Args:
        gold_dir: folder of gold ``*.json`` files (GUIDELINES.md format).
        build: a build folder containing ``graph.ttl``, or a Turtle file.

    Returns:
        The report: per-document results, micro totals per kind, unpaired documents.
    """
    path = graph_path(build)
    gold = load_gold(gold_dir)
    index = _GraphIndex(path)
    graph_docs = index.documents()
    results = [score_document(doc, facts, index.predicted(graph_docs[doc]) if doc in graph_docs else None)
               for doc, facts in gold.items()]
    totals = {k: sum((r.scores[k] for r in results), Score()) for k in KINDS}
    units = sum((r.scores["_honorUnit"] for r in results), Score())
    return EvaluationReport(
        gold_dir=str(gold_dir),
        graph=str(path),
        documents=tuple(results),
        missing_documents=tuple(r.doc for r in results if not r.in_graph),
        ignored_documents=tuple(sorted(set(graph_docs) - set(gold))),
        honor_units=(units.tp, units.tp + units.fn),
        totals=totals,
    )


# -- report -------------------------------------------------------------------
def _row(name: str, s: Score) -> str:
    return (f"{name:<18}{s.tp + s.fn:>6}{s.tp + s.fp:>6}{s.tp:>6}"
            f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")


def format_report(report: EvaluationReport, details: bool = False) -> str:
    """Render the report as text; the last line is the relation micro summary.

    Args:
        report: the result of ``evaluate``.
        details: also list, per document, every missed and spurious fact.

    Returns:
        The report, ending with ``relation micro-F1 F (P p R r)``.
    """
    n_docs = len(report.documents)
    lines = [f"graph {report.graph}: {n_docs - len(report.missing_documents)} of {n_docs} gold documents found",
             f"{'':<18}{'gold':>6}{'pred':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    lines += [_row(k, report.totals[k]) for k in ENTITY_KINDS]
    lines += [_row("entities (micro)", report.entity_micro), ""]
    lines += [_row(k, report.totals[k]) for k in RELATION_KINDS]
    lines += [_row("relations (micro)", report.relation_micro), ""]
    agree, matched = report.honor_units
    if matched:
        lines.append(f"honor recipient unit agrees on {agree}/{matched} matched receivedHonor")
    if report.missing_documents:
        lines.append("gold documents missing from the graph (all their facts count as misses): "
                     + ", ".join(report.missing_documents))
    if report.ignored_documents:
        lines.append("graph documents without gold (ignored): " + ", ".join(report.ignored_documents))
    if details:
        for r in report.documents:
            rel = sum((r.scores[k] for k in RELATION_KINDS), Score())
            state = "" if r.in_graph else "  NOT IN GRAPH"
            lines += ["", f"== {r.doc}  relations P {rel.precision:.3f} R {rel.recall:.3f} F1 {rel.f1:.3f}{state}"]
            lines += [f"  MISS     {f.display()}" for f in r.missed]
            lines += [f"  SPURIOUS {f.display()}" for f in r.spurious]
        lines.append("")
    m = report.relation_micro
    lines.append(f"relation micro-F1 {m.f1:.3f} (P {m.precision:.3f} R {m.recall:.3f})")
    return "\n".join(lines)
