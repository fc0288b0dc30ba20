"""Readers: raw bytes of one file in, ``(text, encoding)`` out, or ``ReadError``.

One module per format (``text``, ``html``, ``pdf``, ``docx``); ``kg.ingest``
maps file suffixes to them in its ``READERS`` table. Readers of binary formats
import their library inside the function, so a build of plain-text files never
pays for loading trafilatura, pypdf or python-docx.

For HTML, PDF and DOCX the text a reader returns is the *extracted* plain text:
it becomes ``SourceText.text``, so evidence offsets (``hkg:charStart`` /
``hkg:charEnd``) point into that extracted text, not into the file's bytes.
The extracted text is kept in memory only and written nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.records import SkipReason


class ReadError(Exception):
    """A reader's verdict that a file's content cannot be used.

    Args:
        reason: the skip reason shown in the summary and on stderr.
        detail: a short explanation (shown in brackets after the reason).
    """

    def __init__(self, reason: SkipReason, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail


Reader = Callable[[bytes], tuple[str, str]]

__all__ = ["ReadError", "Reader"]
