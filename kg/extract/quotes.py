"""Quoted spans, quote-aware clause scanning and name cleaning for honors and mechanisms.

Chinese news marks coined names with quotation marks (“师带徒”, 「红黑榜」,
nested ‘科’), and the guidelines want names without them. This module finds
the quoted spans of a sentence (outer quotes only, nested ones stay inside)
and turns a surface span into a label: quotes, whitespace and pinyin markup
removed, the document's own characters kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

#: opening -> closing quote marks; ‘ ’ only count at the top level when no “ ” is open.
OPEN_CLOSE = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}
RE_OPENER = re.compile("[" + re.escape("".join(OPEN_CLOSE)) + "]")
#: every quote mark the guidelines strip from names.
QUOTE_MARKS = "“”「」『』‘’\"'"
RE_QUOTE_MARKS = re.compile("[" + re.escape(QUOTE_MARKS) + r"\s]")
#: pinyin annotation after a hanzi (醫(yī)院); tone-marked lowercase letters only.
RE_PINYIN = re.compile(r"\([a-zü\u00e0-\u00fc\u0101-\u01dc\u01f9\u1e3f]+\)")
#: a hanzi, or a character that can sit inside a coined name (党建+, 6S, 1+3+6, 职能·临床).
RE_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+＋·\-—]")
RE_HANZI = re.compile(r"[\u4e00-\u9fff]")
#: marks that never sit inside a name: clause punctuation and book-title brackets.
RE_CLAUSE_MARK = re.compile(r"[，。；：！？,;:!?《》〈〉]")
#: longest span between quote marks we still treat as a name (longer ones are slogans or quotations).
MAX_QUOTED = 40
#: brackets that open / close a quoted or titled span (a clause break inside them does not count).
OPENERS, CLOSERS = "“「『《‘", "”」』》’"
#: characters that end a clause.
CLAUSE_END = "，。；！？,;!?：:"


class Quoted(NamedTuple):
    """One quoted span: ``[start, end)`` includes the marks, ``[inner_start, inner_end)`` excludes them.

    A named tuple: sentences are scanned by the ten thousand, and it is cheaper to make than a dataclass.
    """

    start: int
    end: int
    inner_start: int
    inner_end: int


def find_quoted(text: str, start: int = 0, end: int | None = None, max_len: int = MAX_QUOTED) -> list[Quoted]:
    """Top-level quoted spans of a sentence, in order.

    Args:
        text: the text (any script; marks are the same in both).
        start: where the sentence starts in ``text``.
        end: where it ends (default: the end of ``text``); offsets returned are ``text``'s.
        max_len: longest inner text kept.

    Returns:
        The spans; an unclosed quote yields nothing.
    """
    end = len(text) if end is None else end
    out: list[Quoted] = []
    opener = RE_OPENER.search(text, start, end)  # jump from mark to mark: most characters are no quote
    while opener:
        i = opener.start()
        j = text.find(OPEN_CLOSE[text[i]], i + 1, end)
        if 0 < j - i - 1 <= max_len:
            out.append(Quoted(i, j + 1, i + 1, j))
            opener = RE_OPENER.search(text, j + 1, end)
        else:  # unclosed, or a long quotation: look for names quoted inside it (‘三色’)
            opener = RE_OPENER.search(text, i + 1, end)
    return out


def clean_label(surface: str) -> str:
    """The label form of a surface span: quote marks, whitespace and pinyin markup removed.

    Args:
        surface: text sliced from the document.

    Returns:
        The cleaned label (same script as the document).
    """
    return RE_QUOTE_MARKS.sub("", RE_PINYIN.sub("", surface))


def is_clean_name(label: str) -> bool:
    """A label fit to be a name: two or more hanzi, no clause punctuation, balanced brackets.

    Args:
        label: a cleaned label.

    Returns:
        False for spans that swallowed a clause break, a title mark or half a bracket.
    """
    if len(RE_HANZI.findall(label)) < 2 or RE_CLAUSE_MARK.search(label):
        return False
    return label.count("（") == label.count("）") and label.count("(") == label.count(")")


def is_name_char(char: str) -> bool:
    """True for a character that can belong to a coined name (hanzi, ASCII alnum, + · -)."""
    return RE_NAME_CHAR.match(char) is not None


def scan_clause(text: str, start: int, limit: int, stop: Callable[[int], bool]) -> int:
    """End of the clause that starts at ``start``: the first clause break or ``stop`` position outside quotes.

    Args:
        text: the text (matching view).
        start: where the clause region starts.
        limit: scan no further (the sentence end).
        stop: called at each position outside quotes; True ends the region there.

    Returns:
        The end offset (``limit`` when nothing stopped the scan).
    """
    depth = 0
    for i in range(start, limit):
        c = text[i]
        if c in OPENERS:
            depth += 1
        elif c in CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and (c in CLAUSE_END or stop(i)):
            return i
    return limit


def split_outside_quotes(text: str, start: int, end: int, seps: str,
                         aside: re.Pattern[str] | None = None) -> list[tuple[int, int, str]]:
    """Split ``[start, end)`` at separators and between adjacent quotes, never inside quotes.

    Args:
        text: the text (matching view).
        start: span start.
        end: span end.
        seps: one-character separators (、和及与).
        aside: a regex whose match opens an aside (A即B、C) dropped up to the next 、.

    Returns:
        ``(start, end, separator before)`` of each non-empty item; the separator
        is ``"”“"`` between two quoted names side by side.
    """
    items: list[tuple[int, int, str]] = []
    depth, s, sep = 0, start, ""
    i = start
    while i < end:
        c = text[i]
        if c in OPENERS:
            if depth == 0 and i > s and text[i - 1] in CLOSERS:
                items.append((s, i, sep))
                s, sep = i, "”“"
            depth += 1
        elif c in CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and c in seps:
            items.append((s, i, sep))
            s, sep = i + 1, c
        elif depth == 0 and aside is not None and aside.match(text, i):
            items.append((s, i, sep))
            nxt = text.find("、", i, end)
            i, s, sep = (end, end, "") if nxt < 0 else (nxt, nxt + 1, "、")
        i += 1
    items.append((s, end, sep))
    return [it for it in items if it[1] > it[0]]


def plain_end(text: str, start: int, end: int, count: int) -> int:
    """Offset where the first ``count`` characters of ``clean_label(text[start:end])`` end.

    Args:
        text: the text.
        start: span start.
        end: span end.
        count: number of label characters (quotes, 《》 and whitespace do not count).

    Returns:
        The offset in ``text`` (``end`` if the label is shorter).
    """
    seen = 0
    for k in range(start, end):
        if clean_label(text[k]).strip("《》"):
            seen += 1
        if seen == count:
            return k + 1
    return end
