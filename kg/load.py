"""Send a build to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

The build's triples (``graph.ttl``, or any RDF file of it) go as sorted
N-Triples in batches: ``POST`` appends a batch to the named graph; with
``replace`` the first batch is a ``PUT``, which swaps the graph's content.
RDF graphs are sets, so re-sending a batch (a retry, or running the whole load
again) adds nothing: loads are idempotent. Afterwards the triples of the graph
are counted through the store's SPARQL endpoint and compared with what was
sent.

Only the standard library talks HTTP (urllib): basic and digest auth come
from ``KG_LOAD_USER`` / ``KG_LOAD_PASSWORD`` (never the command line, where
``ps`` would show them), transient failures (5xx, connection reset or
refused, time-outs) are retried with exponential backoff.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

DEFAULT_GRAPH = "https://w3id.org/hospital-kg/graph"
DEFAULT_BATCH = 10_000
ENV_USER = "KG_LOAD_USER"
ENV_PASSWORD = "KG_LOAD_PASSWORD"
NT_TYPE = "application/n-triples; charset=utf-8"
_RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD,
}
#: an absolute IRI (scheme first) without the characters an IRI reference cannot hold.
RE_GRAPH_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]+\Z')
_TRANSIENT_ERRORS = (ConnectionError, TimeoutError, http.client.RemoteDisconnected, http.client.IncompleteRead)


class LoadError(Exception):
    """A failure to report in one line (HTTP status, auth, count mismatch)."""


@dataclass
class LoadReport:
    """What a load did."""

    graph: str
    endpoint: str
    query_endpoint: str
    sent: int  # distinct triples sent
    batches: int
    in_store: int | None  # triples counted in the graph afterwards
    before: int | None  # triples in the graph before (None with replace)
    seconds: float
    replaced: bool
    retries: int = 0

    @property
    def ok(self) -> bool:
        """The store holds exactly what was sent (or more, only when earlier loads left triples)."""
        if self.in_store is None:
            return False
        if self.in_store == self.sent:
            return True
        return not self.replaced and bool(self.before) and self.in_store > self.sent


def build_file(build: str | Path) -> Path:
    """The RDF file of a build: ``graph.ttl`` in a folder, or the file given."""
    p = Path(build)
    if p.is_dir():
        p = p / "graph.ttl"
    if not p.is_file():
        raise LoadError(f"{p}: no such file (run `kg build` first)")
    if p.suffix.lower() not in _RDF_FORMATS:
        raise LoadError(f"{p}: not an RDF file (expected one of {', '.join(_RDF_FORMATS)})")
    return p


def ntriples(path: Path) -> list[bytes]:
    """The distinct triples of an RDF file as sorted N-Triples lines (named graphs merged).

    Args:
        path: the RDF file (format from its extension).

    Returns:
        One line per triple, without the newline.
    """
    try:
        quads = ox.parse(path=str(path), format=_RDF_FORMATS[path.suffix.lower()])
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    except SyntaxError as exc:
        raise LoadError(f"{path}: cannot parse: {exc}") from None
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        # A blank node split across two requests would become two nodes in the store.
        raise LoadError(f"{path}: has blank nodes, which cannot be sent in batches")
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    # Canonical N-Triples escapes line breaks inside literals: one triple per line.
    return sorted(line for line in data.split(b"\n") if line.strip())


def batches(lines: list[bytes], size: int) -> Iterator[list[bytes]]:
    """Consecutive chunks of at most ``size`` lines."""
    for start in range(0, len(lines), size):
        yield lines[start:start + size]


def default_query_endpoint(endpoint: str) -> str:
    """Guess the SPARQL query endpoint beside a Graph Store endpoint.

    ``/sparql-graph-crud-auth`` (Virtuoso) -> ``/sparql``; ``/ds/data``
    (Fuseki) -> ``/ds/sparql``; otherwise the last path segment becomes
    ``sparql``.
    """
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if "sparql-graph-crud" in path:
        path = path[: path.index("sparql-graph-crud")] + "sparql"
    else:
        path = path.rsplit("/", 1)[0] + "/sparql"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store URL of one named graph (indirect identification, ``?graph=IRI``)."""
    sep = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{sep}{urllib.parse.urlencode({'graph': graph})}"


class Client:
    """HTTP with optional basic/digest auth and retries on transient errors.

    Args:
        user: user name, or None for no auth.
        password: the password.
        attempts: tries per request.
        backoff: first wait in seconds, doubled after each failure.
        sleep: the wait function (tests pass a fake).
        timeout: socket time-out per request, in seconds.
    """

    def __init__(self, user: str | None = None, password: str | None = None, attempts: int = 5,
                 backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep, timeout: float = 120) -> None:
        # Credentials are registered per host as requests go out (see _register);
        # the server's challenge picks basic or digest.
        self._mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        handlers = []
        if user:
            handlers = [urllib.request.HTTPDigestAuthHandler(self._mgr), urllib.request.HTTPBasicAuthHandler(self._mgr)]
        self._user, self._password = user, password or ""
        self._opener = urllib.request.build_opener(*handlers)
        self.attempts, self.backoff, self.sleep, self.timeout = attempts, backoff, sleep, timeout
        self.retries = 0

    @classmethod
    def from_env(cls, **kwargs) -> Client:
        """A client with credentials from ``KG_LOAD_USER`` / ``KG_LOAD_PASSWORD`` (if set)."""
        return cls(os.environ.get(ENV_USER) or None, os.environ.get(ENV_PASSWORD), **kwargs)

    def _register(self, url: str) -> None:
        if self._user:
            parts = urllib.parse.urlsplit(url)
            self._mgr.add_password(None, f"{parts.scheme}://{parts.netloc}/", self._user, self._password)

    def request(self, method: str, url: str, data: bytes | None = None, headers: dict | None = None,
                ok_statuses: tuple[int, ...] = ()) -> tuple[int, bytes]:
        """Send one request, retrying transient failures.

        Args:
            method: HTTP method.
            url: full URL.
            data: body.
            headers: extra headers.
            ok_statuses: error statuses to return instead of raising (e.g. 404 on DELETE).

        Returns:
            ``(status, body)``.

        Raises:
            LoadError: on a non-transient HTTP error, or when retries run out.
        """
        self._register(url)
        wait = self.backoff
        for attempt in range(1, self.attempts + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
            try:
                with self._opener.open(req, timeout=self.timeout) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
                if exc.code in ok_statuses:
                    return exc.code, body
                if exc.code < 500 or attempt == self.attempts:
                    raise LoadError(_http_message(method, url, exc.code, body)) from None
                problem = f"HTTP {exc.code}"
            except urllib.error.URLError as exc:
                # A refused connection is a wrong URL or a server that is down: not worth waiting for.
                transient = isinstance(exc.reason, _TRANSIENT_ERRORS) and not isinstance(exc.reason, ConnectionRefusedError)
                if not transient or attempt == self.attempts:
                    raise LoadError(f"{method} {_short(url)}: {exc.reason}") from None
                problem = str(exc.reason)
            except _TRANSIENT_ERRORS as exc:
                if attempt == self.attempts:
                    raise LoadError(f"{method} {_short(url)}: {exc or type(exc).__name__}") from None
                problem = type(exc).__name__
            self.retries += 1
            self.sleep(wait)
            wait *= 2
        raise LoadError(f"{method} {_short(url)}: failed after {self.attempts} attempts ({problem})")


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "..."


def _http_message(method: str, url: str, status: int, body: bytes) -> str:
    hint = {
        401: f"authentication failed: set {ENV_USER} and {ENV_PASSWORD}",
        403: "forbidden: this endpoint refuses writes for this user (Virtuoso: use /sparql-graph-crud-auth)",
    }.get(status)
    first = body.decode("utf-8", "replace").strip().splitlines()[:1]
    detail = hint or (first[0][:200] if first else "")
    return f"{method} {_short(url)}: HTTP {status}" + (f": {detail}" if detail else "")


def count_triples(client: Client, query_endpoint: str, graph: str) -> int:
    """Count the triples of a named graph through a SPARQL endpoint (GET; form POST hangs on some servers)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = f"{query_endpoint}?{urllib.parse.urlencode({'query': query})}"
    _, body = client.request("GET", url, headers={"Accept": "application/sparql-results+json"})
    try:
        bindings = json.loads(body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError):
        raise LoadError(f"{query_endpoint}: unexpected count result: {body[:200]!r}") from None


def load(build: str | Path, endpoint: str, graph: str = DEFAULT_GRAPH, replace: bool = False,
         query_endpoint: str | None = None, batch_size: int = DEFAULT_BATCH, client: Client | None = None,
         progress: Callable[[int], None] | None = None, lines: list[bytes] | None = None) -> LoadReport:
    """Send a build's triples to a Graph Store endpoint and count them afterwards.

    Args:
        build: build folder (its ``graph.ttl``) or an RDF file.
        endpoint: Graph Store Protocol URL (e.g. ``http://host:8890/sparql-graph-crud-auth``).
        graph: named graph IRI to load into.
        replace: swap the graph's content (first batch PUT) instead of adding to it.
        query_endpoint: SPARQL endpoint for the count (default: ``default_query_endpoint``).
        batch_size: triples per request.
        client: HTTP client (default: credentials from the environment).
        progress: called with the number of triples after each batch.
        lines: the N-Triples lines if already read (``ntriples``), to parse only once.

    Returns:
        The report; ``report.ok`` tells whether the count check passed.

    Raises:
        LoadError: a graph name that is not an absolute IRI, an unreadable
            build, an HTTP failure or an unexpected count answer.
    """
    if not RE_GRAPH_IRI.match(graph):
        # It goes into the count query as <graph>: a relative or malformed IRI
        # would fail there only after the triples were sent.
        raise LoadError(f"--graph {graph!r}: not an absolute IRI")
    client = client or Client.from_env()
    query_endpoint = query_endpoint or default_query_endpoint(endpoint)
    lines = ntriples(build_file(build)) if lines is None else lines
    start = time.perf_counter()
    before = None if replace else count_triples(client, query_endpoint, graph)
    url = graph_url(endpoint, graph)
    sent_batches = 0
    if replace and not lines:
        client.request("DELETE", url, ok_statuses=(404,))
    for chunk in batches(lines, batch_size):
        method = "PUT" if replace and sent_batches == 0 else "POST"
        client.request(method, url, data=b"\n".join(chunk) + b"\n", headers={"Content-Type": NT_TYPE})
        sent_batches += 1
        if progress:
            progress(len(chunk))
    in_store = count_triples(client, query_endpoint, graph)
    return LoadReport(graph, endpoint, query_endpoint, len(lines), sent_batches, in_store, before,
                      time.perf_counter() - start, replace, client.retries)
