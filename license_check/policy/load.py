"""Loading policies (docs/policy.md is the reference): sources, precedence, assembling a Policy.

Sources, in order: ``--policy FILE``; the scanned repository's pyproject.toml ``[tool.license-check]``
(untrusted: never through a symlink, at most 1 MiB, ignored when malformed unless it mentions our
table); the built-in rules/policies/default.toml. Every problem of a file is collected (keys.py
reads and checks each value), then one PolicyError lists them all, by line.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import replace
from typing import Any

from license_check.collect.repo_config import OwnConfig
from license_check.errors import PolicyError
from license_check.findings import RULES
from license_check.knowledge.data import rules_dir
from license_check.knowledge.normalize import Normalizer
from license_check.model import RawForm, Severity, Use, UseMode, Verdict
from license_check.policy.keys import GLOB_CHARS, KeyReader, dotted, license_entry, type_name
from license_check.policy.model import (
    CATEGORIES,
    CATEGORY_PREFIX,
    DEFAULT_VERDICTS,
    DEPENDENCY_GROUPS,
    REPOSITORY_CONFIG,
    SCOPES,
    TRAINING_DATA_READINGS,
    UNRESOLVED_DEPENDENCIES,
    Clarification,
    Organisation,
    Policy,
    Waiver,
)
from license_check.tomlio import safe as tomlsafe
from license_check.tomlio.lines import Path

POLICY_CAP = 1024 * 1024  # bytes: a larger policy file (or pyproject.toml) is refused
PYPROJECT_TABLE = ("tool", "license-check")
_MENTIONS_US = re.compile(r"""tool\s*\.\s*["']?license-check""")


def _build(reader: KeyReader, data: Any, name: str, source: str, path: str | None) -> Policy:
    """Validate ``data`` (the policy table) and build the Policy; raises PolicyError with every problem."""
    top = reader.table((), data) or {}
    if "name" in top:
        name = reader.string(("name",), top["name"]) or name
    use_mode = reader.choice(("use_mode",), top.get("use_mode", "distribute"), [m.value for m in UseMode])
    fail_on = reader.choice(("fail_on",), top["fail_on"], [s.value for s in Severity]) if "fail_on" in top else None
    training = reader.choice(("training_data",), top.get("training_data", "lenient"), list(TRAINING_DATA_READINGS))
    scope = reader.choice(("scope",), top.get("scope", "repository"), list(SCOPES))
    repository_config = reader.choice(("repository_config",), top.get("repository_config", "refuse"),
                                      list(REPOSITORY_CONFIG))
    groups, unresolved = _dependencies(reader, top.get("dependencies", {}))

    verdicts = dict(DEFAULT_VERDICTS)
    for key, value in (reader.table(("verdicts",), top.get("verdicts", {})) or {}).items():
        found = reader.choice(("verdicts", key), value, [v.value for v in Verdict])
        if found is not None:
            verdicts[Use(key)] = Verdict(found)

    org: dict[str, Any] = {}
    for key, value in (reader.table(("organisation",), top.get("organisation", {})) or {}).items():
        org[key] = (reader.boolean if key == "eu_presence" else reader.integer)(("organisation", key), value)

    lists: dict[str, list[str]] = {"allow": [], "deny": []}
    for key, value in (reader.table(("licenses",), top.get("licenses", {})) or {}).items():
        for where, text in reader.strings(("licenses", key), value):
            entry = _list_entry(reader, where, text)
            if entry is None:
                continue
            if entry in lists[key]:
                reader.problem(where, f"'{entry}' is listed twice")
            elif key == "deny" and entry in lists["allow"]:
                reader.problem(where, f"'{entry}' is in both allow and deny")
            else:
                lists[key].append(entry)
    if set(lists["allow"]) & set(lists["deny"]):  # allow read after deny (key order in the file)
        for i, entry in enumerate(lists["allow"]):
            if entry in lists["deny"]:
                reader.problem(("licenses", "allow", i), f"'{entry}' is in both allow and deny")

    severity: dict[str, Severity] = {}
    codes = sorted(RULES)
    sev_table = reader.table(("severity",), top.get("severity", {}), known=codes,
                             allowed="rule codes of docs/diagnostics.md") or {}
    for code, value in sev_table.items():
        found = reader.choice(("severity", code), value, [s.value for s in Severity])
        if found is not None:
            severity[code] = Severity(found)

    waivers = tuple(w for i, item in enumerate(_array(reader, "waivers", top))
                    if (w := _waiver(reader, i, item, codes)) is not None)
    clarifications = tuple(c for i, item in enumerate(_array(reader, "clarifications", top))
                           if (c := _clarification(reader, i, item)) is not None)
    seen: dict[str, int] = {}
    for c in clarifications:
        if c.path in seen:
            reader.problem(("clarifications", c.index, "path"),
                           f"'{c.path}' is already clarified by clarifications[{seen[c.path]}]")
        seen.setdefault(c.path, c.index)

    if reader.problems:
        raise PolicyError(reader.messages())
    assert use_mode is not None and training is not None and scope is not None  # a problem was recorded otherwise
    assert repository_config is not None
    return Policy(
        name=name, source=source, use_mode=UseMode(use_mode), verdicts=verdicts, path=path,
        fail_on=Severity(fail_on) if fail_on else None, training_data=training, scope=scope,
        organisation=Organisation(**org), allow=tuple(lists["allow"]), deny=tuple(lists["deny"]),
        severity=severity, waivers=waivers, clarifications=clarifications, repository_config=repository_config,
        dependency_groups=groups, unresolved_dependencies=unresolved,
        lines={dotted(p[len(reader.prefix):]): line for p, line in sorted(reader.locate.lines.items(), key=str)
               if tuple(p[:len(reader.prefix)]) == reader.prefix and len(p) > len(reader.prefix)},
    )


def _array(reader: KeyReader, key: str, top: dict[str, Any]) -> list[Any]:
    value = top.get(key, [])
    if not isinstance(value, list):
        reader.problem((key,), f"expected an array of tables ([[{key}]]), got {type_name(value)}")
        return []
    return value


def _dependencies(reader: KeyReader, value: Any) -> tuple[tuple[str, ...], str]:
    """[dependencies]: which groups count in the repository answer, and where unread licenses count."""
    table = reader.table(("dependencies",), value) or {}
    groups: list[str] = []
    if "groups" in table:
        for where, text in reader.strings(("dependencies", "groups"), table["groups"]):
            found = reader.choice(where, text, list(DEPENDENCY_GROUPS))
            if found is not None and found not in groups:
                groups.append(found)
    unresolved = reader.choice(("dependencies", "unresolved"), table.get("unresolved", "adoption"),
                               list(UNRESOLVED_DEPENDENCIES))
    return tuple(groups) if "groups" in table else ("default",), unresolved or "adoption"


def _list_entry(reader: KeyReader, where: Path, text: str) -> str | None:
    if text.startswith(CATEGORY_PREFIX):
        name = text[len(CATEGORY_PREFIX):]
        if name not in CATEGORIES:
            close = difflib.get_close_matches(name, list(CATEGORIES), n=1)
            hint = f" (did you mean '{CATEGORY_PREFIX}{close[0]}'?)" if close else ""
            reader.problem(where, f"unknown category '{name}'{hint}")
            return None
        return text
    canonical, problem = license_entry(text, reader.norm)
    if problem:
        reader.problem(where, problem)
        return None
    return canonical


def _waiver(reader: KeyReader, index: int, item: Any, codes: list[str]) -> Waiver | None:
    at: Path = ("waivers", index)
    body = reader.table(at, item)
    if body is None:
        return None
    before = len(reader.problems)
    component = reader.string((*at, "component"), body["component"]) if "component" in body else None
    glob = reader.relpath((*at, "path"), body["path"], glob=True) if "path" in body else None
    if "component" not in body and "path" not in body:
        reader.problem(at, "a waiver needs a component or a path", "component = \"<id>\" and/or path = \"<glob>\"")
    rules: list[str] = []
    for where, code in reader.strings((*at, "rules"), body.get("rules", [])):
        if code not in codes:
            close = difflib.get_close_matches(code, codes, n=1)
            reader.problem(where, f"unknown rule code '{code}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        else:
            rules.append(code)
    reason = reader.string((*at, "reason"), body["reason"]) if "reason" in body else None
    if "reason" not in body:
        reader.problem((*at, "reason"), "a waiver needs a reason")
    expires = reader.day((*at, "expires"), body["expires"]) if "expires" in body else None
    sha = reader.sha256((*at, "sha256"), body["sha256"]) if "sha256" in body else None
    file = reader.relpath((*at, "file"), body["file"], glob=False) if "file" in body else None
    if "file" in body and "sha256" not in body:
        reader.problem((*at, "file"), "file is only meaningful with sha256", "sha256 = \"<64 hex>\" beside file")
    if "sha256" in body and "file" not in body:
        if glob is not None and not (GLOB_CHARS & set(glob)) and not glob.endswith("/"):
            file = glob.lstrip("/")
        elif "path" in body or "component" in body:
            why = "path does not name one file" if "path" in body else "the waiver has no path"
            reader.problem((*at, "sha256"), f"sha256 pins a file: set file ({why})",
                           "file = \"<relative path>\" beside sha256")
    if len(reader.problems) > before or reason is None:
        return None
    return Waiver(index=index, line=reader.line(at), reason=reason, component=component, path=glob,
                  rules=tuple(rules), expires=expires, sha256=sha, file=file)


def _clarification(reader: KeyReader, index: int, item: Any) -> Clarification | None:
    at: Path = ("clarifications", index)
    body = reader.table(at, item)
    if body is None:
        return None
    before = len(reader.problems)
    for key in ("path", "license", "sha256"):
        if key not in body:
            reader.problem((*at, key), f"a clarification needs {key}")
    path = reader.relpath((*at, "path"), body["path"], glob=False) if "path" in body else None
    sha = reader.sha256((*at, "sha256"), body["sha256"]) if "sha256" in body else None
    license_expr = None
    if "license" in body:
        raw = reader.string((*at, "license"), body["license"])
        if raw is not None:
            found = reader.norm.read(raw, RawForm.SPDX)
            if found.expression is None or found.unknown_ids:
                unknown = ", ".join(found.unknown_ids)
                reader.problem((*at, "license"), found.error or (f"unknown license id '{unknown}'" if unknown
                                                                 else f"'{raw}' is not a license expression"))
            else:
                license_expr = found.expression
    reason = reader.string((*at, "reason"), body["reason"]) if "reason" in body else None
    if len(reader.problems) > before or path is None or sha is None or license_expr is None:
        return None
    return Clarification(index=index, line=reader.line(at), path=path, license=license_expr, sha256=sha,
                         reason=reason)


# --- sources -------------------------------------------------------------------------------------

def _parse(file: str, text: str) -> dict[str, Any]:
    try:
        return tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = found.group(1) if found else "1"
        what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise PolicyError(f"{file}:{line}: invalid TOML: {what}") from exc


def from_text(text: str, file: str, name: str, source: str, path: str | None,
              norm: Normalizer | None = None) -> Policy:
    """A policy file's text (the keys at top level). ``norm``: the normalizer license entries are read with
    (the scan's Knowledge's; None: the shipped rules')."""
    doc = _parse(file, text)  # first: a document tomllib refuses is never scanned for line numbers
    return _build(KeyReader(file, text, (), norm), doc, name, source, path)


def builtin_policy(norm: Normalizer | None = None) -> Policy:
    path = rules_dir() / "policies" / "default.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: built-in policy cannot be read: {exc.strerror}") from exc
    return from_text(text, str(path), "default", "built-in", None, norm)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def policy_file(file: str, norm: Normalizer | None = None) -> Policy:
    """``--policy FILE`` (the user's own choice: a symlink is followed)."""
    try:
        with open(file, "rb") as handle:
            data = handle.read(POLICY_CAP + 1)
    except OSError as exc:
        raise PolicyError(f"{file}: cannot read policy file: {exc.strerror or type(exc).__name__}") from exc
    if len(data) > POLICY_CAP:
        raise PolicyError(f"{file}: policy file is larger than {POLICY_CAP} bytes")
    text = _decode(data)
    if text is None:
        raise PolicyError(f"{file}: policy file is not UTF-8 text")
    stem = os.path.basename(file)
    stem = stem[: -len(".toml")] if stem.endswith(".toml") and len(stem) > len(".toml") else stem
    return from_text(text, file, stem, file, file, norm)


def repo_policy(own: OwnConfig | None, norm: Normalizer | None = None) -> Policy | None:
    """The scanned repository's pyproject.toml [tool.license-check] (read by collect.repo_config), or None
    (absent, unreadable, a symlink, or malformed without a mention of our table)."""
    if own is None:
        return None
    file, data = own.path, own.data
    ours = _MENTIONS_US.search(data[:POLICY_CAP].decode("utf-8", errors="replace")) is not None
    text = _decode(data[:POLICY_CAP])
    if len(data) > POLICY_CAP:
        if ours:
            raise PolicyError(f"{file}: larger than {POLICY_CAP} bytes; its [tool.license-check] is not read")
        return None
    if text is None:
        return None
    try:
        doc = tomlsafe.loads(text)
    except tomllib.TOMLDecodeError:
        if ours:
            _parse(file, text)  # raises with the line
        return None
    tool = doc.get("tool")
    if not isinstance(tool, dict) or "license-check" not in tool:
        return None
    reader = KeyReader(file, text, PYPROJECT_TABLE, norm)
    found = _build(reader, tool["license-check"], "pyproject", "pyproject", file)
    return replace(found, own_waivers=frozenset(w.index for w in found.waivers),
                   own_clarifications=frozenset(c.index for c in found.clarifications))


def _merge_own(policy: Policy, own: Policy) -> Policy:
    """``policy`` (a --policy file with repository_config = "apply") plus the repository's own waivers and
    clarifications, renumbered after the policy's own, and marked as the repository's."""
    waivers = tuple(replace(w, index=len(policy.waivers) + w.index) for w in own.waivers)
    clarifications = tuple(replace(c, index=len(policy.clarifications) + c.index) for c in own.clarifications
                           if c.path not in {p.path for p in policy.clarifications})  # the policy's own win
    return replace(policy, waivers=policy.waivers + waivers, clarifications=policy.clarifications + clarifications,
                   own_waivers=frozenset(w.index for w in waivers),
                   own_clarifications=frozenset(c.index for c in clarifications))


def load(policy_file_path: str | None, own_config: OwnConfig | None, use_repo_config: bool,
         norm: Normalizer | None = None) -> Policy:
    """``policy_file_path`` if given, else the repository's own pyproject.toml [tool.license-check] (unless
    ``use_repo_config`` is False), else the built-in policy. ``norm``: the normalizer license entries are
    read with (the scan's Knowledge's; None: the shipped rules'). Raises PolicyError."""
    if policy_file_path is not None:
        chosen = policy_file(policy_file_path, norm)
        own = repo_policy(own_config, norm) if use_repo_config and chosen.repository_config == "apply" else None
        return chosen if own is None else _merge_own(chosen, own)
    if use_repo_config:
        found = repo_policy(own_config, norm)
        if found is not None:
            return found
    return builtin_policy(norm)


def default_policy(norm: Normalizer | None = None) -> Policy:
    """The built-in policy, rules/policies/default.toml."""
    return builtin_policy(norm)
