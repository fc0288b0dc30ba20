"""Leaders: named people holding a management or Party post in a hospital.

A sentence is read as a sequence of *title tokens*: posts (``posts.txt``:
党委书记, 院长, 护士长 …) and ranks that are not posts (``leader_clinical_ranks.txt``:
主任医师, 理事长 …). Tokens joined by 、 or 兼 form a *chain*
(党委副书记、纪委书记张灵); each token carries the text before it back to the
previous delimiter, which gives

* its hospital: a hospital mention there (涪陵区妇幼保健院党委书记), else a
  reference (院党委书记, 医院院长) or nothing, i.e. the scope;
* its unit, kept in the title as written (心内科主任, 行政后勤第二党支部书记);
* or an outside organisation (县委书记, 卫健委副主任, 社区党委书记), as does a
  government title in the chain (``leader_outside_titles.txt``: 局长, 党组书记):
  its holder is an official, excluded from the whole document.

The person is the name right after the chain (院长胡章勇表示), else the name
before a bracketed chain (张某（党委书记）), else right before a lone post
(张某院长主持), else the names of an appointment clause
before it (任命王某同志为XX医院党委书记; 甲、乙等3位同志为支部委员). Names are
2-4 characters starting with a family name (``leader_surnames.txt``), must end
where a follower starts (表示, 主持, punctuation; ``leader_name_followers.txt``),
and must not be an ordinary word (``kg.extract.words``: 支持 is a verb; 黄河 may
be a name). Bylines (记者/通讯员 + name) are excluded. A person given an
explicit hospital somewhere in the document keeps it where another sentence
only gives the scope.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract import names
from kg.extract.context import DocContext, Finding, Link
from kg.lexicon import alternation, load_list
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: longest stretch of text read before a title token for its hospital and unit.
PREFIX_MAX = 24
#: an appointment clause (甲、乙等2位同志为…) is read from at most this many characters before the post.
FRONT_MAX = 60
#: a unit kept in a title is at most this long (行政后勤第二党支部).
UNIT_MAX = 12
_DELIMS = "，,、。；;：:！？!?（）()“”\"'‘’《》【】[]「」『』—\n\t 兼"
#: the last delimiter of a text and what follows it up to the end
_LAST_DELIM = re.compile("[" + re.escape(_DELIMS) + "][^" + re.escape(_DELIMS) + "]*\\Z")


@lru_cache(maxsize=1)
def _res() -> dict:
    """Lexicon-built patterns and sets (once per process)."""
    posts = load_list("posts")
    ranks = load_list("leader_clinical_ranks")
    outside = load_list("leader_outside_titles")
    appoint = alternation(load_list("leader_appointment_verbs"))
    name_el = r"[\u3400-\u9fffA-Za-z]{2,8}?"
    return {
        "posts": frozenset(posts),
        "outside": frozenset(outside),
        # 科主任 in 胸外科主任医师 is not a post: the rank wins
        "token": re.compile(alternation(posts + ranks + outside) + "(?!" + alternation(_rank_tails(ranks)) + ")"),
        "unit_post": re.compile("^" + alternation(("党支部", "支部", "党总支", "总支", "党小组", "科"))),
        "modifiers": frozenset(load_list("leader_post_modifiers")),
        "org_end": re.compile(alternation(load_list("leader_org_suffixes")) + "$"),
        "unit_end": re.compile(alternation(load_list("leader_unit_suffixes")) + "$"),
        "foreign": re.compile(alternation(load_list("leader_foreign_units"))),
        # 院党委书记, 卫生院党支部书记: the hospital in scope, not a unit
        "reference": re.compile("^" + alternation(load_list("leader_references") + load_list("non_entities"))),
        "stop": re.compile(alternation(load_list("hospital_stop_cues"))),
        "byline": re.compile(alternation(load_list("leader_byline_cues")) + r"[\s:：/]*([\u3400-\u9fff]{2,4})"),
        "connector": re.compile(r"\s*(?:、|兼|及|和)\s*(?:[“\"][^”\"]{1,12}[”\"])?"),
        "appoint": re.compile(
            r"(?P<names>(?:" + name_el + r"、)*" + name_el + r")"
            r"(?:等\s*\d+\s*[位名人])?(?:(?:同志)" + appoint + r"?|" + appoint + r")(?:中共)?$"
        ),
    }


def _rank_tails(ranks: tuple[str, ...]) -> list[str]:
    """What follows 主任/副主任 in a rank (医师, 护师 …), so a post never ends inside a rank."""
    return sorted({r[len(h):] for r in ranks for h in ("主任", "副主任") if r.startswith(h) and len(r) > len(h)})


@dataclass
class _Token:
    start: int  # in sentence coordinates
    end: int
    post: bool  # False: a rank or outside title, skipped in chains
    item_start: int  # start of the text read before it
    hospital: EntityKey | None = None
    unit: str = ""  # Simplified unit prefix kept in the title
    foreign: bool = False
    front_end: int = 0  # end of the text read for an appointment clause (before the hospital or unit)
    junk: str = ""  # text before the post that is neither unit nor organisation (a name?)
    doubtful: bool = False  # junk ending like an organisation we cannot place (XX医盟, XX集团)


@dataclass
class _Chain:
    tokens: list[_Token] = field(default_factory=list)

    @property
    def posts(self) -> list[_Token]:
        return [t for t in self.tokens if t.post]

    @property
    def foreign(self) -> bool:
        return any(t.foreign for t in self.tokens)


# -- tokens and chains --------------------------------------------------------
def _tokens(ctx: DocContext, sent: Sentence) -> list[_Token]:
    """Title tokens of a sentence with their hospital, unit and outside flag."""
    r = _res()
    s = ctx.match_text[sent.start : sent.end]
    found = ctx.scope.mentions_in(sent.start, sent.end) if hasattr(ctx.scope, "mentions_in") else []
    mentions = [(hm.start - sent.start, hm.end - sent.start, k) for hm, k in found]
    starts = [a for a, _, _ in mentions]
    out: list[_Token] = []
    prev_end = 0
    for m in r["token"].finditer(s):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and mentions[i][1] > m.start():
            continue  # inside a hospital name
        # back to the previous delimiter, at most PREFIX_MAX characters and not past the previous token
        left = max(prev_end, m.start() - PREFIX_MAX)
        last = _LAST_DELIM.search(s, left, m.start())
        if last is not None:
            left = last.start() + 1
        tok = _Token(m.start(), m.end(), m.group() in r["posts"], left, foreign=m.group() in r["outside"])
        # the last hospital named between the delimiter and the post
        inside = i >= 0 and mentions[i][0] >= left and mentions[i][1] <= m.start()
        if inside:
            a, b, tok.hospital = mentions[i]
            tok.front_end = a
            unit = s[b : m.start()]
        else:
            unit = s[left : m.start()]
            cuts = [c.end() for c in r["stop"].finditer(unit)]
            if cuts:
                unit = unit[cuts[-1] :]
            tok.front_end = m.start() - len(unit)
        ref = r["reference"].match(unit)
        if ref:
            unit = unit[ref.end() :]
        _classify_unit(tok, unit, m.group())
        out.append(tok)
        prev_end = m.end()
    return out


def _classify_unit(tok: _Token, unit: str, tok_text: str) -> None:
    """Set the token's unit, or mark it as held in an outside organisation."""
    r = _res()
    if not unit:
        return
    if unit.startswith("委") or r["foreign"].search(unit):
        tok.foreign = True
    elif len(unit) <= UNIT_MAX and (
        r["unit_end"].search(unit) or (tok.post and r["unit_post"].match(tok_text)) or unit.isascii()
    ):
        tok.unit = unit  # 心内科 + 主任; 内科第一 + 党支部书记; ICU + 主任
    else:
        tok.junk = unit
        tok.front_end = tok.start  # a name or clause before the post: 张某院长, 丁某担任书记
        tok.doubtful = bool(r["org_end"].search(unit)) and unit not in r["modifiers"]


def _chains(s: str, tokens: list[_Token]) -> list[tuple[_Chain, int]]:
    """Group tokens joined by connectors; each chain with the offset where it ends."""
    chains: list[tuple[_Chain, int]] = []
    cur = _Chain()
    for i, tok in enumerate(tokens):
        cur.tokens.append(tok)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None:
            c = _res()["connector"].match(s, tok.end)
            if c and c.end() > tok.end and nxt.item_start <= c.end() <= nxt.start:
                continue
        chains.append((cur, tok.end))
        cur = _Chain()
    return chains


# -- extraction -----------------------------------------------------------------
def _leader_names(s: str, chain: _Chain, end: int) -> list[tuple[int, int]]:
    """Spans of the people holding the chain's posts (after, before, or in an appointment clause)."""
    after = names.name_after(s, end)
    if after:
        spans = [after]
        # 副院长王某、李某出席: further names joined by 、 share the posts
        while after and s.startswith("、", after[1]) and not _res()["token"].match(s, after[1] + 1):
            after = names.name_after(s, after[1] + 1, min_strength=3)
            if after:
                spans.append(after)
        return spans
    first = chain.tokens[0]
    if first.item_start > 0 and s[first.item_start - 1] in "（(" and s[end : end + 1] in "）)":
        before = names.name_before(s, first.item_start - 1)  # 张某（党委书记）
        return [before] if before else []
    lone = len(chain.tokens) == 1 and first.junk and first.hospital is None
    if lone and names.follow_strength(s, end) and names.valid_name(first.junk):  # 张某院长主持
        return [(first.start - len(first.junk), first.start)]
    m = _res()["appoint"].search(s, max(0, first.front_end - FRONT_MAX), first.front_end)
    if not m:
        return []
    spans = []
    pos = m.start("names")
    for element in m.group("names").split("、"):
        name = names.tail_name(element)
        if name:
            j = pos + len(element)
            spans.append((j - len(name), j))
        pos += len(element) + 1
    return spans


def _byline_names(text: str) -> set[str]:
    return {m.group(1) for m in _res()["byline"].finditer(text)}


def extract(ctx: DocContext) -> Iterable[Finding]:
    """Find the document's leaders and link each to its hospital.

    Args:
        ctx: the document, with ``ctx.scope`` built.

    Returns:
        One Finding per (leader, hospital, sentence) with a ``hasLeader`` link.
    """
    found: list[tuple[str, str, EntityKey, bool, list[str], Sentence]] = []
    excluded = _byline_names(ctx.match_text)
    for sent in ctx.sentences:
        s = ctx.match_text[sent.start : sent.end]
        if not _res()["token"].search(s):
            continue
        tokens = _tokens(ctx, sent)
        prev: tuple[_Chain, int] | None = None  # the previous chain and the end of its last name
        for chain, end in _chains(s, tokens):
            spans = _leader_names(s, chain, end)
            if prev is not None:
                _continue_list(s, prev, chain)
            prev = (chain, spans[-1][1]) if spans else None
            if chain.foreign:
                excluded.update(s[a:b] for a, b in spans)
                continue
            if not chain.posts or any(t.doubtful for t in chain.tokens):
                continue  # no post, or a post of an organisation we cannot place (XX医盟理事长)
            for a, b in spans:
                for hospital, explicit, titles in _titles_by_hospital(ctx, sent, chain):
                    surface = ctx.text[sent.start + a : sent.start + b]
                    found.append((s[a:b], surface, hospital, explicit, titles, sent))
    return _findings(found, excluded)


def _continue_list(s: str, prev: tuple[_Chain, int], chain: _Chain) -> None:
    """``卫健委主任甲、副主任乙``: a bare post right after ``name、`` continues the previous
    person's organisation (outside, or the same hospital)."""
    before, name_end = prev
    first = chain.tokens[0]
    if first.item_start != name_end + 1 or s[name_end : name_end + 1] != "、":
        return
    if first.hospital is None and not first.unit and not first.junk:
        first.foreign = first.foreign or before.foreign
        first.hospital = next((t.hospital for t in before.tokens if t.hospital is not None), None)


def _titles_by_hospital(ctx: DocContext, sent: Sentence, chain: _Chain) -> list[tuple[EntityKey, bool, list[str]]]:
    """The chain's posts grouped by hospital: (hospital, named explicitly?, titles).

    A post's hospital is the one named before it, else the previous post's,
    else the scope at the post (not explicit).
    """
    groups: dict[EntityKey, tuple[bool, list[str]]] = {}
    current: EntityKey | None = None
    explicit = False
    for tok in chain.posts:
        if tok.hospital is not None:
            current, explicit = tok.hospital, True
        elif current is None:
            current, explicit = ctx.scope.hospital_at(sent.start + tok.start), False
        if current is None:
            continue
        a = sent.start + tok.start - len(tok.unit)
        title = ctx.text[a : sent.start + tok.end]
        was_explicit, titles = groups.setdefault(current, (explicit, []))
        groups[current] = (was_explicit or explicit, titles)
        if title not in titles:
            titles.append(title)
    return [(k, e, t) for k, (e, t) in groups.items()]


def _findings(found, excluded: set[str]) -> list[Finding]:
    """Findings for the people found, officials and bylines left out.

    A person named with an explicit hospital somewhere in the document keeps
    it where a sentence only gave the scope (院长张某 later in a partner's
    paragraph is still the same hospital's 院长), when that hospital is unique.
    """
    named: dict[str, set[EntityKey]] = {}
    for name, _, hospital, explicit, _, _ in found:
        if explicit:
            named.setdefault(name, set()).add(hospital)
    out = []
    for name, surface, hospital, explicit, titles, sent in found:
        if name in excluded:
            continue
        homes = named.get(name, set())
        if not explicit and hospital not in homes and len(homes) == 1:
            (hospital,) = homes
        key = EntityKey(EntityType.LEADER, (name, hospital.parts[0]))
        entity = Entity(key, surface, titles=tuple(titles), rule_id="leader/post-chain")
        out.append(Finding(entity, sent, (Link(Predicate.HAS_LEADER, hospital, key),)))
    return out
