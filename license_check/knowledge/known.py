"""Well-known models, datasets and weight URLs and the license each is published under.

The table is data (rules/models.toml, documented in rules/README.md). ``lookup(ref, kind)`` answers
for a reference as lineage and code write it: a Hub id ("meta-llama/Llama-2-7b-hf"), a Hub URL
(".../datasets/org/name", ".../tree/main", ".../resolve/main/x.safetensors"), a bare legacy id
("gpt2", "squad_v2"), a display name as GGUF writes it ("Llama 3.1 8B Instruct") or a weight
download URL. Patterns are case-insensitive globs; the most specific matching pattern wins.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from license_check.knowledge.data import MODELS_FILE, DataError, canonical_url, load_models, looks_like_url, rules_dir
from license_check.knowledge.normalize import normalizer

KINDS = ("model", "dataset")
_KEYS = frozenset({"kind", "ids", "names", "urls", "license", "family", "source"})
_FAMILY = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
_NAME_SEPARATORS = re.compile(r"[\s_-]+")
_HUB_HOSTS = ("huggingface.co/", "hf.co/")


@dataclass(frozen=True, slots=True)
class KnownArtifact:
    """A table entry as matched: ``pattern`` is the (lower-case) glob that matched the reference."""

    pattern: str
    kind: str  # "model" | "dataset"
    license: str  # canonical SPDX expression
    family: str | None  # license family for drift checks ("llama-3.1", "gemma", "rail"); None: plain SPDX
    source: str


class KnownArtifactsError(DataError):
    """rules/models.toml is invalid. ``problems`` lists every problem: file, key path, what is wrong."""

    def __init__(self, problems: list[str], directory: Path | None = None) -> None:
        super().__init__(problems, "invalid known-artifacts table", directory)


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: str
    field: str  # "ids" | "names" | "urls"
    entry: KnownArtifact

    @property
    def rank(self) -> tuple[int, int, str]:
        """Sort key, most specific first: literal characters, then fewer wildcards, then text."""
        wild = sum(self.pattern.count(c) for c in "*?[")
        return (-(len(self.pattern) - wild), wild, self.pattern)


class KnownArtifacts:
    """The validated table of one rules directory. Use ``lookup()`` for the shipped one."""

    def __init__(self, directory: Path) -> None:
        self.problems: list[str] = []
        norm = normalizer(directory)
        data = load_models(directory)
        self._file = MODELS_FILE.as_posix()
        for extra in sorted(set(data) - {"artifacts"}):
            self._problem(extra, "unknown section (expected [[artifacts]])")
        rules: dict[tuple[str, str, str], _Rule] = {}
        listed_at: dict[tuple[str, str, str], str] = {}
        raw = data.get("artifacts", [])
        for i, body in enumerate(raw if isinstance(raw, list) else []):
            where = f"artifacts[{i}]"
            entry = self._entry(where, body, norm)
            if entry is None:
                continue
            for field in ("ids", "names", "urls"):
                for j, pattern in enumerate(self._patterns(f"{where}.{field}", body.get(field), field)):
                    key = (entry.kind, field, pattern)
                    if key in rules:
                        self._problem(f"{where}.{field}[{j}]", f"{pattern!r} is also listed at {listed_at[key]}")
                        continue
                    listed_at[key] = f"{where}.{field}[{j}]"
                    rules[key] = _Rule(pattern, field, KnownArtifact(pattern, entry.kind, entry.license,
                                                                     entry.family, entry.source))
        if not isinstance(raw, list) or not raw:
            self._problem("artifacts", "must be a non-empty array of tables [[artifacts]]")
        if self.problems:
            raise KnownArtifactsError(self.problems, directory)
        ordered = sorted(rules.values(), key=lambda r: r.rank)
        self._rules = {(kind, field): [r for r in ordered if r.entry.kind == kind and r.field == field]
                       for kind in KINDS for field in ("ids", "names", "urls")}
        self.entries = tuple(r.entry for r in ordered)

    def _problem(self, path: str, what: str) -> None:
        self.problems.append(f"{self._file}: {path}: {what}")

    def _entry(self, where: str, body: Any, norm: Any) -> KnownArtifact | None:
        if not isinstance(body, dict):
            self._problem(where, "must be a table")
            return None
        for extra in sorted(set(body) - _KEYS):
            self._problem(f"{where}.{extra}", "unknown key")
        kind, lic, family, source = body.get("kind"), body.get("license"), body.get("family"), body.get("source")
        ok = True
        if kind not in KINDS:
            self._problem(f"{where}.kind", f"{kind!r} is not one of {' | '.join(KINDS)}")
            ok = False
        if not isinstance(source, str) or not source.strip():
            self._problem(f"{where}.source", "must be a non-empty string (the card, README or LICENSE read)")
            ok = False
        if family is not None and (not isinstance(family, str) or not _FAMILY.match(family)):
            self._problem(f"{where}.family", f"{family!r} is not a short lower-case name like 'llama-3.1'")
            ok = False
        if not any(body.get(f) for f in ("ids", "names", "urls")):
            self._problem(where, "needs at least one of ids, names, urls")
            ok = False
        if not isinstance(lic, str):
            self._problem(f"{where}.license", "must be an SPDX expression string")
            return None
        found = norm.spdx(lic)
        if found.error or found.unknown_ids or found.expression != lic:
            why = found.error or (f"unknown ids {', '.join(found.unknown_ids)}" if found.unknown_ids
                                  else f"not canonical: write {found.expression!r}")
            self._problem(f"{where}.license", f"{lic!r}: {why}")
            ok = False
        if not ok:
            return None
        return KnownArtifact("", str(kind), lic, family, str(source).strip())

    def _patterns(self, where: str, value: Any, field: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self._problem(where, "must be a list of non-empty strings")
            return []
        out = []
        for j, v in enumerate(value):
            pattern = _name_key(v) if field == "names" else canonical_url(v) if field == "urls" else v.strip().lower()
            if field == "ids" and (" " in pattern or "://" in pattern or pattern.count("/") > 1):
                self._problem(f"{where}[{j}]", f"{v!r} is not a Hub id ('org/name' or a bare legacy id)")
                continue
            if field == "urls" and pattern.startswith(_HUB_HOSTS):
                self._problem(f"{where}[{j}]", f"{v!r}: list Hub repositories under ids, not urls")
                continue
            out.append(pattern)
        return out

    def lookup(self, ref: str, kind: str = "model") -> KnownArtifact | None:
        """The entry for ``ref`` (see module doc), or None. A Hub URL's own kind wins over ``kind``."""
        if not isinstance(ref, str) or not ref.strip() or kind not in KINDS:
            return None
        text = ref.strip()
        if text.lower().startswith("hf://"):
            text = text[len("hf://"):]
        if looks_like_url(text):
            key = canonical_url(text)
            if key.startswith(_HUB_HOSTS):
                hub = _hub_ref(key)
                return None if hub is None else self._match(hub[0], "ids", hub[1])
            return self._match(kind, "urls", key)
        if text.lower().startswith("datasets/") and text.count("/") == 2:
            return self._match("dataset", "ids", text.split("/", 1)[1].lower())
        if " " not in text and text.count("/") <= 1:
            hub_id = text.split("@", 1)[0].lower()  # "org/name@revision"
            return self._match(kind, "ids", hub_id) or self._match(kind, "names", _name_key(text) + " ")
        name = _name_key(text)
        found = self._match(kind, "names", name + " ")
        if found is None and "/" in text:  # "Meta Llama/Llama 3.1 8B Instruct": organization/name
            found = self._match(kind, "names", _name_key(text.rsplit("/", 1)[1]) + " ")
        return found

    def _match(self, kind: str, field: str, key: str) -> KnownArtifact | None:
        for rule in self._rules.get((kind, field), ()):
            if fnmatch.fnmatchcase(key, rule.pattern):
                return rule.entry
        return None


def _name_key(name: str) -> str:
    """"Meta-Llama-3.1-8B_Instruct" -> "meta llama 3.1 8b instruct"."""
    return _NAME_SEPARATORS.sub(" ", name.strip().lower()).strip()


def _hub_ref(key: str) -> tuple[str, str] | None:
    """(kind, repo id) of a canonical Hub URL; None for Spaces and pages that are not repositories."""
    path = key.split("/", 1)[1] if "/" in key else ""
    parts = [p for p in path.split("/") if p]
    kind = "model"
    if parts and parts[0] in {"datasets", "spaces", "models"}:
        if parts[0] == "spaces":
            return None
        kind = "dataset" if parts[0] == "datasets" else "model"
        parts = parts[1:]
    if not parts:
        return None
    if len(parts) == 1 or parts[1] in {"tree", "blob", "resolve", "raw", "commit", "commits", "discussions"}:
        return (kind, parts[0])  # a legacy id without organization: huggingface.co/gpt2
    return (kind, f"{parts[0]}/{parts[1]}")


def known_artifacts(directory: Path | None = None) -> KnownArtifacts:
    """The (cached) validated table of ``directory`` (default: the shipped rules). Raises KnownArtifactsError."""
    return _known((directory or rules_dir()).resolve())


@lru_cache(maxsize=8)
def _known(directory: Path) -> KnownArtifacts:
    return KnownArtifacts(directory)


def lookup(ref: str, kind: str = "model", *, directory: Path | None = None) -> KnownArtifact | None:
    """The well-known model or dataset ``ref`` refers to (rules/models.toml), or None if unknown.

    ``kind`` is "model" or "dataset"; a huggingface.co URL says its own kind (``/datasets/``).
    """
    return known_artifacts(directory).lookup(ref, kind)


def entries(directory: Path | None = None) -> tuple[KnownArtifact, ...]:
    """Every pattern of the table as a KnownArtifact, most specific first."""
    return known_artifacts(directory).entries
