"""A private Virtuoso Open Source server for integration tests (loopback only, temporary database).

``start_virtuoso(tmp)`` copies the Debian package's ini template, points its
database files into ``tmp`` and binds both listeners (SQL and HTTP) to
``127.0.0.1`` on free ports; ``stop_virtuoso`` ends it. The package itself is
installed by ``.ci/setup-virtuoso.sh``; ``virtuoso_missing()`` says why the
tests must skip when it is not.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
PACKAGE_DB_DIR = "/var/lib/virtuoso-opensource-7/db"
USER = PASSWORD = "dba"  # a fresh database's administrator


@dataclass
class Virtuoso:
    """A running private server."""

    process: subprocess.Popen
    directory: Path
    sql_port: int
    http_port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def graph_store_url(self) -> str:
        """Graph Store Protocol endpoint that accepts writes (HTTP digest auth)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def sparql_url(self) -> str:
        return f"{self.base_url}/sparql"

    def log(self) -> str:
        path = self.directory / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else ""


def virtuoso_missing() -> str | None:
    """Why no private server can run here (None when it can)."""
    if shutil.which("virtuoso-t") is None:
        return "virtuoso-t not installed (run .ci/setup-virtuoso.sh: Debian package virtuoso-opensource)"
    if not TEMPLATE.is_file():
        return f"Virtuoso ini template missing: {TEMPLATE}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_ini(directory: Path, sql_port: int, http_port: int) -> Path:
    """Write ``directory/virtuoso.ini``: the template with private paths and loopback ports."""
    section = ""
    out = []
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*\[(.+)\]", line)
        if m:
            section = m[1]
        line = line.replace(PACKAGE_DB_DIR, str(directory))
        if re.match(r"\s*ServerPort\s*=", line):
            port = sql_port if section == "Parameters" else http_port if section == "HTTPServer" else None
            if port is not None:
                line = f"ServerPort = 127.0.0.1:{port}"
        if re.match(r"\s*DirsAllowed\s*=", line):
            line = f"{line.split(';')[0].rstrip()}, {directory}"
        out.append(line)
    ini = directory / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n", encoding="utf-8")
    return ini


def _ready(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_virtuoso(directory: Path, timeout: float = 60.0, attempts: int = 3) -> Virtuoso:
    """Start a private server in ``directory`` and wait until its SPARQL endpoint answers.

    Args:
        directory: an empty temporary folder for the database, ini and log.
        timeout: seconds to wait for the endpoint per attempt.
        attempts: tries with fresh ports (the server exits 255 when a port is taken).

    Returns:
        The running server.

    Raises:
        RuntimeError: when it does not come up (with the end of its log).
    """
    last = ""
    for _ in range(attempts):
        sql_port, http_port = free_port(), free_port()
        if sql_port == http_port:
            continue
        ini = make_ini(directory, sql_port, http_port)
        out = open(directory / "stdout.log", "ab")
        proc = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=directory, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        server = Virtuoso(proc, directory, sql_port, http_port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if _ready(server.sparql_url):
                return server
            time.sleep(0.3)
        last = server.log()
        stop_virtuoso(server)
    raise RuntimeError(f"Virtuoso did not start: {last}")


def stop_virtuoso(server: Virtuoso) -> None:
    """Stop the server (SIGTERM, then SIGKILL after 20 s)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
