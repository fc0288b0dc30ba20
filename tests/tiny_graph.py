"""The hand-built graph behind ``expected.ttl`` (and the RDF/SHACL tests).

Two documents; one hospital found in both (with an alias), a leader with two
posts, an honor with year, unit and level, a mechanism with an alias, a
metric with every optional field, and one relation of each predicate. The
hasLeader relation has two evidence sentences (one per document). Text
includes a quote, a backslash and a newline so the golden file pins escaping.
"""

from __future__ import annotations

from decimal import Decimal

from kg.graph import KnowledgeGraph
from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import EntityType, Predicate

DOC_A = "a1b2c3d4e5f60718"
DOC_B = "0f1e2d3c4b5a6978"
HOSPITAL = "忠县人民医院"

HOSPITAL_KEY = EntityKey(EntityType.HOSPITAL, (HOSPITAL,))
LEADER_KEY = EntityKey(EntityType.LEADER, ("张三", HOSPITAL))
HONOR_KEY = EntityKey(EntityType.HONOR, (HOSPITAL, "市级示范党支部", "2024", "机关党支部"))
MECHANISM_KEY = EntityKey(EntityType.MECHANISM, ("三榜赛马机制",))
METRIC_KEY = EntityKey(EntityType.METRIC, (HOSPITAL, "门诊量", "850000", "人次", "2024"))


def documents() -> list[DocumentInfo]:
    """The two source documents (hashes are fixed fake hex digests)."""
    return [
        DocumentInfo(DOC_A, "000_zhongxian.txt", "seeds/000_zhongxian.txt", DOC_A * 4, "utf-8", "忠县人民医院党建示范"),
        DocumentInfo(DOC_B, "001_more.txt", "/home/someone/001_more.txt", DOC_B * 4, "gb18030"),
    ]


def entities() -> list[tuple[Entity, str]]:
    """(entity, doc id) pairs in insertion order."""
    return [
        (Entity(HOSPITAL_KEY, HOSPITAL, aliases=("忠医",)), DOC_A),
        (Entity(HOSPITAL_KEY, HOSPITAL, aliases=("忠县医院",)), DOC_B),
        (Entity(LEADER_KEY, "张三", titles=("党委书记", "院长")), DOC_A),
        (Entity(HONOR_KEY, "市级示范党支部", year=2024, recipient_unit="机关党支部", level="市级"), DOC_A),
        (Entity(MECHANISM_KEY, "三榜赛马机制", aliases=("三榜",)), DOC_A),
        (
            Entity(METRIC_KEY, "门诊量", year=2024, value=Decimal("85E+4"), unit="人次",
                   from_value=Decimal("700000.00"), approximate=True),
            DOC_A,
        ),
    ]


def relations() -> list[Relation]:
    """One relation per predicate; hasLeader twice (two sentences)."""
    ev = Evidence
    return [
        Relation(Predicate.HAS_LEADER, HOSPITAL_KEY, LEADER_KEY,
                 ev(DOC_A, 10, 30, "党委书记、院长张三说：\"党建\\引领\""), confidence=0.9),
        Relation(Predicate.HAS_LEADER, HOSPITAL_KEY, LEADER_KEY, ev(DOC_B, 0, 12, "院长张三\n介绍"), confidence=0.75),
        Relation(Predicate.RECEIVED_HONOR, HOSPITAL_KEY, HONOR_KEY, ev(DOC_A, 40, 70, "2024年机关党支部获评市级示范党支部")),
        Relation(Predicate.IMPLEMENTS, HOSPITAL_KEY, MECHANISM_KEY, ev(DOC_A, 80, 95, "该院推行“三榜赛马”机制")),
        Relation(Predicate.REPORTS_METRIC, HOSPITAL_KEY, METRIC_KEY, ev(DOC_A, 100, 120, "门诊量从70万人次增至85万余人次")),
        Relation(Predicate.MEASURED_BY, MECHANISM_KEY, METRIC_KEY, ev(DOC_A, 100, 120, "门诊量从70万人次增至85万余人次")),
    ]


def tiny_graph(reverse: bool = False) -> KnowledgeGraph:
    """Build the graph; ``reverse=True`` inserts documents and relations in reverse order.

    Entities keep their order (merging is order-sensitive for the canonical
    label by design of the graph model), so both orders give the same graph.
    """
    g = KnowledgeGraph()
    docs, rels = documents(), relations()
    if reverse:
        docs, rels = docs[::-1], rels[::-1]
    for d in docs:
        g.add_document(d)
    for entity, doc_id in entities():
        g.add_entity(entity, doc_id)
    for r in rels:
        assert g.add_relation(r), r
    return g
