"""kg.readers.docx: body paragraphs and tables in order; headers left out; damage is skipped."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from kg.readers import ReadError
from kg.readers.docx import read_docx
from kg.records import SkipReason

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_reader_docx_reads_corpus_article():
    text, encoding = read_docx((CORPUS / "good" / "article.docx").read_bytes())
    assert encoding == "docx"
    assert text == (
        "云岭市儿童医院开展主题党日活动\n云岭市儿童医院党委书记沈一帆在主题党日活动上讲话。\n"
        "支部\t党员人数\n内科党支部\t31人\n"
    )
    assert "页眉" not in text


def test_reader_docx_keeps_body_order_and_writes_merged_cells_once():
    document = docx.Document()
    document.add_paragraph("第一段：白沙县中心医院党支部书记罗雨桐介绍。")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "合并标题"
    for col, value in enumerate(["甲", "乙", "丙"]):
        table.cell(1, col).text = value
    table.cell(1, 2).add_table(rows=1, cols=1).cell(0, 0).text = "嵌套"
    document.add_paragraph("第二段。")
    text, _ = read_docx(_save(document))
    assert text == "第一段：白沙县中心医院党支部书记罗雨桐介绍。\n合并标题\n甲\t乙\t丙\n嵌套\n第二段。\n"


def _without(raw: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info))
    return out.getvalue()


GOOD = (CORPUS / "good" / "article.docx").read_bytes()


@pytest.mark.parametrize(
    ("raw", "reason", "detail"),
    [
        (GOOD[: len(GOOD) // 2], SkipReason.BROKEN, "Word file is not a ZIP archive"),
        (_without(GOOD, "word/document.xml"), SkipReason.BROKEN, "Word file: "),
        (b"PK\x03\x04" + b"\x00" * 40, SkipReason.BROKEN, "Word file is not a ZIP archive"),
        (_save(docx.Document()), SkipReason.EMPTY, "no text in the document body"),
    ],
    ids=["truncated", "no-document-xml", "zip-header-only", "empty-document"],
)
def test_reader_docx_bad_files(raw, reason, detail):
    with pytest.raises(ReadError) as caught:
        read_docx(raw)
    assert caught.value.reason is reason
    assert caught.value.detail.startswith(detail)
