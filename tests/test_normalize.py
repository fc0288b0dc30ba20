"""Tests for kg.normalize: each repair on hand-written inputs, and the offset map.

Offset guarantee tested here (property tests on randomly damaged text):

* ``len(src_index) == len(text)`` and ``src_index`` is strictly increasing;
* every normalized character comes from one source character: equal to it
  after width folding, or both are whitespace;
* hence, for any span, the folded source slice given by ``to_source``,
  whitespace removed, contains the normalized slice, whitespace removed, as a
  subsequence; when the damage is whitespace only (broken lines, spaces) it
  contains it as a substring, and the whole texts are equal once whitespace
  is removed.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg import normalize as norm
from kg.normalize import normalize

RE_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return RE_WS.sub("", text)


def _is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(char in chars for char in needle)


# A narrow newspaper column: every line is the same width, breaks fall mid-word.
COLUMN = (
    "医院党委坚持把党的政治建设摆在首\n"
    "位，不断完善党委领导下的院长负责\n"
    "制。全院党员干部积极参与各项工作\n"
    "\n"
    "，取得了明显成效，群众满意度持续\n"
    "提升。\n"
    "\n"
    "强化党建引领 推动高质量发展\n"
    "\n"
    "近年来，医院党委持续深化党建与业\n"
    "务融合，推动各项工作落地见效，让\n"
    "\n"
    "党员在岗位上发挥先锋模范作用。\n"
)
COLUMN_EXPECTED = (
    "医院党委坚持把党的政治建设摆在首位，不断完善党委领导下的院长负责制。"
    "全院党员干部积极参与各项工作，取得了明显成效，群众满意度持续提升。\n"
    "强化党建引领 推动高质量发展\n"
    "近年来，医院党委持续深化党建与业务融合，推动各项工作落地见效，让党员在岗位上发挥先锋模范作用。"
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("２０２４年增长１５．５％", "2024年增长15.5%"),
        ("ＡＢｃ医院", "ABc医院"),
        ("医院（二院），党委。“好”：是；吗？", "医院（二院），党委。“好”：是；吗？"),
        ("全院\u3000党员\u3000\u3000大会", "全院 党员 大会"),
    ],
    ids=["digits-percent", "letters", "chinese-punct-kept", "ideographic-space"],
)
def test_normalize_folds_width(source, expected):
    assert normalize(source).text == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("市中心醫(yī)院紀(jì)委", "市中心醫院紀委"),
        ("創(chuàng)新工作", "創新工作"),
        ("医院（yī）党委", "医院党委"),
        ("会议(2024)召开", "会议(2024)召开"),
        ("(通讯员 张三)报道", "(通讯员 张三)报道"),
        ("医院(yi)党委", "医院(yi)党委"),
        ("品牌(brand)建设", "品牌(brand)建设"),
        ("App(yī)下载", "App(yī)下载"),
    ],
    ids=["yi-ji", "two-syllable", "fullwidth-brackets", "year", "byline", "no-tone", "english", "after-latin"],
)
def test_normalize_strips_pinyin_glosses(source, expected):
    assert normalize(source).text == expected


def test_normalize_joins_column_wraps_and_keeps_headlines():
    assert normalize(COLUMN).text == COLUMN_EXPECTED


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("坚持党建引领\n启动高质量发展“红色引擎”\n\n医院是船，党建是帆。", "坚持党建引领\n启动高质量发展“红色引擎”\n医院是船，党建是帆。"),
        ("会议结束。\n下一步工作安排。", "会议结束。\n下一步工作安排。"),
        ("他说：“很好。”\n大家鼓掌。", "他说：“很好。”\n大家鼓掌。"),
        ("会议结束。\r\n\r\n\r\n下一步。\r\n", "会议结束。\n下一步。"),
        ("来源:日报\n作者:张三 李四\n编辑:王五", "来源:日报\n作者:张三 李四\n编辑:王五"),
        ("  \n\n标题\n\n\n", "标题"),
        (
            "医院家医团队事迹广受关注，中央电视台\n\n《新闻直播间》 专题报道了家医服务团\n队把志愿服务融入主题教育的做法。",
            "医院家医团队事迹广受关注，中央电视台《新闻直播间》专题报道了家医服务团队把志愿服务融入主题教育的做法。",
        ),
    ],
    ids=[
        "two-line-headline",
        "sentence-end-keeps-newline",
        "quote-close",
        "crlf-blank-lines",
        "web-metadata",
        "edges",
        "spaced-line-inside-sentence",
    ],
)
def test_normalize_line_breaks(source, expected):
    assert normalize(source).text == expected


def test_normalize_web_paragraphs_stay_apart_but_word_breaks_join():
    # One paragraph per line, lengths all different: a web page, not a column.
    first = "医院党委召开专题会议，研究部署下半年党建工作"
    second = "全院中层干部参加会议并作交流发言，大家围绕党建与业务融合、人才培养、学科建设等主题展开讨论，会议气氛热烈"
    third = "会后，各支部将结合实际制定工作计划，推动新模"
    source = f"{first}\n{second}\n短标题\n{third}\n式形成。"
    assert normalize(source).text == f"{first}\n{second}\n短标题\n{third}式形成。"


def test_normalize_joins_latin_words_with_a_space():
    lines = ["医院引进信息化办公平台并开展新系统培训 smart", "hospital 平台上线后各科室使用顺畅效率提"]
    text = normalize("\n".join(lines + ["升明显。"])).text
    assert "smart hospital" in text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("专 技 人 员外出进修", "专技人员外出进修"),
        ("制 度》， 专 技", "制度》，专技"),
        ("片区及周边近 30 万人", "片区及周边近30万人"),
        ("于 1984 年 10 月开院", "于1984年10月开院"),
        ("西部 （重庆） 科学城", "西部（重庆）科学城"),
        ("本报记者 哈薇薇 本报通讯员 杨惠麟", "本报记者 哈薇薇 本报通讯员 杨惠麟"),
        ("践行“忠信有为 精医笃行”院训", "践行“忠信有为 精医笃行”院训"),
        ("发布时间:2023-01-05 浏览:12次", "发布时间:2023-01-05 浏览:12次"),
        ("smart   hospital 平台", "smart hospital 平台"),
    ],
    ids=["letter-spaced", "around-punct", "digits", "year-month", "brackets", "byline", "slogan", "date-field", "latin"],
)
def test_normalize_squeezes_spaces(source, expected):
    assert normalize(source).text == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("党建映初心党建映初心党建映初心 医路逐梦行医路逐梦行", "党建映初心 医路逐梦行"),
        ("国家卫生日国家卫生日，，市医院义诊市医院义诊。。", "国家卫生日，市医院义诊。"),
        ("组织开展““人医家乡人医家乡\n情情””活动活动，，", "组织开展“人医家乡情”活动，"),
        ("———医院党建工作纪实—医院党建工作纪实", "——医院党建工作纪实"),
        ("新院大楼\n新院大楼\n医院外景", "新院大楼\n医院外景"),
    ],
    ids=["tripled-headline", "doubled-caption-punct", "doubled-across-lines", "dash-prefix", "repeated-line"],
)
def test_normalize_collapses_doubled_runs(source, expected):
    assert normalize(source).text == expected


@pytest.mark.parametrize(
    "source",
    ["党务工作常抓常新。", "人人参与，谢谢大家。", "学习学习再学习。", "哈哈哈哈哈哈。", "一心为党、一心为民。", "——看医院发展——"],
)
def test_normalize_keeps_real_repetition(source):
    assert normalize(source).text == source


def test_normalize_doubled_run_maps_to_first_copy():
    result = normalize("好。党建映初心党建映初心")
    assert result.text == "好。党建映初心"
    assert result.src_index == (0, 1, 2, 3, 4, 5, 6)
    assert result.to_source(2, 7) == (2, 7)


def test_normalize_offsets_skip_removed_characters():
    source = "醫(yī)院紀(jì)委 专 技"
    result = normalize(source)
    assert result.text == "醫院紀委专技"
    assert [source[i] for i in result.src_index] == list("醫院紀委专技")


def test_normalize_empty_and_blank():
    assert normalize("").text == ""
    assert normalize(" \n\r\n ").src_index == ()


def test_normalize_steps_are_named_and_ordered():
    assert [name for name, _ in norm.STEPS] == [
        "fold_width",
        "strip_pinyin",
        "collapse_doubled",
        "join_lines",
        "squeeze_spaces",
    ]


# --- property tests -------------------------------------------------------

_CJK_POOL = "医院党委书记建设工作会议全员发展高质量服务患者支部组织领导管理制度科室技术人才创新学习"
_PUNCT = "，。、；："
_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}

_chunk = st.one_of(
    st.text(alphabet=_CJK_POOL, min_size=1, max_size=12),
    st.sampled_from(list(_PUNCT)),
    st.integers(0, 99999).map(str),
    st.sampled_from(["OA", "smart hospital", "App"]),
)
_base = st.lists(_chunk, min_size=1, max_size=30).map("".join)


@st.composite
def damaged(draw, whitespace_only: bool):
    """A base text and a damaged copy of it (inserted newlines, spaces, ...)."""
    base = draw(_base)
    chars = list(base)
    ops = ["newline", "blank", "space", "crlf"] + ([] if whitespace_only else ["fullwidth", "double", "pinyin"])
    for _ in range(draw(st.integers(0, 12))):
        op = draw(st.sampled_from(ops))
        at = draw(st.integers(0, len(chars)))
        if op == "newline":
            chars.insert(at, "\n")
        elif op == "blank":
            chars.insert(at, "\n\n")
        elif op == "crlf":
            chars.insert(at, "\r\n")
        elif op == "space":
            chars.insert(at, " " * draw(st.integers(1, 3)))
        elif op == "fullwidth" and at < len(chars) and chars[at] in _FULLWIDTH:
            chars[at] = _FULLWIDTH[chars[at]]
        elif op == "double":
            unit = draw(st.text(alphabet=_CJK_POOL, min_size=3, max_size=6))
            chars.insert(at, unit * draw(st.integers(2, 3)))
        elif op == "pinyin" and at > 0 and re.match(r"[\u4e00-\u9fff]", chars[at - 1][-1:] or " "):
            chars.insert(at, draw(st.sampled_from(["(yī)", "(jì)", "(chuàng)"])))
    return base, "".join(chars)


def _check_map(source: str, result) -> None:
    index = result.src_index
    assert len(index) == len(result.text)
    assert all(a < b for a, b in zip(index, index[1:]))
    assert all(0 <= i < len(source) for i in index)
    for char, at in zip(result.text, index):
        origin = source[at].translate(norm._FOLD_TABLE)
        assert origin == char or (origin.isspace() and char.isspace())


@settings(max_examples=300, deadline=None)
@given(damaged(whitespace_only=False), st.data())
def test_normalize_offset_map_on_any_damage(pair, data):
    _, source = pair
    result = normalize(source)
    _check_map(source, result)
    if result.text:
        start = data.draw(st.integers(0, len(result.text) - 1))
        end = data.draw(st.integers(start + 1, len(result.text)))
        a, b = result.to_source(start, end)
        folded = source[a:b].translate(norm._FOLD_TABLE)
        assert _is_subsequence(_squash(result.text[start:end]), _squash(folded))


@settings(max_examples=300, deadline=None)
@given(damaged(whitespace_only=True), st.data())
def test_normalize_whitespace_damage_loses_nothing(pair, data):
    base, source = pair
    # Random text may itself contain a doubled run, or become a repeated line.
    assume(not norm._doubled_spans(base) and not norm._doubled_spans(source))
    result = normalize(source)
    _check_map(source, result)
    assert _squash(result.text) == _squash(base)
    if result.text:
        start = data.draw(st.integers(0, len(result.text) - 1))
        end = data.draw(st.integers(start + 1, len(result.text)))
        a, b = result.to_source(start, end)
        assert _squash(result.text[start:end]) in _squash(source[a:b])


def test_normalize_100kb_is_fast():
    text = (COLUMN * 200 + "党建映初心党建映初心 专 技 人 员 ２０２４ 醫(yī)院\n") * 2
    assert len(text.encode("utf-8")) > 100_000
    normalize(text)  # warm-up: regex compilation
    started = time.perf_counter()
    normalize(text)
    assert time.perf_counter() - started < 0.5  # ~20 ms on a laptop; generous for loaded CI


def test_normalize_text_doubled_throughout_is_linear():
    # A "fake bold" PDF prints every line twice: an anchor on every line must not make it quadratic.
    line = "党建引领医院发展党建引领医院发展，，全院党员积极参加主题教育活动取得实效\n"
    text = "".join(line.replace("党建", f"党建{i % 97:02d}") for i in range(12_000))
    normalize("医院。")
    started = time.perf_counter()
    result = normalize(text)
    assert time.perf_counter() - started < 2.0  # ~0.25 s; the quadratic overlap scan took ~10 s
    assert result.text.count("党建00引领医院发展，全院党员") == 124  # every copy collapsed (12000 lines / 97)
    assert "发展党建00引领" not in result.text and "，，" not in result.text


def test_normalize_number_split_at_column_edge_is_joined():
    text = "全院党员人数逐年增加，今年已达到1\n28名，其中新发展党员二十名，均来自临床一线科室\n"
    assert "128名" in normalize(text).text


def test_normalize_bare_number_lines_stay_apart():
    assert normalize("2023\n2024\n").text.split("\n")[:2] == ["2023", "2024"]
