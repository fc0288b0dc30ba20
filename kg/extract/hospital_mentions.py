"""Hospital mentions: suffix-anchored name candidates in one document.

Every occurrence of a hospital suffix (``hospital_suffixes.txt``: 医院,
人民医院, 妇幼保健院, 卫生服务中心 …) ends a candidate; its start is found by
walking left over CJK characters and cutting after the last stop cue
(``hospital_stop_cues.txt``: 在, 与, 荣获, 中共 …), so "在重庆市中医院" gives
重庆市中医院. A candidate is dropped when nothing but generic words is left
(公立医院, 三级甲等综合医院), when it is a designation (党建示范医院,
国家呼吸医学中心), or when a long phrase has no proper-name marker (XX市,
XX大学附属). An unmarked ``X医院`` (宿迁医院) needs support: a second mention,
a list or partner position, an organisational word after it (党委, 召开), or
a line of its own, since 推动医院 has the same shape. Each mention is a subject
or a *partner* (与/托管/到 XX医院) of its clause; the scope uses that.
Everything matches on the Simplified view ``ctx.match_text``; surfaces are
sliced from ``ctx.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import words
from kg.extract.context import DocContext
from kg.lexicon import alternation, compile_list, load_list

#: a hospital name is at most this many characters before its suffix.
MAX_PREFIX = 22
#: a phrase longer than this before its suffix needs a name marker (省, 市, 大学 …).
MAX_UNMARKED = 6
#: a proper noun this common before 医院 (中国) is not taken for a hospital's name on its own.
PROPER_HEAD_MAX_COUNT = 10000
#: nor a common noun this common (成就, 关心 are tagged nouns; 鼓楼, 天坛 are rarer).
COMMON_NOUN_MAX_COUNT = 1000
#: administrative letters a short form may start with (市人民医院, 县中医院).
ADMIN = frozenset("省市县区")
#: one-character stop cues that also occur inside words of names (协和, 平和县, 和睦家).
_WORD_CUES = frozenset("和")
#: one CJK ideograph.
CJK = re.compile(r"[\u3400-\u9fff]")
#: the last character that is not a CJK ideograph, and the ideographs after it up to the end.
_LAST_NON_CJK = re.compile(r"[^\u3400-\u9fff][\u3400-\u9fff]*\Z")
#: quote marks around nicknames and defined aliases.
QUOTES = "“”‘’「」『』\"'"


@lru_cache(maxsize=1)
def patterns() -> dict[str, re.Pattern[str]]:
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
def _type_word_re() -> re.Pattern[str]:
    """A hospital type before the final 医院 (人民医院, 中医院, 肿瘤医院): the name is not bare."""
    types = [x[:-2] for x in load_list("hospital_suffixes") if x.endswith("医院") and len(x) > 2]
    return re.compile(alternation(types) + "医院$")


@lru_cache(maxsize=1)
def non_entities() -> frozenset[str]:
    return frozenset(load_list("non_entities"))


@dataclass(frozen=True)
class Mention:
    """One occurrence of a hospital name (or a short form or alias of one)."""

    start: int
    end: int
    name: str  # Simplified form, as matched
    surface: str  # as written in ctx.text
    partner: bool = False  # object/partner of its clause (与/托管/到 …), not its subject


# -- candidates ---------------------------------------------------------------
def _name_start(s: str, suf_start: int, floor: int) -> int:
    """Start of the name whose suffix starts at ``suf_start``: after the last stop cue."""
    # walk left over CJK characters, at most MAX_PREFIX of them and not past floor
    # (searches with pos/endpos see exactly the slice s[left:suf_start], without copying it)
    left = max(floor, suf_start - MAX_PREFIX)
    last = _LAST_NON_CJK.search(s, left, suf_start)
    if last is not None:
        left = last.start() + 1
    cuts = [m.end() for m in patterns()["stop"].finditer(s, left, suf_start)]
    for cut in reversed(cuts):
        # one character left (和平医院, 同仁医院) means the cue was part of the name,
        # unless it is an administrative letter (在市人民医院)
        if suf_start - cut == 1 and s[cut] not in ADMIN:
            continue
        at = cut - 1  # the cue's last character
        if s[at] in _WORD_CUES and (words.lookup(s[at - 1 : at + 1]) or words.lookup(s[at : at + 2])):
            continue  # 协和, 平和县, 和睦家: 和 inside a word is part of the name, not a conjunction
        return cut
    return left


def _is_specific(name: str, suffix: str) -> bool:
    """True when ``name`` names one institution rather than a kind of hospital."""
    if name in non_entities():
        return False
    head = name[: len(name) - len(suffix)]
    if head in ADMIN:
        return True  # 市人民医院: a short form, resolved against the full name later
    if compile_list("hospital_designation_words", "{}$").search(head):
        return False  # 党建示范医院, 试点医院: a designation, not a name
    if suffix.endswith("中心") and compile_list("hospital_designation_starts").match(head):
        return False  # 国家呼吸医学中心, 区域医疗中心: a designation
    rest = head[m.end() :] if (m := compile_list("hospital_generic_words", "(?:{})+").match(head)) else head
    if len(rest) < 2:
        return False  # a kind of hospital (公立医院, 全国百强中医院), or one stray character
    # a long phrase is a name only with a marker (XX市, XX大学附属); else it is prose (国家建立健全现代医院)
    return len(head) <= MAX_UNMARKED or bool(patterns()["marker"].search(head))


def _candidates(ctx: DocContext) -> list[Mention]:
    """Suffix-anchored name candidates, left to right, generic ones dropped."""
    s, text = ctx.match_text, ctx.text
    partner = patterns()["partner"]
    out: list[Mention] = []
    floor = 0
    for m in patterns()["suffix"].finditer(s):
        start = _name_start(s, m.start(), floor)
        name = s[start : m.end()]
        if out and out[-1].end == start and _compound(out[-1].name, name):
            # 北京儿童医院黑龙江医院: a named branch of the hospital just before it
            prev = out.pop()
            start, name = prev.start, prev.name + name
        floor = m.end()
        if not _is_specific(name, m.group()) or patterns()["org_tail"].match(s, m.end()):
            continue  # a kind of hospital, or part of another organisation's name (中国医院协会)
        before = s[max(0, start - 4) : start]
        # 对XX医院获批…: a verb of its own makes the mention the subject of its clause
        is_partner = bool(partner.search(before)) and not patterns()["subject_verb"].match(s, m.end())
        out.append(Mention(start, m.end(), name, text[start : m.end()], is_partner))
    return _confirm_bare(s, out)


def _confirm_bare(s: str, mentions: list[Mention]) -> list[Mention]:
    """Keep an unmarked ``X医院`` (宿迁医院) only with support in the text.

    Without a type word or a name marker, ``X医院`` is as often a verb phrase
    (推动医院, 回望医院) as a name. It stays when it recurs, when it stands in a
    list or after a partner cue (与新桥医院, 、保定医院), when an
    organisational word follows it (宿迁医院党委), when it is a line of its
    own (a site header), or when what precedes 医院 is a noun-like word
    (鼓楼医院), never a verb (推动医院).
    """
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.name] = counts.get(m.name, 0) + 1
    follow = compile_list("hospital_follow_cues")
    marker = patterns()["marker"]
    out = []
    for m in mentions:
        head = m.name[:-2]
        bare = m.name.endswith("医院") and not _type_word_re().search(m.name) and not marker.search(head)
        supported = (
            counts[m.name] >= 2 or m.partner or follow.match(s, m.end) or _own_line(s, m) or _proper_head(s, m)
        )
        if bare and not supported:
            continue
        out.append(m)
    return out


def _proper_head(s: str, m: Mention) -> bool:
    """True when the part before 医院 is one word that may be a place or proper name
    (鼓楼, 积水潭, 湘雅: nouns; not verbs like 推动, 回望 or time words like 目前),
    not too common (中国), and not the start of a quoted title (“中国医院…团队”)."""
    head = m.name[:-2]
    if not 2 <= len(head) <= 3 or (m.start > 0 and s[m.start - 1] in QUOTES):
        return False
    entry = words.lookup(head)
    if entry is None:
        return False  # unknown to the dictionary: as likely 管好/做强 as a place
    count, tag = entry
    if tag.startswith(("ns", "nz", "nr")):
        return count < PROPER_HEAD_MAX_COUNT
    return tag == "n" and count < COMMON_NOUN_MAX_COUNT  # 鼓楼, 天坛; not 成就, 关心


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
    marker_end = compile_list("hospital_name_markers", "(?:{}|医院|院)$")
    out = []
    for m in mentions:
        for k in range(1, len(m.name) - 2):
            short = m.name[k:]
            if short not in names:
                continue
            head = m.name[:k]
            if short[0] in ADMIN or marker_end.search(head):
                break
            m = Mention(m.start + k, m.end, short, m.surface[k:], m.partner)
            break
        out.append(m)
    return out


def _compound(prev: str, part: str) -> bool:
    """True when ``part`` (2-5 characters + suffix) continues the name ``prev``."""
    head = part[:-2]
    generic = compile_list("hospital_generic_words", "(?:{})+")
    return 2 <= len(head) <= 5 and not generic.fullmatch(head) and len(prev) >= 4


def find_mentions(ctx: DocContext) -> list[Mention]:
    """Hospital name candidates of a document, left to right, glued words cut.

    Args:
        ctx: the document.

    Returns:
        The mentions (not yet grouped into hospitals).
    """
    return _drop_junk_prefixes(_candidates(ctx))
