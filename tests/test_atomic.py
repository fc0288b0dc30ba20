"""Atomic outputs: a build killed midway leaves the previous outputs intact, no partial file in place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import remove_stale_parts, write_bytes


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "store" not in p.relative_to(folder).parts}


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    write_bytes(target, b"old")
    write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_atomic_remove_stale_parts_only_touches_temp_names(tmp_path):
    (tmp_path / ".graph.ttl.abc.part").write_text("partial")
    (tmp_path / "graph.ttl").write_text("kept")
    (tmp_path / "notes.part").write_text("not ours: no leading dot")
    assert remove_stale_parts(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "notes.part"]


def test_atomic_remove_stale_parts_leaves_other_programs_files_alone(tmp_path):
    (tmp_path / "hospitals").mkdir()
    (tmp_path / "hospitals" / ".0123abcd.html.k2j_x9qa.part").write_text("ours, in a sub-folder")
    (tmp_path / ".store.k2j_x9qa.part").mkdir()
    (tmp_path / ".store.k2j_x9qa.old").mkdir()
    (tmp_path / ".download.part").write_text("no random middle: not ours")
    (tmp_path / ".photos.abc.part").mkdir()  # a folder not named .store.*: not ours
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / ".index.abc.part").write_text("inside a hidden folder: not searched")
    assert remove_stale_parts(tmp_path) == 3
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert left == [".download.part", ".git", ".git/.index.abc.part", ".photos.abc.part", "hospitals"]


def test_atomic_build_killed_midway_keeps_previous_outputs(tmp_path, seeds_dir):
    # a first, complete build of the seeds is "the previous outputs"
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kg.cli", "build", "-o", str(out), "--no-cache", "-q", "-j", "1"]
    subprocess.run(cmd + [str(seeds_dir)], check=True, timeout=300)
    before = _snapshot(out)
    # a large input (the seeds many times over) whose build we kill at several moments
    big = tmp_path / "big"
    for i in range(60):
        folder = big / f"batch{i:02d}"
        folder.mkdir(parents=True)
        for path in seeds_dir.glob("*.txt"):
            (folder / path.name).write_text(path.read_text("utf-8") + f"\n第{i}批。\n", "utf-8")
    for delay in (0.5, 2.0, 4.0):
        proc = subprocess.Popen(cmd + [str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        after = _snapshot(out)
        # no file under a final name is partial: each is the old one or a complete new one
        for name, data in after.items():
            if Path(name).name.startswith(".") and name.endswith(".part"):
                continue  # a temporary name, never a final one; the next build removes it
            if name == "graph.ttl":
                ox.parse(data, format=ox.RdfFormat.TURTLE)  # complete, valid Turtle
        if proc.returncode == -signal.SIGKILL and delay == 0.5:
            assert after == before  # killed during extraction: nothing was rewritten
        remove_stale_parts(out)
