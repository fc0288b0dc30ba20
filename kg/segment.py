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
    for end in [m.end() for m in RE_SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        body = piece.strip()  # str.strip() drops exactly what str.isspace() calls whitespace
        if body:
            first = start + len(piece) - len(piece.lstrip())
            out.append(Sentence(first, first + len(body), body))
        start = end
    return out
