"""Atomic file output: write to a temporary name in the target folder, then rename.

A build killed midway leaves the previous file in place and no partial file
under the final name (``os.replace`` is atomic on POSIX within one folder).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; create parent folders. Returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically."""
    return write_bytes(path, text.encode("utf-8"))


def remove_stale_parts(folder: str | os.PathLike) -> int:
    """Delete temporary ``.*.part`` files and folders left by a killed earlier run.

    Only names made by ``write_bytes`` (and the store exporter's ``.store.*.part``
    folders) are touched. Returns how many were removed.
    """
    import shutil

    root = Path(folder)
    if not root.is_dir():
        return 0
    removed = 0
    for path in sorted(root.rglob(".*.part"), reverse=True):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed
