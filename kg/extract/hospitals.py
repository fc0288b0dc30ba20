"""The hospitals of one document: mentions grouped, aliases and short forms resolved.

Mentions come from ``kg.extract.hospital_mentions``. Names are grouped into
hospitals:

* a name that another name ends with is its short form (市人民医院 ->
  沧州市人民医院; 盛京医院 -> 中国医科大学附属盛京医院);
* ``XX医院（以下简称“YY”）`` defines YY as an alias, and YY's later
  occurrences are mentions of XX; a second full name in brackets is an alias
  too; a quoted nickname made of one hospital's characters (“忠医”-style) is
  one as well;
* a bare generic form (中心医院) standing alone, that exactly one hospital
  ends with, refers to it;
* names equal once 省/市 are dropped (武汉硚口区… = 武汉市硚口区…) are one;
* a place given by 地处/位于 before a place-relative name (区第一人民医院)
  yields a fuller alias.

The canonical name of a group is its longest form, in Simplified characters;
``kg.extract.scope`` turns it into the entity key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract import words
from kg.extract.context import DocContext
from kg.extract.hospital_mentions import (
    ADMIN,
    CJK,
    QUOTES,
    Mention,
    find_mentions,
    non_entities,
    patterns,
)

#: a place given by 地处/位于 counts for a relative name this many characters after it.
LOCATED_WINDOW = 20


@dataclass
class Hospital:
    """A hospital of the document: canonical name, label, aliases, mentions."""

    name: str  # canonical Simplified name (key part)
    label: str  # surface form of the canonical name
    aliases: list[str] = field(default_factory=list)  # surface forms of the other names
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class HospitalTable:
    """Every hospital of a document, and every mention resolved to one."""

    hospitals: dict[str, Hospital]  # canonical name -> hospital
    mentions: list[tuple[Mention, str]]  # (mention, canonical name), by start
    references: dict[str, str]  # any known form (Simplified) -> canonical name

    def resolve(self, name: str) -> str | None:
        """Canonical name for a form used in the document (None if unknown)."""
        return self.references.get(name)


def _alias_definitions(ctx: DocContext, mentions: list[Mention]) -> dict[str, str]:
    """Aliases defined right after a mention: alias (Simplified) -> the mention's name."""
    s = ctx.match_text
    found: dict[str, str] = {}
    pats = patterns()
    by_start = {m.start: m for m in mentions}
    for m in mentions:
        # XX大学附属医院（XX市第一人民医院）: a second full name in brackets names the same hospital
        inner = by_start.get(m.end + 1) if s[m.end : m.end + 1] in "（(" else None
        if inner is not None and s[inner.end : inner.end + 1] in "）)" and inner.name != m.name:
            found.setdefault(inner.name, m.name)
            continue
        tail = s[m.end : m.end + 24]
        hit = pats["alias_def"].match(tail) or pats["alias_tail"].match(tail)
        if not hit or hit.group(1) == m.name or hit.group(1) in non_entities():
            continue
        alias = hit.group(1)
        marked = pats["alias_marker"].search(hit.group(0)) or any(q in hit.group(0) for q in QUOTES)
        # without 简称 or quotes, a bracketed word is an abbreviation only if made of the name's characters
        if marked or set(alias) <= set(m.name):
            found.setdefault(alias, m.name)
    return found


def _quoted_abbreviations(ctx: DocContext, names: set[str]) -> dict[str, str]:
    """Quoted short forms made of one hospital's characters: “忠医”, “一院”, “北医三院”.

    A quoted 2-4 character term ending in 医 or 院 whose characters all occur
    in exactly one full name of the document (and which starts with one of
    that name's characters) is that hospital's nickname.
    """
    found: dict[str, str] = {}
    for m in patterns()["quoted_short"].finditer(ctx.match_text):
        short = m.group(1)
        if short in found or short in names or short in non_entities():
            continue
        owners = [n for n in names if len(n) > len(short) and set(short) <= set(n)]
        if len(owners) == 1:
            found[short] = owners[0]
    return found


def _alias_mentions(ctx: DocContext, aliases: dict[str, str], taken: list[Mention]) -> list[Mention]:
    """Occurrences of defined aliases outside the spans already found."""
    s, text = ctx.match_text, ctx.text
    covered = [(m.start, m.end) for m in taken]
    partner = patterns()["partner"]
    out = []
    for alias in aliases:
        i = s.find(alias)
        while i >= 0:
            j = i + len(alias)
            # a two-character alias (一院) counts only where quoted: elsewhere it is part of words (一院两区)
            quoted = s[i - 1 : i] in QUOTES and s[j : j + 1] in QUOTES
            if (len(alias) > 2 or quoted) and not any(a < j and i < b for a, b in covered):
                out.append(Mention(i, j, alias, text[i:j], bool(partner.search(s[max(0, i - 4) : i]))))
            i = s.find(alias, j)
    return out


def _generic_mentions(ctx: DocContext, names: list[str], taken: list[Mention]) -> list[Mention]:
    """Bare generic forms (中心医院) that exactly one named hospital ends with."""
    s, text = ctx.match_text, ctx.text
    covered = {(m.start, m.end) for m in taken}
    ends = {(m.end) for m in taken}
    ends_with = _suffix_index(names)
    owned = [g for g in non_entities() if len(g) >= 4 and len(ends_with.get(g, ())) == 1]
    out = []
    if not owned:
        return out
    stop = patterns()["stop"]
    for m in patterns()["suffix"].finditer(s):
        for generic in owned:
            i = m.end() - len(generic)
            if not s.startswith(generic, i) or m.end() in ends or (i, m.end()) in covered:
                continue
            if _stands_alone(s, i, stop):
                out.append(Mention(i, m.end(), generic, text[i : m.end()]))
    return out


def _stands_alone(s: str, i: int, stop: re.Pattern[str]) -> bool:
    """True when ``s[i:]`` starts a phrase of its own (，中心医院…; 感谢中心医院), not the tail
    of a description (三级乙等妇幼保健院: 等 there belongs to the word 乙等)."""
    if i == 0 or not CJK.match(s[i - 1]):
        return True
    for cue in stop.finditer(s, max(0, i - 4), i):
        if cue.end() == i and (len(cue.group()) > 1 or not words.lookup(s[i - 2 : i])):
            return True
    return False


# -- grouping -----------------------------------------------------------------
def _suffix_index(names) -> dict[str, set[str]]:
    """Every proper suffix (2+ characters) of every name -> the names ending with it."""
    index: dict[str, set[str]] = {}
    for name in names:
        for k in range(1, len(name) - 1):
            index.setdefault(name[k:], set()).add(name)
    return index


def _fold(name: str) -> str:
    """Comparison form ignoring 省/市 (武汉硚口区… = 武汉市硚口区…)."""
    return name.replace("市", "").replace("省", "")


def _canonical_map(names: list[str], aliases: dict[str, str]) -> dict[str, str]:
    """Map every name to the longest name of its group."""
    by_len = sorted(set(names), key=lambda n: (-len(n), n))
    ends_with = _suffix_index(by_len)
    canon: dict[str, str] = {}
    folded: dict[str, str] = {}
    for name in by_len:
        f = _fold(name)
        if len(f) >= 6 and f in folded:
            canon[name] = folded[f]
            continue
        longer = {canon[o] for o in ends_with.get(name, ())}
        canon[name] = longer.pop() if len(longer) == 1 else name
        folded.setdefault(f, canon[name])
    for alias, target in aliases.items():
        canon[alias] = canon.get(target, target)
    return canon


def find_hospitals(ctx: DocContext) -> HospitalTable:
    """Find the hospitals of a document and resolve each mention to one.

    Args:
        ctx: the document (``match_text`` is matched, surfaces come from ``text``).

    Returns:
        A ``HospitalTable``: hospitals by canonical name, resolved mentions in
        text order, and every known form mapped to its canonical name.
    """
    mentions = find_mentions(ctx)
    aliases = _alias_definitions(ctx, mentions)
    for short, full in _quoted_abbreviations(ctx, {m.name for m in mentions}).items():
        aliases.setdefault(short, full)
    mentions += _alias_mentions(ctx, aliases, mentions)
    names = sorted({m.name for m in mentions})
    canon = _canonical_map(names, aliases)
    mentions += _generic_mentions(ctx, list(canon.values()), mentions)
    ends_with = _suffix_index(canon)
    for m in mentions:
        if m.name not in canon:  # a generic form: its one owner (see _generic_mentions)
            canon[m.name] = min(canon[n] for n in ends_with[m.name])
    mentions.sort(key=lambda m: (m.start, -m.end))
    hospitals: dict[str, Hospital] = {}
    resolved: list[tuple[Mention, str]] = []
    for m in mentions:
        c = canon[m.name]
        h = hospitals.get(c)
        if h is None:
            h = hospitals[c] = Hospital(c, "")
        if m.name == c and not h.label:
            h.label = m.surface
        elif m.name != c and m.surface not in h.aliases:
            h.aliases.append(m.surface)
        h.mentions.append(m)
        resolved.append((m, c))
    for h in hospitals.values():
        h.label = h.label or h.name
        h.aliases = [a for a in h.aliases if a != h.label]
        if h.name[0] in ADMIN:
            h.aliases.extend(a for a in _located_forms(ctx, h) if a not in h.aliases)
    return HospitalTable(hospitals, resolved, canon)


def _located_forms(ctx: DocContext, h: Hospital) -> list[str]:
    """Fuller forms of a place-relative name that the text supports (地处江津的区第一人民医院 ->
    江津区第一人民医院): a place given by 地处/位于 shortly before one of its mentions."""
    s, text = ctx.match_text, ctx.text
    out = []
    for m in h.mentions:
        if m.name != h.name:
            continue
        for loc in patterns()["located"].finditer(s, max(0, m.start - LOCATED_WINDOW), m.start):
            place = text[loc.start(1) : loc.end(1)]
            if s[loc.end(1) - 1] == h.name[0]:
                place = place[:-1]  # 位于江津区 + 区第一人民医院
            form = place + h.label
            if form not in out:
                out.append(form)
    return out
