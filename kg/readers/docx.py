"""Word reader (``.docx``): body paragraphs and tables, in document order (python-docx).

Headers, footers, footnotes and comments are left out, as page chrome is for
HTML. A table becomes one line per row, cells separated by a tab; a cell
merged across columns (python-docx repeats it) is written once. The recorded
encoding is ``"docx"``: the text comes from the document's XML, not from a
charset.
"""

from __future__ import annotations

import io
import zipfile

from kg.readers import ReadError
from kg.records import SkipReason

ENCODING = "docx"


def _table_lines(table) -> list[str]:
    """One line per row: distinct cells' text joined by tabs, nested tables after their row."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        nested: list[str] = []
        seen: list = []  # the cells' XML elements; holding them keeps lxml's proxies (and identity) stable
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell appears once per grid column it spans
                continue
            seen.append(cell._tc)
            cells.append(" ".join(p.text for p in cell.paragraphs).strip())
            for inner in cell.tables:
                nested.extend(_table_lines(inner))
        if any(cells):
            lines.append("\t".join(cells))
        lines.extend(nested)
    return lines


def _body_lines(document) -> list[str]:
    """Paragraph and table text of the document body, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return lines


def read_docx(raw: bytes) -> tuple[str, str]:
    """Reader for ``.docx``.

    Args:
        raw: the file's bytes.

    Returns:
        ``(text, "docx")``: one line per paragraph or table row.

    Raises:
        ReadError: BROKEN for a damaged or non-Word file; EMPTY when it has no text.
    """
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ReadError(SkipReason.BROKEN, "Word file is not a ZIP archive, truncated?")
    import docx  # imported late: only builds with Word files pay for it

    try:
        lines = _body_lines(docx.Document(io.BytesIO(raw)))
    except Exception as error:  # noqa: BLE001 - python-docx/zipfile/lxml raise many types
        raise ReadError(SkipReason.BROKEN, f"Word file: {type(error).__name__}: {error}") from None
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(SkipReason.EMPTY, "no text in the document body")
    return text + "\n", ENCODING
