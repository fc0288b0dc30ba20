"""``kg query`` and ``kg.query``: graph lookup, the on-disk store and its freshness, output formats, errors."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox
import pytest
from kg_fixtures import HOSPITAL_A, nasty_graph, small_graph  # tests/ is on sys.path for this module

from kg.cli import main
from kg.export import rdf_formats, store, turtle
from kg.query import QueryError, add_bindings, find_graph, open_graph, render_table, run, text_width

HOSPITALS = "SELECT ?h WHERE { ?h a <https://w3id.org/hospital-kg/ontology#Hospital> } ORDER BY ?h"


@pytest.fixture
def build(tmp_path):
    graph = small_graph()
    turtle.write(graph, tmp_path)
    store.write(graph, tmp_path)
    return tmp_path


def query_cli(capsysbinary, *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


def test_query_uses_store_when_up_to_date(build):
    graph = open_graph(build)
    assert graph.source.endswith("store")
    assert len(list(run(graph, HOSPITALS))) == 2


def test_query_stale_store_is_rebuilt_from_turtle(build):
    other = nasty_graph(["x", "y", "z"])
    turtle.write(other, build)  # graph.ttl changed after the store was built
    built: list = []
    graph = open_graph(build, on_build=built.append)
    assert built == [build] and graph.source.endswith("store")
    assert len(list(run(graph, HOSPITALS))) == 3
    assert store.up_to_date(build)
    assert open_graph(build, on_build=built.append).source.endswith("store") and len(built) == 1  # once


def test_query_read_only_build_is_queried_from_turtle(build, monkeypatch):
    turtle.write(nasty_graph(["x", "y", "z"]), build)
    monkeypatch.setattr("kg.query.os.access", lambda path, mode: False)
    graph = open_graph(build)
    assert graph.source.endswith("graph.ttl")
    assert len(list(run(graph, HOSPITALS))) == 3
    assert not store.up_to_date(build)  # nothing was written


def test_query_builds_store_for_a_build_without_one(tmp_path, capsysbinary):
    turtle.write(small_graph(), tmp_path)
    assert not (tmp_path / "store").exists()
    code, out, err = query_cli(capsysbinary, HOSPITALS, "--graph", str(tmp_path), "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 3
    assert "building the query store" in err and store.up_to_date(tmp_path)
    code, _, err = query_cli(capsysbinary, HOSPITALS, "--graph", str(tmp_path), "--no-store")
    assert code == 0 and "building" not in err


def test_query_store_matches_turtle_exactly(build):
    from_store = open_graph(build)
    from_ttl = open_graph(build, use_store=False)
    assert from_ttl.source.endswith("graph.ttl")
    assert set(from_store.store) == set(from_ttl.store)
    meta = json.loads((build / "store.json").read_text())
    assert meta["triples"] == len(from_ttl.store)


def test_query_store_rewrite_replaces_old_store(build):
    store.write(nasty_graph(["only"]), build)
    turtle.write(nasty_graph(["only"]), build)
    assert len(list(run(open_graph(build), HOSPITALS))) == 1
    assert not [p for p in build.iterdir() if p.name.startswith(".store.")]  # no temp folders left


def test_query_store_without_meta_is_not_used(build):
    (build / "store.json").unlink()
    assert not store.up_to_date(build)
    assert open_graph(build, use_store=False).source.endswith("graph.ttl")
    assert open_graph(build).source.endswith("store")  # rebuilt, with its meta
    assert store.up_to_date(build)


def test_query_default_graph_location(tmp_path, monkeypatch, build):
    monkeypatch.chdir(build)
    assert find_graph() == build.joinpath("graph.ttl").relative_to(build)
    monkeypatch.chdir(tmp_path.parent)
    with pytest.raises(QueryError, match="exports"):
        find_graph()


def test_query_other_rdf_files_and_quads_as_union(tmp_path):
    graph = small_graph()
    rdf_formats.write_nquads(graph, tmp_path)
    g = open_graph(tmp_path / "graph.nq")
    assert len(list(run(g, HOSPITALS))) == 2  # the merge: a set, not one row per document
    per_doc = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert len(list(run(g, per_doc))) == 2


def test_query_text_width_cjk():
    assert text_width("abc") == 3
    assert text_width("忠县人民医院") == 12
    assert text_width("Ａ１") == 4  # full-width forms
    assert text_width("e\u0301") == 1  # combining accent takes no column


def test_query_table_aligns_cjk_columns():
    table = render_table(["名称", "n"], [["忠县人民医院", "1"], ["ab", "22"], ["北医三院x", "3"]])
    lines = table.splitlines()
    assert lines[-1] == "3 rows"
    # The second column starts at the same display column on every line.
    starts = {text_width(line[: line.rindex(" ") + 1]) for line in lines[:1] + lines[2:-1]}
    assert len(starts) == 1


def test_query_table_clips_and_escapes_on_terminal():
    table = render_table(["x"], [["a\nb" + "长" * 40]], max_cell=12)
    row = table.splitlines()[2]
    assert "\\n" in row and row.endswith("…") and text_width(row) <= 12


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_query_cli_formats(build, capsysbinary, fmt):
    code, out, err = query_cli(capsysbinary, "leaders-of-hospital", "--graph", str(build), "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["hospital", "leader", "post"] and len(rows) == 5
    elif fmt == "tsv":
        lines = out.splitlines()
        assert lines[0] == "?hospital\t?leader\t?post" and len(lines) == 5
    elif fmt == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == ["hospital", "leader", "post"]
        assert len(data["results"]["bindings"]) == 4
    else:
        assert HOSPITAL_A in out and out.rstrip().endswith("4 rows")


def test_query_cli_ask_and_construct(build, capsysbinary):
    code, out, _ = query_cli(capsysbinary, "ASK { ?s a <https://w3id.org/hospital-kg/ontology#Honor> }",
                             "--graph", str(build))
    assert code == 0 and out == "true\n"
    code, out, _ = query_cli(capsysbinary, "ASK { ?s a <urn:x:none> }", "--graph", str(build), "--format", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": False}
    q = ("PREFIX hkg: <https://w3id.org/hospital-kg/ontology#> "
         "CONSTRUCT { ?h hkg:hasLeader ?l } WHERE { ?h hkg:hasLeader ?l }")
    code, out, _ = query_cli(capsysbinary, q, "--graph", str(build))
    assert code == 0 and out.startswith("@prefix hkg:")
    assert len(list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))) == 3
    code, out, _ = query_cli(capsysbinary, f"DESCRIBE <{next(iter(run(open_graph(build), HOSPITALS)))['h'].value}>",
                             "--graph", str(build))
    assert code == 0 and "rdfs:label" in out


def test_query_cli_bind_filters_rows(build, capsysbinary):
    code, out, _ = query_cli(capsysbinary, "leaders-of-hospital", "--graph", str(build), "--format", "csv",
                             "--bind", f"hospital={HOSPITAL_A}")
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert code == 0 and len(rows) == 3 and {r[0] for r in rows} == {HOSPITAL_A}


def test_query_bindings_are_escaped():
    text = add_bindings("SELECT * WHERE { BIND(1 AS ?x) }", {"x": 'a "b" \\ c\n'})
    assert 'VALUES (?x) { ("a \\"b\\" \\\\ c\\n") }' in text
    with pytest.raises(QueryError):
        add_bindings("SELECT * {}", {"bad name": "x"})


def test_query_binding_a_variable_the_query_lacks_is_an_error():
    with pytest.raises(QueryError, match=r"no variable \?hosptial"):
        add_bindings("SELECT ?hospital WHERE { ?h ?p ?hospital }", {"hosptial": "x"})
    with pytest.raises(QueryError, match=r"no variable \?h\b"):
        add_bindings("SELECT ?hospital WHERE { ?x ?p ?hospital }", {"h": "x"})
    assert "VALUES (?h)" in add_bindings("SELECT * WHERE { $h ?p ?o }", {"h": "x"})


@pytest.mark.parametrize(
    "args, expected",
    [
        (["SELECT * WHERE { ?s ?p }"], "query:1:"),
        (["SELECT *\nWHERE {\n  ?s ?p ?o FILTER( }"], "query:3:"),
        (["no-such-query"], "unknown named query"),
        (["--graph", "/nonexistent/dir", "class-counts"], "/nonexistent/dir: no such file"),
    ],
)
def test_query_cli_errors_are_one_line(build, capsysbinary, args, expected):
    if "--graph" not in args:
        args = [*args, "--graph", str(build)]
    code, out, err = query_cli(capsysbinary, *args)
    assert code == 1 and out == ""
    assert err.startswith("kg query: error: ") and expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_query_cli_file_syntax_error_names_the_file(build, tmp_path, capsysbinary):
    bad = tmp_path / "bad.rq"
    bad.write_text("# comment\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    code, _, err = query_cli(capsysbinary, "-f", str(bad), "--graph", str(build))
    # pyoxigraph points at the furthest position it reached (here the end of the text).
    assert code == 1 and re.search(re.escape(str(bad)) + r":\d+:\d+: syntax error: expected", err)


def test_query_cli_list(capsysbinary):
    code, out, _ = query_cli(capsysbinary, "--list")
    assert code == 0
    for name in ("honors-by-year", "leaders-of-hospital", "shared-mechanisms", "metrics-by-mechanism"):
        assert name in out
