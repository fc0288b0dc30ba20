"""Hospital scope on hand-written documents (not seed text)."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.context import DocContext
from kg.extract.scope import build_scope
from kg.records import NormalizedText, SourceText
from kg.segment import split_sentences


def _ctx(text: str) -> DocContext:
    src = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    norm = NormalizedText(text, tuple(range(len(text))))
    return DocContext(source=src, norm=norm, sentences=split_sentences(norm))


def _at(text: str, marker: str) -> str | None:
    """Name of the hospital in scope where ``marker`` occurs."""
    scope = build_scope(_ctx(text))
    key = scope.hospital_at(text.index(marker))
    return key.parts[0] if key else None


def test_scope_references_fall_under_the_named_hospital():
    text = "东川县人民医院召开党建会。该院党委推行甲乙机制。医院满意度达到95%。"
    assert _at(text, "甲乙机制") == "东川县人民医院"
    assert _at(text, "95%") == "东川县人民医院"


def test_scope_partner_named_once_does_not_move_it():
    text = "东川县人民医院召开党建会。医院与西岭大学附属医院签约合作。此后，医院推行丙丁机制。东川县人民医院表示将坚持。"
    assert _at(text, "丙丁机制") == "东川县人民医院"


def test_scope_switches_between_two_articles_on_a_page():
    text = (
        "东川县人民医院 党建引领发展\n东川县人民医院坚持党建引领。医院推行甲乙机制。\n"
        "西岭县中医院 守护健康\n西岭县中医院深化改革。医院推行丙丁机制。西岭县中医院获评先进。\n"
    )
    assert _at(text, "甲乙机制") == "东川县人民医院"
    assert _at(text, "丙丁机制") == "西岭县中医院"


def test_scope_subject_earlier_in_the_sentence_wins():
    text = "北湖市中心医院介绍了经验。南岭县人民医院一行12人到北湖市中心医院交流。北湖市中心医院表示欢迎。"
    assert _at(text, "12人") == "南岭县人民医院"
    assert _at(text, "表示欢迎") == "北湖市中心医院"


def test_scope_byline_after_body_owns_the_body():
    text = (
        "医院推行甲乙机制，成效明显。\n东川县人民医院党委书记王建华——\n抓党建促发展\n"
        "医院推行丙丁机制，成效明显。\n西岭县中医院院长刘德明——\n以人为本\n"
    )
    assert _at(text, "甲乙机制") == "东川县人民医院"
    assert _at(text, "丙丁机制") == "西岭县中医院"
    assert _at(text, "以人为本") == "西岭县中医院"


def test_scope_no_hospital_means_no_scope():
    assert _at("街道召开会议，推行甲乙机制。", "甲乙机制") is None


def test_scope_hospitals_carry_aliases_and_a_sentence():
    text = "临川市人民医院召开大会。市人民医院党委书记讲话。"
    (finding,) = build_scope(_ctx(text)).hospitals()
    assert finding.entity.key.parts == ("临川市人民医院",)
    assert finding.entity.aliases == ("市人民医院",)
    assert finding.sentence.text == "临川市人民医院召开大会。"


def test_scope_relative_names_are_qualified_by_document():
    ctx = _ctx("市人民医院召开党建会。医院推行甲乙机制。")
    scope = build_scope(ctx)
    key = scope.hospital_at(ctx.text.index("甲乙"))
    assert key.parts == (f"市人民医院@{ctx.source.doc_id}",)
    (finding,) = scope.hospitals()
    assert finding.entity.label == "市人民医院"


def test_scope_occasional_subject_partner_does_not_take_over():
    text = (
        "东川县人民医院召开党建会。东川县人民医院党委坚持党建引领。东川县人民医院推进改革。"
        "东川县人民医院加强管理。东川县人民医院服务群众。东川县人民医院深化医改。东川县人民医院获评先进。"
        "医院与西岭县中医院签约。西岭县中医院院长表示感谢。西岭县中医院将派专家。医院推行甲乙机制。"
    )
    assert _at(text, "甲乙机制") == "东川县人民医院"


def test_scope_hospital_opening_a_title_line_anchors_its_article():
    text = (
        "东川县人民医院 党建引领发展\n" + "东川县人民医院推进改革。" * 9 + "\n"
        "西岭县中医院 守护健康\n医院推行丙丁机制。\n"
    )
    assert _at(text, "丙丁机制") == "西岭县中医院"


def test_scope_partner_with_its_own_award_verb_owns_the_award():
    text = "东川县人民医院召开大会。院长对西岭县中医院获批国家区域医疗中心表示祝贺。"
    assert _at(text, "国家区域") == "西岭县中医院"
    assert _at(text, "院长对") == "东川县人民医院"


_ALPHABET = "医院人民市县区中心党委书记院长副主任护士长科支部与和在的、，。“”（）\n 第一二三东西南北张王李刘陈"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_scope_and_leaders_never_fail_on_odd_text(text):
    from kg.extract import leaders

    ctx = _ctx(text)
    scope = build_scope(ctx)
    ctx.scope = scope
    for offset in range(0, len(text), 7):
        key = scope.hospital_at(offset)
        assert key is None or key.parts[0]
    for finding in scope.hospitals():
        assert finding.entity.label
    for finding in leaders.extract(ctx):
        assert 2 <= len(finding.entity.label) <= 4


def test_scope_short_news_items_each_open_with_their_hospital():
    text = (
        "东川县人民医院召开党建会。" * 4 + "\n"
        "本报讯 西岭县中医院开展义诊。该院推行甲乙机制。\n"
        "本报讯 医院推行丙丁机制。\n"
    )
    assert _at(text, "甲乙机制") == "西岭县中医院"
    assert _at(text, "丙丁机制") == "东川县人民医院"


def test_scope_headline_hospital_keeps_the_page_against_a_twice_named_partner():
    text = (
        "东川县人民医院开展党建活动\n医院党委组织学习。西岭县中医院专家来院交流。"
        "西岭县中医院院长表示感谢。此后，医院推行甲乙机制。"
    )
    assert _at(text, "甲乙机制") == "东川县人民医院"
