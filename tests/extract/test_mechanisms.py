"""Mechanisms extractor on hand-written sentences (not seed text)."""

from __future__ import annotations


import pytest

from kg.extract import mechanisms
from extract_fixtures import context  # tests/ is on sys.path (conftest.py lives there)

from kg.extract.context import DocContext
from kg.records import EntityKey
from kg.vocab import EntityType, Predicate

HOSPITAL = EntityKey(EntityType.HOSPITAL, ("某县人民医院",))



def _ctx(text: str) -> DocContext:
    return context(text, HOSPITAL)


def _mechs(text: str) -> dict[str, tuple[str, ...]]:
    return {f.entity.label: f.entity.aliases for f in mechanisms.extract(_ctx(text))}


def test_mechanisms_quoted_core_with_tail_keeps_core_as_alias():
    assert _mechs("医院推行“三色预警”管理机制。") == {"三色预警管理机制": ("三色预警",)}


def test_mechanisms_tail_stops_at_the_first_uncertain_head():
    assert list(_mechs("“红黑榜”考核机制梳理出12项整改清单。")) == ["红黑榜考核机制"]


def test_mechanisms_quoted_name_ending_in_head():
    assert list(_mechs("医院把“科主任负责制”落到实处。")) == ["科主任负责制"]


def test_mechanisms_cue_then_quoted_run():
    assert set(_mechs("医院打造了“党建+护理”“党建+科研”系列品牌。")) == {"党建+护理", "党建+科研系列品牌"}


def test_mechanisms_unquoted_name_after_nearest_cue():
    assert list(_mechs("医院建立了医疗纠纷快速处置机制。")) == ["医疗纠纷快速处置机制"]


def test_mechanisms_unquoted_list_members():
    got = set(_mechs("医院制定了院长办公会议事规则、中层干部轮岗制度，成效明显。"))
    assert got == {"院长办公会议事规则", "中层干部轮岗制度"}


def test_mechanisms_list_closed_by_etc():
    assert set(_mechs("通过青年导师制、“师带徒”等举措培养人才。")) == {"青年导师制", "师带徒"}


@pytest.mark.parametrize("text", [
    "医院坚持“忠诚仁爱”院训。",  # a motto
    "以“质量第一”为目标。",  # a goal
    "医院加强管理，完善各项规章制度。",  # generic phrase
    "思想政治工作如同“铸魂工程”。",  # a simile
    "全院上下形成“一盘棋”。",  # a buzzword
])
def test_mechanisms_slogans_and_generic_phrases_are_skipped(text):
    assert _mechs(text) == {}


def test_mechanisms_same_core_merges_in_document():
    got = _mechs("医院推行“三色”模式。“三色”管理新思路，成效明显。")
    assert list(got) == ["三色管理新思路"] and "三色" in got["三色管理新思路"]


def test_mechanisms_link_implements_from_scope():
    findings = list(mechanisms.extract(_ctx("医院实行“日清日结”工作法。")))
    assert findings and all(
        link.predicate is Predicate.IMPLEMENTS and link.subject == HOSPITAL for f in findings for link in f.links
    )


def test_mechanisms_key_is_simplified_label_keeps_traditional():
    (f,) = mechanisms.extract(_ctx("醫院推行“雙向轉診”工作機制。"))
    assert f.entity.label == "雙向轉診工作機制" and f.entity.key.parts == ("双向转诊工作机制",)


def test_mechanisms_contest_is_skipped_but_selection_activity_kept():
    assert _mechs("医院在“双百强”评选中胜出。") == {}
    assert list(_mechs("医院每月开展“服务之星”评选活动。")) == ["服务之星评选活动"]


def test_mechanisms_two_names_joined_by_he():
    assert set(_mechs("医院建立了绩效考核体系和薪酬分配制度。")) == {"绩效考核体系", "薪酬分配制度"}


@pytest.mark.parametrize("label, ok", [
    ("6S管理", True), ("党建+", True), ("优秀党员（示范岗）评选活动", True),
    ("+", False), ("评审，机制", False), ("《规则》", False), ("示范岗（", False),
])
def test_mechanisms_clean_name_check(label, ok):
    from kg.extract.quotes import is_clean_name

    assert is_clean_name(label) is ok


def test_mechanisms_stop_listed_buzzword_with_head_is_a_programme():
    assert _mechs("全院形成“一盘棋”。") == {}
    assert list(_mechs("医院实施“一盘棋”工程，成效明显。")) == ["一盘棋工程"]


@pytest.mark.parametrize("text, name", [
    ("医院实施“双带头人”培育工程。", "双带头人培育工程"),
    ("医院推行“无陪护病房”服务模式。", "无陪护病房服务模式"),
    ("医院推行“夜间医院”服务模式。", "夜间医院服务模式"),
])
def test_mechanisms_person_or_place_core_with_head_phrase_is_kept(text, name):
    assert list(_mechs(text)) == [name]


@pytest.mark.parametrize("text", [
    "医院实施“双带头人”。",  # people, no practice word
    "医院推进“互联网医院”建设。",  # building a kind of hospital
    "这是决胜“二甲”复审的关键行动。",  # a contest word before 的: the head belongs to another noun
])
def test_mechanisms_person_place_or_contest_quotes_are_skipped(text):
    assert _mechs(text) == {}


@pytest.mark.parametrize("text", [
    "科室按照成立党小组的思路推进工作。",
    "医院认真落实省里的帮扶政策。",
    "这是落实结对共建机制的具体举措。",
])
def test_mechanisms_weak_heads_need_a_quoted_core(text):
    assert "举措" not in "".join(_mechs(text)) and not any(
        n.endswith(("思路", "政策")) for n in _mechs(text))


def test_mechanisms_weak_head_after_quoted_core():
    assert list(_mechs("医院推行“三联三帮”帮扶政策，成效明显。")) == ["三联三帮帮扶政策"]


def test_mechanisms_plus_inside_a_quote_is_coined():
    assert list(_mechs("科室深入推进“护理+康复”融合发展。")) == ["护理+康复"]


def test_mechanisms_cue_joined_with_a_second_verb():
    assert list(_mechs("医院坚持和完善科室主任负责制。")) == ["科室主任负责制"]


def test_mechanisms_quoted_campaign_year_is_a_practice():
    assert list(_mechs("科室锚定“作风建设年”目标推进工作。")) == ["作风建设年"]


@pytest.mark.parametrize("text", [
    "医院在抗疫中发挥了“顶梁柱”的作用。",  # a role
    "全院形成“一条心”。",  # a state reached
])
def test_mechanisms_roles_and_states_are_skipped(text):
    assert _mechs(text) == {}


def test_mechanisms_quoted_programme_keeps_project_head():
    assert list(_mechs("医院启动“银龄关爱”志愿服务项目，惠及千人。")) == ["银龄关爱志愿服务项目"]


def test_mechanisms_plus_pair_that_is_combined_is_a_mix_not_a_name():
    assert _mechs("科室采取“线上+线下”相结合的方式开展培训。") == {}


def test_mechanisms_plain_programmes_in_a_lever_list():
    got = set(_mechs("医院以等级复审、青年英才计划、实施名医工程等为抓手，提升水平。"))
    assert got == {"青年英才计划", "名医工程"}


def test_mechanisms_spirit_of_a_rule_is_not_the_rule():
    assert _mechs("科室严格落实中央八项规定精神。") == {}
