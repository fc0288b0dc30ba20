"""kg.resolve: one node per hospital/leader across documents, aliases, re-keying."""

from __future__ import annotations

from decimal import Decimal

from kg.records import (
    DocumentFacts,
    DocumentInfo,
    Entity,
    EntityKey,
    Evidence,
    Relation,
)
from kg.resolve import hospital_mapping, resolve
from kg.vocab import EntityType, Predicate

H, L, X = EntityType.HOSPITAL, EntityType.LEADER, EntityType.METRIC


def _doc(doc_id: str, entities, relations=()) -> DocumentFacts:
    info = DocumentInfo(doc_id, f"{doc_id}.txt", f"in/{doc_id}.txt", doc_id * 4, "utf-8")
    return DocumentFacts(info, tuple(entities), tuple(relations))


def _hospital(name: str, label: str | None = None, aliases=()) -> Entity:
    return Entity(EntityKey(H, (name,)), label or name, aliases=tuple(aliases))


def _leader(name: str, hospital: str, titles=("院长",)) -> Entity:
    return Entity(EntityKey(L, (name, hospital)), name, titles=tuple(titles))


def _has_leader(doc_id: str, hospital: str, name: str) -> Relation:
    ev = Evidence(doc_id, 0, 4, "院长某某")
    return Relation(Predicate.HAS_LEADER, EntityKey(H, (hospital,)), EntityKey(L, (name, hospital)), ev)


def test_resolve_alias_from_other_document_rekeys_dependents():
    a = _doc("a", [_hospital("江南大学第一医院", aliases=("江大一院",))])
    b = _doc(
        "b",
        [_hospital("江大一院"), _leader("钱某某", "江大一院")],
        [_has_leader("b", "江大一院", "钱某某")],
    )
    graph = resolve([b, a])
    hospitals = graph.nodes(H)
    assert [n.key.parts for n in hospitals] == [("江南大学第一医院",)]
    assert hospitals[0].label == "江南大学第一医院"
    assert "江大一院" in hospitals[0].aliases
    assert [n.key.parts for n in graph.nodes(L)] == [("钱某某", "江南大学第一医院")]
    edges = graph.edges(Predicate.HAS_LEADER)
    assert len(edges) == 1 and edges[0].subject.parts == ("江南大学第一医院",)
    assert not graph.rejected


def test_resolve_traditional_and_simplified_share_a_node_with_both_labels():
    a = _doc("a", [_hospital("南山市人民医院", "南山市人民醫院")])
    b = _doc("b", [_hospital("南山市人民医院", "南山市人民医院")])
    nodes = resolve([a, b]).nodes(H)
    assert len(nodes) == 1
    assert nodes[0].label == "南山市人民醫院"
    assert nodes[0].aliases == ("南山市人民医院",)
    assert nodes[0].documents == ("a", "b")


def test_resolve_relative_alias_does_not_travel():
    a = _doc("a", [_hospital("东川市人民医院", aliases=("市人民医院",))])
    b = _doc("b", [_hospital("市人民医院")])
    assert hospital_mapping([a, b]) == {}
    assert len(resolve([a, b]).nodes(H)) == 2


def test_resolve_ambiguous_alias_is_left_alone():
    a = _doc("a", [_hospital("东川大学附属医院", aliases=("东大医院",))])
    b = _doc("b", [_hospital("东海大学附属医院", aliases=("东大医院",))])
    c = _doc("c", [_hospital("东大医院")])
    assert hospital_mapping([a, b, c]) == {}


def test_resolve_rekeys_metric_keys():
    metric = Entity(EntityKey(X, ("江大一院", "党支部数量", "29", "个", "")), "党支部数量", value=Decimal(29), unit="个")
    a = _doc("a", [_hospital("江南大学第一医院", aliases=("江大一院",))])
    b = _doc("b", [_hospital("江大一院"), metric])
    keys = [n.key.parts for n in resolve([a, b]).nodes(X)]
    assert keys == [("江南大学第一医院", "党支部数量", "29", "个", "")]


def test_resolve_is_independent_of_document_order():
    a = _doc("a", [_hospital("江南大学第一医院", aliases=("江大一院",))])
    b = _doc("b", [_hospital("江大一院"), _leader("钱某某", "江大一院")], [_has_leader("b", "江大一院", "钱某某")])
    one, two = resolve([a, b]), resolve([b, a])
    assert [n.key for n in one.nodes()] == [n.key for n in two.nodes()]
    assert one.nodes(H)[0].label == two.nodes(H)[0].label == "江南大学第一医院"


def test_resolve_names_equal_without_city_marker_merge():
    a = _doc("a", [_hospital("江城市青山区社区卫生服务中心")])
    b = _doc("b", [_hospital("江城青山区社区卫生服务中心")])
    assert hospital_mapping([a, b]) == {"江城青山区社区卫生服务中心": "江城市青山区社区卫生服务中心"}
    (node,) = resolve([b, a]).nodes(H)
    assert node.label == "江城市青山区社区卫生服务中心"
    assert node.aliases == ("江城青山区社区卫生服务中心",)


# -- streaming: facts are folded in one document at a time, the mapping applied at the end --


def test_resolve_merged_leader_keeps_titles_in_document_order():
    # doc a meets the leader under the alias, b under the full name, c under the alias again:
    # the merged node lists titles in the order the documents give them, not grouped by key.
    a = _doc("a", [_hospital("江大一院"), _leader("钱某某", "江大一院", ("书记",))])
    b = _doc("b", [_hospital("江南大学第一医院", aliases=("江大一院",)), _leader("钱某某", "江南大学第一医院", ("院长",))])
    c = _doc("c", [_hospital("江大一院"), _leader("钱某某", "江大一院", ("主任", "书记"))])
    [leader] = resolve([a, b, c]).nodes(L)
    assert leader.key.parts == ("钱某某", "江南大学第一医院")
    assert leader.titles == ("书记", "院长", "主任")
    assert leader.documents == ("a", "b", "c")


def test_resolve_first_document_names_the_merged_hospital():
    # the node keeps the first document's entity, relabelled with the canonical hospital's first label
    a = _doc("a", [_hospital("江大一院")])
    b = _doc("b", [_hospital("江南大学第一医院", "江南大学第一醫院", aliases=("江大一院",))])
    [node] = resolve([a, b]).nodes(H)
    assert node.label == "江南大学第一醫院"
    assert node.aliases == ("江大一院",)


def test_resolve_relation_to_an_entity_of_a_later_document_is_kept():
    a = _doc("a", [_hospital("南山医院")], [_has_leader("a", "南山医院", "孙某某")])
    b = _doc("b", [_leader("孙某某", "南山医院")])
    graph = resolve([a, b])
    assert len(graph.edges(Predicate.HAS_LEADER)) == 1 and not graph.rejected


def test_resolve_rejections_stay_in_document_order():
    a = _doc("a", [_hospital("南山医院")], [_has_leader("a", "南山医院", "无此人")])
    bad = Relation(Predicate.HAS_LEADER, EntityKey(H, ("北山医院",)), EntityKey(H, ("北山医院",)), Evidence("b", 0, 1, "x"))
    b = _doc("b", [_hospital("北山医院")], [bad])
    graph = resolve([a, b])
    assert [r.relation.evidence.doc_id for r in graph.rejected] == ["a", "b"]


def test_resolve_merges_evidence_of_relations_that_meet():
    a = _doc("a", [_hospital("江大一院"), _leader("钱某某", "江大一院")], [_has_leader("a", "江大一院", "钱某某")])
    b = _doc(
        "b",
        [_hospital("江南大学第一医院", aliases=("江大一院",)), _leader("钱某某", "江南大学第一医院")],
        [_has_leader("b", "江南大学第一医院", "钱某某")],
    )
    [edge] = resolve([a, b]).edges(Predicate.HAS_LEADER)
    assert [ev.doc_id for ev in edge.evidence] == ["a", "b"]


def test_resolve_rejected_relations_are_rekeyed_like_accepted_ones():
    bad = Relation(Predicate.HAS_LEADER, EntityKey(H, ("江大一院",)), EntityKey(H, ("江大一院",)), Evidence("a", 0, 1, "x"))
    a = _doc("a", [_hospital("江大一院")], [bad])
    b = _doc("b", [_hospital("江南大学第一医院", aliases=("江大一院",))])
    [rejected] = resolve([a, b]).rejected
    assert rejected.relation.subject.parts == ("江南大学第一医院",)
