"""End-to-end behaviour of the ``kg`` command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.cli import main


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_cli_build_seeds_writes_outputs_and_summary(seeds_dir, tmp_path):
    result = run_kg("build", str(seeds_dir), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "documents: 5 read, 0 skipped" in result.stdout
    assert "Hospital" in result.stdout and "hasLeader" in result.stdout
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0
    assert (tmp_path / "out" / "graph.html").stat().st_size > 0


def test_cli_build_missing_input_is_one_line_error(tmp_path):
    result = run_kg("build", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(tmp_path / "nope") in result.stderr
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_cli_build_skips_bad_file_and_exits_2(seeds_dir, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text((seeds_dir / sorted(p.name for p in seeds_dir.glob("*.txt"))[0]).read_text("utf-8"), "utf-8")
    (corpus / "junk.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00binary")
    result = run_kg("build", str(corpus), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert "junk.txt" in result.stderr and "Traceback" not in result.stderr
    assert "documents: 1 read, 1 skipped" in result.stdout
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_cli_strict_writes_nothing_when_an_input_is_skipped(seeds_dir, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("忠州市第一人民医院党委书记王某某表示，医院将继续努力。", "utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    result = run_kg("build", str(corpus), "-o", str(tmp_path / "out"), "--strict")
    assert result.returncode == 1
    assert "empty.txt" in result.stderr
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_cli_unknown_option_and_format_exit_1(tmp_path, seeds_dir):
    assert run_kg("build", str(seeds_dir), "--no-such-option").returncode == 1
    result = run_kg("build", str(seeds_dir), "-o", str(tmp_path), "--formats", "ttl,xyz")
    assert result.returncode == 1 and "xyz" in result.stderr and "Traceback" not in result.stderr


def test_cli_output_not_writable_is_one_line_error(seeds_dir, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_kg("build", str(seeds_dir), "-o", str(blocker / "sub"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_help_documents_exit_codes():
    result = run_kg("--help")
    assert result.returncode == 0
    assert "exit codes" in result.stdout and "skipped" in result.stdout


def test_cli_no_command_is_usage_error(capsys):
    assert main([]) == 1


def test_cli_build_into_folder_inside_corpus_does_not_read_own_outputs(seeds_dir, tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    out = corpus / "out"
    for _ in range(2):
        result = run_kg("build", str(corpus), "-o", str(out), "--no-cache", "--formats", "ttl,html")
        assert result.returncode == 0, result.stderr
        assert "documents: 5 read, 0 skipped" in result.stdout


def test_cli_bad_sizes_and_empty_formats_are_usage_errors(seeds_dir, tmp_path):
    for size in ("inf", "1e999", "abc", "0"):
        result = run_kg("build", str(seeds_dir), "-o", str(tmp_path), "--max-file-size", size)
        assert result.returncode == 1 and "Traceback" not in result.stderr, size
    result = run_kg("build", str(seeds_dir), "-o", str(tmp_path), "--formats", ",")
    assert result.returncode == 1 and "format" in result.stderr
