"""kg.readers.html: charset from BOM / meta / http-equiv / detection, and main text only."""

from __future__ import annotations

import pytest

from kg.readers import ReadError
from kg.readers.html import decode_html, declared_charset, read_html
from kg.records import SkipReason

TRADITIONAL = "<p>鶴鳴市中醫醫院黨委書記林書遠表示，醫院將深化黨建與業務融合工作。</p>"
ARTICLE = "<p>3月5日，滨江市第三人民医院党委书记周明远主持召开党建工作会议，全院党员参加。</p>"


def _page(head: str = "", body: str = ARTICLE, noise: bool = True) -> str:
    chrome = (
        '<nav><a href="/">首页</a><a href="/x">友情链接：青山市第九人民医院</a></nav>'
        '<script>var s = "青山市第九人民医院</p>";</script><style>p { color: red }</style>'
        if noise else ""
    )
    return f"<html><head>{head}<title>标题</title></head><body>{chrome}<article>{body}</article>" \
           "<footer>版权所有 某某日报</footer></body></html>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta charset="gbk">', "gb18030"),
        ("<meta charset=GB2312>", "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"),
        ("<meta http-equiv='content-type' content='text/html;charset=BIG5'>", "big5hkscs"),
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta charset="utf-16">', "utf-8"),
        ('<meta charset="no-such-codec">', None),
        ('<meta charset="hex">', None),  # Python codecs that are not charsets
        ('<meta charset="base64">', None),
        ('<meta charset="rot13">', None),
        ("", None),
    ],
)
def test_reader_html_declared_charset(head, expected):
    assert declared_charset(_page(head).encode("utf-8")) == expected


@pytest.mark.parametrize(
    ("head", "codec", "recorded"),
    [
        ('<meta charset="gbk">', "gbk", "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb2312", "gb18030"),
        ('<meta charset="big5">', "big5", "big5"),
        ('<meta charset="utf-8">', "utf-8", "utf-8"),
        ("", "gbk", "gb18030"),  # no declaration: the plain-text detection decides
        ("", "big5", "big5"),
        ('<meta charset="gbk">', "utf-8", "utf-8"),  # re-saved page: valid UTF-8 beats the declaration
        ('<meta charset="big5">', "gbk", "gb18030"),  # declaration fails strictly: detection decides
        ('<meta charset="hex">', "gbk", "gb18030"),  # a bytes-to-bytes codec is no charset: detection decides
    ],
)
def test_reader_html_decodes_by_declaration_then_detection(head, codec, recorded):
    page = f"<html><head>{head}</head><body>{TRADITIONAL}</body></html>" if codec == "big5" else _page(head)
    markup, encoding = decode_html(page.encode(codec))
    assert markup == page
    assert encoding == recorded


def test_reader_html_bom_wins():
    page = _page('<meta charset="gbk">')
    assert decode_html(b"\xef\xbb\xbf" + page.encode("utf-8")) == (page, "utf-8-sig")
    assert decode_html(b"\xff\xfe" + page.encode("utf-16-le")) == (page, "utf-16-le")


def test_reader_html_keeps_main_text_drops_chrome():
    text, encoding = read_html(_page('<meta charset="gbk">').encode("gbk"))
    assert "滨江市第三人民医院党委书记周明远" in text
    assert encoding == "gb18030"
    for noise in ("青山市第九人民医院", "首页", "color", "版权所有", "var s"):
        assert noise not in text


def test_reader_html_div_layout_drops_navigation_classes():
    body = (
        '<div class="top-nav"><a href="/">首页</a> | <a href="/a">要闻</a></div>'
        '<div class="content"><p>近日，青禾县中医医院院长林晓舟带队赴基层开展义诊，服务群众300余人次。</p></div>'
        '<div class="share">分享到：微信 微博</div>'
    )
    text, _ = read_html(f"<html><body>{body}</body></html>".encode("utf-8"))
    assert text.strip() == "近日，青禾县中医医院院长林晓舟带队赴基层开展义诊，服务群众300余人次。"


def test_reader_html_short_page_is_not_lost():
    text, _ = read_html("<html><body><p>云岭市儿童医院党委书记沈一帆讲话。</p></body></html>".encode("utf-8"))
    assert text.strip() == "云岭市儿童医院党委书记沈一帆讲话。"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"<html><head><script>var a = 1;</script></head><body></body></html>", SkipReason.EMPTY),
        (b"\x81\x20\xff\xfe\x80" * 8, SkipReason.UNDECODABLE),
        ("<html>\x00<p>医院</p></html>".encode("utf-8"), SkipReason.BINARY),
    ],
    ids=["no-main-text", "undecodable", "nul"],
)
def test_reader_html_bad_pages(raw, reason):
    with pytest.raises(ReadError) as caught:
        read_html(raw)
    assert caught.value.reason is reason
