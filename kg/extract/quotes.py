"""Quoted spans and name cleaning shared by the honor and mechanism extractors.

Chinese news marks coined names with quotation marks (“双培双育”, 「三榜」,
nested ‘科’), and the guidelines want names without them. This module finds
the quoted spans of a sentence (outer quotes only, nested ones stay inside)
and turns a surface span into a label: quotes, whitespace and pinyin markup
removed, the document's own characters kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: opening -> closing quote marks; ‘ ’ only count at the top level when no “ ” is open.
OPEN_CLOSE = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}
#: every quote mark the guidelines strip from names.
QUOTE_MARKS = "“”「」『』‘’\"'"
RE_QUOTE_MARKS = re.compile("[" + re.escape(QUOTE_MARKS) + r"\s]")
#: pinyin annotation after a hanzi (醫(yī)院); tone-marked lowercase letters only.
RE_PINYIN = re.compile(r"\([a-zü\u00e0-\u00fc\u0101-\u01dc\u01f9\u1e3f]+\)")
#: a hanzi, or a character that can sit inside a coined name (党建+, 6S, 1+3+6, 职能·临床).
RE_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+＋·\-—]")
#: longest span between quote marks we still treat as a name (longer ones are slogans or quotations).
MAX_QUOTED = 40


@dataclass(frozen=True)
class Quoted:
    """One quoted span: ``[start, end)`` includes the marks, ``[inner_start, inner_end)`` excludes them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def find_quoted(text: str, max_len: int = MAX_QUOTED) -> list[Quoted]:
    """Top-level quoted spans of a sentence, in order.

    Args:
        text: one sentence (any script; marks are the same in both).
        max_len: longest inner text kept.

    Returns:
        The spans; an unclosed quote yields nothing.
    """
    out: list[Quoted] = []
    i, n = 0, len(text)
    while i < n:
        close = OPEN_CLOSE.get(text[i])
        if close is None:
            i += 1
            continue
        j = text.find(close, i + 1)
        if j < 0:
            i += 1
            continue
        if 0 < j - i - 1 <= max_len:
            out.append(Quoted(i, j + 1, i + 1, j))
            i = j + 1
        else:  # a long quotation: look for names quoted inside it (‘四化’)
            i += 1
    return out


def clean_label(surface: str) -> str:
    """The label form of a surface span: quote marks, whitespace and pinyin markup removed.

    Args:
        surface: text sliced from the document.

    Returns:
        The cleaned label (same script as the document).
    """
    return RE_QUOTE_MARKS.sub("", RE_PINYIN.sub("", surface))


def is_name_char(char: str) -> bool:
    """True for a character that can belong to a coined name (hanzi, ASCII alnum, + · -)."""
    return RE_NAME_CHAR.match(char) is not None
