"""The only place IRIs are minted: from an entity key or a document id.

IRIs are ASCII (a hash of the canonical parts), stable across builds and
independent of input order; Chinese text lives only in labels.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from rdflib import URIRef

from kg.records import EntityKey, Evidence
from kg.vocab import ID, Predicate


# one encoder for every IRI (json.dumps with options builds a new one per call): same text as
# json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _digest(*parts: str) -> str:
    return hashlib.sha256(_encode(parts).encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=None)  # exporters ask for the same node's IRI once per triple it is in
def entity_iri(key: EntityKey) -> URIRef:
    """IRI of an entity: ``id/<class>/<hash of canonical parts>``."""
    return ID[f"{key.type.value.lower()}/{_digest(key.type.value, *key.parts)}"]


def document_iri(doc_id: str) -> URIRef:
    """IRI of a source document (``doc_id`` is already a content hash)."""
    return ID[f"document/{doc_id}"]


def statement_iri(predicate: Predicate, subject: EntityKey, obj: EntityKey, evidence: Evidence) -> URIRef:
    """IRI of the rdf:Statement that records one supporting sentence."""
    digest = _digest(
        predicate.value,
        str(entity_iri(subject)),
        str(entity_iri(obj)),
        evidence.doc_id,
        str(evidence.char_start),
        str(evidence.char_end),
    )
    return ID[f"evidence/{digest}"]
