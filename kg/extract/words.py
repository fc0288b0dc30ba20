"""jieba's dictionary as a lookup table for short spans (no segmentation).

Hospital and leader rules sometimes need to know whether two or three
characters form an ordinary word: 支持 (a verb) cannot be a person's name,
协和 (a word) keeps its 和 inside a hospital name, 深入 after 马丽 ends the
name. Reading the dictionary file once is cheaper and more predictable than
running a tokenizer over whole articles, and leaves jieba's global state alone.
"""

from __future__ import annotations

from functools import lru_cache

#: longest word kept (names are 2-3 characters, rarely 4).
MAX_LEN = 3
#: jieba POS tags of proper names (person, place, other): such a word may still be a name.
NAME_POS = ("nr", "ns", "nz")


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[int, str]]:
    """word -> (count, POS) for the dictionary's words of 2 to ``MAX_LEN`` characters."""
    import jieba

    table: dict[str, tuple[int, str]] = {}
    with jieba.get_dict_file() as fh:
        data = fh.read().decode("utf-8")
    for line in data.splitlines():
        word, _, rest = line.partition(" ")
        if 2 <= len(word) <= MAX_LEN:
            freq, _, tag = rest.partition(" ")
            table[word] = (int(freq), tag.strip())
    return table


def lookup(word: str) -> tuple[int, str] | None:
    """The dictionary's (count, POS tag) of ``word``, or None when it is not a word.

    Args:
        word: 2 to ``MAX_LEN`` Simplified characters (longer words are never found).

    Returns:
        ``(count, tag)`` or None.
    """
    return _table().get(word)


def count(word: str) -> int:
    """How common ``word`` is in jieba's dictionary (0 when it is not a word)."""
    entry = _table().get(word)
    return entry[0] if entry else 0


def is_name_like(word: str) -> bool:
    """True when ``word`` is not in the dictionary or is tagged as a proper name."""
    entry = _table().get(word)
    return entry is None or entry[1].startswith(NAME_POS)
