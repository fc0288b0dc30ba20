"""kg.extract.numbers: arabic and Chinese numerals, 万/亿, fixed-point formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.numbers import NumberError, format_decimal, parse_cn_integer, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("七", 7), ("十", 10), ("十五", 15), ("三十", 30), ("四十二", 42), ("一百零八", 108),
     ("两千三百", 2300), ("二〇二三", 2023)],
)
def test_numbers_chinese_integer(text, value):
    assert parse_cn_integer(text) == value


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("46", "46", False),
        ("2,350", "2350", False),
        ("88.40", "88.4", False),
        ("6.5万", "65000", False),
        ("40余万", "400000", True),
        ("3000多万", "30000000", True),
        ("二十万", "200000", False),
        ("1.5亿", "150000000", False),
        ("一百二十万三千", "1203000", False),
        ("两", "2", False),
    ],
)
def test_numbers_parse_with_magnitudes(text, value, approx):
    assert parse_number(text) == (Decimal(value), approx)


@pytest.mark.parametrize("text", ["", "万", "abc", "三x"])
def test_numbers_parse_rejects_non_numbers(text):
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("120000"), "120000"), (Decimal("1.2E+5"), "120000"), (Decimal("93.750"), "93.75"),
     (Decimal("0.50"), "0.5"), (Decimal("7"), "7")],
)
def test_numbers_format_is_fixed_point(value, text):
    assert format_decimal(value) == text
