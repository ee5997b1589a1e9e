"""Reading the installed distributions of site-packages folders (``*.dist-info``, ``*.egg-info``).

Only metadata files are read: ``METADATA`` / ``PKG-INFO`` headers (email format, compat32 policy, the
first MiB), and the names of license files. No package is imported. A folder, metadata file or license
file that is a symbolic link is followed only while it stays inside its site-packages folder. As with
``importlib.metadata``, the first site folder wins for a duplicate name (``sys.path`` order); inside one
folder the first in name order wins and the other is reported. Fields kept: Name (``normalize_name``),
Version, License-Expression (PEP 639), License (free text, the first 2,000 characters; setuptools'
``UNKNOWN`` is no license), the ``License ::`` classifiers, License-File (PEP 639: relative to
``.dist-info/licenses/``; older wheels: relative to the ``.dist-info`` folder) or, when none is named, the
LICENSE*/LICENCE*/COPYING*/NOTICE* files the folder holds, and Requires-Dist as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path

from license_check.collect.deps._shared import inside, regular
from license_check.collect.deps.model import Ecosystem, Installed, ReadProblem, normalize_name
from license_check.collect.reading import decode, read_bytes

METADATA_CAP = 1024 * 1024
MAX_DISTRIBUTIONS = 20_000
LICENSE_TEXT_CHARS = 2000
MAX_LICENSE_FILES = 100  # per distribution
_LICENSE_NAME = re.compile(r"(?:LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
_HEADERS_END = re.compile(r"\r?\n\r?\n")
_FOLDER = re.compile(r"^(?P<name>[^-]+(?:-[^-]+)*?)(?:-(?P<version>\d[^-]*))?(?:-py\d.*)?$")


@dataclass(slots=True)
class SiteRead:
    """What the site folders hold: the distributions read, the problems, and the distributions found
    without readable metadata (normalized name -> their folder), which a closure reports as such."""

    installed: list[Installed] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)


def read_distributions(site_dirs: Sequence[Path]) -> tuple[list[Installed], list[ReadProblem]]:
    """Every distribution of ``site_dirs`` (first folder first), and what could not be read."""
    site = read_site(site_dirs)
    return site.installed, site.problems


def read_site(site_dirs: Sequence[Path], *, limit: int = MAX_DISTRIBUTIONS) -> SiteRead:
    """``read_distributions`` with the names of the distributions whose metadata could not be read."""
    out = SiteRead()
    seen: dict[str, str] = {}  # name -> where (the winner)
    count = 0
    for site_dir in site_dirs:
        root = os.path.realpath(site_dir)
        try:
            with os.scandir(site_dir) as entries:
                names = sorted(e.name for e in entries if e.name.endswith((".dist-info", ".egg-info")))
        except OSError as exc:
            out.problems.append(ReadProblem(str(site_dir), None, f"{site_dir} cannot be listed: "
                                                                  f"{exc.strerror or type(exc).__name__}"))
            continue
        for entry in names:
            if count >= limit:
                out.problems.append(ReadProblem(str(site_dir), None, f"more than {limit} distributions; "
                                                                      "the rest were not read"))
                return out
            count += 1
            _read_one(Path(site_dir) / entry, root, out, seen)
    return out


def _folder_name(entry: Path) -> str:
    stem = entry.name.rsplit(".", 1)[0]
    match = _FOLDER.match(stem)
    return normalize_name(match.group("name") if match else stem)


def _read_one(entry: Path, root: str, out: SiteRead, seen: dict[str, str]) -> None:
    shown = str(entry)
    real = os.path.realpath(entry)
    if not inside(real, root):
        out.problems.append(ReadProblem(shown, None, f"{shown} is a symbolic link out of its site-packages "
                                                     "folder (not followed)"))
        return
    if os.path.isdir(real):
        meta = Path(real) / ("METADATA" if entry.name.endswith(".dist-info") else "PKG-INFO")
    elif entry.name.endswith(".egg-info") and os.path.isfile(real):
        meta = Path(real)  # the single-file form distutils wrote: the file is PKG-INFO
    else:
        return
    meta_real = os.path.realpath(meta)
    if not inside(meta_real, root):
        _unreadable(out, entry, f"{meta} is a symbolic link out of its site-packages folder (not followed)")
        return
    data, _truncated, error = read_bytes(meta_real, METADATA_CAP)
    if data is None:
        why = "is missing" if not os.path.lexists(meta) else f"cannot be read ({error})"
        _unreadable(out, entry, f"{meta} {why}")
        return
    text, binary = decode(data)
    if binary or text is None:
        _unreadable(out, entry, f"{meta} is binary, not metadata")
        return
    headers = _HEADERS_END.split(text, maxsplit=1)[0]
    try:
        message = HeaderParser(policy=policy.compat32).parsestr(headers, headersonly=True)
    except Exception as exc:  # the email package has no narrow error for bad input
        _unreadable(out, entry, f"{meta} cannot be parsed ({type(exc).__name__})")
        return
    raw_name = _first(message, "Name")
    if not raw_name:
        _unreadable(out, entry, f"{meta} names no distribution (no Name field)")
        return
    name = normalize_name(raw_name)
    if name in seen:
        if os.path.dirname(seen[name]) == os.path.dirname(str(entry)):
            out.problems.append(ReadProblem(shown, None, f"{name} is installed twice in one folder; "
                                                         f"{seen[name]} is the one read"))
        return
    seen[name] = str(entry)
    version = _first(message, "Version") or ""
    if not version:
        out.problems.append(ReadProblem(str(meta), None, f"{meta} gives no Version"))
    files, file_problems = _license_files(message, Path(real), entry.name.endswith(".dist-info"), root)
    out.problems += [ReadProblem(str(meta), None, p) for p in file_problems]
    out.installed.append(Installed(
        name=name, ecosystem=Ecosystem.PYPI, version=version, where=str(meta),
        license_expression=_first(message, "License-Expression") or None,
        license=_license_text(message),
        classifiers=tuple(c for c in _all(message, "Classifier") if c.startswith("License ::")),
        license_files=files,
        requires=tuple(r for r in _all(message, "Requires-Dist") if r),
    ))


def _unreadable(out: SiteRead, entry: Path, message: str) -> None:
    out.problems.append(ReadProblem(str(entry), None, message))
    out.unreadable.setdefault(_folder_name(entry), str(entry))


def _all(message: Message, key: str) -> list[str]:
    values = message.get_all(key) or []
    return [" ".join(str(v).split()) if key != "License" else str(v) for v in values]


def _first(message: Message, key: str) -> str | None:
    values = _all(message, key)
    return values[0].strip() if values else None


def _license_text(message: Message) -> str | None:
    values = _all(message, "License")
    if not values:
        return None
    lines = values[0].replace("\r\n", "\n").split("\n")
    # setuptools folds a multi-line field with 8 spaces (or 7 and a '|') after each line break
    text = "\n".join([lines[0], *(re.sub(r"^(?: {8}| {7}\|)", "", line) for line in lines[1:])]).strip()
    if not text or text.upper() == "UNKNOWN":
        return None
    return text[:LICENSE_TEXT_CHARS]


def _license_files(message: Message, folder: Path, dist_info: bool, root: str) -> tuple[tuple[str, ...], list[str]]:
    named = [n.strip() for n in _all(message, "License-File") if n.strip()][:MAX_LICENSE_FILES]
    out: list[str] = []
    problems: list[str] = []
    if named:
        for name in named:
            bases = (folder / "licenses", folder) if dist_info else (folder,)
            hit = next((p for p in (regular(b / name, root) for b in bases) if p), None)
            if hit is None:
                problems.append(f"License-File {name!r} is not in {folder}")
            elif hit not in out:
                out.append(hit)
        return tuple(out), problems
    for base in (folder, folder / "licenses"):
        try:
            with os.scandir(base) as entries:
                names = sorted(e.name for e in entries if _LICENSE_NAME.match(e.name))
        except OSError:
            continue
        for name in names[:MAX_LICENSE_FILES]:
            hit = regular(base / name, root)
            if hit and hit not in out:
                out.append(hit)
    return tuple(out), problems


