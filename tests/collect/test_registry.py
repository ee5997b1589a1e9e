"""The detector registry: names unique, the file-local ones say which files they read and how much, and
the per-file cache serves exactly those."""

from __future__ import annotations

from license_check.cache import session
from license_check.collect.detectors import DETECTORS, FILE_LOCAL
from license_check.collect.detectors.base import DetectorResult, concatenate
from license_check.model import Claim, ClaimScope, Evidence, FileEntry, RawForm


def test_names_are_unique_and_file_local_ones_declare_files_and_caps() -> None:
    names = [d.name for d in DETECTORS]
    assert len(names) == len(set(names))
    assert set(FILE_LOCAL) == {"spdx-headers", "readme-prose", "doc-prose", "references"}
    assert all(d.wants is not None and d.cap > 0 for d in FILE_LOCAL.values())
    assert all(d.wants is None for d in DETECTORS if d.name not in FILE_LOCAL)


def test_wants_answers_from_the_path_and_size_alone() -> None:
    """The tree's snapshot keeps a file's ``wants`` answers while its path and size stay (cache/snapshot.py)."""
    paths = ["src/a.py", "README.md", "docs/guide.md", "docs/LICENSE.md", "model.safetensors", "notes.txt",
             "pkg/__init__.py", "a/b/c.rst", "Makefile", "x.ipynb", "data/train.csv", "MODEL_CARD.md"]
    for path in paths:
        for size in (0, 1, 100, 10**6, 10**10):
            here, there = FileEntry(path, f"/repo/{path}", size), FileEntry(path, f"/elsewhere/x/{path}", size)
            for name, registered in FILE_LOCAL.items():
                assert registered.wants is not None
                assert registered.wants(here) == registered.wants(there), (name, path, size)


def test_the_cache_uses_the_registry_only() -> None:
    source = session.__file__
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    for private in ("._skip", "._eligible", "_merge_references"):
        assert private not in text


def test_concatenation_keeps_file_order() -> None:
    def claim(path: str) -> Claim:
        return Claim(path, ClaimScope.FILE, "MIT", RawForm.SPDX, (Evidence(path, "spdx-header", "MIT", 1),))

    merged = concatenate([DetectorResult(claims=(claim("a"),)), DetectorResult(claims=(claim("b"),))])
    assert merged is not None and [c.target for c in merged.claims] == ["a", "b"]
