"""Honors extractor on hand-written sentences (not seed text)."""

from __future__ import annotations


import pytest

from kg.extract import honors
from extract_fixtures import context  # tests/ is on sys.path (conftest.py lives there)

from kg.extract.context import DocContext
from kg.records import EntityKey
from kg.vocab import EntityType, Predicate

HOSPITAL = EntityKey(EntityType.HOSPITAL, ("某市第一人民医院",))



def _ctx(text: str) -> DocContext:
    return context(text, HOSPITAL)


def _honors(text: str) -> list[tuple[str, int | None, str | None]]:
    seen = {}
    for f in honors.extract(_ctx(text)):
        e = f.entity
        seen[e.key] = (e.label, e.year, e.recipient_unit)
    return sorted(seen.values(), key=str)


def test_honors_strips_leading_year_and_quotes():
    assert _honors("该院荣膺“2023年省级公立医院党建示范医院”。") == [("省级公立医院党建示范医院", 2023, None)]


def test_honors_year_from_sentence_start():
    assert _honors("2021年5月，某市第一人民医院荣获“全省文明单位”称号。") == [("全省文明单位", 2021, None)]


def test_honors_two_units_share_one_title():
    got = _honors("医院药剂科党支部与放射科党支部双双获评“区级示范党支部”。")
    assert got == [("区级示范党支部", None, "放射科党支部"), ("区级示范党支部", None, "药剂科党支部")]


def test_honors_party_committee_is_a_unit():
    assert _honors("医院党委荣获“全省先进基层党组织”荣誉称号。") == [("全省先进基层党组织", None, "党委")]


@pytest.mark.parametrize("text", [
    "李四获评全市优秀共产党员。",
    "5名护士获得“最美护士”称号。",
    "心内科主任赵六荣获“全国五一劳动奖章”。",
])
def test_honors_persons_are_not_annotated(text):
    assert _honors(text) == []


def test_honors_list_split_and_glued():
    got = [label for label, _, _ in _honors("医院先后荣获全省卫生系统先进集体、亚运会、亚残运会省级先进集体等荣誉称号。")]
    assert got == ["亚运会、亚残运会省级先进集体", "全省卫生系统先进集体"]


def test_honors_weak_cue_needs_suffix():
    assert _honors("该院获得患者的一致好评。") == []


def test_honors_disposal_sentence_is_a_plan():
    assert _honors("医院将心内科建设成为区域医疗中心。") == []


def test_honors_links_received_honor_from_scope():
    findings = list(honors.extract(_ctx("医院入选全国公立医院高质量发展试点医院。")))
    links = [link for f in findings for link in f.links]
    assert links and all(link.predicate is Predicate.RECEIVED_HONOR and link.subject == HOSPITAL for link in links)


def test_honors_yearless_mention_takes_the_known_year():
    text = "2022年，医院荣获“全国巾帼文明岗”称号。“全国巾帼文明岗”的称号来之不易。"
    assert _honors(text) == [("全国巾帼文明岗", 2022, None)]


def test_honors_traditional_text_keeps_its_characters():
    assert _honors("該院榮獲“全國衛生系統先進集體”稱號。") == [("全國衛生系統先進集體", None, None)]


def test_honors_time_phrase_dates_the_sentence_but_not_an_old_founding_year():
    assert _honors("2020年10月，医院入选省级区域医疗中心。") == [("省级区域医疗中心", 2020, None)]
    assert _honors("医院始建于1958年，现为国家级胸痛中心。") == [("国家级胸痛中心", None, None)]


def test_honors_restated_title_with_same_year_is_one_conferral():
    text = "2023年，医院荣膺“省级公立医院党建示范医院”。2023年，医院还荣膺“浙江省公立医院党建示范医院”称号。"
    assert _honors(text) == [("省级公立医院党建示范医院", 2023, None)]


def test_honors_headline_short_form_folds_into_full_title():
    text = "医院党建案例获评全国优秀案例。医院申报的案例获评全国公立医院党建与业务融合优秀案例。"
    assert _honors(text) == [("全国公立医院党建与业务融合优秀案例", None, None)]


def test_honors_post_and_name_subject_is_a_person():
    assert _honors("院长王强获评“全市优秀管理者”。") == []


def test_honors_corner_quotes_and_traditional_unit():
    assert _honors("醫院護理部榮獲「全國巾幗文明崗」稱號。") == [("全國巾幗文明崗", None, "護理部")]


@pytest.mark.parametrize("text, level", [
    ("医院入选省级临床重点专科。", "省级"),
    ("医院荣获全国文明单位称号。", "国家级"),
    ("医院荣获江南文明单位称号。", None),
])
def test_honors_level_from_the_title(text, level):
    (f, *_) = honors.extract(_ctx(text))
    assert f.entity.level == level


@pytest.mark.parametrize("text, name", [
    ("2022年，該院順利通過二級甲等綜合醫院復審。", "二級甲等綜合醫院"),
    ("2022年，该院通过三级乙等妇幼保健院评审。", "三级乙等妇幼保健院"),
])
def test_honors_passing_a_grade_review_confers_the_grade(text, name):
    assert _honors(text) == [(name, 2022, None)]


def test_honors_grade_under_preparation_is_no_honor():
    assert _honors("医院正全力迎接二级甲等综合医院复审。") == []


@pytest.mark.parametrize("text, unit", [
    ("◆ 儿科第二党支部获评“全市五星级党支部”；", "儿科第二党支部"),
    ("3. 医院工会获评“市级模范职工之家”。", "工会"),
    ("医院团委获评“全省五四红旗团委”。", "团委"),
    ("急诊科党支部被市委组织部授予“先进基层党组织”称号。", "急诊科党支部"),
])
def test_honors_recipient_unit_without_bullets_before_passive(text, unit):
    (got,) = _honors(text)
    assert got[2] == unit


def test_honors_list_published_before_the_hospital_enters_it():
    got = _honors("近日，省卫健委公布2023年度全省改善医疗服务示范单位名单，某市第一人民医院成功入选。")
    assert got == [("全省改善医疗服务示范单位", 2023, None)]


def test_honors_class_prefix_before_a_quote_stays_in_the_name():
    got = _honors("心内科党支部入选全国公立医院“先锋党支部”培育单位。")
    assert got == [("全国公立医院先锋党支部培育单位", None, "心内科党支部")]


def test_honors_issuer_prefix_before_a_quote_goes():
    assert _honors("医院荣获市卫健委“优秀护理单位”称号。") == [("优秀护理单位", None, None)]


def test_honors_list_published_then_named_among_them():
    got = _honors("日前，市卫健委公布2022年市级平安医院名单，某市第一人民医院榜上有名。")
    assert got == [("市级平安医院", 2022, None)]


def test_honors_bracketed_edition_after_the_suffix():
    assert _honors("医院成功创建国家级卒中中心（基层版）。") == [("国家级卒中中心（基层版）", None, None)]


@pytest.mark.parametrize("text", [
    "医院力争创建三级甲等医院。",
    "医院以创建二级甲等综合医院为目标。",
    "医院正在积极申报省级文明单位。",
])
def test_honors_aspired_titles_are_not_conferred(text):
    assert _honors(text) == []


def test_honors_achieved_grade_is_conferred():
    assert _honors("医院成功创建三级综合医院。") == [("三级综合医院", None, None)]


@pytest.mark.parametrize("text, name", [
    ("医院荣获“全国文明单位”奖牌。", "全国文明单位"),
    ("区卫健委授予医院“清廉示范科室”牌匾。", "清廉示范科室"),
])
def test_honors_token_after_a_quoted_title_is_not_part_of_it(text, name):
    assert _honors(text) == [(name, None, None)]
