"""Honors named several times in one document: fill missing years and units, fold restatements.

A headline often names a title without its year, or says the hospital won what
the body says its 党委 won; a later paragraph may restate a dated title in
other words. These helpers give every mention of one conferral one key.
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.context import Finding
from kg.records import Entity, EntityKey
from kg.vocab import EntityType

#: bigram Dice above which two dated titles of one hospital are the same conferral.
RESTATEMENT_DICE = 0.75


def merge_mentions(findings: list[Finding]) -> list[Finding]:
    """One key per conferral: years and units filled from other mentions, restatements folded.

    Args:
        findings: the honor findings of one document, in text order.

    Returns:
        The findings, re-keyed (links included) where a mention joins another.
    """
    out = _fill(_fill(findings, YEAR), UNIT)
    return _rekey(out, _same_conferral({f.entity.key: f.entity for f in out}))


YEAR, UNIT = 2, 3  # positions in an Honor key: (hospital, title, year, unit)


def _fill(findings: list[Finding], part: int) -> list[Finding]:
    """Give a mention lacking a year (or unit) the one value the same honor has elsewhere.

    A headline often names the title without the year, or says the hospital
    won what the body says its 党委 won.
    """
    known: dict[tuple[str, ...], dict[str, Entity]] = {}
    for f in findings:
        parts = f.entity.key.parts
        if parts[part]:
            known.setdefault(parts[:part] + parts[part + 1:], {}).setdefault(parts[part], f.entity)
    mapping: dict[EntityKey, Entity] = {}
    for f in findings:
        parts = f.entity.key.parts
        values = known.get(parts[:part] + parts[part + 1:], {})
        if not parts[part] and len(values) == 1:
            (value, donor), = values.items()
            key = EntityKey(EntityType.HONOR, parts[:part] + (value,) + parts[part + 1:])
            field = {"year": donor.year} if part == YEAR else {"recipient_unit": donor.recipient_unit}
            mapping[f.entity.key] = replace(f.entity, key=key, **field)
    return _rekey(findings, mapping)


def _same_conferral(entities: dict[EntityKey, Entity]) -> dict[EntityKey, Entity]:
    """Later titles that restate an earlier one of the same hospital, mapped to it.

    Either a headline short form (全国优秀案例 for 全国…优秀案例: same first and
    last two characters, a subsequence at most half as long), or a dated title
    said with other words (浙江省… for 省级…, same year and unit, bigram Dice
    >= ``RESTATEMENT_DICE``).
    """
    mapping: dict[EntityKey, Entity] = {}
    order = {k: i for i, k in enumerate(entities)}
    for a in entities:
        ha, ta, ya, ua = a.parts
        for b, other in entities.items():
            hb, tb, yb, ub = b.parts
            if a == b or b in mapping or hb != ha:
                continue
            short = (not ya or not yb or ya == yb) and len(tb) >= 2 * len(ta) and ta[:2] == tb[:2] \
                and ta[-2:] == tb[-2:] and _is_subsequence(ta, tb)
            restated = ya and (ya, ua) == (yb, ub) and order[b] < order[a] \
                and _dice(ta, tb) >= RESTATEMENT_DICE
            if short or restated:
                mapping[a] = other
                break
    return mapping


def _dice(a: str, b: str) -> float:
    ba, bb = [a[i:i + 2] for i in range(len(a) - 1)], [b[i:i + 2] for i in range(len(b) - 1)]
    return 2 * sum(min(ba.count(x), bb.count(x)) for x in set(ba)) / (len(ba) + len(bb)) if ba and bb else 0.0


def _is_subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(c in it for c in short)


def _rekey(findings: list[Finding], mapping: dict[EntityKey, Entity]) -> list[Finding]:
    """Replace the entity of every finding whose key is mapped, links included."""
    if not mapping:
        return findings
    return [Finding(mapping[f.entity.key], f.sentence,
                    tuple(replace(link, object=mapping[f.entity.key].key) for link in f.links))
            if f.entity.key in mapping else f for f in findings]
