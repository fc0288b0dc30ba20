"""jieba's dictionary as a lookup table for short spans (no segmentation).

Hospital and leader rules sometimes need to know whether two or three
characters form an ordinary word: 支持 (a verb) cannot be a person's name,
协和 (a word) keeps its 和 inside a hospital name, 深入 after 马丽 ends the
name. Reading the dictionary file once is cheaper and more predictable than
running a tokenizer over whole articles, and leaves jieba's global state alone.

The file is not parsed into a dict: that costs half a second in every process
for the few thousand distinct words a build asks about. Its lines are sorted
instead (nearly sorted already, so that takes milliseconds) and a word is
found by bisection, then remembered.
"""

from __future__ import annotations

import bisect
import importlib.util
from functools import cache
from pathlib import Path

#: longest word kept (names are 2-3 characters, rarely 4).
MAX_LEN = 3
#: jieba POS tags of proper names (person, place, other): such a word may still be a name.
NAME_POS = ("nr", "ns", "nz")


def _dict_path() -> Path:
    """jieba's bundled dictionary, found without importing jieba (a tenth of a second)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


@cache
def _dictionary() -> tuple[str, list[str]]:
    """The dictionary's text (in file order) and its lines ``word count tag``, sorted."""
    data = _dict_path().read_bytes().decode("utf-8")
    lines = data.splitlines()
    lines.sort()
    return data, lines


def _parse(line: str) -> tuple[int, str]:
    _, _, rest = line.partition(" ")
    freq, _, tag = rest.partition(" ")
    return int(freq), tag.strip()


@cache
def lookup(word: str) -> tuple[int, str] | None:
    """The dictionary's (count, POS tag) of ``word``, or None when it is not a word.

    Args:
        word: 2 to ``MAX_LEN`` Simplified characters (longer words are never found).

    Returns:
        ``(count, tag)`` or None. A word listed twice has its last entry's values.
    """
    if not 2 <= len(word) <= MAX_LEN or " " in word:  # "和 1" would find the line of 和
        return None
    data, lines = _dictionary()
    key = word + " "
    i = bisect.bisect_left(lines, key)  # the first line starting with ``key``, if any
    if i == len(lines) or not lines[i].startswith(key):
        return None
    if i + 1 < len(lines) and lines[i + 1].startswith(key):
        # listed twice: sorting lost the file order, and the last entry counts
        start = data.rfind("\n" + key) + 1  # the last entry is never on the first line
        end = data.find("\n", start)
        return _parse(data[start : end if end >= 0 else None])
    return _parse(lines[i])


def count(word: str) -> int:
    """How common ``word`` is in jieba's dictionary (0 when it is not a word)."""
    entry = lookup(word)
    return entry[0] if entry else 0


def is_name_like(word: str) -> bool:
    """True when ``word`` is not in the dictionary or is tagged as a proper name."""
    entry = lookup(word)
    return entry is None or entry[1].startswith(NAME_POS)
