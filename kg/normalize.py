"""Repair text extracted from newspaper PDFs and web pages, keeping an offset map.

``normalize(text)`` runs named repair steps in a fixed order (``STEPS``). Each
step is a small function ``(text, index) -> (text, index)`` where ``index[i]``
is the offset in the *original* input of the character now at ``i``. Steps only
delete characters or replace one character by one character, so the final
``src_index`` is strictly increasing and every normalized character was produced
by exactly one source character.

Order, and why it differs from the obvious one:

1. ``fold_width``: full-width digits, Latin letters and number symbols
   (``０１２``, ``Ａ``, ``％``, ``．``) become ASCII; odd spaces become " ".
   Chinese punctuation (，。、：；！？（）“”《》) is kept: it is the normal form in
   Chinese text and the segmenter expects it.
2. ``strip_pinyin``: ``醫(yī)院`` -> ``醫院``; only a bracketed group of pinyin
   syllables with at least one tone mark, right after a CJK character.
3. ``collapse_doubled``: runs printed twice or thrice by the PDF layer. Done
   before line joining because a doubled caption looks like a long body line.
4. ``join_lines``: undo layout line breaks in narrow columns (line widths,
   punctuation and headline layout decide, see ``_break_kind``); in
   paragraph-per-line text only breaks inside a clause or a word go.
5. ``squeeze_spaces``: drop letter-spacing and spaces next to CJK punctuation
   or between CJK and digits; keep a single space between two multi-character
   words (``本报记者 哈薇薇``, ``忠信有为 精医笃行``) because there it is a
   separator, not damage.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from kg.records import NormalizedText

# Character classes (strings, reused in the patterns below).
_IDEO = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTER = "a-zü" + _TONED

RE_CRLF = re.compile(r"\r(?=\n)")
# The bracket comes first so the scan can skip ahead to it; the lookbehind checks the CJK character.
RE_PINYIN = re.compile(
    rf"[(（](?<=[{_IDEO}][(（])"
    rf"(?=[{_PINYIN_LETTER} ]*[{_TONED}])[{_PINYIN_LETTER}]{{1,6}}(?: [{_PINYIN_LETTER}]{{1,6}}){{0,3}}[)）]"
)
# A run of 3-30 characters repeated back to back on one line, and a short one.
# The lookahead (its first three characters recur within reach) rejects most
# positions cheaply; it makes the scan about five times faster.
RE_DOUBLED = re.compile(r"(?=([^\n]{3})[^\n]{0,27}?\1)([^\n]{3,30}?)\2+")
RE_DOUBLED_SHORT = re.compile(r"([^\n]{1,2}?)\1")
# The same line printed twice, possibly with blank lines between the copies.
RE_DUP_LINE = re.compile(r"^([^\n]{3,})(?:\n[ \t]*)+\1$", re.M)
RE_IDEO = re.compile(rf"[{_IDEO}]")
RE_SPACES = re.compile(r" +")
# Line-end tests look at the last characters only: a regex ending in ``$`` is
# tried at every position of the line, and join_lines asks them for every line.
_FINAL_STOPS = "。！？!?；;…"
_CLOSERS = "”’」』）)》]"  # after a final stop: "…了。”"
_OPENERS = "“‘（(《「『【"
_COLONS = "：:"
_COMMAS = "，、,"
RE_MEDIAL = re.compile(r"[，、,；;]")
# A line that starts with a clause tail of 1-3 characters: "试，到……".
RE_CLAUSE_TAIL_START = re.compile(r"^[^，、,；;。！？!?：:… ]{1,3}[，、,；;。！？!?：:…]")
# A number that is part of a date or time ("2023-01-05", "17:28"): spaces around it separate fields.
RE_DATE_TIME_HEAD = re.compile(r"\d+[-:/]\d")
RE_DATE_TIME_TAIL = re.compile(r"\d[-:/]\d+$")
# a text line (not a bare number) that ends in a digit: the number may go on in the next line
# (the text character comes before the final digit; see _wrapped_number)
RE_WRAPPED_NUMBER_TEXT = re.compile(rf"[{_IDEO}，、]")
RE_CONTINUATION_START = re.compile(r"^[”’）)》」』】，、,；;：:。！？!?…%]")
# A space between two words of 2+ characters: the layout of a headline or byline.
RE_SEPARATOR_SPACE = re.compile(rf"[{_IDEO}][{_IDEO}”》] +[{_IDEO}“《][{_IDEO}]")
RE_ASCII = re.compile(r"[\x21-\x7e]")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

_FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FOLD_TABLE.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD_TABLE.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FOLD_TABLE.update({ord(c): ord(c) - 0xFEE0 for c in "％＋－．／＝＜＞＆＃＠＿＊"})
_FOLD_TABLE.update({ord(c): " " for c in "\u3000\u00a0\u2002\u2003\u2009\t"})
_FOLD_TABLE.update({ord(c): "\n" for c in "\r\f\v\u2028\u2029\x85"})

RE_FOLDABLE = re.compile("[" + re.escape("".join(map(chr, _FOLD_TABLE))) + "]")

_CJK_PUNCT_SET = frozenset(chr(c) for c in range(0x3001, 0x3040)) | frozenset(
    "，。、：；！？（）“”‘’《》「」『』【】—…·・～"
)

# A range until the first step that edits (most steps leave most documents alone).
Index = Sequence[int]
Step = Callable[[str, Index], tuple[str, Index]]
# (start, end, keep, char): replace text[start:end] by ``char`` ("" deletes),
# the new character standing at the source offset of position ``keep``.
Edit = tuple[int, int, int, str]


def _delete(start: int, end: int) -> Edit:
    return (start, end, -1, "")


def _apply(text: str, index: Index, edits: Sequence[Edit]) -> tuple[str, Index]:
    """Apply sorted, non-overlapping edits to the text and its index together."""
    if not edits:
        return text, index
    parts: list[str] = []
    new_index: list[int] = []
    pos = 0
    for start, end, keep, char in edits:
        parts.append(text[pos:start])
        new_index.extend(index[pos:start])
        if char:
            parts.append(char)
            new_index.append(index[keep])
        pos = end
    parts.append(text[pos:])
    new_index.extend(index[pos:])
    return "".join(parts), new_index


def fold_width(text: str, index: Index) -> tuple[str, Index]:
    """Fold full-width ASCII look-alikes and odd whitespace; drop ``\\r`` of ``\\r\\n``.

    Args:
        text: current text.
        index: source offset of each character of ``text``.

    Returns:
        The folded text and its index (one-to-one except the dropped ``\\r``).
    """
    text, index = _apply(text, index, [_delete(*m.span()) for m in RE_CRLF.finditer(text)])
    if RE_FOLDABLE.search(text) is None:  # the common case; translate() is slow on CJK text
        return text, index
    return text.translate(_FOLD_TABLE), index


def strip_pinyin(text: str, index: Index) -> tuple[str, Index]:
    """Delete pinyin glosses inside words: ``紀(jì)委`` -> ``紀委``.

    A tone mark is required, so ``(2024)``, ``(通讯员 张三)`` and plain Latin
    words in brackets stay.
    """
    return _apply(text, index, [_delete(*m.span()) for m in RE_PINYIN.finditer(text)])


def _is_anchor(unit: str) -> bool:
    """A doubled unit long enough to be PDF damage rather than real repetition.

    Three characters or more, two different ideographs among them: ``人人``,
    ``谢谢``, ``学习学习`` and ``哈哈哈哈哈哈`` are real text.
    """
    return len(unit) >= 3 and len(set(RE_IDEO.findall(unit))) >= 2


def _line_window(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of the line before ``start`` to the end of the line after ``end``."""
    before = text.rfind("\n", 0, start)
    lo = text.rfind("\n", 0, max(before, 0)) + 1
    after = text.find("\n", end)
    hi = text.find("\n", after + 1) if after >= 0 else -1
    return lo, hi if hi >= 0 else len(text)


def _doubled_spans(text: str) -> list[tuple[int, int, int]]:
    """Spans ``(start, end, unit_length)`` of doubled runs to collapse, sorted."""
    anchors = [m for m in RE_DOUBLED.finditer(text) if _is_anchor(m.group(2))]
    if not anchors:
        return []
    candidates = [(m.start(), m.end(), len(m.group(2)), True) for m in anchors]
    # Anchors come from one finditer: sorted and disjoint, so the only one that
    # can overlap [s, e) is the last starting before e (a bisection, not a scan:
    # a text doubled throughout has an anchor on every line).
    anchor_starts = [m.start() for m in anchors]
    anchor_ends = [m.end() for m in anchors]
    # Short doubled chunks only matter next to an anchor: search the lines around it.
    seen_lo = 0
    for m in anchors:
        lo, hi = _line_window(text, m.start(), m.end())
        lo = max(lo, seen_lo)  # windows of neighbouring anchors overlap
        for short in RE_DOUBLED_SHORT.finditer(text, lo, hi):
            s, e = short.span()
            before = bisect.bisect_left(anchor_starts, e) - 1
            if before < 0 or anchor_ends[before] <= s:
                candidates.append((s, e, len(short.group(1)), False))
        seen_lo = max(seen_lo, hi)
    candidates.sort()
    spans: list[tuple[int, int, int]] = []
    group: list[tuple[int, int, int, bool]] = []
    for cand in candidates + [(len(text) + 10, 0, 0, False)]:
        if group and (cand[0] - group[-1][1] > 3 or text[group[-1][1] : cand[0]].strip(" \n")):
            if any(is_anchor for *_, is_anchor in group):
                spans.extend((s, e, unit) for s, e, unit, _ in group)
            group = []
        group.append(cand)
    return spans


def collapse_doubled(text: str, index: Index) -> tuple[str, Index]:
    """Keep one copy of runs the PDF layer printed two or three times.

    A run with a unit of 3+ characters (2+ of them ideographs) always
    collapses. Shorter doubled runs (``，，``, ``情情``, ``活动活动``) collapse
    only when they touch such a run, so ``人人``, ``谢谢``, ``常抓常新`` and
    ``——`` elsewhere are left alone. A whole line repeated is also kept once.
    """
    edits = [_delete(start + unit, end) for start, end, unit in _doubled_spans(text)]
    text, index = _apply(text, index, edits)
    line_edits = [
        _delete(m.start() + len(m.group(1)), m.end())
        for m in RE_DUP_LINE.finditer(text)
        if len(set(RE_IDEO.findall(m.group(1)))) >= 2
    ]
    return _apply(text, index, line_edits)


def _display_length(line: str) -> float:
    """Printed width of a line in CJK cells: ASCII characters and spaces count half."""
    ascii_count = len(RE_ASCII.findall(line))
    return len(line) - (line.count(" ") + ascii_count) * 0.5


def _title_like(line: str) -> bool:
    """Headline or byline layout: balanced quotes and a word separator or edge dash."""
    if line.startswith("——") or line.endswith("——"):
        return True
    if " " not in line:
        return False  # no separator (checked first: most lines have none)
    balanced = line.count("“") == line.count("”") and line.count("《") == line.count("》")
    return balanced and RE_SEPARATOR_SPACE.search(line) is not None


#: a two-character word this common in jieba's dictionary is a word a line break may split
WORD_PAIR_MIN_COUNT = 10


def _is_word_pair(pair: str) -> bool:
    """Whether two characters form a word of jieba's dictionary (count ``WORD_PAIR_MIN_COUNT`` or more).

    Asked only for paragraph-per-line documents, to tell a break inside a word
    (``新模|式``) from a break between paragraphs (``事业|市``).
    """
    from kg.extract import words  # the dictionary is loaded at first use

    return words.count(pair) >= WORD_PAIR_MIN_COUNT


def _paragraph_per_line(widths: list[float]) -> bool:
    """Whether lines are whole paragraphs (web pages) rather than column wraps.

    Column-wrapped text has runs of lines of nearly equal width.
    """
    pairs = [(a, b) for a, b in zip(widths, widths[1:]) if a >= 8 and b >= 8]
    even = sum(1 for a, b in pairs if abs(a - b) <= 0.15 * max(a, b))
    return even < 0.5 * len(pairs) if pairs else True


def _wrapped_number(line: str, nxt: str) -> bool:
    """A number split by the column edge ("20" / "23年") inside a text line is always a wrap."""
    # line[-1] must be what regex \d matches: a Unicode decimal digit
    return nxt[0].isdigit() and line[-1].isdecimal() and RE_WRAPPED_NUMBER_TEXT.search(line, 0, len(line) - 1) is not None


def _ends_sentence(line: str) -> bool:
    """The line ends with a final stop, maybe followed by closing quotes or brackets."""
    body = line.rstrip(_CLOSERS)
    return bool(body) and body[-1] in _FINAL_STOPS


def _paragraph_break_kind(line: str, nxt: str) -> str:
    """Break kind in a paragraph-per-line document: join only inside a clause or word."""
    if _wrapped_number(line, nxt) or RE_CONTINUATION_START.match(nxt) or line[-1] in _OPENERS or line[-1] in _COMMAS:
        return "join"
    if _ends_sentence(line) or not (_is_ideo(line[-1]) and _is_ideo(nxt[0])):
        return "newline"
    return "join" if _is_word_pair(line[-1] + nxt[0]) else "newline"


def _break_kind(lines: list[str], widths: list[float], column: float, i: int, blanks: int, prev_joined: bool) -> str:
    """Decide what the break after ``lines[i]`` is: "join", or "newline".

    Args:
        lines: non-blank lines, stripped.
        widths: display width of each line.
        column: half the document's 90th-percentile line width, a floor for
            the local column width (web pages put a paragraph on one line).
        i: the line before the break; ``lines[i + 1]`` is the one after.
        blanks: number of blank lines in the break.
        prev_joined: whether the break before ``lines[i]`` was joined, i.e.
            the line continues a running sentence.

    Returns:
        "join" to remove the break, "newline" to keep one ``\\n``.
    """
    line, nxt = lines[i], lines[i + 1]
    if RE_CONTINUATION_START.match(nxt):
        return "join"
    if blanks == 0 and _wrapped_number(line, nxt):
        return "join"
    if _ends_sentence(line) or line[-1] in _COLONS:
        return "newline"
    if line[-1] in _OPENERS or RE_MEDIAL.search(line):
        return "join"
    if not prev_joined and _title_like(line):  # a line continuing a sentence is no headline
        return "newline"
    window = sorted(widths[max(0, i - 4) : i + 5])  # median, robust to headlines and wide blocks
    local = window[len(window) // 2]
    # Paragraph-first lines lose a two-character indent, hence a loose 0.65.
    if widths[i] < 0.65 * max(local, column) or widths[i + 1] > 1.6 * widths[i] + 4:
        return "newline"
    if blanks == 0 or prev_joined:
        return "join"
    # A full-width line without punctuation that starts a block and is
    # followed by a blank line: a wrap only if the next line ends the clause
    # within a few characters ("先行先" / "试，到……"); else a caption or the
    # second line of a headline.
    return "join" if RE_CLAUSE_TAIL_START.match(nxt) else "newline"


def join_lines(text: str, index: Index) -> tuple[str, Index]:
    """Remove layout line breaks; keep one ``\\n`` per paragraph or heading.

    A break is removed when the line before it stops mid-sentence: no final
    punctuation (。！？；… with closing quotes), and the line is body text (has
    a comma or runs the full column width). Headlines, captions and bylines
    (short, or laid out with separator spaces) keep their break, as does
    every sentence-final line. Blank lines collapse into one ``\\n``. Joining
    two Latin words leaves one space.

    Web pages put each paragraph on one line; there (see
    ``_paragraph_per_line``) a break is removed only inside a clause (the line
    ends with a comma or an opening bracket) or inside a word: the two
    characters around it form a word of jieba's dictionary (``新模|式``).
    """
    raw_lines = text.split("\n")
    starts: list[int] = []
    lines: list[str] = []
    ends: list[int] = []
    pos = 0
    for raw in raw_lines:
        stripped = raw.strip(" ")
        if stripped:
            lead = len(raw) - len(raw.lstrip(" "))
            starts.append(pos + lead)
            ends.append(pos + lead + len(stripped))
            lines.append(stripped)
        pos += len(raw) + 1
    if not lines:
        return _apply(text, index, [_delete(0, len(text))] if text else [])
    widths = [_display_length(line) for line in lines]
    ordered = sorted(widths)
    column = 0.5 * ordered[(len(ordered) * 9) // 10]
    edits: list[Edit] = []
    if starts[0] > 0:
        edits.append(_delete(0, starts[0]))
    paragraph_mode = _paragraph_per_line(widths)
    prev_joined = False
    for i in range(len(lines) - 1):
        gap_start, gap_end = ends[i], starts[i + 1]
        if paragraph_mode:
            kind = _paragraph_break_kind(lines[i], lines[i + 1])
        else:
            blanks = text.count("\n", gap_start, gap_end) - 1
            kind = _break_kind(lines, widths, column, i, blanks, prev_joined)
        prev_joined = kind == "join"
        if kind == "newline":
            keep = text.index("\n", gap_start, gap_end)
            if not (gap_end - gap_start == 1):
                edits.append((gap_start, gap_end, keep, "\n"))
        elif lines[i][-1] in _LATIN and lines[i + 1][0] in _LATIN:
            edits.append((gap_start, gap_end, gap_start, " "))  # two Latin words: keep them apart
        else:
            edits.append(_delete(gap_start, gap_end))
    if ends[-1] < len(text):
        edits.append(_delete(ends[-1], len(text)))
    return _apply(text, index, edits)


def _is_ideo(char: str) -> bool:
    return RE_IDEO.match(char) is not None


def _drop_space(text: str, start: int, end: int) -> bool:
    """Whether the spaces in ``text[start:end]`` are layout damage, not a separator."""
    left, right = text[start - 1], text[end]
    if left in _CJK_PUNCT_SET or right in _CJK_PUNCT_SET:
        return True
    left_ideo, right_ideo = _is_ideo(left), _is_ideo(right)
    if left_ideo and right.isdigit():
        return RE_DATE_TIME_HEAD.match(text, end, end + 12) is None
    if right_ideo and left.isdigit():
        return RE_DATE_TIME_TAIL.search(text[max(0, start - 12) : start]) is None
    if left_ideo and right_ideo:
        # Letter-spacing: a one-character "word" on either side.
        lone_left = start < 2 or not (_is_ideo(text[start - 2]) or text[start - 2].isalnum())
        lone_right = end + 1 >= len(text) or not (_is_ideo(text[end + 1]) or text[end + 1].isalnum())
        return lone_left or lone_right
    return False


def squeeze_spaces(text: str, index: Index) -> tuple[str, Index]:
    """Remove spaces that are layout damage; shrink the rest to one space.

    ``专 技 人 员`` -> ``专技人员``, ``（重庆） 科学城`` -> ``（重庆）科学城``,
    ``2023 年 5 月`` -> ``2023年5月``; ``本报记者 哈薇薇`` and ``new model`` keep
    their space.
    """
    edits: list[Edit] = []
    last = len(text)
    for match in RE_SPACES.finditer(text):
        start, end = match.span()
        if start == 0 or end == last or text[start - 1] == "\n" or text[end] == "\n":
            edits.append(_delete(start, end))
        elif _drop_space(text, start, end):
            edits.append(_delete(start, end))
        elif end - start > 1:
            edits.append((start, end, start, " "))
    return _apply(text, index, edits)


STEPS: tuple[tuple[str, Step], ...] = (
    ("fold_width", fold_width),
    ("strip_pinyin", strip_pinyin),
    ("collapse_doubled", collapse_doubled),
    ("join_lines", join_lines),
    ("squeeze_spaces", squeeze_spaces),
)


def normalize(text: str) -> NormalizedText:
    """Repair extracted text and keep, for every character, its source offset.

    Args:
        text: decoded source text (``SourceText.text``), line ends as in the file.

    Returns:
        ``NormalizedText`` whose ``src_index[i]`` is the offset in ``text`` of
        the character that produced normalized character ``i`` (for a
        collapsed doubled run: the first copy). ``src_index`` is strictly
        increasing, and ``text[src_index[i]]`` equals the normalized character
        after width folding, or both are whitespace.
    """
    index: Index = range(len(text))  # the first edit turns it into a list
    for _name, step in STEPS:
        text, index = step(text, index)
    return NormalizedText(text=text, src_index=tuple(index))
