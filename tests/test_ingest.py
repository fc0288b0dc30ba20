"""Tests for kg.ingest: finding files, decoding them, and every skip reason.

All inputs are short hand-written texts written to ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kg import ingest
from kg.ingest import decode_text, iter_sources, read_source
from kg.records import SkipReason, SourceText, Skipped

SIMPLIFIED = "医院党委召开2024年党建工作会议，全院党员参加。"
TRADITIONAL = "醫院黨委召開黨建工作會議，全院黨員參加。"


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _only(results: list[SourceText | Skipped]) -> SourceText | Skipped:
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize(
    ("raw", "expected_text", "encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig"),
        (b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le"),
        (b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be"),
        (SIMPLIFIED.encode("utf-32"), SIMPLIFIED, "utf-32"),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        (TRADITIONAL.encode("gb18030"), TRADITIONAL, "gb18030"),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        ("醫院".encode("big5"), "醫院", "big5"),
        ("院党委".encode("gb18030"), "院党委", "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32-bom", "gb18030", "gb18030-trad", "big5", "big5-short", "gb-short"],
)
def test_ingest_decodes_each_encoding(tmp_path, raw, expected_text, encoding):
    path = _write(tmp_path / "a.txt", raw)
    source = _only(list(iter_sources([path])))
    assert isinstance(source, SourceText)
    assert source.text == expected_text
    assert source.encoding == encoding
    assert source.sha256 == hashlib.sha256(raw).hexdigest()
    assert source.file_name == "a.txt"
    assert source.path == path.as_posix()


def test_ingest_falls_back_to_detection_for_utf16_without_bom():
    text, encoding = decode_text((SIMPLIFIED * 4).encode("utf-16-le"))
    assert text == SIMPLIFIED * 4
    assert encoding == "utf-16-le"


def test_ingest_keeps_line_ends_verbatim(tmp_path):
    path = _write(tmp_path / "crlf.txt", "第一行\r\n第二行\r\n".encode("gb18030"))
    source = _only(list(iter_sources([path])))
    assert source.text == "第一行\r\n第二行\r\n"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", SkipReason.EMPTY),
        (b" \n\t\r\n", SkipReason.EMPTY),
        ("\u3000\n".encode("utf-8"), SkipReason.EMPTY),
        (b"\xef\xbb\xbf", SkipReason.EMPTY),
        (b"PK\x03\x04\x00\x00binary\x00", SkipReason.BINARY),
        (bytes(range(1, 9)) * 20 + "医院".encode("utf-8"), SkipReason.BINARY),
        (b"\x81\x20\xff\xfe\x80", SkipReason.UNDECODABLE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), SkipReason.BINARY),
        (b"\xff\xfe\x00\xd8", SkipReason.UNDECODABLE),  # UTF-16 BOM, then a lone surrogate
    ],
    ids=[
        "empty", "whitespace", "ideographic-space", "bom-only", "nul-bytes", "control-chars", "undecodable",
        "png-renamed", "bad-utf16",
    ],
)
def test_ingest_skips_bad_content(tmp_path, raw, reason):
    path = _write(tmp_path / "bad.txt", raw)
    skipped = _only(list(iter_sources([path])))
    assert isinstance(skipped, Skipped)
    assert skipped.reason is reason
    assert skipped.path == path.as_posix()


def test_ingest_skips_missing_path(tmp_path):
    skipped = _only(list(iter_sources([tmp_path / "nope.txt"])))
    assert skipped == Skipped((tmp_path / "nope.txt").as_posix(), SkipReason.NOT_FOUND)


def test_ingest_skips_explicit_unknown_suffix(tmp_path):
    path = _write(tmp_path / "report.xls", b"\xd0\xcf\x11\xe0")
    skipped = _only(list(iter_sources([path])))
    assert skipped.reason is SkipReason.UNSUPPORTED
    assert skipped.detail == ".xls"


def test_ingest_skips_too_large_without_reading(tmp_path):
    path = _write(tmp_path / "big.txt", SIMPLIFIED.encode("utf-8"))
    skipped = _only(list(iter_sources([path], max_bytes=10)))
    assert skipped.reason is SkipReason.TOO_LARGE
    assert _only(list(iter_sources([path], max_bytes=len(SIMPLIFIED.encode("utf-8"))))).text == SIMPLIFIED


def test_ingest_default_limit_is_20_mb():
    assert ingest.DEFAULT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_ingest_skips_unreadable_file_by_permission(tmp_path):
    path = _write(tmp_path / "secret.txt", SIMPLIFIED.encode("utf-8"))
    path.chmod(0)
    try:
        skipped = _only(list(iter_sources([path])))
    finally:
        path.chmod(0o644)
    assert skipped.reason is SkipReason.UNREADABLE


def test_ingest_skips_unreadable_file_on_os_error(tmp_path, monkeypatch):
    path = _write(tmp_path / "secret.txt", SIMPLIFIED.encode("utf-8"))

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    skipped = read_source(path)
    assert skipped.reason is SkipReason.UNREADABLE
    assert skipped.detail == "Permission denied"


def test_ingest_skips_non_regular_file(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    skipped = _only(list(iter_sources([fifo])))
    assert skipped.reason is SkipReason.UNREADABLE
    assert skipped.detail == "not a regular file"


def test_ingest_walks_folders_sorted_skipping_hidden_and_unknown(tmp_path):
    for name in ["b.txt", "a/z.md", "a/y.TXT", "c.jpg", ".hidden.txt", ".git/x.txt", "d/.cache/w.txt", "notes"]:
        _write(tmp_path / name, "党建".encode("utf-8"))
    results = list(iter_sources([tmp_path]))
    assert [r.path for r in results] == [(tmp_path / n).as_posix() for n in ["a/y.TXT", "a/z.md", "b.txt"]]
    assert all(isinstance(r, SourceText) for r in results)


def test_ingest_order_independent_and_deduplicated(tmp_path):
    first = _write(tmp_path / "x/1.txt", "党委".encode("utf-8"))
    second = _write(tmp_path / "x/2.txt", "医院".encode("utf-8"))
    forward = list(iter_sources([first, tmp_path / "x", second]))
    backward = list(iter_sources([second, tmp_path / "x", first]))
    assert forward == backward
    assert [r.file_name for r in forward] == ["1.txt", "2.txt"]


def test_ingest_mixes_skipped_and_read_in_path_order(tmp_path):
    good = _write(tmp_path / "b.txt", "党委".encode("utf-8"))
    empty = _write(tmp_path / "a.txt", b"")
    results = list(iter_sources([good, tmp_path / "c.txt", empty]))
    assert [type(r).__name__ for r in results] == ["Skipped", "SourceText", "Skipped"]
    assert [r.reason for r in results if isinstance(r, Skipped)] == [SkipReason.EMPTY, SkipReason.NOT_FOUND]


def test_ingest_reader_table_has_every_format():
    assert set(ingest.READERS) == {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
    assert ingest.READERS[".md"](SIMPLIFIED.encode("utf-8")) == (SIMPLIFIED, "utf-8")


def test_ingest_reader_crash_is_a_broken_file_not_a_failed_build(tmp_path, monkeypatch):
    def crash(raw: bytes) -> tuple[str, str]:
        raise RuntimeError("library bug")

    monkeypatch.setitem(ingest.READERS, ".htm", crash)
    bad = _write(tmp_path / "a.htm", b"<html></html>")
    good = _write(tmp_path / "b.txt", SIMPLIFIED.encode("utf-8"))
    results = list(iter_sources([bad, good]))
    assert results[0] == Skipped(bad.as_posix(), SkipReason.BROKEN, "reader failed: RuntimeError: library bug")
    assert results[1].text == SIMPLIFIED


def test_ingest_lone_surrogates_from_a_reader_become_replacement_characters(tmp_path, monkeypatch):
    monkeypatch.setitem(ingest.READERS, ".pdf", lambda raw: ("医院\ud835党委\udc00书记", "pdf-text"))
    source = read_source(_write(tmp_path / "a.pdf", b"%PDF-1.4"))
    assert source.text == "医院\ufffd党委\ufffd书记"
    source.text.encode("utf-8")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("good/page.html", "utf-8"), ("good/page_gbk.htm", "gb18030"), ("good/article.pdf", "pdf-text"),
     ("good/article.docx", "docx")],
)
def test_ingest_binary_formats_hash_raw_bytes_and_keep_extracted_text(name, encoding):
    path = Path(__file__).resolve().parent / "data" / "corpus" / name
    source = read_source(path)
    assert source.encoding == encoding
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "医院" in source.text and "<" not in source.text


@pytest.mark.parametrize(("name", "hint"), [("old.doc", "old Word format: save it as .docx"), ("x/a.WPS", "WPS format: save it as .docx")])
def test_ingest_reports_article_formats_without_reader_even_in_folders(tmp_path, name, hint):
    path = _write(tmp_path / name, b"\xd0\xcf\x11\xe0")
    _write(tmp_path / "photo.jpg", b"\xff\xd8\xff")
    for found in (list(iter_sources([tmp_path])), list(iter_sources([path]))):
        assert found == [Skipped(path.as_posix(), SkipReason.UNSUPPORTED, hint)]


def test_skipped_message_is_one_line_whatever_the_detail_or_path():
    item = Skipped("in/bad\nname.pdf", SkipReason.BROKEN, "reader failed: ValueError: first line\n  second line\n")
    assert item.message() == "in/bad\\nname.pdf: skipped: damaged file (reader failed: ValueError: first line second line)"
    assert Skipped("a.txt", SkipReason.EMPTY).message() == "a.txt: skipped: empty"


def test_ingest_excluded_folder_is_passed_over_inside_a_searched_folder(tmp_path, monkeypatch):
    article = _write(tmp_path / "corpus" / "a.txt", SIMPLIFIED.encode("utf-8"))
    _write(tmp_path / "corpus" / "out" / "index.html", b"<html><body><p>\xe5\x8c\xbb\xe9\x99\xa2</p></body></html>")
    _write(tmp_path / "corpus" / "out" / "hospitals" / "0123456789abcdef.html", b"<html></html>")
    out = tmp_path / "corpus" / "out"
    found = list(iter_sources([tmp_path / "corpus"], exclude=[out]))
    assert [s.path for s in found] == [article.as_posix()]
    # relative and absolute spellings of the folder are the same folder
    monkeypatch.chdir(tmp_path)
    assert [s.path for s in iter_sources(["corpus"], exclude=["corpus/./out"])] == ["corpus/a.txt"]
    # without exclude, and when the folder is itself an input, it is read
    assert len(list(iter_sources([tmp_path / "corpus"]))) == 3
    assert len(list(iter_sources([out], exclude=[out]))) == 2
