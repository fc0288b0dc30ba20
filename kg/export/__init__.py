"""Exporter table: format name -> "module:function", imported lazily (rdflib's plugin table, no entry points).

Every exporter has the signature ``write(graph: KnowledgeGraph, out_dir: Path) -> list[Path]``,
reads only the graph model (never re-extracts) and writes with ``kg.atomic``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

EXPORTERS: dict[str, str] = {
    "ttl": "kg.export.turtle:write",
    "html": "kg.export.html:write",
    "nt": "kg.export.rdf_formats:write_ntriples",
    "trig": "kg.export.rdf_formats:write_trig",
    "nq": "kg.export.rdf_formats:write_nquads",
    "jsonld": "kg.export.rdf_formats:write_jsonld",
    "store": "kg.export.store:write",
    "neo4j": "kg.export.neo4j:write_csv",
    "cypher": "kg.export.neo4j:write_cypher",
    "graphml": "kg.export.graphml:write",
}

#: what ``kg build`` writes when ``--formats`` is not given. The query store is an index of
#: graph.ttl that ``kg query`` builds on first use (it cost a fifth of a build's CPU, and a
#: build that is never queried does not need it); ``--formats ttl,html,store`` builds it now.
DEFAULT_FORMATS: tuple[str, ...] = ("ttl", "html")


def get_exporter(name: str) -> Callable[..., list[Path]]:
    """Return the exporter function for a format name (KeyError if unknown)."""
    module_name, func_name = EXPORTERS[name].split(":")
    return getattr(importlib.import_module(module_name), func_name)
