"""Traditional -> Simplified Chinese conversion that keeps offsets (OpenCC).

Extractors match on the Simplified view and slice labels and evidence from
the original text, so a Traditional article keeps its own characters in the
graph. OpenCC's phrase tables can change the length of a string; then the
conversion falls back to character by character, which always keeps it.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified-Chinese form of ``text`` with exactly the same length."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    convert = _converter().convert
    return "".join(c if len(s := convert(c)) != 1 else s for c in text)
