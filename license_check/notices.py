"""``license-check notices PATH``: the NOTICE bundle a release ships (THIRD_PARTY_NOTICES.md).

For every component the release checklist names under a crediting duty (ship the license text, keep the
copyright and license notices, pass NOTICE files on), in the checklist's order: the component, its
license, its copyright lines, the full text of each license file and NOTICE file of the tree that is its
evidence, and for a dependency, whose files live where it is installed, the SPDX list's text of its
license (with a note that the package's own copyright lines must be taken from the package). The bundle
ends with the checklist items it covers and the ones it leaves to the release (state changes, source
offers, ...). Files are read inside the scanned root only, with the read caps of collect/reading.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from license_check.collect.reading import LICENSE_TEXT_CAP, read_text
from license_check.model import NOTICE_DUTIES, ChecklistItem, JudgedComponent, Kind, Report

COVERS = NOTICE_DUTIES  # the checklist duties a notice bundle discharges (model.py)
_TEXT_SOURCES = ("license-file", "notice-file")
_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s*\d).*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Bundle:
    text: str  # the Markdown document
    components: tuple[str, ...]  # the components it credits, in order
    covered: tuple[str, ...]  # checklist codes it discharges


def _order(checklist: Sequence[ChecklistItem], judged: dict[str, JudgedComponent]) -> list[str]:
    out: list[str] = []
    for item in checklist:
        if item.code in COVERS:
            out += [c for c in item.components if c in judged and c not in out]
    return out


def _read(root: str, rel: str) -> str | None:
    """A file of the scanned tree, by its report path (never outside the root, never a symbolic link)."""
    if rel.startswith(("env:", "/")) or ".." in rel.split("/"):
        return None
    base = os.path.realpath(root)
    path = os.path.join(base, *rel.split("/"))
    if os.path.islink(path) or not os.path.realpath(path).startswith(base + os.sep):
        return None
    read = read_text(path, LICENSE_TEXT_CAP)
    return read.text


def _holder(line: str) -> bool:
    """A copyright line that names a holder (not a template's "[yyyy] [name of copyright owner]", not a
    sentence of the license's body): the text gate's own test (collect/textid/gate.py)."""
    from license_check.collect.textid.gate import copyright_line_ok

    return copyright_line_ok(line) and not _PLACEHOLDER.search(line)


_PLACEHOLDER = re.compile(r"\[[^\]]*\]|<[^>]*>|\{[^}]*\}")


def _spdx_text(expression: str | None) -> str | None:
    """The SPDX list's text of a single license id (for a dependency, whose own files are not in the tree)."""
    if expression is None or not re.fullmatch(r"[A-Za-z0-9.+-]+", expression):
        return None
    from license_check.collect.textid import templates

    try:
        return templates.reference_text(expression)
    except (KeyError, ValueError):
        return None


def _section(root: str, comp: JudgedComponent) -> list[str]:
    name = comp.component.ref or comp.component.id
    version = f" {comp.component.version}" if comp.component.version else ""
    out = [f"## {name}{version}", "", f"License: {comp.license or 'unknown'}", ""]
    texts: list[tuple[str, str]] = []
    for ev in comp.evidence:
        if ev.source in _TEXT_SOURCES and ev.path not in (p for p, _ in texts):
            text = _read(root, ev.path)
            if text is not None:
                texts.append((ev.path, text))
    copyrights = sorted({line for _, text in texts for m in _COPYRIGHT.finditer(text)
                         if _holder(line := m.group(0).strip())})
    if copyrights:
        out += ["Copyright:", "", *(f"    {line}" for line in copyrights), ""]
    for path, text in texts:
        out += [f"### {path}", "", "```text", text.rstrip("\n").replace("```", "``\u200b`"), "```", ""]
    if not texts and comp.component.kind is Kind.DEPENDENCY:
        standard = _spdx_text(comp.license)
        out += ["The package's own license file and copyright lines are in the installed package; take its "
                "copyright notice from there.", ""]
        if standard is not None:
            out += [f"### {comp.license} (the SPDX license list's text)", "", "```text", standard.rstrip("\n"),
                    "```", ""]
    elif not texts:
        out += ["No license or NOTICE file of the tree states this component's terms; see its evidence in the "
                "report.", ""]
    return out


def bundle(report: Report, root: str) -> Bundle:
    """The NOTICE bundle of ``report`` (a scan of ``root``)."""
    judged = {c.component.id: c for c in report.components}
    order = _order(report.checklist, judged)
    covered = tuple(i.code for i in report.checklist if i.code in COVERS)
    left = [i for i in report.checklist if i.code not in COVERS]
    out = ["# Third-party notices", "",
           f"Generated by license-check from {report.root} (project license: {report.project_license or 'none'}; "
           f"use mode {report.policy.get('use_mode')}). {len(order)} component(s) to credit, in the order of the "
           "release checklist.", ""]
    for cid in order:
        out += _section(root, judged[cid])
    out += ["## What this file covers", ""]
    out += [f"- [x] {i.text} ({', '.join(i.components)})" for i in report.checklist if i.code in COVERS]
    out += [f"- [ ] {i.text} ({', '.join(i.components)}): not covered by this file" for i in left]
    return Bundle("\n".join(out).rstrip("\n") + "\n", tuple(order), covered)
