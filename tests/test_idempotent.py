"""Rebuilding into the same folder never duplicates anything.

Building twice, building A then A+B, or A+B then A leaves exactly the files
(byte for byte) and the node counts per class of a fresh build of the last
input set. Inputs are the made-up articles of tests/data/corpus/good.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

from kg.cli import main

GOOD = Path(__file__).resolve().parent / "data" / "corpus" / "good"
FORMATS = "ttl,html,nt,nq,trig,jsonld,neo4j,cypher,graphml"
A = [GOOD / "utf8.txt", GOOD / "page.html", GOOD / "big5_traditional.txt"]
B = [GOOD / "notes.md", GOOD / "article.pdf", GOOD / "article.docx", GOOD / "gbk.txt"]


def _build(inputs: list[Path], out: Path) -> None:
    args = ["build", *map(str, inputs), "-o", str(out), "--formats", FORMATS, "--no-cache", "-j", "1", "-q"]
    assert main(args) == 0


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _classes(folder: Path) -> Counter:
    store = pyoxigraph.Store()
    store.load(path=str(folder / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    return Counter({row["c"].value: int(row["n"].value) for row in rows})


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict[str, Path]:
    """Fresh builds of A and of A+B, each into a new folder."""
    root = tmp_path_factory.mktemp("fresh")
    _build(A, root / "a")
    _build(A + B, root / "ab")
    return {"a": root / "a", "ab": root / "ab"}


def test_idempotent_build_twice_same_folder(fresh, tmp_path):
    out = tmp_path / "out"
    _build(A + B, out)
    _build(A + B, out)
    assert _files(out) == _files(fresh["ab"])


def test_idempotent_a_then_a_plus_b_equals_fresh_a_plus_b(fresh, tmp_path):
    out = tmp_path / "out"
    _build(A, out)
    _build(A + B, out)
    assert _classes(out) == _classes(fresh["ab"])
    assert _classes(out)["https://w3id.org/hospital-kg/ontology#Hospital"] == 6  # 鶴鳴/鹤鸣 is one node
    assert _files(out) == _files(fresh["ab"])


def test_idempotent_a_plus_b_then_a_leaves_nothing_of_b(fresh, tmp_path):
    out = tmp_path / "out"
    _build(A + B, out)
    _build(A, out)
    assert _classes(out) == _classes(fresh["a"])
    assert _files(out) == _files(fresh["a"])


def test_idempotent_input_order_and_repeats_do_not_matter(fresh, tmp_path):
    out = tmp_path / "out"
    _build(list(reversed(B)) + A + A[:1], out)  # a file named twice is read once
    assert _files(out) == _files(fresh["ab"])


def _store_quads(folder: Path) -> set[str]:
    store = pyoxigraph.Store.read_only(str(folder / "store"))
    return {str(quad) for quad in store}


def test_idempotent_store_content_after_a_then_a_plus_b(tmp_path):
    # The store's RocksDB files differ from build to build; its quads must not.
    def build(inputs: list[Path], out: Path) -> None:
        args = ["build", *map(str, inputs), "-o", str(out), "--formats", "ttl,store", "--no-cache", "-j", "1", "-q"]
        assert main(args) == 0

    build(A, tmp_path / "grown")
    build(A + B, tmp_path / "grown")
    build(A + B, tmp_path / "fresh")
    assert _store_quads(tmp_path / "grown") == _store_quads(tmp_path / "fresh")
    assert (tmp_path / "grown" / "store.json").read_bytes() == (tmp_path / "fresh" / "store.json").read_bytes()
