"""Matching primitives of ``kg evaluate``: name normalization, similarity, facts.

Everything here is independent of RDF and of the gold file format: gold and
predicted facts are both turned into ``Thing`` / ``Fact`` records, then paired
one-to-one by ``greedy_match`` with a per-kind score function from ``SCORERS``.
``kg.evaluate`` reads the graph and the gold files and counts.

Matching rules:

* Names are normalized on both sides: full-width ASCII folded, pinyin markup
  ``(yī)`` removed, whitespace and quote marks removed, Traditional ->
  Simplified (OpenCC ``t2s``), ASCII lower-cased.
* Hospital, leader: exact, a match when any predicted name (label or
  altLabel) equals the gold name or a gold alias. Leader entities match by
  name alone; ``hasLeader`` needs the hospital and the leader to match.
* Honor, mechanism: lenient. Two names match when equal, when the shorter one
  (2+ characters) is contained in the longer (``三榜`` in ``三榜赛马机制``), or
  when the Dice coefficient of their character bigrams is >= 0.5; bigrams
  keep the order of characters, which a bag of characters would not. The best
  pair over names and aliases counts. ``receivedHonor`` also needs the
  hospital and a compatible year (equal, or missing on either side); the
  recipient unit is not required, its agreement is reported apart.
* Metric: value (relative tolerance 1e-6) and unit (normalized; ``个百分点``
  = ``百分点``) must agree; the name is not required. ``reportsMetric``:
  hospital + metric; ``measuredBy``: mechanism (lenient) + metric.
* One-to-one: pairs are taken greedily by best score (name similarity, then
  agreeing year/unit break ties), then gold order, then predicted order
  (sorted by IRI), so a duplicated prediction counts once as a hit and then
  as spurious.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import opencc

#: quote marks the guidelines strip from names (plus book-title brackets).
_QUOTES = "“”「」‘’\"'《》『』〈〉"
_DROP = str.maketrans("", "", _QUOTES)
#: pinyin annotations some web pages put after each hanzi: 醫(yī)院 -> 醫院.
#: Lowercase letters with tone marks only, so "(PDCA)" or "(试行)" survive.
RE_PINYIN = re.compile(r"\([a-zü\u00e0-\u00fc\u0101-\u01dc\u01f9\u1e3f]+\)")
RE_SPACE = re.compile(r"\s+")
#: units written differently for the same thing (keys already normalized).
_UNIT_SYNONYMS = {"个百分点": "百分点"}
#: lenient names match when their bigram Dice reaches this (or one contains the other).
LENIENT_THRESHOLD = 0.5
#: relative tolerance when comparing metric values.
VALUE_RTOL = 1e-6


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold_width(text: str) -> str:
    """Fold full-width ASCII (！ to ～) and the ideographic space to ASCII.

    Args:
        text: any string.

    Returns:
        The string with U+FF01..U+FF5E shifted to U+0021..U+007E and U+3000 to a space.
    """
    return "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else (" " if c == "\u3000" else c) for c in text
    )


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Canonical comparison form of a name, applied to gold and predicted alike.

    Steps, in order: fold full-width ASCII; drop pinyin markup ``(yī)``; drop
    whitespace and quote marks; Traditional -> Simplified (OpenCC t2s);
    lower-case ASCII (``6S管理`` = ``6s管理``).

    Args:
        name: a surface form from the gold or a graph label.

    Returns:
        The normalized string (possibly empty).
    """
    text = fold_width(name)
    text = RE_PINYIN.sub("", text)
    text = RE_SPACE.sub("", text).translate(_DROP)
    return _t2s().convert(text).lower()


def normalize_unit(unit: str | None) -> str:
    """Canonical form of a metric unit: ``normalize_name`` plus unit synonyms (％ -> %)."""
    norm = normalize_name(unit or "")
    return _UNIT_SYNONYMS.get(norm, norm)


def _bigrams(text: str) -> Counter[str]:
    # a one-character name is its own "bigram" so it can still match itself
    return Counter(text[i : i + 2] for i in range(len(text) - 1)) if len(text) > 1 else Counter([text])


def dice(a: str, b: str) -> float:
    """Dice coefficient of the character-bigram multisets of two strings (0..1)."""
    if not a or not b:
        return 0.0
    ba, bb = _bigrams(a), _bigrams(b)
    return 2 * sum((ba & bb).values()) / (sum(ba.values()) + sum(bb.values()))


def lenient_similarity(a: str, b: str) -> float:
    """Similarity of two normalized names under the lenient rule; 0 when they don't match.

    They match when equal (1.0), when the shorter (at least 2 characters) is a
    substring of the longer (score: max of length ratio and Dice), or when the
    bigram Dice is at least ``LENIENT_THRESHOLD`` (score: the Dice).

    Args:
        a: normalized name.
        b: normalized name.

    Returns:
        A score in (0, 1], or 0.0 for no match.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    d = dice(a, b)
    if len(short) >= 2 and short in long_:
        return max(d, len(short) / len(long_))
    return d if d >= LENIENT_THRESHOLD else 0.0


def values_equal(a: float | None, b: float | None) -> bool:
    """True when two metric values are equal within ``VALUE_RTOL`` (relative)."""
    if a is None or b is None:
        return False
    return abs(a - b) <= VALUE_RTOL * max(abs(a), abs(b)) or a == b


def format_number(value: float | None) -> str:
    """Plain decimal form of a metric value (120000, 93.75), never exponent notation."""
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:.10f}".rstrip("0")


@dataclass(frozen=True)
class Thing:
    """An entity on either side (gold or predicted), reduced to what scoring needs.

    ``names`` are normalized (label first, then aliases); ``label`` is the
    display form. Honor: ``year``, ``unit`` (recipient unit, normalized).
    Metric: ``value``, ``measure`` (normalized unit), ``year``.
    """

    type: str  # "hospital" | "leader" | "honor" | "mechanism" | "metric"
    label: str
    names: tuple[str, ...]
    year: int | None = None
    unit: str | None = None
    value: float | None = None
    measure: str | None = None

    def display(self) -> str:
        """Readable one-line form for the detail report."""
        if self.type == "metric":
            return f"{self.label} = {format_number(self.value)} {self.measure or ''}".strip()
        extra = [str(x) for x in (self.year, self.unit) if x]
        return f"{self.label} ({', '.join(extra)})" if extra else self.label


@dataclass(frozen=True)
class Fact:
    """A scored item: an entity (``obj`` only) or a relation (``subj`` -kind-> ``obj``)."""

    kind: str  # entity type or relation predicate local name
    obj: Thing
    subj: Thing | None = None

    def display(self) -> str:
        """``kind  subject → object`` for the detail report."""
        text = self.obj.display() if self.subj is None else f"{self.subj.label} → {self.obj.display()}"
        return f"{self.kind:<14}{text}"


def make_thing(type_: str, label: str, aliases: Sequence[str] = (), **fields) -> Thing:
    """Build a ``Thing`` with normalized, de-duplicated names (label first).

    Args:
        type_: entity type key.
        label: display name.
        aliases: other names.
        **fields: year, unit, value, measure.

    Returns:
        The Thing; empty normalized names are dropped.
    """
    names: list[str] = []
    for name in (label, *aliases):
        norm = normalize_name(name or "")
        if norm and norm not in names:
            names.append(norm)
    return Thing(type_, label, tuple(names), **fields)


# -- scores: 0 means "no match"; higher wins in the greedy pass -------------
def exact_score(g: Thing, p: Thing) -> float:
    """Hospitals and leaders: 1 if any normalized name is shared."""
    return 1.0 if set(g.names) & set(p.names) else 0.0


def lenient_score(g: Thing, p: Thing) -> float:
    """Honors and mechanisms: best lenient similarity over all name pairs."""
    return max((lenient_similarity(a, b) for a in g.names for b in p.names), default=0.0)


def year_compatible(g: Thing, p: Thing) -> bool:
    """Years agree, or at least one side has none."""
    return g.year is None or p.year is None or g.year == p.year


def honor_entity_score(g: Thing, p: Thing) -> float:
    """Honor entity: lenient name; agreeing year and unit only break ties."""
    s = lenient_score(g, p)
    if not s:
        return 0.0
    return s + 0.01 * (g.year == p.year) + 0.01 * ((g.unit or "") == (p.unit or ""))


def honor_relation_score(g: Thing, p: Thing) -> float:
    """Honor as a relation object: lenient name and compatible year required."""
    return honor_entity_score(g, p) if year_compatible(g, p) else 0.0


def metric_score(g: Thing, p: Thing) -> float:
    """Metrics: value and unit must agree; name similarity only breaks ties."""
    if g.measure != p.measure or not values_equal(g.value, p.value):
        return 0.0
    return 1.0 + 0.01 * lenient_score(g, p)


def _relation(subj_score: Callable[[Thing, Thing], float], obj_score: Callable[[Thing, Thing], float]):
    def score(g: Fact, p: Fact) -> float:
        s = subj_score(g.subj, p.subj)
        o = obj_score(g.obj, p.obj) if s else 0.0
        return s + o if o else 0.0

    return score


def _entity(obj_score: Callable[[Thing, Thing], float]):
    return lambda g, p: obj_score(g.obj, p.obj)


#: score function per fact kind (entity types and relation predicates).
SCORERS: dict[str, Callable[[Fact, Fact], float]] = {
    "hospital": _entity(exact_score),
    "leader": _entity(exact_score),
    "honor": _entity(honor_entity_score),
    "mechanism": _entity(lenient_score),
    "metric": _entity(metric_score),
    "hasLeader": _relation(exact_score, exact_score),
    "receivedHonor": _relation(exact_score, honor_relation_score),
    "implements": _relation(exact_score, lenient_score),
    "reportsMetric": _relation(exact_score, metric_score),
    "measuredBy": _relation(lenient_score, metric_score),
}


def greedy_match(
    gold: Sequence[Fact], pred: Sequence[Fact], score: Callable[[Fact, Fact], float]
) -> list[tuple[int, int]]:
    """Pair gold and predicted facts one-to-one, best score first.

    Ties are broken by gold index, then predicted index, so the result only
    depends on the (sorted) input order.

    Args:
        gold: gold facts of one kind in one document.
        pred: predicted facts of the same kind and document.
        score: pair score, 0 for "cannot match".

    Returns:
        Matched ``(gold_index, pred_index)`` pairs.
    """
    candidates = [(-s, i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if (s := score(g, p)) > 0]
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs
