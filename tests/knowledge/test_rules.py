"""rules/: curated facts, seeding by ScanCode category, validation, exceptions."""

from __future__ import annotations

import shutil
import time
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge.data import load_licensedb, rules_dir
from license_check.knowledge.rulebook import RulesError, load_rules
from license_check.model import Copyleft, Use
from tests.knowledge import worded
from tests.license_quotes import missing_quotes, scancode_keys, text_of

REQUIRED = (
    "MIT", "MIT-0", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "0BSD", "ISC",
    "Apache-2.0", "Apache-1.1", "Zlib", "BSL-1.0", "Unlicense", "CC0-1.0", "WTFPL", "PSF-2.0",
    "Python-2.0", "X11", "NCSA", "PostgreSQL", "UPL-1.0", "CC-BY-4.0", "CC-BY-3.0", "Artistic-2.0",
    "MPL-2.0", "MPL-1.1", "EPL-1.0", "EPL-2.0", "CDDL-1.0", "LGPL-2.0-only", "LGPL-2.0-or-later",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "GPL-2.0-only",
    "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "GPL-1.0-or-later", "AGPL-3.0-only",
    "AGPL-3.0-or-later", "EUPL-1.2", "OSL-3.0", "SSPL-1.0", "BUSL-1.1", "Elastic-2.0",
    "PolyForm-Noncommercial-1.0.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0",
    "CC-BY-SA-4.0", "CC-BY-ND-4.0", "JSON", "Hippocratic-2.1",
    "LicenseRef-license-check-proprietary", "LicenseRef-license-check-unknown",
    "LicenseRef-license-check-noncommercial",
)
TERM_KEYS = ("thresholds", "regions", "training_data", "research_only")  # optional structured terms


def test_required_licenses_are_curated_with_sources() -> None:
    book = load_rules()
    for ident in REQUIRED:
        facts = book.facts(ident)
        assert facts is not None and facts.reviewed, ident
        assert facts.id == ident
        assert {"commercial_use", "copyleft", "notice"} <= set(facts.sources) <= {
            "commercial_use", "copyleft", "notice", *TERM_KEYS}
        assert all(len(s.strip()) >= 8 for s in facts.sources.values()), ident
        for duty in facts.obligations + facts.restrictions:
            assert duty.code and duty.text and duty.source, (ident, duty)


@pytest.mark.parametrize(("ident", "use", "copyleft"), [
    ("MIT", Use.ALLOWED, Copyleft.NONE),
    ("Apache-2.0", Use.ALLOWED, Copyleft.NONE),
    ("MPL-2.0", Use.CONDITIONAL, Copyleft.WEAK_FILE),
    ("LGPL-2.1-only", Use.CONDITIONAL, Copyleft.WEAK_LIBRARY),
    ("GPL-3.0-or-later", Use.CONDITIONAL, Copyleft.STRONG),
    ("AGPL-3.0-only", Use.CONDITIONAL, Copyleft.NETWORK),
    ("SSPL-1.0", Use.CONDITIONAL, Copyleft.NETWORK),
    ("BUSL-1.1", Use.PROHIBITED, Copyleft.NONE),
    ("Elastic-2.0", Use.CONDITIONAL, Copyleft.NONE),
    ("PolyForm-Noncommercial-1.0.0", Use.PROHIBITED, Copyleft.NONE),
    ("CC-BY-NC-4.0", Use.PROHIBITED, Copyleft.NONE),
    ("CC-BY-SA-4.0", Use.CONDITIONAL, Copyleft.STRONG),
    ("JSON", Use.CONDITIONAL, Copyleft.NONE),
    ("LicenseRef-license-check-proprietary", Use.PROHIBITED, Copyleft.NONE),
    ("LicenseRef-license-check-unknown", Use.UNKNOWN, Copyleft.NONE),
])
def test_curated_values(ident: str, use: Use, copyleft: Copyleft) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None and (facts.commercial_use, facts.copyleft) == (use, copyleft)


def test_busl_mentions_the_additional_use_grant() -> None:
    facts = load_rules().facts("BUSL-1.1")
    assert facts is not None and any("Additional Use Grant" in d.text for d in facts.restrictions)


def test_lookup_is_case_insensitive_and_resolves_aliases() -> None:
    book = load_rules()
    assert book.facts("mit") is book.facts("MIT")
    gpl2 = book.facts("GPL-2.0")  # deprecated id
    assert gpl2 is not None and gpl2.id == "GPL-2.0-only"
    assert book.facts("apache-2.0") is book.facts("Apache-2.0")  # bare ScanCode key
    assert book.facts("No-Such-License-1.0") is None
    assert "MIT" in book.all_ids() and book.all_ids() == sorted(book.all_ids())


# real LicenseDB keys, one (or more) per category, none of them curated
@pytest.mark.parametrize(("ident", "category", "use", "copyleft", "notice"), [
    ("Abstyles", "Permissive", Use.ALLOWED, Copyleft.NONE, True),
    ("LicenseRef-scancode-us-govt-public-domain", "Public Domain", Use.ALLOWED, Copyleft.NONE, False),
    ("APL-1.0", "Copyleft", Use.CONDITIONAL, Copyleft.STRONG, True),
    ("CDL-1.0", "Copyleft Limited", Use.CONDITIONAL, Copyleft.WEAK_LIBRARY, True),
    ("LicenseRef-scancode-activestate-community", "Proprietary Free", Use.UNKNOWN, Copyleft.NONE, False),
    ("LicenseRef-scancode-bitwarden-1.0", "Source-available", Use.UNKNOWN, Copyleft.NONE, False),
    ("LicenseRef-scancode-996-icu-1.0", "Free Restricted", Use.UNKNOWN, Copyleft.NONE, False),
    ("LicenseRef-scancode-commercial-license", "Commercial", Use.UNKNOWN, Copyleft.NONE, False),
    ("LicenseRef-scancode-facebook-patent-rights-2", "Patent License", Use.UNKNOWN, Copyleft.NONE, False),
    ("LicenseRef-scancode-free-unknown", "Unstated License", Use.UNKNOWN, Copyleft.NONE, False),
    ("LicenseRef-scancode-cncf-corporate-cla-1.0", "CLA", Use.UNKNOWN, Copyleft.NONE, False),
])
def test_seeding_by_category(ident: str, category: str, use: Use, copyleft: Copyleft, notice: bool) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None
    assert (facts.category, facts.commercial_use, facts.copyleft, facts.notice) == (category, use, copyleft, notice)
    assert facts.reviewed is False
    assert facts.sources["commercial_use"] == f"ScanCode LicenseDB 32.5.0 category '{category}' (seeded, not reviewed)"


def test_every_licensedb_license_has_facts() -> None:
    book = load_rules()
    db = load_licensedb(rules_dir())
    for entry in db.entries:
        if entry.is_exception:
            assert book.exception(entry.spdx) is not None, entry.key
        else:
            assert book.facts(entry.spdx) is not None, entry.key


@pytest.mark.parametrize("ident", [
    "JSON", "LicenseRef-scancode-tremaru", "LicenseRef-scancode-happy-bunny",
    "LicenseRef-scancode-codeguru-permissions", "LicenseRef-scancode-chris-maunder",
    "LicenseRef-scancode-alexisisaac-freeware", "LicenseRef-scancode-classic-vb", "LicenseRef-scancode-good-boy",
    "LicenseRef-scancode-dbad-1.1", "3D-Slicer-1.0", "LicenseRef-scancode-free-surfer-1.0",
    "LicenseRef-scancode-opnl-1.0", "LicenseRef-scancode-opnl-2.0",
])
def test_reviewed_overrides_of_permissive_seeds(ident: str) -> None:
    facts = load_rules().facts(ident)
    assert facts is not None and facts.reviewed and facts.category in {"Permissive", "Public Domain"}
    assert facts.restrictions or facts.commercial_use is Use.ALLOWED
    if facts.commercial_use is not Use.ALLOWED:  # changed from the seed: the reason is recorded
        assert facts.restrictions and all(d.source for d in facts.restrictions)


def test_exceptions() -> None:
    book = load_rules()
    classpath = book.exception("classpath-exception-2.0")
    assert classpath is not None and classpath.reviewed and classpath.copyleft is Copyleft.WEAK_LIBRARY
    bison = book.exception("Bison-exception-2.2")
    assert bison is not None and bison.copyleft is Copyleft.NONE
    llvm = book.exception("LLVM-exception")
    assert llvm is not None and llvm.copyleft is None  # scope unchanged
    curated = [e for e in ("GCC-exception-3.1", "Autoconf-exception-3.0", "Font-exception-2.0",
                           "OpenJDK-assembly-exception-1.0", "Libtool-exception", "Linux-syscall-note")
               if (x := book.exception(e)) is not None and x.reviewed and x.source]
    assert len(curated) == 6
    seeded = book.exception("389-exception")
    assert seeded is not None and not seeded.reviewed and seeded.copyleft is None
    assert book.exception("MIT") is None


def test_version_is_a_short_hash_and_loading_is_cached() -> None:
    book = load_rules()
    assert len(book.version) == 12 and int(book.version, 16) >= 0
    assert load_rules() is book


def test_loading_is_fast(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    start = time.perf_counter()
    load_rules(copy)  # a fresh directory: nothing cached
    assert time.perf_counter() - start < 1.0  # measured ~0.09 s incl. the normalizer; generous bound


BROKEN_LICENSES = '''
[licenses."MIT"]
name = "MIT again"
commercial_use = { value = "allowed", source = "x: duplicate of permissive.toml" }
copyleft = { value = "none", source = "x" }
notice = { value = true, source = "x" }

[licenses."Foo-License-9"]
name = "Not a license"
commercial_use = { value = "maybe", source = "" }
copyleft = { value = "sideways", source = "y" }
notice = { value = "yes" }
obligations = [ { code = "Not Kebab", text = "t", source = "s", extra = 1 } ]
colour = "blue"

[licenses."GPL-2.0"]
name = "deprecated id"
commercial_use = { value = "conditional", source = "z" }
copyleft = { value = "strong", source = "z" }
notice = { value = true, source = "z" }

[licenses."Classpath-exception-2.0"]
name = "an exception, not a license"
commercial_use = { value = "allowed", source = "z" }
copyleft = { value = "none", source = "z" }
notice = { value = true, source = "z" }

[licenses."Abstyles"]
name = "missing facts"
'''

BROKEN_EXCEPTIONS = '''
[exceptions."MIT"]
name = "not an exception"
source = "s"

[exceptions."LLVM-exception"]
name = "bad scope"
copyleft = "medium"
source = ""
'''


def test_validation_reports_every_problem_at_once(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    (broken / "licenses" / "zz-broken.toml").write_text(BROKEN_LICENSES, encoding="utf-8")
    (broken / "exceptions.toml").write_text(BROKEN_EXCEPTIONS, encoding="utf-8")
    aliases = (broken / "aliases.toml").read_text(encoding="utf-8")
    aliases = aliases.replace('[names]\n', '[names]\n"Totally Made Up" = "Nope-1.0"\n"MIT Licence" = "ISC"\n', 1)
    (broken / "aliases.toml").write_text(aliases, encoding="utf-8")

    with pytest.raises(RulesError) as caught:
        load_rules(broken)
    problems = worded(caught.value)
    text = "\n".join(problems)
    expected = [
        "licenses/zz-broken.toml: licenses.'MIT': duplicate: also in permissive.toml",
        "licenses.'Foo-License-9': 'Foo-License-9' is not a license id that normalize() knows",
        "licenses.'Foo-License-9'.commercial_use.value: 'maybe' is not one of",
        "licenses.'Foo-License-9'.commercial_use.source: must be a non-empty string",
        "licenses.'Foo-License-9'.copyleft.value: 'sideways' is not one of",
        "licenses.'Foo-License-9'.notice.source: must be a non-empty string",
        "licenses.'Foo-License-9'.notice.value: must be true or false",
        "licenses.'Foo-License-9'.colour: unknown key",
        "licenses.'Foo-License-9'.obligations[0].extra: unknown key",
        "licenses.'Foo-License-9'.obligations[0].code: 'Not Kebab' is not kebab-case",
        "licenses.'GPL-2.0': 'GPL-2.0' is not the canonical id: write 'GPL-2.0-only'",
        "licenses.'Classpath-exception-2.0': 'Classpath-exception-2.0' is an exception",
        "licenses.'Abstyles'.commercial_use: missing",
        "licenses.'Abstyles'.notice: missing",
        "exceptions.toml: exceptions.'MIT': 'MIT' is a license, not an exception",
        "exceptions.toml: exceptions.'LLVM-exception'.copyleft: 'medium' is not one of",
        "exceptions.toml: exceptions.'LLVM-exception'.source: must be a non-empty string",
        "aliases.toml: names.'Totally Made Up': target 'Nope-1.0': unknown ids Nope-1.0",
        "aliases.toml: names.'MIT Licence': collides with another entry",
    ]
    for fragment in expected:
        assert fragment in text, f"missing {fragment!r} in:\n{text}"
    assert str(caught.value).startswith("invalid license rules:")


def test_missing_rules_directory_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path / "nowhere")
    assert "scancode-licensedb.json" in str(caught.value)


def test_rules_dir_is_found_in_a_source_checkout() -> None:
    found = rules_dir()
    assert (found / "aliases.toml").is_file() and (found / "licenses").is_dir()


def test_quoted_clauses_appear_in_the_license_texts() -> None:
    """Every 'quoted' fragment of a curated source is in ScanCode's text of that license."""
    keys = scancode_keys()
    data: list[tuple[str, list[str]]] = []
    for file in sorted((rules_dir() / "licenses").glob("*.toml")):
        for ident, body in tomllib.loads(file.read_text(encoding="utf-8"))["licenses"].items():
            duties = body.get("obligations", []) + body.get("restrictions", [])
            data.append((ident, [body[k]["source"] for k in ("commercial_use", "copyleft", "notice")]
                         + [body[k]["source"] for k in TERM_KEYS if k in body]
                         + [d["source"] for d in duties]))
    exceptions = tomllib.loads((rules_dir() / "exceptions.toml").read_text(encoding="utf-8"))["exceptions"]
    data += [(ident, [body["source"]]) for ident, body in exceptions.items()]
    missing, checked = [], 0
    for ident, sources in data:
        if ident not in keys:
            continue
        text = text_of(keys[ident])
        for source in sources:
            count, lost = missing_quotes(source, text, ident)
            checked, missing = checked + count, missing + lost
    assert checked > 100
    assert not missing, "\n".join(missing)


def test_exception_commercial_use_and_restrictions_are_validated(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    with (broken / "exceptions.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[exceptions."GNAT-exception"]\nname = "x"\nsource = "y"\ncommercial_use = "maybe"\n'
                     'restrictions = [{ code = "Not Kebab", text = "t", source = "s" }]\n')
    with pytest.raises(RulesError) as caught:
        load_rules(broken)
    text = "\n".join(worded(caught.value))
    assert "commercial_use" in text and "'maybe'" in text and "Not Kebab" in text
    clause = load_rules().exception("LicenseRef-scancode-commons-clause")
    assert clause is not None and clause.commercial_use is Use.PROHIBITED and clause.restrictions
