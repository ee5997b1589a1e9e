"""REUSE.toml annotations, .license sidecars and .reuse/dep5."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from license_check.collect.detectors import reuse
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.model import ClaimScope, FileEntry, RawForm

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
CTX = ScanContext()


def run(write_files: WriteFiles, files: dict[str, str | bytes]) -> DetectorResult:
    return reuse.detect(write_files(files), CTX)


def by_target(result: DetectorResult) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for claim in result.claims:
        assert claim.scope is ClaimScope.FILE
        assert claim.form is RawForm.SPDX
        assert claim.source == "reuse"
        out.setdefault(claim.target, []).append(claim.raw)
    return out


TREE: dict[str, str | bytes] = {
    "a.py": "x = 1\n",
    "src/b.py": "y = 2\n",
    "src/deep/c.py": "z = 3\n",
    "data/x.csv": "1,2\n",
    "data/sub/y.csv": "3,4\n",
    "LICENSE": "MIT text",
    "LICENSES/MIT.txt": "MIT text",
}


def test_globs_star_does_not_cross_slash_but_double_star_does(write_files: WriteFiles) -> None:
    toml = """version = 1

[[annotations]]
path = "*.py"
SPDX-License-Identifier = "MIT"

[[annotations]]
path = ["data/**", "src/*.py"]
SPDX-License-Identifier = "CC-BY-4.0"
"""
    result = run(write_files, {**TREE, "REUSE.toml": toml})
    assert by_target(result) == {
        "a.py": ["MIT"],
        "data/sub/y.csv": ["CC-BY-4.0"],
        "data/x.csv": ["CC-BY-4.0"],
        "src/b.py": ["CC-BY-4.0"],
    }
    claim = next(c for c in result.claims if c.target == "src/b.py")
    assert claim.path == "REUSE.toml"
    assert claim.evidence[0].line == 7
    assert claim.evidence[0].key == "annotations[1].SPDX-License-Identifier"
    assert claim.evidence[0].confidence == 0.95
    assert result.findings == ()


def test_last_matching_table_wins_and_lists_all_apply(write_files: WriteFiles) -> None:
    toml = """version = 1
[[annotations]]
path = "**"
SPDX-License-Identifier = "MIT"
[[annotations]]
path = "src/**"
SPDX-License-Identifier = ["Apache-2.0", "BSD-3-Clause OR MIT"]
"""
    result = run(write_files, {**TREE, "REUSE.toml": toml})
    found = by_target(result)
    assert found["a.py"] == ["MIT"]
    assert found["src/deep/c.py"] == ["Apache-2.0", "BSD-3-Clause OR MIT"]
    assert "LICENSE" not in found and "LICENSES/MIT.txt" not in found and "REUSE.toml" not in found


def test_closest_yields_to_the_files_own_header(write_files: WriteFiles) -> None:
    toml = 'version = 1\n[[annotations]]\npath = "*.py"\nSPDX-License-Identifier = "MIT"\n'
    result = run(write_files, {"REUSE.toml": toml, "own.py": "# SPDX-License-Identifier: GPL-2.0-only\n",
                               "bare.py": "pass\n"})
    assert by_target(result) == {"bare.py": ["MIT"]}


def test_aggregate_and_override(write_files: WriteFiles) -> None:
    def table(path: str, precedence: str, expression: str) -> str:
        return (f'version = 1\n[[annotations]]\npath = "{path}"\nprecedence = "{precedence}"\n'
                f'SPDX-License-Identifier = "{expression}"\n')

    root = table("vendor/**", "override", "BSD-2-Clause")
    agg = table("*.py", "aggregate", "MIT")
    nested = table("**", "closest", "GPL-3.0-only")
    result = run(write_files, {
        "REUSE.toml": root,
        "vendor/REUSE.toml": nested,
        "vendor/lib.c": "// SPDX-License-Identifier: Zlib\n",
        "app/REUSE.toml": agg,
        "app/own.py": "# SPDX-License-Identifier: Apache-2.0\n",
    })
    found = by_target(result)
    assert found["vendor/lib.c"] == ["BSD-2-Clause"]  # the root override beats the nested table and the header
    assert found["app/own.py"] == ["MIT"]  # aggregate applies despite the header
    assert result.extra["reuse_authoritative"] == ["vendor/lib.c"]


def test_closer_reuse_toml_wins(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "REUSE.toml": 'version = 1\n[[annotations]]\npath = "**"\nSPDX-License-Identifier = "MIT"\n',
        "sub/REUSE.toml": 'version = 1\n[[annotations]]\npath = "*.txt"\nSPDX-License-Identifier = "CC0-1.0"\n',
        "sub/a.txt": "a", "sub/b.py": "b",
    })
    found = by_target(result)
    assert found["sub/a.txt"] == ["CC0-1.0"]
    assert found["sub/b.py"] == ["MIT"]


def test_license_sidecar_on_a_binary(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "weights/model.safetensors": b"\x00\x01binary",
        "weights/model.safetensors.license":
            "SPDX-FileCopyrightText: 2024 Lab\n\nSPDX-License-Identifier: CC-BY-NC-4.0\n",
        "orphan.license": "SPDX-License-Identifier: MIT\n",
    })
    assert by_target(result) == {"weights/model.safetensors": ["CC-BY-NC-4.0"]}
    claim = result.claims[0]
    assert (claim.path, claim.evidence[0].line) == ("weights/model.safetensors.license", 3)
    assert result.extra["reuse_authoritative"] == ["weights/model.safetensors"]


def test_sidecar_without_tag_is_unknown(write_files: WriteFiles) -> None:
    result = run(write_files, {"m.bin": b"\x00", "m.bin.license": "Copyright me\n"})
    assert by_target(result) == {"m.bin": [None]}
    assert [f.rule for f in result.findings] == ["malformed-metadata"]


def test_dep5(write_files: WriteFiles) -> None:
    dep5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: x

Files: *
Copyright: 2020 Me
License: MIT

Files: data/*
 src/deep/*.py
Copyright: 2020 Data
License: CC-BY-4.0
 Long license text that is not an expression.
"""
    result = run(write_files, {**TREE, ".reuse/dep5": dep5})
    found = by_target(result)
    assert found["a.py"] == ["MIT"]
    assert found["data/sub/y.csv"] == ["CC-BY-4.0"]  # dep5's * crosses /
    assert found["src/deep/c.py"] == ["CC-BY-4.0"]
    assert found["src/b.py"] == ["MIT"]
    claim = next(c for c in result.claims if c.target == "a.py")
    assert (claim.path, claim.evidence[0].line, claim.evidence[0].key) == (".reuse/dep5", 4, "License")


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("version = 1\n[[annotations\n", "not valid TOML"),
        ('version = 2\n[[annotations]]\npath = "*"\nSPDX-License-Identifier = "MIT"\n', "'version' must be 1"),
        ('version = 1\n[[annotations]]\npath = 3\nSPDX-License-Identifier = "MIT"\n', "annotations[0].path"),
        ('version = 1\n[[annotations]]\npath = "*"\nSPDX-License-Identifier = 5\n', "SPDX-License-Identifier"),
        ('version = 1\n[[annotations]]\npath = "*"\nprecedence = "first"\nSPDX-License-Identifier = "MIT"\n',
         "precedence"),
        ('version = 1\nannotations = "x"\n', "array of tables"),
    ],
)
def test_malformed_reuse_toml(write_files: WriteFiles, toml: str, needle: str) -> None:
    result = run(write_files, {"REUSE.toml": toml, "a.py": "pass\n"})
    assert [f.rule for f in result.findings] == ["malformed-metadata"]
    assert needle in result.findings[0].message and "REUSE.toml" in result.findings[0].message
    assert result.claims == ()


def test_bracket_and_escape_globs(write_files: WriteFiles) -> None:
    toml = r'''version = 1
[[annotations]]
path = ["file[0-9].txt", "odd\\*name.md", "q?.txt"]
SPDX-License-Identifier = "MIT"
'''
    result = run(write_files, {"REUSE.toml": toml, "file1.txt": "a", "filex.txt": "b", "odd*name.md": "c",
                               "oddXname.md": "d", "q1.txt": "e", "q/.txt": "f"})
    assert sorted(by_target(result)) == ["file1.txt", "odd*name.md", "q1.txt"]
