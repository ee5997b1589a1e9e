"""Issue 5: a hostile and broken repository (tests/hostile_repo.py, generated, never committed).

The CLI, run in a subprocess as a user would run it, must finish well under 30 s with one valid
contract JSON document and exit 0 or 1, print no traceback, run nothing from the repository, put no
path outside the root in the report, turn each hostile item into its stable finding code, and fail
safe: a component whose license-bearing input could not be read or parsed is never "allowed".
The same checks run through the Python API (license_check.pipeline.scan), which is quicker to debug.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from license_check.pipeline import ScanOptions, scan
from license_check.render.json import render_json
from tests.conftest import REPO_ROOT
from tests.hostile_repo import MIT, OUTSIDE_TOKEN, CliRun, run_cli, session_hostile, session_run

SCHEMA = REPO_ROOT / "license_check" / "schema" / "report-v1.schema.json"

SYMLINK, SPECIAL, MALFORMED = "symlink-outside-root", "skipped-special-file", "malformed-metadata"
UNREADABLE, MISSING = "unreadable-file", "missing-license-file"

# The finding codes each hostile item must produce at its own path (an empty set: no finding is
# needed, e.g. a link to a folder inside the root is simply not followed). Every item of the fixture
# must be listed, so that a new item comes with its expectation.
EXPECTED: dict[str, set[str]] = {
    "LICENSE": set(),
    "setup.py": {"unevaluated-metadata"},
    "conftest.py": set(), "__main__.py": set(), "sitecustomize.py": set(),
    "exec/pyproject.toml": set(), "exec/evil.py": set(), "exec/pkg/__init__.py": set(), "exec/pkg/__main__.py": set(),
    "pyproject.toml": {MALFORMED}, "package.json": {MALFORMED},
    "--format=json": {"invalid-license-expression"},
    "loops/a": {SYMLINK}, "loops/b": {SYMLINK},
    "loops/self": set(), "loops/up": set(), "loops/sub/deeper/root": set(),
    "escape/outside-file.py": {SYMLINK}, "escape/outside-dir": {SYMLINK}, "escape/LICENSE": {SYMLINK},
    "escape2/LICENSE": {SYMLINK},
    "devlinks/README.md": {SYMLINK}, "devlinks/LICENSE": {SYMLINK}, "devlinks/model.safetensors": {SYMLINK},
    "special/LICENSE": {SPECIAL}, "special/model.safetensors": {SPECIAL}, "special/alias.safetensors": {SPECIAL},
    "special/COPYING": {SPECIAL}, "devices/LICENSE": {SPECIAL}, "devices/README.md": {SPECIAL},
    "weights/st-beyond.safetensors": {MALFORMED}, "weights/st-2-63.safetensors": {MALFORMED},
    "weights/st-truncated.safetensors": {MALFORMED}, "weights/st-invalid.safetensors": {MALFORMED},
    "weights/st-deep.safetensors": {MALFORMED},
    "weights/gguf-huge-kv.gguf": {MALFORMED}, "weights/gguf-huge-tensors.gguf": {MALFORMED},
    "weights/gguf-huge-string.gguf": {MALFORMED}, "weights/gguf-unknown-type.gguf": {MALFORMED},
    "weights/gguf-array-license.gguf": {MALFORMED}, "weights/gguf-truncated.gguf": {MALFORMED},
    "weights/garbage.onnx": {MALFORMED}, "weights/huge.safetensors": set(),
    "big/NOTICE": {"notice-file"}, "big/README.md": set(), "big/LICENSE": {"license-file-too-large"},
    "cards/bomb/README.md": {MALFORMED}, "cards/pytag/README.md": {MALFORMED}, "cards/pyname/README.md": {MALFORMED},
    "cards/invalid/README.md": {MALFORMED}, "cards/deep/README.md": {MALFORMED},
    "cards/type-number/README.md": {MALFORMED}, "cards/type-list/README.md": {MALFORMED},
    "cards/type-object/README.md": {MALFORMED}, "cards/type-null/README.md": {MALFORMED},
    "manifests/invalid-toml/pyproject.toml": {MALFORMED}, "manifests/invalid-json/package.json": {MALFORMED},
    "manifests/invalid-cargo/Cargo.toml": {MALFORMED}, "manifests/invalid-cfg/setup.cfg": {MALFORMED},
    "manifests/invalid-setup-py/setup.py": {MALFORMED}, "manifests/binary-pyproject/pyproject.toml": {MALFORMED},
    "datasets/invalid-datapackage/datapackage.json": {MALFORMED}, "datasets/invalid-cff/CITATION.cff": {MALFORMED},
    "datasets/invalid-croissant/metadata.json": set(),  # see test_broken_croissant_metadata_is_reported
    "deep-json/npm/package.json": {MALFORMED}, "deep-json/datapackage/datapackage.json": {MALFORMED},
    "deep-json/croissant/croissant.json": set(),  # see test_broken_croissant_metadata_is_reported
    "pointers/pyproject/pyproject.toml": {MISSING}, "pointers/npm/package.json": {MISSING},
    "pointers/cargo/Cargo.toml": {MISSING}, "pointers/setup-cfg/setup.cfg": {MISSING},
    "pointers/card/README.md": {MALFORMED},
    "pointers/datapackage/datapackage.json": set(),  # see test_dataset_license_pointers_that_lead_nowhere...
    "pointers/cff/CITATION.cff": set(),  # idem
    "enc/junk/LICENSE": {UNREADABLE}, "enc/empty/LICENSE": {"unknown-license-text"},
    "enc/utf16-bom/LICENSE": set(), "enc/utf16be-bom/LICENSE": set(), "enc/utf16-nobom/LICENSE": set(),
    "enc/latin1/LICENSE": set(),
    "odd/new%0Aline.py": {"unknown-license-id"}, "odd/tab%09and%0Dcr.py": {"invalid-license-expression"},
    "odd/-rf": {"invalid-license-expression"}, "odd/bad%FF.py": {"invalid-license-expression"},
    "odd/dir%FE/LICENSE": {UNREADABLE}, 'odd/"quoted" \\ name.py': {"invalid-license-expression"},
    "deep": {"scan-limit-reached"},  # at the folder where the walk stopped, under deep/
    "many": set(),
}
for _kind in ("number", "list", "object", "null", "bool"):
    for _name in ("pyproject-{}/pyproject.toml", "cargo-{}/Cargo.toml", "npm-{}/package.json",
                  "datapackage-{}/datapackage.json", "croissant-{}/croissant.json", "cff-{}/CITATION.cff"):
        EXPECTED["types/" + _name.format(_kind)] = {MALFORMED}
EXPECTED["types/setup-py-number/setup.py"] = {MALFORMED}

# Read correctly despite the hostile surroundings: component -> license.
READ_FINE = {"enc/utf16-bom": "MIT", "enc/utf16be-bom": "MIT", "enc/utf16-nobom": "MIT", "enc/latin1": "MIT",
             "exec": "MIT", "weights/huge.safetensors": "Apache-2.0"}
# Known failures (strict xfail tests below): left out of the fail-safe check until fixed.
KNOWN_BROKEN: set[str] = set()


def must_not_be_allowed(items: dict[str, str]) -> set[str]:
    """Components whose license-bearing input is unreadable, unparseable or points nowhere."""
    # datasets/invalid-cff is not here: a broken CITATION.cff beside a clear LICENSE is a finding that caps
    # the repository's answer, not a second license of its folder (issue 13 item 9).
    out = {".", "big", "enc/junk", "enc/empty", "odd/dir%FE", "deep-json/datapackage",
           "datasets/invalid-datapackage"}
    for path in items:
        top = path.split("/", 1)[0]
        if top in ("cards", "manifests", "types", "pointers") and not path.endswith("CITATION.cff"):
            out.add(path.rsplit("/", 1)[0])
        elif top == "weights" and path != "weights/huge.safetensors":  # a header that broke anywhere: unknown
            out.add(path)
    return out - KNOWN_BROKEN


# ------------------------------------------------------------------------------------------- helpers

def report_paths(doc: dict[str, Any]) -> list[str]:
    paths = [c["path"] for c in doc["components"]]
    paths += [e["path"] for c in doc["components"] for e in c["evidence"]]
    paths += [loc["path"] for f in doc["findings"] for loc in f["locations"]]
    return paths


def codes_by_path(doc: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for finding in doc["findings"]:
        for loc in finding["locations"]:
            found[loc["path"]].add(finding["rule"])
    return found


def check_report(doc: dict[str, Any], root: Path, items: dict[str, str]) -> None:
    """Everything the issue asks of the report itself (shared by the CLI and API tests)."""
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    text = json.dumps(doc)
    assert OUTSIDE_TOKEN not in text, "content from outside the root reached the report"
    assert "root:x:0:0" not in text, "/etc/passwd was read"

    for path in report_paths(doc):
        assert path and not path.startswith("/") and ".." not in path.split("/"), path
        assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path), repr(path)
    for finding in doc["findings"]:
        assert str(root) not in finding["message"], f"an absolute path in a message: {finding['message']}"

    found = codes_by_path(doc)
    missing = {}
    for item in items:
        want = EXPECTED[item]  # KeyError: a new fixture item needs its expectation here
        if item == "deep":
            got = {code for path, codes in found.items() if path.startswith("deep/") for code in codes}
        else:
            got = found.get(item, set())
        if not want <= got:
            missing[item] = (sorted(want - got), sorted(got))
    assert not missing, f"hostile items without their finding (missing, got): {missing}"

    by_path = {c["path"]: c for c in doc["components"] if c["ref"] is None}
    for path in sorted(must_not_be_allowed(items)):
        assert path in by_path, f"component {path!r} is missing from the report"
        assert by_path[path]["commercial_use"] != "allowed", f"{path}: broken license input judged allowed"
    for path, license in READ_FINE.items():
        assert (by_path[path]["license"], by_path[path]["commercial_use"]) == (license, "allowed"), path
    assert doc["commercial_use"] != "allowed" and doc["verdict"] == "fail"
    assert doc["scan"]["complete"] is False and doc["coverage"]["code"] == "partial"  # the deep tree


# ------------------------------------------------------------------------------------------------ CLI

@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    return session_hostile(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return session_run(tmp_path_factory.getbasetemp())


def test_the_fixture_covers_every_item_of_the_issue(hostile: tuple[Path, Path, dict[str, str]]) -> None:
    _, _, items = hostile
    described = " ".join(items.values()).lower()
    for needle in ("setup.py", "conftest.py", "__main__.py", "symlink loop", "parent", "outside the root",
                   "/etc/passwd", "/dev/zero", "/dev/urandom", "fifo named license", "fifo named model.safetensors",
                   "beyond the file", "2**63", "truncated json", "invalid json header", "kv_count", "string length",
                   "unknown value type", "array where", "gguf truncated", "garbage .onnx", "sparse notice",
                   "sparse readme.md", "100 gb sparse", "billion laughs", "python/object/apply", "invalid toml",
                   "invalid json package.json", "invalid json datapackage.json", "croissant", "200,000 deep",
                   "as number", "as list", "as object", "as null", "binary junk", "utf-16-le mit with a bom",
                   "without a bom", "latin-1", "newline", "leading dash", "non-utf-8", "cli option",
                   "300 levels deep", "20000 small files"):
        assert needle in described, needle


def test_cli_survives_the_hostile_repository(hostile: tuple[Path, Path, dict[str, str]], cli_run: CliRun) -> None:
    root, marker, items = hostile
    print(f"\nhostile scan: {cli_run.seconds:.2f} s wall, peak RSS {cli_run.peak_rss / 2**20:.0f} MiB, "
          f"{len(items)} items")
    assert cli_run.returncode in (0, 1), cli_run.stderr[-3000:]
    assert "Traceback" not in cli_run.stderr and "internal error" not in cli_run.stderr, cli_run.stderr[-3000:]
    assert not marker.exists(), f"repository code ran: {marker.read_text()}"
    assert cli_run.seconds < 30
    assert cli_run.peak_rss < 1024**3, "a multi-GiB file was read beyond its cap"
    assert cli_run.stdout.lstrip().startswith("{")
    doc = json.loads(cli_run.stdout)  # exactly one JSON document (json.loads rejects trailing data)
    assert cli_run.returncode == (1 if doc["verdict"] == "fail" else 0)
    check_report(doc, root, items)


def test_cli_output_keeps_the_contract(cli_run: CliRun) -> None:
    from tests.contract import problems  # the project's own copy of the contract rules (docs/contract.md)

    assert problems(json.loads(cli_run.stdout)) == []


def test_api_survives_the_hostile_repository(hostile: tuple[Path, Path, dict[str, str]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root, marker, items = hostile
    monkeypatch.setenv("HOSTILE_MARKER", str(marker))
    doc = json.loads(render_json(scan(str(root), ScanOptions())))
    assert not marker.exists()
    check_report(doc, root, items)
    imported = [name for name, module in list(sys.modules.items())
                if str(root) in str(getattr(module, "__file__", None) or "")]
    assert not imported, f"modules imported from the scanned repository: {imported}"


# --------------------------------------------------------------------------- known bugs (strict xfail)

def test_broken_croissant_metadata_is_reported(tmp_path: Path) -> None:
    build = {"metadata.json": '{"@context": {"cr": "http://mlcommons.org/croissant/"}, "license": "CC-BY-NC-4.0",',
             "croissant.json": '{"@context": "http://mlcommons.org/croissant/", "license": ' + "[" * 100_000}
    for name, text in build.items():
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        (folder / "LICENSE").write_text(MIT, encoding="utf-8")
        (folder / name).write_text(text, encoding="utf-8")
    doc = json.loads(render_json(scan(str(tmp_path), ScanOptions(use_scancode=False))))
    found = codes_by_path(doc)
    by_path = {c["path"]: c for c in doc["components"]}
    for name in build:
        folder = name.split(".")[0]
        assert MALFORMED in found.get(f"{folder}/{name}", set()), name
        assert by_path[folder]["commercial_use"] != "allowed", name


def test_dataset_license_pointers_that_lead_nowhere_fail_safe(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(MIT, encoding="utf-8")
    for folder, name, text in (
        ("data", "datapackage.json", json.dumps({"name": "d", "licenses": [{"path": "DATA-LICENSE.txt"}]})),
        ("outside", "datapackage.json", json.dumps({"name": "d", "licenses": [{"path": "../../x/LICENSE"}]})),
        ("cite", "CITATION.cff", "cff-version: 1.2.0\ntitle: x\ntype: dataset\nlicense-url: TERMS.txt\n"),
    ):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    doc = json.loads(render_json(scan(str(tmp_path), ScanOptions(use_scancode=False))))
    found = codes_by_path(doc)
    by_path = {c["path"]: c for c in doc["components"]}
    for folder, name in (("data", "datapackage.json"), ("outside", "datapackage.json"), ("cite", "CITATION.cff")):
        assert found.get(f"{folder}/{name}", set()) & {MISSING, MALFORMED}, folder
        assert by_path[folder]["commercial_use"] != "allowed", folder


def test_readme_of_unclosed_brackets_is_scanned_quickly(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("[" * 40_000 + "\n", encoding="utf-8")
    # Quadratic matching took minutes here; the limit leaves room for a busy CI machine.
    run = run_cli(tmp_path, tmp_path / "marker", timeout=20, args=("--format", "json", "--no-scancode"))
    assert run.returncode in (0, 1), f"killed after {run.seconds:.1f} s"


def test_dep5_with_many_paragraphs_is_bounded(tmp_path: Path) -> None:
    (tmp_path / ".reuse").mkdir()
    paragraphs = "".join(f"Files: src/*{i}*a*b*c\nCopyright: x\nLicense: MIT\n\n" for i in range(3000))
    (tmp_path / ".reuse" / "dep5").write_text("Format: x\n\n" + paragraphs, encoding="utf-8")
    (tmp_path / "src").mkdir()
    for i in range(1000):
        (tmp_path / "src" / f"f{i}.py").write_text("x = 1\n", encoding="utf-8")
    # The unbounded version took minutes; the limit only tells "bounded" from "not", with room for a busy CI.
    run = run_cli(tmp_path, tmp_path / "marker", timeout=20, args=("--format", "json", "--no-scancode"))
    assert run.returncode in (0, 1), f"killed after {run.seconds:.1f} s"


def test_python_dash_m_inside_the_repository_imports_nothing_from_it(tmp_path: Path) -> None:
    root, marker = tmp_path / "repo", tmp_path / "marker"
    root.mkdir()
    (root / "LICENSE").write_text(MIT, encoding="utf-8")
    for module in ("pathspec", "yaml", "click", "license_expression"):
        (root / f"{module}.py").write_text(
            f"import os\nopen(os.environ['HOSTILE_MARKER'], 'a').write('{module}\\n')\n", encoding="utf-8")
    run = run_cli(root, marker, args=("--format", "json"), cwd=root, path=".", plain=True)
    assert run.returncode in (0, 1, 2, 3)
    assert not marker.exists(), f"imported from the scanned repository: {marker.read_text().split()}"



# ------------------------------------------------------------- fixed in discover.py and collect/reading.py

def test_a_hostile_gitignore_in_an_export_hides_nothing(tmp_path: Path) -> None:
    """Outside a git checkout .gitignore is not consulted: a "*" line, or 20,000 patterns, hide nothing."""
    from license_check.collect.discover import discover

    (tmp_path / ".gitignore").write_text("*\n" + "".join(f"ignored{i}.txt\n" for i in range(20_000)), encoding="utf-8")
    (tmp_path / "LICENSE").write_text(MIT, encoding="utf-8")
    (tmp_path / "ignored5.txt").write_text("x\n", encoding="utf-8")
    assert [f.path for f in discover(str(tmp_path)).files] == [".gitignore", "LICENSE", "ignored5.txt"]


def test_exclude_patterns_past_the_cap_are_not_applied(tmp_path: Path) -> None:
    """Patterns past MAX_PATTERNS leave out nothing (more files are scanned, never fewer), and a
    backtracking pattern costs no more than a plain one (the matcher simulates, it never backtracks)."""
    from license_check.collect.discover import discover
    from license_check.collect.discover.patterns import MAX_PATTERNS, PathSpec

    patterns = tuple(f"ignored{i}.txt" for i in range(MAX_PATTERNS + 10))
    for name in ("ignored5.txt", f"ignored{MAX_PATTERNS + 5}.txt"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    found = [f.path for f in discover(str(tmp_path), exclude=patterns).files]
    assert found == [f"ignored{MAX_PATTERNS + 5}.txt"]
    spec = PathSpec(["*a*a*a*a*a*a*a*a*a*a*a*a*b"])
    assert not spec.match("a" * 5000, False) and spec.match("a" * 50 + "b", False)
