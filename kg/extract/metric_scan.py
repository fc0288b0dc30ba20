"""Find the figures of one sentence: number, unit, approximation, "from A", year, name.

``scan(sentence)`` works on one sentence's Simplified text and returns
``Candidate`` records with offsets into that sentence, so the caller can slice
labels from the document's own characters. A figure is kept only when it
states a quantity about the hospital (GUIDELINES.md "Metric"): years, dates,
list ordinals, numbers inside quoted names, page furniture, enumerations of a
plan's parts and counts of outside bodies are dropped here, each by a rule
read from ``kg/resources`` (see ``kg.extract.metric_rules``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from kg.extract.metric_rules import MetricRules, rules
from kg.extract.metric_text import (
    CLAUSE_BOUNDARIES,
    MAX_NOUN,
    NAME_BOUNDARIES,
    RE_QUOTE_CHAR,
    Quoted,
    clause_end,
    clause_start,
    counted_noun,
    metric_name,
    name_phrase,
    strip_suffix,
)
from kg.extract.numbers import NumberError, parse_number

#: "respectively": the figures after it share the subject before it.
RESPECTIVELY = "分别"
#: kinds of figures that hold for each of several listed items (门诊、住院患者满意度均为95%).
DISTRIBUTED_KINDS = ("rank", "percent")
#: longest listed item distributed over.
MAX_ITEM = 4
#: how far before a figure a bare number sharing its unit may start (1.3和0.8个百分点).
SHARED_WINDOW = 16
#: every rank (metric/rank in metrics.jsonl) holds this mark; a sentence without it is not searched for ranks.
RANK_MARK = "第"


@dataclass(frozen=True)
class Candidate:
    """One figure in a sentence (offsets into the sentence text)."""

    start: int  # first character of the figure (approximation marker or number)
    end: int  # end of the unit (and trailing marker)
    value: Decimal
    unit: str  # canonical unit
    kind: str  # unit kind from metric_units.tsv, or "rank"
    approximate: bool
    from_value: Decimal | None
    year: int | None
    name: str  # Simplified name of what is measured
    noun: str  # the counted noun after the unit ("" when none)
    rule_id: str


def scan(text: str, r: MetricRules | None = None, rejected: list[tuple[int, str]] | None = None) -> list[Candidate]:
    """The figures of one sentence.

    Args:
        text: the sentence, Simplified Chinese (``DocContext.match_text`` slice).
        r: the rules (default: ``metric_rules.rules()``).
        rejected: if given, receives ``(offset, reason)`` for every number
            with a unit that was not kept, so no drop is silent when debugging.

    Returns:
        Candidates in text order.
    """
    r = r or rules()
    ranks = list(r.rank.finditer(text)) if RANK_MARK in text else []
    quantities = list(r.quantity_scan.finditer(text))
    if not ranks and not quantities:
        return []  # most sentences with a numeral (一起, 统一) state no figure: skip the sentence data
    quoted = Quoted(text)
    numeric_digits = {c for m in r.numeric_name.finditer(text) for c in m.group("token") if c.isdigit()}
    years = stated_years(text, r, quoted)
    found: list[Candidate] = []
    consumed: list[tuple[int, int]] = []
    for m in ranks:
        cand = _rank(text, m, quoted, years, r)
        if cand is not None:
            found.extend(_distributed(text, cand))
            found.append(cand)
            consumed.append((m.start(), m.end()))
    for m in quantities:
        num_start = m.start("num")
        if consumed and _inside(num_start, consumed):
            continue
        if quoted[num_start]:
            _drop(rejected, m.start(), "inside a quoted name")
            continue
        cand, from_span = _quantity(text, m, numeric_digits, years, r, rejected)
        if cand is None:
            continue
        if from_span:
            # the "from A" figure is part of this one, not a metric of its own
            found = [c for c in found if not (from_span[0] <= c.start < from_span[1])]
            consumed.append(from_span)
        if found and cand.kind in ("percent", "points") and cand.name.startswith(r.name_borrow):
            # 满意度为93.75%，较上年提升了8个百分点: the change is named after the figure before it
            cand = replace(cand, name=strip_suffix(found[-1].name) + cand.name)
        found.extend(_shared_unit(text, cand, consumed, r))
        found.extend(_distributed(text, cand))
        found.append(cand)
    return _pair_years(text, sorted(found, key=lambda c: c.start), years)


def _pair_years(text: str, found: list[Candidate], years: list[tuple[int, int, int]]) -> list[Candidate]:
    """在2018年度、2019年度…考核中，分别获得全国第九、全国第七: the n-th figure gets the n-th year."""
    resp = text.find(RESPECTIVELY)
    if resp < 0:
        return found
    end = clause_end(text, resp, CLAUSE_BOUNDARIES)
    after = [i for i, c in enumerate(found) if resp < c.start < end]
    before = [(s, e, y) for s, e, y in years if e <= resp]
    for pool in ([y for _, e, y in before if text.startswith("度", e)], [y for _, _, y in before]):
        if len(pool) == len(after) >= 2:
            for i, year in zip(after, pool):
                found[i] = replace(found[i], year=year)
            break
    return found


def stated_years(text: str, r: MetricRules | None = None, quoted: Quoted | None = None) -> list[tuple[int, int, int]]:
    """Calendar years a sentence states for its figures.

    Args:
        text: one sentence (Simplified).
        r: the rules (default: ``rules()``).
        quoted: the sentence's quote spans, if already computed.

    Returns:
        ``(start, end, year)`` in order; comparison bases (较2023年) and
        years inside quoted names (“2022年冬奥会…先进集体”) are left out.
    """
    r = r or rules()
    quoted = quoted or Quoted(text)
    return [(m.start(), m.end(), int(m.group("year2") or m.group("year"))) for m in r.year.finditer(text)
            if not r.year_base_tail.ends(text, m.start()) and not quoted[m.start()]]


def _distributed(text: str, cand: Candidate) -> list[Candidate]:
    """Copies of a share or rank for the parallel items listed before its name.

    ``门诊、住院患者满意度居全省第一`` states a rank for each of 门诊 and 住院
    (a count would be their total, so only shares and ranks are distributed).
    Items are bare words of the length of the name's first word, none of
    them holding a number; ``分别`` lists are handled by their own rule.
    """
    if cand.kind not in DISTRIBUTED_KINDS:
        return []
    head = clause_start(text, cand.start, CLAUSE_BOUNDARIES)
    name_start = clause_start(text, cand.start, NAME_BOUNDARIES)
    if name_start <= head or text[name_start - 1] != "、" or RESPECTIVELY in text[head:cand.end]:
        return []
    items = text[head:name_start - 1].split("、")
    size = len(items[0])
    first = text[name_start:name_start + size]
    if not (0 < size <= MAX_ITEM and cand.name.startswith(first)) or first in items:
        return []
    if any(len(i) != size or not all("\u4e00" <= ch <= "\u9fff" for ch in i) for i in items):
        return []
    return [replace(cand, name=i + cand.name[size:]) for i in items]


def _rank(text: str, m: re.Match[str], quoted: Quoted, years, r: MetricRules) -> Candidate | None:
    """A rank (全国第九, 全省第七名) or None for a plain ordinal (第二党支部)."""
    if quoted[m.start("num")]:
        return None
    scope, unit = m.group("scope"), m.group("unit")
    if not unit:
        if not scope or text.startswith(r.unit_surfaces, m.end()):
            return None  # 第一党支部, 全国第一家: an ordinal, not a rank
    try:
        value, _ = parse_number(m.group("num"))
    except NumberError:
        return None
    start = m.start()
    before = name_phrase(text, clause_start(text, start, NAME_BOUNDARIES), start, r)
    label = before + (scope if scope and scope not in before else "")
    label = label if label.endswith("排名") else label + "排名"
    return Candidate(start, m.end(), value, unit or "名", "rank", False, None, _year(years, start),
                     label, "", "metric/rank")


def _quantity(text: str, m: re.Match[str], numeric_digits: set[str], years, r: MetricRules, rejected):
    """A quantity candidate and the span of its "from A" part; (None, None) when it is not a metric."""
    num, unit_text, end, start = m.group("num"), m.group("unit"), m.end(), m.start()
    unit = r.units[unit_text]
    try:
        value, inner_approx = parse_number(num + (m.group("mag") or ""))
    except NumberError:
        return _drop(rejected, start, "unreadable number")
    noun = counted_noun(text, end, r)
    if unit.kind.startswith("duration"):
        # what lasted is the rest of the clause (连续两年荣获“A”等级, 经过38年的发展)
        rest = text[end + (text[end:end + 1] == "的"):clause_end(text, end, NAME_BOUNDARIES)]
        noun = RE_QUOTE_CHAR.sub("", rest)[:MAX_NOUN]
    cued = unit.kind == "duration_cued" and _duration_cued(text, start, end, r)
    reason = _reject(text, m, unit, value, noun, cued, numeric_digits, r)
    if reason:
        return _drop(rejected, start, reason)
    head_start = clause_start(text, start, CLAUSE_BOUNDARIES)
    from_value, from_span, from_noun = _from_part(text, head_start, start, r)
    noun = noun or from_noun
    approximate = bool(m.group("pre") or m.group("inner") or m.group("inner2") or m.group("post") or inner_approx)
    respectively = text.rfind(RESPECTIVELY, head_start, start)
    if respectively >= 0:
        # 门诊、住院患者满意度分别为95.2%、97.1%: every figure of the list measures the subject
        phrase = name_phrase(text, head_start, respectively, r)
    else:
        phrase = name_phrase(text, clause_start(text, start, NAME_BOUNDARIES), from_span[0] if from_span else start, r)
    kind = "rank" if unit.canonical == "名" and r.any_rank_word.search(phrase) else unit.kind
    if len(phrase) < 2 and kind == "percent":
        # 90%以上的患者, 当60%考核权重…: the share is named by what follows
        after = counted_noun(text, end + 1 if text[end:end + 1] == "的" else end, r)
        phrase = after + ("占比" if after and not after.endswith(("率", "比", "重", "度")) else "") if after else phrase
    name = metric_name(phrase, noun, unit.canonical, kind)
    return Candidate(start, end, value, unit.canonical, kind, approximate, from_value,
                     _year(years, start), name, noun, "metric/quantity"), from_span


def _shared_unit(text: str, cand: Candidate, consumed: list[tuple[int, int]], r: MetricRules) -> list[Candidate]:
    """Bare numbers joined to a figure that share its unit (提高1.3和0.8个百分点 -> 1.3 百分点)."""
    out: list[Candidate] = []
    pos = cand.start
    while True:
        m = r.shared_unit.search(text, max(0, pos - SHARED_WINDOW), pos)
        if not m or text[: m.start()].rstrip().endswith("第") or r.glued_tail.ends(text, m.start()):
            break
        if _inside(m.start(), consumed):
            break
        try:
            value, _ = parse_number(m.group("num") + (m.group("mag") or ""))
        except NumberError:
            break
        out.append(replace(cand, start=m.start(), end=m.start() + len(m.group("num")), value=value,
                           from_value=None, rule_id="metric/shared-unit"))
        pos = m.start()
    return out[::-1]


def _reject(text, m, unit, value, noun, cued, numeric_digits, r: MetricRules) -> str | None:
    """Why a number with a unit is not a metric about the hospital, or None when it is."""
    num, unit_text = m.group("num"), m.group("unit")
    start, num_start, end = m.start(), m.start("num"), m.end()
    is_cn = not num[0].isdigit()
    before = text[:start].rstrip()
    plain_start = not m.group("pre")
    if before.endswith("第"):
        return "list ordinal"
    if plain_start and (before.endswith(r.vague_all) or (is_cn and before.endswith(r.vague_cn))):
        return "vague amount or rate base"  # 数十场, 上百人, 每千人口
    if plain_start and (r.glued_tail.ends(text, num_start) or r.after_year_tail.ends(text, num_start)):
        return "code, clock time or issue number"  # 0571-…, 17:33, 2024年10期
    if text.startswith(r.blockers_by_unit.get(unit_text, ()), m.start("unit")):
        return "unit starts another word"  # 一支部, 百万人民
    if before.rstrip(":：").endswith(r.noise_cues):
        return "page furniture"
    if _foreign(text, clause_start(text, start, CLAUSE_BOUNDARIES), start, end,
                clause_end(text, end, CLAUSE_BOUNDARIES), r):
        return "figure about another body"
    if noun.startswith(r.enumeration_nouns):
        return "enumeration of a plan's parts"  # 六个方面, 7个维度
    if text[end:end + 1] in "“\"「" and any(ch.isdigit() for ch in text[end:end + 6]):
        return "parts of a numeric slogan"  # 4个“60%”路径
    if not is_cn and len(num) == 1 and num in numeric_digits:
        return "digit of a numeric name"  # “12345”工作法: 聚焦1个目标, 建强2支队伍
    if unit.kind == "duration_cued":
        if unit_text == "年" and not is_cn and len(num) == 4 and num[:2] in ("19", "20"):
            return "calendar year"
        if not cued:
            return "time span without a duration cue"  # 未来3年, 工作24年的党员
    if is_cn and value < 10 and not cued and not r.any_count_noun.search(noun):
        return "small Chinese numeral"  # 一个缩影, 两个底线 (but 五个省级重点学科)
    if is_cn and value == 1 and not cued and not r.quantity.search(text, end, clause_end(text, end, CLAUSE_BOUNDARIES)):
        return "article 一"  # 一个党支部就是一座堡垒; kept in 一个国家重点学科和五个省级重点学科
    return None


def _duration_cued(text: str, start: int, end: int, r: MetricRules) -> bool:
    """连续10年, 历时十三载, 38年的发展: a cue makes years/months a stated duration."""
    return text[:start].rstrip().endswith(r.duration_before) or text.startswith(r.duration_after, end)


def _from_part(text: str, head_start: int, start: int, r: MetricRules):
    """``(from value, from span, counted noun)`` of 从A…至 right before a figure, or Nones."""
    head = text[head_start:start]
    for rx in r.from_:
        fm = rx.search(head)
        if fm:
            try:
                value, _ = parse_number(fm.group("from") + (fm.group("frommag") or ""))
            except NumberError:
                continue
            span = (head_start + fm.start(), head_start + fm.end())
            return value, span, counted_noun(fm.group("fromnoun") or "", 0, r)
    return None, None, ""


def _drop(rejected, start: int, reason: str):
    if rejected is not None:
        rejected.append((start, reason))
    return None, None


def _foreign(text: str, head_start: int, start: int, end: int, tail_end: int, r: MetricRules) -> bool:
    """True when the clause ``[head_start, tail_end)`` puts the figure on another body (之一, 推荐申报, 在全国…中)."""
    clause = text[head_start:tail_end]
    after = text[end:tail_end]
    if r.any_foreign_after.search(after) or r.any_foreign_clause.search(clause):
        return True
    if clause.startswith(r.foreign_clause_start) or r.opens_foreign.match(text):
        # 全市共有…28家，其中三级医院9家: the opening subject governs the whole sentence
        return True
    head = text[head_start:start]
    if r.any_foreign_owner.search(head) and not r.any_self_word.search(head):
        return True  # 街道党工委及其管辖的10个社区代表
    return bool(r.any_frame_start.search(head)) and after.rstrip().endswith(r.frame_end)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls in one of ``spans``."""
    for a, b in spans:
        if a <= pos < b:
            return True
    return False


def _year(years: list[tuple[int, int, int]], pos: int) -> int | None:
    """The last calendar year stated before ``pos`` in the sentence (not a comparison base)."""
    best = None
    for start, _end, year in years:
        if start < pos:
            best = year
    return best
