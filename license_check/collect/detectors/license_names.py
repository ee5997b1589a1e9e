"""License-bearing file names: which files are license texts or notices, and what a name scopes.

The conventions are reviewed data (rules/file-names.toml); this module applies them to one name or path.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from license_check.knowledge.data import FileNames, load_file_names, rules_dir
from license_check.model import Kind

_THIRD_PARTY = r"(?:third|3rd)[-_. ]?part(?:y|ies)[-_. ]?(?:notices?|licen[cs]es?|attributions?)"
_LEGAL_NAME = re.compile(
    rf"^(?P<base>licen[cs]es?|copying|copyrights?|unlicen[cs]e|mit[-_]licen[cs]e|notices?|patents|{_THIRD_PARTY})"
    r"(?:[-_.](?P<rest>[a-z0-9][a-z0-9._+-]{0,60}))?$"
)
_NOTICE_BASE = re.compile(rf"^(?:notices?|patents|{_THIRD_PARTY})$")
_THIRD_PARTY_REST = re.compile(r"(?:third|3rd)[-_. ]?part(?:y|ies)")
# A name like LICENSE.py or license.json is code or data, not a license text.
_NOT_TEXT = frozenset(str.split(
    "py pyc pyi pyx js mjs cjs ts tsx jsx go rs java kt kts scala c cc cpp cxx h hh hpp cs rb php pl pm sh "
    "bash zsh ps1 bat swift mm r lua sql json jsonl yaml yml toml xml ini cfg conf lock csv tsv png jpg "
    "jpeg gif svg ico webp bmp license sum mod gradle plist proto ipynb css scss vue dart ex exs erl hs "
    "ml clj elm tf"
))
_CODE_EXTS = _NOT_TEXT - {"license"}  # "LICENSE" alone is a name, not an extension
_TEXT_EXTS = frozenset(str.split("txt md markdown rst text html htm adoc asciidoc org pdf rtf"))


@dataclass(frozen=True, slots=True)
class _Name:
    base: str  # the legal word the name is built on: "license", "copying", "notice", ...
    rest: str  # what else the name holds: "mit", "weights.md", "txt", "" (lower-case)


_WORD_SPLIT = re.compile(r"[-_. ]+")


@functools.lru_cache(maxsize=1)
def _names() -> FileNames:
    return load_file_names(rules_dir())


def file_names() -> FileNames:
    """rules/file-names.toml, loaded once."""
    return _names()


@functools.lru_cache(maxsize=1 << 17)  # every name of a large tree, once: each is asked about three times a scan
def _parse(name: str) -> _Name | None:
    """What a file name says about the file: a license-bearing name (rules/file-names.toml: the word
    LICENSE, LICENCE, COPYING or EULA anywhere: ``MODEL_LICENSE.md``, ``snes9x-license.txt``,
    ``Foo RESEARCH LICENSE AGREEMENT``), or None. Code and data extensions are never license texts."""
    lowered = name.lower()
    if lowered.rsplit(".", 1)[-1] in _CODE_EXTS:  # what every branch below ends with for a code or data file
        return None
    words = [w for w in _WORD_SPLIT.split(lowered) if w]
    rules = _names()
    if any(w in rules.not_license_words for w in words) or len(lowered) > 120:
        return None
    found = _LEGAL_NAME.match(lowered)
    if found is not None:
        parsed = _Name(found.group("base"), found.group("rest") or "")
    else:
        hit = next((w for w in words if w in rules.license_words), None)
        if hit is None:
            return None
        parsed = _Name(hit, ".".join(w for w in words if w != hit))
    if parsed.rest.rsplit(".", 1)[-1] in _NOT_TEXT or lowered.rsplit(".", 1)[-1] in _CODE_EXTS:
        return None
    return parsed


def scope_kind(path: str) -> Kind | None:
    """The artifact kind a license file's name or folder scopes it to (``DATA_LICENSE`` -> data,
    ``LICENSE_weights`` -> weights, ``LICENSE-MODEL`` and files under ``model_licenses/`` -> model), or
    None for the folder's own license. Such a file is a component of its own."""
    name = path.rsplit("/", 1)[-1].lower()
    parsed = _parse(path.rsplit("/", 1)[-1])
    if parsed is None:
        return None
    rules = _names()
    words = set(_WORD_SPLIT.split(name))
    for kind in (Kind.WEIGHTS, Kind.MODEL, Kind.DATA):
        if words & rules.scopes[kind.value]:
            return kind
    parts = path.lower().split("/")
    if len(parts) >= 2 and parts[-2] in rules.license_folders:
        return Kind.MODEL
    return None


def binds(path: str) -> str:
    """The folder a license file binds: its own, or the parent of a documentation folder."""
    parts = path.split("/")[:-1]
    if parts and parts[-1].lower() in _names().doc_folders:
        parts = parts[:-1]
    return "/".join(parts) or "."


def is_notice_file_name(name: str) -> bool:
    """NOTICE, PATENTS, THIRD_PARTY_NOTICES, THIRD-PARTY-LICENSES, LICENSE-THIRD-PARTY, ... (no grant)."""
    found = _parse(name)
    if found is None:
        return False
    return bool(_NOTICE_BASE.match(found.base) or _THIRD_PARTY_REST.search(found.rest))


def is_license_file_name(name: str) -> bool:
    """LICENSE*, LICENCE*, COPYING*, UNLICENSE, COPYRIGHT*, MIT-LICENSE: a file that grants a license.

    Case-insensitive; ``name`` is a file name without folder. NOTICE-like names are not license files.
    """
    return _parse(name) is not None and not is_notice_file_name(name)
