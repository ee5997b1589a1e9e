#!/usr/bin/env python3
"""The project's own checker for the output contract of docs/contract.md (license-check --format json).

Usage:
  python3 tests/contract.py REPO [REPO ...]        run `license-check REPO --format json` on each REPO
  python3 tests/contract.py --cmd "python3 -m license_check {path} --format json" REPO [REPO ...]
  python3 tests/contract.py --stdin                check one JSON document read from stdin

Prints one line per report and exits 1 if any report breaks the contract. Needs only the standard
library and license-expression (for the SPDX license and exception ids), so it runs without the
project installed. The tests import `problems` from it. Run from a checkout, it also knows the SPDX
license list ids of rules/generated/spdx-ids.json that license-expression's bundled list predates.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from license_expression import LicenseWithExceptionSymbol, get_spdx_licensing

USE = frozenset({"allowed", "conditional", "prohibited", "unknown"})
VERDICT = frozenset({"pass", "warn", "fail"})
KIND = frozenset({"code", "weights", "data", "model", "dataset", "dependency", "other"})
SEVERITY = frozenset({"error", "warning", "info"})
USE_MODE = frozenset({"internal", "saas", "distribute", "release-weights"})
SCOPE = frozenset({"repository", "adoption"})
RELATION = frozenset({"finetune", "adapter", "quantized", "merge", "trained-on"})
COVERAGE = frozenset({"analysed", "not-analysed", "partial"})
DEFAULT_VERDICT = {"allowed": "pass", "conditional": "warn", "prohibited": "fail", "unknown": "fail"}
STRICTNESS = {"pass": 0, "warn": 1, "fail": 2}

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")
# An operator word standing alone (not part of an id such as GPL-2.0-or-later); SPDX operators are upper-case.
OPERATOR_WORD = re.compile(r"(?<![\w.+\-])(?:and|or|with)(?![\w.+\-])", re.IGNORECASE)


@functools.cache
def _licensing() -> Any:
    return get_spdx_licensing()


SPDX_IDS = Path(__file__).resolve().parent.parent / "rules" / "generated" / "spdx-ids.json"


@functools.cache
def _listed() -> dict[str, bool]:
    """SPDX license list id -> is_exception, from the checkout's rules/generated/spdx-ids.json (else none)."""
    try:
        data = json.loads(SPDX_IDS.read_text(encoding="utf-8"))
        return {str(e["id"]): bool(e["exception"]) for e in data["licenses"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _known(key: str, role: str) -> tuple[bool, bool]:
    """(known, is_exception) of one symbol key; "<license id>+" is SPDX's "or later" operator on the id."""
    if key in _listed():  # the SPDX list itself says (license-expression takes MPL-2.0-no-copyleft-exception
        return True, _listed()[key]  # for an exception)
    entry = _licensing().known_symbols.get(key)
    if entry is not None:
        return True, bool(getattr(entry, "is_exception", False))
    if role == "license" and key.endswith("+") and not key.startswith("LicenseRef-"):
        known, is_exception = _known(key[:-1], role)
        return known and not is_exception, False
    return False, False


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def path_problem(value: object) -> str | None:
    """Why `value` is not a POSIX path relative to the scanned root (None when it is one)."""
    if not isinstance(value, str) or not value:
        return f"must be a non-empty relative posix path, got {_show(value)}"
    if value.startswith("/"):
        return f"must be relative, got absolute path {_show(value)}"
    if ".." in value.split("/"):
        return f"must stay inside the root (no '..' segment), got {_show(value)}"
    return None


def _symbol_problem(key: str, known: bool, is_exception: bool, role: str) -> str | None:
    if key.startswith("LicenseRef-"):
        if LICENSE_REF.fullmatch(key):
            return None
        return f"{key!r} is not a valid LicenseRef- id (only letters, digits, '.' and '-' may follow)"
    if not known:
        return f"{key!r} is neither an SPDX {role} id nor a LicenseRef- id"
    if role == "exception" and not is_exception:
        return f"{key!r} after WITH is a license id, not an SPDX exception id"
    if role == "license" and is_exception:
        return f"{key!r} is an SPDX exception id, usable only after WITH"
    return None


def license_problems(expression: str) -> list[str]:
    """What is wrong with one license string: it must be an SPDX expression whose license symbols are SPDX
    license ids or LicenseRef- ids, and whose exceptions after WITH are SPDX exception ids or LicenseRef- ids."""
    if not expression.strip():
        return ["is an empty license expression"]
    licensing = _licensing()
    try:
        parsed = licensing.parse(expression, validate=False, strict=False)
    except Exception as exc:  # license-expression raises several error types (and AttributeError on some input)
        return [f"{expression!r} is not a license expression: {exc}"]
    if parsed is None:
        return ["is an empty license expression"]
    found = [f"{expression!r} uses operator {word!r}; SPDX operators are AND, OR, WITH"
             for word in OPERATOR_WORD.findall(expression) if word not in {"AND", "OR", "WITH"}]
    for symbol in licensing.license_symbols(parsed, unique=True, decompose=False):
        if isinstance(symbol, LicenseWithExceptionSymbol):
            parts = [(symbol.license_symbol, "license"), (symbol.exception_symbol, "exception")]
        else:
            parts = [(symbol, "license")]
        for part, role in parts:
            key = str(part.key)
            problem = _symbol_problem(key, *_known(key, role), role)
            if problem:
                found.append(f"{expression!r}: {problem}")
    return found


class _Checker:
    def __init__(self) -> None:
        self.out: list[str] = []

    def add(self, message: str) -> None:
        self.out.append(message)

    def license(self, where: str, value: object, nullable: bool = True) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str):
            self.add(f"{where} must be a license expression string{' or null' if nullable else ''}, got {_show(value)}")
            return
        self.out.extend(f"{where}: {problem}" for problem in license_problems(value))

    def nullable_license_field(self, obj: dict[Any, Any], key: str, where: str) -> None:
        """obj[key], named `where` in messages, is required and holds a license expression or null."""
        if key not in obj:
            self.add(f"{where} is missing (use null when there is none)")
        else:
            self.license(where, obj[key])

    def path(self, where: str, value: object) -> None:
        problem = path_problem(value)
        if problem:
            self.add(f"{where} {problem}")

    def line(self, where: str, value: object) -> None:
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            self.add(f"{where} must be an integer from 1 or null, got {_show(value)}")

    def string(self, where: str, value: object, non_empty: bool = False, kebab: bool = False) -> bool:
        if not isinstance(value, str) or (non_empty and not value):
            self.add(f"{where} must be a {'non-empty ' if non_empty else ''}string, got {_show(value)}")
            return False
        if kebab and not KEBAB.fullmatch(value):
            self.add(f"{where} must be a kebab-case code, got {_show(value)}")
            return False
        return True

    def enum(self, where: str, value: object, allowed: frozenset[str]) -> bool:
        if isinstance(value, str) and value in allowed:
            return True
        self.add(f"{where} {_show(value)} not in {sorted(allowed)}")
        return False

    def objects(self, where: str, value: object) -> list[tuple[str, dict[Any, Any]]]:
        """The entries of a list that must hold objects, each with its location; a problem for anything else."""
        if not isinstance(value, list):
            self.add(f"{where} must be a list, got {_show(value)}")
            return []
        entries = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                entries.append((f"{where}[{i}]", item))
            else:
                self.add(f"{where}[{i}] must be an object, got {_show(item)}")
        return entries

    def component(self, where: str, comp: dict[Any, Any]) -> None:
        self.string(f"{where}.id", comp.get("id"))
        self.path(f"{where}.path", comp.get("path"))
        self.enum(f"{where}.kind", comp.get("kind"), KIND)
        self.enum(f"{where}.commercial_use", comp.get("commercial_use"), USE)
        self.nullable_license_field(comp, "license", f"{where}.license")
        self.nullable_license_field(comp, "elected_license", f"{where}.elected_license")
        declared = comp.get("declared_licenses")
        if isinstance(declared, list):
            for i, item in enumerate(declared):
                self.license(f"{where}.declared_licenses[{i}]", item, nullable=False)
        else:
            self.add(f"{where}.declared_licenses must be a list of strings, got {_show(declared)}")
        for ewhere, ev in self.objects(f"{where}.evidence", comp.get("evidence")):
            self.path(f"{ewhere}.path", ev.get("path"))
            self.string(f"{ewhere}.source", ev.get("source"), non_empty=True)
            self.line(f"{ewhere}.line", ev.get("line"))
            key = ev.get("key")
            if key is not None and not isinstance(key, str):
                self.add(f"{ewhere}.key must be a string or null, got {_show(key)}")
            self.license(f"{ewhere}.expression", ev.get("expression"))
            confidence = ev.get("confidence")
            if confidence is not None and not (
                    isinstance(confidence, int | float) and not isinstance(confidence, bool) and 0 <= confidence <= 1):
                self.add(f"{ewhere}.confidence must be a number from 0 to 1 or null, got {_show(confidence)}")
        for lwhere, link in self.objects(f"{where}.lineage", comp.get("lineage")):
            self.enum(f"{lwhere}.relation", link.get("relation"), RELATION)
            self.string(f"{lwhere}.ref", link.get("ref"))
            self.license(f"{lwhere}.license", link.get("license"))
        for key in ("obligations", "restrictions"):
            for dwhere, duty in self.objects(f"{where}.{key}", comp.get(key)):
                self.string(f"{dwhere}.code", duty.get("code"), kebab=True)
                self.string(f"{dwhere}.text", duty.get("text"))
                self.string(f"{dwhere}.source", duty.get("source"))
        for rwhere, reason in self.objects(f"{where}.reasons", comp.get("reasons")):
            self.string(f"{rwhere}.code", reason.get("code"), kebab=True)
            self.string(f"{rwhere}.text", reason.get("text"))
            self.string(f"{rwhere}.license", reason.get("license"))

    def finding(self, where: str, finding: dict[Any, Any]) -> None:
        self.enum(f"{where}.severity", finding.get("severity"), SEVERITY)
        self.string(f"{where}.rule", finding.get("rule"), non_empty=True, kebab=True)
        self.string(f"{where}.message", finding.get("message"), non_empty=True)
        for lwhere, loc in self.objects(f"{where}.locations", finding.get("locations")):
            self.path(f"{lwhere}.path", loc.get("path"))
            self.line(f"{lwhere}.line", loc.get("line"))
        comps = finding.get("components")
        if not (isinstance(comps, list) and all(isinstance(c, str) for c in comps)):
            self.add(f"{where}.components must be a list of component ids, got {_show(comps)}")
        self.string(f"{where}.fingerprint", finding.get("fingerprint"), non_empty=True)
        if not isinstance(finding.get("suppressed"), bool):
            self.add(f"{where}.suppressed must be a boolean, got {_show(finding.get('suppressed'))}")

    def policy(self, policy: object) -> dict[Any, Any]:
        if not isinstance(policy, dict):
            self.add(f"policy must be an object, got {_show(policy)}")
            return {}
        self.string("policy.name", policy.get("name"), non_empty=True)
        self.string("policy.source", policy.get("source"), non_empty=True)
        self.enum("policy.use_mode", policy.get("use_mode"), USE_MODE)
        if "scope" in policy:
            self.enum("policy.scope", policy["scope"], SCOPE)
        return policy

    def adoption(self, adoption: object) -> None:
        if not isinstance(adoption, dict):
            self.add(f"adoption must be an object, got {_show(adoption)}")
            return
        self.enum("adoption.commercial_use", adoption.get("commercial_use"), USE)
        for where, comp in self.objects("adoption.components", adoption.get("components")):
            self.component(where, comp)
        if "causes" in adoption:
            self.objects("adoption.causes", adoption["causes"])

    def default_verdict(self, doc: dict[Any, Any], policy: dict[Any, Any], verdict: object) -> None:
        """The default policy maps allowed->pass, conditional->warn, prohibited/unknown->fail. The answer it maps
        is the adoption answer under scope adoption; fail_on may only make the verdict stricter."""
        if policy.get("name") != "default" or verdict not in VERDICT or policy.get("waivers"):
            return  # waivers (which a default policy does not have) may relax the verdict
        answer, label = doc.get("commercial_use"), "commercial_use"
        if policy.get("scope") == "adoption" and isinstance(doc.get("adoption"), dict):
            answer, label = doc["adoption"].get("commercial_use"), "adoption.commercial_use"
        if not isinstance(answer, str) or answer not in DEFAULT_VERDICT:
            return
        want = DEFAULT_VERDICT[answer]
        stricter_ok = policy.get("fail_on") is not None
        if verdict == want or (stricter_ok and STRICTNESS[str(verdict)] > STRICTNESS[want]):
            return
        self.add(f"default policy: {label} {answer!r} gives verdict {want!r}"
                 f"{' or stricter (fail_on)' if stricter_ok else ''}, not {verdict!r}")


def problems(doc: object, exit_code: int | None = None) -> list[str]:
    """Every way `doc` (a parsed --format json report) breaks docs/contract.md; [] when it keeps it.
    With `exit_code`, also check it against the verdict (1 for fail, else 0)."""
    if not isinstance(doc, dict):
        return [f"output is not a JSON object, got {_show(doc)}"]
    check = _Checker()
    version = doc.get("schema_version")
    if not (_is_int(version) and version == 1):
        check.add(f"schema_version must be 1, got {_show(version)}")
    tool = doc.get("tool")
    if not (isinstance(tool, dict) and tool.get("name") == "license-check" and isinstance(tool.get("version"), str)
            and isinstance(tool.get("licensedb_version"), str)):
        check.add(f"tool must be {{name: 'license-check', version: str, licensedb_version: str}}, got {_show(tool)}")
    check.string("root", doc.get("root"))
    policy = check.policy(doc.get("policy"))
    check.nullable_license_field(doc, "project_license", "project_license")
    check.enum("commercial_use", doc.get("commercial_use"), USE)
    verdict = doc.get("verdict")
    if check.enum("verdict", verdict, VERDICT) and exit_code is not None:
        want = 1 if verdict == "fail" else 0
        if exit_code != want:
            check.add(f"exit code {exit_code} but verdict {verdict!r} wants {want}")
    for where, comp in check.objects("components", doc.get("components")):
        check.component(where, comp)
    for where, finding in check.objects("findings", doc.get("findings")):
        check.finding(where, finding)
    coverage = doc.get("coverage")
    if isinstance(coverage, dict):
        for area, state in coverage.items():
            check.enum(f"coverage[{area!r}]", state, COVERAGE)
    else:
        check.add(f"coverage must be an object, got {_show(coverage)}")
    if "adoption" in doc:
        check.adoption(doc["adoption"])
    for key in ("scan", "explain"):
        if key in doc and not isinstance(doc[key], dict):
            check.add(f"{key} must be an object, got {_show(doc[key])}")
    check.default_verdict(doc, policy, verdict)
    return check.out


def _summary(doc: dict[Any, Any]) -> str:
    comps = doc.get("components")
    count = len(comps) if isinstance(comps, list) else 0
    return f"ok ({doc.get('commercial_use')}, {doc.get('verdict')}, {count} components)"


def _check_run(repo: str, cmd: str, timeout: float) -> bool:
    argv = [part.replace("{path}", repo) for part in shlex.split(cmd)]
    try:
        run = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"{repo}: could not run: {exc}")
        return False
    try:
        doc = json.loads(run.stdout)
    except ValueError:
        tail = (run.stderr or run.stdout)[-400:].strip().replace("\n", " | ")
        print(f"{repo}: stdout is not one JSON object (exit {run.returncode}): {tail}")
        return False
    found = problems(doc, run.returncode)
    print(f"{repo}: " + ("; ".join(found) if found else _summary(doc)))
    return not found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos", nargs="*", metavar="REPO")
    parser.add_argument("--cmd", default="license-check {path} --format json",
                        help="the command to run per REPO; {path} is replaced by the REPO (default: %(default)s)")
    parser.add_argument("--stdin", action="store_true", help="check one JSON report read from stdin")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per REPO (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.stdin:
        try:
            doc = json.load(sys.stdin)
        except ValueError as exc:
            print(f"stdin: not JSON: {exc}")
            return 1
        found = problems(doc)
        print("stdin: " + ("; ".join(found) if found else "ok"))
        return 1 if found else 0
    if not args.repos:
        parser.error("give at least one REPO, or --stdin")
    results = [_check_run(repo, str(args.cmd), float(args.timeout)) for repo in args.repos]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
