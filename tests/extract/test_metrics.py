"""Metrics extractor: figures, exclusions, names, in-document merge and measuredBy credit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import metrics
from kg.extract.context import DocContext, Finding
from kg.extract.metric_scan import scan
from kg.records import Entity, EntityKey, NormalizedText, SourceText
from kg.segment import split_sentences
from kg.vocab import EntityType, Predicate

HOSPITAL = EntityKey(EntityType.HOSPITAL, ("安和县人民医院",))


class OneHospital:
    """Scope stub: every position belongs to one hospital."""

    def hospital_at(self, offset):
        return HOSPITAL

    def hospitals(self):
        return []


def context(text: str, mechanisms: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> DocContext:
    source = SourceText("t.txt", "t.txt", text, "utf-8", "0" * 64)
    norm = NormalizedText(text, tuple(range(len(text))))
    ctx = DocContext(source=source, norm=norm, sentences=split_sentences(norm), scope=OneHospital())
    ctx.findings.append(Finding(Entity(HOSPITAL, HOSPITAL.parts[0]), ctx.sentences[0]))
    for label, aliases in mechanisms:
        key = EntityKey(EntityType.MECHANISM, (label,))
        ctx.findings.append(Finding(Entity(key, label, aliases=aliases), ctx.sentences[0]))
    return ctx


def figures(text: str) -> list[tuple[str, str]]:
    return [(str(c.value), c.unit) for c in scan(text)]


# -- what counts as a figure -------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年医院新建了14个病区，引进博士26名。", [("14", "个"), ("26", "名")]),
        ("患者满意度达到95.2%，较上年提高3.1个百分点。", [("95.2", "%"), ("3.1", "百分点")]),
        ("全年门诊量46万人次，手术1.2万台次。", [("460000", "人次"), ("12000", "台次")]),
        ("共开展义诊四十余场。", [("40", "场")]),
        ("新增一个国家临床重点专科和三个省级重点专科。", [("1", "个"), ("3", "个")]),
        ("投入资金800万元改造病房。", [("8000000", "元")]),
        ("平均候诊时间缩短到12分钟。", [("12", "分钟")]),
    ],
)
def test_metrics_scan_finds_quantities(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2023年5月8日，医院召开大会。",  # years and dates
        "第三党支部书记发言，一是抓学习，二是抓落实。",  # ordinals
        "医院荣获“三甲”称号，推进“十四五”规划和“双百”工程。",  # numbers inside names
        "浏览:2381次 发布时间 10:25:30",  # page furniture
        "这只是一个缩影，守住两个底线。",  # small Chinese numerals as articles
        "一个党支部就是一座堡垒。",  # 一 as an article, even before a counted asset
        "从四个方面作了部署，明确7个维度的任务。",  # enumerations of a plan's parts
        "作为全省12家试点单位之一，在全国1800家参评医院中名列前茅。",  # counts of outside bodies
        "推行“1+3”模式，即1个中心带动3支队伍。",  # digits explaining a numeric name
        "58岁的王某已从医30年。",  # ages and career lengths of persons
        "全省共有三级医院64家，其中专科医院15家。",  # figures about the province
        "镇政府及其下属的8个村委会参加共建。",  # figures owned by a government body
    ],
)
def test_metrics_scan_skips_non_metrics(text):
    assert figures(text) == []


def test_metrics_scan_reports_why_a_number_was_dropped():
    rejected: list[tuple[int, str]] = []
    assert scan("点击:512次，分三个方面推进。", rejected=rejected) == []
    assert [reason for _, reason in rejected] == ["page furniture", "enumeration of a plan's parts"]


def test_metrics_scan_approximate_markers():
    got = {str(c.value): c.approximate for c in scan("服务群众近8万人次，举办讲座60余场，接诊1200名患者。")}
    assert got == {"80000": True, "60": True, "1200": False}


def test_metrics_scan_from_a_to_b():
    (cand,) = scan("床位由500张增加到800张。")
    assert (cand.value, cand.from_value, cand.unit) == (Decimal(800), Decimal(500), "张")
    (cand,) = scan("平均住院日从9.5天缩短至7.8天。")
    assert (cand.value, cand.from_value) == (Decimal("7.8"), Decimal("9.5"))


def test_metrics_scan_shared_unit_and_respectively():
    got = [(str(c.value), c.unit, c.name) for c in scan("急诊、门诊候诊时间分别为8分钟、15分钟，较上年缩短2和6分钟。")]
    assert got[:2] == [("8", "分钟", "急诊、门诊候诊时间"), ("15", "分钟", "急诊、门诊候诊时间")]
    assert [(v, u) for v, u, _ in got[2:]] == [("2", "分钟"), ("6", "分钟")]


def test_metrics_scan_ranks():
    got = [(str(c.value), c.unit, c.kind) for c in scan("在绩效考核中位列全省第五、全国排名从320名提升至251名。")]
    assert [(str(c.value), c.unit) for c in scan("位列全国第68位。")] == [("68", "位")]
    assert got == [("5", "名", "rank"), ("251", "名", "rank")]


def test_metrics_scan_durations_need_a_cue():
    assert figures("医院连续8年保持零投诉，走过六十载风雨。") == [("8", "年"), ("60", "年")]
    assert figures("未来3年将建成新院区。") == []


def test_metrics_scan_year_and_comparison_base():
    (share, change) = scan("2022年，出院患者随访率为91%，比2021年提高6个百分点。")
    assert share.year == change.year == 2022
    assert share.name == "出院患者随访率"


def test_metrics_scan_respectively_pairs_years():
    got = [(str(c.value), c.year) for c in scan("在2021年度、2022年度省级考核中，分别位列全省第十二、全省第八。")]
    assert got == [("12", 2021), ("8", 2022)]


def test_metrics_scan_names_counts_by_their_noun():
    (cand,) = scan("医院现有11个临床重点专科。")
    assert cand.name == "临床重点专科数量"


# -- entities and relations --------------------------------------------------
def test_metrics_extract_reports_metric_with_key():
    ctx = context("2021年，医院组建了15支志愿服务队。")
    (finding,) = metrics.extract(ctx)
    entity = finding.entity
    assert entity.key.parts == ("安和县人民医院", "志愿服务队数量", "15", "支", "2021")
    assert entity.value == Decimal(15) and entity.year == 2021
    assert [link.predicate for link in finding.links] == [Predicate.REPORTS_METRIC]


def test_metrics_extract_merges_a_repeated_figure():
    ctx = context("医院共设18个党支部。依托18个临床党支部开展活动。")
    keys = {f.entity.key for f in metrics.extract(ctx)}
    assert len(keys) == 1


def test_metrics_extract_merges_headline_and_body():
    ctx = context("体检量突破50万人次\n医院全年体检量50万人次。")
    keys = {f.entity.key for f in metrics.extract(ctx)}
    assert len(keys) == 1


def test_metrics_extract_keeps_equal_shares_of_different_things():
    ctx = context("门诊量同比增长12%。手术量同比增长12%。")
    keys = {f.entity.key for f in metrics.extract(ctx)}
    assert len(keys) == 2


def test_metrics_extract_keeps_traditional_label():
    ctx = context("醫院開展義診活動12場。")
    (finding,) = metrics.extract(ctx)
    assert finding.entity.label == "義診活動數量" or finding.entity.label.startswith("義診活動")
    assert finding.entity.key.parts[1] == "义诊活动数量"


# -- measuredBy ----------------------------------------------------------------
def credited(text: str, mechanisms) -> dict[str, str]:
    out = {}
    for f in metrics.extract(context(text, mechanisms)):
        for link in f.links:
            if link.predicate == Predicate.MEASURED_BY:
                out[f.entity.key.parts[2]] = link.subject.parts[0]
    return out


def test_metrics_credit_practice_opening_the_sentence():
    text = "医院通过“红旗榜”考评机制，使门诊满意度提升至96%，投诉下降40%。"
    assert credited(text, [("红旗榜考评机制", ("红旗榜",))]) == {"96": "红旗榜考评机制", "40": "红旗榜考评机制"}


def test_metrics_credit_quoted_part_of_a_label():
    text = "“先锋榜”梳理出25项服务承诺。"
    assert credited(text, [("党员先锋榜", ())]) == {"25": "党员先锋榜"}


def test_metrics_credit_not_for_a_practice_mentioned_mid_clause():
    text = "科室对照“六好”标准，将病区由6个扩为9个。"
    assert credited(text, [("六好标准", ("六好",))]) == {}


def test_metrics_credit_previous_sentence_ending_with_the_practice():
    text = "各支部开展“红心护航”行动。组建突击队5支、服务队7支。"
    assert credited(text, [("红心护航行动", ("红心护航",))]) == {"5": "红心护航行动", "7": "红心护航行动"}


def test_metrics_credit_attendance_of_a_meeting_on_the_practice():
    text = "医院召开“清风行动”动员大会。会议由院长主持。全院党员400余人参加会议。"
    assert credited(text, [("清风行动", ())]) == {"400": "清风行动"}


def test_metrics_credit_parallel_clause_breaks_the_link():
    text = "制定“双述双评”制度，同时新建9个工作室。"
    assert credited(text, [("双述双评制度", ("双述双评",))]) == {}


def test_metrics_credit_opener_before_the_practice():
    text = "自推行“夜间门诊”服务以来，累计接诊患者3.2万人次。"
    assert credited(text, [("夜间门诊服务", ("夜间门诊",))]) == {"32000": "夜间门诊服务"}


def test_metrics_credit_defined_part_of_a_numeric_name():
    text = "医院推行“1+N”帮扶模式。“N”是指科室与社区结对。\n即新增结对社区12个。"
    assert credited(text, [("1+N帮扶模式", ("1+N",))]) == {"12": "1+N帮扶模式"}


# -- robustness -----------------------------------------------------------------

_ALPHABET = "0123456789.,:-%％一二两三十百千万亿余多近超第个项名年月日次人的“”《》，。、从至为提升全国省共之一在中"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_metrics_scan_never_fails_and_stays_in_bounds(text):
    for cand in scan(text):
        assert 0 <= cand.start < cand.end <= len(text)
        assert cand.value >= 0


def test_metrics_credit_practice_right_before_its_count():
    text = "今年共举办“杏林讲堂”14期。"
    assert credited(text, [("杏林讲堂", ())]) == {"14": "杏林讲堂"}


def test_metrics_credit_not_for_the_core_of_a_name_next_to_a_count():
    text = "全年开展结对帮扶36次。"
    assert credited(text, [("结对帮扶制度", ())]) == {}


def test_metrics_credit_hospital_name_as_subject():
    text = "安和县人民医院依托“云上医共体”平台，远程会诊2600例。"
    assert credited(text, [("云上医共体平台", ("云上医共体",))]) == {"2600": "云上医共体平台"}


def test_metrics_credit_list_number_and_adverb_before_the_verb():
    text = "3. 严格落实“两会一课”制度，全年召开支部会议64次。"
    assert credited(text, [("两会一课制度", ("两会一课",))]) == {"64": "两会一课制度"}


def test_metrics_credit_subject_with_adverb_and_new_verb():
    text = "医院还推出“暖心陪诊”服务，组建陪诊小组8个。"
    assert credited(text, [("暖心陪诊服务", ("暖心陪诊",))]) == {"8": "暖心陪诊服务"}


def test_metrics_credit_parallel_word_opening_the_practice_clause():
    text = "同时实施“青蓝结对”工程，结对师徒达到36名。"
    assert credited(text, [("青蓝结对工程", ("青蓝结对",))]) == {"36": "青蓝结对工程"}


def test_metrics_credit_next_sentence_continuing_the_practice_output():
    text = "医院推出“银龄守护”项目，组建健康宣讲团6支。2024年，健康宣讲团走进社区宣讲80场，覆盖居民1.2万人次。"
    assert credited(text, [("银龄守护项目", ("银龄守护",))]) == {
        "6": "银龄守护项目", "80": "银龄守护项目", "12000": "银龄守护项目"}


def test_metrics_credit_next_sentence_restating_the_practice():
    text = "医院推行“一站式结算”模式。该模式运行以来，患者平均结算时间缩短至5分钟。"
    assert credited(text, [("一站式结算模式", ("一站式结算",))]) == {"5": "一站式结算模式"}


def test_metrics_credit_not_for_a_next_sentence_on_something_else():
    text = "医院推出“银龄守护”项目，组建健康宣讲团6支。2024年，门诊患者满意度提升至96%。"
    assert credited(text, [("银龄守护项目", ("银龄守护",))]) == {"6": "银龄守护项目"}


def test_metrics_credit_previous_sentence_ending_with_the_practice_report():
    text = "会上，支部书记介绍了“杏林先锋”服务品牌建设情况。支部党员累计开展义诊24场。"
    assert credited(text, [("杏林先锋服务", ("杏林先锋",))]) == {"24": "杏林先锋服务"}


def test_metrics_credit_paragraph_opened_by_a_part_goes_to_its_programme():
    text = "医院推行“两单”考评机制。\n服务“红单”让问题看得见。去年，门诊投诉下降35%。"
    mechanisms = [("两单考评机制", ("两单",)), ("红单", ())]
    assert credited(text, mechanisms) == {"35": "两单考评机制"}


def test_metrics_credit_paragraph_topic_ends_where_another_practice_is_adopted():
    text = "“夜间门诊”延长了服务时间。医院还推行“床旁结算”服务。去年，患者满意度提升至97%。"
    mechanisms = [("夜间门诊", ()), ("床旁结算服务", ("床旁结算",))]
    assert credited(text, mechanisms) == {"97": "床旁结算服务"}


def test_metrics_credit_paragraph_topic_only_within_the_paragraph():
    text = "“夜间门诊”延长了服务时间。病区环境也得到改善。\n去年，患者满意度提升至97%。"
    assert credited(text, [("夜间门诊", ())]) == {}


def names(text: str) -> list[str]:
    return [c.name for c in scan(text)]


def test_metrics_name_keeps_a_head_that_starts_a_word():
    assert names("医院开展“院长接待日”活动12场。") == ["院长接待日活动数量"]
    assert names("全年党委会研究重大事项95项。") == ["党委会研究重大事项数量"]


def test_metrics_name_starts_after_a_list_number():
    assert names("二、队伍建设1.组建青年突击队4支。") == ["青年突击队数量"]


def test_metrics_credit_paragraph_continues_after_a_line_ending_with_a_colon():
    text = "“夜间门诊”延长了服务时间。护士长这样说：\n“晚上来看病很方便。”去年，夜间接诊患者3200人次。"
    assert credited(text, [("夜间门诊", ())]) == {"3200": "夜间门诊"}


def test_metrics_credit_sentence_opening_on_the_time_since_a_practice_began():
    text = "医院打造“一科一特色”服务品牌。\n品牌创建以来，医院累计开展健康宣教150场。"
    mechanisms = [("一科一特色服务品牌", ("一科一特色",)), ("清风行动", ())]
    assert credited(text, mechanisms) == {"150": "一科一特色服务品牌"}


def test_metrics_credit_since_opener_needs_one_owner_of_the_head():
    text = "医院打造“一科一特色”品牌和“红心”品牌。\n品牌创建以来，医院累计开展健康宣教150场。"
    mechanisms = [("一科一特色品牌", ()), ("红心品牌", ())]
    assert credited(text, mechanisms) == {}


def test_metrics_credit_paragraph_topic_ends_at_a_parallel_opener():
    text = "“夜间门诊”延长了服务时间。此外，医院新建病区3个。"
    assert credited(text, [("夜间门诊", ())]) == {}


def test_metrics_scan_distributes_a_rank_over_listed_items():
    assert names("门诊、住院患者满意度居全市第一。") == ["门诊患者满意度居全市排名", "住院患者满意度居全市排名"]


def test_metrics_scan_does_not_distribute_a_count():
    assert names("党员、干部参加培训500人次。") == ["干部参加培训人次"]


def test_metrics_extract_keeps_one_metric_per_listed_item():
    ctx = context("门诊、住院患者满意度均达到96%。")
    assert len({f.entity.key for f in metrics.extract(ctx)}) == 2


def test_metrics_extract_joins_a_sentence_broken_at_a_line_end():
    ctx = context("医院调整党组织设置，党支部由原来的9个增加\n至15个，实现全覆盖。")
    (finding,) = metrics.extract(ctx)
    assert (finding.entity.value, finding.entity.from_value) == (Decimal(15), Decimal(9))


def test_metrics_extract_keeps_list_lines_apart():
    ctx = context("1、健康讲座，进社区\n2、义诊服务8场。")
    assert [f.sentence.text for f in metrics.extract(ctx)] == ["2、义诊服务8场。"]


def test_metrics_credit_across_a_sentence_broken_at_a_line_end():
    text = "医院推出“银龄守护”项目，组建健康宣讲团6支。2024年，健康宣\n讲团走进社区宣讲80场。"
    assert credited(text, [("银龄守护项目", ("银龄守护",))]) == {"6": "银龄守护项目", "80": "银龄守护项目"}


def test_metrics_credit_next_sentence_opening_with_this_measure():
    text = "医院推行“床旁结算”服务，方便出院患者。此举使平均结算时间缩短至5分钟。"
    assert credited(text, [("床旁结算服务", ("床旁结算",))]) == {"5": "床旁结算服务"}


def test_metrics_scan_from_the_original_count():
    (cand,) = scan("病区由原来的8个增加至11个。")
    assert (cand.value, cand.from_value, cand.name) == (Decimal(11), Decimal(8), "病区数量")


def test_metrics_name_counts_a_coordinated_noun():
    assert names("共选派36名医生和护士下沉帮扶。") == ["医生和护士数量"]


def test_metrics_name_drops_a_leading_year_whole():
    assert names("2023年门诊患者满意度提升至95.5%。") == ["门诊患者满意度"]


def test_metrics_credit_practice_named_as_the_cause_after_the_figure():
    text = "门诊患者满意度提升至98.2%，这得益于医院推行的“一站式服务”模式。"
    assert credited(text, [("一站式服务模式", ("一站式服务",))]) == {"98.2": "一站式服务模式"}


def test_metrics_credit_next_sentence_naming_the_cause():
    text = "平均候诊时间缩短至15分钟。这主要得益于“分时段预约”服务。"
    assert credited(text, [("分时段预约服务", ("分时段预约",))]) == {"15": "分时段预约服务"}


def test_metrics_credit_not_for_a_practice_merely_following_the_figure():
    text = "平均候诊时间缩短至15分钟，医院还将推广“分时段预约”服务。"
    assert credited(text, [("分时段预约服务", ("分时段预约",))]) == {}
