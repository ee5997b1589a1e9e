"""License facts as reviewed data: loads and validates rules/ (see rules/README.md).

Curated facts come from rules/licenses/*.toml and rules/exceptions.toml, checked table by table by
licenses.py. Every other ScanCode LicenseDB entry is seeded at load time from its category
(reviewed=False), under the normalizer's id; every other SPDX license list id is seeded unknown
(reviewed=False). ``load_rules()`` validates everything and raises one RulesError that lists every
problem. The facts themselves (LicenseFacts, ExceptionFacts) are defined in facts.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_check.errors import RulesError
from license_check.knowledge.data import DataError, DBEntry, load_licensedb, load_spdx_ids, rules_dir
from license_check.knowledge.facts import (
    FACT_KEYS,
    THRESHOLD_KEYS,
    TRAINING_DATA,
    ExceptionFacts,
    LicenseFacts,
)
from license_check.knowledge.licenses import Loader
from license_check.knowledge.normalize import Normalizer
from license_check.model import Copyleft, Use

__all__ = ["THRESHOLD_KEYS", "TRAINING_DATA", "ExceptionFacts", "LicenseFacts", "RuleBook", "RulesError", "load_rules"]


# Seeding: ScanCode category -> (commercial_use, copyleft, notice). Anything else: unknown.
_SEEDS: dict[str, tuple[Use, Copyleft, bool]] = {
    "Permissive": (Use.ALLOWED, Copyleft.NONE, True),
    "Public Domain": (Use.ALLOWED, Copyleft.NONE, False),
    "Copyleft": (Use.CONDITIONAL, Copyleft.STRONG, True),
    "Copyleft Limited": (Use.CONDITIONAL, Copyleft.WEAK_LIBRARY, True),
}
_UNKNOWN_SEED = (Use.UNKNOWN, Copyleft.NONE, False)


class RuleBook:
    """Facts per license id (curated, else seeded) and per exception id."""

    def __init__(self, licenses: dict[str, LicenseFacts], exceptions: dict[str, ExceptionFacts],
                 version: str, resolver: Normalizer) -> None:
        self._licenses = {k.lower(): v for k, v in licenses.items()}
        self._exceptions = {k.lower(): v for k, v in exceptions.items()}
        self._resolver = resolver
        self.version = version

    def _find(self, table: Mapping[str, Any], ident: str) -> Any:
        found = table.get(ident.strip().lower())
        if found is None:  # a deprecated id, bare ScanCode key, ...: resolve to the canonical id
            canonical = self._resolver.resolve(ident.strip())
            found = table.get(canonical.lower()) if canonical else None
        return found

    def facts(self, license_id: str) -> LicenseFacts | None:
        """Curated, else seeded, else None. ``license_id`` is case-insensitive."""
        found: LicenseFacts | None = self._find(self._licenses, license_id)
        return found

    def exception(self, exception_id: str) -> ExceptionFacts | None:
        found: ExceptionFacts | None = self._find(self._exceptions, exception_id)
        return found

    def all_ids(self) -> list[str]:
        return sorted(f.id for f in self._licenses.values())


def _seed_source(db_version: str, category: str) -> str:
    return f"ScanCode LicenseDB {db_version} category '{category}' (seeded, not reviewed)"


def _seeded(entry: DBEntry, db_version: str, ident: str | None = None) -> LicenseFacts:
    """The facts a LicenseDB category implies, under ``ident`` (default: the entry's SPDX key)."""
    use, copyleft, notice = _SEEDS.get(entry.category, _UNKNOWN_SEED)
    source = _seed_source(db_version, entry.category)
    return LicenseFacts(
        id=ident or entry.spdx, name=entry.short_name, commercial_use=use, copyleft=copyleft, notice=notice,
        obligations=(), restrictions=(), sources=dict.fromkeys(FACT_KEYS, source),
        reviewed=False, category=entry.category or None,
    )


def _version(directory: Path) -> str:
    digest = hashlib.sha256()
    files = [directory / "aliases.toml", directory / "exceptions.toml", directory / "hub-ids.toml",
             directory / "urls.toml", directory / "models.toml", directory / "compatibility.toml",
             directory / "duties.toml", directory / "file-names.toml", directory / "use-terms.toml",
             directory / "boilerplate.toml", directory / "debian-copyright.toml",
             *sorted((directory / "texts").glob("*")),
             directory / "generated" / "scancode-licensedb.json", directory / "generated" / "spdx-ids.json",
             directory / "generated" / "osadl-matrix.json", *sorted((directory / "licenses").glob("*.toml"))]
    for f in files:
        if f.is_file():
            digest.update(f.relative_to(directory).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@lru_cache(maxsize=8)
def _load(directory: Path) -> RuleBook:
    try:
        db = load_licensedb(directory)
        loader = Loader(directory)
    except DataError as exc:
        raise RulesError(exc.problems) from exc
    categories = {(loader.norm.resolve(e.spdx) or e.spdx): e.category for e in db.entries}
    curated: dict[str, LicenseFacts] = {}
    where: dict[str, Path] = {}
    license_files = sorted((directory / "licenses").glob("*.toml"))
    if not license_files:
        loader.problem(directory / "licenses", "*.toml", "no license rules files")
    for file in license_files:
        data = loader.toml(file)
        for extra in sorted(set(data) - {"licenses"}):
            loader.problem(file, extra, "unknown section (expected [licenses.\"<id>\"])")
        for ident, body in loader.section(file, data, "licenses").items():
            if ident in where:
                loader.problem(file, f"licenses.{ident!r}", f"duplicate: also in {where[ident].name}")
                continue
            found = loader.license(file, str(ident), body, categories)
            if found is not None:
                curated[found.id], where[found.id] = found, file
    exceptions: dict[str, ExceptionFacts] = {}
    exc_file = directory / "exceptions.toml"
    exc_data = loader.toml(exc_file)
    for extra in sorted(set(exc_data) - {"exceptions"}):
        loader.problem(exc_file, extra, "unknown section (expected [exceptions.\"<id>\"])")
    for ident, body in loader.section(exc_file, exc_data, "exceptions").items():
        exc_facts = loader.exception(exc_file, str(ident), body)
        if exc_facts is not None:
            exceptions[exc_facts.id] = exc_facts
    loader.aliases()
    if loader.problems:
        raise RulesError(loader.problems, directory=directory)

    facts = dict(curated)
    version = f"{db.scancode_version}"
    for entry in db.entries:  # under the normalizer's id (LicenseRef-scancode-wordnet is WordNet)
        ident = loader.norm.resolve(entry.spdx) or entry.spdx
        if entry.is_exception:
            exceptions.setdefault(ident, ExceptionFacts(
                ident, entry.short_name, None, _seed_source(version, entry.category), False))
        elif ident not in facts:
            facts[ident] = _seeded(entry, version, ident)  # built once (dataclasses.replace: 2,000 copies a start)
    listed = f"SPDX license list {loader.norm.spdx_version}: listed, not reviewed"
    for spdx_id in load_spdx_ids(directory).entries:  # ids newer than the LicenseDB: known, unclassified
        listed_id = loader.norm.resolve(spdx_id.id)
        if listed_id is None or listed_id != spdx_id.id:
            continue  # deprecated: its replacement's facts apply
        if spdx_id.is_exception:
            exceptions.setdefault(listed_id, ExceptionFacts(listed_id, spdx_id.name, None, listed, False))
        elif listed_id not in facts:
            facts[listed_id] = LicenseFacts(
                id=listed_id, name=spdx_id.name, commercial_use=Use.UNKNOWN, copyleft=Copyleft.NONE, notice=False,
                obligations=(), restrictions=(), sources=dict.fromkeys(FACT_KEYS, listed), reviewed=False,
                category=None)
    return RuleBook(facts, exceptions, _version(directory), loader.norm)


def load_rules(directory: Path | None = None) -> RuleBook:
    """Load (cached) and validate the rules in ``directory`` (default: the shipped rules)."""
    return _load((directory or rules_dir()).resolve())
