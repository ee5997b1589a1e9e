"""Bad input never crashes the scan: a small hostile tree, generated here (no committed binaries).

Each bad input must become a finding, nothing from the repository may run, no path outside the root
may appear, and the JSON must stay valid against the schema.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from license_check.cli import cli
from tests.conftest import REPO_ROOT, SAMPLES

SCHEMA = REPO_ROOT / "license_check" / "schema" / "report-v1.schema.json"


def _hostile(root: Path, canary: Path) -> None:
    def put(rel: str | bytes, data: bytes) -> None:
        path = os.path.join(os.fsencode(str(root)), os.fsencode(rel) if isinstance(rel, str) else rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)

    mit = (SAMPLES / "mit-package" / "LICENSE").read_text()
    put("pyproject.toml", b'[project\nname="x"')
    put("package.json", b'{"license": 12, "licenses": [{"type": null}, 5]}')
    put("sub/package.json", b"[" * 100_000 + b"]" * 100_000)
    put("Cargo.toml", b'[package]\nlicense = ["MIT"]\n')
    put("setup.py", f'import os\nopen("{canary}", "w").write("ran")\nsetup(license=open("x").read())\n'.encode())
    put("conftest.py", f'open("{canary}", "w").write("imported")\n'.encode())
    put("setup.cfg", b"[metadata\nlicense = %(foo)s\n")
    put("LICENSE", b"\x00\x01\x02binary\xff" * 100)
    put("lib/COPYING", codecs.BOM_UTF16_LE + mit.encode("utf-16-le"))
    put("README.md", b"---\nlicense: &a [*a, *a]\nb: &b [*a, *a]\n---\n# x\nReleased under the " + b"MIT " * 5000)
    put("REUSE.toml", b'version = 1\n[[annotations]]\npath = "' + b"*" * 300 + b'a"\nSPDX-License-Identifier = 5\n')
    put(b"bad\xffname.py", b"# SPDX-License-Identifier: MIT OR (\n")
    put("-rf", b"x")
    put("new\nline.py", b"# SPDX-License-Identifier: GPL-3.0-or-later\n")
    with open(root / "NOTICE", "wb") as handle:  # sparse: 3 GiB on paper, nothing on disk
        handle.truncate(3 * 1024**3)
    os.symlink("/etc/passwd", root / "LICENSE.passwd")
    os.symlink("loop", root / "loop")
    os.symlink("/", root / "rootlink")
    os.mkfifo(root / "LICENSE.fifo")


def test_hostile_tree_gives_a_valid_report_and_findings(tmp_path: Path) -> None:
    root, canary = tmp_path / "repo", tmp_path / "canary"
    root.mkdir()
    _hostile(root, canary)
    result = CliRunner().invoke(cli, [str(root), "--format", "json"])
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not canary.exists(), "code from the scanned repository ran"
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["commercial_use"] == "unknown"  # fail safe: unreadable license-bearing input

    paths = [loc["path"] for f in doc["findings"] for loc in f["locations"]]
    paths += [e["path"] for c in doc["components"] for e in c["evidence"]]
    assert all(not p.startswith("/") and ".." not in p.split("/") for p in paths)
    assert "bad%FFname.py" in paths and "new%0Aline.py" in paths
    rules = {(f["rule"], f["locations"][0]["path"]) for f in doc["findings"] if f["locations"]}
    for expected in [("malformed-metadata", "pyproject.toml"), ("malformed-metadata", "package.json"),
                     ("malformed-metadata", "sub/package.json"), ("malformed-metadata", "Cargo.toml"),
                     ("malformed-metadata", "setup.cfg"), ("malformed-metadata", "REUSE.toml"),
                     ("unevaluated-metadata", "setup.py"), ("unreadable-file", "LICENSE"),
                     ("invalid-license-expression", "bad%FFname.py"), ("symlink-outside-root", "LICENSE.passwd"),
                     ("symlink-outside-root", "loop"), ("symlink-outside-root", "rootlink"),
                     ("skipped-special-file", "LICENSE.fifo")]:
        assert expected in rules, expected
    by_path = {c["path"]: c for c in doc["components"]}
    assert by_path["."]["commercial_use"] == "unknown"
    assert by_path["lib"]["license"] == "MIT"  # a UTF-16 license text is still read
