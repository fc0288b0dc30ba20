#!/usr/bin/env python3
"""Developer entry point that needs nothing but Python 3.11+.

    python3 dev.py build   # make .venv, install kg, build seeds/ into exports/
    python3 dev.py test    # make .venv, install kg[test] and the test system packages, run pytest

``test`` installs the real components the integration tests use (headless
Chromium, Virtuoso) with the scripts in ``.ci/`` when apt-get is available and
we are root; elsewhere those tests skip with a reason. Extra arguments after
``test`` go to pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def sh(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def ensure_venv(extra: str = "") -> None:
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    sh(BIN / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", f".{extra}")


def system_setup() -> None:
    """Install the test servers/browser with apt when we can; skip quietly otherwise."""
    can_apt = shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    if not can_apt:
        print("dev.py: not root or no apt-get: browser and Virtuoso tests will be skipped", flush=True)
        return
    for script in sorted((ROOT / ".ci").glob("setup-*.sh")):
        sh("bash", script)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"build", "test"}:
        print(__doc__, file=sys.stderr)
        return 1
    if argv[0] == "build":
        ensure_venv()
        sh(BIN / "kg", "build", "seeds", "-o", "exports", *argv[1:])
        return 0
    ensure_venv("[test]")
    system_setup()
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *argv[1:]], cwd=ROOT).returncode


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        print(f"dev.py: command failed with exit code {exc.returncode}", file=sys.stderr)
        sys.exit(1)
