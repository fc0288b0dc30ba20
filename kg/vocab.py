"""The graph's public names (see GRAPH_CONTRACT.md): namespaces and the enums of
classes and relation properties. Enum values are the ontology's local names, so
``HKG[EntityType.HOSPITAL.value]`` is the class IRI; a test checks they equal
the classes and properties declared in ``ontology/hkg.ttl``.
"""

from __future__ import annotations

from enum import Enum

from rdflib import Namespace

HKG = Namespace("https://w3id.org/hospital-kg/ontology#")
ID = Namespace("https://w3id.org/hospital-kg/id/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")


class EntityType(str, Enum):
    """Classes of the graph; values are ``hkg:`` local names."""

    HOSPITAL = "Hospital"
    LEADER = "Leader"
    HONOR = "Honor"
    MECHANISM = "Mechanism"
    METRIC = "Metric"


class Predicate(str, Enum):
    """Relation properties of the graph; values are ``hkg:`` local names."""

    HAS_LEADER = "hasLeader"
    RECEIVED_HONOR = "receivedHonor"
    IMPLEMENTS = "implements"
    REPORTS_METRIC = "reportsMetric"
    MEASURED_BY = "measuredBy"


#: domain and range of each relation property (checked by the graph model).
SIGNATURE: dict[Predicate, tuple[EntityType, EntityType]] = {
    Predicate.HAS_LEADER: (EntityType.HOSPITAL, EntityType.LEADER),
    Predicate.RECEIVED_HONOR: (EntityType.HOSPITAL, EntityType.HONOR),
    Predicate.IMPLEMENTS: (EntityType.HOSPITAL, EntityType.MECHANISM),
    Predicate.REPORTS_METRIC: (EntityType.HOSPITAL, EntityType.METRIC),
    Predicate.MEASURED_BY: (EntityType.MECHANISM, EntityType.METRIC),
}
