"""Sentence splitting over normalized text (offsets stay normalized)."""

from __future__ import annotations

import re

from kg.records import NormalizedText, Sentence

# A sentence ends at 。！？；, or at a line end (paragraphs and headlines);
# a closing quote right after the stop belongs to the sentence.
RE_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』\"']?|\n+")


def split_sentences(norm: NormalizedText) -> list[Sentence]:
    """Split normalized text into non-empty sentences with their offsets."""
    text = norm.text
    out: list[Sentence] = []
    start = 0
    for m in RE_SENTENCE_END.finditer(text):
        _append(out, text, start, m.end())
        start = m.end()
    _append(out, text, start, len(text))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))
