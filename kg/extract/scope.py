"""Which hospital each position of a document belongs to.

Every fact an extractor finds is attached to ``ctx.scope.hospital_at(offset)``,
so the scope decides the precision of every relation. It is built from the
hospital mentions of ``kg.extract.hospitals`` in layers, the narrowest first
at lookup:

1. **Sections.** A newspaper page of interviews prints each piece's byline
   after its body (``中日友好医院党委书记宋树立——`` on its own line). When a
   document has two or more such bylines, the text up to a byline (after the
   previous one) belongs to the byline's hospital.
2. **Anchors.** Otherwise the scope is "sticky": it is the hospital of the last
   subject mention of an *anchor* hospital before the position. Anchors are
   hospitals named in the headline (the first sentences, or a short title line
   they open), and hospitals named as a subject at least twice (three times
   when the headline names another) and at least a third as often as the
   most-named one; a partner (与新桥医院合作, 托管XX医院) never moves the scope.
   Before the first anchor mention, the first anchor applies. A page without
   anchors belongs to its most-named hospital.
3. **Paragraph.** A hospital named as subject at the head of a paragraph owns
   that paragraph (pages of short news items name each item's hospital once).
4. **Sentence.** Inside one sentence, a hospital named as the subject before
   the position wins (永州市第四人民医院…率队到市中心医院交流: the visitor's
   figures are its own).

References (该院, 本院, 我院, 医院) are not nodes; they simply fall under the
scope at their position. Keys: a full name is its own key (one node across
documents); a name relative to its place (市人民医院) is keyed per document.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kg.extract.context import DocContext, Finding
from kg.extract.hospital_mentions import Mention
from kg.extract.hospitals import HospitalTable, find_hospitals
from kg.lexicon import alternation, load_list
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType

#: the headline zone: anchors may be named once in the first sentences, within this many characters.
HEADLINE_CHARS = 120
HEADLINE_SENTENCES = 2
#: a hospital anchors the scope when named as subject at least 1/ANCHOR_SHARE as often as the most-named one.
ANCHOR_SHARE = 3
#: a hospital named within this many characters of a paragraph's start opens it (本报讯 XX医院…).
PARAGRAPH_HEAD = 16
#: a byline line is at most this long.
BYLINE_MAX = 40


@lru_cache(maxsize=1)
def _byline_re() -> re.Pattern[str]:
    """``<post><name>——`` at the end of a line that starts with a hospital."""
    posts = alternation(load_list("posts"))
    return re.compile(posts + r"[\u3400-\u9fff]{2,4}\s*[—\-－─]{1,3}\s*$")


#: a name starting with one of these is relative to the document's place (市人民医院, 第三中医院).
RELATIVE_STARTS = frozenset("省市县区第")


def hospital_key(name: str, doc_id: str) -> EntityKey:
    """Key of a hospital of a document.

    A full name is its own identity (one node across documents). A name that
    only makes sense where it is written (市人民医院: every city has one) is
    qualified with the document id, so two cities' 市人民医院 stay two nodes;
    the label still shows the name as written.

    Args:
        name: canonical Simplified name in the document.
        doc_id: the document's id.

    Returns:
        The Hospital key.
    """
    if name[:1] in RELATIVE_STARTS:
        name = f"{name}@{doc_id}"
    return EntityKey(EntityType.HOSPITAL, (name,))


_NEWLINE = re.compile("\n")


class _Lines:
    """Line boundaries of a text, found once (lookups are bisections, not scans)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self._len = len(text)

    def bounds(self, offset: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding ``offset`` (end excludes the newline)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else self._len
        return self._starts[i], end


def _opens_short_line(text: str, lines: _Lines, m: Mention) -> bool:
    """True when the mention starts a line of at most ``BYLINE_MAX`` characters (a title)."""
    start, end = lines.bounds(m.start)
    return not text[start : m.start].strip() and end - start <= BYLINE_MAX


class DocumentScope:
    """The hospital scope of one document (implements ``HospitalScope``).

    Besides ``hospital_at`` and ``hospitals``, extractors may use
    ``mentions_in`` (hospital mentions inside a span, e.g. the hospital named
    right before a post; each mention says whether it is a partner),
    ``resolve`` (a written form to its hospital) and ``sentence_at``.
    """

    def __init__(self, ctx: DocContext, table: HospitalTable) -> None:
        self.table = table
        self._ctx = ctx
        self._sent_starts = [s.start for s in ctx.sentences]
        self._mention_starts = [m.start for m, _ in table.mentions]
        self._lines = _Lines(ctx.match_text)
        self._sections = self._byline_sections(ctx, table, self._lines)
        self._timeline = [] if self._sections else self._anchor_timeline(table, ctx, self._lines)
        self._timeline_starts = [t for t, _ in self._timeline]
        self._section_ends = [e for e, _ in self._sections]

    # -- construction -------------------------------------------------------
    @staticmethod
    def _byline_sections(ctx: DocContext, table: HospitalTable, lines: _Lines) -> list[tuple[int, str]]:
        """(end offset, hospital) of each byline when the page has two or more."""
        byline = _byline_re()
        s = ctx.match_text
        first_on_line: dict[tuple[int, int], tuple[Mention, str]] = {}
        for m, canon in table.mentions:
            start, end = lines.bounds(m.start)
            if not s[start : m.start].strip():
                first_on_line.setdefault((start, end), (m, canon))
        sections = []
        for (start, end), (m, canon) in first_on_line.items():
            if end - start <= BYLINE_MAX and byline.match(s, m.end, end):
                sections.append((end, canon))
        return sorted(sections) if len(sections) >= 2 else []

    @staticmethod
    def _anchor_timeline(table: HospitalTable, ctx: DocContext, lines: _Lines) -> list[tuple[int, str]]:
        """(offset, hospital) of every subject mention of an anchor hospital."""
        text, sentences = ctx.match_text, ctx.sentences
        # the headline zone: the first sentences (lines) of the page, within HEADLINE_CHARS
        first = sentences[HEADLINE_SENTENCES - 1].end if len(sentences) >= HEADLINE_SENTENCES else len(text)
        headline_end = min(HEADLINE_CHARS, first)
        subject_counts: dict[str, int] = {}
        headline: set[str] = set()
        for m, canon in table.mentions:
            if m.partner:
                continue
            subject_counts[canon] = subject_counts.get(canon, 0) + 1
            if m.start < headline_end or _opens_short_line(text, lines, m):
                headline.add(canon)  # the page's headline, or the title of one article of a page
        # a partner named as subject now and then (YY医院院长表示…) must not take the page over
        # (and when the headline names the page's hospital, twice is not enough for another one)
        floor = max(3 if headline else 2, max(subject_counts.values(), default=0) / ANCHOR_SHARE)
        anchors = {c for c, n in subject_counts.items() if n >= floor} | headline
        if not anchors and table.hospitals:
            # no anchor: the most-named hospital (first named on a tie) scopes the whole page
            order = {c: i for i, (_, c) in reversed(list(enumerate(table.mentions)))}
            hospitals = table.hospitals
            best = max(hospitals, key=lambda c: (subject_counts.get(c, 0), len(hospitals[c].mentions), -order[c]))
            return [(0, best)]
        return [(m.start, c) for m, c in table.mentions if c in anchors and not m.partner]

    def _key(self, canon: str) -> EntityKey:
        return hospital_key(canon, self._ctx.source.doc_id)

    # -- queries ------------------------------------------------------------
    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing ``offset`` (None between sentences)."""
        i = bisect.bisect_right(self._sent_starts, offset) - 1
        if i >= 0 and offset < self._ctx.sentences[i].end:
            return self._ctx.sentences[i]
        return None

    def mentions_in(self, start: int, end: int) -> list[tuple[Mention, EntityKey]]:
        """Hospital mentions inside ``[start, end)``, in text order, with their hospital."""
        i = bisect.bisect_left(self._mention_starts, start)
        out = []
        while i < len(self._mention_starts) and self._mention_starts[i] < end:
            m, canon = self.table.mentions[i]
            if m.end <= end:
                out.append((m, self._key(canon)))
            i += 1
        return out

    def resolve(self, name: str) -> EntityKey | None:
        """The hospital a written form (Simplified) stands for in this document, if any."""
        canon = self.table.resolve(name)
        return self._key(canon) if canon else None

    def section_hospital_at(self, offset: int) -> EntityKey | None:
        """The hospital of the section or anchor run at ``offset`` (ignores the sentence)."""
        if self._sections:
            i = bisect.bisect_left(self._section_ends, offset + 1)
            return self._key(self._sections[min(i, len(self._sections) - 1)][1])
        if not self._timeline:
            return None
        i = bisect.bisect_right(self._timeline_starts, offset) - 1
        return self._key(self._timeline[max(i, 0)][1])

    def hospital_at(self, offset: int) -> EntityKey | None:
        """The hospital in scope at a normalized offset (None when the document names none).

        Args:
            offset: a position in ``ctx.text``.

        Returns:
            The key of the hospital named as subject earlier in the same
            sentence, else of the one opening the paragraph, else that of the
            byline section or anchor run.
        """
        sent = self.sentence_at(offset)
        if sent is not None:
            # the last subject mention at or before the offset in this sentence (walk back over partners)
            i = bisect.bisect_right(self._mention_starts, offset) - 1
            while i >= 0 and self._mention_starts[i] >= sent.start:
                m, canon = self.table.mentions[i]
                if not m.partner:
                    return self._key(canon)
                i -= 1
        opener = self._paragraph_opener(offset)
        return opener if opener is not None else self.section_hospital_at(offset)

    def _paragraph_opener(self, offset: int) -> EntityKey | None:
        """The hospital named as subject at the head of the paragraph holding ``offset``, if any.

        A page of short news items (本报讯 XX医院…) names each item's hospital
        once, at its start: that paragraph is the item's, even when the hospital
        is not an anchor of the page.
        """
        if self._sections:
            return None  # byline pages: the paragraph heads are the previous piece's text
        start, end = self._lines.bounds(offset)
        first = self.sentence_at(start)
        head_end = min(end, start + PARAGRAPH_HEAD, first.end if first else end)
        for m, key in self.mentions_in(start, min(end, head_end + 30)):
            # named in the paragraph's first sentence, within its first characters
            if m.start < head_end and not m.partner and m.start <= offset:
                return key
            break
        return None

    def hospitals(self) -> list[Finding]:
        """Every hospital of the document, with the sentence of its first mention."""
        out = []
        for canon, h in self.table.hospitals.items():
            first = h.mentions[0]
            sent = self.sentence_at(first.start) or Sentence(first.start, first.end, first.surface)
            entity = Entity(self._key(canon), h.label, aliases=tuple(h.aliases), rule_id="hospital/suffix")
            out.append(Finding(entity, sent))
        return out


def build_scope(ctx: DocContext) -> DocumentScope:
    """Find the document's hospitals and build its scope.

    Args:
        ctx: the document.

    Returns:
        A ``DocumentScope`` (implements ``HospitalScope``).
    """
    return DocumentScope(ctx, find_hospitals(ctx))
