"""The build manifest: ``out_dir/.kg-build.json``, so an unchanged rebuild does nothing.

A build records what it was made from (every input file's path and SHA-256,
the code that made it, the formats and options) and what it wrote (each
output file's size and modification time). The next build with the cache on
hashes its inputs first; when everything matches and no output was touched
since, it reports the recorded result instead of extracting, resolving and
exporting again. Any difference (one byte of one input, a new file, another
kg version, an edited or deleted output) means a normal build.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from kg.atomic import write_text
from kg.cache import code_digest
from kg.records import Skipped, SkipReason

FILE_NAME = ".kg-build.json"
#: bumped when the manifest's layout or meaning changes
VERSION = 1
_PACKAGE = Path(__file__).resolve().parent
# Libraries whose upgrade can change any output (extraction's own are in kg.cache).
_LIBRARIES = ("jieba", "opencc", "charset-normalizer", "trafilatura", "pypdf", "python-docx", "pyoxigraph", "rdflib")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of kg's version, every file of the package and the libraries that shape outputs."""
    files = [p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return code_digest(_LIBRARIES, files, _PACKAGE, missing="none")


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _content_sha256(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None  # unreadable: the build reports it; the manifest only needs to notice a change


def fingerprint(entries: Sequence[Path | Skipped]) -> list[list]:
    """``[path, sha256]`` per input file (``[path, reason]`` for entries reported without reading)."""
    return [
        [entry.path, entry.reason.name] if isinstance(entry, Skipped) else [entry.as_posix(), _content_sha256(entry)]
        for entry in entries
    ]


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


@dataclass
class Manifest:
    """What a build was made from, what it reported and what it wrote."""

    code: str
    formats: list[str]
    options: dict
    inputs: list[list]
    documents: int
    skipped: list[list] = field(default_factory=list)  # [path, reason name, detail]
    counts: dict = field(default_factory=dict)  # the summary's numbers (kg.pipeline.GraphCounts)
    outputs: dict[str, list[int] | None] = field(default_factory=dict)  # file -> [size, mtime_ns]; folder -> None

    def skipped_items(self) -> list[Skipped]:
        """The skipped inputs as the build reported them."""
        return [Skipped(path, SkipReason[reason], detail) for path, reason, detail in self.skipped]

    def same_build(self, other: Manifest) -> bool:
        """Whether ``other`` describes a build of the same inputs by the same code and settings."""
        return (self.code, self.formats, self.options, self.inputs) == (
            other.code, other.formats, other.options, other.inputs)

    def outputs_intact(self, out: Path) -> bool:
        """Whether every recorded output is still there, untouched (files: same size and mtime)."""
        try:
            return all(
                (out / rel).is_dir() if stamp is None else _stamp(out / rel) == stamp
                for rel, stamp in self.outputs.items()
            )
        except OSError:
            return False

    def record_outputs(self, out: Path, paths: Sequence[Path]) -> None:
        """Stamp the written files; folders (the store, whose engine may touch its own files) by presence."""
        outputs: dict[str, list[int] | None] = {}
        for path in paths:
            rel = Path(path).relative_to(out).as_posix()
            outputs[rel] = None if Path(path).is_dir() else _stamp(Path(path))
        self.outputs = dict(sorted(outputs.items()))


def read(out: Path) -> Manifest | None:
    """The manifest of the build in ``out``, or None (missing, damaged or of another layout)."""
    try:
        data = json.loads((out / FILE_NAME).read_text(encoding="utf-8"))
        if data.pop("version") != VERSION:
            return None
        return Manifest(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write(out: Path, manifest: Manifest) -> Path:
    """Write the manifest atomically; returns its path."""
    data = {"version": VERSION, **manifest.__dict__}
    return write_text(out / FILE_NAME, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def remove(out: Path) -> None:
    """Forget the previous build (its outputs are about to change)."""
    try:
        (out / FILE_NAME).unlink()
    except FileNotFoundError:
        pass
