"""Metrics extractor: figures about the hospital (reportsMetric) and their practices (measuredBy).

For each sentence (a sentence broken mid-clause at a line end is joined
again, ``logical_sentences``), ``metric_scan.scan`` finds the figures (number + unit,
approximation, "from A to B", year, name); each figure becomes a Metric
entity keyed ``(hospital, name, value, unit, year)`` and linked from the
hospital in scope at its position. ``metric_credit.CreditIndex`` links it from
the mechanism the text credits with it. Metrics run last, so the mechanisms
found by the earlier extractor are available in ``ctx.found``.

A figure repeated later in the document (``29个党支部`` … ``依托建在科室的29个
党支部``) is the same metric: it reuses the first one's key, so it adds
evidence instead of a second node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

from kg.chinese import to_simplified
from kg.extract.context import DocContext, Finding, Link
from kg.extract.metric_credit import CreditIndex
from kg.extract.metric_rules import rules
from kg.extract.metric_scan import Candidate, scan
from kg.extract.metric_text import QUOTE_CHARS
from kg.extract.numbers import CN_NUMERAL_CHARS, format_decimal
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: name endings the extractor adds; a repeated figure is matched on what precedes them.
NAME_SUFFIXES = ("数量", "排名", "人次")
#: characters of the thing's name compared when deciding that two figures are one.
SAME_THING_CHARS = 2
#: names of two equal figures this similar are one metric stated twice.
SAME_NAME_DICE = 0.5
#: what ends a sentence, or a piece that may end at a line break (a headline, a colon before a quote).
SENTENCE_FINAL = "。！？!?；;…”\"』」’：:）)》"
#: marks inside a piece that show it is running text, not a headline.
CLAUSE_MARKS = "，,"
#: a next line opening with a list number starts an item of its own (2、…, 3. …).
RE_LIST_ITEM = re.compile(r"[\d一二三四五六七八九十]{1,2}[、.．）)]")
#: a sentence without any of these holds no figure, so it is not scanned.
RE_NUMBER_CHAR = re.compile("[0-9" + CN_NUMERAL_CHARS + "]")
RE_CLAUSE_MARK = re.compile("[" + re.escape(CLAUSE_MARKS) + "]")


def extract(ctx: DocContext) -> Iterable[Finding]:
    """Find the metrics of a document.

    Args:
        ctx: the document, with hospital scope and earlier findings.

    Returns:
        One Finding per figure occurrence, linked ``reportsMetric`` from the
        hospital in scope and ``measuredBy`` from a credited mechanism.
    """
    if ctx.scope is None:
        return []
    r = rules()
    units = logical_sentences(ctx)
    credit = CreditIndex(ctx, r, [(sent, text) for sent, text, _ in units])
    known: dict[tuple[str, str, str], list[tuple[Candidate, Entity, int]]] = {}
    findings: list[Finding] = []
    for index, (sent, text, offsets) in enumerate(units):
        if not RE_NUMBER_CHAR.search(text):
            continue
        for cand in scan(text, r):
            hospital = ctx.scope.hospital_at(offsets[cand.start])
            if hospital is None:
                continue
            entity = _entity(ctx, sent, cand, hospital, known)
            links = [Link(Predicate.REPORTS_METRIC, hospital, entity.key)]
            credited = credit.credit(index, cand.start, cand.end) if credit else None
            if credited is not None:
                links.append(Link(Predicate.MEASURED_BY, credited[0], entity.key, credited[1]))
            findings.append(Finding(entity, sent, tuple(links)))
    return findings


def logical_sentences(ctx: DocContext) -> list[tuple[Sentence, str, Sequence[int]]]:
    """The document's sentences with those broken at a line end mid-clause joined again.

    A sentence piece that ends without punctuation although it holds a clause
    mark (``党支部由原来的12个增加`` / ``至21个，…``) was cut by a line break the
    normalizer kept; its figures and their credit need the whole sentence.

    Args:
        ctx: the document.

    Returns:
        ``(sentence, match text without the breaks, document offset of each
        character of that text)`` in order.
    """
    out: list[tuple[Sentence, str, Sequence[int]]] = []
    pending: list[Sentence] = []
    final = ctx.sentences[-1] if ctx.sentences else None
    for sent in ctx.sentences:
        pending.append(sent)
        if sent is not final and _broken(ctx, sent):
            continue
        first, last = pending[0], pending[-1]
        text: str
        offsets: Sequence[int]
        if len(pending) == 1:
            text, offsets = ctx.match_text[first.start:first.end], range(first.start, first.end)
            whole = first  # a sentence of split_sentences holds its own text
        else:
            text = "".join(ctx.match_text[p.start:p.end] for p in pending)
            offsets = list(chain.from_iterable(range(p.start, p.end) for p in pending))
            whole = Sentence(first.start, last.end, ctx.text[first.start:last.end])
        out.append((whole, text, offsets))
        pending = []
    return out


def _broken(ctx: DocContext, sent: Sentence) -> bool:
    """Whether a sentence piece stops mid-clause at a line end (clause mark inside, no final mark,
    or a number cut in two)."""
    if ctx.match_text[sent.end - 1] in SENTENCE_FINAL:
        return False  # most sentences: neither test below can hold (no final mark is a digit)
    text = ctx.match_text[sent.start:sent.end]
    nxt = ctx.match_text[sent.end:sent.end + 8].lstrip()
    if text[-1].isdigit() and nxt[:1].isdigit() and ctx.match_text[sent.end:sent.end + 1] == "\n":
        return True  # a number split at the line end (从20 / 22年的89.4%)
    return (
        text[-1] not in SENTENCE_FINAL and RE_CLAUSE_MARK.search(text) is not None
        and bool(nxt) and (nxt[0].isdigit() or "\u4e00" <= nxt[0] <= "\u9fff") and not RE_LIST_ITEM.match(nxt)
    )


def _entity(
    ctx: DocContext,
    sent: Sentence,
    cand: Candidate,
    hospital: EntityKey,
    known: dict[tuple[str, str, str], list[tuple[Candidate, Entity, int]]],
) -> Entity:
    """The Metric entity of a figure; a repeat of an earlier figure of the document reuses it."""
    value = format_decimal(cand.value)
    group = known.setdefault((hospital.parts[0], value, cand.unit), [])
    for earlier, entity, where in group:
        if where == sent.start and (earlier.start, earlier.end) == (cand.start, cand.end):
            continue  # one figure distributed over listed items (门诊、住院…第一): one metric each
        if _same_thing(earlier, cand):
            return entity
    name = _simplified(cand.name)
    year = str(cand.year) if cand.year else ""
    key = EntityKey(EntityType.METRIC, (hospital.parts[0], name, value, cand.unit, year))
    entity = Entity(
        key,
        _label(ctx, sent, cand.name),
        year=cand.year,
        value=cand.value,
        unit=cand.unit,
        from_value=cand.from_value,
        approximate=cand.approximate,
        rule_id=cand.rule_id,
    )
    group.append((cand, entity, sent.start))
    return entity


@lru_cache(maxsize=4096)
def _simplified(name: str) -> str:
    """``to_simplified`` of a figure's name; names recur across a corpus and OpenCC is costly per call."""
    return to_simplified(name)


def _same_thing(a: Candidate, b: Candidate) -> bool:
    """Whether two figures of equal value and unit count the same thing.

    Equal names always do. Counts also do when their counted nouns overlap
    (党支部 / 临床党支部…) or end alike; shares and changes need equal names,
    since 同比增长10% of two different things is common.
    """
    if a.name == b.name or _dice(_measured(a.name), _measured(b.name)) >= SAME_NAME_DICE:
        return True  # 门诊量突破100万人次 (headline) / 年门诊量100万人次 (body)
    if not (a.noun and b.noun and len(a.noun) >= 2 and len(b.noun) >= 2):
        return False
    return a.noun in b.noun or b.noun in a.noun or a.noun[-SAME_THING_CHARS:] == b.noun[-SAME_THING_CHARS:]


@lru_cache(maxsize=4096)
def _measured(name: str) -> str:
    """What a name measures, without comparison words and added suffixes (门诊量同比增长 -> 门诊量)."""
    for word in rules().name_borrow:
        if len(word) > 1:
            name = name.replace(word, "")
    for suffix in NAME_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _dice(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two names."""
    ga = {a[i:i + 2] for i in range(len(a) - 1)}
    gb = {b[i:i + 2] for i in range(len(b) - 1)}
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def _label(ctx: DocContext, sent: Sentence, name: str) -> str:
    """The name in the document's own script.

    Names are built on the Simplified view; every character that the
    sentence writes differently in the original (門 for 门) is written back,
    so a Traditional article's metric keeps its characters.
    """
    original = ctx.text[sent.start:sent.end]
    simplified = ctx.match_text[sent.start:sent.end]
    if original == simplified:
        return name
    back = {s: o for s, o in zip(simplified, original) if s != o and o not in QUOTE_CHARS}
    return "".join(back.get(ch, ch) for ch in name)
