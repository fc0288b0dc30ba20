"""Mechanism mentions of one document folded into one node per practice, with their links."""

from __future__ import annotations

from functools import lru_cache

from kg.chinese import to_simplified
from kg.extract.context import DocContext, Finding, Link
from kg.records import Entity, EntityKey, Sentence
from kg.vocab import EntityType, Predicate

#: (rule id, label, aliases, sentence, offset) of one mention.
Mention = tuple[str, str, tuple[str, ...], Sentence, int]


@lru_cache(maxsize=8192)
def simple(text: str) -> str:
    """Simplified form of a name, memoised: documents repeat their names and those of their hospitals."""
    return to_simplified(text)


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
    names: dict[str, set[str]] = {}
    for _, label, aliases, _, _ in raw:
        names.setdefault(simple(label), set()).update(simple(x) for x in aliases)
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
    return [(rid, label, aliases, sent, pos, target[simple(label)])
            for rid, label, aliases, sent, pos in raw]


def findings(ctx: DocContext, merged) -> list[Finding]:
    """One finding per mention, keyed by its canonical name and linked from the hospital in scope.

    Args:
        ctx: the document context.
        merged: the output of :func:`merge_names`.

    Returns:
        Findings whose entities share label and aliases per practice.
    """
    labels: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    for _, label, al, _, _, canon in merged:
        if simple(label) == canon:
            labels.setdefault(canon, label)
        extra = [label] if simple(label) != canon else []
        aliases.setdefault(canon, [])
        for x in (*al, *extra):
            if x not in aliases[canon] and simple(x) != canon:
                aliases[canon].append(x)
    # entities and links are immutable: mentions of one practice share them
    entities: dict[tuple[str, str], Entity] = {}
    links: dict[tuple[str, EntityKey | None], tuple[Link, ...]] = {}
    out: list[Finding] = []
    for rid, label, _, sent, pos, canon in merged:
        hospital = ctx.scope.hospital_at(pos) if ctx.scope else None
        entity = entities.get((canon, rid))
        if entity is None:
            key = EntityKey(EntityType.MECHANISM, (canon,))
            entity = entities[canon, rid] = Entity(key, labels.get(canon, canon), tuple(aliases[canon]), rule_id=rid)
        link = links.get((canon, hospital))
        if link is None:
            link = links[canon, hospital] = (Link(Predicate.IMPLEMENTS, hospital, entity.key),) if hospital else ()
        out.append(Finding(entity, sent, link))
    return out
