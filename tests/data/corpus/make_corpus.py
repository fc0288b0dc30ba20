"""Regenerate the test corpus in this folder (the outputs are committed; tests never run this).

Every article is made up for these tests: hospitals, people and figures are
invented. Needs reportlab (PDFs; not a project dependency), python-docx and
pypdf, and a CJK TrueType font (Debian: fonts-wqy-zenhei) for the PDF text layer.

Usage: python tests/data/corpus/make_corpus.py
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

UTF8 = """临川市第三人民医院召开党建工作推进会
3月12日，临川市第三人民医院党委书记周立衡主持召开党建工作推进会。周立衡表示，医院将持续推进“党建+医疗质量”双提升机制，全年开展党员义诊活动36场。
"""
UTF8_BOM = """江陵县人民医院召开职工代表大会
江陵县人民医院院长孟启航在大会上作工作报告。孟启航表示，医院将坚持以党建引领高质量发展，推行“支部建在科室上”工作机制。
"""
UTF16LE = """松溪市第二人民医院党委副书记韩若舟表示，该院将把党史学习教育与便民服务结合起来。\r
"""
UTF16BE = """白沙县中心医院党支部书记罗雨桐介绍，该院今年组织党员志愿者服务队开展健康宣讲20余场。
"""
GBK = """东岭市肿瘤医院党委书记严慕白在专题党课上指出，要落实党委领导下的院长负责制。\r
"""
BIG5 = """鶴鳴市中醫醫院推進黨建與業務融合
鶴鳴市中醫醫院黨委書記林書遠表示，醫院將深化「黨建+名醫工作室」機制。
"""
MARKDOWN = """# 工作简报

鹤鸣市中医医院院长方敬之介绍，医院将中医药特色与党建工作深度融合。

- 开展“名医进社区”活动12次
"""
HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>滨江市第三人民医院召开党建工作会议_滨江日报网</title>
<style>body { font-family: sans-serif } .nav a::after { content: "青山市第九人民医院" }</style>
<script>var ad = "青山市第九人民医院党委书记钱伪造表示</p>";</script></head>
<body><header><div class="logo">滨江日报网</div></header>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/link">友情链接：青山市第九人民医院</a></li></ul></nav>
<div id="main"><article><h1>滨江市第三人民医院召开党建工作会议</h1>
<p>3月5日，滨江市第三人民医院党委书记周明远主持召开党建工作会议。</p>
<p>周明远表示，全院要坚持党委领导下的院长负责制，把支部建在科室上。</p>
</article></div>
<aside class="related">相关阅读：青山市第九人民医院院长赵伪名讲话</aside>
<footer>版权所有 滨江日报 备案号00000000</footer><script>track("page");</script></body></html>
"""
HTML_GBK = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>青禾县卫生健康网</title></head>
<body><div class="top-nav"><a href="/">首页</a> | <a href="/a">要闻</a> | <a href="/b">卫健动态</a></div>
<div class="header">青禾县卫生健康网</div>
<div class="content"><div class="TRS_Editor">
<p>近日，青禾县中医医院院长林晓舟带队赴基层开展义诊。</p>
<p>该院党支部书记陈可心介绍，医院推行“党建+健康驿站”机制。</p>
</div></div>
<div class="share">分享到：微信 微博</div>
<div class="footer">主办：青禾县卫生健康局 地址：某某路1号</div>
</body></html>
"""
PDF_PAGES = [
    ["南湖市第五人民医院深化党建品牌建设", "南湖市第五人民医院党委书记贺一鸣在会上表示，", "医院将深化“党建+专科”机制。"],
    ["该院院长许清和出席会议并讲话。"],
]
DOCX_PARAGRAPHS = ["云岭市儿童医院开展主题党日活动", "云岭市儿童医院党委书记沈一帆在主题党日活动上讲话。"]
DOCX_TABLE = [["支部", "党员人数"], ["内科党支部", "31人"]]


def _pdf(pages: list[list[str]] | None, *, password: str | None = None) -> bytes:
    """A PDF with a CJK text layer (TrueType subset), or only shapes when ``pages`` is None."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))
    buffer = io.BytesIO()
    encrypt = StandardEncryption(password, canPrint=0) if password else None
    page = canvas.Canvas(buffer, invariant=1, encrypt=encrypt)
    for lines in pages or [[]]:
        if not lines:  # a "scan": grey boxes where the text would be, no text operators
            for row in range(20):
                page.setFillGray(0.3 + 0.02 * row)
                page.rect(72, 780 - row * 20, 400, 12, stroke=0, fill=1)
        page.setFont("wqy", 12)
        for row, line in enumerate(lines):
            page.drawString(72, 780 - row * 20, line)
        page.showPage()
    page.save()
    return buffer.getvalue()


def _docx() -> bytes:
    """A Word file: paragraphs, a table, a header that must not be read."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：青山市第九人民医院院长赵伪名"
    document.add_heading(DOCX_PARAGRAPHS[0], level=1)
    document.add_paragraph(DOCX_PARAGRAPHS[1])
    table = document.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for r, row in enumerate(DOCX_TABLE):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.core_properties.created = document.core_properties.modified = datetime(2024, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(raw: bytes) -> bytes:
    """Rewrite a ZIP with constant member timestamps so regeneration gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info))
    return out.getvalue()


def files() -> dict[str, bytes]:
    """Every corpus file name and its bytes."""
    pdf = _pdf(PDF_PAGES)
    docx_bytes = _docx()
    png_header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    return {
        "good/utf8.txt": UTF8.encode("utf-8"),
        "good/utf8_bom.txt": b"\xef\xbb\xbf" + UTF8_BOM.encode("utf-8"),
        "good/utf16le.txt": b"\xff\xfe" + UTF16LE.encode("utf-16-le"),
        "good/utf16be.txt": b"\xfe\xff" + UTF16BE.encode("utf-16-be"),
        "good/gbk.txt": GBK.encode("gbk"),
        "good/big5_traditional.txt": BIG5.encode("big5"),
        "good/notes.md": MARKDOWN.encode("utf-8"),
        "good/page.html": HTML.encode("utf-8"),
        "good/page_gbk.htm": HTML_GBK.encode("gbk"),
        "good/article.pdf": pdf,
        "good/article.docx": docx_bytes,
        "junk/binary.txt": png_header + bytes((i * 37 + 11) % 256 for i in range(512)),
        "junk/empty.txt": b"",
        "junk/undecodable.txt": b"\x81\x20\xff\xfe\x80" * 8,
        "junk/scanned.pdf": _pdf(None),
        "junk/encrypted.pdf": _pdf(PDF_PAGES, password="secret"),
        "junk/truncated.pdf": pdf[: len(pdf) // 3],
        "junk/truncated.docx": docx_bytes[: len(docx_bytes) // 2],
    }


def main() -> None:
    for name, data in files().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
