"""Plain-text reader (``.txt``, ``.md``) and the decoding every text format shares.

Decoding, in order:

1. a byte-order mark: UTF-8 (``utf-8-sig``), UTF-32 and UTF-16 LE/BE;
2. strict UTF-8;
3. strict GB18030 and strict Big5. Almost every Big5 byte string is also valid
   GB18030 (GBK's trail-byte range contains Big5's), so "GB18030 first" would
   turn every Big5 file into mojibake. When both decode, the one whose CJK
   characters are more often common characters of that codec wins (GB2312
   for GB18030, Big5 level 1 for Big5); a tie goes to GB18030;
4. charset-normalizer's guess, kept only if the result is plausibly Chinese.

The text is returned verbatim (BOM removed, ``\\r\\n`` kept): evidence offsets
point into it, and ``normalize`` treats ``\\r`` as whitespace.
"""

from __future__ import annotations

import codecs
import re

from kg.readers import ReadError
from kg.records import SkipReason

RE_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
RE_CHINESE_CHAR = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d]")
RE_NON_ASCII = re.compile(r"[^\x00-\x7f]")
RE_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE_CHARS = 20_000  # enough characters to judge a codec, cheap on large files


def _common_share(text: str, codec: str, lead_range: tuple[int, int]) -> float:
    """Share of CJK ideographs that are common characters of ``codec``.

    A character is common when it encodes in ``codec`` with a lead byte in
    ``lead_range`` (GB2312 hanzi: 0xB0-0xF7; Big5 frequent hanzi: 0xA4-0xC6).
    Non-ideograph non-ASCII characters count against the share: mojibake is
    full of kana, Greek and box-drawing characters.
    """
    sample = text[:_SAMPLE_CHARS]
    non_ascii = RE_NON_ASCII.findall(sample)
    if not non_ascii:
        return 0.0
    low, high = lead_range
    common = 0
    for char in RE_CJK_IDEOGRAPH.findall(sample):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        common += len(encoded) == 2 and low <= encoded[0] <= high
    return common / len(non_ascii)


def _plausibly_chinese(text: str) -> bool:
    """Most non-ASCII characters are Chinese characters or punctuation."""
    sample = text[:_SAMPLE_CHARS]
    non_ascii = RE_NON_ASCII.findall(sample)
    if not non_ascii:
        return False
    return len(RE_CHINESE_CHAR.findall(sample)) >= 0.8 * len(non_ascii)


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode the bytes of a plain-text file.

    Args:
        raw: the file's bytes.

    Returns:
        ``(text, encoding)``: the text without BOM, line ends untouched, and
        the codec name used.

    Raises:
        ReadError: UNDECODABLE when no codec gives plausible text.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw, codec)
            if text is None:
                raise ReadError(SkipReason.UNDECODABLE, f"invalid {codec} after byte-order mark")
            # utf-8-sig / utf-32 strip their BOM; utf-16-le/be keep it as U+FEFF.
            return text.removeprefix("\ufeff"), codec
    text = _strict(raw, "utf-8")
    if text is not None:
        return text, "utf-8"
    gb, big5 = _strict(raw, "gb18030"), _strict(raw, "big5")
    if gb is not None and big5 is not None:
        if _common_share(big5, "big5", (0xA4, 0xC6)) > _common_share(gb, "gb2312", (0xB0, 0xF7)):
            return big5, "big5"
        return gb, "gb18030"
    if gb is not None:
        return gb, "gb18030"
    if big5 is not None:
        return big5, "big5"
    return _guess(raw)


def _guess(raw: bytes) -> tuple[str, str]:
    """Last resort: charset-normalizer, accepted only for Chinese-looking text."""
    from charset_normalizer import from_bytes  # imported late: slow import, rarely needed

    best = from_bytes(raw).best()
    if best is not None:
        text = str(best)
        if _plausibly_chinese(text):
            return text, codecs.lookup(best.encoding).name
    if b"\x00" in raw or len(RE_BINARY_BYTE.findall(raw[:_SAMPLE_CHARS])) > 0.01 * min(len(raw), _SAMPLE_CHARS):
        # NUL or control bytes in something no codec reads: an image, archive or program, not text
        raise ReadError(SkipReason.BINARY, "no codec reads it and it has control bytes")
    raise ReadError(SkipReason.UNDECODABLE, "no codec gives Chinese text")


def read_plain_text(raw: bytes) -> tuple[str, str]:
    """Reader for ``.txt`` and ``.md``: decode the bytes as they are.

    Args:
        raw: the file's bytes.

    Returns:
        ``(text, encoding)`` as ``decode_text`` gives them.
    """
    return decode_text(raw)
