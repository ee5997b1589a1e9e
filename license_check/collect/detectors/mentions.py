"""License names in prose that is no grant for the tree: the ``license-mention`` finding (info, never a claim).

A compliance reviewer wants to see every license statement of a tree, even one that binds nothing it ships:
"All audio files are licensed under CC0, CC BY, or CC Sampling+" (the training data of a model the tree does
not contain), "this project uses code from X, which is released under the MIT license", "... abides by the
NVIDIA Open Model License Agreement" in documentation. The detectors that read such prose (readme_prose.py
for a README's sentences about someone else's work, doc_prose.py for documentation files) hand the names
as written to ``finding``; this module only describes them: the SPDX id where the normalizer knows the
name, every version an unversioned name may mean ("CC BY": no exact version, never a guessed 4.0), or that
no id is known. Nothing here adds a claim, so no component, verdict or obligation changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from license_check.findings import make_finding
from license_check.knowledge.normalize import Normalizer
from license_check.model import Finding, Location, RawForm

RULE = "license-mention"
NO_VERSION = "no exact version stated"


def describe(name: str, normalizer: Normalizer) -> str:
    """``name (its SPDX id)``; an unversioned family name with the ids it may mean; else that none is known."""
    found = normalizer.read(name, RawForm.NAME)
    if found.candidates:
        return f"{name} ({NO_VERSION}; it may mean {', '.join(found.candidates)})"
    if found.expression is not None and not found.unknown_ids and found.error is None:
        return f"{name} ({found.expression})" if found.expression != name else name
    return f"{name} (no SPDX id known)"


def known(name: str, normalizer: Normalizer) -> bool:
    """The normalizer resolves ``name`` to an expression or to the versions of a family."""
    found = normalizer.read(name, RawForm.NAME)
    return bool(found.candidates) or (found.expression is not None and not found.unknown_ids)


def finding(path: str, line: int, names: Iterable[str], normalizer: Normalizer, where: str) -> Finding:
    """One ``license-mention`` finding for the names of one line of ``path``; ``where`` says what prose it is."""
    unique = list(dict.fromkeys(" ".join(n.split()) for n in names))
    described = "; ".join(describe(n, normalizer) for n in unique)
    return make_finding(
        RULE,
        f"{path}:{line} names {described} in {where}. license-check does not take it as a license of anything "
        "the repository ships: no component, verdict or obligation depends on it",
        (Location(path, line),),
    )


def findings(path: str, mentions: Iterable[tuple[int, str]], normalizer: Normalizer, where: str) -> list[Finding]:
    """One finding per line of ``path`` that names licenses, in line order (``mentions``: (line, name))."""
    by_line: dict[int, list[str]] = {}
    for line, name in mentions:
        by_line.setdefault(line, []).append(name)
    return [finding(path, line, names, normalizer, where) for line, names in sorted(by_line.items())]
