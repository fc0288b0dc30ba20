"""Atomic file output: write to a temporary name in the target folder, then rename.

A build killed midway leaves the previous file in place and no partial file
under the final name (``os.replace`` is atomic on POSIX within one folder).
There is no fsync: the guarantee is against a killed or failing build, not a
power cut (a build is rerun, and one fsync per page cost more than writing
the page).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

#: ``write_bytes`` / ``atomic_file`` temporaries: mkstemp(prefix=".<name>.", suffix=".part").
RE_STALE_FILE = re.compile(r"\..+\.[a-z0-9_]+\.part")
#: ``kg.export.store`` temporaries: mkdtemp(prefix=".store.", suffix=".part" or ".old").
RE_STALE_DIR = re.compile(r"\.store\.[a-z0-9_]+\.(?:part|old)")


@contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a binary temporary file beside ``path``; on a clean exit it replaces ``path``.

    For outputs written in pieces (graph.ttl is streamed in chunks, so the
    whole document never sits in memory). On an exception the temporary file
    is removed and the previous ``path`` is left as it was. Parent folders
    are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; create parent folders. Returns the path."""
    with atomic_file(path) as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically."""
    return write_bytes(path, text.encode("utf-8"))


def remove_stale_parts(folder: str | os.PathLike) -> int:
    """Delete temporary files and folders left in ``folder`` by a killed earlier run.

    Only names this package makes are touched: ``.<name>.<random>.part``
    files (``write_bytes``) and ``.store.<random>.part`` / ``.old`` folders
    (``kg.export.store``). The output folder may be any folder the user
    names, so hidden sub-folders (``.git``, ``.cache``) are not searched
    and symbolic links are not followed.

    Args:
        folder: the output folder.

    Returns:
        How many files and folders were removed.
    """
    import shutil

    root = Path(folder)
    if not root.is_dir():
        return 0
    removed = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames):
            if RE_STALE_DIR.fullmatch(name):
                shutil.rmtree(Path(dirpath, name), ignore_errors=True)
                removed += 1
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if RE_STALE_FILE.fullmatch(name):
                Path(dirpath, name).unlink(missing_ok=True)
                removed += 1
    return removed
