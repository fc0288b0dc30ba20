"""Neo4j exports: import CSV headers and ids, loading into kuzu (COPY FROM and the Cypher script), escaping."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.export import neo4j
from kg.ids import document_iri, entity_iri

import kg_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)
import tiny_graph as tiny


NASTY = ['say "hi"', "back\\slash\\", "line\nbreak\r\n", "</script>", "a,b;c|d", "中文“引号”", "😀", "'q'"]
KUZU_TYPES = {"": "STRING", "int": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN", "string[]": "STRING[]"}


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def label_of_id(iri: str) -> str:
    kind = iri.rsplit("/", 2)[-2]
    return "Evidence" if kind == "evidence" else kind.capitalize()


def test_neo4j_csv_headers_have_the_documented_forms(tmp_path):
    neo4j.write_csv(fx.small_graph(), tmp_path)
    folder = tmp_path / "neo4j"
    metric, _ = read_csv(folder / "nodes_Metric.csv")
    assert metric == ["id:ID", ":LABEL", "label", "value:double", "unit", "year:int", "fromValue:double",
                      "approximate:boolean"]
    hospital, _ = read_csv(folder / "nodes_Hospital.csv")
    assert hospital[:2] == ["id:ID", ":LABEL"] and "aliases:string[]" in hospital
    honor, _ = read_csv(folder / "nodes_Honor.csv")
    assert "year:int" in honor
    rel, _ = read_csv(folder / "rels_HAS_LEADER.csv")
    assert rel == [":START_ID", ":END_ID", ":TYPE", "confidence:double", "evidenceCount:int"]
    for label in neo4j.LABELS:
        assert (folder / f"nodes_{label}.csv").is_file()
    for rel_type in neo4j.REL_PROPERTIES:
        assert (folder / f"rels_{rel_type}.csv").is_file()
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "--array-delimiter=U+001F" in script and "--nodes=Hospital=nodes_Hospital.csv" in script


def test_neo4j_csv_ids_match_across_files_and_rdf(tmp_path):
    graph = fx.small_graph()
    neo4j.write_csv(graph, tmp_path)
    folder = tmp_path / "neo4j"
    ids: dict[str, str] = {}
    for label in neo4j.LABELS:
        _, rows = read_csv(folder / f"nodes_{label}.csv")
        for row in rows:
            assert row[0] not in ids, "node ids are unique across files"
            assert row[1] == label
            ids[row[0]] = label
    # The same IRIs as the RDF graph.
    assert {str(entity_iri(n.key)) for n in graph.nodes()} | {str(document_iri(d.doc_id)) for d in graph.documents()} \
        == {i for i, lb in ids.items() if lb != "Evidence"}
    for rel_type in neo4j.REL_PROPERTIES:
        _, rows = read_csv(folder / f"rels_{rel_type}.csv")
        for row in rows:
            assert row[0] in ids and row[1] in ids and row[2] == rel_type
    _, leaders = read_csv(folder / "rels_HAS_LEADER.csv")
    assert len(leaders) == len([e for e in graph.edges() if e.predicate.value == "hasLeader"])
    _, evidence = read_csv(folder / "nodes_Evidence.csv")
    assert len(evidence) == sum(len(e.evidence) for e in graph.edges())


def test_neo4j_csv_arrays_and_escaping_roundtrip(tmp_path):
    graph = fx.nasty_graph(NASTY)
    neo4j.write_csv(graph, tmp_path)
    header, rows = read_csv(tmp_path / "neo4j" / "nodes_Hospital.csv")
    col = {h: i for i, h in enumerate(header)}
    labels = {r[col["label"]] for r in rows}
    assert labels == {f"{s}#{i}" for i, s in enumerate(NASTY)}
    aliases = {r[col["aliases:string[]"]] for r in rows}
    assert aliases == {s + "/alias" for s in NASTY}  # one alias each: no delimiter


def test_neo4j_evidence_confidence_is_per_sentence_as_in_rdf():
    nodes, _ = neo4j.property_graph(tiny.tiny_graph())
    leader = str(entity_iri(tiny.LEADER_KEY))
    by_doc = {}
    for edge in tiny.tiny_graph().edges():
        if str(entity_iri(edge.object)) == leader:
            for ev in edge.evidence:
                node = next(n for n in nodes if n.label == "Evidence" and n.props["charStart"] == ev.char_start
                            and n.props["text"] == ev.sentence)
                by_doc[ev.doc_id] = node.props["confidence"]
    assert by_doc == {tiny.DOC_A: 0.9, tiny.DOC_B: 0.75}


def test_neo4j_deterministic(tmp_path):
    for sub in ("a", "b"):
        neo4j.write_csv(fx.small_graph(), tmp_path / sub)
        neo4j.write_cypher(fx.small_graph(), tmp_path / sub)
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


# -- kuzu: an embedded Cypher database --------------------------------------

def kuzu_schema(conn, rels_by_pair: dict[str, set[tuple[str, str]]], with_label_column: bool) -> None:
    """Create node and rel tables for the export's labels and types."""
    for label, props in neo4j.NODE_PROPERTIES.items():
        cols = ["id STRING"] + (["neo4j_label STRING"] if with_label_column else [])
        for name, kind in props:
            # CSV arrays are U+001F-joined strings, not kuzu list literals.
            cols.append(f"{name} {'STRING' if with_label_column and kind == 'string[]' else KUZU_TYPES[kind]}")
        conn.execute(f"CREATE NODE TABLE {label}({', '.join(cols)}, PRIMARY KEY (id))")
    for rel_type, props in neo4j.REL_PROPERTIES.items():
        pairs = sorted(rels_by_pair.get(rel_type, ()))
        if not pairs:
            continue
        cols = [f"FROM {a} TO {b}" for a, b in pairs]
        cols += (["neo4j_type STRING"] if with_label_column else [])
        cols += [f"{name} {KUZU_TYPES[kind]}" for name, kind in props]
        conn.execute(f"CREATE REL TABLE {rel_type}({', '.join(cols)})")


def kuzu_count(conn, query: str) -> int:
    return conn.execute(query).get_next()[0]


def test_neo4j_csv_loads_into_kuzu_with_copy_from(tmp_path):
    kuzu = pytest.importorskip("kuzu")
    graph = fx.nasty_graph(NASTY[:3] + NASTY[4:])  # plus one graph with plain text
    neo4j.write_csv(graph, tmp_path)
    folder = tmp_path / "neo4j"
    pairs: dict[str, set] = defaultdict(set)
    split: dict[tuple[str, str, str], list[list[str]]] = defaultdict(list)
    headers = {}
    for rel_type in neo4j.REL_PROPERTIES:
        header, rows = read_csv(folder / f"rels_{rel_type}.csv")
        headers[rel_type] = header
        for row in rows:
            pair = (label_of_id(row[0]), label_of_id(row[1]))
            pairs[rel_type].add(pair)
            split[(rel_type, *pair)].append(row)
    db = kuzu.Database(str(tmp_path / "kuzu"))
    conn = kuzu.Connection(db)
    kuzu_schema(conn, pairs, with_label_column=True)
    expected_nodes = Counter()
    for label in neo4j.LABELS:
        _, rows = read_csv(folder / f"nodes_{label}.csv")
        expected_nodes[label] = len(rows)
        if rows:
            conn.execute(f"COPY {label} FROM '{folder / f'nodes_{label}.csv'}' (HEADER=true, PARALLEL=false)")
    for (rel_type, a, b), rows in sorted(split.items()):
        # kuzu wants one file per (from, to) pair of a multi-pair rel table.
        part = tmp_path / f"{rel_type}_{a}_{b}.csv"
        with open(part, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows([headers[rel_type], *rows])
        opts = "HEADER=true, PARALLEL=false" + (f", from='{a}', to='{b}'" if len(pairs[rel_type]) > 1 else "")
        conn.execute(f"COPY {rel_type} FROM '{part}' ({opts})")
    for label, n in expected_nodes.items():
        assert kuzu_count(conn, f"MATCH (n:{label}) RETURN count(n)") == n
    assert kuzu_count(conn, "MATCH ()-[r:HAS_LEADER]->() RETURN count(r)") == len(graph.edges())
    got = set()
    result = conn.execute("MATCH (h:Hospital) RETURN h.label")
    while result.has_next():
        got.add(result.get_next()[0])
    assert got == {n.label for n in graph.nodes() if n.type.value == "Hospital"}


def run_cypher_in_kuzu(conn, script: str) -> None:
    for stmt in script.split(";\n"):
        stmt = "\n".join(ln for ln in stmt.splitlines() if not ln.startswith("//")).strip().rstrip(";")
        if stmt and not stmt.startswith("CREATE CONSTRAINT"):  # kuzu: primary keys instead
            conn.execute(stmt)


def test_neo4j_cypher_script_loads_into_kuzu_and_is_idempotent(tmp_path):
    kuzu = pytest.importorskip("kuzu")
    graph = fx.small_graph()
    neo4j.write_cypher(graph, tmp_path)
    script = (tmp_path / "graph.cypher").read_text(encoding="utf-8")
    assert script.count("CREATE CONSTRAINT") == len(neo4j.LABELS)
    assert "$" not in script  # parameter-free
    nodes, rels = neo4j.property_graph(graph)
    pairs: dict[str, set] = defaultdict(set)
    label = {n.id: n.label for n in nodes}
    for r in rels:
        pairs[r.type].add((label[r.start], label[r.end]))
    conn = kuzu.Connection(kuzu.Database(str(tmp_path / "kuzu")))
    kuzu_schema(conn, pairs, with_label_column=False)
    for _ in range(2):  # MERGE: a second run changes nothing
        run_cypher_in_kuzu(conn, script)
        assert kuzu_count(conn, "MATCH (n) RETURN count(n)") == len(nodes)
        assert kuzu_count(conn, "MATCH ()-[r]->() RETURN count(r)") == len(rels)
    row = conn.execute(f"MATCH (h:Hospital {{label: '{fx.HOSPITAL_A}'}}) RETURN h.aliases").get_next()
    assert row[0] == ["忠医"]
    row = conn.execute("MATCH (m:Metric {label: '门诊量'}) RETURN m.value, m.year, m.approximate").get_next()
    assert row == [850000.0, 2024, True]


# -- escaping ---------------------------------------------------------------

_UNESCAPE = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def unescape_cypher(literal: str) -> str:
    """Decode a single-quoted Cypher string literal by the openCypher grammar (independent of the writer)."""
    assert literal[0] == "'" and literal[-1] == "'"
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        assert ch != "'", "unescaped quote inside the literal"
        assert ch not in "\n\r", "raw line break inside the literal"
        if ch == "\\":
            nxt = body[i + 1]
            if nxt == "u":
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(_UNESCAPE[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_neo4j_cypher_string_escaping_hypothesis(text):
    literal = neo4j.cypher_string(text)
    assert unescape_cypher(literal) == text
    assert not re.search(r"[\x00-\x1f\x7f]", literal)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40))
def test_neo4j_cypher_string_reads_back_in_kuzu_hypothesis(tmp_path_factory, text):
    # kuzu reads \\ and \' but not \n or \uXXXX, so only printable text goes through it.
    kuzu = pytest.importorskip("kuzu")
    if not hasattr(test_neo4j_cypher_string_reads_back_in_kuzu_hypothesis, "conn"):
        db = kuzu.Database(str(tmp_path_factory.mktemp("kuzu") / "db"))
        test_neo4j_cypher_string_reads_back_in_kuzu_hypothesis.conn = kuzu.Connection(db)
    conn = test_neo4j_cypher_string_reads_back_in_kuzu_hypothesis.conn
    assert conn.execute(f"RETURN {neo4j.cypher_string(text)} AS v").get_next()[0] == text


@settings(max_examples=100, deadline=None)
@given(st.lists(any_text, min_size=1, max_size=3))
def test_neo4j_csv_escaping_hypothesis(tmp_path_factory, strings):
    out = tmp_path_factory.mktemp("csv")
    neo4j.write_csv(fx.nasty_graph(strings), out)
    header, rows = read_csv(out / "neo4j" / "nodes_Evidence.csv")
    texts = {r[header.index("text")] for r in rows}
    assert texts == {s or "empty" for s in strings}
    header, rows = read_csv(out / "neo4j" / "nodes_Leader.csv")
    titles = {r[header.index("titles:string[]")] for r in rows}
    assert titles == {(s or "post").replace(neo4j.ARRAY_DELIMITER, " ") for s in strings}
