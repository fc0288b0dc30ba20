"""Mechanisms: named institutional practices, systems, models and programmes a hospital runs.

Rules (GUIDELINES.md "Mechanism"), per sentence, on the Simplified matching view;
every regex comes from ``patterns/mechanisms.jsonl`` with ``{HEAD}`` (heads of
unquoted names), ``{ANYHEAD}`` (also heads allowed after a quoted core) and
``{CUE}`` (verbs such as 实行, 建立, 打造) filled in from the lexicons:

* quoted core + tail: “三榜”赛马机制 → ``三榜赛马机制`` (alias ``三榜``);
* quoted core ending in a head itself: “党委领导下的院长负责制”;
* quoted core right after a cue verb, alone or in a run (打造“A”“B”);
* quoted cores or plain items of a list closed by 等机制/等举措 (A、“B”等机制);
* unquoted name ending in a head and starting right after the nearest cue verb
  in its clause (建立高值耗材使用点评和异常使用预警机制); list members
  separated by 、 each become a name when each ends in a head.

Slogans (quoted text with clause punctuation), book titles 《…》, honors and
common buzzwords (``mechanism_stop_quoted.txt``) are skipped. Within a document a
name that is the alias of, or contained in, a longer found name is merged into
it. Each mechanism links ``implements`` from the hospital in scope.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable

from kg.chinese import to_simplified
from kg.extract.context import DocContext, Finding, Link
from kg.extract.quotes import Quoted, clean_label, find_quoted
from kg.lexicon import alternation, load_jsonl, load_list
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: characters that end the clause a name can stretch over (、 and · do not).
RE_CLAUSE_BREAK = re.compile(r"[，。；：！？,;:!?“”《》（）()\s]")
#: quoted text that reads as a slogan or a quotation rather than a name.
RE_SLOGAN = re.compile(r"[，。！？；：,!?;:]")
#: adjectives before a head that the gold leaves out (形成完善的干部教育培养体系).
RE_LEAD_ADJ = re.compile(r"(?:了|起|出|好)?(?:(?:较为|更加|日益|一套|一系列|一个)?(?:完善|健全|科学|有效|成熟|全新|新)的)?")
MAX_NAME = 40
MIN_UNQUOTED = 4


@lru_cache(maxsize=1)
def _rules() -> dict[str, re.Pattern[str]]:
    head = alternation(load_list("mechanism_heads"))
    anyhead = alternation(load_list("mechanism_heads") + load_list("mechanism_tail_heads"))
    cue = alternation(load_list("mechanism_cues"))
    rows = load_jsonl("mechanisms", required=("id", "regex", "example", "expect"),
                      allowed=("id", "regex", "example", "expect"))
    return {str(r["id"]): re.compile(str(r["regex"]).replace("{ANYHEAD}", anyhead).replace("{HEAD}", head)
                                     .replace("{CUE}", cue)) for r in rows}


@lru_cache(maxsize=1)
def _cue_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("mechanism_cues")))


@lru_cache(maxsize=1)
def _stop_quoted() -> frozenset[str]:
    return frozenset(load_list("mechanism_stop_quoted"))


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset(load_list("mechanism_generic_modifiers"))


@lru_cache(maxsize=1)
def _head_end_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("mechanism_heads") + load_list("mechanism_tail_heads")) + "$")


# -- candidates ----------------------------------------------------------------
def _in_title(m: str, a: int, pos: int) -> bool:
    """True when ``pos`` lies inside a 《…》 title of the sentence."""
    return m.rfind("《", a, pos) > m.rfind("》", a, pos)


def _core_ok(core: str, honors: set[str]) -> bool:
    if not 2 <= len(core) <= 30 or RE_SLOGAN.search(core) or core in _stop_quoted():
        return False
    if core.isdigit() or any(core in h or h in core for h in honors):
        return False
    return not core.endswith(("医院", "人", "者", "精神"))


def _quoted_candidates(m: str, sent: Sentence, honors: set[str]) -> Iterable[tuple[str, int, int, int, int]]:
    """(rule id, name start, name end, core start, core end) for quoted names."""
    rules = _rules()
    a, b = sent.start, sent.end
    quotes = [q for q in find_quoted(m[a:b])]
    quotes = [Quoted(q.start + a, q.end + a, q.inner_start + a, q.inner_end + a) for q in quotes]
    runs: list[list[Quoted]] = []  # adjacent quotes: “A”“B”、“C”
    for q in quotes:
        if runs and m[runs[-1][-1].end:q.start].strip("、和及与") == "" and q.start - runs[-1][-1].end <= 1:
            runs[-1].append(q)
        else:
            runs.append([q])
    for run in runs:
        cue = rules["mechanism/cue-quoted"].search(m, max(a, run[0].start - 8), run[0].start)
        after = run[-1].end
        etc = rules["mechanism/list-etc"].match(m, after, b)
        for k, q in enumerate(run):
            core = clean_label(m[q.inner_start:q.inner_end])
            if _in_title(m, a, q.start) or not _core_ok(core, honors):
                continue
            tail = rules["mechanism/quoted-tail"].match(m, q.end, b)
            if tail and not (k < len(run) - 1 and q.end == run[k + 1].start):
                yield "mechanism/quoted-tail", q.start, tail.end(), q.inner_start, q.inner_end
            elif rules["mechanism/quoted-self"].search(core):
                yield "mechanism/quoted-self", q.inner_start, q.inner_end, q.inner_start, q.inner_end
            elif cue or etc:
                rid = "mechanism/cue-quoted" if cue else "mechanism/list-etc"
                yield rid, q.inner_start, q.inner_end, q.inner_start, q.inner_end


def _clause_start(m: str, a: int, pos: int) -> int:
    i = pos
    while i > a and not RE_CLAUSE_BREAK.match(m[i - 1]):
        i -= 1
    return i


def _unquoted_candidates(m: str, sent: Sentence, quoted_spans: list[tuple[int, int]]) -> Iterable[tuple[str, int, int]]:
    """(rule id, start, end) of unquoted names ending in a head, started by the nearest cue."""
    a, b = sent.start, sent.end
    prev_end = a
    for hit in _rules()["mechanism/cue-head"].finditer(m, a, b):
        hs, he = hit.start(), hit.end()
        if any(s <= hs < e for s, e in quoted_spans) or (hs > a and m[hs - 1] in "”」"):
            continue
        lo = max(_clause_start(m, a, hs), he - MAX_NAME, prev_end if m[prev_end - 1:prev_end] == "、" else a)
        cues = [c for c in _cue_re().finditer(m, lo, hs)]
        if cues:
            start = cues[-1].end()
        elif lo > a and m[lo - 1] == "、" and lo == prev_end:
            start = lo  # next member of a list whose first member had a cue
        else:
            continue
        adj = RE_LEAD_ADJ.match(m, start, hs)
        start = adj.end() if adj else start
        # a list "A规则、B制度": start after the last 、 that closes a head-ended member
        for k in range(hs - 1, start, -1):
            if m[k] == "、" and _head_end_re().search(m, start, k):
                start = k + 1
                break
        name = m[start:he]
        modifier = m[start:hs]
        if len(name) < MIN_UNQUOTED or len(modifier) < 2 or modifier in _generic():
            continue
        if re.search(r"[\d]", modifier) and not re.search(r"[\u4e00-\u9fff]{2}", modifier):
            continue
        prev_end = he + 1 if he < b and m[he] == "、" else he
        yield "mechanism/cue-head", start, he


def extract(ctx: DocContext) -> Iterable[Finding]:
    """Mechanisms of a document, each linked to the hospital in scope.

    Args:
        ctx: the document context; honors found earlier are not taken as mechanisms.

    Returns:
        One finding per mention; mentions of one practice share a key.
    """
    m, text = ctx.match_text, ctx.text
    honors_by_sent: dict[int, set[str]] = {}
    for f in ctx.found(EntityType.HONOR):
        honors_by_sent.setdefault(f.sentence.start, set()).add(to_simplified(f.entity.label))
    raw: list[tuple[str, str, tuple[str, ...], Sentence, int]] = []
    for sent in ctx.sentences:
        honors = honors_by_sent.get(sent.start, set())
        spans: list[tuple[int, int]] = []
        for rid, s, e, cs, ce in _quoted_candidates(m, sent, honors):
            spans.append((s, e))
            label = clean_label(text[s:e])
            core = clean_label(text[cs:ce])
            raw.append((rid, label, (core,) if core != label else (), sent, s))
        for rid, s, e in _unquoted_candidates(m, sent, spans):
            label = clean_label(text[s:e])
            if any(label in to_simplified(h) or to_simplified(h) in label for h in honors):
                continue
            raw.append((rid, label, (), sent, s))
    return _findings(ctx, _merge_names(raw))


def _merge_names(raw: list[tuple[str, str, tuple[str, ...], Sentence, int]]):
    """Map each mention to the longest name of the document that contains it or has it as alias."""
    names: dict[str, set[str]] = {}
    for _, label, aliases, _, _ in raw:
        names.setdefault(to_simplified(label), set()).update(to_simplified(x) for x in aliases)
    target: dict[str, str] = {}
    for name in names:
        best = None
        for other, aliases in names.items():
            if other == name:
                continue
            if name in aliases or (name in other and len(name) >= 2):
                if best is None or (name in names[best]) < (name in aliases) or len(other) > len(best):
                    best = other
        target[name] = best or name
    for name in list(target):  # follow chains to the final target
        seen = {name}
        while target[target[name]] != target[name] and target[name] not in seen:
            seen.add(target[name])
            target[name] = target[target[name]]
    return [(rid, label, aliases, sent, pos, target[to_simplified(label)]) for rid, label, aliases, sent, pos in raw]


def _findings(ctx: DocContext, merged) -> list[Finding]:
    labels: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    for _, label, al, _, _, canon in merged:
        if to_simplified(label) == canon:
            labels.setdefault(canon, label)
        extra = [label] if to_simplified(label) != canon else []
        aliases.setdefault(canon, [])
        for x in (*al, *extra):
            if x not in aliases[canon] and to_simplified(x) != canon:
                aliases[canon].append(x)
    out: list[Finding] = []
    for rid, label, _, sent, pos, canon in merged:
        hospital = ctx.scope.hospital_at(pos) if ctx.scope else None
        key = EntityKey(EntityType.MECHANISM, (canon,))
        entity = Entity(key, labels.get(canon, canon), tuple(aliases[canon]), rule_id=rid)
        links = (Link(Predicate.IMPLEMENTS, hospital, key),) if hospital else ()
        out.append(Finding(entity, sent, links))
    return out
