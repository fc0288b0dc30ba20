"""Hand-built knowledge graphs for the HTML exporter tests (unit and browser).

No extraction is involved: entities, relations and evidence are typed in, so
the tests pin the exporter alone.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from kg.graph import KnowledgeGraph
from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import EntityType, Predicate

#: a label that would run script if any page put it in as HTML.
EVIL = "</script><img src=x onerror=window.__pwned=1>"
EVIDENCE_SENTENCE = "北京大学第三医院荣获2021年全国先进基层党组织称号。"


def _doc(name: str) -> DocumentInfo:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return DocumentInfo(doc_id=digest[:16], file_name=name, path=f"seeds/{name}", sha256=digest, encoding="utf-8")


def small_graph(extra_label: str | None = EVIL) -> KnowledgeGraph:
    """Two hospitals, a leader, an honor, a shared mechanism and two metrics, with evidence.

    Args:
        extra_label: label of an extra mechanism linked to the first hospital
            (default: an injection attempt); None leaves it out.

    Returns:
        The graph (8 nodes when ``extra_label`` is given, else 7).
    """
    g = KnowledgeGraph()
    d1, d2 = _doc("000_beiyi.txt"), _doc("001_zhongyi<b>.txt")
    g.add_document(d1)
    g.add_document(d2)
    h1 = EntityKey(EntityType.HOSPITAL, ("北京大学第三医院",))
    h2 = EntityKey(EntityType.HOSPITAL, ("北京中医医院",))
    leader = EntityKey(EntityType.LEADER, ("金昌晓", "北京大学第三医院"))
    honor = EntityKey(EntityType.HONOR, ("北京大学第三医院", "全国先进基层党组织", "2021", ""))
    mech = EntityKey(EntityType.MECHANISM, ("党建+业务双融合",))
    metric1 = EntityKey(EntityType.METRIC, ("北京大学第三医院", "门诊量", "1.2E+4", "人次", "2022"))
    metric2 = EntityKey(EntityType.METRIC, ("北京中医医院", "满意度", "98.5", "%", ""))
    entities = [
        (Entity(h1, "北京大学第三医院", aliases=("北医三院",)), d1),
        (Entity(h2, "北京中医医院", aliases=("京中医",)), d2),
        (Entity(leader, "金昌晓", titles=("党委书记",)), d1),
        (Entity(honor, "全国先进基层党组织", year=2021, recipient_unit="机关党支部", level="国家级"), d1),
        (Entity(mech, "党建+业务双融合"), d1),
        (Entity(mech, "党建+业务双融合"), d2),
        (Entity(metric1, "门诊量", value=Decimal("1.2E+4"), unit="人次", year=2022, from_value=Decimal("9000"), approximate=True), d1),
        (Entity(metric2, "满意度", value=Decimal("98.5"), unit="%"), d2),
    ]
    for entity, doc in entities:
        g.add_entity(entity, doc.doc_id)

    def rel(pred: Predicate, s: EntityKey, o: EntityKey, doc: DocumentInfo, sentence: str, start: int) -> None:
        g.add_relation(Relation(pred, s, o, Evidence(doc.doc_id, start, start + len(sentence), sentence)))

    rel(Predicate.HAS_LEADER, h1, leader, d1, "北京大学第三医院党委书记金昌晓介绍。", 0)
    rel(Predicate.RECEIVED_HONOR, h1, honor, d1, EVIDENCE_SENTENCE, 20)
    rel(Predicate.IMPLEMENTS, h1, mech, d1, "北医三院推行“党建+业务双融合”机制。", 60)
    rel(Predicate.IMPLEMENTS, h2, mech, d2, "北京中医医院也实行党建+业务双融合。", 5)
    rel(Predicate.REPORTS_METRIC, h1, metric1, d1, "门诊量由9000人次提升至1.2万余人次。", 90)
    rel(Predicate.MEASURED_BY, mech, metric1, d1, "门诊量由9000人次提升至1.2万余人次。", 90)
    rel(Predicate.REPORTS_METRIC, h2, metric2, d2, "患者满意度达98.5%。\u2028第二行", 40)
    if extra_label is not None:
        evil = EntityKey(EntityType.MECHANISM, (extra_label,))
        g.add_entity(Entity(evil, extra_label, aliases=("<!--x", '"quoted"')), d1.doc_id)
        rel(Predicate.IMPLEMENTS, h1, evil, d1, f"该院试行{extra_label}。", 120)
    return g


def large_graph(hospitals: int = 40, per_hospital: int = 12) -> KnowledgeGraph:
    """A graph above the overview threshold: many hospitals, each with leaders, honors and metrics.

    Args:
        hospitals: number of hospitals.
        per_hospital: leaders + honors + metrics per hospital (a third each).

    Returns:
        The graph: ``hospitals * (1 + per_hospital)`` nodes plus 5 mechanisms.
    """
    g = KnowledgeGraph()
    doc = _doc("big.txt")
    g.add_document(doc)
    mechs = [EntityKey(EntityType.MECHANISM, (f"机制{m}",)) for m in range(5)]
    for m in mechs:
        g.add_entity(Entity(m, m.parts[0]), doc.doc_id)
    ev = Evidence(doc.doc_id, 0, 4, "示例句子")
    for i in range(hospitals):
        name = f"第{i}人民医院"
        h = EntityKey(EntityType.HOSPITAL, (name,))
        g.add_entity(Entity(h, name), doc.doc_id)
        g.add_relation(Relation(Predicate.IMPLEMENTS, h, mechs[i % 5], ev))
        for j in range(per_hospital):
            kind = j % 3
            if kind == 0:
                k, pred = EntityKey(EntityType.LEADER, (f"领导{i}-{j}", name)), Predicate.HAS_LEADER
                e = Entity(k, k.parts[0], titles=("院长",))
            elif kind == 1:
                k, pred = EntityKey(EntityType.HONOR, (name, f"荣誉{j}", "2020", "")), Predicate.RECEIVED_HONOR
                e = Entity(k, f"荣誉{j}", year=2020)
            else:
                k, pred = EntityKey(EntityType.METRIC, (name, f"指标{j}", str(j), "个", "")), Predicate.REPORTS_METRIC
                e = Entity(k, f"指标{j}", value=Decimal(j), unit="个")
            g.add_entity(e, doc.doc_id)
            g.add_relation(Relation(pred, h, k, ev))
    return g
