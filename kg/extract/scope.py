"""Which hospital each position of a document belongs to (placeholder: nearest preceding full name)."""

from __future__ import annotations

import bisect
import re

from kg.extract.context import DocContext, Finding
from kg.records import Entity, EntityKey
from kg.vocab import EntityType

RE_HOSPITAL = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:妇幼保健院|人民医院|中医院|医院|卫生院|医学中心)")


class NearestHospitalScope:
    """Scope = the last hospital named before a position, else the first one named."""

    def __init__(self, ctx: DocContext) -> None:
        self._starts: list[int] = []
        self._keys: list[EntityKey] = []
        self._findings: dict[EntityKey, Finding] = {}
        for sent in ctx.sentences:
            for m in RE_HOSPITAL.finditer(sent.text):
                key = EntityKey(EntityType.HOSPITAL, (m.group(),))
                self._starts.append(sent.start + m.start())
                self._keys.append(key)
                self._findings.setdefault(key, Finding(Entity(key, m.group(), rule_id="hospital/suffix"), sent))

    def hospital_at(self, offset: int) -> EntityKey | None:
        if not self._keys:
            return None
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._keys[max(i, 0)]

    def hospitals(self) -> list[Finding]:
        return list(self._findings.values())


def build_scope(ctx: DocContext) -> NearestHospitalScope:
    return NearestHospitalScope(ctx)
