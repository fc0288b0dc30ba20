"""Which mechanism a figure is credited to (measuredBy), from the mechanisms already found.

The text credits a practice with a figure when the practice opens the
figure's clause or sentence (``通过“三榜”赛马机制，满意度提升至93.75%``;
``“清廉榜”梳理出38项…，药占比直降9.63个百分点``), when the figure counts the
practice itself (``组织300余期“人医家乡情”活动``), when the sentence before
is about the practice and ends or starts with it (``以“党建+学科”为例。`` then
the figures), or when the figure is the attendance of a meeting held on it
(``召开“三严三实”专题教育动员大会。… 300余人参加``). A clause opening may
carry a list number, 同时, a subject, adverbs and up to two adoption verbs
(``2. 严格落实“三重一大”…制度，全年…142项``; ``医院还建立“院科两级”…``).
Beyond the sentence: the next sentence continuing what the practice made
(``推出“X”项目，组建志愿服务队15支。志愿服务队开展义诊130场``) or restating it
(``该模式…``, ``品牌创建以来…``), and the later sentences of a paragraph the
practice opens as its subject (a part of a counted programme, 满意榜 of “三榜”,
crediting the programme); after the figure, a practice named as its cause
(``…提升至98%，这得益于“X”模式``). 此外/同时 opening the figure's sentence or
clause stops all credit from before it. Anything looser (a practice mentioned mid-clause,
``对标“五强”标准，将24个党支部扩增为29个``; a department as subject) is not
credited: precision first.

Mentions are found in a quote-free view of each sentence by label, alias,
core without a generic head (三严三实专题教育 -> 三严三实), or a quoted part of
exactly one label (“清廉榜”; one character only when defined: “X”是指…);
forms under 4 characters count only when quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.chinese import to_simplified
from kg.extract.context import DocContext
from kg.extract.metric_rules import MetricRules, rules
from kg.extract.metric_text import CLAUSE_BOUNDARIES, QUOTE_CHARS, quoted_spans
from kg.extract.metric_text import clause_end as _text_clause_end
from kg.extract.metric_text import clause_start as _text_clause_start
from kg.records import EntityKey, Sentence
from kg.vocab import EntityType

#: forms shorter than this must be quoted in the text to count as a mention.
MIN_UNQUOTED = 4
#: clause boundaries for crediting; a dash opens a new clause (…抵达——这种“X”机制，推动…).
CREDIT_BOUNDARIES = CLAUSE_BOUNDARIES + "—"
#: link confidence when the practice is named in the figure's sentence, or only before it.
SAME_SENTENCE = 0.9
PREVIOUS_SENTENCE = 0.7
PARAGRAPH = 0.6
#: characters that may describe a practice opening a paragraph (患者体验“满意榜”…).
PARAGRAPH_DESCRIPTOR = 4
#: a practice this close before or after a figure (quote marks included) is what it counts.
ADJACENT = 1
#: characters a clause must share, at its start, with what the previous sentence said the practice does
#: (two match by chance too often: 县域内就诊率 after …，县域医疗服务能力提升).
CONTINUE_CHARS = 3
#: a programme core that counts its parts: numerals, then the parts' shared noun (三榜, 五心).
RE_COUNTED_CORE = re.compile(r"^[一二两三四五六七八九十双]+(\w{1,2})$")
#: how many sentences back an attendance figure looks for the meeting it counts.
ATTEND_LOOKBACK = 2
#: runs of the characters names are compared on (no quote marks, no whitespace; ``_plain``).
RE_PLAIN_RUN = re.compile("[^" + re.escape(QUOTE_CHARS) + r"\s]+")
RE_NOT_PLAIN = re.compile("[" + re.escape(QUOTE_CHARS) + r"\s]")
RE_CREDIT_BOUNDARY = re.compile("[" + re.escape(CREDIT_BOUNDARIES) + "]")


@dataclass(frozen=True)
class Mention:
    """A mechanism named in a sentence, ``[start, end)`` in the sentence text."""

    start: int
    end: int
    key: EntityKey
    full: bool = True  # a label or alias, not a core without its head (谈心谈话 for 谈心谈话制度)


class CreditIndex:
    """Finds mechanism mentions per sentence and decides what a figure is credited to."""

    def __init__(
        self, ctx: DocContext, r: MetricRules | None = None, units: list[tuple[Sentence, str]] | None = None
    ) -> None:
        """Index the mechanisms found in ``ctx``.

        Args:
            ctx: the document, with the mechanisms found.
            r: the rules.
            units: the sentences credit works on with their match text (default: ``ctx.sentences``);
                ``credit`` and ``mentions`` take indices into it.
        """
        self._ctx = ctx
        self._r = r or rules()
        self._units = units or [(s, ctx.match_text[s.start:s.end]) for s in ctx.sentences]
        self._forms: dict[str, EntityKey] = {}
        self._cores: set[str] = set()
        self._labels: list[tuple[str, EntityKey]] = []
        names: dict[EntityKey, list[str]] = {}
        for finding in ctx.found(EntityType.MECHANISM):
            if finding.entity.key not in names:
                names[finding.entity.key] = [_plain(n) for n in (finding.entity.label, *finding.entity.aliases)]
                self._labels.append((names[finding.entity.key][0], finding.entity.key))
        for key, forms in names.items():  # full names first, so a core never hides one
            for form in forms:
                if len(form) >= 2:
                    self._forms.setdefault(form, key)
        for key, forms in names.items():
            for form in forms:
                core = _core(form, self._r.mechanism_suffixes)
                if core != form and len(core) >= 2 and core not in self._forms:
                    self._forms[core] = key
                    self._cores.add(core)
        self._cache: dict[int, list[Mention]] = {}
        self._owner: dict[str, EntityKey | None] = {}
        self._umbrella = _umbrellas(names, self._r.mechanism_suffixes)
        # the document's hospital names may stand as the subject (忠县人民医院通过“三榜”机制，…)
        hospital_names = {
            _plain(n) for f in ctx.found(EntityType.HOSPITAL) for n in (f.entity.label, *f.entity.aliases)
        }
        self._hospitals = tuple(sorted((n for n in hospital_names if len(n) >= 2), key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self._forms)

    def mentions(self, index: int) -> list[Mention]:
        """Mechanism mentions of sentence ``index`` (cached), in text order."""
        if index not in self._cache:
            self._cache[index] = self._find(self._units[index][1])
        return self._cache[index]

    def credit(self, index: int, start: int, end: int) -> tuple[EntityKey, float] | None:
        """The mechanism a figure at ``[start, end)`` of sentence ``index`` is credited to.

        Args:
            index: sentence index in ``ctx.sentences``.
            start: figure start, offset into the sentence.
            end: figure end, offset into the sentence.

        Returns:
            ``(mechanism key, confidence)``, or None when the text credits no
            practice; credit from an earlier sentence is less certain.
        """
        if not self._forms:
            return None
        text = self._sentence_text(index)
        here = self.mentions(index)
        before = [m for m in here if m.end <= start]
        clause = _clause_start(text, start)
        parallel = text.startswith(self._r.credit.get("parallel", ()), clause)
        for m in reversed(before):
            if parallel and m.start < clause:
                break  # 同时/此外 opens a new action: earlier practices are not credited with it
            if self._opens_clause(text, m):
                return m.key, SAME_SENTENCE
        for m in here:
            # the figure counts the practice itself: 300余期“人医家乡情”活动, 举办“道德讲堂”12期
            adjacent = end <= m.start <= end + ADJACENT or start - ADJACENT <= m.end <= start
            if m.full and adjacent and _clause_start(text, m.start) == _clause_start(text, start):
                return m.key, SAME_SENTENCE
        explained = self._explained(index, text, end)
        if explained or before:
            return explained
        starts = (0, *_clause_starts(text, start))
        if any(text.startswith(self._r.credit.get("parallel", ()), c) for c in starts):
            return None  # 此外/同时 turns to another matter: nothing before the sentence is credited
        return (
            self._from_previous(index, text, end)
            or self._continued(index, text, start)
            or self._since(index, text)
            or self._paragraph(index)
        )

    def _from_previous(self, index: int, text: str, end: int) -> tuple[EntityKey, float] | None:
        """Credit from the sentences before: one practice opening or closing the previous
        sentence, or a meeting on a practice for an attendance figure."""
        prev = index - 1
        if prev < 0:
            return None
        ptext = self._sentence_text(prev)
        pmentions = self.mentions(prev)
        if pmentions and len({m.key for m in pmentions}) == 1:
            first, last = pmentions[0], pmentions[-1]
            if _clause_start(ptext, first.start) == 0 and self._r.credit_prefix_bare.match(
                _plain(ptext[: first.start])
            ):
                return first.key, PREVIOUS_SENTENCE
            if self._r.credit_prev_tail.match(_plain(ptext[last.end:])):
                return last.key, PREVIOUS_SENTENCE
        clause_end = _clause_end(text, end)
        if not self._r.any_credit_attend.search(text, end, clause_end):
            return None
        for back in range(index - 1, max(index - 1 - ATTEND_LOOKBACK, -1), -1):
            btext = self._sentence_text(back)
            for m in self.mentions(back):
                if self._r.any_credit_meeting.search(btext, 0, m.start):
                    return m.key, PREVIOUS_SENTENCE
        return None

    def _continued(self, index: int, text: str, start: int) -> tuple[EntityKey, float] | None:
        """Credit a figure whose clause carries on from the practice adopted in the previous sentence.

        The previous sentence must adopt one practice (``医院推出“X”项目，组建服务队15支。``)
        and the figure's clause, past time, tally and subject words, must restate it
        (``该项目…``) or open with what the previous sentence said the practice does or
        made (``志愿服务队开展义诊130场`` after ``组建…志愿服务队``; ``选派骨干46人次`` after
        ``每年选派…``). When the sentence's first clause is such a continuation, its later
        clauses carry it too, up to a 同时/此外 break.
        """
        prev = index - 1
        if prev < 0:
            return None
        pmentions = self.mentions(prev)
        if not pmentions or len({m.key for m in pmentions}) != 1:
            return None
        ptext = self._sentence_text(prev)
        last = pmentions[-1]
        if not any(self._opens_clause(ptext, m) for m in pmentions):
            return None
        after = _plain(ptext[last.end:])
        target = _clause_start(text, start)
        carried, first = False, True
        pos = 0
        while pos <= target:
            clause = _plain(text[pos:_clause_end(text, pos)])
            if clause.startswith(self._r.credit.get("parallel", ())):
                carried, first = False, False
            body = clause[self._r.credit_lead.match(clause).end():]
            if body:
                hit = bool(self._r.credit_restate.match(body)) or _restates(body, after)
                if pos == target:
                    return (last.key, PREVIOUS_SENTENCE) if hit or carried else None
                if first:
                    carried, first = hit, False
            elif pos == target:
                return (last.key, PREVIOUS_SENTENCE) if carried else None
            pos = _clause_end(text, pos) + 1
        return None

    def _since(self, index: int, text: str) -> tuple[EntityKey, float] | None:
        """Credit the figures of a sentence opening with ``(该)品牌创建以来``/``机制实施以来``.

        The head names the practice: the document's one mechanism whose name
        contains it (or, after a determiner, the one the previous sentence names).
        """
        opener = _plain(text[:_clause_end(text, 0)])
        m = self._r.credit_since.match(opener[self._r.credit_lead.match(opener).end():])
        if not m:
            return None
        owners = {key for label, key in self._labels if m.group("head") in label}
        if m.group("det") and index > 0:
            named = {mm.key for mm in self.mentions(index - 1)} & owners
            owners = named or owners
        return (owners.pop(), PREVIOUS_SENTENCE) if len(owners) == 1 else None

    def _paragraph(self, index: int) -> tuple[EntityKey, float] | None:
        """Credit a figure to the practice a paragraph opens with as its bare subject.

        ``患者体验“满意榜”将服务精度转化为民生温度。2024年，…满意度为93.75%`` - the
        paragraph is about the practice until a later sentence adopts another one or
        turns to another matter (此外/同时).
        When the practice is one part of a numbered programme (满意榜 of “三榜”), the
        paragraph reports on the programme: the figure goes to it.
        """
        first = index
        while first > 0 and not self._opens_paragraph(first):
            first -= 1
        if first == index:
            return None
        ftext = self._sentence_text(first)
        fmentions = self.mentions(first)
        if not fmentions or _clause_start(ftext, fmentions[0].start) != 0:
            return None
        descriptor = _plain(ftext[: fmentions[0].start])
        if descriptor and (len(descriptor) > PARAGRAPH_DESCRIPTOR or self._r.credit_prefix.match(descriptor)):
            return None  # the practice must be the subject, not adopted by one (医院推出“X”)
        key = fmentions[0].key
        parallel = self._r.credit.get("parallel", ())
        for k in range(first + 1, index):
            ktext = self._sentence_text(k)
            if ktext.startswith(parallel):
                return None  # 此外，… turns to another matter
            if any(m.key != key and self._opens_clause(ktext, m) for m in self.mentions(k)):
                return None
        return self._umbrella.get(key, key), PARAGRAPH

    def _opens_paragraph(self, index: int) -> bool:
        """True when sentence ``index`` starts a paragraph: a line break before it, not after a colon
        (a line ending with ``：`` introduces the quotation that follows)."""
        prev, sent = self._units[index - 1][0], self._units[index][0]
        return "\n" in self._ctx.text[prev.end:sent.start] and self._ctx.text[prev.end - 1] not in "：:"

    def _explained(self, index: int, text: str, end: int) -> tuple[EntityKey, float] | None:
        """Credit a practice the text names as the figure's cause after it:
        ``满意度提升至98%，这得益于医院推行的“X”模式`` (same sentence, or the next one opening so)."""
        for i, after in ((index, end), (index + 1, 0)):
            if i >= len(self._units):
                break
            itext = self._sentence_text(i)
            for m in self.mentions(i):
                if m.start < after:
                    continue
                prefix = _plain(itext[_clause_start(itext, m.start):m.start])
                cause = self._r.credit_because.match(prefix)
                opens = i == index or _clause_start(itext, m.start) == 0
                if cause and opens and self._is_prefix(cause.group("rest").removesuffix("的")):
                    return m.key, SAME_SENTENCE if i == index else PREVIOUS_SENTENCE
                break  # only the first practice after the figure may be its cause
        return None

    def _opens_clause(self, text: str, m: Mention) -> bool:
        """True when only a subject, a cue verb and a determiner stand between the clause start and ``m``."""
        return self._is_prefix(_plain(text[_clause_start(text, m.start):m.start]))

    def _is_prefix(self, prefix: str) -> bool:
        """True when ``prefix`` is only a subject, cue verbs and a determiner (see credit_prefix)."""
        for name in self._hospitals:
            if prefix.startswith(name):
                prefix = prefix[len(name):]
                break
        return bool(self._r.credit_prefix.match(prefix))

    def _sentence_text(self, index: int) -> str:
        return self._units[index][1]

    def _sole_owner(self, part: str) -> EntityKey | None:
        """The one mechanism whose label contains ``part`` (None when none or several do); cached,
        since a document quotes the same names again and again."""
        if part not in self._owner:
            owners = {key for label, key in self._labels if part in label}
            self._owner[part] = owners.pop() if len(owners) == 1 else None
        return self._owner[part]

    def _find(self, text: str) -> list[Mention]:
        """Mentions in one sentence: known forms in the quote-free view, then quoted parts of labels."""
        plain = RE_NOT_PLAIN.sub("", text)
        quoted = quoted_spans(text)
        found: dict[int, Mention] = {}
        hits = [form for form in self._forms if form in plain]
        if hits:
            kept = _kept_offsets(text, plain)
            quoted_inner = set(quoted)
            for form in hits:
                key = self._forms[form]
                pos = plain.find(form)
                while pos >= 0:
                    start, end = kept[pos], kept[pos + len(form) - 1] + 1
                    counts = len(form) >= MIN_UNQUOTED or (start, end) in quoted_inner
                    if counts and (start not in found or found[start].end < end):
                        found[start] = Mention(start, end, key, form not in self._cores)
                    pos = plain.find(form, pos + 1)
        for a, b in quoted:
            inner = _plain(text[a:b])
            if a in found or not inner:
                continue
            if len(inner) < 2 and not text.startswith(self._r.credit.get("define", ()), b + 1):
                continue  # one character names a part only when defined: “X”是指…
            owner = self._sole_owner(inner)
            if owner is not None:
                found[a] = Mention(a, b, owner)
        if not found:
            return []
        out: list[Mention] = []
        for m in sorted(found.values(), key=lambda m: (m.start, -m.end)):
            if out and m.start < out[-1].end:
                continue  # nested in a longer mention
            out.append(m)
        return out


def _kept_offsets(text: str, plain: str) -> Sequence[int]:
    """Offset in ``text`` of each character of its quote-free view ``plain``."""
    if len(plain) == len(text):
        return range(len(text))
    kept: list[int] = []
    for m in RE_PLAIN_RUN.finditer(text):
        kept.extend(range(m.start(), m.end()))
    return kept


@lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    """Simplified text without quote marks and whitespace (how names are compared)."""
    return to_simplified("".join(ch for ch in text if ch not in QUOTE_CHARS and not ch.isspace()))


@lru_cache(maxsize=4096)
def _core(form: str, suffixes: tuple[str, ...]) -> str:
    """A mechanism name without its generic head (三严三实专题教育 -> 三严三实)."""
    for suffix in suffixes:
        if form.endswith(suffix) and len(form) > len(suffix):
            return form[: -len(suffix)].rstrip("的")
    return form


def _umbrellas(names: dict[EntityKey, list[str]], suffixes: tuple[str, ...]) -> dict[EntityKey, EntityKey]:
    """Part -> programme, for programmes whose core counts their parts (“三榜” -> 满意榜, 有为榜):
    numerals and a short noun (三榜, 五心); the other mechanisms ending with that noun are its
    parts, unless two programmes claim them."""
    parts: dict[EntityKey, set[EntityKey]] = {}
    ending: dict[str, list[EntityKey]] = {}  # counted noun -> the mechanisms with a longer form ending in it
    for key, forms in names.items():
        for form in forms:
            m = RE_COUNTED_CORE.match(_core(form, suffixes))
            if not m:
                continue
            noun = m.group(1)
            if noun not in ending:
                ending[noun] = [
                    other for other, oforms in names.items() if any(f.endswith(noun) and len(f) > len(noun) for f in oforms)
                ]
            for other in ending[noun]:
                if other != key:
                    parts.setdefault(other, set()).add(key)
    return {part: next(iter(owners)) for part, owners in parts.items() if len(owners) == 1}


def _restates(body: str, after: str) -> bool:
    """True when a clause opens with ``CONTINUE_CHARS`` CJK characters that the practice's sentence used after it."""
    head = body[:CONTINUE_CHARS]
    return len(head) == CONTINUE_CHARS and all("\u4e00" <= ch <= "\u9fff" for ch in head) and head in after


def _clause_starts(text: str, pos: int) -> list[int]:
    """Starts of the clauses after the first, up to the one holding ``pos``."""
    return [m.end() for m in RE_CREDIT_BOUNDARY.finditer(text, 0, pos)]


def _clause_start(text: str, pos: int) -> int:
    return _text_clause_start(text, pos, CREDIT_BOUNDARIES)


def _clause_end(text: str, pos: int) -> int:
    return _text_clause_end(text, pos, CREDIT_BOUNDARIES)
