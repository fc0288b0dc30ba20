"""Honors: named awards, titles, designations and list inclusions conferred on a hospital.

Rules (GUIDELINES.md "Honor"), per sentence, on the Simplified matching view:

1. A pattern row of ``patterns/honors.jsonl`` finds a *region*: the words after
   an honor cue verb (荣获, 获评, 入选 … from ``honor_cues.tsv``) up to the end
   of the clause, or a quoted name followed by 殊荣/称号, or a grade (三级甲等…医院).
2. The region is cut at trailers (等荣誉称号, 的殊荣) and split into items at
   、 , between adjacent quotes and at 和/及/与; an item without an honor suffix
   (``honor_suffixes.txt``) is glued to the next one (冬奥会、冬残奥会…先进集体).
3. Each item loses its quotes, a leading count (14家) and a leading year (the
   ``year``); weak cues (获得, 成为) need an honor suffix, strong cues a
   suffix, quotes or a trailer; persons' titles (优秀共产党员) are dropped.
4. The recipient before the cue decides ``recipient_unit`` (机关党支部与眼耳鼻喉科
   党支部 → two honors) and skips persons (3名医务人员获得…); the year is the
   item's own or the nearest earlier ``YYYY年`` of the sentence.

Each honor links ``receivedHonor`` from the hospital in scope at the cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

from kg.chinese import to_simplified
from kg.extract.context import DocContext, Finding, Link
from kg.extract.quotes import clean_label
from kg.lexicon import alternation, load_jsonl, load_list, load_tsv
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: a clause ends here (outside quotes).
CLAUSE_END = set("，。；！？,;!?：:")
OPENERS, CLOSERS = "“「『《‘", "”」』》’"
#: region stops other than the trailer lexicon: conjunction of a new predicate, time, reaction.
RE_REGION_STOP = re.compile(r"并|后[，,。]|后$|表示|揭牌|授牌|以来|中脱颖|——|…")
#: an aside inside a list item (A即B、C): dropped up to the next separator.
RE_ASIDE = re.compile(r"即|也就是")
#: words that never occur in an honor name but do in clauses (于, 着, 把, 将…) or in vague counts (多项).
RE_NOT_NAME = re.compile(r"[于着把将让使对]|多项|多个|各类|若干|一系列")
#: the subject of a disposal or plan sentence (将医院建设成为…, 把…纳入): not a conferral.
RE_DISPOSAL_SUBJECT = re.compile(r"[将把]")
#: a count right after an item (创建国家级特色专科1个): a statistic, not a named conferral.
RE_COUNT_AFTER = re.compile(r"[\d一二三四五六七八九十两]+(?:个|项|家|所)")
RE_LEAD_COUNT = re.compile(r"(?:了|为|被|首批|一批|[\d一二三四五六七八九十两几]+(?:个|项|家|所|批次))+")
RE_LEAD_YEAR = re.compile(r"(?:(?:19|20)\d{2}[-－—~～至到])?((?:19|20)\d{2})(?:年度|年)?")
RE_CTX_YEAR = re.compile(r"(?<![\d\-－—~～至到])((?:19|20)\d{2})年(?!度?[\-－—~～至到]\d)")
#: a sentence opening with a time phrase (2024年12月，) dates what follows.
RE_LEAD_TIME = re.compile(r"(?:(?:19|20)\d{2}[-－—~～至到])?((?:19|20)\d{2})年(?:[\d一二三四五六七八九十]{1,2}月)?(?:[\d一二三四五六七八九十]{1,3}日)?(?:以来|起|初|底|末|上半年|下半年)?[，,]")
RE_PERSON_SUBJECT = re.compile(r"[\d一二三四五六七八九十两]+名|同志|个人")
RE_ADVERBS = re.compile(r"(?:亦|也|还|均|都|双双|分别|先后|多次|连续[\d一二三四五六七八九十两]+年|首批|成功|已|曾|再次|又|相继|今年|去年)+$")
RE_UNIT_SPLIT = re.compile(r"与|和|及|、")
RE_HOSPITAL_CUT = re.compile(r".*(?:医院|院|其|中心)")
RE_INNER_UNIT = re.compile(r"(?:^|的)((?:(?!的)[\u4e00-\u9fff]){1,6}?(?:党总支|党支部|支部))(?:[\u4e00-\u9fff]{0,6}案例|申报)")
RE_LEVEL = re.compile(r"国家级|省级|市级|县级|区级")
MAX_TAIL_AFTER_SUFFIX = 3
#: a hospital named at most this many characters before the cue is the recipient (医院党委已先后荣获).
MAX_SUBJECT_GAP = 8
#: text before a quoted honor that names the recipient (…医院) or the conferring body (市直工委, 卫健委).
RE_DROP_PREFIX = re.compile(r"(?:医院|院|委|委员会|协会|学会|局|厅|办)$")


@dataclass(frozen=True)
class _Rule:
    id: str
    regex: re.Pattern[str]
    strength: str  # "strong" | "weak" | "" (from the matched cue)


@lru_cache(maxsize=1)
def _cues() -> dict[str, str]:
    return {row["cue"]: row["strength"] for row in load_tsv("honor_cues", required=("cue", "strength"), key="cue")}


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    cue = alternation(_cues())
    return tuple(
        _Rule(str(row["id"]), re.compile(str(row["regex"]).replace("{CUE}", cue)), str(row.get("strength", "")))
        for row in load_jsonl("honors", required=("id", "regex", "example", "expect"),
                              allowed=("id", "regex", "strength", "example", "expect"))
    )


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("honor_suffixes")))


@lru_cache(maxsize=1)
def _suffix_end_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("honor_suffixes")) + "$")


@lru_cache(maxsize=1)
def _trailer_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("honor_trailers")))


@lru_cache(maxsize=1)
def _person_titles() -> tuple[str, ...]:
    return load_list("honor_person_titles")


@lru_cache(maxsize=1)
def _unit_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("honor_unit_suffixes")) + "$")


def ends_with_suffix(name: str) -> bool:
    """True when a (Simplified) name ends in an honor suffix (先进集体, 示范单位…)."""
    return _suffix_end_re().search(name) is not None


def _suffix_end(name: str) -> int:
    """End of the last honor suffix in ``name`` (0 when none)."""
    ends = [m.end() for m in _suffix_re().finditer(name)]
    return max(ends) if ends else 0


# -- region and items ----------------------------------------------------------
def _region_end(m: str, start: int, limit: int) -> tuple[int, bool]:
    """End of the clause region from ``start`` (outside quotes) and whether a trailer cut it."""
    depth = 0
    i = start
    while i < limit:
        c = m[i]
        if c in OPENERS:
            depth += 1
        elif c in CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0:
            if c in CLAUSE_END:
                break
            t = _trailer_re().match(m, i)
            if t:
                return i, True
            if RE_REGION_STOP.match(m, i):
                break
        i += 1
    return i, False


def _split_items(m: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Split a region into (start, end, separator-before) items, outside quotes."""
    items: list[tuple[int, int, str]] = []
    depth, s, sep = 0, start, ""
    i = start
    while i < end:
        c = m[i]
        if c in OPENERS:
            if depth == 0 and i > s and m[i - 1] in CLOSERS:  # ”“ : two quoted names side by side
                items.append((s, i, sep))
                s, sep = i, "”“"
            depth += 1
        elif c in CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and c in "、和及与":
            items.append((s, i, sep))
            s, sep = i + 1, c
        elif depth == 0 and (aside := RE_ASIDE.match(m, i)):
            items.append((s, i, sep))
            nxt = m.find("、", i, end)
            i, s, sep = (end, end, "") if nxt < 0 else (nxt, nxt + 1, "、")
        i += 1
    items.append((s, end, sep))
    return [it for it in items if it[1] > it[0]]


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
        if nxt and nxt[2] in ("、", "和", "与", "及") and not _item_ok(_plain(m, s, e)) and "“" not in m[s:e]:
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
    q = m.find("“", s, e)
    if q > s and (m[q - 1] == "的" or RE_DROP_PREFIX.search(m, s, q)):
        s = q + 1
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
    return re.compile(alternation(load_list("posts")) + r"[\u4e00-\u9fff]{2,4}$|" + alternation(load_list("posts")) + "$")


def _units(m: str, clause_start: int, cue_start: int, people: frozenset[str] = frozenset()) -> list[str | None] | None:
    """Recipient units before the cue; [None] for the hospital itself, None for persons."""
    subject = m[clause_start:cue_start]
    if RE_DISPOSAL_SUBJECT.search(subject):
        return None
    cut = RE_HOSPITAL_CUT.match(subject)
    rest = subject[cut.end():] if cut else subject  # 某医院张三介绍了医院获得…: the last hospital word starts it
    if RE_PERSON_SUBJECT.search(rest) or _post_re().search(RE_ADVERBS.sub("", rest.strip())) \
            or any(p in rest for p in people):
        return None  # 3名医生获得…, 心内科主任张三荣获…, or a leader found earlier
    rest = RE_ADVERBS.sub("", rest.strip())
    rest = re.sub(r"^[\d一二三四五六七八九十]+个", "", rest)
    if not rest or not _unit_re().search(rest):
        inner = RE_INNER_UNIT.search(rest)  # 申报的第一党总支党建品牌案例: the unit's entry won
        return [inner.group(1)] if inner else [None]
    units = [re.sub(r"^[\d一二三四五六七八九十]+个", "", u.strip()) for u in RE_UNIT_SPLIT.split(rest)]
    if all(u and len(u) <= 12 and "的" not in u and _unit_re().search(u) for u in units):
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
    return any(name.endswith(t) for t in _person_titles())


# -- extraction ----------------------------------------------------------------
def _candidates(ctx: DocContext, sent: Sentence) -> Iterable[tuple[str, int, int, int | None, list[str | None], int]]:
    """(rule id, start, end, year, units, anchor) of honor names in one sentence."""
    m = ctx.match_text
    a, b = sent.start, sent.end
    cues = _cues()
    people = frozenset(to_simplified(f.entity.label) for f in ctx.found(EntityType.LEADER))
    for rule in _rules():
        for hit in rule.regex.finditer(m, a, b):
            strength = rule.strength or cues.get(hit.group("cue"), "weak") if "cue" in rule.regex.groupindex else rule.strength
            o_start = hit.start("obj")
            if rule.id == "honor/cue-object":
                o_end, trailer = _region_end(m, o_start, b)
            else:
                o_end, trailer = hit.end("obj"), strength == "strong"
            anchor = hit.start()
            units = _units(m, _clause_start(m, a, anchor), anchor, people) if "cue" in rule.regex.groupindex else [None]
            if units is None:
                continue
            ctx_year = _context_year(m, a, anchor)
            for s, e in _merge_items(m, _split_items(m, o_start, o_end)):
                quoted = "“" in m[s:e] or "《" in m[s:e]
                s, e, year = _trim(m, s, e)
                name = _plain(m, s, e)
                if not name:
                    continue
                if not ends_with_suffix(name):
                    cut = _suffix_end(name)
                    whole_ok = strength == "strong" and (quoted or trailer)
                    if not whole_ok and cut >= 5 and len(name) - cut <= MAX_TAIL_AFTER_SUFFIX and "的" not in name:
                        e = s + _cut_offset(m, s, e, cut)
                        name = _plain(m, s, e)
                    elif not (whole_ok or (trailer and strength == "weak" and quoted)):
                        continue
                if not 3 <= len(name) <= 40 or _is_person_title(name) or ("的" in name and not quoted):
                    continue
                if (not quoted and RE_NOT_NAME.search(name)) or RE_COUNT_AFTER.match(m, e):
                    continue
                yield rule.id, s, e, year or ctx_year, units, anchor


def _cut_offset(m: str, s: int, e: int, plain_cut: int) -> int:
    """Offset (from ``s``) in the raw item where ``plain_cut`` plain characters end."""
    count = 0
    for k in range(s, e):
        if clean_label(m[k]).strip("《》"):
            count += 1
        if count == plain_cut:
            return k - s + 1
    return e - s


def extract(ctx: DocContext) -> Iterable[Finding]:
    """Honors of a document, each linked to the hospital in scope.

    Args:
        ctx: the document context (scope required for links).

    Returns:
        One finding per honor mention; several mentions of one honor share a key.
    """
    out: list[Finding] = []
    for sent in ctx.sentences:
        for rule_id, s, e, year, units, anchor in _candidates(ctx, sent):
            hospital = _recipient(ctx, sent, anchor)
            if hospital is None:
                continue
            label = clean_label(ctx.text[s:e]).strip("《》")
            canon = to_simplified(label)
            level = RE_LEVEL.search(canon)
            for unit in units:
                key = EntityKey(EntityType.HONOR, (hospital.parts[0], canon, str(year) if year else "",
                                                   to_simplified(unit) if unit else ""))
                entity = Entity(key, label, year=year, recipient_unit=unit,
                                level=level.group() if level else None, rule_id=rule_id)
                out.append(Finding(entity, sent, (Link(Predicate.RECEIVED_HONOR, hospital, key),)))
    return _merge_abbreviations(_merge_units(_merge_years(out)))


def _recipient(ctx: DocContext, sent: Sentence, anchor: int) -> EntityKey | None:
    """The hospital that received the honor: the one named right before the cue, else the scope's.

    A hospital just before the cue verb is its subject even where the scope
    reads it as a partner (对…医院获批…表示祝贺).
    """
    if ctx.scope is None:
        return None
    mentions_in = getattr(ctx.scope, "mentions_in", None)
    if mentions_in is not None:
        start = _clause_start(ctx.match_text, sent.start, anchor)
        found = mentions_in(start, anchor)
        if found:
            mention, key = found[-1]
            if anchor - mention.end <= MAX_SUBJECT_GAP:
                return key
    return ctx.scope.hospital_at(anchor)


def _merge_years(findings: list[Finding]) -> list[Finding]:
    """Give a year-less mention the year of the same honor named elsewhere with exactly one year."""
    years: dict[tuple[str, ...], set[str]] = {}
    for f in findings:
        h, title, year, unit = f.entity.key.parts
        if year:
            years.setdefault((h, title, unit), set()).add(year)
    out = []
    for f in findings:
        h, title, year, unit = f.entity.key.parts
        known = years.get((h, title, unit), set())
        if not year and len(known) == 1:
            (y,) = known
            key = EntityKey(EntityType.HONOR, (h, title, y, unit))
            f = Finding(replace(f.entity, key=key, year=int(y)), f.sentence,
                        tuple(replace(link, object=key) for link in f.links))
        out.append(f)
    return out


def _merge_units(findings: list[Finding]) -> list[Finding]:
    """Give a unit-less mention the unit of the same honor named elsewhere with exactly one unit.

    A headline often says the hospital won what the body says its 党委 won.
    """
    units: dict[tuple[str, ...], set[str]] = {}
    for f in findings:
        h, title, year, unit = f.entity.key.parts
        if unit:
            units.setdefault((h, title, year), set()).add(unit)
    out = []
    for f in findings:
        h, title, year, unit = f.entity.key.parts
        known = units.get((h, title, year), set())
        if not unit and len(known) == 1:
            (u,) = known
            key = EntityKey(EntityType.HONOR, (h, title, year, u))
            f = Finding(replace(f.entity, key=key, recipient_unit=u), f.sentence,
                        tuple(replace(link, object=key) for link in f.links))
        out.append(f)
    return out


def _is_subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(c in it for c in short)


def _merge_abbreviations(findings: list[Finding]) -> list[Finding]:
    """Fold a headline's short form (全国典型案例) into the full title named in the body.

    The short form keeps the full title's first and last two characters, is a
    subsequence of it and at most half as long.
    """
    entities = {f.entity.key: f.entity for f in findings}
    target: dict[EntityKey, EntityKey] = {}
    for a in entities:
        ha, ta, ya, _ = a.parts
        for b in entities:
            hb, tb, yb, _ = b.parts
            if hb == ha and (not ya or not yb or ya == yb) and len(tb) >= 2 * len(ta) \
                    and ta[:2] == tb[:2] and ta[-2:] == tb[-2:] and _is_subsequence(ta, tb):
                target[a] = b
                break
    if not target:
        return findings
    return [Finding(entities[target[f.entity.key]], f.sentence,
                    tuple(replace(link, object=target[f.entity.key]) for link in f.links))
            if f.entity.key in target else f for f in findings]
