"""The data model: closed enums and frozen dataclasses shared by every stage.

Nothing here does I/O. Stages pass these values along:
discover -> detectors (Claim, Finding) -> components -> normalize -> classify -> analyze -> render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a component is (CONTRACT.md, closed enum)."""

    CODE = "code"
    WEIGHTS = "weights"
    DATA = "data"
    MODEL = "model"
    DATASET = "dataset"
    DEPENDENCY = "dependency"
    OTHER = "other"


class Use(StrEnum):
    """The answer to "may a company use this commercially?" (CONTRACT.md, closed enum)."""

    ALLOWED = "allowed"
    CONDITIONAL = "conditional"
    UNKNOWN = "unknown"
    PROHIBITED = "prohibited"

    @property
    def badness(self) -> int:
        """Order for combining: AND takes the worst, OR elects the best.

        prohibited outranks unknown: a known prohibition is final, while the contract defines
        unknown as "otherwise, ...".
        """
        return _USE_BADNESS[self]


_USE_BADNESS = {Use.ALLOWED: 0, Use.CONDITIONAL: 1, Use.UNKNOWN: 2, Use.PROHIBITED: 3}


def worst(uses: list[Use] | tuple[Use, ...]) -> Use:
    """The least favourable of ``uses`` (ALLOWED for none)."""
    return max(uses, key=lambda u: u.badness, default=Use.ALLOWED)


class Copyleft(StrEnum):
    """How far a license's source-sharing duty reaches."""

    NONE = "none"
    WEAK_FILE = "weak-file"
    WEAK_LIBRARY = "weak-library"
    STRONG = "strong"
    NETWORK = "network"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class UseMode(StrEnum):
    INTERNAL = "internal"
    SAAS = "saas"
    DISTRIBUTE = "distribute"
    RELEASE_WEIGHTS = "release-weights"


class ClaimScope(StrEnum):
    """What a claim covers: a whole directory tree, or one file."""

    DIRECTORY = "directory"
    FILE = "file"


class ClaimRole(StrEnum):
    """GRANT states license terms; NOTICE carries duties only and grants nothing."""

    GRANT = "grant"
    NOTICE = "notice"


class RawForm(StrEnum):
    """How the raw license string of a claim must be read by the normalizer."""

    SPDX = "spdx"  # an SPDX license expression (SPDX header, PEP 639, package.json, Cargo, text match)
    NAME = "name"  # a free-text license name ("Apache 2.0", "BSD", "GPLv3")
    CLASSIFIER = "classifier"  # a trove classifier ("License :: OSI Approved :: MIT License")
    HUB = "hub"  # a Hugging Face Hub license id ("apache-2.0", "llama3.1", "openrail++"): rules/hub-ids.toml
    URL = "url"  # a license URL (Croissant, ONNX model_license, GGUF general.license.link)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where one license statement was found. Paths are relative posix paths (display-escaped)."""

    path: str
    source: str  # license-file, spdx-header, license-header, pyproject, setup-cfg, setup-py, ...
    expression: str | None  # the license as this piece of evidence states it (None: unidentified)
    line: int | None = None
    key: str | None = None  # metadata key path, e.g. "project.license"
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A detector's statement: "``target`` is licensed under ``raw``".

    ``raw`` is kept exactly as found (None means a license is asserted but could not be identified,
    e.g. an unrecognised LICENSE text). The normalizer turns it into an SPDX expression according to
    ``form``; detectors never normalize.
    """

    target: str  # directory ('.' for the root) for DIRECTORY scope, file path for FILE scope
    scope: ClaimScope
    raw: str | None
    form: RawForm
    evidence: tuple[Evidence, ...]  # at least one; the first is the primary location
    role: ClaimRole = ClaimRole.GRANT
    # The text alone does not settle "-only" vs "-or-later" (a bare GPL/LGPL/AGPL text, a "GPLv2"
    # classifier). The component stage looks for other evidence and otherwise reports it.
    version_ambiguous: bool = False
    # Prose about weights or data ("the model parameters are licensed under CC BY 4.0") speaks for the
    # artifacts of that kind in and below ``target``, not for the code there. None: the folder itself.
    applies_to: Kind | None = None

    @property
    def source(self) -> str:
        return self.evidence[0].source

    @property
    def path(self) -> str:
        return self.evidence[0].path


@dataclass(frozen=True, slots=True)
class ArtifactRef:
    """A lineage edge as an artifact declares it: "this model was fine-tuned from ``ref``"."""

    relation: str  # finetune | adapter | quantized | merge | trained-on | base (relation not stated)
    ref: str  # a Hub id ("org/name"), a URL, or a name as written
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Artifact:
    """A detector's statement: "an AI artifact (model, weights, dataset, data) lives here".

    In-repository artifacts have a ``path`` (the card's or manifest's folder, or the weights file).
    Referenced artifacts (downloaded, ``from_pretrained``) have a ``ref`` and the ``path`` of the
    file that references them; they are not in the repository.
    """

    path: str
    kind: Kind
    evidence: Evidence
    lineage: tuple[ArtifactRef, ...] = ()
    ref: str | None = None
    is_dir: bool = True  # False: the artifact is one file (a weights file)
    has_license: bool = False  # its own metadata states a license (else it inherits one)
    # a dependency (kind DEPENDENCY, ``ref`` its package URL without version): how it is needed
    # ("default", "optional", "dev") and the version installed or pinned
    group: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A diagnostic with a stable kebab-case rule code (see findings.py for the registry)."""

    rule: str
    message: str
    severity: Severity
    locations: tuple[Location, ...] = ()
    components: tuple[str, ...] = ()
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class Duty:
    """An obligation or a restriction, with the clause it comes from."""

    code: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a component got its commercial_use: one entry per license that decided it."""

    code: str
    license: str
    text: str


@dataclass(frozen=True, slots=True)
class Lineage:
    relation: str
    ref: str
    license: str | None
    commercial_use: Use | None = None  # ``license`` alone judged for the use mode (None: not judged)


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A regular file inside the scanned root, found by discovery."""

    path: str  # relative posix path, display-escaped (non-UTF-8 bytes as %XX)
    abspath: str  # OS path to open (never outside the root)
    size: int
    # The last part of ``path`` and its folder ("." at the top), computed once: every detector asks for
    # them, and a 200,000-file repository asks millions of times.
    name: str = field(init=False, compare=False, repr=False)
    parent: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        folder, slash, name = self.path.rpartition("/")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "parent", folder if slash else ".")


@dataclass(frozen=True, slots=True)
class Component:
    """A unit that carries one license: the root code, a vendored tree, later a model or dataset."""

    id: str
    path: str
    kind: Kind
    claims: tuple[Claim, ...] = ()
    files: int = 0
    ref: str | None = None  # a referenced artifact (not in the repository): its Hub id or URL
    lineage: tuple[ArtifactRef, ...] = ()
    is_dir: bool = True
    origin: tuple[Evidence, ...] = ()  # where a referenced artifact is mentioned (path, line)
    group: str | None = None  # a dependency: "default", "optional" or "dev" (Artifact.group)
    version: str | None = None  # a dependency: the version installed, else pinned


@dataclass(frozen=True, slots=True)
class JudgedComponent:
    """A component after normalization, classification and analysis."""

    component: Component
    license: str | None  # concluded SPDX expression
    declared_licenses: tuple[str, ...]
    elected_license: str | None
    commercial_use: Use
    evidence: tuple[Evidence, ...]
    obligations: tuple[Duty, ...] = ()
    restrictions: tuple[Duty, ...] = ()
    reasons: tuple[Reason, ...] = ()
    lineage: tuple[Lineage, ...] = ()
    evidence_omitted: int = 0  # per-file evidence counted but not listed (see resolve.FILE_EVIDENCE_PER_LICENSE)
    # restrictions and obligations, most material first (rules/duties.toml order): what the table shows
    material: tuple[Duty, ...] = ()


@dataclass(frozen=True, slots=True)
class Remedy:
    """One way out of a cause: choose another branch, replace or drop, obtain a license, waive, ..."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Cause:
    """Why the answer is not ``allowed``: a component (or an incompatible pair) at the decisive level."""

    kind: str  # component | incompatibility | policy | unread (input that could not be read or parsed)
    components: tuple[str, ...]
    commercial_use: Use
    license: str | None  # the component's license, or "A + B" for an incompatible pair
    elected_license: str | None
    clauses: tuple[Reason, ...]  # the reasons and the license clauses behind them
    lineage: tuple[Lineage, ...]  # repo -> base model -> dataset, as far as known
    remedies: tuple[Remedy, ...]
    waived: bool = False  # a policy waiver covers it (it no longer decides the verdict)


# The release-checklist duties (rules/duties.toml codes) that `license-check notices` discharges: it writes
# the license texts, copyright lines and NOTICE contents they ask a release to ship.
NOTICE_DUTIES = frozenset({"include-license", "include-notice", "include-notice-file", "keep-notice-file",
                           "attribution"})


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One line of the release checklist: a duty that bites in the use mode, and who brings it."""

    code: str
    text: str
    components: tuple[str, ...]
    sources: tuple[str, ...]


class Scope(StrEnum):
    """Which answer decides the verdict and the exit code."""

    REPOSITORY = "repository"  # what the tree ships, plus referenced artifacts whose terms are stated or known
    ADOPTION = "adoption"  # also everything a user must fetch to use it: unknown terms count as unknown


@dataclass(frozen=True, slots=True)
class Adoption:
    """What adopting the repository pulls in: the referenced artifacts a user must also fetch.

    ``commercial_use`` is the answer over the repository's components and every referenced artifact,
    where an artifact with no stated or known terms counts as unknown."""

    commercial_use: Use
    components: tuple[JudgedComponent, ...]  # the referenced artifacts (``component.ref`` set)
    causes: tuple[Cause, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    root: str
    tool_version: str
    licensedb_version: str
    policy: dict[str, object]
    project_license: str | None
    commercial_use: Use
    verdict: Verdict
    components: tuple[JudgedComponent, ...]
    findings: tuple[Finding, ...]
    coverage: dict[str, str] = field(default_factory=dict)
    scan: dict[str, object] = field(default_factory=dict)  # what was walked, ignored and excluded
    causes: tuple[Cause, ...] = ()  # why commercial_use is not allowed (explain), the decisive level only
    checklist: tuple[ChecklistItem, ...] = ()  # the release checklist for the policy's use mode
    adoption: Adoption | None = None  # the as-adopted answer (None: not computed)
    # the names of the LicenseRef- ids the components carry ("LicenseRef-scancode-llama-2-license-2023" ->
    # "Llama 2 Community License Agreement (2023-07-18)"), from the rules: a renderer reads no rules
    license_names: dict[str, str] = field(default_factory=dict)
