"""Hospital mentions and their grouping, on hand-written sentences (not seed text)."""

from __future__ import annotations

import hashlib

import pytest

from kg.extract.context import DocContext
from kg.extract.hospitals import find_hospitals
from kg.records import NormalizedText, SourceText
from kg.segment import split_sentences


def _ctx(text: str) -> DocContext:
    src = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    norm = NormalizedText(text, tuple(range(len(text))))
    return DocContext(source=src, norm=norm, sentences=split_sentences(norm))


def _names(text: str) -> dict[str, list[str]]:
    table = find_hospitals(_ctx(text))
    return {h.label: sorted(h.aliases) for h in table.hospitals.values()}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("近日，在江北区人民医院召开了党建工作会议。", {"江北区人民医院": []}),
        ("中共南岭县中医院委员会召开全体党员大会。", {"南岭县中医院": []}),
        ("青山湖区社区卫生服务中心党支部开展义诊。", {"青山湖区社区卫生服务中心": []}),
        ("我们医院与华山医院、瑞金医院签订合作协议。", {"华山医院": [], "瑞金医院": []}),
        ("东江大学附属第二医院党委书记出席会议。", {"东江大学附属第二医院": []}),
    ],
)
def test_hospitals_full_names_start_at_a_boundary(text, expected):
    assert _names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "要推动医院高质量发展，回望医院走过的路。",
        "医院荣获全国百强中医院称号，入选国家区域医疗中心。",
        "目标是建成三级甲等综合医院和公立医院党建示范医院。",
        "该院与本院、我院都不是医院的名字。",
    ],
)
def test_hospitals_generic_phrases_are_not_hospitals(text):
    assert _names(text) == {}


def test_hospitals_short_form_is_alias_of_full_name():
    text = "临川市人民医院召开大会。会上，市人民医院党委书记讲话。"
    assert _names(text) == {"临川市人民医院": ["市人民医院"]}


def test_hospitals_short_form_alone_stays_the_name():
    assert _names("市第一人民医院党委召开会议。市第一人民医院院长出席。") == {"市第一人民医院": []}


def test_hospitals_defined_abbreviation_is_an_alias_and_a_mention():
    text = "东江大学附属第二医院（以下简称“东大二院”）成立于1950年。东大二院党委坚持党建引领。"
    table = find_hospitals(_ctx(text))
    assert list(table.hospitals) == ["东江大学附属第二医院"]
    hospital = table.hospitals["东江大学附属第二医院"]
    assert hospital.aliases == ["东大二院"]
    assert len(hospital.mentions) == 3  # the full name, the definition, the later use


def test_hospitals_words_glued_before_a_known_name_are_cut():
    text = "荷塘县人民医院获评先进。正如荷塘县人民医院院长所说，成绩来之不易。"
    assert _names(text) == {"荷塘县人民医院": []}


def test_hospitals_traditional_label_simplified_key():
    table = find_hospitals(_ctx("南山市人民醫院黨委召開會議。"))
    (name, hospital), = table.hospitals.items()
    assert name == "南山市人民医院"
    assert hospital.label == "南山市人民醫院"


def test_hospitals_named_branch_of_a_hospital_is_one_name():
    text = "北湖儿童医院召开大会，北湖儿童医院西山医院、南岭医院线上参会。"
    assert set(_names(text)) == {"北湖儿童医院", "北湖儿童医院西山医院", "南岭医院"}


def test_hospitals_partner_mentions_are_marked():
    table = find_hospitals(_ctx("东川县人民医院与西岭县中医院签约。"))
    roles = {m.name: m.partner for m, _ in table.mentions}
    assert roles == {"东川县人民医院": False, "西岭县中医院": True}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("南州大学附属医院院长出席。", {"南州大学附属医院": []}),
        ("西江省人民医院（集团）党委召开会议。", {"西江省人民医院": []}),
        ("爱尔眼科医院与东山区人民医院签约。", {"爱尔眼科医院": [], "东山区人民医院": []}),
    ],
)
def test_hospitals_more_name_shapes(text, expected):
    assert _names(text) == expected


def test_hospitals_he_closing_a_name_is_kept():
    assert _names("会议在东湖宾馆召开，北京协和医院、北京大学人民医院专家参会。") == {
        "北京协和医院": [],
        "北京大学人民医院": [],
    }


def test_hospitals_quoted_nickname_is_an_alias():
    text = "青山县人民医院深化改革，打响了“青医”品牌，“一院两区”格局形成。"
    assert _names(text) == {"青山县人民医院": ["青医"]}


def test_hospitals_two_character_alias_only_counts_where_quoted():
    text = "东川区第一人民医院打造有“一院”特色的品牌。医院实行一院两区管理。"
    table = find_hospitals(_ctx(text))
    assert [m.surface for m, _ in table.mentions] == ["东川区第一人民医院", "一院"]


def test_hospitals_second_name_in_brackets_is_an_alias():
    text = "南州大学附属第一医院（南州市第一人民医院）召开大会。南州市第一人民医院党委书记讲话。"
    assert _names(text) == {"南州大学附属第一医院": ["南州市第一人民医院"]}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("中国人民解放军总医院党委召开会议。", {"中国人民解放军总医院": []}),
        ("华中科技大学同济医学院附属协和医院党委书记出席。", {"华中科技大学同济医学院附属协和医院": []}),
        ("东湖街道社区卫生服务站开展义诊。", {"东湖街道社区卫生服务站": []}),
    ],
)
def test_hospitals_real_world_name_shapes(text, expected):
    assert _names(text) == expected


def test_hospitals_association_names_are_not_hospitals():
    assert _names("中国医院协会发布通知。中国医院协会组织评选。") == {}


def test_hospitals_generic_reference_only_where_it_stands_alone():
    text = "南岭市妇幼保健院获批三级乙等妇幼保健院。会上，妇幼保健院党委书记讲话。"
    table = find_hospitals(_ctx(text))
    assert [m.surface for m, _ in table.mentions] == ["南岭市妇幼保健院", "妇幼保健院"]
    assert table.mentions[1][0].start == text.index("，妇幼") + 1


def test_hospitals_unmarked_name_on_its_own_line_is_kept():
    assert _names("宿城医院\n首页 > 新闻\n我院召开党建工作会议。") == {"宿城医院": []}


def test_hospitals_place_given_before_a_relative_name_makes_a_fuller_alias():
    text = "地处临江“南大门”的区第一人民医院，服务周边群众。区第一人民医院党委召开会议。"
    assert _names(text) == {"区第一人民医院": ["临江区第一人民医院"]}


@pytest.mark.parametrize("name", ["平和县医院", "太和县人民医院", "和睦家医院", "北京协和医院"])
def test_hospitals_he_inside_a_word_stays_in_the_name(name):
    assert _names(f"日前，{name}党委召开会议。会后，{name}开展义诊。") == {name: []}


@pytest.mark.parametrize("phrase", ["推动医院高质量发展", "关心医院职工", "管好医院", "目前医院有职工", "“中国医院科学抗疫团队”"])
def test_hospitals_verb_or_common_word_before_hospital_is_no_name(phrase):
    assert _names(f"会上，{phrase}，大家鼓掌。") == {}


@pytest.mark.parametrize("name", ["鼓楼医院", "天坛医院", "湘雅医院"])
def test_hospitals_proper_word_before_hospital_is_a_name_even_once(name):
    assert _names(f"会上，{name}的专家作报告。") == {name: []}
