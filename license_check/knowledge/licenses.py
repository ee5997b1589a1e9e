"""The validating reader of one rules directory: every table check of rules/licenses/*.toml,
rules/exceptions.toml and rules/aliases.toml (see rules/README.md).

``Loader`` never raises on bad data: it records each problem (file, key path, what is wrong) in
``problems`` and returns None for a table it cannot use. ``rulebook.load_rules()`` walks the files,
raises one RulesError with every problem, and seeds the facts nobody curated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from license_check.knowledge.data import DataError, read_toml
from license_check.knowledge.facts import FACT_KEYS, THRESHOLD_KEYS, TRAINING_DATA, ExceptionFacts, LicenseFacts
from license_check.knowledge.normalize import Normalized, normalizer
from license_check.model import Copyleft, Duty, Use

_E = TypeVar("_E", Copyleft, Use)

_TERM_KEYS = ("thresholds", "regions", "training_data", "research_only")  # optional structured terms
_LICENSE_KEYS = frozenset({"name", *FACT_KEYS, *_TERM_KEYS, "obligations", "restrictions", "notes"})
_REGION = re.compile(r"^[A-Z][A-Z0-9-]*$")  # "EU", "US", ISO 3166 codes
_EXCEPTION_KEYS = frozenset({"name", "copyleft", "source", "notes", "commercial_use", "restrictions"})
_DUTY_KEYS = frozenset({"code", "text", "source"})
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _source_of(value: Any) -> str:
    found = value.get("source") if isinstance(value, dict) else None
    return found.strip() if isinstance(found, str) else ""


class Loader:
    """Collects every problem while reading one rules directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []
        self.norm = normalizer(directory)

    def problem(self, file: Path, path: str, what: str) -> None:
        rel = file.relative_to(self.directory) if file.is_relative_to(self.directory) else file
        self.problems.append(f"{rel.as_posix()}: {path}: {what}")

    def toml(self, path: Path) -> dict[str, Any]:
        try:
            return read_toml(path)
        except DataError as exc:
            self.problems.append(str(exc))
            return {}

    def section(self, file: Path, data: dict[str, Any], name: str) -> dict[str, Any]:
        """The table ``name`` of ``data`` ({} and a problem when it is not a table)."""
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.problem(file, name, "must be a table")
            return {}
        return value

    def canonical_id(self, file: Path, path: str, ident: str, exception: bool) -> bool:
        found = self.norm.resolve(ident)
        if found is None:
            self.problem(file, path, f"{ident!r} is not a license id that normalize() knows")
            return False
        if found != ident:
            self.problem(file, path, f"{ident!r} is not the canonical id: write {found!r}")
            return False
        if exception != (found in self.norm.exceptions):
            kind = "an exception" if found in self.norm.exceptions else "a license, not an exception"
            self.problem(file, path, f"{ident!r} is {kind}")
            return False
        return True

    def text(self, file: Path, path: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(file, path, "must be a non-empty string")
            return ""
        return value.strip()

    def fact(self, file: Path, path: str, value: Any, enum: type[Use] | type[Copyleft] | None) -> Any:
        if not isinstance(value, dict):
            self.problem(file, path, "must be a table { value = ..., source = \"...\" }")
            return None, ""
        for extra in sorted(set(value) - {"value", "source"}):
            self.problem(file, f"{path}.{extra}", "unknown key")
        source = self.text(file, f"{path}.source", value.get("source"))
        raw = value.get("value")
        if enum is None:
            if not isinstance(raw, bool):
                self.problem(file, f"{path}.value", "must be true or false")
            return bool(raw), source
        try:
            return enum(raw if isinstance(raw, str) else repr(raw)), source
        except ValueError:
            allowed = " | ".join(m.value for m in enum)
            self.problem(file, f"{path}.value", f"{raw!r} is not one of {allowed}")
            return None, source

    def duties(self, file: Path, path: str, value: Any) -> tuple[Duty, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(file, path, "must be a list of { code, text, source } tables")
            return ()
        out = []
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            if not isinstance(item, dict):
                self.problem(file, where, "must be a table { code, text, source }")
                continue
            for extra in sorted(set(item) - _DUTY_KEYS):
                self.problem(file, f"{where}.{extra}", "unknown key")
            code = self.text(file, f"{where}.code", item.get("code"))
            if code and not _KEBAB.match(code):
                self.problem(file, f"{where}.code", f"{code!r} is not kebab-case")
            text = self.text(file, f"{where}.text", item.get("text"))
            source = self.text(file, f"{where}.source", item.get("source"))
            out.append(Duty(code=code, text=text, source=source))
        return tuple(out)

    def source_table(self, file: Path, path: str, value: Any, keys: frozenset[str]) -> dict[str, Any] | None:
        """``value`` as a table with only ``keys`` plus a required ``source``; None when not a table."""
        if not isinstance(value, dict):
            self.problem(file, path, "must be a table { ..., source = \"...\" }")
            return None
        for extra in sorted(set(value) - keys - {"source"}):
            self.problem(file, f"{path}.{extra}", "unknown key")
        self.text(file, f"{path}.source", value.get("source"))
        return value

    def thresholds(self, file: Path, path: str, value: Any) -> dict[str, int]:
        body = self.source_table(file, path, value, frozenset(THRESHOLD_KEYS))
        if body is None:
            return {}
        out: dict[str, int] = {}
        for key in THRESHOLD_KEYS:
            if key not in body:
                continue
            amount = body[key]
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                self.problem(file, f"{path}.{key}", f"{amount!r} is not a positive integer")
            else:
                out[key] = amount
        if not any(k in body for k in THRESHOLD_KEYS):
            self.problem(file, path, f"needs at least one of {', '.join(THRESHOLD_KEYS)}")
        return out

    def regions(self, file: Path, path: str, value: Any) -> tuple[tuple[str, ...], str | None]:
        body = self.source_table(file, path, value, frozenset({"excluded", "scope"}))
        if body is None:
            return (), None
        excluded = body.get("excluded")
        codes: list[str] = []
        if not isinstance(excluded, list) or not excluded:
            self.problem(file, f"{path}.excluded", "must be a non-empty list of region codes (\"EU\", \"US\", ...)")
        else:
            for i, code in enumerate(excluded):
                if isinstance(code, str) and _REGION.match(code):
                    codes.append(code)
                else:
                    self.problem(file, f"{path}.excluded[{i}]", f"{code!r} is not an upper-case region code")
        scope = self.text(file, f"{path}.scope", body["scope"]) if "scope" in body else None
        return tuple(codes), scope or None

    def choice(self, file: Path, path: str, value: Any, choices: tuple[str, ...]) -> tuple[str | None, str]:
        """A ``{ value = <one of choices>, source = "..." }`` table."""
        body = self.source_table(file, path, value, frozenset({"value"}))
        if body is None:
            return None, ""
        raw = body.get("value")
        if not isinstance(raw, str) or raw not in choices:
            self.problem(file, f"{path}.value", f"{raw!r} is not one of {' | '.join(choices)}")
            return None, _source_of(body)
        return raw, _source_of(body)

    def terms(self, file: Path, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The optional structured terms of a license table: ``LicenseFacts`` keyword arguments and
        their sources (keyed by the TOML key)."""
        out: dict[str, Any] = {}
        sources: dict[str, str] = {}
        if "thresholds" in body:
            out["thresholds"] = self.thresholds(file, f"{path}.thresholds", body["thresholds"])
            sources["thresholds"] = _source_of(body["thresholds"])
        if "regions" in body:
            out["excluded_regions"], out["region_scope"] = self.regions(file, f"{path}.regions", body["regions"])
            sources["regions"] = _source_of(body["regions"])
        if "training_data" in body:
            out["training_data"], sources["training_data"] = self.choice(
                file, f"{path}.training_data", body["training_data"], TRAINING_DATA)
        if "research_only" in body:
            flag, sources["research_only"] = self.fact(file, f"{path}.research_only", body["research_only"], None)
            out["research_only"] = bool(flag)
        return out, sources

    def table(self, file: Path, path: str, ident: str, body: Any, keys: frozenset[str],
              exception: bool) -> bool | None:
        """Checks shared by license and exception tables: None when ``body`` is not a table, else
        whether ``ident`` is a canonical id (unknown keys are reported either way)."""
        if not isinstance(body, dict):
            self.problem(file, path, "must be a table")
            return None
        ok = self.canonical_id(file, path, ident, exception=exception)
        for extra in sorted(set(body) - keys):
            self.problem(file, f"{path}.{extra}", "unknown key")
        return ok

    def license(self, file: Path, ident: str, body: Any, categories: Mapping[str, str]) -> LicenseFacts | None:
        path = f"licenses.{ident!r}"
        ok = self.table(file, path, ident, body, _LICENSE_KEYS, exception=False)
        if ok is None:
            return None
        for missing in sorted(k for k in ("name", *FACT_KEYS) if k not in body):
            self.problem(file, f"{path}.{missing}", "missing")
        name = self.text(file, f"{path}.name", body.get("name")) if "name" in body else ""
        use, use_src = self.fact(file, f"{path}.commercial_use", body.get("commercial_use", {}), Use)
        cl, cl_src = self.fact(file, f"{path}.copyleft", body.get("copyleft", {}), Copyleft)
        notice, notice_src = self.fact(file, f"{path}.notice", body.get("notice", {}), None)
        obligations = self.duties(file, f"{path}.obligations", body.get("obligations"))
        restrictions = self.duties(file, f"{path}.restrictions", body.get("restrictions"))
        terms, term_sources = self.terms(file, path, body)
        if terms.get("research_only") and use in (Use.ALLOWED, Use.CONDITIONAL):
            self.problem(file, f"{path}.research_only", f"research-only terms contradict commercial_use {use.value!r}")
        if not ok or use is None or cl is None:
            return None
        return LicenseFacts(
            id=ident, name=name, commercial_use=use, copyleft=cl, notice=notice,
            obligations=obligations, restrictions=restrictions,
            sources={"commercial_use": use_src, "copyleft": cl_src, "notice": notice_src, **term_sources},
            reviewed=True, category=categories.get(ident), **terms,
        )

    def optional_enum(self, file: Path, path: str, body: dict[str, Any], key: str,
                      enum: type[_E]) -> tuple[_E | None, bool]:
        """``body[key]`` as a member of ``enum`` (None when absent); False when the value is invalid."""
        if key not in body:
            return None, True
        try:
            return enum(body[key]), True
        except ValueError:
            allowed = " | ".join(m.value for m in enum)
            self.problem(file, f"{path}.{key}", f"{body[key]!r} is not one of {allowed}")
            return None, False

    def exception(self, file: Path, ident: str, body: Any) -> ExceptionFacts | None:
        path = f"exceptions.{ident!r}"
        ok = self.table(file, path, ident, body, _EXCEPTION_KEYS, exception=True)
        if ok is None:
            return None
        name = self.text(file, f"{path}.name", body.get("name"))
        source = self.text(file, f"{path}.source", body.get("source"))
        copyleft, copyleft_ok = self.optional_enum(file, path, body, "copyleft", Copyleft)
        use, use_ok = self.optional_enum(file, path, body, "commercial_use", Use)
        ok = ok and copyleft_ok and use_ok
        restrictions = self.duties(file, f"{path}.restrictions", body.get("restrictions"))
        return ExceptionFacts(ident, name, copyleft, source, True, use, restrictions) if ok else None

    def aliases(self) -> None:
        file = self.directory / "aliases.toml"
        self.problems.extend(self.norm.problems)
        data = self.toml(file)
        for extra in sorted(set(data) - {"unstated", "names", "families", "classifiers"}):
            self.problem(file, extra, "unknown section" if extra != "licenserefs" else
                         "unknown section (a project LicenseRef id is declared by its table in rules/licenses/)")
        unstated = data.get("unstated", {})
        if not isinstance(unstated, dict):
            self.problem(file, "unstated", "must be a table (names, prefixes, classifiers)")
        else:
            for key in sorted(set(unstated) - {"names", "prefixes", "classifiers"}):
                self.problem(file, f"unstated.{key}", "unknown key (allowed: names, prefixes, classifiers)")
            for key in sorted(set(unstated) & {"names", "prefixes", "classifiers"}):
                if not isinstance(unstated[key], list) or not all(isinstance(v, str) for v in unstated[key]):
                    self.problem(file, f"unstated.{key}", "must be a list of strings")
        checked: dict[str, Normalized] = {}
        for section in ("names", "classifiers", "families"):
            for key, target in sorted(dict(data.get(section, {})).items()):
                where = f"{section}.{key!r}"
                if isinstance(target, list):
                    for i, cand in enumerate(target):
                        if not isinstance(cand, str) or self.norm.resolve(cand) != cand:
                            self.problem(file, f"{where}[{i}]", f"{cand!r} is not a canonical license id")
                    continue
                if section == "families" or not isinstance(target, str):
                    self.problem(file, where, "must be a list of candidate ids" if section == "families"
                                 else "must be an SPDX expression string or a list of candidates")
                    continue
                found = checked.get(target) or checked.setdefault(target, self.norm.spdx(target))
                if found.error or found.unknown_ids or found.expression != target:
                    why = found.error or (f"unknown ids {', '.join(found.unknown_ids)}" if found.unknown_ids
                                          else f"not canonical: write {found.expression!r}")
                    self.problem(file, where, f"target {target!r}: {why}")
