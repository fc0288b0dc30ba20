"""PDF reader (``.pdf``): the text layer, page by page (pypdf).

Why pypdf rather than pdfminer.six: both read the CJK text layers we need
(CID fonts through ToUnicode maps and the predefined Adobe-GB1/CNS1 maps),
but pypdf is one pure-Python package without dependencies, reads a page in
about half the time, and reports encryption itself: files protected only by
an owner password (print/copy restrictions, common for newspaper PDFs) open
with the empty user password and are read; files that need a password are
skipped. pdfminer's layout analysis would reorder columns, which the
normalizer already copes with in the content-stream order the seeds came in.

Pages are joined with a newline, so the same line-joining repairs apply at a
page break as inside a page (``kg.normalize``). The recorded encoding is
``"pdf-text"``: the text comes from the PDF's text layer, not from a charset.
"""

from __future__ import annotations

import io
import logging

from kg.readers import ReadError
from kg.records import SkipReason

ENCODING = "pdf-text"
NO_TEXT_LAYER = "no text layer, scanned?"


def _open(raw: bytes):
    """A ``PdfReader`` for the bytes, decrypted when no password is needed."""
    from pypdf import PdfReader  # imported late: only builds with PDF files pay for it
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (NotImplementedError, PyPdfError) as error:  # e.g. AES without the crypto extra
                raise ReadError(SkipReason.UNREADABLE, f"encrypted PDF: {error}") from None
            if not opened:
                raise ReadError(SkipReason.UNREADABLE, "encrypted PDF, password required")
        return reader
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on damaged files
        raise ReadError(SkipReason.BROKEN, f"PDF: {type(error).__name__}: {error}") from None


def read_pdf(raw: bytes) -> tuple[str, str]:
    """Reader for ``.pdf``: the text of every page, in page order.

    Args:
        raw: the file's bytes.

    Returns:
        ``(text, "pdf-text")``.

    Raises:
        ReadError: BROKEN for a damaged file, UNREADABLE for one that needs a
            password, EMPTY ("no text layer, scanned?") when no page has text.
    """
    if not raw.startswith(b"%PDF") and b"%PDF" not in raw[:1024]:
        raise ReadError(SkipReason.BROKEN, "no %PDF header, not a PDF file")
    # pypdf logs every recoverable oddity as a warning; the skip message is our report
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = _open(raw)
    pages: list[str] = []
    try:
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text if text.endswith("\n") or not text else text + "\n")
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged content stream or page tree
        raise ReadError(SkipReason.BROKEN, f"PDF: {type(error).__name__}: {error}") from None
    text = "".join(pages)
    if not text.strip():
        raise ReadError(SkipReason.EMPTY, NO_TEXT_LAYER)
    return text, ENCODING
