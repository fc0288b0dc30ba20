"""Hand-built KnowledgeGraph fixtures (no extraction involved), for export and query tests.

- ``small_graph()``: two documents, two hospitals with leaders, honors (with
  and without a year), one mechanism shared by both hospitals, metrics credited
  to mechanisms; every relation has an evidence sentence.
- ``nasty_graph(strings)``: one entity per string in labels, aliases, posts and
  evidence, to push odd text (quotes, backslashes, newlines, control chars,
  ``</script>``) through every serializer.
- ``big_graph(hospitals)``: a synthetic graph of any size, for benchmarks.

Other test modules may import these; they only use the public graph API.
"""

from __future__ import annotations

from decimal import Decimal

from kg.graph import KnowledgeGraph
from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import EntityType, Predicate

H, L, O, M, X = (EntityType.HOSPITAL, EntityType.LEADER, EntityType.HONOR, EntityType.MECHANISM, EntityType.METRIC)

HOSPITAL_A = "忠县人民医院"
HOSPITAL_B = "北京大学第三医院"


def doc(doc_id: str, file_name: str, title: str | None = None) -> DocumentInfo:
    """A DocumentInfo with a fake hash derived from ``doc_id``."""
    return DocumentInfo(
        doc_id=doc_id,
        file_name=file_name,
        path=f"seeds/{file_name}",
        sha256=(doc_id * 4)[:64],
        encoding="utf-8",
        title=title,
    )


def hospital(name: str, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(EntityKey(H, (name,)), name, aliases=aliases)


def leader(name: str, hosp: str, titles: tuple[str, ...]) -> Entity:
    return Entity(EntityKey(L, (name, hosp)), name, titles=titles)


def honor(hosp: str, title: str, year: int | None, unit: str = "", level: str | None = None) -> Entity:
    key = EntityKey(O, (hosp, title, str(year or ""), unit))
    return Entity(key, title, year=year, recipient_unit=unit or None, level=level)


def mechanism(name: str, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(EntityKey(M, (name,)), name, aliases=aliases)


def metric(hosp: str, name: str, value: str, unit: str, year: int | None = None, **kw) -> Entity:
    key = EntityKey(X, (hosp, name, value, unit, str(year or "")))
    return Entity(key, name, value=Decimal(value), unit=unit, year=year, **kw)


def relate(g: KnowledgeGraph, pred: Predicate, s: Entity, o: Entity, doc_id: str, start: int, sentence: str,
           confidence: float = 1.0) -> None:
    """Add a relation with one evidence sentence at ``start`` (asserts it was accepted)."""
    ev = Evidence(doc_id, start, start + len(sentence), sentence)
    assert g.add_relation(Relation(pred, s.key, o.key, ev, rule_id="test", confidence=confidence))


def small_graph() -> KnowledgeGraph:
    """Two documents, two hospitals, leaders, honors, a shared mechanism and metrics."""
    g = KnowledgeGraph()
    d1, d2 = "a1b2c3d4e5f60718", "0f1e2d3c4b5a6978"
    g.add_document(doc(d1, "000_zhongxian.txt", "忠县人民医院党建示范"))
    g.add_document(doc(d2, "001_beiyisanyuan.txt"))

    ha = hospital(HOSPITAL_A, ("忠医",))
    hb = hospital(HOSPITAL_B, ("北医三院",))
    la = leader("张三", HOSPITAL_A, ("党委书记",))
    lb = leader("李四", HOSPITAL_A, ("院长", "党委副书记"))
    lc = leader("王五", HOSPITAL_B, ("党委书记",))
    o1 = honor(HOSPITAL_A, "市级公立医院党建示范医院", 2024, level="市级")
    o2 = honor(HOSPITAL_A, "市级示范党支部", 2024, unit="机关党支部", level="市级")
    o3 = honor(HOSPITAL_B, "全国文明单位", 2020)
    o4 = honor(HOSPITAL_B, "先进基层党组织", None)
    m1 = mechanism("双示范计划")
    m2 = mechanism("党建+业务双融合", ("双融合",))
    x1 = metric(HOSPITAL_A, "门诊量", "850000", "人次", 2024, approximate=True)
    x2 = metric(HOSPITAL_A, "患者满意度", "98.5", "%", 2024, from_value=Decimal("95.2"))
    x3 = metric(HOSPITAL_B, "党员示范岗", "36", "个")

    for e in (ha, la, lb, o1, o2, m1, m2, x1, x2):
        g.add_entity(e, d1)
    for e in (hb, lc, o3, o4, m1, x3, ha):
        g.add_entity(e, d2)

    relate(g, Predicate.HAS_LEADER, ha, la, d1, 10, "党委书记张三介绍。")
    relate(g, Predicate.HAS_LEADER, ha, lb, d1, 30, "院长李四表示，医院将持续推进。", 0.9)
    relate(g, Predicate.RECEIVED_HONOR, ha, o1, d1, 0, "2024年12月，忠县人民医院荣膺“2024年市级公立医院党建示范医院”。")
    relate(g, Predicate.RECEIVED_HONOR, ha, o2, d1, 60, "其机关党支部获评“市级示范党支部”。")
    relate(g, Predicate.IMPLEMENTS, ha, m1, d1, 80, "忠县人民医院实施“双示范计划”。")
    relate(g, Predicate.IMPLEMENTS, ha, m2, d1, 100, "推行“党建+业务双融合”。")
    relate(g, Predicate.REPORTS_METRIC, ha, x1, d1, 120, "全年门诊量达85万余人次。")
    relate(g, Predicate.REPORTS_METRIC, ha, x2, d1, 140, "患者满意度从95.2%提升至98.5%。")
    relate(g, Predicate.MEASURED_BY, m2, x2, d1, 140, "患者满意度从95.2%提升至98.5%。")
    relate(g, Predicate.MEASURED_BY, m1, x1, d1, 120, "全年门诊量达85万余人次。")
    relate(g, Predicate.HAS_LEADER, hb, lc, d2, 5, "北京大学第三医院党委书记王五。")
    relate(g, Predicate.RECEIVED_HONOR, hb, o3, d2, 20, "医院2020年获评全国文明单位。")
    relate(g, Predicate.RECEIVED_HONOR, hb, o4, d2, 40, "医院党委获评先进基层党组织。")
    relate(g, Predicate.IMPLEMENTS, hb, m1, d2, 60, "北医三院也借鉴“双示范计划”。")
    relate(g, Predicate.IMPLEMENTS, ha, m1, d2, 70, "忠县人民医院首创“双示范计划”。")
    relate(g, Predicate.REPORTS_METRIC, hb, x3, d2, 90, "设立党员示范岗36个。")
    return g


def nasty_graph(strings: list[str]) -> KnowledgeGraph:
    """A graph carrying each string as a hospital label, alias, leader post and evidence sentence.

    Args:
        strings: any text (no lone surrogates).

    Returns:
        A graph with one document and, per string, a hospital and a leader.
    """
    g = KnowledgeGraph()
    d = "feedfacecafebeef"
    g.add_document(doc(d, "odd name \"quoted\".txt", title=strings[0] if strings else None))
    for i, text in enumerate(strings):
        h = hospital(f"{text}#{i}", (text + "/alias",))
        ld = leader(f"L{i}{text}", f"{text}#{i}", (text or "post",))
        g.add_entity(h, d)
        g.add_entity(ld, d)
        relate(g, Predicate.HAS_LEADER, h, ld, d, i, text or "empty")
    return g


def big_graph(hospitals: int) -> KnowledgeGraph:
    """A synthetic graph: per hospital 3 leaders, 4 honors, 3 mechanisms (shared), 4 metrics.

    About 160 triples per hospital with evidence, so ``big_graph(700)`` gives
    more than 100,000 triples.

    Args:
        hospitals: number of hospitals.

    Returns:
        The graph (documents: one per 10 hospitals).
    """
    g = KnowledgeGraph()
    mechs = [mechanism(f"机制{j:03d}") for j in range(max(10, hospitals // 5))]
    for i in range(hospitals):
        doc_id = f"{i // 10:016x}"
        if i % 10 == 0:
            g.add_document(doc(doc_id, f"{i // 10:05d}.txt", f"第{i // 10}篇报道"))
        name = f"第{i:05d}人民医院"
        h = hospital(name, (f"{i:05d}院",))
        g.add_entity(h, doc_id)
        pos = 0
        for k, post in enumerate(("党委书记", "院长", "党委副书记")):
            ld = leader(f"领导{i}-{k}", name, (post,))
            g.add_entity(ld, doc_id)
            relate(g, Predicate.HAS_LEADER, h, ld, doc_id, pos, f"{post}领导{i}-{k}表示。")
            pos += 20
        for k in range(4):
            o = honor(name, f"荣誉{k}", 2018 + (i + k) % 7, level="省级")
            g.add_entity(o, doc_id)
            relate(g, Predicate.RECEIVED_HONOR, h, o, doc_id, pos, f"医院获评荣誉{k}。")
            pos += 20
        used = [mechs[(i * 3 + k) % len(mechs)] for k in range(3)]
        for m in used:
            g.add_entity(m, doc_id)
            relate(g, Predicate.IMPLEMENTS, h, m, doc_id, pos, f"医院实施{m.label}。")
            pos += 20
        for k in range(4):
            x = metric(name, f"指标{k}", f"{(i * 7 + k) % 1000}.5", "%", 2023)
            g.add_entity(x, doc_id)
            relate(g, Predicate.REPORTS_METRIC, h, x, doc_id, pos, f"指标{k}达到{x.value}%。")
            relate(g, Predicate.MEASURED_BY, used[k % 3], x, doc_id, pos, f"指标{k}达到{x.value}%。")
            pos += 20
    return g
