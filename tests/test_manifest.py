"""kg.manifest + pipeline.build: an unchanged rebuild reuses the last build; any change rebuilds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kg import manifest
from kg.cache import FactsCache
from kg.pipeline import build

GOOD = Path(__file__).resolve().parent / "data" / "corpus" / "good"
FORMATS = ("ttl", "html")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("utf8.txt", "big5_traditional.txt", "gbk.txt"):
        shutil.copy(GOOD / name, folder / name)
    (folder / "empty.txt").write_bytes(b"")  # reported as skipped by every build
    return folder


def _build(corpus: Path, out: Path, cache: Path | None, formats=FORMATS, skipped=None):
    return build(
        [corpus], out, formats, on_skip=skipped.append if skipped is not None else None,
        cache=FactsCache(cache) if cache else None,
    )


def _stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_unchanged_rebuild_reuses_outputs_and_reports_the_same(corpus, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _build(corpus, out, cache)
    assert not first.reused and (out / manifest.FILE_NAME).is_file()
    stamps = _stamps(out)
    skipped: list = []
    second = _build(corpus, out, cache, skipped=skipped)
    assert second.reused and second.graph is None
    assert second.counts == first.counts and second.documents == first.documents == 3
    assert [s.path for s in skipped] == [s.path for s in first.skipped] and skipped  # replayed, in order
    assert _stamps(out) == stamps  # nothing rewritten
    assert sorted(map(str, second.outputs)) == sorted(str(p) for p in first.outputs)


def test_edited_input_rebuilds(corpus, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    with open(corpus / "utf8.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附属医院党委书记王某某表示。\n")
    report = _build(corpus, out, cache)
    assert not report.reused and report.graph is not None
    assert _build(corpus, out, cache).reused  # and the new build is reusable in turn


@pytest.mark.parametrize("change", ["added", "removed"])
def test_added_or_removed_input_rebuilds(corpus, tmp_path, change):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    if change == "added":
        shutil.copy(GOOD / "notes.md", corpus / "notes.md")
    else:
        (corpus / "gbk.txt").unlink()
    report = _build(corpus, out, cache)
    assert not report.reused
    assert report.documents == (4 if change == "added" else 2)


def test_touched_or_deleted_output_rebuilds(corpus, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    original = (out / "graph.ttl").read_bytes()
    (out / "graph.ttl").write_bytes(b"edited by hand")
    assert not _build(corpus, out, cache).reused
    assert (out / "graph.ttl").read_bytes() == original
    (out / "index.html").unlink()
    assert not _build(corpus, out, cache).reused
    assert (out / "index.html").is_file()


def test_other_formats_or_no_cache_rebuild(corpus, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    assert not _build(corpus, out, cache, formats=("ttl",)).reused
    assert not _build(corpus, out, None, formats=("ttl",)).reused  # --no-cache: everything again
    assert not (out / manifest.FILE_NAME).exists()  # and the outputs it rewrote are not claimed by any manifest


def test_damaged_or_foreign_manifest_is_ignored(corpus, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(corpus, out, cache)
    path = out / manifest.FILE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "version": 0}), encoding="utf-8")
    assert not _build(corpus, out, cache).reused
    path.write_text("{not json", encoding="utf-8")
    assert not _build(corpus, out, cache).reused


def test_code_version_changes_with_package_files(tmp_path, monkeypatch):
    before = manifest.code_version()
    package = tmp_path / "kg"
    package.mkdir()
    (package / "x.py").write_text("A = 1\n")
    manifest.code_version.cache_clear()
    monkeypatch.setattr(manifest, "_PACKAGE", package)
    one = manifest.code_version()
    manifest.code_version.cache_clear()
    (package / "x.py").write_text("A = 2\n")
    two = manifest.code_version()
    manifest.code_version.cache_clear()
    assert len({before, one, two}) == 3


def test_fingerprint_names_unreadable_and_reported_entries(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("医院", encoding="utf-8")
    gone = tmp_path / "gone.txt"
    rows = manifest.fingerprint([good, gone])
    assert rows[0][0] == good.as_posix() and len(rows[0][1]) == 64
    assert rows[1] == [gone.as_posix(), None]
    os.utime(good, ns=(0, 0))  # the fingerprint is content, not time
    assert manifest.fingerprint([good])[0] == rows[0]
