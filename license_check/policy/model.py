"""Policy: what a company accepts, and how the tool's commercial_use judgement becomes a verdict.

The frozen values of a loaded policy (docs/policy.md is the reference): the organisation profile,
allow and deny lists (license ids and categories), waivers, clarifications, severity overrides.
Loading and validation (with file and line for every problem) live in load.py; the sha256
pins of waivers and clarifications are checked by pins.py. Applying the policy to a scan is
the pipeline's job (pipeline/decide.py): this module only answers questions (``verdict``, ``decide``,
``Waiver.matches``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

from license_check.knowledge.facts import THRESHOLD_KEYS, LicenseFacts
from license_check.model import Copyleft, Severity, Use, UseMode, Verdict

# The closed set of license categories an allow or deny entry may name as ``category:<name>``.
CATEGORIES: dict[str, str] = {
    "permissive": "commercial use allowed and no copyleft (MIT, BSD, Apache-2.0, ...)",
    "weak-copyleft": "file- or library-scoped copyleft (MPL-2.0, LGPL, EPL, ...)",
    "strong-copyleft": "copyleft that reaches the whole work, network copyleft included (GPL, AGPL, ...)",
    "network-copyleft": "copyleft triggered by use over a network (AGPL, ...)",
    "share-alike": "a share-alike duty: adaptations under the same terms (CC-BY-SA, ODbL, ...)",
    "non-commercial": "a non-commercial restriction (CC-BY-NC, ...)",
    "research-only": "research or evaluation use only",
    "use-restricted": "behavioural use restrictions or an acceptable use policy (OpenRAIL, Llama, ...)",
    "unclassified": "no reviewed facts: a license the rules have not reviewed, or do not know",
}
CATEGORY_PREFIX = "category:"
TRAINING_DATA_READINGS = ("strict", "lenient")
# Which answer decides the verdict (model.Scope): the repository as shipped, or what adopting it pulls in.
SCOPES = ("repository", "adoption")
# Whether a --policy file merges the scanned repository's own [tool.license-check] waivers and clarifications.
REPOSITORY_CONFIG = ("refuse", "apply")
# Which dependency groups count in the repository answer (collect/deps/model.Group), and where a dependency
# whose license could not be read counts: in the adoption answer only, or in the repository answer too.
DEPENDENCY_GROUPS = ("default", "optional", "dev")
UNRESOLVED_DEPENDENCIES = ("adoption", "repository")


def categories(facts: LicenseFacts | None) -> frozenset[str]:
    """The CATEGORIES a license belongs to (None: a license the rules do not know)."""
    if facts is None or (not facts.reviewed and facts.commercial_use is Use.UNKNOWN):
        return frozenset({"unclassified"})
    out: set[str] = set()
    codes = {d.code for d in (*facts.obligations, *facts.restrictions)}
    if facts.commercial_use is Use.ALLOWED and facts.copyleft is Copyleft.NONE:
        out.add("permissive")
    if facts.copyleft in (Copyleft.WEAK_FILE, Copyleft.WEAK_LIBRARY):
        out.add("weak-copyleft")
    if facts.copyleft in (Copyleft.STRONG, Copyleft.NETWORK):
        out.add("strong-copyleft")
    if facts.copyleft is Copyleft.NETWORK:
        out.add("network-copyleft")
    if "share-alike" in codes:
        out.add("share-alike")
    if "non-commercial" in codes:
        out.add("non-commercial")
    if facts.research_only or "research-only" in codes:
        out.add("research-only")
    if codes & {"use-restriction", "acceptable-use-policy"}:
        out.add("use-restricted")
    if facts.commercial_use is Use.UNKNOWN:
        out.add("unclassified")
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Organisation:
    """Who adopts. None: not stated (thresholds and regions are then not triggered)."""

    monthly_active_users: int | None = None
    annual_revenue_usd: int | None = None
    monthly_revenue_usd: int | None = None
    eu_presence: bool | None = None

    def amount(self, key: str) -> int | None:
        """The organisation's figure for a rules threshold key (rules_facts.THRESHOLD_KEYS)."""
        if key not in THRESHOLD_KEYS:
            raise KeyError(key)
        value: int | None = getattr(self, key)
        return value

    def echo(self) -> dict[str, object]:
        return {key: getattr(self, key) for key in (*THRESHOLD_KEYS, "eu_presence")}


@dataclass(frozen=True, slots=True)
class Waiver:
    """Accepts findings (and the verdict they would cause) for a component or a path glob."""

    index: int  # position in the policy's waivers array, from 0
    line: int  # line of its [[waivers]] header in the policy file
    reason: str
    component: str | None = None
    path: str | None = None  # gitignore-style glob relative to the scanned root
    rules: tuple[str, ...] = ()  # rule codes it waives; () = every rule
    expires: date | None = None  # applies through this day; from the day after it is expired
    sha256: str | None = None  # pins ``file``: when the file changes the waiver stops applying
    file: str | None = None

    def matches(self, component_id: str, component_path: str, rule: str, location_paths: Sequence[str]) -> bool:
        """Does this waiver cover a finding (or, with ``rule=""``, a component's verdict)?

        ``rules``: the rule must be one of them (``rule=""`` matches only waivers without ``rules``).
        ``component``: the component id must be equal. ``path``: every location path must match the
        glob; without locations, the component's path must (a folder also as ``folder/``). With both
        ``component`` and ``path``, both must match. Pins and expiry are not checked here
        (policy_pins.check_pins says which waivers are active).
        """
        if self.rules and rule not in self.rules:
            return False
        if self.component is not None and component_id != self.component:
            return False
        if self.path is None:
            return True
        spec = _spec(self.path)
        paths = [p for p in location_paths if p] or ([component_path] if component_path else [])
        return bool(paths) and all(_path_matches(spec, p) for p in paths)

    def echo(self) -> dict[str, object]:
        return {
            "index": self.index, "line": self.line, "component": self.component, "path": self.path,
            "rules": list(self.rules), "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None, "sha256": self.sha256, "file": self.file,
        }


@lru_cache(maxsize=256)
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    import pathspec  # only for a policy with path patterns: pathspec imports asyncio (15 ms a start-up)

    return pathspec.GitIgnoreSpec.from_lines([pattern])


def _path_matches(spec: pathspec.GitIgnoreSpec, path: str) -> bool:
    return bool(spec.match_file(path) or (path != "." and spec.match_file(path.rstrip("/") + "/")))


@dataclass(frozen=True, slots=True)
class Clarification:
    """Sets the license of one file when detection is wrong; lapses when the file's sha256 changes."""

    index: int
    line: int
    path: str
    license: str  # normalized SPDX expression
    sha256: str
    reason: str | None = None

    def echo(self) -> dict[str, object]:
        return {"index": self.index, "line": self.line, "path": self.path, "license": self.license,
                "sha256": self.sha256, "reason": self.reason}


DEFAULT_VERDICTS: Mapping[Use, Verdict] = {
    Use.ALLOWED: Verdict.PASS, Use.CONDITIONAL: Verdict.WARN, Use.PROHIBITED: Verdict.FAIL, Use.UNKNOWN: Verdict.FAIL,
}


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    source: str  # "built-in", the --policy path as given, or "pyproject"
    use_mode: UseMode
    verdicts: dict[Use, Verdict]
    path: str | None = None  # the file it was read from (None: built in)
    fail_on: Severity | None = None  # fail when a finding at or above this severity is not suppressed
    training_data: str = "lenient"  # TRAINING_DATA_READINGS
    scope: str = "repository"  # SCOPES: which answer the verdict and the exit code judge
    organisation: Organisation = field(default_factory=Organisation)
    allow: tuple[str, ...] = ()  # canonical license ids, "X WITH Y" pairs, or "category:<name>"
    deny: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)  # rule code -> severity override
    waivers: tuple[Waiver, ...] = ()
    clarifications: tuple[Clarification, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)  # key path as in messages ("licenses.allow[1]") -> line
    # REPOSITORY_CONFIG: whether a --policy file also takes the scanned repository's own waivers and
    # clarifications ([tool.license-check]); they apply to the repository answer only, never to adoption.
    repository_config: str = "refuse"
    dependency_groups: tuple[str, ...] = ("default",)  # DEPENDENCY_GROUPS counted in the repository answer
    unresolved_dependencies: str = "adoption"  # UNRESOLVED_DEPENDENCIES
    # Which waivers and clarifications come from the scanned repository itself (their indexes): the
    # report labels them, and the adoption answer is judged without them.
    own_waivers: frozenset[int] = frozenset()
    own_clarifications: frozenset[int] = frozenset()

    def without_own_config(self) -> Policy:
        """This policy without the scanned repository's own waivers and clarifications."""
        return replace(self, waivers=tuple(w for w in self.waivers if w.index not in self.own_waivers),
                       clarifications=tuple(c for c in self.clarifications if c.index not in self.own_clarifications),
                       own_waivers=frozenset(), own_clarifications=frozenset())

    def verdict(self, use: Use) -> Verdict:
        return self.verdicts[use]

    def severity_of(self, rule: str, default: Severity) -> Severity:
        return self.severity.get(rule, default)

    def decide(self, license_key: str, facts: LicenseFacts | None) -> tuple[str, str] | None:
        """The lists' word on one license (an id or an "X WITH Y" pair).

        ("deny", entry) if a deny entry matches (deny wins), else ("allow", entry) if an allow entry
        matches, else ("not-allowed", "") if there is an allow list, else None. An id entry matches
        the same id; a bare id in ``deny`` also matches that license with any exception, while an
        allow entry for a bare id does not allow it with an exception (list the pair).
        """
        cats = categories(facts)
        base = license_key.split(" WITH ", 1)[0].strip()
        for entry in self.deny:
            if _entry_matches(entry, license_key, cats) or entry.lower() == base.lower():
                return ("deny", entry)
        for entry in self.allow:
            if _entry_matches(entry, license_key, cats):
                return ("allow", entry)
        return ("not-allowed", "") if self.allow else None

    def echo(self) -> dict[str, object]:
        """The effective policy, every key with its default filled in, as echoed in the JSON report."""
        return {
            "name": self.name,
            "source": self.source,
            "path": "pyproject.toml" if self.source == "pyproject" else self.path,
            "use_mode": self.use_mode.value,
            "fail_on": self.fail_on.value if self.fail_on else None,
            "training_data": self.training_data,
            "scope": self.scope,
            "verdicts": {use.value: self.verdicts[use].value for use in Use},
            "organisation": self.organisation.echo(),
            "licenses": {"allow": list(self.allow), "deny": list(self.deny)},
            "severity": {code: self.severity[code].value for code in sorted(self.severity)},
            "waivers": [w.echo() for w in self.waivers],
            "clarifications": [c.echo() for c in self.clarifications],
            "repository_config": self.repository_config,
            "dependencies": {"groups": list(self.dependency_groups), "unresolved": self.unresolved_dependencies},
        }


def _entry_matches(entry: str, license_key: str, cats: frozenset[str]) -> bool:
    if entry.startswith(CATEGORY_PREFIX):
        return entry[len(CATEGORY_PREFIX):] in cats
    return entry.lower() == " ".join(license_key.split()).lower()
