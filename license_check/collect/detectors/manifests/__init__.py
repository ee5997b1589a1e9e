"""Package manifests, parsed statically (nothing from the scanned repository is run or imported).

One module per format: python_meta (pyproject.toml, setup.cfg), setup_py, package_json, cargo,
maven_pom (pom.xml).
Every claim is DIRECTORY scope on the manifest's folder, with the key path in Evidence.key.
Confidence: SPDX expression field 0.95, free-text name 0.8, trove classifier 0.7.

A license field that cannot be read (malformed file, wrong type, computed value, missing license file)
gives a finding and an unknown claim (raw None) so the folder is unknown, never more permissive.

``DetectorResult.extra["license_files"]``: sorted relative paths of files that a manifest names as
its license files (PEP 639 ``license-files`` globs, ``license = {file = ...}``, setup.cfg
``license_files``, npm ``SEE LICENSE IN``, Cargo ``license-file``). The license texts themselves are
read by the license-file detector; these paths tell which files the manifests point to.
``extra["license_file_owners"]`` maps each of them to the folder of the manifest that names it: the
pipeline identifies pointed-to files with unusual names (``SEE LICENSE IN EULA.md``) for that folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.detectors.manifests._collect import Collector
from license_check.collect.detectors.manifests.cargo import parse_cargo
from license_check.collect.detectors.manifests.maven_pom import parse_pom
from license_check.collect.detectors.manifests.package_json import parse_package_json
from license_check.collect.detectors.manifests.python_meta import parse_pyproject, parse_setup_cfg
from license_check.collect.detectors.manifests.setup_py import parse_setup_py
from license_check.model import Claim, FileEntry, Finding

NAME = "manifests"

_PARSERS: dict[str, tuple[str, Callable[[Collector], None]]] = {
    "pyproject.toml": ("pyproject", parse_pyproject),
    "setup.cfg": ("setup-cfg", parse_setup_cfg),
    "setup.py": ("setup-py", parse_setup_py),
    "package.json": ("package-json", parse_package_json),
    "pom.xml": ("maven-pom", parse_pom),
}


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    by_path = {f.path: f for f in files}
    paths = frozenset(by_path)
    claims: list[Claim] = []
    findings: list[Finding] = []
    license_files: set[str] = set()
    owners: dict[str, str] = {}  # pointed-to license file -> folder of the manifest that names it
    for entry in files:
        if "node_modules" in entry.path.split("/")[:-1]:
            continue
        if entry.name == "Cargo.toml":
            collector = Collector(entry, "cargo", paths)
            parse_cargo(collector, by_path)
        elif entry.name in _PARSERS:
            source, parse = _PARSERS[entry.name]
            collector = Collector(entry, source, paths)
            parse(collector)
        else:
            continue
        claims += collector.claims
        findings += collector.findings
        license_files.update(collector.license_files)
        for path in collector.license_files:
            owners.setdefault(path, collector.folder)
    extra: dict[str, object] = {"license_files": sorted(license_files),
                                "license_file_owners": dict(sorted(owners.items()))}
    return DetectorResult(tuple(claims), tuple(findings), extra)
