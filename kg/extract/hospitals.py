"""Hospital mentions of one document and the hospitals they name.

Recognition is suffix-based: every occurrence of a hospital suffix
(``hospital_suffixes.txt``: 医院, 人民医院, 妇幼保健院, 卫生服务中心 …) ends a
candidate; its start is found by walking left over CJK characters and cutting
after the last stop cue (``hospital_stop_cues.txt``: 在, 与, 荣获, 中共 …), so
"在重庆市中医院" gives 重庆市中医院. A candidate is dropped when nothing but
generic words is left (公立医院, 三级甲等综合医院) or when a long phrase has no
proper-name marker (XX市, XX大学附属). An unmarked ``X医院`` (宿迁医院) needs
support: a second mention, a list or partner position, or an organisational
word after it (党委, 召开), since 推动医院 has the same shape. Each mention is a
subject or a *partner* (与/托管/到 XX医院) of its clause; the scope uses that.
Everything here matches on the Simplified view ``ctx.match_text`` and slices
surfaces from ``ctx.text``.

Names of one document are then grouped into hospitals:

* a name that another name ends with is its short form (市人民医院 ->
  沧州市人民医院; 盛京医院 -> 中国医科大学附属盛京医院);
* ``XX医院（以下简称“YY”）`` defines YY as an alias, and YY's later
  occurrences are mentions of XX; a quoted nickname made of one hospital's
  characters (“忠医”-style) is an alias too;
* a bare generic form (中心医院) that exactly one hospital ends with refers to it;
* names equal once 省/市 are dropped (武汉硚口区… = 武汉市硚口区…) are one.

The canonical name of a group is its longest form, in Simplified characters;
``kg.extract.scope`` turns it into the entity key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract import words
from kg.extract.context import DocContext
from kg.lexicon import alternation, load_list

#: a hospital name is at most this many characters before its suffix.
MAX_PREFIX = 22
#: a phrase longer than this before its suffix needs a name marker (省, 市, 大学 …).
MAX_UNMARKED = 6
_ADMIN = frozenset("省市县区")
#: a place given by 地处/位于 counts for a relative name this many characters after it.
LOCATED_WINDOW = 20
#: stop cues that also end place and hospital names (协和, 太和, 平和).
_NAME_FINAL_CUES = frozenset("和")
_CJK = re.compile(r"[\u3400-\u9fff]")
_QUOTES = "“”‘’「」『』\"'"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Regexes compiled from the lexicons (once per process)."""
    markers = alternation(load_list("hospital_alias_markers"))
    q_open, q_close = "[“‘「『\"']?", "[”’」』\"']?"
    return {
        "suffix": re.compile(alternation(load_list("hospital_suffixes"))),
        "stop": re.compile(alternation(load_list("hospital_stop_cues"))),
        "partner": re.compile(alternation(load_list("hospital_partner_cues")) + r"$"),
        "marker": re.compile(alternation(load_list("hospital_name_markers"))),
        "alias_marker": re.compile(markers),
        # 地处江津“北大门”的…: the place a relative name (区第一人民医院) is in
        "located": re.compile(r"(?:地处|位于|坐落于|坐落在)([\u3400-\u9fff]{2,3}?)(?=[“\"的，,、\s]|境内)"),
        "org_tail": re.compile(alternation(load_list("hospital_org_tails"))),
        "subject_verb": re.compile(alternation(load_list("hospital_subject_verbs"))),
        "quoted_short": re.compile(r"[“\"]([\u3400-\u9fff]{1,3}[医院])[”\"]"),
        # （以下简称“浙大二院”） right after a name; the alias is group 1
        "alias_def": re.compile(
            r"^\s*[（(]\s*" + markers + r"?\s*[:：]?\s*" + q_open + r"([\u3400-\u9fff]{2,8})" + q_close + r"\s*[）)]"
        ),
        # ，简称“YY” after a name (no parenthesis)
        "alias_tail": re.compile(r"^\s*[，,]?\s*" + markers + r"\s*" + q_open + r"([\u3400-\u9fff]{2,8})" + q_close),
    }


@lru_cache(maxsize=1)
def _generic_re() -> re.Pattern[str]:
    return re.compile("(?:" + alternation(load_list("hospital_generic_words")) + ")+")


@lru_cache(maxsize=1)
def _follow_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("hospital_follow_cues")))


@lru_cache(maxsize=1)
def _type_word_re() -> re.Pattern[str]:
    """A hospital type before the final 医院 (人民医院, 中医院, 肿瘤医院): the name is not bare."""
    types = [x[:-2] for x in load_list("hospital_suffixes") if x.endswith("医院") and len(x) > 2]
    return re.compile(alternation(types) + "医院$")


@lru_cache(maxsize=1)
def _marker_end_re() -> re.Pattern[str]:
    return re.compile("(?:" + alternation(load_list("hospital_name_markers")) + "|医院|院)$")


@lru_cache(maxsize=1)
def _designation_start_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("hospital_designation_starts")))


@lru_cache(maxsize=1)
def _designation_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("hospital_designation_words")) + "$")


@lru_cache(maxsize=1)
def _non_entities() -> frozenset[str]:
    return frozenset(load_list("non_entities"))


@dataclass(frozen=True)
class Mention:
    """One occurrence of a hospital name (or a short form or alias of one)."""

    start: int
    end: int
    name: str  # Simplified form, as matched
    surface: str  # as written in ctx.text
    partner: bool = False  # object/partner of its clause (与/托管/到 …), not its subject


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


# -- candidates ---------------------------------------------------------------
def _name_start(s: str, suf_start: int, floor: int) -> int:
    """Start of the name whose suffix starts at ``suf_start``: after the last stop cue."""
    left = suf_start
    while left > floor and suf_start - left < MAX_PREFIX and _CJK.match(s[left - 1]):
        left -= 1
    window = s[left:suf_start]
    cuts = [m.end() for m in _patterns()["stop"].finditer(window)]
    for cut in reversed(cuts):
        kept = s[left + cut : suf_start]
        # one character left (和平医院, 同仁医院) means the cue was part of the name,
        # unless it is an administrative letter (在市人民医院)
        if len(kept) == 1 and kept not in _ADMIN:
            continue
        if not kept and s[left + cut - 1] in _NAME_FINAL_CUES and words.lookup(s[left + cut - 2 : left + cut]):
            continue  # 协和医院, 太和县: 和 closes many words and place names
        return left + cut
    return left


def _is_specific(name: str, suffix: str) -> bool:
    """True when ``name`` names one institution rather than a kind of hospital."""
    if name in _non_entities():
        return False
    head = name[: len(name) - len(suffix)]
    if head in _ADMIN:
        return True  # 市人民医院: a short form, resolved against the full name later
    if _designation_re().search(head):
        return False  # 党建示范医院, 试点医院: a designation, not a name
    if suffix.endswith("中心") and _designation_start_re().match(head):
        return False  # 国家呼吸医学中心, 区域医疗中心: a designation
    rest = head[m.end() :] if (m := _generic_re().match(head)) else head
    if len(rest) < 2:
        return False  # a kind of hospital (公立医院, 全国百强中医院), or one stray character
    # a long phrase is a name only with a marker (XX市, XX大学附属); else it is prose (国家建立健全现代医院)
    return len(head) <= MAX_UNMARKED or bool(_patterns()["marker"].search(head))


def _candidates(ctx: DocContext) -> list[Mention]:
    """Suffix-anchored name candidates, left to right, generic ones dropped."""
    s, text = ctx.match_text, ctx.text
    partner = _patterns()["partner"]
    out: list[Mention] = []
    floor = 0
    for m in _patterns()["suffix"].finditer(s):
        start = _name_start(s, m.start(), floor)
        name = s[start : m.end()]
        if out and out[-1].end == start and _compound(out[-1].name, name):
            # 北京儿童医院黑龙江医院: a named branch of the hospital just before it
            prev = out.pop()
            start, name = prev.start, prev.name + name
        floor = m.end()
        if not _is_specific(name, m.group()) or _patterns()["org_tail"].match(s, m.end()):
            continue  # a kind of hospital, or part of another organisation's name (中国医院协会)
        before = s[max(0, start - 4) : start]
        # 对XX医院获批…: a verb of its own makes the mention the subject of its clause
        is_partner = bool(partner.search(before)) and not _patterns()["subject_verb"].match(s, m.end())
        out.append(Mention(start, m.end(), name, text[start : m.end()], is_partner))
    return _confirm_bare(s, out)


def _confirm_bare(s: str, mentions: list[Mention]) -> list[Mention]:
    """Keep an unmarked ``X医院`` (宿迁医院) only with support in the text.

    Without a type word or a name marker, ``X医院`` is as often a verb phrase
    (推动医院, 回望医院) as a name. It stays when it recurs, when it stands in a
    list or after a partner cue (与新桥医院, 、保定医院), when an
    organisational word follows it (宿迁医院党委), or when it is a line of its
    own (a site header).
    """
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.name] = counts.get(m.name, 0) + 1
    follow = _follow_re()
    marker = _patterns()["marker"]
    out = []
    for m in mentions:
        head = m.name[:-2]
        bare = m.name.endswith("医院") and not _type_word_re().search(m.name) and not marker.search(head)
        if bare and counts[m.name] < 2 and not m.partner and not follow.match(s, m.end) and not _own_line(s, m):
            continue
        out.append(m)
    return out


def _own_line(s: str, m: Mention) -> bool:
    """True when the mention is a whole line (a site header or a caption: 宿迁医院)."""
    before = s[max(0, m.start - 2) : m.start]
    after = s[m.end : m.end + 2]
    return (m.start == 0 or "\n" in before) and (m.end == len(s) or after[:1] == "\n" or after.startswith(" \n"))


def _drop_junk_prefixes(mentions: list[Mention]) -> list[Mention]:
    """Cut words glued before a known name (正如沧州市人民医院 -> 沧州市人民医院).

    A candidate that ends with another candidate's name keeps its extra head
    only when the head ends with a name marker (沧州 + 市人民医院 has 市 at the
    joint, 中国医科大学附属 + 盛京医院 ends with 附属); otherwise the head is a
    word the stop cues missed, and the mention becomes the shorter name.
    """
    names = {m.name for m in mentions}
    marker_end = _marker_end_re()
    out = []
    for m in mentions:
        for k in range(1, len(m.name) - 2):
            short = m.name[k:]
            if short not in names:
                continue
            head = m.name[:k]
            if short[0] in _ADMIN or marker_end.search(head):
                break
            m = Mention(m.start + k, m.end, short, m.surface[k:], m.partner)
            break
        out.append(m)
    return out


def _compound(prev: str, part: str) -> bool:
    """True when ``part`` (2-5 characters + suffix) continues the name ``prev``."""
    head = part[:-2]
    return 2 <= len(head) <= 5 and not _generic_re().fullmatch(head) and len(prev) >= 4


def _alias_definitions(ctx: DocContext, mentions: list[Mention]) -> dict[str, str]:
    """Aliases defined right after a mention: alias (Simplified) -> the mention's name."""
    s = ctx.match_text
    found: dict[str, str] = {}
    pats = _patterns()
    by_start = {m.start: m for m in mentions}
    for m in mentions:
        # XX大学附属医院（XX市第一人民医院）: a second full name in brackets names the same hospital
        inner = by_start.get(m.end + 1) if s[m.end : m.end + 1] in "（(" else None
        if inner is not None and s[inner.end : inner.end + 1] in "）)" and inner.name != m.name:
            found.setdefault(inner.name, m.name)
            continue
        tail = s[m.end : m.end + 24]
        hit = pats["alias_def"].match(tail) or pats["alias_tail"].match(tail)
        if not hit or hit.group(1) == m.name or hit.group(1) in _non_entities():
            continue
        alias = hit.group(1)
        marked = pats["alias_marker"].search(hit.group(0)) or any(q in hit.group(0) for q in _QUOTES)
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
    for m in _patterns()["quoted_short"].finditer(ctx.match_text):
        short = m.group(1)
        if short in found or short in names or short in _non_entities():
            continue
        owners = [n for n in names if len(n) > len(short) and set(short) <= set(n)]
        if len(owners) == 1:
            found[short] = owners[0]
    return found


def _alias_mentions(ctx: DocContext, aliases: dict[str, str], taken: list[Mention]) -> list[Mention]:
    """Occurrences of defined aliases outside the spans already found."""
    s, text = ctx.match_text, ctx.text
    covered = [(m.start, m.end) for m in taken]
    partner = _patterns()["partner"]
    out = []
    for alias in aliases:
        i = s.find(alias)
        while i >= 0:
            j = i + len(alias)
            # a two-character alias (一院) counts only where quoted: elsewhere it is part of words (一院两区)
            quoted = s[i - 1 : i] in _QUOTES and s[j : j + 1] in _QUOTES
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
    owned = [g for g in _non_entities() if len(g) >= 4 and len(ends_with.get(g, ())) == 1]
    out = []
    if not owned:
        return out
    stop = _patterns()["stop"]
    for m in _patterns()["suffix"].finditer(s):
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
    if i == 0 or not _CJK.match(s[i - 1]):
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
    mentions = _drop_junk_prefixes(_candidates(ctx))
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
        if h.name[0] in _ADMIN:
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
        for loc in _patterns()["located"].finditer(s, max(0, m.start - LOCATED_WINDOW), m.start):
            place = text[loc.start(1) : loc.end(1)]
            if s[loc.end(1) - 1] == h.name[0]:
                place = place[:-1]  # 位于江津区 + 区第一人民医院
            form = place + h.label
            if form not in out:
                out.append(form)
    return out
