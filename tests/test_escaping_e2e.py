"""End to end: hostile article text reaches every output format only through its escaping.

Hypothesis writes a small made-up article whose title, hospital, leader and
mechanism positions carry random Unicode with quotes, backslashes, line ends,
``</script>``, ``\"\"\"``, control characters and the like; the CLI builds it
in every format, and each output is parsed back strictly: pyoxigraph for
Turtle, N-Triples, N-Quads and TriG, ``json`` for JSON-LD, the ``csv`` module
for the Neo4j CSVs, a strict string-literal scanner for Cypher,
``xml.etree`` for GraphML, and for HTML the embedded JSON data blocks. The
evidence sentences read back from each format must be the same set, and
instance IRIs must be hashes (no document text in them).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main

FORMATS = "ttl,html,nt,nq,trig,jsonld,neo4j,cypher,graphml"
HKG = "https://w3id.org/hospital-kg/ontology#"
RE_INSTANCE_IRI = re.compile(r"https://w3id\.org/hospital-kg/id/[a-z]+/[0-9a-f]{16}")
RE_JSON_BLOCK = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)
# Filler keeps a handful of generated control characters under ingest's binary-file threshold (1 %).
FILLER = "本文为测试用的虚构报道，内容不涉及任何真实单位和人员。" * 100

NASTY = ['"', "'", "\\", "\n", "\r", "\t", "</script>", "</SCRIPT", '"""', "'''", "<!--", "]]>", "&amp;",
         "\x01", "\x0b", "\x1f", "\x7f", "\u2028", "\u0085", "\ufeff", "${x}", "{{y}}", ";", ",", "@", "#",
         "<", ">", "`", "\\u0041", "\\n", "%", "//", "/*"]
PIECE = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=3),
)
HOSTILE = st.lists(PIECE, min_size=1, max_size=4).map("".join)


def article(title: str, place: str, name: str, mechanism: str) -> str:
    """A tiny made-up article with the hostile strings in entity positions."""
    return (
        f"{title}工作简讯\n"
        f"{place}市第一人民医院党委书记王{name}表示，医院将推进“{mechanism}”机制。\n"
        f"云杉市第二人民医院党委书记陈立群说，“{mechanism}”工作机制成效明显。\n"
        f"{FILLER}\n"
    )


def _rdf_evidence(path: Path, fmt: pyoxigraph.RdfFormat) -> set[str]:
    evidence = set()
    for quad in pyoxigraph.parse(path=str(path), format=fmt):
        for term in (quad.subject, quad.object):
            if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith("https://w3id.org/hospital-kg/id/"):
                assert RE_INSTANCE_IRI.fullmatch(term.value), term.value
        if quad.predicate.value == HKG + "evidenceText":
            evidence.add(quad.object.value)
    return evidence


def _jsonld_evidence(path: Path) -> set[str]:
    data = json.loads(path.read_text("utf-8"))
    return {v["@value"] for node in data["@graph"] for v in node.get("hkg:evidenceText", [])}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        header = next(reader)
        rows = list(reader)
    assert all(len(row) == len(header) for row in rows), path.name
    return [dict(zip(header, row)) for row in rows]


_CYPHER_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _cypher_strings(script: str) -> list[str]:
    """Every string literal of a Cypher script, decoded; fails on a bad escape or an open literal."""
    strings, i = [], 0
    while i < len(script):
        ch = script[i]
        if ch == "/" and script.startswith("//", i):
            i = script.index("\n", i) + 1
            continue
        if ch != "'":
            assert ch != '"', f"double-quoted literal at {i}"
            i += 1
            continue
        out, i = [], i + 1
        while script[i] != "'":
            if script[i] == "\\":
                nxt = script[i + 1]
                if nxt == "u":
                    out.append(chr(int(script[i + 2:i + 6], 16)))
                    i += 6
                    continue
                out.append(_CYPHER_ESCAPES[nxt])  # KeyError: an escape Cypher does not know
                i += 2
                continue
            assert script[i] not in "\n\r", "raw line end inside a Cypher string"
            out.append(script[i])
            i += 1
        strings.append("".join(out))
        i += 1
    return strings


def _html_blocks(folder: Path) -> list:
    blocks = []
    for page in sorted(folder.rglob("*.html")):
        html = page.read_text("utf-8")
        for raw in RE_JSON_BLOCK.findall(html):
            assert "</script" not in raw.lower() and "<!--" not in raw, page.name
            blocks.append(json.loads(raw))
    assert blocks
    return blocks


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=HOSTILE, place=HOSTILE, name=HOSTILE, mechanism=HOSTILE)
def test_escaping_e2e_every_format_parses_back(title, place, name, mechanism):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in" / "article.txt"
        source.parent.mkdir()
        source.write_text(article(title, place, name, mechanism), "utf-8", newline="")
        out = Path(tmp) / "out"
        code = main(["build", str(source), "-o", str(out), "--formats", FORMATS, "--no-cache", "-j", "1", "-q"])
        assert code == 0

        evidence = _rdf_evidence(out / "graph.ttl", pyoxigraph.RdfFormat.TURTLE)
        assert evidence, "the article's leader sentences must give evidence"
        assert _rdf_evidence(out / "graph.nt", pyoxigraph.RdfFormat.N_TRIPLES) == evidence
        assert _rdf_evidence(out / "graph.nq", pyoxigraph.RdfFormat.N_QUADS) == evidence
        assert _rdf_evidence(out / "graph.trig", pyoxigraph.RdfFormat.TRIG) == evidence
        assert _jsonld_evidence(out / "graph.jsonld") == evidence

        csv_files = sorted((out / "neo4j").glob("*.csv"))
        assert csv_files
        for path in csv_files:
            rows = _csv_rows(path)
            if path.name == "nodes_Evidence.csv":
                assert {row["text"] for row in rows} == evidence

        cypher = (out / "graph.cypher").read_text("utf-8")
        assert evidence <= set(_cypher_strings(cypher))

        root = ET.parse(out / "graph.graphml").getroot()
        key = {k.get("attr.name"): k.get("id") for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")}
        graphml_evidence = "\n".join(
            d.text or "" for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data") if d.get("key") == key["evidence"]
        )
        from kg.export.graphml import xml_safe

        assert all(xml_safe(sentence) in graphml_evidence for sentence in evidence)

        blocks = _html_blocks(out)
        html_evidence = {ev[3] for block in blocks for edge in block.get("edges", []) for ev in edge.get("ev", [])}
        assert html_evidence == evidence
