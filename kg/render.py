"""Static pictures of the HTML pages, taken with headless Chromium.

The pages draw the graph with JavaScript after a layout pass, so a plain
HTML-to-image converter would catch an empty canvas; Chromium's own
``--screenshot`` with a virtual-time budget runs the layout first. Chromium is
started with a throw-away profile and with background networking off, and the
pages themselves load nothing from the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kg.atomic import write_bytes

#: where Debian's ``chromium`` package puts the browser; ``KG_CHROMIUM`` overrides it.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: milliseconds of virtual time the page gets to lay out before the picture is taken.
DEFAULT_BUDGET_MS = 15000
_TIMEOUT_S = 180


class RenderError(RuntimeError):
    """The picture could not be taken (no browser, browser failed, no output)."""


def find_chromium() -> str:
    """Path of the Chromium executable.

    Returns:
        ``$KG_CHROMIUM`` if set, else ``/usr/bin/chromium``, else ``chromium`` on PATH.

    Raises:
        RenderError: no Chromium is installed.
    """
    candidates = [os.environ.get("KG_CHROMIUM"), DEFAULT_CHROMIUM, shutil.which("chromium")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise RenderError(
        "chromium not found: install it (Debian: apt-get install chromium fonts-wqy-zenhei, "
        "or run .ci/setup-browser.sh) or set KG_CHROMIUM to its path"
    )


def render_png(
    html_path: str | os.PathLike,
    png_path: str | os.PathLike,
    width: int = 1400,
    height: int = 900,
    budget_ms: int = DEFAULT_BUDGET_MS,
) -> Path:
    """Take a PNG picture of an HTML page as headless Chromium draws it.

    Args:
        html_path: the page (opened as a ``file://`` URL).
        png_path: where to write the PNG (written atomically; folders are created).
        width: viewport width in CSS pixels.
        height: viewport height in CSS pixels.
        budget_ms: virtual time the page's scripts get before the picture is taken.

    Returns:
        The PNG path.

    Raises:
        FileNotFoundError: ``html_path`` does not exist.
        RenderError: Chromium is missing, fails, or writes no picture.
    """
    page = Path(html_path).resolve()
    if not page.is_file():
        raise FileNotFoundError(f"{html_path}: no such file")
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="kg-render-") as tmp:
        shot = Path(tmp) / "shot.png"
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",  # needed as root (CI); the page is our own local file
            "--disable-gpu",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--window-size={int(width)},{int(height)}",
            f"--virtual-time-budget={int(budget_ms)}",
            f"--screenshot={shot}",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=_TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"chromium did not finish within {_TIMEOUT_S} s") from exc
        if proc.returncode != 0 or not shot.is_file() or shot.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise RenderError(f"chromium failed (exit {proc.returncode}): {last}")
        return write_bytes(png_path, shot.read_bytes())
