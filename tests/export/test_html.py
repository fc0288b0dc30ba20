"""Unit tests of the HTML exporter (no browser): escaping, pages, determinism, offline."""

from __future__ import annotations

import ast
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.export.html import load_style, render_page, write
from kg.export.html_data import GraphIndex, embed_json, hospital_payload, hospital_slug, overview_payload
from kg.graph import KnowledgeGraph
from kg.records import DocumentInfo, Entity, EntityKey, Evidence, Relation
from kg.vocab import EntityType, Predicate

import html_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)


RE_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)
NASTY = st.sampled_from(["</script>", "</SCRIPT ", "<!--", "-->", "<img src=x onerror=alert(1)>", '"', "'", "&amp;", "\u2028", "\u2029", "\\", "${title}", "北医三院", "\x00"])
LABELS = st.lists(st.one_of(NASTY, st.text(max_size=8)), min_size=1, max_size=6).map("".join).filter(lambda s: s.strip())


def data_block(page: str) -> dict:
    """The JSON payload embedded in a page (exactly one block)."""
    blocks = RE_DATA.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def one_hospital_graph(name: str, mechanism: str) -> tuple[KnowledgeGraph, EntityKey]:
    g = KnowledgeGraph()
    doc = DocumentInfo("d" * 16, f"{name}.txt", "x", "0" * 64, "utf-8")
    g.add_document(doc)
    h = EntityKey(EntityType.HOSPITAL, (name,))
    m = EntityKey(EntityType.MECHANISM, (mechanism,))
    g.add_entity(Entity(h, name, aliases=(mechanism,)), doc.doc_id)
    g.add_entity(Entity(m, mechanism), doc.doc_id)
    g.add_relation(Relation(Predicate.IMPLEMENTS, h, m, Evidence(doc.doc_id, 0, 3, f"{name}{mechanism}")))
    return g, h


@given(payload=st.recursive(LABELS | st.integers() | st.none(), lambda c: st.lists(c) | st.dictionaries(LABELS, c), max_leaves=10))
def test_html_embed_json_roundtrips_and_stays_inside_script(payload):
    blob = embed_json(payload)
    assert json.loads(blob) == payload
    assert "</" not in blob and "<!--" not in blob
    assert "\u2028" not in blob and "\u2029" not in blob


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=LABELS, mechanism=LABELS)
def test_html_page_labels_roundtrip_and_are_escaped(name, mechanism):
    g, h = one_hospital_graph(name, mechanism)
    ix, style = GraphIndex.of(g), load_style()
    payload, note = hospital_payload(ix, h, style)
    page = render_page(payload, title=name, heading=name, nav=[], note=note, inline=False)
    data = data_block(page)
    assert {n["label"] for n in data["nodes"]} == {name, mechanism}
    assert data["edges"][0]["ev"][0][3] == f"{name}{mechanism}"
    assert data["docs"][0]["file"] == f"{name}.txt"
    outside = re.sub(r'<script src="[a-z./-]+"></script>', "", RE_DATA.sub("", page))
    assert html.escape(name) in outside
    if "<" in name:
        assert name not in outside
    # the page keeps exactly the script elements the template has
    assert len(re.findall(r"<script", page, re.IGNORECASE)) == 3
    assert len(re.findall(r"</script", page, re.IGNORECASE)) == 3


def test_html_write_lists_every_page(tmp_path):
    g = fx.small_graph()
    written = write(g, tmp_path)
    rel = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    slugs = sorted(hospital_slug(n.key) for n in g.nodes(EntityType.HOSPITAL))
    expected = ["assets/kg-view.js", "assets/vis-network.min.js", "graph.html", "index.html"]
    expected += [f"hospitals/{s}.html" for s in slugs]
    assert rel == sorted(expected)
    assert all(p.is_file() for p in written)
    assert all(re.fullmatch(r"[0-9a-f]{16}", s) for s in slugs)


def test_html_write_shares_add_up_to_the_whole_write(tmp_path):
    g = fx.small_graph()
    whole = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in write(g, tmp_path / "a")}
    stale = tmp_path / "b" / "hospitals" / "00000000000000aa.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("a hospital of an earlier build")
    main = write(g, tmp_path / "b", share=(frozenset({0, 2}), 3))
    rest = write(g, tmp_path / "b", share=(frozenset({1}), 3))
    assert not set(main) & set(rest) and all(p.parent.name == "hospitals" for p in rest)
    parts = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in main + rest}
    assert parts == whole
    assert not stale.exists()  # the share with part 0 cleans up


def test_html_write_is_deterministic(tmp_path):
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in write(fx.small_graph(), tmp_path / "a")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in write(fx.small_graph(), tmp_path / "b")}
    assert a == b


def test_html_write_does_not_depend_on_hash_seed(tmp_path):
    code = (
        "import sys, importlib.util as u; from pathlib import Path; from kg.export.html import write;"
        "s = u.spec_from_file_location('f', sys.argv[1]); m = u.module_from_spec(s); s.loader.exec_module(m);"
        "write(m.small_graph(), Path(sys.argv[2]))"
    )
    fixtures = fx.__file__
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, fixtures, str(tmp_path / seed)], env=env, check=True)
    one = {p.relative_to(tmp_path / "1"): p.read_bytes() for p in (tmp_path / "1").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "2"): p.read_bytes() for p in (tmp_path / "2").rglob("*") if p.is_file()}
    assert one == two and len(one) == 6


def test_html_pages_reference_nothing_remote(tmp_path):
    write(fx.small_graph(), tmp_path)
    remote = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//)|url\(\s*["']?(?:https?:|//)|@import""", re.IGNORECASE)
    for page in sorted(tmp_path.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), page
        assert "<link" not in text.lower(), page
        assert "cdn" not in RE_DATA.sub("", text).lower(), page


def test_html_overview_inlines_scripts_and_hospital_pages_share_assets(tmp_path):
    write(fx.small_graph(), tmp_path)
    overview = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "<script src=" not in overview and "vis.Network" in overview
    for page in (tmp_path / "hospitals").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<script src="../assets/vis-network.min.js"></script>' in text
        assert '<script src="../assets/kg-view.js"></script>' in text


def test_html_small_graph_overview_has_every_node_and_evidence(tmp_path):
    g = fx.small_graph()
    write(g, tmp_path)
    data = data_block((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert data["mode"] == "full"
    assert len(data["nodes"]) == len(g) and len(data["edges"]) == len(g.edges())
    metric = next(n for n in data["nodes"] if n["label"] == "门诊量")
    assert (metric["value"], metric["unit"], metric["from"], metric["approx"], metric["year"]) == ("12000", "人次", "9000", True, 2022)
    honor = next(n for n in data["nodes"] if n["cls"] == "Honor")
    assert (honor["year"], honor["recipient"], honor["level"]) == (2021, "机关党支部", "国家级")
    ev = next(e for e in data["edges"] if e["rel"] == "receivedHonor")["ev"]
    assert ev == [[0, 20, 20 + len(fx.EVIDENCE_SENTENCE), fx.EVIDENCE_SENTENCE]]
    assert data["docs"][0]["file"] == "000_beiyi.txt"


def test_html_large_graph_overview_shows_hospitals_and_mechanisms_only(tmp_path):
    g = fx.large_graph(hospitals=40, per_hospital=12)
    style = load_style()
    assert len(g) > style["overview_threshold"]
    write(g, tmp_path)
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    data = data_block(page)
    assert data["mode"] == "overview"
    assert {n["cls"] for n in data["nodes"]} == {"Hospital", "Mechanism"}
    assert len(data["nodes"]) == 45
    hospital = next(n for n in data["nodes"] if n["cls"] == "Hospital")
    assert hospital["counts"] == {"Honor": 4, "Leader": 4, "Mechanism": 1, "Metric": 4}
    assert "总览只显示医院和机制" in page and 'id="kg-note" hidden' not in page
    one = data_block((tmp_path / "hospitals" / f"{hospital['page']}.html").read_text(encoding="utf-8"))
    assert one["mode"] == "hospital" and one["focus"] == hospital["id"]
    assert {"Leader", "Honor", "Metric"} <= {n["cls"] for n in one["nodes"]}


def test_html_overview_payload_is_linear_enough_for_big_graphs():
    g = fx.large_graph(hospitals=800, per_hospital=12)  # ~10k nodes
    payload, note = overview_payload(GraphIndex.of(g), load_style())
    assert len(payload["nodes"]) == 805 and note


def test_html_index_escapes_names_and_counts(tmp_path):
    g, h = one_hospital_graph('<b>北医&"三院"</b>', "双融合")
    write(g, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;北医&amp;&quot;三院&quot;&lt;/b&gt;" in index
    assert "<b>" not in index
    assert f'href="hospitals/{hospital_slug(h)}.html"' in index
    assert '<td class="num">1</td>' in index  # one mechanism


def test_html_rewrite_removes_stale_hospital_pages(tmp_path):
    write(fx.large_graph(hospitals=6, per_hospital=3), tmp_path)
    (tmp_path / "hospitals" / "notes.txt").write_text("mine")
    write(fx.small_graph(), tmp_path)
    names = sorted(p.name for p in (tmp_path / "hospitals").iterdir())
    assert len(names) == 3 and "notes.txt" in names


def test_html_modules_import_only_the_graph_model():
    # An exporter reads the KnowledgeGraph only: no re-extraction, and no pyvis.
    for name in ("html.py", "html_data.py"):
        tree = ast.parse((Path(__file__).parents[2] / "kg" / "export" / name).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not {m for m in imported if m.split(".")[:2] in (["kg", "extract"], ["kg", "resolve"]) or m.startswith("pyvis")}


def test_html_empty_graph_writes_overview_and_index(tmp_path):
    written = write(KnowledgeGraph(), tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "assets/kg-view.js",
        "assets/vis-network.min.js",
        "graph.html",
        "index.html",
    ]
    assert data_block((tmp_path / "graph.html").read_text(encoding="utf-8"))["nodes"] == []
    assert "没有医院 No hospitals" in (tmp_path / "index.html").read_text(encoding="utf-8")
