"""Shared fixtures (one conftest for the whole suite, as spaCy does)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory) -> Path:
    """A fresh default build of seeds/ (ttl + html), shared by the tests that only read it."""
    from kg.cli import main

    out = tmp_path_factory.mktemp("seeds_build")
    assert main(["build", str(SEEDS), "-o", str(out), "--quiet"]) == 0
    return out
