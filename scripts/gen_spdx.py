#!/usr/bin/env python3
"""Regenerate rules/generated/spdx-ids.json and spdx-templates.json from a pinned copy of SPDX's license-list-XML.

A development script, not part of the tool. The pinned copy is tests/data/spdx-license-list-XML.tar.xz:
the ``src/`` (licenses and exceptions) and ``test/simpleTestForGenerator/`` folders and the
``equivalentwords.txt`` of
https://github.com/spdx/license-list-XML at the commit named in tests/data/spdx-license-list-XML.toml.
Those are license data files (XML and plain text), not code.

    python scripts/gen_spdx.py             # rewrite rules/generated/spdx-ids.json and spdx-templates.json
    python scripts/gen_spdx.py --check     # exit 1 if a committed file is stale
    python scripts/gen_spdx.py --archive CHECKOUT --commit SHA --version V
                                            # re-pin: pack a license-list-XML checkout into tests/data

spdx-ids.json holds, per license and exception: its id, name, whether it is deprecated (and the ids
SPDX names as its replacement, ``obsoletedBy``); every scan reads it. spdx-templates.json holds each
one's matching template, read only when a license text needs it, with the words every match of it
contains (a pre-filter, computed by the matcher's own normalization). A template is a list
of nodes, the XML's structure with SPDX's matching markup kept (SPDX Matching Guidelines,
https://spdx.github.io/spdx-spec/v2.3/license-matching-guidelines-and-templates/):

* a string: text to match (whitespace collapsed);
* ``["p"]``: a paragraph or line break (rendering only);
* ``["b", "1."]``: a list bullet (guideline B.8: bullets and numbering are not matched);
* ``["o", [nodes]]``: ``<optional>`` text; ``["t", [nodes]]``: the ``<titleText>`` (B.12, optional);
  ``["c", [nodes]]``: the ``<copyrightText>`` (B.11, any copyright notice may stand there);
* ``["v", regex, default]``: ``<alt match=regex>`` replaceable text and its default.

tests/test_spdx_corpus.py regenerates the data in memory and compares, so a stale file fails the tests.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tarfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_generated.py, also when loaded by path
from _generated import write_or_check  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the matcher's own word normalization
from license_check.collect.textid.templates.program import required_words  # noqa: E402
from license_check.collect.textid.templates.text import tables  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IDS = ROOT / "rules" / "generated" / "spdx-ids.json"
TEMPLATES = ROOT / "rules" / "generated" / "spdx-templates.json"
ARCHIVE = ROOT / "tests" / "data" / "spdx-license-list-XML.tar.xz"
PIN = ROOT / "tests" / "data" / "spdx-license-list-XML.toml"
NS = "{http://www.spdx.org/license}"
_SPACE = re.compile(r"\s+")

Node = Any  # str | list (see the module docstring)


def read_archive(path: Path = ARCHIVE) -> dict[str, bytes]:
    """Member name -> content of the pinned archive (regular files only)."""
    out: dict[str, bytes] = {}
    with tarfile.open(path, "r:xz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    out[member.name] = handle.read()
    return out


def _tag(element: ET.Element) -> str:
    return element.tag.removeprefix(NS)


def _text(value: str | None) -> str:
    return _SPACE.sub(" ", value or "")


def _push(nodes: list[Node], text: str) -> None:
    if not text.strip():
        if nodes and isinstance(nodes[-1], str) and not nodes[-1].endswith(" "):
            nodes[-1] += " "
        return
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] = _text(nodes[-1] + text)
    else:
        nodes.append(_text(text))


def _break(nodes: list[Node]) -> None:
    if nodes and nodes[-1] != ["p"]:
        nodes.append(["p"])


def content(element: ET.Element) -> list[Node]:
    """The template nodes of one element's mixed content."""
    nodes: list[Node] = []
    _push(nodes, element.text or "")
    for child in element:
        tag = _tag(child)
        if tag in ("p", "item", "list", "standardLicenseHeader"):
            _break(nodes)
            nodes.extend(content(child))
            _break(nodes)
        elif tag == "br":
            _break(nodes)
        elif tag == "bullet":
            nodes.append(["b", _text(child.text).strip()])
        elif tag == "optional":
            nodes.append(["o", _trim(content(child))])
        elif tag == "titleText":
            nodes.append(["t", _trim(content(child))])
        elif tag == "copyrightText":
            nodes.append(["c", _trim(content(child))])
        elif tag == "alt":
            nodes.append(["v", child.get("match", ".*"), _text("".join(child.itertext())).strip()])
        else:
            raise ValueError(f"unexpected element <{tag}>")
        _push(nodes, child.tail or "")
    return nodes


def _trim(nodes: list[Node]) -> list[Node]:
    while nodes and (nodes[0] == ["p"] or nodes[0] == " "):
        nodes.pop(0)
    while nodes and (nodes[-1] == ["p"] or nodes[-1] == " "):
        nodes.pop()
    return [n.strip() if isinstance(n, str) and n.strip() == "" else n for n in nodes if n != ""]


def entry(name: str, data: bytes) -> dict[str, Any]:
    root = ET.fromstring(data)  # noqa: S314 - SPDX's own data files, read by a development script
    item = next(iter(root))
    kind = _tag(item)
    if kind not in ("license", "exception"):
        raise ValueError(f"{name}: unexpected <{kind}>")
    text = item.find(f"{NS}text")
    if text is None:
        raise ValueError(f"{name}: no <text>")
    obsoleted = [
        {"id": _text(o.text).strip(), **({"expression": o.get("expression", "")} if o.get("expression") else {})}
        for o in item.iter(f"{NS}obsoletedBy")
    ]
    out: dict[str, Any] = {
        "id": item.get("licenseId"),
        "name": item.get("name"),
        "exception": kind == "exception",
        "deprecated": item.get("deprecatedVersion") or None,
        "obsoleted_by": obsoleted,
        "template": _trim(content(text)),
    }
    if not out["id"] or Path(name).stem != out["id"]:
        raise ValueError(f"{name}: licenseId {out['id']!r} does not match the file name")
    return out


def generate(files: dict[str, bytes], pin: dict[str, Any]) -> tuple[str, str]:
    """The texts of spdx-ids.json and spdx-templates.json."""
    entries = [entry(n, d) for n, d in sorted(files.items()) if n.startswith("src/") and n.endswith(".xml")]
    entries.sort(key=lambda e: (e["exception"], e["id"].lower()))
    head = {"source": "https://github.com/spdx/license-list-XML", "commit": pin["commit"],
            "license_list_version": pin["version"]}
    ids = {**head, "licenses": [{k: v for k, v in e.items() if k != "template"} for e in entries]}
    equivalent = files.get("equivalentwords.txt", b"").decode("utf-8").splitlines()
    groups = [line.split(",") for line in equivalent if "," in line]
    equivalents = tables(groups)
    required = {e["id"]: [len(words := required_words(e["template"], equivalents)), " ".join(sorted(set(words)))]
                for e in entries}
    templates = {**head, "equivalent_words": groups, "required": required,
                 "templates": {e["id"]: e["template"] for e in entries}}
    lines = json.dumps(ids, ensure_ascii=False, indent=0, sort_keys=False)
    return lines + "\n", json.dumps(templates, ensure_ascii=False, separators=(",", ":")) + "\n"


def pack(checkout: Path, commit: str, version: str) -> None:
    """Re-pin: pack src/ and test/simpleTestForGenerator/ of a license-list-XML checkout."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz", preset=9) as tar:
        extra = checkout / "equivalentwords.txt"  # SPDX's equivalent spellings (matching guideline B.9)
        if extra.is_file():
            info = tarfile.TarInfo(extra.name)
            data = extra.read_bytes()
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
        for folder in ("src", "test/simpleTestForGenerator"):
            for path in sorted((checkout / folder).rglob("*")):
                if path.is_file():
                    info = tarfile.TarInfo(str(path.relative_to(checkout)))
                    data = path.read_bytes()
                    info.size, info.mtime, info.mode = len(data), 0, 0o644
                    tar.addfile(info, io.BytesIO(data))
    ARCHIVE.write_bytes(buffer.getvalue())
    PIN.write_text(f'# the pinned copy of SPDX license-list-XML in {ARCHIVE.name}\n'
                   f'commit = "{commit}"\nversion = "{version}"\n', encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    parser.add_argument("--archive", type=Path, metavar="CHECKOUT", help="re-pin from a license-list-XML checkout")
    parser.add_argument("--commit", help="the checkout's commit (with --archive)")
    parser.add_argument("--version", help="the list version it is, e.g. 3.28.0 (with --archive)")
    args = parser.parse_args()
    if args.archive:
        if not args.commit or not args.version:
            parser.error("--archive needs --commit and --version")
        pack(args.archive, args.commit, args.version)
    pin = tomllib.loads(PIN.read_text(encoding="utf-8"))
    ids, templates = generate(read_archive(), pin)
    status = write_or_check(ids, IDS, args.check, "gen_spdx.py")
    return max(status, write_or_check(templates, TEMPLATES, args.check, "gen_spdx.py"))


if __name__ == "__main__":
    raise SystemExit(main())
