"""The registry of finding rule codes: stable kebab-case ids, default severity, documentation.

Every finding the tool emits uses a code from RULES; a test checks that each code is documented in
docs/diagnostics.md and that no module emits an unregistered code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from license_check.model import Finding, Location, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    summary: str  # one line: what it means
    why: str  # why it matters
    fix: str  # how to fix


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("no-license", _E, "A component has no license at all.",
             "Without a license nobody has the right to use, copy or distribute the work: all rights are reserved.",
             "Add a LICENSE file (or an SPDX header / manifest license) that states the terms."),
        Rule("unknown-license-text", _E, "A license file could not be identified with good confidence.",
             "An unidentified text may be a custom license with any terms, including non-commercial ones.",
             "Replace it with a standard license text, or review it and add a clarification to the policy."),
        Rule("unknown-license-id", _E, "A license name or id could not be resolved to a known license.",
             "The tool cannot tell what an unknown id permits, so the component is unknown.",
             "Use a valid SPDX license expression (https://spdx.org/licenses/) or a LicenseRef- id the rules know."),
        Rule("vague-declaration", _W, "A declaration says only that a license exists, next to a specific one.",
             "A classifier such as 'License :: Other/Proprietary License' or an unknown LicenseRef- label says "
             "nothing about the terms; the specific license text or notice beside it decides.",
             "Declare the same license everywhere (the SPDX id in manifests, classifiers and headers)."),
        Rule("restrictive-license-text", _E,
             "A license file is no standard text, and its own clauses restrict commercial use.",
             "A custom text that reserves commercial use (\"for noncommercial research purposes\", \"may not be "
             "sold\") binds whoever uses the work, whatever the rest of it says.",
             "Replace or drop the component, or obtain a commercial license from the rights holder; if the "
             "reading is wrong, clarify the file in the policy."),
        Rule("invalid-license-expression", _E, "A license expression could not be parsed.",
             "An unparseable expression states no terms the tool can rely on.",
             "Fix the syntax: SPDX ids joined with AND, OR, WITH and parentheses."),
        Rule("unclassified-license", _E, "A license is known by id but the rules hold no reviewed facts for it.",
             "Its commercial-use terms were not reviewed, so the component is unknown.",
             "Review the license and add its facts (with sources) to rules/, or waive it in policy."),
        Rule("prohibited-license", _E, "A license forbids commercial use in this use mode.",
             "Commercial adoption would breach the license terms.",
             "Replace or drop the component, or obtain a commercial license from the rights holder."),
        Rule("organisation-terms", _E,
             "The policy's organisation profile triggers a license's user or revenue threshold or regional exclusion.",
             "Above a threshold, or in an excluded region, the license grants no rights: a separate license is needed.",
             "Obtain a license from the rights holder, or use another model; check the organisation profile in the "
             "policy."),
        Rule("conditional-license", _W, "A license allows commercial use only under material conditions.",
             "Copyleft source disclosure, share-alike or use restrictions must be honoured on release.",
             "Check the obligations listed for the component and plan how to meet them."),
        Rule("incompatible-licenses", _E,
             "Components combined into one work (vendored or linked code, a model and its base, a merge) have "
             "licenses that cannot be combined.",
             "No license can satisfy both: distributing the combination breaches one of them. In internal or saas "
             "use it is a warning, since nothing is distributed.",
             "Elect another OR branch, replace or drop one of the components, or obtain the other license from "
             "the rights holder."),
        Rule("compatibility-unknown", _W,
             "Two licenses are combined into one work and no reviewed data says whether they may be.",
             "The combination may or may not be lawful to distribute (e.g. LGPL code copied into, rather than "
             "linked from, Apache-2.0 code); the answer is not changed, but a reviewer should check it.",
             "Check how the components are combined; add the pair with its clause to rules/compatibility.toml, "
             "or waive the finding with the reason."),
        Rule("conflicting-declarations", _E, "Authoritative license declarations of one component disagree.",
             "When a LICENSE file and a manifest state different licenses, it is unclear which terms apply.",
             "Make the declarations agree, or clarify the license of the path in policy."),
        Rule("readme-license-mismatch", _W, "A README states a license different from the component's license.",
             "Readers (and other tools) may believe different terms apply.",
             "Update the README sentence, or the license files, so that they agree."),
        Rule("license-from-readme-only", _W, "The only license evidence of a component is a README sentence.",
             "Prose is weaker evidence than a license file: the exact terms are not shipped.",
             "Add the full license text as a LICENSE file."),
        Rule("ambiguous-license-version", _W,
             "A GPL-family license does not say whether it is -only or -or-later.",
             "The two grant different rights and have different compatibility; the narrower -only is assumed.",
             "State the version in an SPDX header or manifest (e.g. GPL-2.0-only or GPL-2.0-or-later)."),
        Rule("ambiguous-license-expression", _W,
             "A license expression joins ids with '/', which is no SPDX operator; it was read as OR.",
             "'MIT/Apache-2.0' usually offers a choice (OR), but a slash may also mean that both apply (AND); "
             "the reading decides which obligations are kept.",
             "Write the operator: 'MIT OR Apache-2.0' for a choice, 'MIT AND Apache-2.0' when both apply."),
        Rule("file-license-differs", _W, "A file's own license differs from its component's license.",
             "The component contains code under other terms; its license includes them (AND).",
             "Check that the file's license is compatible and honour its obligations, or replace the file."),
        Rule("unlicensed-files", _E, "Files in a component without a license carry no license of their own.",
             "Files without any license grant are all rights reserved.",
             "Add a LICENSE file for the component or SPDX headers to every file."),
        Rule("license-file-too-large", _E, "A license file is larger than the read cap and was not matched.",
             "A partial match could hide extra terms; the file is treated as an unknown license.",
             "Split the file into one file per license, or review it and clarify it in policy."),
        Rule("unreadable-file", _W, "A file could not be read.",
             "Evidence in it is missing; if it bears a license, its component is unknown.",
             "Check the file's permissions and encoding."),
        Rule("malformed-metadata", _E, "A manifest or metadata file could not be parsed.",
             "License-bearing input that cannot be parsed makes its component unknown (fail safe).",
             "Fix the syntax of the file."),
        Rule("unevaluated-metadata", _W, "A manifest's license value is computed and was not evaluated.",
             "license-check never runs setup.py or other build code, so a computed license is unknown.",
             "Write the license as a string literal, or declare it in pyproject.toml (project.license)."),
        Rule("missing-license-file", _W, "A manifest points to a license file that does not exist.",
             "The declared license cannot be read, so the folder's license is unknown.",
             "Add the license file at the path the manifest names, or fix the path."),
        Rule("license-mention", _I,
             "Prose names a license in a sentence that is no license of the tree (data, a third-party model, "
             "what the project uses, documentation).",
             "Such a statement binds nothing the repository ships, so it adds no claim and moves no verdict; a "
             "compliance reviewer still sees every license the tree names, with its SPDX id where known (a name "
             "without a version, such as \"CC BY\", is listed with every version it may mean, none guessed).",
             "Nothing to do if the sentence binds nothing the repository ships; if it does, state that license "
             "where it binds (a LICENSE file, a manifest, the README or a model card)."),
        Rule("notice-file", _I, "A NOTICE file carries attribution duties.",
             "A NOTICE grants nothing but must be passed on with redistributions (e.g. Apache-2.0 section 4(d)).",
             "Ship the NOTICE file with every redistribution."),
        Rule("inherited-license", _W,
             "Weights or data carry no license of their own; only the repository's code license covers them.",
             "A code license is often not meant for weights or data, and nothing states their terms.",
             "State the artifact's license: a model card (license:), embedded metadata, or a LICENSE beside it."),
        Rule("license-drift", _W, "A model declares a license more permissive than its base model's.",
             "A fine-tune, adapter, quantization or merge carries its base model's terms; relabelling "
             "does not remove them, so the base's terms are applied as well (AND).",
             "Declare the base model's license (or both), and honour the base's obligations."),
        Rule("unverified-lineage", _W, "A model names a base model whose license the rules do not know.",
             "The base's terms flow down to this model but could not be checked.",
             "Check the base model's license and add it to rules/models.toml, or clarify it in policy."),
        Rule("training-data-terms", _W,
             "A model names training data under non-commercial, share-alike or no-derivatives terms.",
             "Whether such terms reach a trained model is unsettled law; a conservative reading applies them.",
             "Check the dataset's terms for model training, or use data under permissive terms."),
        Rule("external-artifact", _I, "The repository downloads or loads a model or dataset it does not contain.",
             "Adopting the repository pulls in that artifact and its terms: they are judged in the adoption "
             "answer (--scope adoption), and in the repository answer only where the tree states them.",
             "Check the artifact's license; state it in the README or clarify it in policy."),
        Rule("dependency-unresolved", _I, "Declared dependencies whose license could not be read.",
             "A dependency is part of what adopting the repository pulls in; with no installed metadata its "
             "terms are unknown (the adoption answer), and the repository's own answer does not depend on it.",
             "Run with --deps-env pointing at the environment the code runs in, or install the missing packages."),
        Rule("unreadable-dependencies", _W, "A dependency manifest or lock file could not be read, or part of it.",
             "The dependencies it declares are missing from the report: adopting the repository may pull in terms "
             "nobody saw. The repository's own license does not depend on them.",
             "Fix the file's syntax (the message names the key and line), or regenerate the lock file."),
        Rule("dependency-environment", _E, "The environment given with --deps-env could not be read.",
             "No dependency license was read from it, so every dependency's terms are unknown.",
             "Point --deps-env at a virtual environment folder (with pyvenv.cfg), a Python interpreter, or use "
             "'auto' inside an activated venv."),
        Rule("baseline", _I, "The check ran against a baseline of accepted findings (--baseline).",
             "Findings already in the baseline (same rule, locations and components) are treated as waived, so a "
             "repository with accepted legacy findings can pass while any new finding still fails.",
             "Review what the baseline accepts from time to time; regenerate it with --write-baseline FILE."),
        Rule("denied-license", _E, "A component is under a license the policy denies.",
             "The organisation has decided not to adopt work under this license (or category).",
             "Replace or drop the component, elect another OR branch, or change the policy's deny list."),
        Rule("license-not-allowed", _E, "A component is under a license that is not on the policy's allow list.",
             "With an allow list, only the licenses the organisation has approved may be adopted.",
             "Have the license reviewed and add it to the allow list, or replace the component."),
        Rule("unused-allow", _W, "An allow-list entry matched no component.",
             "Stale entries widen the policy for no reason and hide what is really approved.",
             "Remove the entry from the policy's allow list."),
        Rule("unused-waiver", _W, "A waiver matched no finding and no component.",
             "A waiver that waives nothing is stale, and may later waive something nobody reviewed.",
             "Remove the waiver, or fix its component id or path."),
        Rule("expired-waiver", _W, "A waiver is past its expiry date and no longer applies.",
             "The findings it waived count again; the exception was meant to be reviewed by now.",
             "Review the waived findings; renew the waiver with a new date and reason, or fix the cause."),
        Rule("stale-waiver", _W, "The file a waiver is pinned to (by sha256) changed or is gone; the waiver no longer "
             "applies.", "The waiver was granted for a reviewed version of the file, not for what it is now.",
             "Review the file again and update the waiver's sha256, or remove the waiver."),
        Rule("lapsed-clarification", _W,
             "The file a clarification is pinned to (by sha256) changed or is gone; detection applies again.",
             "The clarified license was reviewed for the old content; the new content may state other terms.",
             "Review the file again and update the clarification's sha256, or remove the clarification."),
        Rule("skipped-special-file", _I, "A FIFO, socket, device or other non-regular file was skipped.",
             "It cannot hold license evidence that the tool may read safely.",
             "Nothing to do, unless the file was meant to be a regular file."),
        Rule("symlink-outside-root", _W, "A symbolic link points outside the scanned root and was not followed.",
             "Content outside the repository is not part of what is scanned.",
             "Vendor the linked content into the repository if it ships with it."),
        Rule("scan-limit-reached", _W,
             "A scan limit (tree depth, file count) was reached; some paths were not analysed.",
             "Evidence beyond the limit is missing from the verdict.",
             "Exclude generated trees with --exclude, or scan a smaller root."),
        Rule("detector-error", _E, "A detector failed on a file (an internal error, reported instead of crashing).",
             "Evidence in that file is missing; its component is treated as unknown.",
             "Please report this as a bug with the file that caused it."),
        Rule("scancode-unavailable", _E, "ScanCode could not be loaded to identify a license text.",
             "License texts that need ScanCode stay unidentified (unknown).",
             "Install scancode-toolkit==32.5.0 with pluggy<1.7 (see README)."),
    )
}


def make_finding(
    rule: str,
    message: str,
    locations: Iterable[Location] = (),
    components: Iterable[str] = (),
    severity: Severity | None = None,
    fix: str | None = None,
) -> Finding:
    """Build a Finding with the rule's default severity. Unknown codes are a programming error.

    The message says what happened and why it matters; it always ends with how to fix it: ``fix``
    when given, else the rule's registered fix. ``fix=""`` means the message already says it.
    """
    spec = RULES[rule]
    text = message.rstrip()
    remedy = spec.fix if fix is None else fix
    if remedy:
        text = f"{text}{'' if text.endswith(('.', '!', '?')) else '.'} {remedy}"
    return Finding(
        rule=rule,
        message=text,
        severity=severity or spec.severity,
        locations=tuple(sorted(set(locations), key=lambda loc: (loc.path, loc.line or 0))),
        components=tuple(sorted(set(components))),
    )


def fingerprint(finding: Finding) -> str:
    """A stable hash for baselines: the rule, the locations and the components, not the wording."""
    parts = [finding.rule]
    parts += [f"{loc.path}:{loc.line or ''}" for loc in finding.locations]
    parts += [f"component:{c}" for c in finding.components]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
