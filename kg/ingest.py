"""Find input files, read and decode them: ``SourceText`` or ``Skipped``.

Readers are looked up by file suffix in ``READERS`` (rdflib-style table, no
registry): ``.txt`` and ``.md`` are plain text now; HTML/PDF/DOCX readers plug
in as more rows. A reader turns raw bytes into ``(text, encoding)`` or raises
``ReadError``; this module does the walking, size limit, I/O errors, hashing
and the checks every text must pass (not empty, not binary).

Plain-text decoding, in order:

1. a byte-order mark: UTF-8 (``utf-8-sig``), UTF-32 and UTF-16 LE/BE;
2. strict UTF-8;
3. strict GB18030 and strict Big5. Almost every Big5 byte string is also valid
   GB18030 (GBK's trail-byte range contains Big5's), so "GB18030 first" would
   turn every Big5 file into mojibake. When both decode, the one whose CJK
   characters are more often common characters of that codec wins (GB2312
   for GB18030, Big5 level 1 for Big5); a tie goes to GB18030;
4. charset-normalizer's guess, kept only if the result is plausibly Chinese.

``SourceText.text`` is the decoded text verbatim (BOM removed, ``\\r\\n`` kept):
evidence offsets point into it, and ``normalize`` treats ``\\r`` as whitespace.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from kg.records import SkipReason, SourceText, Skipped

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # 20 MB: far above any news article, below memory trouble

RE_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
RE_CHINESE_CHAR = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d]")
RE_NON_ASCII = re.compile(r"[^\x00-\x7f]")
RE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAX_CONTROL_SHARE = 0.01  # text files have next to no control characters besides \t\n\r\f
_SAMPLE_CHARS = 20_000  # enough characters to judge a codec, cheap on large files


class ReadError(Exception):
    """A reader's verdict that a file's content cannot be used."""

    def __init__(self, reason: SkipReason, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail


Reader = Callable[[bytes], tuple[str, str]]


def _common_share(text: str, codec: str, lead_range: tuple[int, int]) -> float:
    """Share of CJK ideographs that are common characters of ``codec``.

    A character is common when it encodes in ``codec`` with a lead byte in
    ``lead_range`` (GB2312 hanzi: 0xB0-0xF7; Big5 frequent hanzi: 0xA4-0xC6).
    Non-ideograph non-ASCII characters count against the share: mojibake is
    full of kana, Greek and box-drawing characters.
    """
    sample = text[:_SAMPLE_CHARS]
    non_ascii = RE_NON_ASCII.findall(sample)
    if not non_ascii:
        return 0.0
    low, high = lead_range
    common = 0
    for char in RE_CJK_IDEOGRAPH.findall(sample):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        common += len(encoded) == 2 and low <= encoded[0] <= high
    return common / len(non_ascii)


def _plausibly_chinese(text: str) -> bool:
    """Most non-ASCII characters are Chinese characters or punctuation."""
    sample = text[:_SAMPLE_CHARS]
    non_ascii = RE_NON_ASCII.findall(sample)
    if not non_ascii:
        return False
    return len(RE_CHINESE_CHAR.findall(sample)) >= 0.8 * len(non_ascii)


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode the bytes of a plain-text file.

    Args:
        raw: the file's bytes.

    Returns:
        ``(text, encoding)``: the text without BOM, line ends untouched, and
        the codec name used.

    Raises:
        ReadError: UNDECODABLE when no codec gives plausible text.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw, codec)
            if text is None:
                raise ReadError(SkipReason.UNDECODABLE, f"invalid {codec} after byte-order mark")
            # utf-8-sig / utf-32 strip their BOM; utf-16-le/be keep it as U+FEFF.
            return text.removeprefix("\ufeff"), codec
    text = _strict(raw, "utf-8")
    if text is not None:
        return text, "utf-8"
    gb, big5 = _strict(raw, "gb18030"), _strict(raw, "big5")
    if gb is not None and big5 is not None:
        if _common_share(big5, "big5", (0xA4, 0xC6)) > _common_share(gb, "gb2312", (0xB0, 0xF7)):
            return big5, "big5"
        return gb, "gb18030"
    if gb is not None:
        return gb, "gb18030"
    if big5 is not None:
        return big5, "big5"
    return _guess(raw)


def _guess(raw: bytes) -> tuple[str, str]:
    """Last resort: charset-normalizer, accepted only for Chinese-looking text."""
    from charset_normalizer import from_bytes  # imported late: slow import, rarely needed

    best = from_bytes(raw).best()
    if best is not None:
        text = str(best)
        if _plausibly_chinese(text):
            return text, codecs.lookup(best.encoding).name
    raise ReadError(SkipReason.UNDECODABLE, "no codec gives Chinese text")


def read_plain_text(raw: bytes) -> tuple[str, str]:
    """Reader for ``.txt`` and ``.md``: decode the bytes as they are."""
    return decode_text(raw)


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".md": read_plain_text,
}


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


def _walk(folder: Path) -> Iterator[Path | Skipped]:
    """Files with a known suffix under ``folder``, hidden names skipped; unreadable folders reported."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        for name in files:
            if not _is_hidden(name) and Path(name).suffix.lower() in READERS:
                yield Path(root, name)
    for error in errors:
        yield Skipped(Path(error.filename or folder).as_posix(), SkipReason.UNREADABLE, error.strerror or "")


def _collect(inputs: Sequence[str | Path]) -> list[Path | Skipped]:
    """Expand folders; report missing paths and explicit files of unknown type."""
    found: list[Path | Skipped] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(_walk(path))
        elif not path.exists() and not path.is_symlink():
            found.append(Skipped(path.as_posix(), SkipReason.NOT_FOUND))
        elif path.suffix.lower() not in READERS:
            found.append(Skipped(path.as_posix(), SkipReason.UNSUPPORTED, path.suffix or "no suffix"))
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
        _check_text(text)
    except ReadError as error:
        return Skipped(where, error.reason, error.detail)
    return SourceText(
        path=where,
        file_name=path.name,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def iter_sources(
    inputs: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[SourceText | Skipped]:
    """Yield every input file, decoded, or the reason it was left out.

    Folders are searched recursively for files whose suffix has a reader
    (``.txt``, ``.md``); hidden files and folders are skipped and other
    suffixes ignored. A file named explicitly with an unknown suffix is
    reported as UNSUPPORTED. Results are sorted by POSIX path, and a file
    reached twice is read once.

    Args:
        inputs: files and folders.
        max_bytes: size limit per file, default 20 MB (``DEFAULT_MAX_BYTES``);
            larger files are skipped as TOO_LARGE without being read.

    Returns:
        An iterator of ``SourceText`` and ``Skipped``, in path order.
    """
    seen: set[str] = set()
    for entry in sorted(_collect(inputs), key=_sort_key):
        key = _sort_key(entry)
        if key in seen:
            continue
        seen.add(key)
        yield entry if isinstance(entry, Skipped) else read_source(entry, max_bytes=max_bytes)
