"""kg.segment: sentence boundaries and offsets."""

from __future__ import annotations

import pytest

from kg.records import NormalizedText
from kg.segment import split_sentences


def _split(text: str) -> list[str]:
    sentences = split_sentences(NormalizedText(text, tuple(range(len(text)))))
    for s in sentences:
        assert text[s.start : s.end] == s.text
    return [s.text for s in sentences]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("医院召开会议。院长讲话！", ["医院召开会议。", "院长讲话！"]),
        ("他说：“要抓好党建。”随后散会。", ["他说：“要抓好党建。”", "随后散会。"]),
        ("标题一行\n\n正文第一句；第二句", ["标题一行", "正文第一句；", "第二句"]),
        ("  前后有空白。  ", ["前后有空白。"]),
        ("", []),
    ],
)
def test_segment_splits_at_stops_and_lines(text, expected):
    assert _split(text) == expected
