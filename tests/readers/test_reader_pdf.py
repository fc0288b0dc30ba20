"""kg.readers.pdf: text layer page by page; scans, passwords and damage are skipped with a reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from kg.readers import ReadError
from kg.readers.pdf import NO_TEXT_LAYER, read_pdf
from kg.records import SkipReason

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
ARTICLE = (CORPUS / "good" / "article.pdf").read_bytes()


def _rewrite(raw: bytes, **encrypt) -> bytes:
    """The same pages through pypdf's writer, encrypted when ``encrypt`` is given."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    if encrypt:
        writer.encrypt(**encrypt)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_reader_pdf_reads_cjk_text_layer_in_page_order():
    text, encoding = read_pdf(ARTICLE)
    assert encoding == "pdf-text"
    assert text == (
        "南湖市第五人民医院深化党建品牌建设\n南湖市第五人民医院党委书记贺一鸣在会上表示，\n"
        "医院将深化“党建+专科”机制。\n该院院长许清和出席会议并讲话。\n"
    )


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_reader_pdf_opens_owner_password_only_files(algorithm):
    raw = _rewrite(ARTICLE, user_password="", owner_password="owner", algorithm=algorithm)
    assert PdfReader(io.BytesIO(raw)).is_encrypted
    assert read_pdf(raw) == read_pdf(ARTICLE)


def test_reader_pdf_skips_password_protected_files():
    raw = _rewrite(ARTICLE, user_password="secret", owner_password="owner", algorithm="AES-128")
    with pytest.raises(ReadError) as caught:
        read_pdf(raw)
    assert caught.value.reason is SkipReason.UNREADABLE
    assert caught.value.detail == "encrypted PDF, password required"


@pytest.mark.parametrize(
    ("raw", "reason", "detail"),
    [
        (_blank_pages(3), SkipReason.EMPTY, NO_TEXT_LAYER),
        ((CORPUS / "junk" / "scanned.pdf").read_bytes(), SkipReason.EMPTY, NO_TEXT_LAYER),
        (ARTICLE[: len(ARTICLE) // 3], SkipReason.BROKEN, "PDF: "),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, SkipReason.BROKEN, "PDF: "),
        (b"GIF89a not a pdf at all", SkipReason.BROKEN, "no %PDF header"),
    ],
    ids=["blank-pages", "shapes-only", "truncated", "garbage-body", "not-pdf"],
)
def test_reader_pdf_bad_files(raw, reason, detail):
    with pytest.raises(ReadError) as caught:
        read_pdf(raw)
    assert caught.value.reason is reason
    assert caught.value.detail.startswith(detail)
