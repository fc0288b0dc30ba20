"""Traditional -> Simplified Chinese conversion that keeps offsets (OpenCC).

Extractors match on the Simplified view and slice labels and evidence from
the original text, so a Traditional article keeps its own characters in the
graph. OpenCC's phrase tables can change the length of a string; then the
conversion falls back to character by character, which always keeps it.

Most text is Simplified already: a string without any character OpenCC may
change (``lexicons/t2s_changed_chars.txt``) is returned as it is, which is
much cheaper than a call into OpenCC.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

import opencc

from kg.lexicon import load_list


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _changed_chars() -> str:
    """Every character t2s may change, alone or inside a phrase."""
    return "".join(load_list("t2s_changed_chars"))


@cache
def _changeable() -> re.Pattern[str]:
    """A character t2s may change, or any character beyond the BMP.

    A class with characters beyond U+FFFF is matched by a linear scan of its
    members; with BMP characters only it is one bitmap lookup. Astral
    characters are rare in news text, so all of them take OpenCC's path.
    """
    bmp = "".join(c for c in _changed_chars() if ord(c) <= 0xFFFF)
    return re.compile("[" + re.escape(bmp) + "]|[\U00010000-\U0010FFFF]")


_search_changeable: Callable[[str], re.Match[str] | None] | None = None  # bound at first use


def to_simplified(text: str) -> str:
    """Simplified-Chinese form of ``text`` with exactly the same length."""
    global _search_changeable
    if _search_changeable is None:
        _search_changeable = _changeable().search  # extractors call this 100 000 times per 3 MB
    if _search_changeable(text) is None:
        return text  # no OpenCC dictionary entry that changes anything can match
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    convert = _converter().convert
    return "".join(c if len(s := convert(c)) != 1 else s for c in text)
