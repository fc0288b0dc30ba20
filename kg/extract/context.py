"""What every extractor receives for one document, and what it hands back.

The orchestrator (``kg.extract.extract_document``) builds a ``DocContext``
(normalized text, sentences, hospital scope), runs the extractors in order, and
turns their ``Finding``s into ``DocumentFacts``: entities, plus one relation
per link with the finding's sentence as evidence. Extractors never mint IRIs
and never touch the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import re

from kg.chinese import to_simplified
from kg.records import Entity, EntityKey, Evidence, NormalizedText, Sentence, SourceText
from kg.vocab import Predicate

# PDF line breaks inside a sentence (with the indentation around them)
RE_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000]*")


@dataclass(frozen=True)
class Link:
    """A relation an extractor asserts; evidence is the finding's sentence."""

    predicate: Predicate
    subject: EntityKey
    object: EntityKey
    confidence: float = 1.0


@dataclass(frozen=True)
class Finding:
    """An entity found in one sentence, with the relations that sentence supports."""

    entity: Entity
    sentence: Sentence
    links: tuple[Link, ...] = ()


class HospitalScope(Protocol):
    """Answers "which hospital does this position belong to?" for one document."""

    def hospital_at(self, offset: int) -> EntityKey | None:
        """The hospital in scope at a normalized offset (None when there is none)."""

    def hospitals(self) -> list[Finding]:
        """The document's hospital entities, each with a sentence that names it."""


@dataclass
class DocContext:
    """One document as the extractors see it."""

    source: SourceText
    norm: NormalizedText
    sentences: list[Sentence]
    match_text: str = ""  # Simplified-Chinese view of norm.text, same length: match on it, slice labels from text
    scope: HospitalScope | None = None
    findings: list[Finding] = field(default_factory=list)  # earlier extractors' results (only ever appended to)
    # per-document memos: extractors ask for the same evidence and finding types many times
    _evidence: dict[tuple[int, int], Evidence] = field(default_factory=dict, init=False, repr=False, compare=False)
    _found: dict[object, tuple[list[Finding], int, tuple[Finding, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.match_text:
            self.match_text = to_simplified(self.norm.text)

    @property
    def text(self) -> str:
        return self.norm.text

    def evidence(self, sentence: Sentence) -> Evidence:
        """Evidence record for a sentence, with offsets mapped to the source file.

        The text is the source slice with line breaks removed, not the
        normalized sentence: repairs such as pinyin removal or width folding
        change characters, and users must find the quoted text in the file.
        """
        span = (sentence.start, sentence.end)
        evidence = self._evidence.get(span)
        if evidence is None:
            start, end = self.norm.to_source(sentence.start, sentence.end)
            text = RE_LINE_BREAK.sub("", self.source.text[start:end]).strip()
            evidence = self._evidence[span] = Evidence(self.source.doc_id, start, end, text)
        return evidence

    def found(self, type_) -> list[Finding]:
        """Findings of an entity type produced by earlier extractors."""
        # findings are only appended to: the same list at the same length has the same findings
        findings, count = self.findings, len(self.findings)
        hit = self._found.get(type_)
        if hit is None or hit[0] is not findings or hit[1] != count:
            hit = self._found[type_] = (findings, count, tuple(f for f in findings if f.entity.key.type == type_))
        return list(hit[2])
