"""The metric extractor's rules, loaded once from ``kg/resources`` (no matching here).

Regexes live in ``patterns/metrics.jsonl``; their ``{NAME}`` placeholders are
filled with alternations of the ``metric_*`` lexicons (units, approximation
markers, change verbs, rank scopes, credit cues) or with ``fragment`` rows
(``{NUM}``). ``rules()`` returns one immutable ``MetricRules`` with every
regex compiled and every lexicon turned into the set or map the extractor
looks things up in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.numbers import CN_NUMERAL_CHARS
from kg.lexicon import LexiconError, alternation, load_jsonl, load_list, load_tsv

PATTERN_FILE = "metrics"
#: keys a row of patterns/metrics.jsonl may have.
PATTERN_KEYS = ("id", "kind", "name", "regex", "example", "expect", "note")
#: the kinds of rows the extractor uses (exactly one row each, except "from").
KINDS = (
    "fragment", "quantity", "rank", "from", "year", "year_base",
    "numeric_name", "glued", "shared_unit", "credit_prefix", "credit_prefix_bare", "credit_prev_tail", "after_year",
    "credit_lead", "credit_restate", "credit_since", "credit_because",
)
RE_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
#: punctuation and particles that always end a counted noun (function words are in metric_noun_stops.txt).
NOUN_STOP_CHARS = "，,。；;：:！？!?、—\n的和与及并（）()《》 "


@dataclass(frozen=True)
class Unit:
    """A unit as written, its canonical form and kind (see metric_units.tsv)."""

    surface: str
    canonical: str
    kind: str


@dataclass(frozen=True)
class TailRule:
    """A rule that tests how the text before a position ends (its regex ends with ``$``).

    When every match is at most ``width`` characters long, only the last
    characters before the position are searched instead of the whole prefix.
    """

    rx: re.Pattern[str]
    width: int | None  # None: unbounded or not anchored at the end, search everything

    def ends(self, text: str, end: int) -> bool:
        """Whether ``text[:end]`` matches the rule (``rx.search(text[:end])``)."""
        # a match may end before a final newline ($), hence the extra character
        start = 0 if self.width is None else max(0, end - self.width - 1)
        return self.rx.search(text, start, end) is not None


@dataclass(frozen=True)
class MetricRules:
    """Every compiled rule and lexicon the metric extractor needs."""

    quantity: re.Pattern[str]
    rank: re.Pattern[str]
    from_: tuple[re.Pattern[str], ...]
    year: re.Pattern[str]
    year_base: re.Pattern[str]
    numeric_name: re.Pattern[str]
    glued: re.Pattern[str]
    shared_unit: re.Pattern[str]
    credit_prefix: re.Pattern[str]
    credit_prefix_bare: re.Pattern[str]
    credit_prev_tail: re.Pattern[str]
    credit_lead: re.Pattern[str]
    credit_restate: re.Pattern[str]
    credit_since: re.Pattern[str]
    credit_because: re.Pattern[str]
    after_year: re.Pattern[str]
    units: Mapping[str, Unit]
    approx_before: frozenset[str]
    approx_after: frozenset[str]
    duration_before: tuple[str, ...]
    duration_after: tuple[str, ...]
    noise_cues: tuple[str, ...]
    foreign_after: tuple[str, ...]
    foreign_clause: tuple[str, ...]
    foreign_clause_start: tuple[str, ...]
    frame_start: tuple[str, ...]
    foreign_owners: tuple[str, ...]
    self_words: tuple[str, ...]
    frame_end: tuple[str, ...]
    enumeration_nouns: tuple[str, ...]
    count_nouns: tuple[str, ...]
    vague_cn: tuple[str, ...]
    vague_all: tuple[str, ...]
    name_head: tuple[str, ...]
    name_tail: tuple[str, ...]
    name_cut: tuple[str, ...]
    name_borrow: tuple[str, ...]
    noun_stop: re.Pattern[str]
    blockers_by_unit: Mapping[str, tuple[str, ...]]
    rank_words: tuple[str, ...]
    credit: Mapping[str, tuple[str, ...]]
    mechanism_suffixes: tuple[str, ...]
    # the same rules and lexicons in the shapes the hot paths test them in
    unit_surfaces: tuple[str, ...]  # the keys of ``units``
    # ``quantity`` behind a test of its first character (approximation marker, space, number): its
    # optional opening parts make the engine try it at every character, the test fails fast
    quantity_scan: re.Pattern[str]
    glued_tail: TailRule
    after_year_tail: TailRule
    year_base_tail: TailRule
    any_foreign_after: re.Pattern[str]
    any_foreign_clause: re.Pattern[str]
    opens_foreign: re.Pattern[str]  # the text, after leading spaces, starts with a foreign_clause_start cue
    any_foreign_owner: re.Pattern[str]
    any_self_word: re.Pattern[str]
    any_frame_start: re.Pattern[str]
    any_count_noun: re.Pattern[str]
    any_rank_word: re.Pattern[str]
    any_credit_attend: re.Pattern[str]
    any_credit_meeting: re.Pattern[str]


def _column(rows, where: str, value: str, column: str) -> tuple[str, ...]:
    """Cells of ``column`` in the rows whose ``where`` cell equals ``value``, longest first."""
    return tuple(sorted((r[column] for r in rows if r[where] == value), key=lambda s: (-len(s), s)))


def _longest_first(entries) -> tuple[str, ...]:
    return tuple(sorted(entries, key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1)
def rules() -> MetricRules:
    """Load, fill and compile the metric rules (cached).

    Returns:
        The ``MetricRules``.

    Raises:
        LexiconError: a lexicon or pattern row is malformed, a placeholder is
            unknown, or a rule kind is missing.
    """
    unit_rows = load_tsv("metric_units", required=("unit", "canonical", "kind"), key="unit")
    units = {r["unit"]: Unit(r["unit"], r["canonical"], r["kind"]) for r in unit_rows}
    approx = load_tsv("metric_approx", required=("marker", "position"), key="marker")
    duration = load_tsv("metric_duration_cues", required=("cue", "position"), key="cue")
    foreign = load_tsv("metric_foreign_cues", required=("cue", "where"), key="cue")
    strip = load_tsv("metric_name_strip", required=("word", "side"))
    blockers = _longest_first(load_list("metric_unit_blockers"))
    vague = load_tsv("metric_vague_prefixes", required=("prefix", "applies"), key="prefix")
    credit = _credit()
    fills = _fills()
    rows = pattern_rows()
    compiled: dict[str, list[re.Pattern[str]]] = {}
    for row in rows:
        if row["kind"] != "fragment":
            compiled.setdefault(str(row["kind"]), []).append(re.compile(fill(str(row["regex"]), fills, str(row["id"]))))
    missing = [k for k in KINDS if k != "fragment" and k not in compiled]
    if missing:
        raise LexiconError(f"{PATTERN_FILE}.jsonl: no rule of kind {', '.join(missing)}")
    one = {k: v[0] for k, v in compiled.items()}
    foreign_clause_start = _column(foreign, "where", "clause_start", "cue")
    rank_words = tuple(w for w in load_list("metric_rank_scopes") if not w.startswith(("全", "省", "市", "国")))
    lists = {
        "foreign_after": _column(foreign, "where", "after", "cue"),
        "foreign_clause": _column(foreign, "where", "clause", "cue"),
        "frame_start": _column(foreign, "where", "frame_start", "cue"),
        "foreign_owners": _longest_first(load_list("metric_foreign_owners")),
        "self_words": _longest_first(load_list("metric_self_words")),
        "count_nouns": _longest_first(load_list("metric_count_nouns")),
    }
    return MetricRules(
        quantity=one["quantity"], rank=one["rank"], from_=tuple(compiled["from"]), year=one["year"],
        year_base=one["year_base"], numeric_name=one["numeric_name"], glued=one["glued"], shared_unit=one["shared_unit"],
        credit_prefix=one["credit_prefix"], credit_prefix_bare=one["credit_prefix_bare"],
        credit_prev_tail=one["credit_prev_tail"], after_year=one["after_year"],
        credit_lead=one["credit_lead"], credit_restate=one["credit_restate"],
        credit_since=one["credit_since"], credit_because=one["credit_because"],
        units=units,
        approx_before=frozenset(_column(approx, "position", "before", "marker")),
        approx_after=frozenset(_column(approx, "position", "after", "marker")),
        duration_before=_column(duration, "position", "before", "cue"),
        duration_after=_column(duration, "position", "after", "cue"),
        noise_cues=_longest_first(load_list("metric_noise_cues")),
        foreign_after=lists["foreign_after"],
        foreign_clause=lists["foreign_clause"],
        foreign_clause_start=foreign_clause_start,
        frame_start=lists["frame_start"],
        foreign_owners=lists["foreign_owners"],
        self_words=lists["self_words"],
        frame_end=_column(foreign, "where", "frame_end", "cue"),
        enumeration_nouns=_longest_first(load_list("metric_enumeration_nouns")),
        count_nouns=lists["count_nouns"],
        vague_cn=_column(vague, "applies", "cn", "prefix"),
        vague_all=_column(vague, "applies", "all", "prefix"),
        name_head=_column(strip, "side", "head", "word"),
        name_tail=_column(strip, "side", "tail", "word"),
        name_cut=_column(strip, "side", "cut", "word"),
        name_borrow=_column(strip, "side", "borrow", "word"),
        noun_stop=re.compile(
            "[" + re.escape(NOUN_STOP_CHARS) + "]|" + alternation(load_list("metric_noun_stops"))
        ),
        blockers_by_unit={u: tuple(b for b in blockers if b.startswith(u)) for u in units},
        rank_words=rank_words,
        credit=credit,
        mechanism_suffixes=_longest_first(load_list("metric_mechanism_suffixes")),
        unit_surfaces=tuple(units),
        quantity_scan=re.compile(
            "(?=[" + re.escape("".join(m[0] for m in _column(approx, "position", "before", "marker") if m))
            + r"\s\d" + re.escape(CN_NUMERAL_CHARS) + "])" + one["quantity"].pattern
        ),
        glued_tail=_tail_rule(one["glued"]),
        after_year_tail=_tail_rule(one["after_year"]),
        year_base_tail=_tail_rule(one["year_base"]),
        any_foreign_after=_any_of(lists["foreign_after"]),
        any_foreign_clause=_any_of(lists["foreign_clause"]),
        opens_foreign=re.compile(r"\s*+" + alternation(foreign_clause_start)),
        any_foreign_owner=_any_of(lists["foreign_owners"]),
        any_self_word=_any_of(lists["self_words"]),
        any_frame_start=_any_of(lists["frame_start"]),
        any_count_noun=_any_of(lists["count_nouns"]),
        any_rank_word=_any_of(rank_words),
        any_credit_attend=_any_of(credit.get("attend", ())),
        any_credit_meeting=_any_of(credit.get("meeting", ())),
    )


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex that finds any of ``words`` (``rx.search(s)`` is ``any(w in s for w in words)``)."""
    return re.compile(alternation(words))


def _tail_rule(rx: re.Pattern[str]) -> TailRule:
    """A ``TailRule`` with the longest match of ``rx``, when it is bounded and anchored at the end."""
    try:
        parsed = re._parser.parse(rx.pattern, rx.flags)  # type: ignore[attr-defined]  # no public API
        anchored = bool(parsed.data) and parsed.data[-1] == (re._constants.AT, re._constants.AT_END)  # type: ignore[attr-defined]
        width = parsed.getwidth()[1]
    except (AttributeError, TypeError, IndexError):  # another Python: search the whole prefix
        return TailRule(rx, None)
    bounded = anchored and width < re._constants.MAXREPEAT and not rx.flags & re.MULTILINE  # type: ignore[attr-defined]
    return TailRule(rx, width if bounded else None)


def fill(template: str, fills: Mapping[str, str], rule_id: str = "") -> str:
    """Replace the ``{NAME}`` placeholders of a regex template.

    Args:
        template: regex text; ``{NAME}`` is upper-case letters and underscores
            (so ``{0,12}`` quantifiers are left alone).
        fills: placeholder name -> regex text.
        rule_id: for the error message.

    Returns:
        The filled regex text.

    Raises:
        LexiconError: a placeholder has no fill.
    """

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in fills:
            raise LexiconError(f"{PATTERN_FILE}.jsonl: {rule_id}: unknown placeholder {{{m.group(1)}}}")
        return fills[m.group(1)]

    return RE_PLACEHOLDER.sub(sub, template)


def pattern_rows() -> tuple[Mapping[str, object], ...]:
    """The raw rows of patterns/metrics.jsonl (for the example/expect test)."""
    return load_jsonl(PATTERN_FILE, required=("id", "kind", "regex"), allowed=PATTERN_KEYS)


def compiled_row(row: Mapping[str, object]) -> re.Pattern[str]:
    """Compile one pattern row with the same fills ``rules()`` uses (for tests).

    Args:
        row: a row of ``pattern_rows()``.

    Returns:
        The compiled regex.
    """
    return re.compile(fill(str(row["regex"]), _fills(), str(row["id"])))


def _credit() -> dict[str, tuple[str, ...]]:
    """metric_credit_cues.tsv as role -> cues (longest first)."""
    rows = load_tsv("metric_credit_cues", required=("cue", "role"))
    return {role: _column(rows, "role", role, "cue") for role in sorted({r["role"] for r in rows})}


@lru_cache(maxsize=1)
def _fills() -> dict[str, str]:
    """Placeholder name -> regex text: lexicon alternations plus the fragment rows."""
    units = load_tsv("metric_units", required=("unit", "canonical", "kind"), key="unit")
    approx = load_tsv("metric_approx", required=("marker", "position"), key="marker")
    credit = _credit()
    fills: dict[str, str] = {
        "UNIT": alternation(r["unit"] for r in units),
        "APPROX_PRE": alternation(_column(approx, "position", "before", "marker")),
        # 余/多 are matched inside the number (20余个, 30余万), the rest after the unit
        "APPROX_POST": alternation(m for m in _column(approx, "position", "after", "marker") if m not in "余多"),
        "CHANGE": alternation(load_list("metric_change_verbs")),
        "RANK_SCOPE": alternation(load_list("metric_rank_scopes")),
        "CREDIT_SUBJECT": alternation(credit.get("subject", ())),
        "CREDIT_OPENER": alternation(credit.get("opener", ())),
        "CREDIT_VERB": alternation(credit.get("verb", ())),
        "CREDIT_ADVERB": alternation(credit.get("adverb", ())),
        "CREDIT_PARALLEL": alternation(credit.get("parallel", ())),
        "CREDIT_DETERMINER": alternation(credit.get("determiner", ())),
        "CREDIT_PREV_TAIL": alternation(credit.get("prev_tail", ())),
        "CREDIT_LEAD": alternation(credit.get("lead", ())),
        "CREDIT_RESTATE": alternation(credit.get("restate", ())),
        "CREDIT_BECAUSE": alternation(credit.get("because", ())),
    }
    for row in pattern_rows():
        if row["kind"] not in KINDS:
            raise LexiconError(f"{PATTERN_FILE}.jsonl: {row['id']}: unknown kind {row['kind']!r}")
        if row["kind"] == "fragment":
            fills[str(row["name"])] = "(?:" + fill(str(row["regex"]), fills, str(row["id"])) + ")"
    return fills
