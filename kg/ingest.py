"""Find input files, read and decode them: ``SourceText`` or ``Skipped``.

Readers are looked up by file suffix in ``READERS`` (rdflib-style table, no
registry); each lives in its own module under ``kg.readers`` and turns raw
bytes into ``(text, encoding)`` or raises ``ReadError``:

| suffix            | reader                         | ``SourceText.encoding``          |
|-------------------|--------------------------------|----------------------------------|
| ``.txt``, ``.md`` | ``kg.readers.text`` (decoding) | codec: "utf-8", "gb18030", "big5", "utf-16-le", ... |
| ``.html``, ``.htm`` | ``kg.readers.html`` (main text) | codec of the page's bytes     |
| ``.pdf``          | ``kg.readers.pdf`` (text layer) | "pdf-text"                      |
| ``.docx``         | ``kg.readers.docx`` (body text) | "docx"                          |

For every format ``SourceText.text`` is the text evidence offsets point into:
the decoded file for plain text, the extracted text for HTML, PDF and DOCX.

This module does the walking, size limit, I/O errors, hashing and the checks
every text must pass (not empty, not binary); a reader that fails for any
unexpected reason makes the file BROKEN, never the build.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.readers import Reader, ReadError
from kg.readers.docx import read_docx
from kg.readers.html import read_html
from kg.readers.pdf import read_pdf
from kg.readers.text import decode_text, read_plain_text
from kg.records import SkipReason, SourceText, Skipped

__all__ = ["DEFAULT_MAX_BYTES", "READERS", "ReadError", "decode_text", "iter_sources", "read_source"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # 20 MB: far above any news article, below memory trouble

RE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Lone UTF-16 surrogates: no output format can carry them (the Turtle writer
# refuses them, UTF-8 cannot encode them). pypdf can produce them from a
# damaged ToUnicode map (it decodes with "surrogatepass").
RE_SURROGATE = re.compile("[\ud800-\udfff]")

_MAX_CONTROL_SHARE = 0.01  # text files have next to no control characters besides \t\n\r\f
_SAMPLE_CHARS = 20_000  # enough characters to judge a text, cheap on large files


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".md": read_plain_text,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}


# Article formats users have but no reader handles: reported even inside folders (with what to do
# instead), while images, spreadsheets and other files in a folder are passed over without a word.
UNREADABLE_ARTICLES: dict[str, str] = {
    ".doc": "old Word format: save it as .docx",
    ".wps": "WPS format: save it as .docx",
    ".rtf": "RTF: save it as .docx",
    ".odt": "OpenDocument: save it as .docx",
    ".mht": "web archive: save the page as .html",
    ".mhtml": "web archive: save the page as .html",
}


def _unsupported(path: Path) -> Skipped:
    suffix = path.suffix.lower()
    return Skipped(path.as_posix(), SkipReason.UNSUPPORTED, UNREADABLE_ARTICLES.get(suffix, path.suffix or "no suffix"))


def _check_text(text: str) -> None:
    """Reject decoded text that is empty or not text at all."""
    if not text.strip():
        raise ReadError(SkipReason.EMPTY, "only whitespace" if text else "")
    if "\x00" in text:
        raise ReadError(SkipReason.BINARY, "contains NUL characters")
    controls = len(RE_CONTROL.findall(text[:_SAMPLE_CHARS]))
    if controls > _MAX_CONTROL_SHARE * min(len(text), _SAMPLE_CHARS):
        raise ReadError(SkipReason.BINARY, f"{controls} control characters")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: Path, excluded: frozenset[Path] = frozenset()) -> Iterator[Path | Skipped]:
    """Files with a reader under ``folder``, hidden names skipped; unreadable folders and unreadable article formats reported.

    Sub-folders whose resolved path is in ``excluded`` are passed over without a word.
    """
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not _is_hidden(d) and (not excluded or Path(root, d).resolve() not in excluded)]
        for name in files:
            if _is_hidden(name):
                continue
            suffix = Path(name).suffix.lower()
            if suffix in READERS:
                yield Path(root, name)
            elif suffix in UNREADABLE_ARTICLES:
                yield _unsupported(Path(root, name))
    for error in errors:
        yield Skipped(Path(error.filename or folder).as_posix(), SkipReason.UNREADABLE, error.strerror or "")


def _collect(inputs: Sequence[str | Path], excluded: frozenset[Path] = frozenset()) -> list[Path | Skipped]:
    """Expand folders (passing over ``excluded`` sub-folders); report missing paths and explicit files of unknown type."""
    found: list[Path | Skipped] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(_walk(path, excluded))
        elif not path.exists() and not path.is_symlink():
            found.append(Skipped(path.as_posix(), SkipReason.NOT_FOUND))
        elif path.suffix.lower() not in READERS:
            found.append(_unsupported(path))
        else:
            found.append(path)
    return found


def _sort_key(entry: Path | Skipped) -> str:
    return entry.path if isinstance(entry, Skipped) else entry.as_posix()


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText | Skipped:
    """Read and decode one file; never raises for a bad file.

    Args:
        path: a file whose suffix is in ``READERS``.
        max_bytes: files larger than this are skipped as TOO_LARGE.

    Returns:
        The decoded ``SourceText``, or ``Skipped`` with a reason and a short detail.
    """
    where = path.as_posix()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Skipped(where, SkipReason.UNREADABLE, "not a regular file")
        if info.st_size > max_bytes:
            return Skipped(where, SkipReason.TOO_LARGE, f"{info.st_size} bytes > {max_bytes}")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # the file may have grown since stat
    except FileNotFoundError:
        return Skipped(where, SkipReason.NOT_FOUND)
    except OSError as error:
        return Skipped(where, SkipReason.UNREADABLE, error.strerror or type(error).__name__)
    if len(raw) > max_bytes:
        return Skipped(where, SkipReason.TOO_LARGE, f"more than {max_bytes} bytes")
    if not raw:
        return Skipped(where, SkipReason.EMPTY)
    reader = READERS[path.suffix.lower()]
    try:
        text, encoding = reader(raw)
        # One character for one, so offsets into the text stay what they were.
        text = RE_SURROGATE.sub("\ufffd", text)
        _check_text(text)
    except ReadError as error:
        return Skipped(where, error.reason, error.detail)
    except Exception as error:  # noqa: BLE001 - a library bug on one odd file must not stop the build
        return Skipped(where, SkipReason.BROKEN, f"reader failed: {type(error).__name__}: {error}")
    return SourceText(
        path=where,
        file_name=path.name,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def iter_sources(
    inputs: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, exclude: Sequence[str | Path] = ()
) -> Iterator[SourceText | Skipped]:
    """Yield every input file, decoded, or the reason it was left out.

    Folders are searched recursively for files whose suffix has a reader
    (``.txt``, ``.md``, ``.html``, ``.htm``, ``.pdf``, ``.docx``); hidden files and folders are skipped,
    article formats without a reader (``UNREADABLE_ARTICLES``: ``.doc``, ``.wps``, ...) reported as
    UNSUPPORTED and other suffixes ignored. A file named explicitly with an unknown suffix is
    reported as UNSUPPORTED. Results are sorted by POSIX path, and a file
    reached twice is read once.

    Args:
        inputs: files and folders.
        max_bytes: size limit per file, default 20 MB (``DEFAULT_MAX_BYTES``);
            larger files are skipped as TOO_LARGE without being read.
        exclude: folders passed over without a word when they turn up inside
            a searched folder (the build's own output folder, whose HTML
            pages would otherwise be read as articles on the next build).
            Inputs named directly are always read.

    Returns:
        An iterator of ``SourceText`` and ``Skipped``, in path order.
    """
    for entry in input_files(inputs, exclude=exclude):
        yield entry if isinstance(entry, Skipped) else read_source(entry, max_bytes=max_bytes)


def input_files(inputs: Sequence[str | Path], *, exclude: Sequence[str | Path] = ()) -> list[Path | Skipped]:
    """The files ``iter_sources`` reads (and the entries it reports), in its order, without reading them."""
    seen: set[str] = set()
    excluded = frozenset(Path(folder).resolve() for folder in exclude)
    found: list[Path | Skipped] = []
    for entry in sorted(_collect(inputs, excluded), key=_sort_key):
        key = _sort_key(entry)
        if key not in seen:
            seen.add(key)
            found.append(entry)
    return found
