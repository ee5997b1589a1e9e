"""rules/duties.toml and license_check/knowledge/duties.py: duties by use mode and the release checklist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge.data import rules_dir
from license_check.knowledge.duties import DUTIES_FILE, ChecklistItem, DutyBook, checklist, load_duties
from license_check.knowledge.rulebook import RulesError, load_rules
from license_check.model import Duty, Use, UseMode
from tests.knowledge import worded
from tests.license_quotes import missing_quotes, scancode_keys, text_of

INTERNAL, SAAS, DISTRIBUTE, RELEASE = UseMode.INTERNAL, UseMode.SAAS, UseMode.DISTRIBUTE, UseMode.RELEASE_WEIGHTS
PACKAGE = Path(__file__).resolve().parents[2] / "license_check"


def _codes_in_rules() -> set[str]:
    files = [*sorted((rules_dir() / "licenses").glob("*.toml")), rules_dir() / "exceptions.toml"]
    codes: set[str] = set()
    for file in files:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for table in (*data.get("licenses", {}).values(), *data.get("exceptions", {}).values()):
            codes.update(d["code"] for k in ("obligations", "restrictions") for d in table.get(k, []))
    return codes


def _codes_in_code() -> set[str]:
    return {m for f in sorted(PACKAGE.rglob("*.py"))
            for m in re.findall(r"\bDuty\(\s*(?:code=)?\"([a-z0-9-]+)\"", f.read_text(encoding="utf-8"))}


def _modes(lid: str) -> dict[UseMode, Use]:
    facts = load_rules().facts(lid)
    assert facts is not None and facts.reviewed, lid
    book = load_duties()
    return {m: book.use_in_mode(facts.commercial_use, (*facts.obligations, *facts.restrictions), m)[0]
            for m in UseMode}


def test_every_duty_code_has_an_entry_and_every_entry_is_used() -> None:
    book = load_duties()
    in_code = _codes_in_code()
    assert "keep-notice-file" in in_code
    used = _codes_in_rules() | in_code
    assert len(used) > 40
    assert sorted(used - set(book.codes)) == []
    assert sorted(set(book.codes) - used) == []  # no documented exceptions yet


def test_gpl_agpl_and_weak_copyleft_by_mode() -> None:
    a, c = Use.ALLOWED, Use.CONDITIONAL
    expected = {
        "GPL-3.0-only": {INTERNAL: a, SAAS: a, DISTRIBUTE: c, RELEASE: c},
        "GPL-2.0-only": {INTERNAL: a, SAAS: a, DISTRIBUTE: c, RELEASE: c},
        "AGPL-3.0-only": {INTERNAL: a, SAAS: c, DISTRIBUTE: c, RELEASE: c},
        "AGPL-3.0-or-later": {INTERNAL: a, SAAS: c, DISTRIBUTE: c, RELEASE: c},
        "MPL-2.0": {INTERNAL: a, SAAS: a, DISTRIBUTE: c, RELEASE: c},
        "LGPL-2.1-only": {INTERNAL: a, SAAS: a, DISTRIBUTE: c, RELEASE: c},
        "LGPL-3.0-or-later": {INTERNAL: a, SAAS: a, DISTRIBUTE: c, RELEASE: c},
        "SSPL-1.0": {INTERNAL: a, SAAS: c, DISTRIBUTE: c, RELEASE: c},
        "CC-BY-SA-4.0": {INTERNAL: a, SAAS: a, DISTRIBUTE: c, RELEASE: c},
        "Apache-2.0": {INTERNAL: a, SAAS: a, DISTRIBUTE: a, RELEASE: a},
        "MIT": {INTERNAL: a, SAAS: a, DISTRIBUTE: a, RELEASE: a},
    }
    for lid, modes in expected.items():
        assert _modes(lid) == modes, lid


def test_ai_and_data_licenses_by_mode() -> None:
    every = dict.fromkeys(UseMode, Use.CONDITIONAL)
    for rail in ("LicenseRef-scancode-bigscience-open-rail-m", "LicenseRef-scancode-bigscience-open-rail-m2",
                 "LicenseRef-scancode-stable-diffusion-2022-08-22", "LicenseRef-scancode-bigcode-open-rail-m-v1"):
        assert _modes(rail) == every, rail
    assert _modes("LicenseRef-scancode-llama-3.1-license-2024") == every  # AUP and the MAU threshold
    assert _modes("CC-BY-NC-4.0") == dict.fromkeys(UseMode, Use.PROHIBITED)
    assert _modes("CC-BY-ND-4.0") == {INTERNAL: Use.ALLOWED, SAAS: Use.CONDITIONAL, DISTRIBUTE: Use.CONDITIONAL,
                                      RELEASE: Use.PROHIBITED}
    assert _modes("LicenseRef-license-check-mistral-mnpl-0.1")[SAAS] is Use.PROHIBITED
    assert _modes("Elastic-2.0") == every  # license keys in every mode; managed services only in saas


def test_no_hosted_service_alone_prohibits_saas() -> None:
    book = load_duties()
    facts = load_rules().facts("LicenseRef-license-check-mistral-mnpl-0.1")
    assert facts is not None
    hosted = [d for d in facts.restrictions if d.code == "no-hosted-service"]
    assert hosted
    assert book.use_in_mode(Use.CONDITIONAL, hosted, SAAS) == (Use.PROHIBITED, tuple(hosted))
    assert book.use_in_mode(Use.CONDITIONAL, hosted, DISTRIBUTE) == (Use.ALLOWED, ())
    assert book.use_in_mode(Use.ALLOWED, hosted, SAAS)[0] is Use.PROHIBITED


def test_use_in_mode_keeps_prohibited_and_unknown_and_returns_biting_duties() -> None:
    book = load_duties()
    notice = Duty("include-notice", "Keep notices.", "MIT")
    source = Duty("disclose-source", "Offer source.", "GPL-3.0-only §6")
    nc = Duty("non-commercial", "No commercial use.", "CC-BY-NC-4.0 §2")
    assert book.use_in_mode(Use.UNKNOWN, [notice, nc], INTERNAL) == (Use.UNKNOWN, (nc,))
    assert book.use_in_mode(Use.PROHIBITED, [notice], INTERNAL) == (Use.PROHIBITED, ())
    assert book.use_in_mode(Use.CONDITIONAL, [notice, source], DISTRIBUTE) == (Use.CONDITIONAL, (notice, source))
    assert book.use_in_mode(Use.CONDITIONAL, [notice, source], SAAS) == (Use.ALLOWED, ())
    assert book.use_in_mode(Use.ALLOWED, [notice, source], DISTRIBUTE)[0] is Use.ALLOWED


def test_unknown_code_fails_safe() -> None:
    book = load_duties()
    rule = book.rule("brand-new-duty")
    assert rule.bites_in == frozenset(UseMode) and rule.material and not rule.prohibits_in
    odd = Duty("brand-new-duty", "Do the new thing.", "X-1.0 §1")
    assert book.use_in_mode(Use.CONDITIONAL, [odd], INTERNAL) == (Use.CONDITIONAL, (odd,))
    [item] = checklist([("c", [odd])], INTERNAL, book)
    assert "Do the new thing" in item.text and item.sources == ("X-1.0 §1",)


def test_curated_commercial_use_is_the_distribute_answer() -> None:
    """Facts describe the default distribute mode: refining for it never changes a reviewed license."""
    rules, book = load_rules(), load_duties()
    changed = []
    for lid in rules.all_ids():
        facts = rules.facts(lid)
        assert facts is not None
        if not facts.reviewed:
            continue
        use, _ = book.use_in_mode(facts.commercial_use, (*facts.obligations, *facts.restrictions), DISTRIBUTE)
        if use is not facts.commercial_use:
            changed.append(f"{lid}: {facts.commercial_use.value} -> {use.value}")
    assert changed == []


def test_release_weights_means_at_least_distribute() -> None:
    rules, book = load_rules(), load_duties()
    for lid in rules.all_ids():
        facts = rules.facts(lid)
        assert facts is not None
        duties = (*facts.obligations, *facts.restrictions)
        dist = book.use_in_mode(facts.commercial_use, duties, DISTRIBUTE)
        rel = book.use_in_mode(facts.commercial_use, duties, RELEASE)
        assert rel[0].badness >= dist[0].badness, lid
        assert all(book.bites(d, RELEASE) for d in dist[1]), lid


def test_checklist_deduplicates_and_orders_by_materiality() -> None:
    rules, book = load_rules(), load_duties()
    per_component = []
    for cid, lid in (("vendor/b", "Apache-2.0"), ("weights", "LicenseRef-scancode-llama-3.1-license-2024"),
                     (".", "GPL-3.0-only"), ("vendor/a", "Apache-2.0"), ("data", "CC-BY-4.0")):
        facts = rules.facts(lid)
        assert facts is not None
        per_component.append((cid, (*facts.obligations, *facts.restrictions)))
    per_component.append(("vendor/a", (Duty("keep-notice-file", "Redistribute vendor/a/NOTICE.", "Apache-2.0 §4(d)"),)))
    items = checklist(per_component, DISTRIBUTE, book)
    codes = [i.code for i in items]
    assert len(codes) == len(set(codes))  # one item per code
    assert codes == sorted(codes, key=book.rank)
    assert codes.index("user-threshold") < codes.index("disclose-source") < codes.index("naming") \
        < codes.index("keep-notice-file") < codes.index("include-license") < codes.index("state-changes")
    by_code = {i.code: i for i in items}
    assert by_code["include-license"].components == (".", "vendor/a", "vendor/b", "weights")
    assert by_code["state-changes"].components == (".", "data", "vendor/a", "vendor/b")
    assert by_code["keep-notice-file"].components == ("vendor/a",)
    assert by_code["disclose-source"].components == (".",)
    assert len(by_code["include-license"].sources) == len(set(by_code["include-license"].sources)) >= 2
    naming = by_code["naming"]
    assert "“Built with Llama”" in naming.text and "“Llama”" in naming.text
    assert "“Llama 3.1 is licensed under the Llama 3.1 Community License" in by_code["include-notice"].text
    assert "“Notice”" not in by_code["include-notice"].text.split(":", 1)[1]  # already in the line
    assert by_code["include-license"].text == book.rule("include-license").checklist
    assert all(isinstance(i, ChecklistItem) and i.sources for i in items)
    # the same input in another order gives the same checklist; internal use owes no notices
    assert checklist(list(reversed(per_component)), DISTRIBUTE, book) == items
    internal = {i.code for i in checklist(per_component, INTERNAL, book)}
    assert "use-restriction" not in internal and "acceptable-use-policy" in internal
    assert not internal & {"include-license", "disclose-source", "naming", "keep-notice-file"}
    assert "naming" in {i.code for i in checklist(per_component, SAAS, book)}


def test_duties_file_is_consistent() -> None:
    book = load_duties()
    assert book.codes[0] == "non-commercial"
    for code in book.codes:
        rule = book.rule(code)
        assert rule.checklist and rule.source and rule.bites_in
        assert rule.prohibits_in <= rule.bites_in
    assert load_duties() is book  # cached


def test_quoted_clauses_appear_in_the_license_texts() -> None:
    """Every 'quoted' fragment of a source is in ScanCode's text of a license the source names."""
    keys = scancode_keys()
    ids = sorted(keys, key=len, reverse=True)
    data = tomllib.loads((rules_dir() / DUTIES_FILE).read_text(encoding="utf-8"))["duties"]
    missing, checked = [], 0
    for code, body in data.items():
        source = body["source"]
        named = {i for i in ids if re.search(rf"(?<![\w.-]){re.escape(i)}(?![\w.-]|\.\d)", source)}
        text = text_of([k for i in sorted(named) for k in keys[i]])
        count, lost = missing_quotes(source, text, f"{code} (named: {sorted(named)})")
        checked, missing = checked + count, missing + lost
    assert checked > 40
    assert not missing, "\n".join(missing)


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / DUTIES_FILE).write_text(text, encoding="utf-8")
    return tmp_path


def test_loader_reports_every_problem(tmp_path: Path) -> None:
    bad = _write(tmp_path, """
order = ["a-duty", "b-duty"]
extra = 1

[duties.a-duty]
bites_in = ["internal", "hosted"]
material = true
checklist = "Do a."
colour = "red"

[duties.b-duty]
bites_in = ["distribute"]
material = "yes"
prohibits_in = ["saas"]
checklist = ""
source = "B-1.0 §1"

[duties.Bad_Code]
bites_in = []
material = false
checklist = "x"
source = "y"
""")
    with pytest.raises(RulesError) as caught:
        load_duties(bad)
    text = "\n".join(worded(caught.value))
    for fragment in ("extra: unknown section", "order: unknown section",
                     "duties.a-duty.bites_in[1]: 'hosted' is not one of",
                     "duties.a-duty.source: missing", "duties.a-duty.colour: unknown key",
                     "duties.b-duty.material: must be true or false", "duties.b-duty.bites_in: release-weights",
                     "duties.b-duty.prohibits_in: a duty can only forbid",
                     "duties.b-duty.checklist: must be a non-empty",
                     "'Bad_Code' is not a kebab-case", "duties.Bad_Code.bites_in: must name at least one"):
        assert fragment in text, f"missing {fragment!r} in:\n{text}"
    assert all(p.startswith(f"{DUTIES_FILE}: ") for p in worded(caught.value))


def test_loader_rejects_bad_order_and_files(tmp_path: Path) -> None:
    ok = '[duties.a]\nbites_in = ["internal"]\nmaterial = {m}\nchecklist = "x"\nsource = "y"\n'
    _write(tmp_path, ok.format(m="false") + ok.replace("[duties.a]", "[duties.b]").format(m="true"))
    with pytest.raises(RulesError, match="material codes must all come before"):
        load_duties(tmp_path)
    _write(tmp_path, "order = [\n")
    with pytest.raises(RulesError, match="invalid TOML"):
        load_duties(tmp_path)
    with pytest.raises(RulesError, match="cannot read"):
        load_duties(tmp_path / "nowhere")


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    _write(good, '[duties.a]\nbites_in = ["saas"]\nmaterial = true\nprohibits_in = ["saas"]\n'
                 'checklist = "Do a"\nsource = "A-1.0 §1"\nnotes = "fine"\n')
    book = load_duties(good)
    assert isinstance(book, DutyBook) and book.codes == ("a",)
    assert book.use_in_mode(Use.ALLOWED, [Duty("a", "t", "s")], SAAS)[0] is Use.PROHIBITED


def test_the_table_order_is_the_materiality_order(tmp_path: Path) -> None:
    body = 'bites_in = ["internal"]\nmaterial = {m}\nchecklist = "x"\nsource = "y"\n'
    _write(tmp_path, "".join(f"[duties.{code}]\n" + body.format(m=m)
                             for code, m in (("z-first", "true"), ("a-second", "true"), ("m-last", "false"))))
    assert load_duties(tmp_path).codes == ("z-first", "a-second", "m-last")
    shipped = load_duties()
    assert shipped.codes[:4] == ("non-commercial", "research-only", "no-rights", "non-production")
    assert shipped.codes[-1] == "verify-dedication"
