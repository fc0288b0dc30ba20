"""HTML reader (``.html``, ``.htm``): the article's main text, boilerplate dropped.

Charset, in order (as browsers do, simplified): a byte-order mark; a
``<meta charset>`` or ``<meta http-equiv="Content-Type" content="...;
charset=...">`` in the first 4 KB; else the same detection as plain text
(``kg.readers.text.decode_text``). Pages lie about their charset, mostly
after being re-saved by an editor or a browser: a declared charset that does
not decode the bytes strictly is ignored, and bytes that are valid UTF-8 with
non-ASCII characters are read as UTF-8 whatever the page declares (GBK or
Big5 text of any length is practically never valid UTF-8).

Main text: trafilatura in precision mode. It drops navigation, scripts,
styles, headers, footers, share bars and "related" boxes by tag, class and
link density, which a tag blacklist (``<nav>``, ``<footer>``) cannot do for the
``<div class="top-nav">`` layouts of Chinese government and news sites. If
precision mode finds nothing (very short or unusual pages) the recall mode is
tried, so an article is never lost for being short. Import cost (~0.4 s) is
paid once, only when a build contains HTML files.

The returned text is the extracted text (one line per block): it is what
evidence offsets point into. The encoding recorded is the codec the page's
bytes were decoded with ("utf-8", "gb18030", ...), so ``hkg:encoding`` stays a
charset name for HTML as for text.
"""

from __future__ import annotations

import codecs
import re

from kg.readers import ReadError
from kg.readers.text import decode_text
from kg.records import SkipReason

_PRESCAN_BYTES = 4096  # the spec says 1024; real pages put long <script>s before <meta>
RE_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)

# Declared names whose strict codec is narrower than what pages labelled so
# actually contain (WHATWG maps them the same way): decode with the superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
}
# What we record: one name per family, matching the plain-text reader's names.
_RECORDED = {"big5hkscs": "big5", "utf-8-sig": "utf-8"}


def declared_charset(raw: bytes) -> str | None:
    """The codec a page declares in a ``<meta>`` tag, normalized by Python's codec registry.

    Args:
        raw: the page's bytes.

    Returns:
        A Python codec name (a declared GBK or GB2312 is widened to
        ``gb18030``), or None when nothing usable is declared.
    """
    match = RE_META_CHARSET.search(raw[:_PRESCAN_BYTES])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
        "".encode(name)  # LookupError for codecs that are not charsets (hex, base64, rot13)
    except (LookupError, UnicodeDecodeError):
        return None
    if name in ("utf-16", "utf-16-le", "utf-16-be"):
        return "utf-8"  # a page that could be parsed as ASCII to find the tag is not UTF-16
    return _SUPERSETS.get(name, name)


def decode_html(raw: bytes) -> tuple[str, str]:
    """Decode a page's bytes: BOM, then the declared charset, then text detection.

    Args:
        raw: the page's bytes.

    Returns:
        ``(markup, encoding)``.

    Raises:
        ReadError: UNDECODABLE when no codec gives plausible text.
    """
    if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(raw)
    codec = declared_charset(raw)
    if codec is not None and codec != "utf-8" and not raw.isascii():
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass  # not UTF-8: the declaration is believable
    if codec is not None:
        try:
            return raw.decode(codec), _RECORDED.get(codec, codec)
        except UnicodeDecodeError:
            pass  # a wrong declaration: fall through to detection
    return decode_text(raw)


def main_text(markup: str) -> str:
    """The main text of a page, one block per line.

    Args:
        markup: the decoded page.

    Returns:
        The extracted text, or "" when the page has none.
    """
    import trafilatura  # imported late: ~0.4 s, only when a build has HTML files

    options = {"include_comments": False, "include_tables": True, "deduplicate": False}
    for mode in ({"favor_precision": True}, {"favor_recall": True}):
        text = trafilatura.extract(markup, **options, **mode)
        if text and text.strip():
            return text
    return ""


def read_html(raw: bytes) -> tuple[str, str]:
    """Reader for ``.html`` / ``.htm``.

    Args:
        raw: the page's bytes.

    Returns:
        ``(main text, encoding of the page)``.

    Raises:
        ReadError: UNDECODABLE for undecodable bytes; EMPTY when the page has
            no main text.
    """
    markup, encoding = decode_html(raw)
    if "\x00" in markup:
        raise ReadError(SkipReason.BINARY, "contains NUL characters")
    text = main_text(markup)
    if not text.strip():
        raise ReadError(SkipReason.EMPTY, "no main text in the page")
    return text, encoding
