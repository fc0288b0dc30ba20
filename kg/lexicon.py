"""Load and validate the data files under ``kg/resources/`` (no matching here).

Lexicons are plain data, one entry class per file, each file opening with a
``#`` header comment that says where its entries come from:

* ``lexicons/<name>.txt``: one entry per line.
* ``lexicons/<name>.tsv``: the first non-comment line names the columns; each
  later line is one row with exactly that many tab-separated cells.
* ``patterns/<name>.jsonl``: one JSON object per line (rules with their own
  ``example``/``expect`` test data).

Everywhere, blank lines and lines starting with ``#`` are skipped and
trailing whitespace is dropped. Duplicate entries are errors reported as
``file:line``. Results are cached and immutable (tuples, frozen mappings), so
callers may load at import time or at first use without copying.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

#: root of the package data.
RESOURCES = Path(__file__).resolve().parent / "resources"
LEXICONS = RESOURCES / "lexicons"
PATTERNS = RESOURCES / "patterns"


class LexiconError(ValueError):
    """A resource file is missing or malformed; the message starts with ``file:line``."""


def resource_path(name: str, folder: Path | None = None, suffix: str = ".txt") -> Path:
    """Path of a resource file, adding ``suffix`` when ``name`` has none.

    Args:
        name: file name relative to ``folder`` (``posts`` or ``posts.txt``).
        folder: the resource folder (default: ``LEXICONS``, read at call time).
        suffix: default extension.

    Returns:
        The path (which may not exist).
    """
    path = (LEXICONS if folder is None else folder) / name
    return path if path.suffix else path.with_suffix(suffix)


def _lines(path: Path, keep_tabs: bool = False) -> Iterator[tuple[int, str]]:
    """(line number, content) of the non-blank, non-comment lines of a file.

    Trailing whitespace is dropped, except with ``keep_tabs`` (a TSV row whose
    last cell is empty ends with a tab; its cells are stripped one by one).
    """
    if not path.is_file():
        raise LexiconError(f"{path}: resource file not found")
    with path.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n") if keep_tabs else raw.rstrip()  # TSV cells are stripped one by one
            if line.strip() and not line.lstrip().startswith("#"):
                yield number, line


@cache
def load_list(name: str) -> tuple[str, ...]:
    """Entries of a one-entry-per-line lexicon, in file order.

    Args:
        name: file under ``kg/resources/lexicons/`` (``.txt`` added if no suffix).

    Returns:
        The entries (stripped).

    Raises:
        LexiconError: missing file, or an entry listed twice.
    """
    path = resource_path(name)
    seen: dict[str, int] = {}
    for number, line in _lines(path):
        entry = line.strip()
        if entry in seen:
            raise LexiconError(f"{path.name}:{number}: duplicate entry {entry!r} (first at line {seen[entry]})")
        seen[entry] = number
    return tuple(seen)


@cache
def load_tsv(name: str, required: tuple[str, ...] = (), key: str | None = None) -> tuple[Mapping[str, str], ...]:
    """Rows of a TSV lexicon as read-only mappings column name -> cell.

    Args:
        name: file under ``kg/resources/lexicons/`` (``.tsv`` added if no suffix).
        required: column names the header must have.
        key: column whose values must be unique (duplicates are errors).

    Returns:
        The rows in file order.

    Raises:
        LexiconError: missing file or header, missing columns, a row with the
            wrong number of cells, an empty key cell, or a duplicate key.
    """
    path = resource_path(name, suffix=".tsv")
    lines = _lines(path, keep_tabs=True)
    try:
        _, header_line = next(lines)
    except StopIteration:
        raise LexiconError(f"{path.name}: no header line") from None
    header = [c.strip() for c in header_line.split("\t")]
    missing = [c for c in required + ((key,) if key else ()) if c not in header]
    if missing:
        raise LexiconError(f"{path.name}: header lacks column(s) {', '.join(missing)}")
    rows: list[Mapping[str, str]] = []
    keys: dict[str, int] = {}
    for number, line in lines:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(header):
            raise LexiconError(f"{path.name}:{number}: {len(cells)} cells, header has {len(header)}")
        row = dict(zip(header, cells))
        if key is not None:
            value = row[key]
            if not value:
                raise LexiconError(f"{path.name}:{number}: empty {key!r}")
            if value in keys:
                raise LexiconError(f"{path.name}:{number}: duplicate {key} {value!r} (first at line {keys[value]})")
            keys[value] = number
        rows.append(MappingProxyType(row))
    return tuple(rows)


@cache
def load_jsonl(
    name: str, required: tuple[str, ...] = (), allowed: tuple[str, ...] = ()
) -> tuple[Mapping[str, object], ...]:
    """Rows of a JSONL pattern file under ``kg/resources/patterns/``.

    Args:
        name: file name (``.jsonl`` added if no suffix).
        required: keys every row must have.
        allowed: if given, the only keys a row may have (unknown keys are
            errors, so a typo in a rule cannot pass silently).

    Returns:
        The rows in file order; an ``id`` key, when present, must be unique.

    Raises:
        LexiconError: missing file, bad JSON, missing/unknown keys, duplicate id.
    """
    path = resource_path(name, folder=PATTERNS, suffix=".jsonl")
    rows: list[Mapping[str, object]] = []
    ids: dict[object, int] = {}
    for number, line in _lines(path):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"{path.name}:{number}: bad JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise LexiconError(f"{path.name}:{number}: a row must be a JSON object")
        lacking = [k for k in required if k not in row]
        if lacking:
            raise LexiconError(f"{path.name}:{number}: missing key(s) {', '.join(lacking)}")
        unknown = [k for k in row if allowed and k not in allowed]
        if unknown:
            raise LexiconError(f"{path.name}:{number}: unknown key(s) {', '.join(unknown)}")
        if "id" in row:
            if row["id"] in ids:
                raise LexiconError(f"{path.name}:{number}: duplicate id {row['id']!r} (first at line {ids[row['id']]})")
            ids[row["id"]] = number
        rows.append(MappingProxyType(row))
    return tuple(rows)


def alternation(entries: Iterable[str]) -> str:
    """Regex alternation of literal entries, longest first (so 党委副书记 wins over 党委书记's prefix).

    The entries are merged into a trie (``(?:党委(?:副书记|书记)|院长)``): a flat
    alternation of hundreds of words is tried word by word at every position,
    the trie one character at a time. It matches exactly what the flat
    alternation does, in the same order: entries that can match at one position
    are prefixes of each other, and the trie tries the longer one first.

    Args:
        entries: literal strings.

    Returns:
        A non-capturing group matching the entries; ``(?!)`` (never matches) when empty.
    """
    trie: dict = {}
    for entry in set(entries):
        node = trie
        for char in entry:
            node = node.setdefault(char, {})
        node[""] = {}  # an entry ends here
    if not trie:
        return "(?!)"
    return "(?:" + _trie_pattern(trie) + ")"


def _trie_pattern(node: dict) -> str:
    """Regex of a trie node's continuations: longer ones first, then the end of an entry."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    ends_here = "" in node
    if not branches:
        return ""
    if len(branches) == 1 and not ends_here:
        return branches[0]
    if all(len(b) == 1 for b in branches) and len(branches) > 1:
        body = "[" + "".join(branches) + "]"  # single characters: a class (escaped ones have length 2)
    else:
        body = "(?:" + "|".join(branches) + ")"
    return body + "?" if ends_here else body


@cache
def compile_list(name: str, template: str = "{}") -> re.Pattern[str]:
    """Compile a list lexicon into one regex (cached).

    Args:
        name: list lexicon name (see ``load_list``).
        template: regex with one ``{}`` where the alternation goes.

    Returns:
        The compiled pattern.
    """
    return re.compile(template.replace("{}", alternation(load_list(name))))


def clear_cache() -> None:
    """Forget every loaded resource (tests that write temporary lexicons use it)."""
    for fn in (load_list, load_tsv, load_jsonl, compile_list):
        fn.cache_clear()
