"""The committed exports/ folder is exactly what a fresh build of seeds/ writes."""

from __future__ import annotations

from pathlib import Path


# the embedded SPARQL store is rebuilt by every build and not committed (RocksDB files differ run to run);
# the build manifest records file times
UNCOMMITTED = ("store/", "store.json", ".kg-build.json")


def _files(folder: Path) -> dict[str, bytes]:
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    return {name: p.read_bytes() for name, p in files.items() if not name.startswith(UNCOMMITTED)}


def test_exports_equal_fresh_build(seeds_build, repo_root):
    committed = _files(repo_root / "exports")
    fresh = _files(seeds_build)
    assert sorted(committed) == sorted(fresh), "exports/ has other files than a fresh build: run `python3 dev.py build`"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"exports/ is stale, rebuild it: {stale[:5]}"
