"""Text primitives of the metric extractor: clauses, quoted names and the names of figures.

A figure's name is the short noun phrase for what it measures, built from the
words around the number (GUIDELINES.md: 党支部数量, 产科门诊满意度): the counted
noun after a classifier, else the cleaned phrase before the number (subjects,
time words and copulas trimmed by ``metric_name_strip.tsv``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract import words
from kg.extract.metric_rules import MetricRules

#: clause boundaries for names (a list item separated by 、 is its own phrase).
NAME_BOUNDARIES = "，,。；;：:！？!?、—\n"
#: clause boundaries for context checks (a 、 list stays one clause).
CLAUSE_BOUNDARIES = "，,。；;：:！？!?—\n"
#: jieba dictionary count from which a head plus the next character is a real word (院长 6397,
#: 党委会 37; 设党 3 is noise in the dictionary).
MIN_WORD_COUNT = 10
#: a counted noun this short stopped by a coordinator is the first of several (管理和技术骨干).
SHORT_NOUN = 2
COORDINATORS = "和与及"
#: a list number inside a phrase (…建设1.全院…, （2）): the name starts after it; 1.5 is a number.
RE_LIST_MARK = re.compile(r"(?:(?<![\d.])\d{1,2}[.．、](?![\d.])|[（(]\d{1,2}[）)])")
#: quote pairs whose content is a name, not running text.
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "《": "》", "‘": "’"}
QUOTE_CHARS = "“”「」『』《》‘’\"'"
RE_QUOTE_OPEN = re.compile('[“「『《‘"]')
RE_QUOTE_CHAR = re.compile("[" + re.escape(QUOTE_CHARS) + "]")
#: counts whose name is "<thing>数量"; other kinds are named by the phrase before the number.
COUNT_KINDS = ("count",)
#: units named after the thing they count (门诊诊疗人次), not "<thing>数量".
SELF_NAMED_UNITS = ("人次", "剂次", "台次", "例次")
#: longest counted noun and name kept.
MAX_NOUN = 10
MAX_NAME = 24
#: what a duration name ends with, by unit (连续荣获A等级年数, 取药时长).
DURATION_NAMES = {"年": "年数", "个月": "时长", "天": "天数"}
DURATION_HEADS = ("时间", "时长", "年数", "天数", "历史", "周期", "历时", "用时")
#: money names that need no 金额 suffix.
MONEY_NAMES = ("金额", "资金", "经费", "收入", "费用")
#: longest quoted span still treated as a name.
MAX_QUOTED = 40
#: what never belongs in a name: years (they go to ``year``), quote marks, spaces, brackets.
RE_NAME_NOISE = re.compile(r"(?:19|20)\d{2}\s?年度?|^[-*•·>#\d.、]+\s*|"  # the year first: 2024年门诊… is no bullet
                           r"[" + re.escape(QUOTE_CHARS) + r"\s（）()]")


def metric_name(before: str, noun: str, unit: str, kind: str) -> str:
    """Short noun phrase for what is measured.

    Args:
        before: the cleaned phrase before the number (``name_phrase``).
        noun: the counted noun after the unit (``counted_noun``), or what
            lasted for a duration.
        unit: canonical unit.
        kind: unit kind (count, percent, duration, money, rank, ...).

    Returns:
        ``<noun>数量`` for counts, ``<phrase>人次`` for self-named units,
        ``<phrase>金额`` for money, ``<what>年数`` for durations, else the phrase.
    """
    if kind == "duration_cued" or kind == "duration":
        name = (before + noun)[:MAX_NAME]
        return name if name.endswith(DURATION_HEADS) else name + DURATION_NAMES.get(unit, "时长")
    if kind in COUNT_KINDS and unit in SELF_NAMED_UNITS:
        return (before or noun) + unit if not (before or noun).endswith(unit) else before or noun
    if kind == "money":
        return before if before.endswith(MONEY_NAMES) else before + "金额"
    if kind in COUNT_KINDS:
        thing = noun if len(noun) >= 2 else before
        return (thing + "数量") if thing and not thing.endswith(("数量", "数", "量")) else thing or unit + "数"
    return before or noun or unit


def strip_suffix(name: str) -> str:
    """A name without the suffix the extractor added (党员数量 -> 党员, 门诊量人次 -> 门诊量)."""
    for suffix in ("数量", *SELF_NAMED_UNITS):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def name_phrase(text: str, start: int, end: int, r: MetricRules) -> str:
    """The cleaned phrase between a clause start and a figure.

    Args:
        text: the sentence.
        start: clause start.
        end: where the figure (or its "from A" part) starts.
        r: the rules (name_head/name_tail/name_cut words).

    Returns:
        The phrase without years, quote marks, a leading hospital subject,
        head words (医院, 现有, 累计) and tail copulas (为, 达到), at most
        ``MAX_NAME`` characters (the end is kept).
    """
    phrase = RE_NAME_NOISE.sub("", text[start:end])
    marks = list(RE_LIST_MARK.finditer(phrase))
    if marks:
        phrase = phrase[marks[-1].end():]  # a headline run into a list item: 组织建设1.全院设… -> 全院设…
    cut = phrase.rfind("医院")
    if 0 <= cut and len(phrase) - cut - 2 >= 2:
        phrase = phrase[cut + 2:]  # drop a leading hospital name or 医院 subject
    for w in r.name_cut:
        cut = phrase.rfind(w)
        if 0 <= cut and len(phrase) - cut - len(w) >= 2:
            phrase = phrase[cut + len(w):]  # 将/把 constructions: the object follows
    changed = True
    while changed and phrase:
        changed = False
        # the tuple tests skip the word loops in the common case where no word applies
        if phrase.startswith(r.name_head):
            for w in r.name_head:
                if phrase.startswith(w) and not _starts_word(phrase, w):
                    phrase, changed = phrase[len(w):], True
                    break
        if phrase.endswith(r.name_tail):
            for w in r.name_tail:
                if phrase.endswith(w):
                    phrase, changed = phrase[: -len(w)], True
                    break
    return phrase[-MAX_NAME:]


def _starts_word(phrase: str, head: str) -> bool:
    """True when a head word is the start of a longer dictionary word (院 of 院长, 党委 of 党委会)."""
    return len(phrase) > len(head) and words.count(phrase[: len(head) + 1]) >= MIN_WORD_COUNT


def counted_noun(text: str, end: int, r: MetricRules) -> str:
    """The counted noun right after a unit (29个党支部 -> 党支部), quotes removed.

    A quoted name is taken whole (12名“有为好干部” -> 有为好干部); a trailing
    中 closing the clause (79个基层党支部中，) is a locative, not part of the noun.

    Args:
        text: the sentence.
        end: offset right after the unit.
        r: the rules (noun stop words).

    Returns:
        The noun, at most ``MAX_NOUN`` characters ("" when none follows).
    """
    window = text[end:end + MAX_NOUN + 4]
    spans = quoted_spans(window)
    stop_at = len(window)
    for stop in r.noun_stop.finditer(window):
        if not spans or not _in_spans(stop.start(), spans):
            stop_at = stop.start()
            break
    noun = RE_QUOTE_CHAR.sub("", window[:stop_at])[:MAX_NOUN]
    if noun.endswith("中") and (stop_at < len(window) and window[stop_at] in CLAUSE_BOUNDARIES):
        noun = noun[:-1]
    if len(noun) <= SHORT_NOUN and window[stop_at:stop_at + 1] in COORDINATORS:
        # 86名管理和技术骨干: the counted noun is the whole coordination, not its first word
        tail = _noun_run(text[end + stop_at + 1:end + stop_at + 1 + MAX_NOUN])
        if tail:
            noun = noun + window[stop_at] + tail
    return noun


def _noun_run(text: str) -> str:
    """The common dictionary nouns of two characters that open ``text`` (技术骨干驻点… -> 技术骨干)."""
    i = 0
    while i + 2 <= len(text):
        entry = words.lookup(text[i:i + 2])
        if not (entry and entry[1].startswith("n") and entry[0] >= MIN_WORD_COUNT):
            break
        i += 2
    return text[:i]


def clause_start(text: str, pos: int, boundaries: str) -> int:
    """Offset of the first character of the clause around ``pos`` (after the last boundary before it)."""
    m = _last_boundary_rx(boundaries).search(text, 0, pos)
    return m.start() + 1 if m else min(pos, 0)


def clause_end(text: str, pos: int, boundaries: str) -> int:
    """Offset of the first boundary at or after ``pos`` (or the text's end)."""
    m = _boundary_rx(boundaries).search(text, pos)
    return m.start() if m else max(pos, len(text))


@lru_cache(maxsize=None)
def _last_boundary_rx(boundaries: str) -> re.Pattern[str]:
    """The last boundary of a text (one C scan instead of a walk back character by character)."""
    chars = re.escape(boundaries)
    return re.compile("[" + chars + "][^" + chars + r"]*\Z")


@lru_cache(maxsize=None)
def _boundary_rx(boundaries: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(boundaries) + "]")


class Quoted:
    """Which positions of a sentence stand inside quotes or book-title marks (computed on first use).

    A mark without its closing partner within ``MAX_QUOTED`` characters is a
    quotation of speech or a broken line, not a name, and covers nothing.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: list[tuple[int, int]] | None = None

    def __getitem__(self, pos: int) -> bool:
        if self._spans is None:
            self._spans = quoted_spans(self._text)
        return _in_spans(pos, self._spans)


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls in one of ``spans``."""
    for a, b in spans:
        if a <= pos < b:
            return True
    return False


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Inner spans of the quoted names of a sentence.

    Args:
        text: one sentence.

    Returns:
        ``[start, end)`` spans between the marks, in order; an opening mark
        without its partner within ``MAX_QUOTED`` characters yields nothing.
    """
    spans = []
    for m in RE_QUOTE_OPEN.finditer(text):
        i = m.start()
        if spans and i < spans[-1][1]:
            continue  # inside the previous quote
        close = QUOTE_PAIRS.get(text[i], '"')
        j = text.find(close, i + 1, i + 2 + MAX_QUOTED)
        if j > 0:
            spans.append((i + 1, j))
    return spans
