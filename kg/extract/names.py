"""Person names in Chinese news text, for the leaders extractor.

A name is 2-4 characters starting with a family name (``leader_surnames.txt``)
and must not be an ordinary word (``kg.extract.words``: 支持 is a verb; 黄河
and 温和 may be names when the text around them says so). Where it ends is
decided by what follows: punctuation and reporting verbs (表示, 主持;
``leader_name_followers.txt``) are strong ends, any common dictionary word is a
good one (周某某查房), a single preposition (在, 就) a weak one, and an adverb
before a verb (``leader_name_adverbs.txt``: 谭某正带领) the strongest. Between
a two- and a three-character reading the better-ended one wins, the longer on
a tie unless it ends in a weak cue itself (熊某在|讲话).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract import words
from kg.lexicon import alternation, load_list

#: jieba POS tags of adjectives: a name right after a post may be one (院长温和主持).
ADJECTIVE_POS = ("a",)
#: weak cues that also often end a given name (王建和, 李为): a tie keeps the longer name.
NAME_FINAL_CUES = frozenset("和为")
#: a jieba word count from which a 2-character word after a name is good evidence of its end.
COMMON_WORD = 100
#: prepositions that are also family names: a three-character list element starting with one is read as
#: the preposition and a two-character name (由王某, 向李某).
_PREPOSITION_SURNAMES = "由和于向同与及将把被对为在是从任"
#: function words that are rarely family names: right after a post they start a clause, not a name.
_CONJUNCTIONS = frozenset("和与及并或在对为从将把被就是也")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_NAME = re.compile(r"[\u3400-\u9fff]{2,4}")


@lru_cache(maxsize=1)
def _res() -> dict:
    """Lexicon-built patterns and sets (once per process)."""
    followers = load_list("leader_name_followers")
    adverbs = load_list("leader_name_adverbs")
    return {
        "surnames": frozenset(load_list("leader_surnames")),
        "strong_followers": re.compile(alternation(f for f in followers if len(f) > 1 or f in "说等")),
        "weak_followers": re.compile(alternation(f for f in followers if len(f) == 1 and f not in "说等")),
        "adverb_follow": re.compile(alternation(adverbs) + alternation(f for f in followers if len(f) > 1)),
        "reference_any": re.compile(alternation(r for r in load_list("leader_references") if len(r) > 1)),
        "stop": re.compile(alternation(load_list("hospital_stop_cues"))),
        "post": re.compile(alternation(load_list("posts"))),
    }


def follow_strength(s: str, i: int) -> float:
    """How well position ``i`` can end a name: 4 adverb+verb, 3 strong, 1 weak, 0 none."""
    if i >= len(s) or not _CJK.match(s[i]):
        return 3 if i >= len(s) or not s[i].isalnum() else 0
    r = _res()
    if r["adverb_follow"].match(s, i):
        return 4
    if r["strong_followers"].match(s, i):
        return 3
    count = words.count(s[i : i + 2])
    if count:
        # any word may follow a name (周某某查房); a rare one (发为, 入村) is weak evidence
        return 2 if count >= COMMON_WORD else 0.5
    if r["weak_followers"].match(s, i):
        return 1
    return 0


def _has_surname(name: str) -> bool:
    surnames = _res()["surnames"]
    return name[:2] in surnames or name[0] in surnames


@lru_cache(maxsize=1 << 16)  # asked again and again for the same few candidates
def valid_name(name: str, strict: bool = True) -> bool:
    """A plausible person name: family name first, all CJK, not an ordinary word.

    Args:
        name: the candidate.
        strict: reject every dictionary word not tagged as a name; when False
            (a name right after a post and before a strong cue), adjectives
            pass too (温和), while nouns and verbs (项目, 支持) never do.
    """
    if not _CJK_NAME.fullmatch(name):  # 2-4 characters, all CJK
        return False
    if not _has_surname(name) or (len(name) == 4 and name[:2] not in _res()["surnames"]):
        return False
    if _res()["reference_any"].search(name) or _res()["post"].search(name):
        return False  # 任我院, 本院; 和院长: a post is no part of a name
    if name in _res()["surnames"]:
        return False  # 司马 alone: a compound family name without a given name
    entry = words.lookup(name)
    if entry is None or entry[1].startswith(words.NAME_POS):
        return True
    # with a clear end an adjective may be a name (温和); common nouns (项目, 高度) and verbs may not
    return not strict and entry[1].startswith(ADJECTIVE_POS)


def name_after(s: str, i: int, min_strength: float = 0.5) -> tuple[int, int] | None:
    """The name starting at ``s[i]`` (one space allowed before it), as a span, or None.

    Args:
        s: Simplified sentence text.
        i: position right after a post.
        min_strength: the weakest end accepted (see ``follow_strength``).

    Returns:
        ``(start, end)`` of the best-bounded name, or None.
    """
    if i < len(s) and s[i] == " ":
        i += 1
    best: tuple[float, int, int] | None = None  # (strength, preference, length)
    for length, pref in ((3, 2), (2, 1), (4, 0)):
        cand = s[i : i + length]
        if len(cand) < length or not valid_name(cand, strict=False):
            continue
        if _res()["strong_followers"].match(cand, length - 1) and length > 2:
            continue  # the name would swallow 说/等
        strength = follow_strength(s, i + length)
        if length > 2 and _res()["weak_followers"].fullmatch(cand[-1]):
            # 周某及|主治, 熊某在|讲话: the weak cue ends the shorter name, which wins a tie
            strength -= 2
            pref = 0 if cand[-1] not in NAME_FINAL_CUES else pref
        if strength < 3 and cand[0] in _CONJUNCTIONS:
            continue  # 书记和党务工作者: a conjunction after the post, not a family name
        if strength < 3 and not valid_name(cand):
            continue  # an ordinary word needs a clear end to pass as a name (院长高度重视)
        splits_word = length > 2 and words.count(s[i + length - 1 : i + length + 1]) >= COMMON_WORD
        if strength == 1 and splits_word and cand[:2] not in _res()["surnames"] and words.lookup(cand[:2]):
            continue  # 党务|工作: two words, not a name (but 王国庆在 is a name: 庆在 is no word)
        if strength >= min_strength and (best is None or (strength, pref) > best[:2]):
            best = (strength, pref, length)
    return (i, i + best[2]) if best else None


def tail_name(element: str) -> str | None:
    """The name at the end of a list element (ICU濮某某 -> 濮某某; 任命郑某某 -> 郑某某)."""
    for length in (3, 2, 4):
        cand = element[-length:]
        if len(cand) == length and valid_name(cand):
            if length == 3 and valid_name(cand[1:]) and cand[0] in _PREPOSITION_SURNAMES:
                continue
            return cand
    return None


def name_before(s: str, j: int) -> tuple[int, int] | None:
    """The name ending at ``j`` (before a bracketed post): three characters if they
    make a name, else a shorter or longer one starting at a boundary (punctuation, a stop cue)."""
    for length in (3, 2, 4):
        i = j - length
        if i < 0 or not valid_name(s[i:j]):
            continue
        if length == 3 or i == 0 or not _CJK.match(s[i - 1]) or _res()["stop"].match(s, i - 1):
            return i, j
    return None
