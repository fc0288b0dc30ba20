"""Mechanisms: named institutional practices, systems, models and programmes a hospital runs.

Rules (GUIDELINES.md "Mechanism"), per sentence, on the Simplified matching view;
every regex comes from ``patterns/mechanisms.jsonl`` (``find`` rows name a rule
that yields names, ``filter`` rows the word lists used on the way) with
``{HEAD}`` (heads of unquoted names), ``{ANYHEAD}`` (also heads allowed after a
quoted core) and ``{CUE}`` (verbs such as 实行, 建立, 打造) from the lexicons:

* quoted core + tail: “红黑榜”考核机制 → ``红黑榜考核机制`` (alias ``红黑榜``); the
  tail ends at the last head followed by a clear boundary (和, 的, punctuation);
* quoted core ending in a head itself: “党委领导下的院长负责制”; a coined “X+”
  or “A+B”; a campaign year (“服务能力提升年”);
* bare quoted cores in a context that makes them practices: right after a cue
  verb (实行“周报告、月调度”), a list closed by 等机制 / 这三项…机制, 以“X”为抓手,
  “X”得到落实, quoted members of a cue's list, a run sharing one tail;
* 《…》 regulation titles ending in a head (制定《中层干部管理办法》);
* unquoted names ending in a head, starting after the nearest cue verb of the
  clause (建立高值耗材使用点评和异常使用预警机制), list members after 、 too;
* plain programmes in a lever list (以A、B工程等为抓手).

Skipped: slogans (clause punctuation, 以…为中心), mottos and goals (“…”院训,
以“…”为目标, …新高地), similes (如同“…”), attributes (有“…”辨识度), honors and
hospital names, generic spans (各项规章制度, 党建工作模式). Within a document,
names that share a quoted core (“三色”模式, “三色”管理新思路) or where one is the
other's core merge into the longest. Each mechanism links ``implements`` from
the hospital in scope at its mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kg.extract.context import DocContext, Finding
from kg.extract.mechanism_merge import findings, merge_names, simple
from kg.extract.quotes import Quoted, clean_label, find_quoted, is_clean_name
from kg.lexicon import alternation, load_jsonl, load_list
from kg.records import Sentence
from kg.vocab import EntityType

#: characters that end the clause a name can stretch over (、 and · do not).
RE_CLAUSE_BREAK = re.compile(r"[，。；：！？,;:!?“”「」『』《》（）()\s]")
#: quoted text that reads as a slogan or a quotation rather than a name.
RE_SLOGAN = re.compile(r"[，。！？；：,!?;:]")
#: a name's right end is certain when the next character is one of these (or not a hanzi).
HARD_BOUNDARY = set("和与及等的并为是在将把让使这正已都也还更就从向，、。；：！？,;:!? ”")
#: an unquoted name never holds a digit (112个管理制度) or a 在 phrase (医院在…平台).
RE_DIGIT_OR_AT = re.compile(r"\d|在")
MAX_NAME = 40
MIN_UNQUOTED = 4
#: an unquoted name needs this much before its head (组织体系, 内部制度 are generic).
MIN_MODIFIER = 3
#: a quoted core naming people or a place (“双带头人”) needs a tail this long to be a practice.
MIN_PERSON_TAIL = 3


def _rows():
    return load_jsonl("mechanisms", required=("id", "role", "regex", "example", "expect"),
                      allowed=("id", "role", "regex", "trigger", "example", "expect"))


def _expand(regex: str) -> re.Pattern[str]:
    """Compile a pattern row's regex with the lexicon alternations filled in."""
    head = alternation(load_list("mechanism_heads"))
    anyhead = alternation(load_list("mechanism_heads") + load_list("mechanism_tail_heads"))
    cue = alternation(load_list("mechanism_cues"))
    cont = next(str(r["regex"]) for r in _rows() if r["id"] == "mechanism/head-continues")
    return re.compile(regex.replace("{ANYHEAD}", anyhead).replace("{HEAD}", head)
                      .replace("{CUE}", cue).replace("{CONT}", cont))


@lru_cache(maxsize=1)
def _rules() -> dict[str, re.Pattern[str]]:
    return {str(r["id"]): _expand(str(r["regex"])) for r in _rows()}


@lru_cache(maxsize=1)
def _triggers() -> dict[str, re.Pattern[str]]:
    """Per rule id, a regex inside every match: a sentence without it cannot match the rule."""
    return {str(r["id"]): _expand(str(r["trigger"])) for r in _rows() if "trigger" in r}


def _holds_trigger(rule_id: str, m: str, sent: Sentence) -> bool:
    return _triggers()[rule_id].search(m, sent.start, sent.end) is not None


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


@lru_cache(maxsize=1)
def _non_head_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("mechanism_non_heads")))


@lru_cache(maxsize=1)
def _goal_suffixes() -> tuple[str, ...]:
    return load_list("mechanism_goal_suffixes")


def _tail_end(m: str, pos: int, b: int) -> int | None:
    """End of the head-ended words after a quote (“红黑榜”考核机制), or None.

    Among the head ends in reach, the longest one followed by a clear boundary
    wins; without one, the first strong head (“…”考核机制梳理出…清单 stops at
    机制), else the first head.
    """
    hit = _rules()["mechanism/quoted-tail"].match(m, pos, b)
    if not hit:
        return None
    ts, te = hit.span("tail")
    if _non_head_re().match(m, ts) and "的" in m[ts:te]:
        return None  # “…”评审的具体行动: the quote names a contest that modifies another noun
    cont, head_end = _rules()["mechanism/head-continues"], _head_end_re()
    ends = [k for k in range(ts + 1, te + 1) if head_end.search(m, ts, k) and not cont.match(m, k)]
    if not ends:
        return None
    hard = [k for k in ends if k >= b or m[k] in HARD_BOUNDARY or not "\u4e00" <= m[k] <= "\u9fff"]
    strong = [k for k in ends if _strong_head_end_re().search(m, ts, k)]
    end = hard[-1] if hard else strong[0] if strong else ends[0]
    return None if _non_head_re().match(m, end) else end


def _free_after(m: str, pos: int, b: int) -> bool:
    """A quoted name stands alone when no noun continues right after it (依托“某某健康”APP)."""
    return pos >= b or m[pos] in HARD_BOUNDARY or m[pos] in "（(" or not (
        "\u4e00" <= m[pos] <= "\u9fff" or m[pos].isascii() and m[pos].isalnum())


def _core_ok(core: str, blocked: str, tail: str = "") -> bool:
    """Can a quoted core be (the start of) a mechanism name?

    ``blocked``: honor and hospital names, one a line (a core inside one is no
    mechanism; a core holds no whitespace, so one ``in`` test checks them all).
    ``tail``: the head words after the core.
    """
    rules = _rules()
    has_tail = bool(tail)
    if not 1 <= len(core) <= (40 if has_tail else 30) or "%" in core:
        return False
    if not has_tail and core in _stop_quoted():
        return False  # a buzzword alone (“红色引擎”); with a head after it names a programme
    if rules["mechanism/skip-verb-start"].match(core) or rules["mechanism/skip-slogan-core"].match(core):
        return False
    if not has_tail and (len(core) < 2 or core.isdigit() or "的" in core or RE_SLOGAN.search(core)):
        return False
    if core in blocked or core.endswith(_goal_suffixes()):
        return False
    if core.endswith("精神"):
        return False
    # “双带头人”, “无假日医院” alone name people or a place; a head phrase after them
    # (培育工程, 服务模式) names a practice, a lone 建设/管理 the making of such a place
    return len(tail) >= MIN_PERSON_TAIL or not core.endswith(("医院", "人", "者"))


def _runs(m: str, quotes: list[Quoted]) -> list[list[Quoted]]:
    """Group quotes side by side: “A”“B”、“C”, also 、X“B” (服务“红榜”、作风“黑榜”)."""
    runs: list[list[Quoted]] = []
    for q in quotes:
        gap = m[runs[-1][-1].end:q.start] if runs else None
        if gap is not None and (gap in ("", "、") or (
                gap[:1] == "、" and len(gap) <= 7 and not RE_CLAUSE_BREAK.search(gap))):
            runs[-1].append(q)
        else:
            runs.append([q])
    return runs


def _run_context(m: str, a: int, b: int, run: list[Quoted], tails: dict[int, int | None]) -> str | None:
    """The rule that makes the bare quoted names of a run mechanisms, if any context does."""
    rules = _rules()
    first, after = run[0].start, run[-1].end
    lo = max(a, first - 8)
    cue = rules["mechanism/cue-quoted"].search(m, lo, first)
    if cue and rules["mechanism/cue-state"].match(cue.group()):
        cue = None  # 形成“一盘棋”: a state reached, not a practice run
    if cue and (cue.group().startswith(("以", "用")) or _free_after(m, after, b)):
        return "mechanism/cue-quoted"
    if rules["mechanism/list-etc"].match(m, after, b):
        return "mechanism/list-etc"
    if rules["mechanism/as-lever"].search(m, lo, first) and rules["mechanism/as-lever-after"].match(m, after, b):
        return "mechanism/as-lever"
    if rules["mechanism/quoted-implemented"].match(m, after, b):
        return "mechanism/quoted-implemented"
    if first > a and m[first - 1] == "、" and _cue_re().search(m, _clause_start(m, a, first), first):
        return "mechanism/cue-quoted"  # 通过X、“A”“B”…: quoted members of a cue's list
    if len(run) > 1 and tails[after]:
        return "mechanism/quoted-tail"  # 打造“A”“B”系列品牌
    return None


def _skip_quote(m: str, a: int, b: int, q: Quoted, core: str, tails: dict[int, int | None]) -> bool:
    """A quote inside a title, after 有/各种, or followed by a motto word (院训, 理念) is no name."""
    rules = _rules()
    if _in_title(m, a, q.start) or rules["mechanism/skip-attribute"].search(m, a, q.start):
        return True
    if core.endswith(("+", "＋")) or tails[q.end]:
        return False  # “…”评选活动 is run by the hospital, “…”评选 is a contest
    return bool(_non_head_re().match(m, q.end, b))


def _quoted_candidates(m: str, sent: Sentence, quotes: list[Quoted],
                       blocked: str) -> Iterable[tuple[str, int, int, int, int]]:
    """(rule id, name start, name end, core start, core end) for the sentence's quoted names."""
    rules = _rules()
    a, b = sent.start, sent.end
    tails = {q.end: _tail_end(m, q.end, b) for q in quotes}  # the head words after each quote, once
    for run in _runs(m, quotes):
        context = _run_context(m, a, b, run, tails)
        if context == "mechanism/list-etc":
            yield from _list_before(m, a, run[0].start)
        last_tail = tails[run[-1].end]
        for k, q in enumerate(run):
            core = clean_label(m[q.inner_start:q.inner_end])
            bare = (q.inner_start, q.inner_end, q.inner_start, q.inner_end)
            if _skip_quote(m, a, b, q, core, tails):
                continue
            if k == len(run) - 1 and last_tail and _core_ok(core, blocked, clean_label(m[q.end:last_tail])):
                yield "mechanism/quoted-tail", q.start, last_tail, q.inner_start, q.inner_end
            elif (rules["mechanism/quoted-self"].search(core) or rules["mechanism/campaign-year"].search(core)) \
                    and _core_ok(core.replace("的", ""), blocked):
                if not rules["mechanism/skip-simile"].search(m, a, q.start):
                    yield ("mechanism/quoted-self", *bare)
            elif not _core_ok(core, blocked):
                continue
            elif rules["mechanism/coined-plus"].search(core) and len(core) >= 3:  # 党建+, 互联网+
                yield ("mechanism/coined-plus", *bare)
            elif context:
                yield (context, *bare)


def _list_before(m: str, a: int, pos: int) -> Iterable[tuple[str, int, int, int, int]]:
    """Plain members of a list that ends in quoted ones and 等机制 (A、“B”等机制), back to the cue."""
    while pos > a and m[pos - 1] == "、":
        end = pos - 1
        start = end
        while start > a and not RE_CLAUSE_BREAK.match(m[start - 1]) and m[start - 1] != "、":
            start -= 1
        cues = list(_cue_re().finditer(m, start, end))
        if cues:
            start = cues[-1].end()
        if 4 <= end - start <= 20:
            yield "mechanism/list-etc", start, end, start, end
        if cues:
            break
        pos = start


def _titled_candidates(m: str, sent: Sentence) -> Iterable[tuple[str, int, int, int, int]]:
    """《中层干部管理办法》: a regulation title ending in a head."""
    a, b = sent.start, sent.end
    i = m.find("《", a, b)
    while i >= 0:
        j = m.find("》", i, b)
        if j < 0:
            break
        if 4 <= j - i - 1 <= 30 and _rules()["mechanism/titled"].search(m, i + 1, j):
            yield "mechanism/titled", i + 1, j, i + 1, j
        i = m.find("《", j, b)


def _clause_start(m: str, a: int, pos: int) -> int:
    """Start of the clause holding ``pos``: just after the last clause break in ``[a, pos)``."""
    last = None
    for last in RE_CLAUSE_BREAK.finditer(m, a, pos):  # a scan in C beats a walk back in Python
        pass
    return last.end() if last else a


@lru_cache(maxsize=1)
def _strong_head_end_re() -> re.Pattern[str]:
    return re.compile(alternation(load_list("mechanism_heads")) + "$")


def _unquoted_ok(name: str, modifier: str, listed: bool) -> bool:
    """Is an unquoted head-ended span a name (not 各类制度, 党建工作模式, 112个管理制度)?"""
    rules = _rules()
    if not MIN_UNQUOTED <= len(name) <= MAX_NAME or len(modifier) < (2 if listed else MIN_MODIFIER):
        return False
    if modifier in _generic() or _cue_re().fullmatch(modifier):
        return False
    if rules["mechanism/skip-count-modifier"].match(modifier) or rules["mechanism/skip-determiner"].search(modifier):
        return False
    if name.startswith("的") or "等" in name or RE_DIGIT_OR_AT.search(name):
        return False
    return not rules["mechanism/skip-generic-name"].fullmatch(name)


def _unquoted_candidates(m: str, sent: Sentence,
                         quote_spans: list[tuple[int, int]]) -> Iterable[tuple[str, int, int]]:
    """(rule id, start, end) of unquoted names ending in a head, started by the nearest cue."""
    a, b = sent.start, sent.end
    last_end = -1
    for hit in _rules()["mechanism/cue-head"].finditer(m, a, b):
        hs, he = hit.start(), hit.end()
        if any(s <= hs < e for s, e in quote_spans) or (hs > a and m[hs - 1] in "”」"):
            continue
        lo = _clause_start(m, a, hs)
        seg = max(lo, m.rfind("、", lo, hs) + 1)  # start of the list member holding the head
        start = None
        for cue in reversed(list(_cue_re().finditer(m, lo, hs))):
            joined = _rules()["mechanism/cue-and-verb"].match(m, cue.end(), hs)
            if joined:
                cue = joined  # 坚持和加强…: the name starts after the second verb
            elif m[cue.end()] in "、和与及":
                continue  # 治理完善、运行高效: an adjective in a list, not a verb taking the name
            adj = _rules()["mechanism/lead-adjective"].match(m, cue.end(), hs)
            if hs - (adj.end() if adj else cue.end()) >= 2:
                start = adj.end() if adj else cue.end()
                break
        listed = seg > lo and seg - 1 == last_end and (start is None or start < seg)
        if listed:
            start = seg  # next member of a list whose previous member was a name
        if start is None:
            continue
        # a list "A规则、B制度" / "A体系和B制度": start after the last separator closing a head-ended member
        for k in range(hs - 1, start, -1):
            if m[k] in "、和及与" and _strong_head_end_re().search(m, start, k):
                start = k + 1
                break
        slogan = _rules()["mechanism/slogan-modifier"].match(m, start, hs)
        if slogan:
            start = slogan.end()
        if not _unquoted_ok(m[start:he], m[start:hs], listed):
            continue
        last_end = he
        yield "mechanism/cue-head", start, he


def _lever_list_candidates(m: str, sent: Sentence,
                           quote_spans: list[tuple[int, int]]) -> Iterable[tuple[str, int, int]]:
    """Plain members ending in a head of 以A、B工程等为抓手 (the list the hospital works through)."""
    for hit in _rules()["mechanism/lever-list"].finditer(m, sent.start, sent.end):
        pos = hit.start("list")
        for part in re.split(r"[、和及]", hit.group("list")):
            s, e = pos, pos + len(part)
            pos = e + 1
            head = _rules()["mechanism/lever-list-head"].search(m, s, e)
            if head is None or any(qs < e and s < qe for qs, qe in quote_spans):
                continue
            cue = _cue_re().match(m, s, head.start())
            s = cue.end() if cue else s  # 以实施X工程为抓手
            if _unquoted_ok(m[s:e], m[s:head.start()], True):
                yield "mechanism/lever-list", s, e


def extract(ctx: DocContext) -> Iterable[Finding]:
    """Mechanisms of a document, each linked to the hospital in scope.

    Args:
        ctx: the document context; honors found earlier are not taken as mechanisms.

    Returns:
        One finding per mention; mentions of one practice share a key.
    """
    m, text = ctx.match_text, ctx.text
    blocked = frozenset(
        [simple(f.entity.label) for f in ctx.found(EntityType.HONOR)]
        + [simple(n) for f in ctx.found(EntityType.HOSPITAL) for n in (f.entity.label, *f.entity.aliases)]
    )
    long_blocked = [b for b in blocked if len(b) >= 4]
    blocked_lines = "\n".join(blocked)
    raw: list[tuple[str, str, tuple[str, ...], Sentence, int]] = []
    for sent in ctx.sentences:
        quotes = find_quoted(m, sent.start, sent.end)
        quote_spans = [(q.start, q.end) for q in quotes]
        for rid, s, e, cs, ce in _bracketed_candidates(m, sent, quotes, blocked_lines):
            quote_spans.append((s, e))
            label = clean_label(text[s:e])
            cores = [clean_label(text[q.inner_start + s:q.inner_end + s]) for q in find_quoted(text[s:e])]
            cores = list(dict.fromkeys([clean_label(text[cs:ce]), *cores]))
            raw.append((rid, label, tuple(c for c in cores if c and c != label), sent, s))
        for rid, s, e in _plain_candidates(m, sent, quote_spans):
            label = clean_label(text[s:e])
            if any(label in b or b in label for b in long_blocked):
                continue
            raw.append((rid, label, (), sent, s))
    return findings(ctx, merge_names([r for r in raw if is_clean_name(r[1])]))


# Most sentences hold no quote, title or lever phrase: the cheap checks below
# skip those candidate generators for them (they would find nothing there).
def _bracketed_candidates(m: str, sent: Sentence, quotes: list[Quoted],
                          blocked: str) -> list[tuple[str, int, int, int, int]]:
    """Quoted names, then 《…》 titles, of one sentence."""
    out = list(_quoted_candidates(m, sent, quotes, blocked)) if quotes else []
    if m.find("《", sent.start, sent.end) >= 0:
        out.extend(_titled_candidates(m, sent))
    return out


def _plain_candidates(m: str, sent: Sentence, quote_spans: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Unquoted head-ended names, then lever-list members, of one sentence."""
    out = list(_unquoted_candidates(m, sent, quote_spans))
    if _holds_trigger("mechanism/lever-list", m, sent):
        out.extend(_lever_list_candidates(m, sent, quote_spans))
    return out
