"""``Knowledge``: the rules a scan judges with, loaded and checked once, before anything is scanned.

Every loader validates its own file (the same checks ``license-check rules check`` runs); loading them
all up front means that a broken rules file stops a scan with a configuration error (exit 2) before any
file is read, never half-way as a detector failure. The loaders cache by folder, so the modules that
still look a table up by themselves (the detectors' normalizer, the text gate) get these same objects.
The SPDX templates (7 MB, a tenth of a second) are the one file read only when a text needs them; their
shape is checked then, and a problem stops the scan the same way. A Knowledge that loaded is kept for the next
run (knowledge/stored.py) unless the caches are off. The garbage collector is paused while the rules load (what
they build lives for the run; collections during the load only cost time).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from license_check.gcpause import collector_paused
from license_check.knowledge import data as ruledata
from license_check.knowledge import textrules
from license_check.knowledge.compat import CompatBook, load_compat
from license_check.knowledge.debian import DebianNames, load_debian_names
from license_check.knowledge.duties import DutyBook, load_duties
from license_check.knowledge.known import KnownArtifacts, known_artifacts
from license_check.knowledge.normalize import Normalizer, adopt, normalizer
from license_check.knowledge.rulebook import RuleBook, load_rules


@dataclass(frozen=True, slots=True)
class Knowledge:
    directory: Path
    rules: RuleBook
    duties: DutyBook
    compat: CompatBook
    known: KnownArtifacts
    normalizer: Normalizer
    file_names: ruledata.FileNames
    boilerplate: textrules.Boilerplate
    use_terms: tuple[textrules.Clause, ...]
    debian: DebianNames  # rules/debian-copyright.toml

    @property
    def version(self) -> str:
        return self.rules.version

    @classmethod
    def load(cls, directory: Path | None = None, *, parse_cache: bool = True) -> Knowledge:
        """The rules of ``directory`` (default: the shipped rules). Raises RulesError (file, line, key).
        ``parse_cache`` False (--no-cache): the parsed-rules cache is neither read nor written, by this
        load or any later one in the process (a process-wide switch: the loaders cache by folder)."""
        if not parse_cache:
            ruledata.use_parse_cache(False)
        folder = (directory or ruledata.rules_dir()).resolve()
        if parse_cache:
            from license_check.knowledge import stored

            kept = stored.load(folder)
            if isinstance(kept, cls) and kept.directory == folder:
                adopt(kept.normalizer)  # the modules that ask normalizer(folder) themselves get this same one
                return kept
        with collector_paused():  # tens of thousands of objects that live for the run: a collection only walks them
            loaded = cls(folder, load_rules(folder), load_duties(folder), load_compat(folder),
                         known_artifacts(folder), normalizer(folder), ruledata.load_file_names(folder),
                         textrules.load_boilerplate(folder), textrules.load_use_terms(folder),
                         load_debian_names(folder))
        if parse_cache:
            stored.store(folder, loaded)
        return loaded
