"""``license-check rules check [DIR]``: every loader of a rules folder run on it, every problem collected.

The checks are the loaders' own (the same code a scan runs); this module only calls each of them on
``directory`` and gathers what they raise, so a problem in one file does not hide the problems of the
others. The loaders cache by folder path and the parsed-TOML cache by file content, so an edited copy is
always read afresh. The built-in policy (rules/policies/) is checked by the CLI command with the policy
loader, which sits a layer above this one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from license_check.errors import Problem, RulesError
from license_check.knowledge import compat, debian, duties, known, rulebook, textrules, web
from license_check.knowledge import data as ruledata
from license_check.knowledge import normalize as norm

# (what is checked, the loader): in dependency order, so that a file's own problems come first.
LOADERS: tuple[tuple[str, Callable[[Path], object]], ...] = (
    ("ScanCode LicenseDB snapshot", ruledata.load_licensedb),
    ("SPDX id list", ruledata.load_spdx_ids),
    ("SPDX templates", ruledata.load_spdx_templates),
    ("aliases", ruledata.load_aliases),
    ("file names", ruledata.load_file_names),
    ("Hub ids", web.read_hub_ids),
    ("license URLs", web.read_urls),
    ("normalizer", norm.normalizer),
    ("license facts", rulebook.load_rules),
    ("duties", duties.load_duties),
    ("compatibility", compat.load_compat),
    ("known artifacts", known.known_artifacts),
    ("boilerplate", textrules.load_boilerplate),
    ("use terms", textrules.load_use_terms),
    ("Debian copyright short names", debian.load_debian_names),
)


def check_rules(directory: Path) -> tuple[Problem, ...]:
    """Every problem of the rules folder ``directory``, files relative to it, each once, in file order."""
    directory = directory.resolve()
    found: dict[str, Problem] = {}
    for _, load in LOADERS:
        try:
            result = load(directory)
        except RulesError as exc:
            problems = exc.rebased(directory)
        else:
            problems = _reported(result, directory)
        for problem in problems:
            found.setdefault(str(problem), problem)
    return tuple(sorted(found.values(), key=lambda p: (p.file, p.line or 0, p.key, p.message)))


def _reported(result: object, directory: Path) -> tuple[Problem, ...]:
    """Problems a loader returns instead of raising (the Hub id and URL tables keep theirs for the
    normalizer to raise)."""
    problems = getattr(result, "problems", ())
    if not isinstance(problems, tuple) or not all(isinstance(p, str) for p in problems):
        return ()
    return RulesError(list(problems), directory=directory).rebased(directory)
