"""Parse the numbers of Chinese news text: arabic, Chinese numerals, 万/亿.

Metrics state amounts as ``93.75``, ``1,200``, ``5.5万``, ``三十``, ``两``,
``一百七十七`` or ``30余万`` (approximate markers may stand inside the number,
before 万/亿). This module only turns such a string into a ``Decimal``; where a
number starts and what unit follows is the metrics extractor's business.

``Decimal`` keeps the stated digits (``93.75`` stays ``93.75``), and
``format_decimal`` writes values in fixed-point form for entity keys, never
``1.2E+5``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

#: Chinese digit characters and their values (〇/零 both zero; 两 is "two" before a classifier).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
#: small units inside a section (below 万).
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
#: section multipliers, also used after arabic digits (5.5万).
MAGNITUDES = {"万": Decimal(10000), "亿": Decimal(100000000)}
#: characters that may form a Chinese numeral.
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS)
#: approximate markers that may sit between a number and its magnitude (30余万, 3000多万).
INNER_APPROX = "余多"

RE_ARABIC = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$")
RE_ARABIC_SPLIT = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)(.*)$")


class NumberError(ValueError):
    """The string is not a number this module can read."""


def parse_cn_integer(text: str) -> int:
    """Value of a Chinese numeral without 万/亿 (``三十`` 30, ``一百七十七`` 177, ``十三`` 13).

    Args:
        text: Chinese numeral characters (digits 零一二两三…九 and 十百千).

    Returns:
        The integer value.

    Raises:
        NumberError: empty text or a character that is not a numeral.
    """
    if not text:
        raise NumberError("empty numeral")
    if all(c in CN_DIGITS for c in text) and len(text) > 1:
        # digit-by-digit reading (二〇二四): positional, not a quantity with units
        return int("".join(str(CN_DIGITS[c]) for c in text))
    total, digit = 0, None
    for char in text:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_SMALL_UNITS:
            # a bare 十 at the start means 一十 (十三 = 13)
            total += (1 if digit is None else digit) * CN_SMALL_UNITS[char]
            digit = None
        else:
            raise NumberError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


@lru_cache(maxsize=4096)
def parse_number(text: str) -> tuple[Decimal, bool]:
    """Value of a number string with optional 万/亿 and inner approximate marker.

    Accepts ``85``, ``1,200``, ``93.75``, ``5.5万``, ``30余万``, ``三十``,
    ``一百七十七``, ``两``, ``十二万``, ``1.2亿``. Magnitudes multiply out, so
    ``5.5万`` is ``55000``.

    Args:
        text: the number as written (no unit, no surrounding words).

    Returns:
        ``(value, approximate)``; ``approximate`` is True when 余/多 stood inside
        the number (``30余万``).

    Raises:
        NumberError: when ``text`` is not such a number.

    Results are cached: the same few numbers recur in every document, and
    ``Decimal`` values are immutable.
    """
    text = text.strip()
    if not text:
        raise NumberError("empty number")
    multiplier = Decimal(1)
    approximate = False
    while text and text[-1] in MAGNITUDES:
        multiplier *= MAGNITUDES[text[-1]]
        text = text[:-1]
        if text and text[-1] in INNER_APPROX:
            approximate = True
            text = text[:-1]
    if not text:
        raise NumberError("magnitude without a number")
    if RE_ARABIC.match(text):
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the regex already checked
            raise NumberError(str(exc)) from None
    else:
        value = Decimal(_parse_cn_with_magnitudes(text))
    return _plain(value * multiplier), approximate


def _parse_cn_with_magnitudes(text: str) -> int:
    """Chinese numeral that may contain 万/亿 sections (一百二十万三千)."""
    total = 0
    section = ""
    for char in text:
        if char in MAGNITUDES:
            total = (total + (parse_cn_integer(section) if section else 1)) * int(MAGNITUDES[char])
            section = ""
        else:
            section += char
    return total + (parse_cn_integer(section) if section else 0)


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros of the fraction without switching to exponent form (120000, 93.75)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_decimal(value: Decimal) -> str:
    """Fixed-point string of a value for entity keys (``120000``, ``93.75``, ``0.5``).

    Args:
        value: any finite Decimal.

    Returns:
        The value without exponent notation and without trailing fraction zeros.
    """
    text = format(_plain(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
