"""Mechanism mentions of one document folded into one node per practice, with their links."""

from __future__ import annotations

from collections.abc import Iterable

from kg.chinese import to_simplified
from kg.extract.context import DocContext, Finding, Link
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: (rule id, label, aliases, sentence, offset) of one mention.
Mention = tuple[str, str, tuple[str, ...], Sentence, int]


def _simplified(texts: Iterable[str]) -> dict[str, str]:
    """Simplified form of each distinct text (a document repeats its names many times)."""
    return {x: to_simplified(x) for x in set(texts)}


def merge_names(raw: list[Mention]) -> list[tuple[str, str, tuple[str, ...], Sentence, int, str]]:
    """Map each mention to one name per practice in the document.

    Two names are one practice when one is the quoted core (alias) of the other
    (“红黑榜” and “红黑榜”考核机制) or both grew from the same quoted core with
    different tails (“三色”模式, “三色”管理新思路); the longest name wins.

    Args:
        raw: (rule id, label, aliases, sentence, offset) of each mention.

    Returns:
        The mentions with their document-wide canonical (Simplified) name appended.
    """
    simple = _simplified(x for _, label, aliases, _, _ in raw for x in (label, *aliases))
    names: dict[str, set[str]] = {}
    for _, label, aliases, _, _ in raw:
        names.setdefault(simple[label], set()).update(simple[x] for x in aliases)
    by_core: dict[str, list[str]] = {}
    for name, aliases in names.items():
        for core in aliases | {name}:
            by_core.setdefault(core, []).append(name)
    target: dict[str, str] = {}
    for name, aliases in names.items():
        group = set(by_core.get(name, [])) | {n for core in aliases for n in by_core.get(core, [])} | {name}
        target[name] = max(group, key=lambda n: (len(n), n))
    for name in list(target):  # follow chains to the final target
        seen = {name}
        while target[target[name]] != target[name] and target[name] not in seen:
            seen.add(target[name])
            target[name] = target[target[name]]
    return [(rid, label, aliases, sent, pos, target[simple[label]])
            for rid, label, aliases, sent, pos in raw]


def findings(ctx: DocContext, merged) -> list[Finding]:
    """One finding per mention, keyed by its canonical name and linked from the hospital in scope.

    Args:
        ctx: the document context.
        merged: the output of :func:`merge_names`.

    Returns:
        Findings whose entities share label and aliases per practice.
    """
    simple = _simplified(x for _, label, al, _, _, _ in merged for x in (label, *al))
    labels: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    for _, label, al, _, _, canon in merged:
        if simple[label] == canon:
            labels.setdefault(canon, label)
        extra = [label] if simple[label] != canon else []
        aliases.setdefault(canon, [])
        for x in (*al, *extra):
            if x not in aliases[canon] and simple[x] != canon:
                aliases[canon].append(x)
    out: list[Finding] = []
    for rid, label, _, sent, pos, canon in merged:
        hospital = ctx.scope.hospital_at(pos) if ctx.scope else None
        key = EntityKey(EntityType.MECHANISM, (canon,))
        entity = Entity(key, labels.get(canon, canon), tuple(aliases[canon]), rule_id=rid)
        links = (Link(Predicate.IMPLEMENTS, hospital, key),) if hospital else ()
        out.append(Finding(entity, sent, links))
    return out
