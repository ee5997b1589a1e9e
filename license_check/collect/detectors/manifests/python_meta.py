"""pyproject.toml (source ``pyproject``) and setup.cfg (source ``setup-cfg``), parsed statically.

Keys read (Evidence.key):
- ``project.license``: a string is a PEP 639 SPDX expression (SPDX, 0.95); the legacy table form
  ``{text = "..."}`` is a free-text name (NAME, 0.8); ``{file = "..."}`` points to a license file
  (recorded, no claim of its own).
- ``project.license-files`` and ``tool.setuptools.license-files``: globs, resolved to license files.
- ``project.classifiers[i]`` / ``tool.poetry.classifiers[i]``: one CLASSIFIER claim (0.7) per
  ``License ::`` classifier.
- ``tool.poetry.license``: documented as an SPDX identifier (SPDX, 0.95).
- setup.cfg ``metadata.license`` (NAME, 0.8), ``metadata.license_expression`` (SPDX, 0.95),
  ``metadata.license_files``/``license_file`` (globs) and ``metadata.classifiers`` (one per line).
"""

from __future__ import annotations

import configparser
import re
from typing import Any

from license_check.collect.detectors.manifests._collect import (
    NAME_CONFIDENCE,
    SPDX_CONFIDENCE,
    Collector,
    type_name,
)
from license_check.model import RawForm


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _globs(c: Collector, value: object, key: str) -> None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        c.license_globs([str(v) for v in value])
    else:
        c.malformed(f"{key} must be a list of glob strings, not {type_name(value)}", key, unknown=False)


def _spdx_string(c: Collector, value: object, key: str, line_pattern: str) -> None:
    line = c.line_of(line_pattern)
    if isinstance(value, str) and value.strip():
        c.claim(value.strip(), RawForm.SPDX, key, SPDX_CONFIDENCE, line)
    else:
        shown = "an empty string" if isinstance(value, str) else type_name(value)
        c.malformed(f"the license is {shown}, not a license expression string", key, line=line)


def parse_pyproject(c: Collector) -> None:
    data = c.read_toml("pyproject.toml")
    if data is None:
        return
    project = _table(data.get("project"))
    if "license" in project:
        _project_license(c, project["license"])
    if "license-files" in project:
        _globs(c, project["license-files"], "project.license-files")
    if "classifiers" in project:
        c.classifiers(project["classifiers"], "project.classifiers")
    tool = _table(data.get("tool"))
    setuptools = _table(tool.get("setuptools"))
    if "license-files" in setuptools:
        _globs(c, setuptools["license-files"], "tool.setuptools.license-files")
    poetry = _table(tool.get("poetry"))
    if "license" in poetry:
        _spdx_string(c, poetry["license"], "tool.poetry.license", r"^\s*license\s*=")
    if "classifiers" in poetry:
        c.classifiers(poetry["classifiers"], "tool.poetry.classifiers")


def _project_license(c: Collector, value: object) -> None:
    key = "project.license"
    if not isinstance(value, dict):
        _spdx_string(c, value, key, r"^\s*license\s*=")
        return
    line = c.line_of(r"^\s*license\s*=|^\s*\[project\.license\]")
    text, file = value.get("text"), value.get("file")
    if (text is None) == (file is None):
        c.malformed("the legacy license table must have exactly one of 'text' or 'file'", key, line=line)
    elif isinstance(text, str) and text.strip():
        c.claim(text.strip(), RawForm.NAME, f"{key}.text", NAME_CONFIDENCE, line)
    elif isinstance(file, str) and file.strip():
        c.pointer(file, f"{key}.file")
    else:
        wrong = text if text is not None else file
        c.malformed(f"the license table's value is {type_name(wrong)}, not a non-empty string", key, line=line)


def _cfg_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]


def parse_setup_cfg(c: Collector) -> None:
    text = c.read("setup.cfg")
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=c.entry.path)
    except (configparser.Error, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        c.parse_failed(f"it is not a valid INI file ({type(exc).__name__}: {str(exc).splitlines()[0]})",
                       line=line if isinstance(line, int) else None)
        return
    if not parser.has_section("metadata"):
        return
    meta = parser["metadata"]
    if "license_expression" in meta:
        _spdx_string(c, meta["license_expression"], "metadata.license_expression",
                     r"^\s*license_expression\s*[=:]")
    license_ = meta.get("license", "").strip()
    if license_:
        line = c.line_of(r"^\s*license\s*[=:]")
        if license_.startswith("file:"):
            for rel in _cfg_list(license_[len("file:"):]):
                c.pointer(rel, "metadata.license")
        else:
            c.claim(license_, RawForm.NAME, "metadata.license", NAME_CONFIDENCE, line)
    for key in ("license_files", "license_file"):
        if key in meta:
            c.license_globs(_cfg_list(meta[key]))
    classifiers = meta.get("classifiers", "").strip()
    if classifiers.startswith("file:"):
        c.finding(
            "unevaluated-metadata",
            f"{c.entry.path}, key 'metadata.classifiers': the classifiers are read from "
            f"{classifiers[len('file:'):].strip()!r}, which is not evaluated; license classifiers in it "
            "are not seen. List them in setup.cfg or declare the license with license_expression.",
            c.line_of(r"^\s*classifiers\s*[=:]"),
        )
    elif classifiers:
        c.classifiers([line.strip() for line in classifiers.splitlines() if line.strip()],
                      "metadata.classifiers")
