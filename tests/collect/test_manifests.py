"""Package manifests: pyproject.toml, setup.cfg, setup.py, package.json, Cargo.toml."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from license_check.collect.detectors import manifests
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.model import ClaimScope, FileEntry, RawForm

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]
CTX = ScanContext()


def run(write_files: WriteFiles, files: dict[str, str | bytes]) -> DetectorResult:
    return manifests.detect(write_files(files), CTX)


def summary(result: DetectorResult) -> list[tuple[str | None, RawForm, str | None, str]]:
    """(raw, form, key, source) per claim, after checking the invariants every claim keeps."""
    out = []
    for claim in result.claims:
        assert claim.scope is ClaimScope.DIRECTORY
        assert len(claim.evidence) == 1
        out.append((claim.raw, claim.form, claim.evidence[0].key, claim.source))
    return out


def rules(result: DetectorResult) -> list[str]:
    return [f.rule for f in result.findings]


# --- pyproject.toml -------------------------------------------------------------------------------


def test_pep639_license_files_and_classifiers(write_files: WriteFiles) -> None:
    text = """
[project]
name = "x"
license = "Apache-2.0 OR MIT"
license-files = ["LICENSE*", "licenses/**/*.txt"]
classifiers = [
    "Programming Language :: Python",
    "License :: OSI Approved :: Apache Software License",
    "License :: OSI Approved :: MIT License",
]
"""
    files: dict[str, str | bytes] = {
        "pyproject.toml": text, "LICENSE-APACHE": "a", "LICENSE-MIT": "m",
        "licenses/vendored/a/BSD.txt": "b", "licenses/readme.md": "no", "src/LICENSE": "not root",
    }
    result = run(write_files, files)
    assert summary(result) == [
        ("Apache-2.0 OR MIT", RawForm.SPDX, "project.license", "pyproject"),
        ("License :: OSI Approved :: Apache Software License", RawForm.CLASSIFIER, "project.classifiers[1]",
         "pyproject"),
        ("License :: OSI Approved :: MIT License", RawForm.CLASSIFIER, "project.classifiers[2]", "pyproject"),
    ]
    assert result.extra["license_files"] == ["LICENSE-APACHE", "LICENSE-MIT", "licenses/vendored/a/BSD.txt"]
    first = result.claims[0]
    assert first.target == "."
    assert first.evidence[0].line == 4
    assert first.evidence[0].confidence == 0.95
    assert result.claims[1].evidence[0].confidence == 0.7
    assert result.findings == ()


def test_pyproject_in_a_subfolder_targets_that_folder(write_files: WriteFiles) -> None:
    result = run(write_files, {"pkg/sub/pyproject.toml": '[project]\nlicense = "MIT"\n'})
    assert [(c.target, c.path) for c in result.claims] == [("pkg/sub", "pkg/sub/pyproject.toml")]


def test_legacy_license_tables(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "a/pyproject.toml": '[project]\nlicense = {text = "Apache License 2.0"}\n',
        "b/pyproject.toml": '[project]\nlicense = {file = "LICENSE.txt"}\n',
        "b/LICENSE.txt": "text",
        "c/pyproject.toml": '[project.license]\nfile = "COPYING"\n',
    })
    assert summary(result)[:1] == [("Apache License 2.0", RawForm.NAME, "project.license.text", "pyproject")]
    assert result.claims[0].evidence[0].confidence == 0.8
    assert result.extra["license_files"] == ["b/LICENSE.txt"]
    # c/COPYING does not exist: a finding and an unknown claim for c
    assert rules(result) == ["missing-license-file"]
    assert [(c.target, c.raw) for c in result.claims[1:]] == [("c", None)]


def test_poetry(write_files: WriteFiles) -> None:
    text = '[tool.poetry]\nname = "x"\nlicense = "BSD-3-Clause"\nclassifiers = ["License :: Public Domain"]\n'
    assert summary(run(write_files, {"pyproject.toml": text})) == [
        ("BSD-3-Clause", RawForm.SPDX, "tool.poetry.license", "pyproject"),
        ("License :: Public Domain", RawForm.CLASSIFIER, "tool.poetry.classifiers[0]", "pyproject"),
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("42", "a number"),
        ('["MIT", "BSD"]', "a list"),
        ("true", "a boolean"),
        ('""', "an empty string"),
        ('{text = 3}', "a number"),
        ('{text = "MIT", file = "LICENSE"}', "exactly one"),
        ("{}", "exactly one"),
    ],
)
def test_pyproject_wrong_types_are_unknown_not_permissive(write_files: WriteFiles, value: str, shown: str) -> None:
    result = run(write_files, {"pyproject.toml": f'[project]\nname = "x"\nlicense = {value}\n'})
    assert summary(result) == [(None, RawForm.SPDX, "project.license", "pyproject")]
    assert rules(result) == ["malformed-metadata"]
    message = result.findings[0].message
    assert "pyproject.toml" in message and "project.license" in message and shown in message


def test_malformed_toml_is_a_finding_and_unknown(write_files: WriteFiles) -> None:
    result = run(write_files, {"pyproject.toml": '[project\nlicense = "MIT"\n'})
    assert rules(result) == ["malformed-metadata"]
    assert "pyproject.toml" in result.findings[0].message
    assert summary(result) == [(None, RawForm.SPDX, None, "pyproject")]


def test_malformed_toml_without_license_mentions_is_only_a_finding(write_files: WriteFiles) -> None:
    result = run(write_files, {"pyproject.toml": "[tool.black\nline-length = 3\n"})
    assert rules(result) == ["malformed-metadata"]
    assert result.claims == ()


def test_binary_and_non_utf8_manifests(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "a/pyproject.toml": b"\x00\x01\x02license",
        "b/pyproject.toml": b'[project]\nname = "caf\xe9"\nlicense = "MIT"\n',
    })
    assert rules(result) == ["malformed-metadata"]
    assert [(c.target, c.raw) for c in result.claims] == [("a", None), ("b", "MIT")]


def test_huge_manifest_is_not_parsed(write_files: WriteFiles) -> None:
    text = '[project]\nlicense = "MIT"\n' + "# padding\n" * 120_000
    result = run(write_files, {"pyproject.toml": text})
    assert rules(result) == ["malformed-metadata"]
    assert "KiB" in result.findings[0].message
    assert [c.raw for c in result.claims] == [None]


def test_pyproject_without_license_says_nothing(write_files: WriteFiles) -> None:
    text = '[project]\nname = "x"\ndynamic = ["license"]\n[tool.ruff]\nline-length = 100\n'
    result = run(write_files, {"pyproject.toml": text})
    assert result.claims == () and result.findings == ()


# --- setup.cfg ------------------------------------------------------------------------------------


def test_setup_cfg(write_files: WriteFiles) -> None:
    text = """[metadata]
name = x
license = Apache Software License 2.0
license_files =
    LICENSE
    NOTICE
classifiers =
    Development Status :: 4 - Beta
    License :: OSI Approved :: Apache Software License
url = http://x/%(name)s

[options]
packages = find:
"""
    result = run(write_files, {"setup.cfg": text, "LICENSE": "x", "NOTICE": "n"})
    assert summary(result) == [
        ("Apache Software License 2.0", RawForm.NAME, "metadata.license", "setup-cfg"),
        ("License :: OSI Approved :: Apache Software License", RawForm.CLASSIFIER, "metadata.classifiers[1]",
         "setup-cfg"),
    ]
    assert result.claims[0].evidence[0].line == 3
    assert result.extra["license_files"] == ["LICENSE", "NOTICE"]
    assert result.findings == ()


def test_setup_cfg_license_expression(write_files: WriteFiles) -> None:
    result = run(write_files, {"setup.cfg": "[metadata]\nlicense_expression = MIT AND BSD-2-Clause\n"})
    assert summary(result) == [("MIT AND BSD-2-Clause", RawForm.SPDX, "metadata.license_expression", "setup-cfg")]


def test_setup_cfg_malformed(write_files: WriteFiles) -> None:
    result = run(write_files, {"setup.cfg": "license = MIT\n[metadata\n"})
    assert rules(result) == ["malformed-metadata"]
    assert "setup.cfg" in result.findings[0].message
    assert [c.raw for c in result.claims] == [None]
    dup = run(write_files, {"x/setup.cfg": "[metadata]\nlicense = MIT\nlicense = BSD\n"})
    assert rules(dup) == ["malformed-metadata"]


# --- setup.py -------------------------------------------------------------------------------------


def test_setup_py_literals(write_files: WriteFiles) -> None:
    text = '''
from setuptools import setup
LICENSE = "BSD License"
CLASSIFIERS = ["License :: OSI Approved :: BSD License", "Topic :: Utilities"]
setup(
    name="x",
    license=LICENSE,
    classifiers=CLASSIFIERS,
    license_files=["LICENSE.txt"],
)
'''
    result = run(write_files, {"setup.py": text, "LICENSE.txt": "x"})
    assert summary(result) == [
        ("BSD License", RawForm.NAME, "setup().license", "setup-py"),
        ("License :: OSI Approved :: BSD License", RawForm.CLASSIFIER, "setup().classifiers[0]", "setup-py"),
    ]
    assert result.claims[0].evidence[0].line == 7
    assert result.extra["license_files"] == ["LICENSE.txt"]
    assert result.findings == ()


def test_setup_py_attribute_call_and_kwargs_dict(write_files: WriteFiles) -> None:
    text = '''
import setuptools
META = {"name": "x", "license_expression": "MPL-2.0"}
setuptools.setup(**META)
'''
    assert summary(run(write_files, {"setup.py": text})) == [
        ("MPL-2.0", RawForm.SPDX, "setup().license_expression", "setup-py"),
    ]


def test_setup_py_computed_value_is_unknown_and_reported(write_files: WriteFiles) -> None:
    text = 'from setuptools import setup\nsetup(license=open("LICENSE").readline().strip(), **extra())\n'
    result = run(write_files, {"setup.py": text})
    assert summary(result) == [(None, RawForm.NAME, "setup().license", "setup-py")]
    assert sorted(rules(result)) == ["unevaluated-metadata", "unevaluated-metadata"]
    assert any("setup().license" in f.message and "setup.py" in f.message for f in result.findings)


def test_setup_py_syntax_error(write_files: WriteFiles) -> None:
    result = run(write_files, {"setup.py": "from setuptools import setup\nsetup(license='MIT'\n"})
    assert rules(result) == ["malformed-metadata"]
    assert "setup.py" in result.findings[0].message
    assert [c.raw for c in result.claims] == [None]


def test_setup_py_wrong_type_and_none(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "a/setup.py": "from setuptools import setup\nsetup(license=3)\n",
        "b/setup.py": "from setuptools import setup\nsetup(license=None)\n",
    })
    assert rules(result) == ["malformed-metadata"]
    assert [(c.target, c.raw) for c in result.claims] == [("a", None)]


def test_setup_py_is_never_executed(write_files: WriteFiles, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    text = f'''
import pathlib
pathlib.Path({str(marker)!r}).write_text("ran")
from setuptools import setup
setup(license=pathlib.Path({str(marker)!r}).write_text("ran") and "MIT", classifiers=__import__("os").listdir())
'''
    result = run(write_files, {"setup.py": text})
    assert not marker.exists()
    assert [c.raw for c in result.claims] == [None]
    assert set(rules(result)) == {"unevaluated-metadata"}


def test_setup_py_deeply_nested_does_not_crash(write_files: WriteFiles) -> None:
    text = "from setuptools import setup\nx = " + "[" * 5000 + "]" * 5000 + "\nsetup(license='MIT')\n"
    result = run(write_files, {"setup.py": text})
    assert rules(result) in (["malformed-metadata"], [])


# --- package.json ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"license": "MIT"}, [("MIT", RawForm.SPDX, "license")]),
        ({"license": "(ISC OR GPL-3.0-only)"}, [("(ISC OR GPL-3.0-only)", RawForm.SPDX, "license")]),
        ({"license": "UNLICENSED"}, [("UNLICENSED", RawForm.NAME, "license")]),
        ({"license": {"type": "BSD", "url": "http://x"}}, [("BSD", RawForm.NAME, "license.type")]),
        ({"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]},
         [("MIT OR Apache-2.0", RawForm.SPDX, "licenses")]),
        ({"licenses": [{"type": "Apache License 2.0"}]}, [("Apache License 2.0", RawForm.NAME, "licenses")]),
        ({"licenses": ["MIT"]}, [("MIT", RawForm.SPDX, "licenses")]),
        ({"name": "x", "private": True}, []),
    ],
)
def test_package_json_forms(write_files: WriteFiles, data: object, expected: list[tuple[str, RawForm, str]]) -> None:
    result = run(write_files, {"package.json": json.dumps(data, indent=2)})
    assert [(raw, form, key) for raw, form, key, _ in summary(result)] == expected
    assert all(c.source == "package-json" for c in result.claims)
    assert result.findings == ()


def test_package_json_see_license_in(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "a/package.json": '{"license": "SEE LICENSE IN EULA.md"}', "a/EULA.md": "terms",
        "b/package.json": '{"license": "SEE LICENSE IN ./missing.txt"}',
    })
    assert result.extra["license_files"] == ["a/EULA.md"]
    assert rules(result) == ["missing-license-file"]
    assert [(c.target, c.raw) for c in result.claims] == [("b", None)]


@pytest.mark.parametrize(
    "text",
    [
        '{"license": 5}', '{"license": null}', '{"license": ["MIT", 1]}', '{"license": ""}',
        '{"license": {"url": "x"}}', '{"licenses": "MIT"}', '{"licenses": []}',
    ],
)
def test_package_json_wrong_types(write_files: WriteFiles, text: str) -> None:
    result = run(write_files, {"package.json": text})
    assert rules(result) == ["malformed-metadata"]
    assert [c.raw for c in result.claims] == [None]
    assert "package.json" in result.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        '{"license": "MIT",',
        "[1, 2]",
        "[" * 100_000 + "]" * 100_000,
        '{"license": "MIT", "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
    ],
)
def test_package_json_malformed_or_deeply_nested(write_files: WriteFiles, text: str) -> None:
    result = run(write_files, {"package.json": text})
    assert rules(result) == ["malformed-metadata"]


def test_package_json_in_node_modules_is_skipped(write_files: WriteFiles) -> None:
    result = run(write_files, {"node_modules/x/package.json": '{"license": "GPL-3.0"}'})
    assert result.claims == ()


# --- Cargo.toml -----------------------------------------------------------------------------------


def test_cargo_license_kept_as_found(write_files: WriteFiles) -> None:
    text = '[package]\nname = "x"\nlicense = "MIT/Apache-2.0"\n'
    result = run(write_files, {"Cargo.toml": text})
    assert summary(result) == [("MIT/Apache-2.0", RawForm.SPDX, "package.license", "cargo")]
    assert result.claims[0].evidence[0].line == 3


def test_cargo_license_file_and_workspace_inheritance(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n[workspace.package]\nlicense = "Apache-2.0"\n',
        "crates/a/Cargo.toml": '[package]\nname = "a"\nlicense.workspace = true\n',
        "crates/b/Cargo.toml": '[package]\nname = "b"\nlicense-file = "LICENSE.txt"\n',
        "crates/b/LICENSE.txt": "custom",
    })
    assert [(c.target, c.raw, c.path, c.evidence[0].key) for c in result.claims] == [
        ("crates/a", "Apache-2.0", "Cargo.toml", "workspace.package.license"),
    ]
    assert result.extra["license_files"] == ["crates/b/LICENSE.txt"]


def test_cargo_malformed_and_wrong_types(write_files: WriteFiles) -> None:
    result = run(write_files, {
        "a/Cargo.toml": '[package]\nlicense = "MIT\n',
        "b/Cargo.toml": "[package]\nlicense = 1\n",
        "c/Cargo.toml": "[package]\nlicense.workspace = true\n",
    })
    assert rules(result) == ["malformed-metadata"] * 3
    assert [(c.target, c.raw) for c in result.claims] == [("a", None), ("b", None), ("c", None)]
