"""Typed records handed from one pipeline stage to the next.

Flow: ``SourceText`` (ingest) -> ``NormalizedText`` (normalize) -> ``Sentence``
(segment) -> ``Mention`` (extract) -> ``Entity`` / ``Relation`` with
``Evidence`` collected per document in ``DocumentFacts`` -> resolve -> graph.

All records are frozen; stages never mutate what they receive. Offsets in
``Mention`` and ``Sentence`` are into ``NormalizedText.text``; offsets in
``Evidence`` are into the decoded source file (``SourceText.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from kg.vocab import EntityType, Predicate


class SkipReason(str, Enum):
    """Why an input file was not built (shown in the summary and on stderr)."""

    NOT_FOUND = "not found"
    UNREADABLE = "cannot be read"
    EMPTY = "empty"
    BINARY = "binary, not text"
    UNDECODABLE = "not UTF-8, UTF-16, GB18030 or Big5 text"
    TOO_LARGE = "larger than the size limit"
    UNSUPPORTED = "unsupported file type"
    BROKEN = "damaged file"


@dataclass(frozen=True)
class SourceText:
    """A decoded input file. ``text`` is what evidence offsets point into."""

    path: str  # path as found (POSIX form), used in messages
    file_name: str  # base name, the hkg:fileName
    text: str
    encoding: str  # codec chosen by ingest ("utf-8", "gb18030", ...)
    sha256: str  # hex digest of the raw bytes

    @property
    def doc_id(self) -> str:
        """Stable document id: content-addressed, independent of input order."""
        return self.sha256[:16]


@dataclass(frozen=True)
class Skipped:
    """An input that was reported and left out of the build."""

    path: str
    reason: SkipReason
    detail: str = ""

    def message(self) -> str:
        """One line for stderr: the file and the problem.

        A detail spanning lines (an exception message from a library) is joined
        with spaces, and unprintable characters of the path are shown escaped,
        so the message stays one line whatever the file or the error.
        """
        detail = " ".join(part.strip() for part in self.detail.splitlines() if part.strip())
        path = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in self.path)
        tail = f" ({detail})" if detail else ""
        return f"{path}: skipped: {self.reason.value}{tail}"


@dataclass(frozen=True)
class NormalizedText:
    """Repaired text plus, for every character, its offset in the source text."""

    text: str
    src_index: tuple[int, ...]  # len(src_index) == len(text)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span ``[start, end)`` to a source span.

        The source span covers every source character that produced the
        normalized ones, so the source slice, whitespace removed, contains the
        normalized slice, whitespace removed.
        """
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside text of length {len(self.text)}")
        return self.src_index[start], self.src_index[end - 1] + 1


@dataclass(frozen=True, order=True)
class Sentence:
    """A sentence of the normalized text, ``[start, end)``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, order=True)
class Mention:
    """A typed span found by a rule, in normalized offsets."""

    start: int
    end: int
    text: str
    type: EntityType
    rule_id: str


# Evidence, EntityKey and Entity have slots: a 100 MB build holds millions of them.
# Evidence and EntityKey are the graph's dict keys, hashed millions of times: the hash is
# computed once (and never pickled: str hashes differ between processes).


@dataclass(frozen=True, order=True, slots=True)
class Evidence:
    """The sentence that supports a fact, located in the source file."""

    doc_id: str
    char_start: int  # offsets into SourceText.text
    char_end: int
    sentence: str
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.doc_id, self.char_start, self.char_end, self.sentence)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self):
        return Evidence, (self.doc_id, self.char_start, self.char_end, self.sentence)


@dataclass(frozen=True, order=True, slots=True)
class EntityKey:
    """Identity of an entity across documents: its type and canonical parts.

    Hospital: (name,). Leader: (name, hospital). Honor: (hospital, title, year,
    unit). Mechanism: (name,). Metric: (hospital, name, value, unit, year).
    Missing parts are empty strings. IRIs are minted from keys only (kg.ids).
    """

    type: EntityType
    parts: tuple[str, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.type, self.parts)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self):
        return EntityKey, (self.type, self.parts)


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity as found in one document; resolve merges them across documents."""

    key: EntityKey
    label: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # Leader posts
    year: int | None = None  # Honor, Metric
    recipient_unit: str | None = None  # Honor: internal unit that received it
    level: str | None = None  # Honor: 国家级 / 省级 / 市级 ...
    value: Decimal | None = None  # Metric
    unit: str | None = None  # Metric
    from_value: Decimal | None = None  # Metric, "from A to B"
    approximate: bool = False  # Metric, 余/近/约
    rule_id: str = ""


@dataclass(frozen=True)
class Relation:
    """A relation triple between two entity keys, with one supporting sentence."""

    predicate: Predicate
    subject: EntityKey
    object: EntityKey
    evidence: Evidence
    rule_id: str = ""
    confidence: float = 1.0


@dataclass(frozen=True)
class DocumentInfo:
    """What the graph records about a source file (hkg:Document)."""

    doc_id: str
    file_name: str
    path: str
    sha256: str
    encoding: str
    title: str | None = None


@dataclass(frozen=True)
class DocumentFacts:
    """Everything extraction found in one document."""

    doc: DocumentInfo
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    problems: tuple[str, ...] = ()  # extractor failures, "module: ExcType: message" (the build goes on)
