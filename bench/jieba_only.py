"""The yardstick process: load jieba, read every ``.txt`` under the folders, ``jieba.lcut`` each, exit.

``kg build`` is compared with this whole process (interpreter start, dictionary
load, reading and segmenting), timed from outside the same way.

    python bench/jieba_only.py FILES_DIR [FILES_DIR ...]
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    folders = (argv if argv is not None else sys.argv[1:]) or ["."]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # the dictionary load is part of the yardstick
    files = chars = tokens = 0
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.txt")):
            text = path.read_text(encoding="utf-8")
            tokens += len(jieba.lcut(text))
            files += 1
            chars += len(text)
    print(f"{files} files, {chars} characters, {tokens} tokens", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
