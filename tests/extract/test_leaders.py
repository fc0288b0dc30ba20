"""Leaders extractor on hand-written sentences (not seed text), with the real scope."""

from __future__ import annotations

import hashlib

import pytest

from kg.extract import leaders
from kg.extract.context import DocContext
from kg.extract.scope import build_scope
from kg.records import NormalizedText, SourceText
from kg.segment import split_sentences
from kg.vocab import Predicate


def _ctx(text: str) -> DocContext:
    src = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    norm = NormalizedText(text, tuple(range(len(text))))
    ctx = DocContext(source=src, norm=norm, sentences=split_sentences(norm))
    ctx.scope = build_scope(ctx)
    return ctx


def _leaders(text: str) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for f in leaders.extract(_ctx(text)):
        (link,) = f.links
        assert link.predicate == Predicate.HAS_LEADER and link.object == f.entity.key
        key = (f.entity.label, link.subject.parts[0])
        titles = out.setdefault(key, [])
        titles.extend(t for t in f.entity.titles if t not in titles)
    return out


H = "东川县人民医院"


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("院党委书记王建华表示，要抓好党建。", {("王建华", H): ["党委书记"]}),
        ("党委书记、院长陈立新主持会议。", {("陈立新", H): ["党委书记", "院长"]}),
        ("医院党委副书记、纪委书记刘德明说。", {("刘德明", H): ["党委副书记", "纪委书记"]}),
        ("心内科主任赵刚介绍了科室情况。", {("赵刚", H): ["心内科主任"]}),
        ("会议由马志远院长主持。", {("马志远", H): ["院长"]}),
        ("外科第二党支部书记孙丽正带领党员义诊。", {("孙丽", H): ["外科第二党支部书记"]}),
        ("科主任、副主任医师周小川查房。", {("周小川", H): ["科主任"]}),
        ("护士长吴敏道出了其中的关键。", {("吴敏", H): ["护士长"]}),
    ],
)
def test_leaders_post_then_name(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "县委书记郑国平出席会议并讲话。",
        "市卫生健康委副主任林涛宣读文件。",
        "街道党工委书记何平与医院签约。",
        "主治医师李华为患者手术。",
        "（记者 张明 通讯员 王芳）",
        "党委书记与院长定期沟通，支持院长依法行使职权。",
        "完善护士长查房制度，落实院长负责制。",
    ],
)
def test_leaders_not_leaders(sentence):
    assert _leaders(f"{H}召开会议。{sentence}") == {}


def test_leaders_official_excluded_everywhere_in_document():
    text = f"{H}召开会议。区卫健委主任钱进出席。会后，钱进主任与院长冯涛交流。"
    assert _leaders(text) == {("冯涛", H): ["院长"]}


def test_leaders_hospital_named_before_post_wins_over_scope():
    text = f"{H}与西岭县中医院签约。西岭县中医院党委书记黄河说，合作前景广阔。"
    assert _leaders(text) == {("黄河", "西岭县中医院"): ["党委书记"]}


def test_leaders_each_post_keeps_its_own_hospital():
    text = f"{H}支部成立。西岭县中医院党委委员、{H}院长潘石出席。"
    assert _leaders(text) == {("潘石", "西岭县中医院"): ["党委委员"], ("潘石", H): ["院长"]}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (f"任命邓志强同志为{H}党委书记。", {("邓志强", H): ["党委书记"]}),
        (f"免去韩冰同志{H}院长职务。", {("韩冰", H): ["院长"]}),
        ("感染科彭涛担任书记。", {("彭涛", H): ["书记"]}),
        ("选举产生支委会，同意曹阳、唐静等2位同志为支部委员。", {("曹阳", H): ["支部委员"], ("唐静", H): ["支部委员"]}),
    ],
)
def test_leaders_appointment_clauses(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


def test_leaders_traditional_text_keeps_its_characters():
    text = "南山市人民醫院召開會議。醫院黨委書記張建國講話。"
    assert _leaders(text) == {("張建國", "南山市人民医院"): ["黨委書記"]}


def test_leaders_names_listed_after_a_post_share_it():
    assert _leaders(f"{H}召开会议。副院长林海涛、郭明出席。") == {("林海涛", H): ["副院长"], ("郭明", H): ["副院长"]}


def test_leaders_chain_with_a_government_title_is_an_official():
    assert _leaders(f"{H}召开会议。市卫生健康委党组书记、主任杨帆讲话。") == {}


def test_leaders_time_word_before_hospital_is_not_part_of_it():
    assert _leaders("近日东川县人民医院召开会议，院长贺兰山主持。") == {("贺兰山", H): ["院长"]}


def test_leaders_common_word_after_a_two_character_name():
    assert _leaders(f"{H}召开会议。党支部书记马丽深入村组开展义诊。") == {("马丽", H): ["党支部书记"]}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("本院院长熊伟在讲话中指出。", {("熊伟", H): ["院长"]}),
        ("患者握着院长孙建国的手道谢。", {("孙建国", H): ["院长"]}),
        ("医务科科长唐志明参加会议。", {("唐志明", H): ["医务科科长"]}),
        ("院长、党委副书记 朱红梅主持会议。", {("朱红梅", H): ["院长", "党委副书记"]}),
    ],
)
def test_leaders_name_ends(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("院长司马青云对工作提出要求。", {("司马青云", H): ["院长"]}),
        ("院长温和主持会议。", {("温和", H): ["院长"]}),
        ("卫生院党支部书记、院长龙海波介绍。", {("龙海波", H): ["党支部书记", "院长"]}),
    ],
)
def test_leaders_unusual_names_and_references(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


def test_leaders_explicit_hospital_carries_over_to_scoped_mentions():
    text = (
        "西岭县中医院与东川县人民医院签约。东川县人民医院院长潘石出席。"
        "西岭县中医院党委坚持党建引领。西岭县中医院加强管理。院长潘石表示祝贺。"
    )
    assert _leaders(text) == {("潘石", H): ["院长"]}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("南州医科大学党委书记田野出席。", {}),
        ("医院团委书记龚雪主持。", {("龚雪", H): ["团委书记"]}),
    ],
)
def test_leaders_other_institutions_and_hospital_youth_league(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("原党委书记卢森出席。", {("卢森", H): ["党委书记"]}),
        ("ICU主任汤圆圆介绍。", {("汤圆圆", H): ["ICU主任"]}),
        ("南江医疗联盟党委书记符强出席。", {}),
    ],
)
def test_leaders_words_before_a_post(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("出席会议的有柯文杰（党委书记）、姚丽（副院长）。", {("柯文杰", H): ["党委书记"], ("姚丽", H): ["副院长"]}),
        ("会上，鲍志远（西岭县中医院院长）作交流发言。", {("鲍志远", "西岭县中医院"): ["院长"]}),
    ],
)
def test_leaders_post_in_brackets_after_name(sentence, expected):
    assert _leaders(f"{H}召开会议。{sentence}") == expected


def test_leaders_post_listed_after_an_official_is_an_official():
    text = f"{H}召开会议。市卫健委主任刘强、副主任陈明出席。院长李四主持。"
    assert _leaders(text) == {("李四", H): ["院长"]}


def test_leaders_post_listed_after_a_hospital_leader_keeps_the_hospital():
    text = f"{H}召开会议。西岭县中医院院长黄河、副院长周涛出席。"
    assert _leaders(text) == {("黄河", "西岭县中医院"): ["院长"], ("周涛", "西岭县中医院"): ["副院长"]}


def test_leaders_common_noun_after_post_is_no_name():
    assert _leaders(f"{H}召开会议。医院实施党委书记项目，推进院长负责制。") == {}


def test_leaders_name_starting_with_a_word_is_still_a_name():
    assert _leaders(f"{H}召开会议。院长王国庆在会上讲话。") == {("王国庆", H): ["院长"]}
