"""kg.lexicon: loading, validation and caching of resource files."""

from __future__ import annotations

import pytest

from kg import lexicon
from kg.lexicon import LexiconError


@pytest.fixture
def lexdir(tmp_path, monkeypatch):
    """A temporary lexicon and pattern folder, with caches cleared around the test."""
    monkeypatch.setattr(lexicon, "LEXICONS", tmp_path)
    monkeypatch.setattr(lexicon, "PATTERNS", tmp_path)
    lexicon.clear_cache()
    yield tmp_path
    lexicon.clear_cache()


def test_lexicon_list_skips_comments_and_blanks(lexdir):
    (lexdir / "cues.txt").write_text("# cues: made up for the test\n\n荣获\n  获评  \n# note\n入选\n", encoding="utf-8")
    assert lexicon.load_list("cues") == ("荣获", "获评", "入选")
    assert lexicon.load_list("cues.txt") == ("荣获", "获评", "入选")


def test_lexicon_list_rejects_duplicates_with_line(lexdir):
    (lexdir / "dup.txt").write_text("# header\n院长\n副院长\n院长\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"dup.txt:4"):
        lexicon.load_list("dup")


def test_lexicon_missing_file_is_an_error(lexdir):
    with pytest.raises(LexiconError, match="not found"):
        lexicon.load_list("nope")


def test_lexicon_tsv_rows_by_header(lexdir):
    (lexdir / "units.tsv").write_text("# units\nunit\tmultiplier\n万\t10000\n亿\t100000000\n", encoding="utf-8")
    rows = lexicon.load_tsv("units", required=("unit", "multiplier"), key="unit")
    assert [dict(r) for r in rows] == [{"unit": "万", "multiplier": "10000"}, {"unit": "亿", "multiplier": "100000000"}]
    with pytest.raises(TypeError):
        rows[0]["unit"] = "x"  # rows are read-only


def test_lexicon_tsv_last_cell_may_be_empty(lexdir):
    (lexdir / "t.tsv").write_text("a\tb\n1\t\n2\t3 \n", encoding="utf-8")
    rows = lexicon.load_tsv("t", required=("a", "b"), key="a")
    assert [dict(r) for r in rows] == [{"a": "1", "b": ""}, {"a": "2", "b": "3"}]


@pytest.mark.parametrize(
    "body, message",
    [
        ("a\tb\n1\n", r"t.tsv:2: 1 cells"),
        ("a\tb\n1\t2\n1\t3\n", r"t.tsv:3: duplicate a"),
        ("x\tb\n1\t2\n", "lacks column"),
        ("# only a comment\n", "no header"),
    ],
)
def test_lexicon_tsv_validation_errors(lexdir, body, message):
    (lexdir / "t.tsv").write_text(body, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        lexicon.load_tsv("t", required=("a",), key="a")


def test_lexicon_jsonl_rejects_unknown_keys(lexdir):
    (lexdir / "p.jsonl").write_text('# rules\n{"id": "r1", "regex": "a"}\n{"id": "r2", "regx": "b"}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"p.jsonl:3: unknown key"):
        lexicon.load_jsonl("p", required=("id",), allowed=("id", "regex"))


def test_lexicon_jsonl_rejects_duplicate_ids(lexdir):
    (lexdir / "p.jsonl").write_text('{"id": "r1"}\n{"id": "r1"}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="duplicate id"):
        lexicon.load_jsonl("p")


def test_lexicon_compile_list_longest_first(lexdir):
    (lexdir / "posts.txt").write_text("# posts\n党委书记\n党委副书记\n书记\n", encoding="utf-8")
    pattern = lexicon.compile_list("posts", "(?P<post>{})")
    assert pattern.search("医院党委副书记王某").group("post") == "党委副书记"


def test_lexicon_shipped_files_load():
    """Every shipped list and TSV lexicon loads and opens with a header comment."""
    lexicon.clear_cache()
    for path in sorted(lexicon.LEXICONS.glob("*")):
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("#"), f"{path.name} lacks a header comment"
        if path.suffix == ".txt":
            assert lexicon.load_list(path.name)
        elif path.suffix == ".tsv":
            assert lexicon.load_tsv(path.name) is not None
