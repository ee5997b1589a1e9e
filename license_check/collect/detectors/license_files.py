"""License files: LICENSE / COPYING / UNLICENSE / COPYRIGHT texts, and NOTICE-like files.

Each license file is identified by the fast path (fastpath), then as a bundle of several standard
texts joined by connective prose (bundles, still without ScanCode), and, when both fail and
ScanCode is allowed, by the compact index of ScanCode's texts and notices (compact_matcher: whole
rules, word for word), then by ScanCode's full index (scancode_matcher, loaded lazily) for what the
compact one cannot settle. An unidentified file is never dropped: it makes its folder's license
unknown, with a finding that names it.

One folder at a time, the grant-bearing files make ONE directory claim (target = the folder), combined as
license_combine says (a choice, the LGPL-3.0 pair, else AND). A Debian machine-readable copyright file
(copyright-format 1.0) is read as data by debian_copyright, never by ScanCode, and binds the parent of debian/.

NOTICE, PATENTS and third-party notice files grant nothing: each gets a NOTICE-role claim and an info
finding. REUSE's ``LICENSES/`` folder and ``*.license`` sidecars belong to the REUSE detector.
The text matchers (collect/textid) are imported by the functions that use them: a scan whose license
files are all cached never loads them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from license_check.collect.detectors import debian_copyright
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.detectors.license_combine import combine, primary_order
from license_check.collect.detectors.license_names import (
    _THIRD_PARTY,
    _THIRD_PARTY_REST,
    _parse,
    binds,
    is_license_file_name,
    is_notice_file_name,
    scope_kind,
)
from license_check.collect.reading import LICENSE_TEXT_CAP, read_text
from license_check.errors import LicenseCheckError
from license_check.findings import make_finding
from license_check.knowledge.textrules import Clause
from license_check.model import (
    Artifact,
    Claim,
    ClaimRole,
    ClaimScope,
    Evidence,
    FileEntry,
    Finding,
    Location,
    RawForm,
)

NAME = "license-files"
SOURCE = "license-file"
NOTICE_SOURCE = "notice-file"


__all__ = ["binds", "is_license_file_name", "is_notice_file_name", "scope_kind"]

def _in_reuse_folder(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 2 and parts[-2] == "LICENSES"


# Folders that collect copies of other software's licenses (not REUSE's ``LICENSES/``): what they hold
# documents terms of code that lives elsewhere, so it grants nothing for the folder itself.
_COLLECTION_DIR = re.compile(rf"^(?:licen[cs]es|{_THIRD_PARTY}|(?:third|3rd)[-_]?party)$")


def _in_license_collection(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 2 and parts[-2] != "LICENSES" and bool(_COLLECTION_DIR.match(parts[-2].lower()))


@dataclass(frozen=True, slots=True)
class FileIdentification:
    """What one license file says."""

    entry: FileEntry
    expression: str | None  # SPDX expression; None = unidentified
    confidence: float | None = None
    version_ambiguous: bool = False
    method: str = ""  # "fast-path", "spdx-template", "fast-path-composite" (bundles), "use-terms", "scancode-compact"
    # or "scancode"
    findings: tuple[Finding, ...] = ()
    cacheable: bool = True  # False: a ScanCode timeout, error or load failure, which another run may not repeat
    evidence: tuple[Evidence, ...] = ()  # a structured file's own pieces (copyright-format paragraphs); () = one


# Identifications made ahead of the detectors (license_check.cache.session: cached or computed in parallel), by path.
_PREPARED: ContextVar[dict[str, FileIdentification] | None] = ContextVar("license_files_prepared", default=None)


@contextlib.contextmanager
def prepared(idents: dict[str, FileIdentification]) -> Iterator[None]:
    """While active, identify_file answers from ``idents`` for the paths it holds."""
    token = _PREPARED.set(idents)
    try:
        yield
    finally:
        _PREPARED.reset(token)


def _license_listings(files: Sequence[FileEntry]) -> set[str]:
    """Plural-named license files (``LICENSES.md``) in a folder that also has its own license file: a
    list of the licenses of the works bundled there (openai/retro's LICENSES.md: the root's MIT, then
    "Libraries used" with each library's license), a notice, not the folder's grant. Alone in its
    folder, such a file is read as the folder's license."""
    plural, singular = [], set()
    for e in files:
        parsed = _parse(e.name)
        if parsed is None or _in_reuse_folder(e.path) or is_notice_file_name(e.name) or scope_kind(e.path):
            continue
        if parsed.base in ("licenses", "licences"):
            plural.append(e)
        else:
            singular.add(binds(e.path))
    return {e.path for e in plural if binds(e.path) in singular}


def _is_notice(entry: FileEntry, listings: set[str]) -> bool:
    return is_notice_file_name(entry.name) or _in_license_collection(entry.path) or entry.path in listings


def text_candidates(files: Sequence[FileEntry]) -> list[FileEntry]:
    """The files detect() identifies as license texts (not notices, not REUSE's LICENSES/ folder)."""
    listings = _license_listings(files)
    return [e for e in files if not _in_reuse_folder(e.path) and _parse(e.name) is not None
            and not _is_notice(e, listings)]


def identify_file(entry: FileEntry, ctx: ScanContext) -> FileIdentification:
    """Identify the license text of one file: fast path, then ScanCode (compact index, then full); failures
    become findings."""
    prepared_idents = _PREPARED.get()
    if prepared_idents is not None and entry.path in prepared_idents:
        return prepared_idents[entry.path]
    first = identify_fast(entry, ctx)
    if isinstance(first, FileIdentification):
        return first
    return identify_compact(entry, first, ctx) or identify_scancode(entry, first, ctx)


def identify_compact(entry: FileEntry, text: str, ctx: ScanContext) -> FileIdentification | None:
    """ScanCode's answer from its compact index (no full index loaded), or None when only the full one can tell."""
    from license_check.collect.textid import compact_matcher

    outcome = compact_matcher.identify_shared(text, ctx.knowledge, entry.path, ctx.log)
    if outcome is None or outcome.expression is None:
        return None
    return FileIdentification(entry, outcome.expression, outcome.confidence, outcome.version_ambiguous,
                              compact_matcher.METHOD)


def identify_fast(entry: FileEntry, ctx: ScanContext) -> FileIdentification | str:
    """Everything but ScanCode: the identification, or the file's text when only ScanCode can tell."""
    loc = (Location(entry.path),)
    result = read_text(entry.abspath, LICENSE_TEXT_CAP)
    if result.truncated:
        return FileIdentification(entry, None, findings=(make_finding(
            "license-file-too-large",
            f"{entry.path}: the license file is larger than the {LICENSE_TEXT_CAP // 1024} KiB read cap, so it "
            "was not matched (a partial match could hide extra terms); its license is unknown.", loc),))
    if result.text is None:
        why = "it holds binary data, not text" if result.binary else f"it could not be read ({result.error})"
        return FileIdentification(entry, None, findings=(make_finding(
            "unreadable-file", f"{entry.path}: a license file, but {why}; its license is unknown.", loc),))
    text = result.text
    if not text.strip():
        return FileIdentification(entry, None, findings=(make_finding(
            "unknown-license-text", f"{entry.path}: the license file is empty; it states no license terms. "
            "Put the license text in it, or remove it.", loc, fix=""),))
    if debian_copyright.is_copyright_format(text, ctx.knowledge.debian):
        return _debian(entry, text, ctx)
    ident = identify_text(entry, text, ctx)
    if ident is not None:
        return ident
    if not ctx.use_scancode:
        return FileIdentification(entry, None, findings=(make_finding(
            "unknown-license-text",
            f"{entry.path}: not a standard license text the fast path knows, and ScanCode matching is turned "
            "off (--no-scancode); its license is unknown. Run without --no-scancode, or review the text.", loc,
            fix=""),))
    return text


def _debian(entry: FileEntry, text: str, ctx: ScanContext) -> FileIdentification:
    """A copyright-format file: its License fields read as data, other texts in it by identify_text."""
    def identify(body: str) -> tuple[str | None, float | None, tuple[Finding, ...]]:
        found = identify_text(entry, body, ctx)
        return (None, None, ()) if found is None else (found.expression, found.confidence, found.findings)

    reading = debian_copyright.read(entry.path, text, ctx.knowledge.debian, identify)
    ctx.log(f"{entry.path}: {reading.expression} by {debian_copyright.METHOD} ({len(reading.evidence)} paragraphs; "
            "ScanCode not needed)")
    return FileIdentification(entry, reading.expression, reading.confidence, method=debian_copyright.METHOD,
                              findings=reading.findings, evidence=reading.evidence)


def identify_text(entry: FileEntry, text: str, ctx: ScanContext) -> FileIdentification | None:
    """The identification of a license text by everything but ScanCode, or None when only ScanCode can tell."""
    from license_check.collect.textid import bundles, fastpath, operative

    loc = (Location(entry.path),)
    found = fastpath.match_license_text(text, ctx.knowledge)
    if found is not None and found.exact:
        return FileIdentification(entry, found.expression, found.score, found.version_ambiguous, "fast-path")
    exact = _spdx_template(entry, text, ctx)  # SPDX's exact texts decide between near siblings
    if isinstance(exact, FileIdentification) and (found is None or exact.expression != found.expression):
        if found is not None:
            ctx.log(f"{entry.path}: SPDX's exact text of {exact.expression} wins over the fast path's near "
                    f"match {found.expression}")
        return exact
    if found is not None and not _lacks_clause(entry, found.expression, text, ctx):
        return FileIdentification(entry, found.expression, found.score, found.version_ambiguous, "fast-path")
    bundle = bundles.match_bundle(text, ctx.knowledge)
    # only the texts found can lack a clause: a license a connective grants ("waived via CC0") has no text here
    texts = " AND ".join(m.expression for m in bundle.parts) if bundle is not None else ""
    if bundle is not None and not _lacks_clause(entry, texts, text, ctx):
        ctx.log(f"{entry.path}: {bundle.expression} by fast-path-composite ({len(bundle.parts)} license texts: "
                f"{', '.join(m.expression for m in bundle.parts)}; {bundle.prose_words} words of connective prose)")
        return FileIdentification(entry, bundle.expression, bundle.score, bundle.version_ambiguous,
                                  "fast-path-composite")
    if exact is not None:  # only exception texts: the license they are exceptions to is not there
        return FileIdentification(entry, None, findings=(make_finding(
            "unknown-license-text",
            f"{entry.path}: {exact}; which license the exception applies to is not stated, so its license is "
            "unknown. Add the license text (or an SPDX-License-Identifier such as 'GPL-2.0-only WITH "
            "Classpath-exception-2.0').", loc, fix=""),))
    terms = operative.read_terms(text, ctx.knowledge.use_terms)
    restriction = operative.restricts_commercial_use(terms)
    if restriction is not None:  # a custom text that says what it forbids needs no matcher
        ctx.log(f"{entry.path}: {restriction.category} clause on line {restriction.line}; read as a custom license")
        return FileIdentification(entry, operative.NONCOMMERCIAL, 0.9, method="use-terms", findings=(make_finding(
            "restrictive-license-text",
            f"{entry.path}: not a standard license text; its terms restrict commercial use "
            f"({restriction.category}, line {restriction.line}): \"{_clip(restriction.quote)}\"",
            (Location(entry.path, restriction.line),)),))
    return None


def _spdx_template(entry: FileEntry, text: str, ctx: ScanContext) -> FileIdentification | str | None:
    """The file's identification when it is exactly SPDX license texts (templates.py); the reason when it
    holds only exception texts; else None (the text is left to the next matcher)."""
    from license_check.collect.textid import templates

    match = templates.identify(text, ctx.knowledge.boilerplate)
    if match is None:
        return None
    if match.expression is not None:
        siblings = sorted({s for p in match.parts for s in p.siblings})
        ctx.log(f"{entry.path}: {match.expression} by spdx-template (SPDX list {templates.list_version()}"
                f"{'; same text as ' + ', '.join(siblings) if siblings else ''})")
        return FileIdentification(entry, match.expression, 1.0, match.version_ambiguous, "spdx-template")
    if all(p.exception for p in match.parts):
        return match.detail
    return None


def _lacks_clause(entry: FileEntry, expression: str, text: str, ctx: ScanContext) -> bool:
    """Whether a near match lacks a clause of one of its licenses' SPDX texts (a modified license)."""
    from license_check.collect.textid import templates

    for spdx_id in re.findall(r"[A-Za-z0-9][A-Za-z0-9.+-]*", expression):
        missing = templates.missing_clause(spdx_id, text) if spdx_id not in ("AND", "OR", "WITH") else None
        if missing is not None:
            ctx.log(f"{entry.path}: near {spdx_id}, but it lacks words of SPDX's text: \"{missing[:120]}\"")
            return True
    return False


def _clip(quote: str, width: int = 300) -> str:
    return quote if len(quote) <= width else quote[: width - 1] + "…"


def _quoted_terms(text: str, clauses: tuple[Clause, ...]) -> str:
    """The restricting clauses of an unidentified text, quoted for its finding ("" when none)."""
    from license_check.collect.textid import operative

    terms = operative.read_terms(text, clauses)
    return "".join(f" It says ({t.category}, line {t.line}): \"{_clip(t.quote, 200)}\"." for t in terms)


def identify_scancode(entry: FileEntry, text: str, ctx: ScanContext) -> FileIdentification:
    """ScanCode's identification of a license text the fast path does not know (loads its index once)."""
    from license_check.collect.textid import scancode_matcher

    loc = (Location(entry.path),)
    outcome = scancode_matcher.identify(entry.abspath, text, entry.path, ctx.scancode_timeout, ctx.log,
                                        ctx.knowledge)
    clauses = ctx.knowledge.use_terms
    if outcome.status == scancode_matcher.Status.IDENTIFIED and outcome.expression:
        return FileIdentification(entry, outcome.expression, outcome.confidence, outcome.version_ambiguous,
                                  "scancode")
    if outcome.status == scancode_matcher.Status.UNAVAILABLE:
        finding = make_finding(
            "scancode-unavailable",
            f"{entry.path}: not a standard license text the fast path knows, and ScanCode could not be "
            f"loaded to identify it ({outcome.detail}); its license is unknown.", loc)
    else:
        finding = make_finding(
            "unknown-license-text",
            f"{entry.path}: the license text could not be identified with good confidence "
            f"({outcome.detail}); it may hold custom terms, so its license is unknown.{_quoted_terms(text, clauses)} "
            "Review the text: replace it with a standard license text, or get the terms reviewed by counsel before "
            "use.",
            loc, fix="")
    repeatable = outcome.status in (scancode_matcher.Status.LOW_CONFIDENCE, scancode_matcher.Status.NO_LICENSE)
    return FileIdentification(entry, None, findings=(finding,), cacheable=repeatable)


def _folder_claim(folder: str, idents: list[FileIdentification]) -> Claim:
    idents = sorted(idents, key=primary_order)
    expression, ambiguous = combine(idents)
    evidence = tuple(
        e for i in idents
        for e in i.evidence or (Evidence(path=i.entry.path, source=SOURCE, expression=i.expression,
                                         confidence=i.confidence),)
    )
    return Claim(target=folder, scope=ClaimScope.DIRECTORY, raw=expression, form=RawForm.SPDX,
                 evidence=evidence, role=ClaimRole.GRANT, version_ambiguous=ambiguous and expression is not None)


def _notice(entry: FileEntry) -> tuple[Claim, Finding]:
    name = entry.name.lower()
    if name.startswith("patents"):
        what = "a PATENTS file: it may carry patent terms of its own (review it) and must be passed on"
    elif (parsed := _parse(entry.name)) is not None and parsed.base in ("licenses", "licences"):
        what = ("a list of the licenses of bundled works beside the folder's own license file: a notice, not "
                "a grant; each bundled work is judged by its own license file")
    elif _in_license_collection(entry.path):
        what = ("a copy of another work's license kept in a license collection folder: it grants nothing for "
                "this folder, and must be passed on with the work it belongs to")
    elif _THIRD_PARTY_REST.search(name):
        what = ("a notice file for bundled third-party code: it grants nothing for this folder, and its "
                "notices must be passed on with redistributions")
    else:
        what = "a NOTICE file: it grants nothing, and its attribution notices must be passed on with redistributions"
    claim = Claim(target=entry.parent, scope=ClaimScope.DIRECTORY, raw=None, form=RawForm.SPDX,
                  evidence=(Evidence(path=entry.path, source=NOTICE_SOURCE, expression=None),),
                  role=ClaimRole.NOTICE)
    return claim, make_finding("notice-file", f"{entry.path}: {what}.", (Location(entry.path),), fix="")


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    claims: list[Claim] = []
    findings: list[Finding] = []
    license_paths: list[str] = []
    notice_paths: list[str] = []
    by_folder: dict[str, list[FileIdentification]] = {}
    artifacts: list[Artifact] = []
    listings = _license_listings(files)
    for entry in files:
        if _in_reuse_folder(entry.path) or _parse(entry.name) is None:
            continue
        if _is_notice(entry, listings):  # text_candidates() agrees
            claim, finding = _notice(entry)
            claims.append(claim)
            findings.append(finding)
            notice_paths.append(entry.path)
            continue
        license_paths.append(entry.path)
        try:
            ident = identify_file(entry, ctx)
        except LicenseCheckError:  # broken rules (a lazily read rules file): the scan stops, exit 2
            raise
        except Exception as exc:  # never lose the file: it still makes its folder's license unknown
            ident = FileIdentification(entry, None, findings=(make_finding(
                "detector-error", f"{entry.path}: identifying this license file failed ({type(exc).__name__}: "
                f"{exc}); its license is unknown.", (Location(entry.path),)),))
        findings.extend(ident.findings)
        kind = scope_kind(entry.path)
        if kind is not None:  # DATA_LICENSE, LICENSE_weights, MODEL_LICENSE.md: a component of its own
            by_folder[entry.path] = [ident]
            artifacts.append(Artifact(entry.path, kind, Evidence(entry.path, SOURCE, ident.expression),
                                      is_dir=False, has_license=True))
        else:
            dep5 = ident.method == debian_copyright.METHOD
            by_folder.setdefault(debian_copyright.binds(entry.path) if dep5 else binds(entry.path), []).append(ident)
    claims.extend(_folder_claim(folder, by_folder[folder]) for folder in sorted(by_folder))
    extra: dict[str, object] = {
        "license_files": sorted(license_paths),
        "notice_files": sorted(notice_paths),
        "legal_files": sorted(license_paths + notice_paths),
    }
    return DetectorResult(claims=tuple(claims), findings=tuple(findings), extra=extra, artifacts=tuple(artifacts))


def identify_pointed(files: Sequence[FileEntry], owners: dict[str, str], ctx: ScanContext) -> DetectorResult:
    """Files a manifest names as its license whose names this detector does not recognise
    (``SEE LICENSE IN EULA.md``, ``license = {file = "TERMS.txt"}``): identified the same way, as a
    grant for the manifest's folder. ``owners`` maps each such path to that folder.
    """
    by_path = {f.path: f for f in files}
    by_folder: dict[str, list[FileIdentification]] = {}
    findings: list[Finding] = []
    for path, folder in sorted(owners.items()):
        entry = by_path.get(path)
        if entry is None or _parse(entry.name) is not None or _in_reuse_folder(path):
            continue  # missing (the manifest detector reported it) or already read by detect()
        ident = identify_file(entry, ctx)
        findings.extend(ident.findings)
        by_folder.setdefault(folder, []).append(ident)
    claims = tuple(_folder_claim(folder, by_folder[folder]) for folder in sorted(by_folder))
    return DetectorResult(claims=claims, findings=tuple(findings))
