"""Per-document extraction cache, so a rebuild only re-extracts changed files.

Entries are keyed by the file's content hash and the extractor version (a
hash of every source and resource file that can change extraction), so
editing a lexicon or a rule invalidates the cache by itself. The cache lives
outside the output folder (default ``$XDG_CACHE_HOME/hospital-kg``) so exports
hold only exports. Entries are pickles written atomically; a damaged entry is
ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kg import __version__
from kg.atomic import write_bytes
from kg.records import DocumentFacts, DocumentInfo, SourceText

_PACKAGE = Path(__file__).resolve().parent
# Everything extraction depends on; exporters and the CLI are left out on purpose.
_EXTRACTION_PARTS = ("extract", "readers", "resources/lexicons", "resources/patterns")
# Libraries whose upgrade can change decoded text or extraction results.
_EXTRACTION_LIBRARIES = ("jieba", "opencc", "charset-normalizer", "trafilatura", "pypdf", "python-docx")
_EXTRACTION_MODULES = ("normalize.py", "segment.py", "chinese.py", "lexicon.py", "records.py", "ingest.py", "vocab.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Hash of the package version and every file that can change extraction results."""
    files = [_PACKAGE / name for name in _EXTRACTION_MODULES]
    for part in _EXTRACTION_PARTS:
        folder = _PACKAGE / part
        if folder.is_dir():
            files.extend(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return code_digest(_EXTRACTION_LIBRARIES, files, _PACKAGE)


def code_digest(libraries: Iterable[str], files: Iterable[Path], root: Path, missing: str = "-") -> str:
    """16 hex digits of SHA-256 over kg's version, the libraries' installed versions and the files.

    Args:
        libraries: distribution names (a missing one counts as version ``missing``).
        files: files to hash, by path relative to ``root`` and content (missing files are left out).
        root: what file names are relative to.
        missing: the version recorded for a library that is not installed.
    """
    digest = hashlib.sha256(__version__.encode())
    for name in libraries:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}={missing}".encode())
    for path in sorted(files):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/hospital-kg``, else ``~/.cache/hospital-kg``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hospital-kg"


class FactsCache:
    """Extraction results on disk, one pickle per (content hash, extractor version)."""

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self.folder = Path(folder) if folder else default_cache_dir()
        self.version = extractor_version()
        self.hits = 0
        self.misses = 0

    def _path(self, source: SourceText) -> Path:
        return self.folder / self.version / source.sha256[:2] / f"{source.sha256}.pickle"

    def get(self, source: SourceText) -> DocumentFacts | None:
        """Cached facts of ``source`` (with its current name and path), or None."""
        try:
            facts = pickle.loads(self._path(source).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            self.misses += 1
            return None
        if not isinstance(facts, DocumentFacts):
            self.misses += 1
            return None
        self.hits += 1
        # same content under another name: the facts hold, the document record follows the file
        return replace(facts, doc=_document_info(source, facts.doc))

    def put(self, source: SourceText, facts: DocumentFacts) -> None:
        try:
            write_bytes(self._path(source), pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written only costs speed


def _document_info(source: SourceText, cached: DocumentInfo) -> DocumentInfo:
    return replace(cached, file_name=source.file_name, path=source.path, encoding=source.encoding)
