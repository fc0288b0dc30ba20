"""``kg render`` and ``kg.render.render_png``: a PNG of an exported page via headless Chromium."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

import kg.render
from kg.cli import main
from kg.export.html import write
from kg.render import RenderError, render_png

HAVE_CHROMIUM = os.access(os.environ.get("KG_CHROMIUM", kg.render.DEFAULT_CHROMIUM), os.X_OK)


def _small_graph():
    import html_fixtures  # tests/ is on sys.path (conftest.py lives there)

    return html_fixtures.small_graph()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def needs_chromium():
    if not HAVE_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium must be installed in CI (run .ci/setup-browser.sh)")
        pytest.skip("chromium is not installed (run .ci/setup-browser.sh)")


def test_render_png_of_overview_and_hospital_page(needs_chromium, tmp_path):
    written = write(_small_graph(), tmp_path / "build")
    hospital = next(p for p in written if p.parent.name == "hospitals")
    png = render_png(tmp_path / "build" / "graph.html", tmp_path / "out" / "overview.png", 800, 600)
    assert png_size(png) == (800, 600)
    assert png.stat().st_size > 10_000  # a drawn graph, not a blank page
    png = render_png(hospital, tmp_path / "out" / "hospital.png", 640, 480)
    assert png_size(png) == (640, 480)


def test_render_cli_writes_png_beside_page(needs_chromium, tmp_path, capsys):
    write(_small_graph(), tmp_path)
    assert main(["render", str(tmp_path), "--width", "600", "--height", "400"]) == 0
    assert png_size(tmp_path / "graph.png") == (600, 400)
    assert capsys.readouterr().out.strip() == str(tmp_path / "graph.png")


def test_render_cli_reports_missing_page_in_one_line(tmp_path, capsys):
    assert main(["render", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "graph.html: no such page" in err
    assert main(["render", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such folder" in err


def test_render_without_chromium_says_how_to_install(tmp_path, monkeypatch, capsys):
    (tmp_path / "graph.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    monkeypatch.setenv("KG_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(kg.render, "DEFAULT_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(kg.render.shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="chromium not found"):
        render_png(tmp_path / "graph.html", tmp_path / "x.png")
    assert main(["render", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "chromium not found" in err and "Traceback" not in err
    assert not (tmp_path / "graph.png").exists()
