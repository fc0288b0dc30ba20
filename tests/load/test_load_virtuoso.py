"""``kg load``: unit tests against a scripted loopback server, and integration tests against a real Virtuoso.

The Virtuoso tests start a private server (``tests/load/virtuoso.py``: temp
database, loopback ports), load a build with ``kg load`` through the Graph
Store endpoint with digest auth, then run every named query through
Virtuoso's SPARQL endpoint and through the embedded store: same rows. They
skip with the reason when ``virtuoso-t`` is not installed
(``.ci/setup-virtuoso.sh`` installs it).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.export import store, turtle
from kg.load import Client, LoadError, default_query_endpoint, load, ntriples
from kg.query import named_queries, open_graph
from kg.query import run as run_query

import kg_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)
from load import virtuoso as vt

HERE = Path(__file__).resolve().parent


GRAPH = "https://w3id.org/hospital-kg/graph/test"
#: columns built with GROUP_CONCAT, whose order SPARQL leaves open.
CONCAT_COLUMNS = {"titles", "names"}


def make_build(path: Path, graph=None) -> Path:
    graph = graph or fx.small_graph()
    turtle.write(graph, path)
    store.write(graph, path)
    return path


# -- unit tests: a scripted loopback Graph Store -----------------------------

class _Scripted(BaseHTTPRequestHandler):
    """Answers from ``server.script`` (a list of statuses), records requests, counts stored lines."""

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _reply(self, status: int, body: bytes = b"", ctype: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # the SPARQL count query
        n = len(self.server.stored)
        body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": str(n)}}]}})
        self._reply(200, body.encode(), "application/sparql-results+json")

    def _write(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append((self.command, self.path, self.headers.get("Authorization", ""), data))
        status = self.server.script.pop(0) if self.server.script else 201
        if status < 300:
            if self.command == "PUT":
                self.server.stored.clear()
            self.server.stored.update(line for line in data.split(b"\n") if line)
        self._reply(status, b"busy" if status >= 500 else b"")

    do_POST = do_PUT = _write


@pytest.fixture
def scripted_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    server.script, server.requests, server.stored = [], [], set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _endpoint(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/ds/data"


def test_load_batches_and_count_check(tmp_path, scripted_server):
    build = make_build(tmp_path)
    report = load(build, _endpoint(scripted_server), GRAPH, batch_size=40, client=Client())
    sent = len(ntriples(build / "graph.ttl"))
    assert report.sent == sent == report.in_store and report.ok
    assert report.batches == -(-sent // 40) == len(scripted_server.requests)
    assert all(r[0] == "POST" and "graph=" in r[1] for r in scripted_server.requests)
    assert report.query_endpoint.endswith("/ds/sparql")


def test_load_retries_transient_errors_with_backoff(tmp_path, scripted_server):
    scripted_server.script = [503, 502]
    waits = []
    report = load(make_build(tmp_path), _endpoint(scripted_server), GRAPH, client=Client(sleep=waits.append))
    assert report.ok and report.retries == 2 and waits == [0.5, 1.0]


def test_load_gives_up_on_client_errors(tmp_path, scripted_server):
    scripted_server.script = [400]
    with pytest.raises(LoadError, match="HTTP 400"):
        load(make_build(tmp_path), _endpoint(scripted_server), GRAPH, client=Client(sleep=lambda s: None))


@pytest.mark.parametrize("graph", ["graph", "urn:a b", "http://x/a>b", ""])
def test_load_refuses_a_graph_name_that_is_not_an_absolute_iri(tmp_path, scripted_server, graph):
    with pytest.raises(LoadError, match="not an absolute IRI"):
        load(make_build(tmp_path), _endpoint(scripted_server), graph, replace=True, client=Client())
    assert scripted_server.requests == []


def test_load_replace_puts_first_batch(tmp_path, scripted_server):
    scripted_server.stored.update({b"<x:a> <x:b> <x:c> ."})
    report = load(make_build(tmp_path), _endpoint(scripted_server), GRAPH, replace=True, batch_size=100,
                  client=Client())
    methods = [r[0] for r in scripted_server.requests]
    assert methods[0] == "PUT" and set(methods[1:]) == {"POST"}
    assert report.in_store == report.sent


def test_load_credentials_only_from_environment(tmp_path, scripted_server, monkeypatch, capsys):
    monkeypatch.delenv("KG_LOAD_USER", raising=False)
    code = main(["load", str(make_build(tmp_path)), "--endpoint", _endpoint(scripted_server), "--graph", GRAPH])
    assert code == 0
    assert all(r[2] == "" for r in scripted_server.requests)  # no challenge, no credentials sent
    with pytest.raises(SystemExit):
        main(["load", str(tmp_path), "--endpoint", _endpoint(scripted_server), "--password", "x"])


def test_load_default_query_endpoint():
    assert default_query_endpoint("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert default_query_endpoint("http://h:3030/ds/data") == "http://h:3030/ds/sparql"


# -- integration: a real Virtuoso -------------------------------------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    reason = vt.virtuoso_missing()
    if reason:
        pytest.skip(reason)
    server = vt.start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    vt.stop_virtuoso(server)


@pytest.fixture
def dba(monkeypatch):
    monkeypatch.setenv("KG_LOAD_USER", vt.USER)
    monkeypatch.setenv("KG_LOAD_PASSWORD", vt.PASSWORD)


def virtuoso_select(server, query: str, graph: str) -> tuple[list[str], list[dict]]:
    """Run a query through Virtuoso's SPARQL endpoint (GET), over one graph as the default graph."""
    params = urllib.parse.urlencode({"query": query, "default-graph-uri": graph})
    req = urllib.request.Request(f"{server.sparql_url}?{params}",
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.loads(resp.read())  # \uXXXX escapes decode here
    return data["head"]["vars"], data["results"]["bindings"]


def normalize(column: str, value: str | None) -> object:
    """Lexical values compared sensibly: numbers by value, GROUP_CONCAT lists as sets."""
    if value is None:
        return None
    if column in CONCAT_COLUMNS:
        return tuple(sorted(value.split(" | ")))
    try:
        return ("num", Decimal(value).normalize())
    except InvalidOperation:
        return value


def embedded_rows(build: Path, query: str) -> tuple[list[str], set]:
    result = run_query(open_graph(build), query)
    names = [v.value for v in result.variables]
    rows = {tuple(normalize(n, None if s[n] is None else s[n].value) for n in names) for s in result}
    return names, rows


def test_load_virtuoso_named_queries_same_rows(tmp_path, virtuoso, dba):
    build = make_build(tmp_path)
    assert main(["load", str(build), "--endpoint", virtuoso.graph_store_url, "--graph", GRAPH, "--replace"]) == 0
    for name, named in named_queries().items():
        names, expected = embedded_rows(build, named.text)
        vars_, bindings = virtuoso_select(virtuoso, named.text, GRAPH)
        assert vars_ == names, name
        got = {tuple(normalize(n, b.get(n, {}).get("value")) for n in names) for b in bindings}
        assert got == expected, name
        assert expected, f"{name}: the fixture should give rows"


def test_load_virtuoso_idempotent_and_replace(tmp_path, virtuoso, dba, capsys):
    small = make_build(tmp_path / "small")
    other = make_build(tmp_path / "other", fx.nasty_graph(["另一家医院", "quote \" and \\ backslash"]))
    graph = GRAPH + "/idempotent"
    args = ["--endpoint", virtuoso.graph_store_url, "--graph", graph]
    assert main(["load", str(small), *args, "--batch-size", "37"]) == 0
    assert main(["load", str(small), *args]) == 0  # again: nothing added
    sent = len(ntriples(small / "graph.ttl"))
    out = capsys.readouterr().out
    assert out.count(f"count check: {sent} triples") == 2
    assert main(["load", str(other), *args, "--replace", "--batch-size", "10"]) == 0
    out = capsys.readouterr().out
    assert f"count check: {len(ntriples(other / 'graph.ttl'))} triples" in out
    # What Virtuoso holds now reads back equal to the other build's Turtle.
    vars_, rows = virtuoso_select(virtuoso, "SELECT ?l WHERE { ?h a <https://w3id.org/hospital-kg/ontology#Hospital>;"
                                  " <http://www.w3.org/2000/01/rdf-schema#label> ?l }", graph)
    assert {r["l"]["value"] for r in rows} == {"另一家医院#0", 'quote " and \\ backslash#1'}


def test_load_virtuoso_needs_credentials(tmp_path, virtuoso, monkeypatch, capsys):
    monkeypatch.delenv("KG_LOAD_USER", raising=False)
    monkeypatch.delenv("KG_LOAD_PASSWORD", raising=False)
    code = main(["load", str(make_build(tmp_path)), "--endpoint", virtuoso.graph_store_url, "--graph", GRAPH])
    assert code == 1
    err = capsys.readouterr().err
    assert "HTTP 401" in err and "KG_LOAD_USER" in err and "Traceback" not in err


def test_load_virtuoso_matches_embedded_store_on_counts(tmp_path, virtuoso, dba):
    build = make_build(tmp_path)
    graph = GRAPH + "/counts"
    report = load(build, virtuoso.graph_store_url, graph, replace=True)
    st = ox.Store.read_only(str(build / "store"))
    assert report.ok and report.in_store == len(st) == report.sent
