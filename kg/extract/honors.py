"""Honors: named awards, titles, designations and list inclusions conferred on a hospital.

Per sentence, on the Simplified matching view (GUIDELINES.md "Honor"):

1. A ``find`` row of ``patterns/honors.jsonl`` gives a region: the clause after a
   cue verb (``honor_cues.tsv``: strong 荣获/获评/入选…, weak 获得/成为…), a quoted
   name before 殊荣/称号, a grade (二级甲等…医院, also 通过…复审), an unveiled 基地,
   a published list the hospital then entered (公布…名单，X成功入选). Aspired
   titles (力争创建…, 以创建…为目标) are skipped.
2. The region stops at trailers (等荣誉称号) and splits at 、/和/及/与 and between
   quotes; an item without an honor suffix (``honor_suffixes.txt``) is glued to
   the next (亚运会、亚残运会…先进集体). Weak cues need a suffix, strong ones a
   suffix, quotes or a trailer. Quotes, counts and a leading year (``year``) go.
3. The subject before the cue (up to 被, list bullets dropped) gives
   ``recipient_unit`` (A党支部与B党支部 → two honors) and skips persons
   (3名医生…, 主任张三…, 优秀共产党员). Otherwise the year is the clause's, or
   that of a time phrase opening the sentence.
4. In a document (``honor_merge``), a mention lacking year or unit takes the
   single one its title has elsewhere; headline short forms and restated
   titles fold into the first.

``filter`` rows hold the word-list regexes used on the way. Each honor links
``receivedHonor`` from the hospital named right before the cue, else the scope's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from kg.chinese import to_simplified
from kg.extract.context import DocContext, Finding, Link
from kg.extract.honor_merge import merge_mentions
from kg.extract.quotes import (
    clean_label,
    is_clean_name,
    plain_end,
    scan_clause,
    split_outside_quotes,
)
from kg.lexicon import alternation, load_jsonl, load_list, load_tsv
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: marks that open a quoted name (《 opens a title, handled apart).
QUOTE_OPENERS = "“「『\"‘"
#: a clause ends here (outside quotes).
CLAUSE_END = set("，。；！？,;!?：:")
#: an aside inside a list item (A即B、C): dropped up to the next separator.
RE_ASIDE = re.compile(r"即|也就是")
#: a count right after an item (创建国家级特色专科1个): a statistic, not a named conferral.
RE_COUNT_AFTER = re.compile(r"[\d一二三四五六七八九十两]+(?:个|项|家|所)")
RE_LEAD_COUNT = re.compile(r"(?:了|为|被|首批|一批|[\d一二三四五六七八九十两几]+(?:个|项|家|所|批次))+")
RE_LEAD_YEAR = re.compile(r"(?:(?:19|20)\d{2}[-－—~～至到])?((?:19|20)\d{2})(?:年度|年)?")
RE_CTX_YEAR = re.compile(r"(?<![\d\-－—~～至到])((?:19|20)\d{2})年(?!度?[\-－—~～至到]\d)")
#: a sentence opening with a time phrase (2024年12月，) dates what follows.
RE_LEAD_TIME = re.compile(r"(?:(?:19|20)\d{2}[-－—~～至到])?((?:19|20)\d{2})年"
                          r"(?:[\d一二三四五六七八九十]{1,2}月)?(?:[\d一二三四五六七八九十]{1,3}日)?"
                          r"(?:以来|起|初|底|末|上半年|下半年)?[，,]")
#: a bracketed qualifier closing a title (胸痛中心（基层版）): the suffix sits before it.
RE_TRAILING_QUALIFIER = re.compile(r"[（(][\u4e00-\u9fff]{1,6}[)）]$")
RE_UNIT_SPLIT = re.compile(r"与|和|及|、")
#: a list bullet or number opening a subject (◆ 外科党支部…, 2. 内科党支部…).
RE_LEAD_BULLET = re.compile(r"^[\s◆◇●○■□▲△★☆•·\-—]*(?:(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.．、)）]|[（(]\d{1,2}[)）])?\s*")
RE_COUNT_PREFIX = re.compile(r"^[\d一二三四五六七八九十]+个")
MAX_TAIL_AFTER_SUFFIX = 3
#: honor suffixes that also sit inside longer titles, so a name is never cut after them.
INNER_SUFFIXES = frozenset({"医院", "中心", "单位"})
#: a hospital named at most this many characters before the cue is the recipient (医院党委已先后荣获).
MAX_SUBJECT_GAP = 8


@dataclass(frozen=True)
class _Rule:
    id: str
    regex: re.Pattern[str]
    strength: str  # "strong" | "weak" | "" (from the matched cue)
    trigger: str  # a regex inside every match ("" = none): sentences without it skip the rule


@dataclass(frozen=True)
class _Lexicons:
    cues: dict[str, str]  # cue -> "strong" | "weak"
    suffix: re.Pattern[str]  # any honor suffix
    suffix_end: re.Pattern[str]  # an honor suffix ending the name
    trailer: re.Pattern[str]  # 等荣誉称号, 的殊荣 …
    unit_end: re.Pattern[str]  # a recipient unit ending the subject
    person_titles: tuple[str, ...]
    levels: tuple[tuple[str, str], ...]  # (word, level)


@lru_cache(maxsize=1)
def _lex() -> _Lexicons:
    suffixes = alternation(load_list("honor_suffixes"))
    return _Lexicons(
        cues={r["cue"]: r["strength"] for r in load_tsv("honor_cues", required=("cue", "strength"), key="cue")},
        suffix=re.compile(suffixes),
        suffix_end=re.compile(suffixes + "$"),
        trailer=re.compile(alternation(load_list("honor_trailers"))),
        unit_end=re.compile(alternation(load_list("honor_unit_suffixes")) + "$"),
        person_titles=load_list("honor_person_titles"),
        levels=tuple((r["word"], r["level"]) for r in load_tsv("honor_levels", required=("word", "level"), key="word")),
    )


def _rows():
    return load_jsonl("honors", required=("id", "role", "regex", "example", "expect"),
                      allowed=("id", "role", "regex", "trigger", "strength", "example", "expect"))


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    cue = alternation(_lex().cues)
    return tuple(
        _Rule(str(row["id"]), re.compile(str(row["regex"]).replace("{CUE}", cue)), str(row.get("strength", "")),
              str(row.get("trigger", "")))
        for row in _rows() if row["role"] == "find"
    )


@cache
def _trigger_re(trigger: str) -> re.Pattern[str]:
    return re.compile(trigger)


def _sentences_with(m: str, sentences: list[Sentence], starts: list[int], trigger: str) -> set[int]:
    """Indices of the (ordered, disjoint) sentences in which a match of ``trigger`` starts.

    One scan of the document, resumed after each sentence found, is much cheaper
    than running a rule's full regex over every sentence.
    """
    found: set[int] = set()
    hit = _trigger_re(trigger).search(m)
    while hit:
        k = bisect_right(starts, hit.start()) - 1
        if k >= 0 and hit.start() < sentences[k].end:
            found.add(k)
            resume = sentences[k].end
        else:
            resume = hit.start() + 1  # between sentences
        hit = _trigger_re(trigger).search(m, resume)
    return found


def _live_rules(m: str, sentences: list[Sentence]) -> list[tuple[_Rule, ...]]:
    """Per sentence, the rules worth running: those without a trigger or whose trigger it holds."""
    starts = [s.start for s in sentences]
    holding = {r.trigger: _sentences_with(m, sentences, starts, r.trigger) for r in _rules() if r.trigger}
    untriggered = tuple(r for r in _rules() if not r.trigger)
    live = [untriggered] * len(sentences)  # most sentences hold no trigger
    for k in set().union(*holding.values()):
        live[k] = tuple(r for r in _rules() if not r.trigger or k in holding[r.trigger])
    return live


@cache
def _filter(rule_id: str) -> re.Pattern[str]:
    """A named helper regex of ``patterns/honors.jsonl`` (role "filter")."""
    return next(re.compile(str(r["regex"])) for r in _rows() if r["id"] == rule_id and r["role"] == "filter")


def ends_with_suffix(name: str) -> bool:
    """True when a (Simplified) name ends in an honor suffix (先进集体, 示范单位…)."""
    return _lex().suffix_end.search(RE_TRAILING_QUALIFIER.sub("", name)) is not None


def _suffix_end(name: str) -> int:
    """End of the last honor suffix in ``name`` where a name may stop (0 when none).

    医院 inside a title (全国公立医院党建…案例) is a modifier, not an end.
    """
    ends = [m.end() for m in _lex().suffix.finditer(name) if m.group() not in INNER_SUFFIXES]
    return max(ends) if ends else 0


# -- region and items ----------------------------------------------------------
def _region_end(m: str, start: int, limit: int) -> tuple[int, bool]:
    """End of the clause region from ``start`` (outside quotes) and whether a trailer cut it."""
    trailer, stop = _lex().trailer, _filter("honor/region-stop")
    end = scan_clause(m, start, limit, lambda i: bool(trailer.match(m, i)) or bool(stop.match(m, i)))
    return end, end < limit and bool(trailer.match(m, end))


def _split_items(m: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Split a region into (start, end, separator-before) items, outside quotes."""
    return split_outside_quotes(m, start, end, "、和及与", RE_ASIDE)


def _has_quote(m: str, start: int, end: int) -> bool:
    return any(c in QUOTE_OPENERS for c in m[start:end])


def _plain(m: str, start: int, end: int) -> str:
    return clean_label(m[start:end]).strip("《》")


def _item_ok(name: str) -> bool:
    if ends_with_suffix(name):
        return True
    cut = _suffix_end(name)
    return bool(cut) and len(name) - cut <= MAX_TAIL_AFTER_SUFFIX


def _merge_items(m: str, items: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Glue an item lacking an honor suffix to the next one when a 、 or 和 joins them."""
    out: list[tuple[int, int]] = []
    pending: int | None = None
    for k, (s, e, _) in enumerate(items):
        s = pending if pending is not None else s
        pending = None
        nxt = items[k + 1] if k + 1 < len(items) else None
        if nxt and nxt[2] in ("、", "和", "与", "及") and not _item_ok(_plain(m, s, e)) and not _has_quote(m, s, e):
            pending = s
            continue
        out.append((s, e))
    return out


def _trim(m: str, s: int, e: int) -> tuple[int, int, int | None]:
    """Trim an item: quotes and 《》 at the edges, a prefix before its first quote, counts, a year."""
    while s < e and (m[s] in "《》“”「」 " or m[s].isspace()):
        s += 1
    while e > s and (m[e - 1] in "《》“”「」等 " or m[e - 1].isspace()):
        e -= 1
    q = next((k for k in range(s, e) if m[k] in QUOTE_OPENERS), -1)
    if q > s and (m[q - 1] == "的" or _filter("honor/drop-prefix").match(m, s, q)):
        s = q + 1
    publisher = _filter("honor/publisher-prefix").match(m, s, e)  # 卫健委公布的…名单
    if publisher:
        s = publisher.end()
    year = None
    for _ in range(2):
        c = RE_LEAD_COUNT.match(m, s, e)
        if c and c.end() > s:
            s = c.end()
        y = RE_LEAD_YEAR.match(m, s, e)
        if y and y.end() > s:
            year, s = int(y.group(1)), y.end()
        while s < e and m[s] in "“”《》「」":
            s += 1
    return s, e, year


@lru_cache(maxsize=1)
def _post_re() -> re.Pattern[str]:
    """A post title, maybe followed by a person's name, ending the subject (心内科主任张三)."""
    return re.compile(alternation(load_list("posts")) + r"(?:[\u4e00-\u9fff]{2,4})?$")


def _units(m: str, clause_start: int, cue_start: int, people: frozenset[str]) -> list[str | None] | None:
    """Recipient units before the cue; [None] for the hospital itself, None for persons."""
    subject = m[clause_start:cue_start]
    passive = subject.rfind("被")
    if passive > 0:
        subject = subject[:passive]  # 内科党支部被市卫健委授予…: the conferring body sits after 被
    subject = RE_LEAD_BULLET.sub("", subject)
    if _filter("honor/skip-disposal-subject").search(subject):
        return None
    cut = _filter("honor/subject-hospital-cut").match(subject)
    rest = subject[cut.end():] if cut else subject  # 某医院张三介绍了医院获得…: the last hospital word starts it
    rest = _filter("honor/subject-adverbs").sub("", rest.strip())
    whole = _filter("honor/subject-adverbs").sub("", subject.strip())
    if _filter("honor/skip-person-subject").search(rest) or _post_re().search(whole) \
            or any(p in rest for p in people):
        return None  # 3名医生获得…, 心内科主任张三荣获…, or a leader found earlier
    rest = RE_COUNT_PREFIX.sub("", rest)
    if not rest or not _lex().unit_end.search(rest):
        inner = _filter("honor/inner-unit").search(rest)  # 申报的第二党支部品牌案例: the unit's entry won
        return [inner.group(1)] if inner else [None]
    units = [RE_COUNT_PREFIX.sub("", u.strip()) for u in RE_UNIT_SPLIT.split(rest)]
    if all(u and len(u) <= 12 and "的" not in u and _lex().unit_end.search(u) for u in units):
        return list(dict.fromkeys(units))
    return [None]


def _context_year(m: str, sent_start: int, pos: int) -> int | None:
    """The year of the cue's clause, else of a time phrase opening the sentence (2024年12月，…)."""
    clause = _clause_start(m, sent_start, pos)
    years = [int(y.group(1)) for y in RE_CTX_YEAR.finditer(m, clause, pos)]
    if years:
        return years[-1]
    lead = RE_LEAD_TIME.match(m, sent_start, pos)
    return int(lead.group(1)) if lead else None


def _clause_start(m: str, sent_start: int, pos: int) -> int:
    i = pos
    while i > sent_start and m[i - 1] not in CLAUSE_END:
        i -= 1
    return i


def _is_person_title(name: str) -> bool:
    return any(name.endswith(t) for t in _lex().person_titles)


# -- extraction ----------------------------------------------------------------
Candidate = tuple[str, int, int, "int | None", "list[str | None]", int]


def _candidates(ctx: DocContext, sent: Sentence, rules: tuple[_Rule, ...],
                people: frozenset[str]) -> Iterable[Candidate]:
    """(rule id, start, end, year, units, anchor) of honor names in one sentence.

    ``rules``: the rules to run on it; ``people``: the (Simplified) names of the
    document's leaders (a subject naming one is a person).
    """
    m = ctx.match_text
    a, b = sent.start, sent.end
    for rule in rules:
        has_cue = "cue" in rule.regex.groupindex
        for hit in rule.regex.finditer(m, a, b):
            strength = rule.strength or _lex().cues.get(hit.group("cue"), "weak") if has_cue else rule.strength
            if rule.id == "honor/cue-object":
                o_end, trailer = _region_end(m, hit.start("obj"), b)
            else:
                o_end, trailer = hit.end("obj"), strength == "strong"
            anchor = hit.start("cue") if has_cue else hit.start()
            if _filter("honor/skip-aspiration").search(m, _clause_start(m, a, anchor), anchor):
                continue  # 力争创建…, 以创建…为目标: striven for, not conferred
            units = _units(m, _clause_start(m, a, anchor), anchor, people) if has_cue else [None]
            if units is None:
                continue
            ctx_year = _context_year(m, a, anchor)
            for s, e in _merge_items(m, _split_items(m, hit.start("obj"), o_end)):
                item = _accept_item(m, s, e, strength, trailer)
                if item:
                    s, e, year = item
                    yield rule.id, s, e, year or ctx_year, units, anchor


def _accept_item(m: str, s: int, e: int, strength: str, trailer: bool) -> tuple[int, int, int | None] | None:
    """The trimmed span and leading year of an item that names an honor, else None."""
    quoted = _has_quote(m, s, e) or "《" in m[s:e]
    s, e, year = _trim(m, s, e)
    name = _plain(m, s, e)
    if not name:
        return None
    close = max(m.rfind(c, s, e) for c in "”」』")
    if not ends_with_suffix(name) and s < close and 0 < e - close - 1 <= MAX_TAIL_AFTER_SUFFIX \
            and ends_with_suffix(_plain(m, s, close)):
        e, name = close, _plain(m, s, close)  # “全国文明单位”奖牌: the quoted title, not its plaque
    if not ends_with_suffix(name):
        cut = _suffix_end(name)
        whole_ok = strength == "strong" and (quoted or trailer)
        if not whole_ok and cut >= 5 and len(name) - cut <= MAX_TAIL_AFTER_SUFFIX and "的" not in name:
            e = plain_end(m, s, e, cut)  # 国家重点学科心血管病学 -> 国家重点学科
            name = _plain(m, s, e)
        elif not (whole_ok or (trailer and strength == "weak" and quoted)):
            return None
    if not 3 <= len(name) <= 40 or _is_person_title(name) or ("的" in name and not quoted):
        return None
    if _filter("honor/skip-bare-prize").fullmatch(name):
        return None  # 一等奖 names no award
    if (not quoted and _filter("honor/skip-not-name").search(name)) or RE_COUNT_AFTER.match(m, e):
        return None
    return s, e, year


def extract(ctx: DocContext) -> Iterable[Finding]:
    """Honors of a document, each linked to the hospital that received it.

    Args:
        ctx: the document context (scope required for links).

    Returns:
        One finding per honor mention; several mentions of one honor share a key.
    """
    out: list[Finding] = []
    people = frozenset(to_simplified(f.entity.label) for f in ctx.found(EntityType.LEADER))
    for sent, rules in zip(ctx.sentences, _live_rules(ctx.match_text, ctx.sentences)):
        for rule_id, s, e, year, units, anchor in _candidates(ctx, sent, rules, people):
            hospital = _recipient(ctx, sent, anchor)
            if hospital is None:
                continue
            label = clean_label(ctx.text[s:e]).strip("《》")
            if not is_clean_name(label):
                continue
            canon = to_simplified(label)
            level = _level(canon)
            for unit in units:
                key = EntityKey(EntityType.HONOR, (hospital.parts[0], canon, str(year) if year else "",
                                                   unit or ""))
                entity = Entity(key, label, year=year, recipient_unit=_surface(ctx, sent, anchor, unit),
                                level=level, rule_id=rule_id)
                out.append(Finding(entity, sent, (Link(Predicate.RECEIVED_HONOR, hospital, key),)))
    return merge_mentions(out)


def _level(title: str) -> str | None:
    """国家级/省级/市级/县级 when the title states it (省级重点学科, 全国…先进集体)."""
    for word, level in _lex().levels:
        if word.endswith("级") and word in title:
            return level
    return next((level for word, level in _lex().levels if title.startswith(word)), None)


def _surface(ctx: DocContext, sent: Sentence, anchor: int, unit: str | None) -> str | None:
    """The document's own form of a unit found on the Simplified view (護理部 for 护理部)."""
    if not unit:
        return None
    pos = ctx.match_text.rfind(unit, sent.start, anchor)
    return ctx.text[pos:pos + len(unit)] if pos >= 0 else unit


def _recipient(ctx: DocContext, sent: Sentence, anchor: int) -> EntityKey | None:
    """The hospital that received the honor: the one named right before the cue, else the scope's.

    A hospital just before the cue verb is its subject even where the scope
    reads it as a partner (对…医院获批…表示祝贺).
    """
    if ctx.scope is None:
        return None
    mentions_in = getattr(ctx.scope, "mentions_in", None)
    if mentions_in is not None:
        found = mentions_in(_clause_start(ctx.match_text, sent.start, anchor), anchor)
        if found and anchor - found[-1][0].end <= MAX_SUBJECT_GAP:
            return found[-1][1]
    return ctx.scope.hospital_at(anchor)
