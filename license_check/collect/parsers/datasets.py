"""License declarations of dataset metadata files: pure extractors, parsed data in, declarations out.

Readings (the formats say little; these are our decisions):
* Frictionless ``datapackage.json``: several package ``licenses`` all apply (AND); the spec says
  nothing about choice. Each entry gives its ``name`` (an Open Definition id), else its ``path``
  (a URL, or a path relative to the package: ``pointer``), else its ``title``. The legacy singular
  ``license`` (string or object) is read too. Resource ``licenses`` come back as separate
  declarations marked with their ``resource`` index; the caller decides how to apply them.
* Croissant: ``license`` has cardinality MANY and a list is read as AND (every license applies). A
  ``CreativeWork`` gives its ``url`` (its ``name`` becomes the ``label``), else its ``name``.
* ``dataset_info(s).json``: ``license`` is free text per config; empty strings (the library's
  default) declare nothing. Text over 200 characters or over several lines is ``free_text``.
* ``CITATION.cff``: a list of ``license`` ids means OR (schema guide: "their relationship is OR"),
  so they share one ``alternative_group``; ``license-url`` is its own URL declaration.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from license_check.collect.parsers.frontmatter import load_yaml
from license_check.collect.parsers.jsondoc import MAX_ITEMS, Problem, describe
from license_check.knowledge.data import has_scheme
from license_check.model import RawForm

FREE_TEXT_CHARS = 200
MAX_PROBLEMS = 50
MAX_LINE_LOOKUPS = 200
CROISSANT_MARK = "mlcommons.org/croissant"

_CFF_LICENSE_KEY = re.compile(r"^[ \t-]*license(?:-url)?[ \t]*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LicenseDecl:
    raw: str  # as written, stripped
    form: RawForm  # NAME, URL or SPDX
    key: str  # key path, e.g. "licenses[0].name", "resources[3].licenses[0].path", "default.license"
    line: int | None = None  # 1-based line in the file (best effort for JSON)
    alternative_group: int | None = None  # declarations sharing a group are alternatives (OR)
    free_text: bool = False  # long free text: run the license-text detector on ``raw``
    pointer: bool = False  # ``raw`` is a path relative to the metadata file, not an absolute URL
    label: str | None = None  # a name stated beside a URL (Croissant CreativeWork name, package title)
    resource: int | None = None  # datapackage: the index of the resource it belongs to


@dataclass(frozen=True, slots=True)
class DatasetLicenses:
    decls: tuple[LicenseDecl, ...] = ()
    problems: tuple[Problem, ...] = ()  # wrong types, empty values, unparseable file
    name: str | None = None  # the dataset's own name (package name/title, Croissant name, CFF title)
    declares_license: bool = False  # a license key is present, even if it could not be read


class _Out:
    """Collects declarations and problems (both capped) and looks lines up in the JSON text."""

    def __init__(self, text: str | None) -> None:
        self.text = text or ""
        self.decls: list[LicenseDecl] = []
        self.problems: list[Problem] = []
        self.lookups = 0
        self.declares = False

    def line(self, *needles: object) -> int | None:
        """The line of the last needle, each searched after the previous one (JSON-encoded)."""
        if not self.text or self.lookups >= MAX_LINE_LOOKUPS:
            return None
        self.lookups += 1
        position = 0
        for needle in needles:
            position = self.text.find(json.dumps(needle, ensure_ascii=False), position)
            if position < 0:
                return None
        return self.text.count("\n", 0, position) + 1

    def add(self, raw: str, form: RawForm, key: str, line: int | None, **extra: Any) -> None:
        if len(self.decls) < MAX_ITEMS:
            self.decls.append(LicenseDecl(raw.strip(), form, key, line, **extra))
        elif len(self.decls) == MAX_ITEMS:
            self.bad(None, f"more than {MAX_ITEMS} license declarations; the rest were not read")

    def bad(self, key: str | None, message: str, line: int | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(key, message, line))

    def result(self, name: object = None) -> DatasetLicenses:
        clean = name.strip()[:200] if isinstance(name, str) and name.strip() else None
        return DatasetLicenses(tuple(self.decls), tuple(self.problems), clean, self.declares)


def _form(value: str) -> RawForm:
    return RawForm.URL if has_scheme(value) else RawForm.NAME


def _text(out: _Out, item: dict[str, Any], field: str, key: str, line: int | None) -> str | None:
    """A string field of an object; a wrong type is a problem, an empty string is absent."""
    value = item.get(field)
    if isinstance(value, str):
        return value if value.strip() else None
    if value is not None:
        out.bad(f"{key}.{field}", f"{key}.{field} must be a string, not {describe(value)}", line)
    return None


def _mapping(out: _Out, doc: object, what: str) -> dict[str, Any] | None:
    if isinstance(doc, dict):
        return doc
    out.bad(None, f"{what} must be a JSON object, not {describe(doc)}")
    return None


# --------------------------------------------------------------------------- Frictionless

def _package_license(out: _Out, item: object, key: str, needles: tuple[str, ...], resource: int | None) -> None:
    line = out.line(*needles, item) if isinstance(item, str) else out.line(*needles)
    if isinstance(item, str):
        if item.strip():
            out.add(item, _form(item), key, line, resource=resource)
        else:
            out.bad(key, f"{key} is empty", line)
        return
    if not isinstance(item, dict):
        out.bad(key, f"{key} must be an object with a name or path, not {describe(item)}", line)
        return
    before = len(out.problems)
    name, path, title = (_text(out, item, field, key, line) for field in ("name", "path", "title"))
    if name:
        out.add(name, RawForm.NAME, f"{key}.name", out.line(*needles, name) or line, label=title, resource=resource)
    elif path:
        url = bool(has_scheme(path))
        out.add(path, RawForm.URL, f"{key}.path", out.line(*needles, path) or line, pointer=not url, label=title,
                resource=resource)
    elif title:
        out.add(title, RawForm.NAME, f"{key}.title", out.line(*needles, title) or line, resource=resource)
    elif len(out.problems) == before:  # not already reported as a wrong type
        out.bad(key, f"{key} has no name, path or title", line)


def _package_licenses(out: _Out, holder: dict[str, Any], prefix: str, needles: tuple[str, ...],
                      resource: int | None) -> None:
    for field in ("licenses", "license"):
        if field not in holder:
            continue
        out.declares = True
        value, key = holder[field], f"{prefix}{field}"
        if isinstance(value, list):
            if not value:
                out.bad(key, f"{key} is an empty list", out.line(*needles, field))
            for index, item in enumerate(value[:MAX_ITEMS]):
                _package_license(out, item, f"{key}[{index}]", (*needles, field), resource)
        else:  # the legacy singular form (a string or one object)
            _package_license(out, value, key, (*needles, field), resource)


def datapackage_licenses(doc: object, text: str | None = None) -> DatasetLicenses:
    """The licenses of a Frictionless ``datapackage.json`` (``text``: its source, for line numbers)."""
    out = _Out(text)
    package = _mapping(out, doc, "datapackage.json")
    if package is None:
        return out.result()
    _package_licenses(out, package, "", (), None)
    resources = package.get("resources")
    for index, resource in enumerate(resources[:MAX_ITEMS] if isinstance(resources, list) else []):
        if isinstance(resource, dict):
            _package_licenses(out, resource, f"resources[{index}].", ("resources",), index)
    title = package.get("title")
    return out.result(title if isinstance(title, str) and title.strip() else package.get("name"))


# --------------------------------------------------------------------------- Croissant

def _mentions_croissant(value: object, depth: int = 0) -> bool:
    if isinstance(value, str):
        return CROISSANT_MARK in value.lower()
    if depth < 3 and isinstance(value, list | dict):
        items = list(value.values() if isinstance(value, dict) else value)[:100]
        return any(_mentions_croissant(item, depth + 1) for item in items)
    return False


def is_croissant(doc: object) -> bool:
    """A Croissant JSON-LD document: its ``@context`` or ``conformsTo`` names mlcommons.org/croissant."""
    return isinstance(doc, dict) and any(
        _mentions_croissant(doc.get(field)) for field in ("@context", "conformsTo", "dct:conformsTo"))


def _croissant_license(out: _Out, item: object, key: str) -> None:
    line = out.line("license", item) if isinstance(item, str) else out.line("license")
    if isinstance(item, str):
        if item.strip():
            out.add(item, _form(item), key, line)
        else:
            out.bad(key, f"{key} is empty", line)
    elif isinstance(item, dict):
        before = len(out.problems)
        name = _text(out, item, "name", key, line)
        url = _text(out, item, "url", key, line) or _text(out, item, "@id", key, line)
        if url:
            out.add(url, _form(url), f"{key}.url", out.line("license", url) or line, label=name)
        elif name:
            out.add(name, RawForm.NAME, f"{key}.name", out.line("license", name) or line)
        elif len(out.problems) == before:
            out.bad(key, f"{key} has no name or url", line)
    else:
        out.bad(key, f"{key} must be a URL, a name or a CreativeWork object, not {describe(item)}", line)


def croissant_licenses(doc: object, text: str | None = None) -> DatasetLicenses:
    """The dataset-level ``license`` of a Croissant document (``sdLicense`` covers only the metadata)."""
    out = _Out(text)
    dataset = _mapping(out, doc, "the Croissant metadata")
    if dataset is None:
        return out.result()
    field = next((f for f in ("license", "sc:license", "schema:license") if f in dataset), None)
    if field is not None:
        out.declares = True
        value = dataset[field]
        if isinstance(value, list):
            if not value:
                out.bad(field, f"{field} is an empty list", out.line(field))
            for index, item in enumerate(value[:MAX_ITEMS]):
                _croissant_license(out, item, f"{field}[{index}]")
        else:
            _croissant_license(out, value, field)
    return out.result(dataset.get("name"))


# --------------------------------------------------------------------------- Hugging Face datasets

def _info_license(out: _Out, info: dict[str, Any], prefix: str, needles: tuple[str, ...]) -> None:
    value, key = info.get("license"), f"{prefix}license"
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    out.declares = True
    line = out.line(*needles, "license")
    if isinstance(value, str):
        text = value.strip()
        out.add(text, RawForm.NAME, key, line, free_text=len(text) > FREE_TEXT_CHARS or "\n" in text)
    else:
        out.bad(key, f"{key} must be a string, not {describe(value)}", line)


def dataset_info_licenses(doc: object, *, plural: bool, text: str | None = None) -> DatasetLicenses:
    """``dataset_info.json`` (one info; ``plural=False``) or ``dataset_infos.json`` ({config: info})."""
    out = _Out(text)
    infos = _mapping(out, doc, "dataset_infos.json" if plural else "dataset_info.json")
    if infos is None:
        return out.result()
    if not plural:
        _info_license(out, infos, "", ())
        return out.result(infos.get("dataset_name") or infos.get("builder_name"))
    name: object = None
    for config, info in list(infos.items())[:MAX_ITEMS]:
        if isinstance(info, dict):
            _info_license(out, info, f"{config}.", (config,))
            name = name or info.get("dataset_name") or info.get("builder_name")
    return out.result(name)


# --------------------------------------------------------------------------- CITATION.cff

def citation_cff_licenses(text: str) -> DatasetLicenses:
    """``license`` (an SPDX id, or a list of ids that are alternatives) and ``license-url``."""
    out = _Out(None)
    loaded = load_yaml(text)
    if loaded.data is None:
        out.declares = bool(_CFF_LICENSE_KEY.search(text))  # fail safe when it may state one
        out.bad(None, f"CITATION.cff cannot be parsed: {loaded.problem}")
        return out.result()
    data, lines = loaded.data, loaded.lines
    out.declares = "license" in data or "license-url" in data
    if "license" in data:
        value, line = data["license"], lines.get("license")
        listed = isinstance(value, list)
        if listed and not value:
            out.bad("license", "license is an empty list", line)
        found: list[tuple[str, str]] = []
        for index, item in enumerate(value[:MAX_ITEMS] if isinstance(value, list) else [value]):
            key = f"license[{index}]" if listed else "license"
            if isinstance(item, str) and item.strip():
                found.append((key, item))
            elif item is None or isinstance(item, str):
                out.bad(key, f"{key} is empty", line)
            else:
                expected = "an SPDX id" if listed else "an SPDX id or a list of SPDX ids"
                out.bad(key, f"{key} must be {expected}, not {describe(item)}", line)
        group = 0 if len(found) > 1 else None
        for key, spdx in found:
            out.add(spdx, RawForm.SPDX, key, line, alternative_group=group)
    url = data.get("license-url")
    if isinstance(url, str) and url.strip():
        out.add(url, RawForm.URL, "license-url", lines.get("license-url"), pointer=not has_scheme(url))
    elif url is not None and not isinstance(url, str):
        out.bad("license-url", f"license-url must be a string, not {describe(url)}", lines.get("license-url"))
    return out.result(data.get("title"))
