"""End to end over tests/data/corpus: every format and encoding read, every kind of junk skipped.

The corpus (made-up articles, see its README.md) is built with the CLI. The
test checks the exact skip lines on stderr, that each good file's hospital,
leader and post reach the graph with a sentence from that very file, the
encoding recorded per document, and ``--strict``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import rdflib

from kg.cli import main
from kg.ingest import read_source

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
SIZE_LIMIT = "64K"

# file -> (hospital label, leader label, post) facts that must be in the graph, evidenced by that file
EXPECTED_FACTS = {
    "utf8.txt": [("临川市第三人民医院", "周立衡", "党委书记")],
    "utf8_bom.txt": [("江陵县人民医院", "孟启航", "院长")],
    "utf16le.txt": [("松溪市第二人民医院", "韩若舟", "党委副书记")],
    "utf16be.txt": [("白沙县中心医院", "罗雨桐", "党支部书记")],
    "gbk.txt": [("东岭市肿瘤医院", "严慕白", "党委书记")],
    "big5_traditional.txt": [("鶴鳴市中醫醫院", "林書遠", "黨委書記")],
    "notes.md": [("鹤鸣市中医医院", "方敬之", "院长")],
    "page.html": [("滨江市第三人民医院", "周明远", "党委书记")],
    "page_gbk.htm": [("青禾县中医医院", "林晓舟", "院长"), ("青禾县中医医院", "陈可心", "党支部书记")],
    "article.pdf": [("南湖市第五人民医院", "贺一鸣", "党委书记"), ("南湖市第五人民医院", "许清和", "院长")],
    "article.docx": [("云岭市儿童医院", "沈一帆", "党委书记")],
}
EXPECTED_ENCODINGS = {
    "utf8.txt": "utf-8",
    "utf8_bom.txt": "utf-8-sig",
    "utf16le.txt": "utf-16-le",
    "utf16be.txt": "utf-16-be",
    "gbk.txt": "gb18030",
    "big5_traditional.txt": "big5",
    "notes.md": "utf-8",
    "page.html": "utf-8",
    "page_gbk.htm": "gb18030",
    "article.pdf": "pdf-text",
    "article.docx": "docx",
}
EXPECTED_SKIPS = {
    "junk/binary.txt": "binary, not text (no codec reads it and it has control bytes)",
    "junk/empty.txt": "empty",
    "junk/encrypted.pdf": "cannot be read (encrypted PDF, password required)",
    "junk/scanned.pdf": "empty (no text layer, scanned?)",
    "junk/too_large.txt": "larger than the size limit (70000 bytes > 65536)",
    "junk/truncated.docx": "damaged file (Word file is not a ZIP archive, truncated?)",
    "junk/truncated.pdf": "damaged file (PDF: ",  # pypdf's own words follow
    "junk/undecodable.txt": "not UTF-8, UTF-16, GB18030 or Big5 text (no codec gives Chinese text)",
    "junk/unreadable.txt": "cannot be read (Permission denied)",
}
# Text that appears only in page chrome (nav, script, style, aside, footer, Word header): never in the graph.
INJECTED = ["青山市第九人民医院", "钱伪造", "赵伪名", "滨江日报网", "版权所有", "页眉"]

HKG = rdflib.Namespace("https://w3id.org/hospital-kg/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
FACTS_QUERY = """
SELECT ?hospital ?leader ?title ?file ?start ?end ?sentence WHERE {
  ?h a hkg:Hospital ; rdfs:label|skos:altLabel ?hospital ; hkg:hasLeader ?l .
  ?l rdfs:label ?leader ; hkg:title ?title .
  ?s rdf:subject ?h ; rdf:predicate hkg:hasLeader ; rdf:object ?l ; prov:wasDerivedFrom ?d ;
     hkg:charStart ?start ; hkg:charEnd ?end ; hkg:evidenceText ?sentence .
  ?d hkg:fileName ?file .
}"""


@pytest.fixture()
def corpus(tmp_path, monkeypatch) -> Path:
    """A copy of the corpus plus the two junk files made at test time (too large, unreadable)."""
    folder = tmp_path / "corpus"
    for part in ("good", "junk"):
        shutil.copytree(CORPUS / part, folder / part)
    (folder / "junk" / "too_large.txt").write_bytes(("医院党建" * 5833).encode("utf-8") + b"xxxx")
    unreadable = folder / "junk" / "unreadable.txt"
    unreadable.write_text("某某医院党委书记某某表示。", "utf-8")
    unreadable.chmod(0)
    if os.geteuid() == 0:  # root reads any file whatever its mode: make opening it fail as it would for a user
        real_open = Path.open

        def refuse(self, *args, **kwargs):
            if self.name == "unreadable.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    yield folder
    unreadable.chmod(0o644)


def _build(corpus: Path, out: Path, *extra: str) -> int:
    return main(["build", str(corpus), "-o", str(out), "--no-cache", "-j", "1", "--max-file-size", SIZE_LIMIT, *extra])


def _skip_lines(stderr: str, corpus: Path) -> dict[str, str]:
    lines = {}
    for line in stderr.strip().splitlines():
        match = re.fullmatch(r"kg build: (.+?): skipped: (.+)", line)
        assert match, f"unexpected stderr line: {line!r}"
        lines[Path(match.group(1)).relative_to(corpus).as_posix()] = match.group(2)
    return lines


def test_corpus_builds_good_files_and_skips_junk_with_one_line_each(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert _build(corpus, out) == 2
    captured = capsys.readouterr()
    skips = _skip_lines(captured.err, corpus)
    assert sorted(skips) == sorted(EXPECTED_SKIPS)
    for name, message in EXPECTED_SKIPS.items():
        assert skips[name].startswith(message), name
    assert f"documents: {len(EXPECTED_FACTS)} read, {len(EXPECTED_SKIPS)} skipped" in captured.out

    graph = rdflib.Graph().parse(out / "graph.ttl")
    found = {(str(r.hospital), str(r.leader), str(r.title), str(r.file)) for r in graph.query(
        FACTS_QUERY, initNs={"hkg": HKG, "prov": PROV, "skos": rdflib.SKOS, "rdfs": rdflib.RDFS, "rdf": rdflib.RDF}
    )}
    for file_name, facts in EXPECTED_FACTS.items():
        for hospital, leader, title in facts:
            assert (hospital, leader, title, file_name) in found, (file_name, hospital, leader)

    encodings = {str(f): str(e) for f, e in graph.query(
        "SELECT ?f ?e WHERE { ?d hkg:fileName ?f ; hkg:encoding ?e }", initNs={"hkg": HKG}
    )}
    assert encodings == EXPECTED_ENCODINGS
    turtle = (out / "graph.ttl").read_text("utf-8")
    assert not [word for word in INJECTED if word in turtle]


def test_corpus_evidence_offsets_point_into_the_extracted_text(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    _build(corpus, out, "--formats", "ttl")
    graph = rdflib.Graph().parse(out / "graph.ttl")
    rows = graph.query(
        FACTS_QUERY, initNs={"hkg": HKG, "prov": PROV, "skos": rdflib.SKOS, "rdfs": rdflib.RDFS, "rdf": rdflib.RDF}
    )
    checked = set()
    for row in rows:
        source = read_source(corpus / "good" / str(row.file))
        span = source.text[int(row.start):int(row.end)]
        assert re.sub(r"\s", "", str(row.sentence)) in re.sub(r"\s", "", span)
        checked.add(str(row.file))
    assert checked == set(EXPECTED_FACTS)


def test_corpus_traditional_and_simplified_forms_are_one_hospital(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    _build(corpus, out, "--formats", "ttl")
    graph = rdflib.Graph().parse(out / "graph.ttl")
    nodes = {h for h in graph.subjects(rdflib.RDF.type, HKG.Hospital)
             if {"鶴鳴市中醫醫院", "鹤鸣市中医医院"} & {str(o) for o in graph.objects(h, rdflib.RDFS.label)}}
    assert len(nodes) == 1
    (node,) = nodes
    labels = {str(o) for o in graph.objects(node, rdflib.RDFS.label)}
    alt = {str(o) for o in graph.objects(node, rdflib.SKOS.altLabel)}
    assert len(labels) == 1 and labels | alt == {"鶴鳴市中醫醫院", "鹤鸣市中医医院"}


def test_corpus_strict_fails_and_writes_nothing(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert _build(corpus, out, "--strict") == 1
    err = capsys.readouterr().err
    assert f"{len(EXPECTED_SKIPS)} input(s) skipped with --strict; nothing written" in err
    assert not out.exists() or not any(out.iterdir())


def test_corpus_good_files_alone_build_cleanly(tmp_path, capsys):
    assert main(["build", str(CORPUS / "good"), "-o", str(tmp_path / "out"), "--no-cache", "--strict", "-q"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value", ["0", "-5", "x", "12Q"])
def test_corpus_max_file_size_rejects_bad_values(value, tmp_path, capsys):
    try:
        code = main(["build", str(CORPUS / "good"), "-o", str(tmp_path / "out"), "--max-file-size", value])
    except SystemExit as exit_:  # argparse's usage error
        code = exit_.code
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert any("--max-file-size" in line for line in err) and "Traceback" not in "\n".join(err)


@pytest.mark.parametrize(("value", "code", "skipped"), [("1G", 0, 0), ("20k", 2, 1), ("60", 1, 11)])
def test_corpus_max_file_size_units(value, code, skipped, tmp_path, capsys):
    # article.docx (37 KB) is the only good file over 20 KB; every good file is over 60 bytes
    args = ["build", str(CORPUS / "good"), "-o", str(tmp_path / "out"), "--no-cache", "-j", "1", "--max-file-size", value]
    assert main(args) == code
    assert capsys.readouterr().err.count("larger than the size limit") == skipped
