"""Pure analysis: expression semantics against the reviewed rules."""

from __future__ import annotations

import pytest

from license_check.assemble.resolve import UNIDENTIFIED, Resolution
from license_check.judge.analyze import combine, judge_component, judge_expression
from license_check.knowledge.rulebook import RuleBook, load_rules
from license_check.model import Component, Evidence, JudgedComponent, Kind, Use


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return load_rules()


@pytest.mark.parametrize(("expression", "use"), [
    ("MIT", Use.ALLOWED),
    ("Apache-2.0", Use.ALLOWED),
    ("GPL-3.0-or-later", Use.CONDITIONAL),
    ("CC-BY-NC-4.0", Use.PROHIBITED),
    ("JSON", Use.CONDITIONAL),  # "shall be used for Good, not Evil": a use restriction
    ("MIT AND CC-BY-NC-4.0", Use.PROHIBITED),
    ("MIT AND GPL-2.0-only", Use.CONDITIONAL),
    ("MIT OR GPL-2.0-only", Use.ALLOWED),
    ("CC-BY-NC-4.0 OR GPL-3.0-only", Use.CONDITIONAL),
    ("(MIT OR CC-BY-NC-4.0) AND (Apache-2.0 OR GPL-3.0-only)", Use.ALLOWED),
    ("Frobnicate-1.0", Use.UNKNOWN),
    (UNIDENTIFIED, Use.UNKNOWN),
    ("MIT AND " + UNIDENTIFIED, Use.UNKNOWN),
    ("CC-BY-NC-4.0 AND " + UNIDENTIFIED, Use.PROHIBITED),  # a known prohibition is final
    ("MIT OR " + UNIDENTIFIED, Use.ALLOWED),
])
def test_expression_semantics(rules: RuleBook, expression: str, use: Use) -> None:
    assert judge_expression(expression, rules).use is use


def test_or_records_the_elected_branch(rules: RuleBook) -> None:
    verdict = judge_expression("GPL-2.0-only OR MIT", rules)
    assert verdict.had_choice and verdict.elected == "MIT"
    nested = judge_expression("(CC-BY-NC-4.0 OR MIT) AND (GPL-3.0-only OR BSD-3-Clause)", rules)
    assert nested.elected == "MIT AND BSD-3-Clause"


def test_equally_allowed_branches_prefer_fewer_duties(rules: RuleBook) -> None:
    assert judge_expression("Apache-2.0 OR MIT", rules).elected == "MIT"
    assert judge_expression("MIT OR Apache-2.0", rules).elected == "MIT"


def test_only_and_or_later_are_distinct_licenses(rules: RuleBook) -> None:
    only, later = rules.facts("GPL-2.0-only"), rules.facts("GPL-2.0-or-later")
    assert only is not None and later is not None and only.id != later.id
    assert judge_expression("GPL-2.0-only", rules).elected == "GPL-2.0-only"
    assert judge_expression("GPL-2.0-or-later", rules).elected == "GPL-2.0-or-later"


def test_with_is_judged_as_the_pair(rules: RuleBook) -> None:
    classpath = judge_expression("GPL-2.0-only WITH Classpath-exception-2.0", rules)
    plain = judge_expression("GPL-2.0-only", rules)
    assert classpath.use is Use.CONDITIONAL and classpath.elected == "GPL-2.0-only WITH Classpath-exception-2.0"
    assert classpath.copyleft != plain.copyleft
    assert judge_expression("Apache-2.0 WITH LLVM-exception", rules).use is Use.ALLOWED


def test_a_restricting_exception_worsens_never_relaxes(rules: RuleBook) -> None:
    clause = judge_expression("Apache-2.0 WITH LicenseRef-scancode-commons-clause", rules)
    assert clause.use is Use.PROHIBITED
    assert "no-sale" in {d.code for d in clause.restrictions}


def test_unknown_exception_makes_the_pair_unknown(rules: RuleBook) -> None:
    assert judge_expression("MIT WITH Frobnicate-exception", rules).use is Use.UNKNOWN


def test_seeded_unreviewed_category_is_unknown(rules: RuleBook) -> None:
    seeded = [i for i in rules.all_ids()
              if (f := rules.facts(i)) and not f.reviewed and f.commercial_use is Use.UNKNOWN]
    assert seeded, "expected seeded unknown licenses (Proprietary Free, Source-available, ...)"
    verdict = judge_expression(seeded[0], rules)
    assert verdict.use is Use.UNKNOWN and verdict.reasons[0].code == "unclassified-license"


def _resolution(license_: str | None, problems: tuple[str, ...] = (), notices: tuple[Evidence, ...] = ()) -> Resolution:
    comp = Component(id=".", path=".", kind=Kind.CODE)
    return Resolution(comp, license_, (license_,) if license_ else (), (), (), problems, notices)


def test_component_without_license_is_unknown_with_reason(rules: RuleBook) -> None:
    judged, findings = judge_component(_resolution(None, ("no-license",)), rules)
    assert judged.commercial_use is Use.UNKNOWN and judged.license is None
    assert [r.code for r in judged.reasons] == ["no-license"] and findings == []


def test_component_findings_follow_the_judgement(rules: RuleBook) -> None:
    judged, findings = judge_component(_resolution("CC-BY-NC-4.0"), rules)
    assert judged.commercial_use is Use.PROHIBITED and [f.rule for f in findings] == ["prohibited-license"]
    judged, findings = judge_component(_resolution("LGPL-2.1-only"), rules)
    assert judged.commercial_use is Use.CONDITIONAL and [f.rule for f in findings] == ["conditional-license"]
    assert any(d.code == "disclose-source" for d in judged.obligations)


def test_notice_files_add_an_obligation(rules: RuleBook) -> None:
    judged, _ = judge_component(_resolution("Apache-2.0", notices=(Evidence("NOTICE", "notice-file", None),)), rules)
    assert any(d.code == "keep-notice-file" and "NOTICE" in d.text for d in judged.obligations)


def test_repository_answer_is_the_least_favourable_component(rules: RuleBook) -> None:
    def comp(use: Use) -> JudgedComponent:
        return JudgedComponent(Component(id=use.value, path=use.value, kind=Kind.CODE), None, (), None, use, ())

    assert combine([comp(Use.ALLOWED), comp(Use.CONDITIONAL)]) is Use.CONDITIONAL
    assert combine([comp(Use.UNKNOWN), comp(Use.PROHIBITED), comp(Use.ALLOWED)]) is Use.PROHIBITED
    assert combine([comp(Use.UNKNOWN), comp(Use.CONDITIONAL)]) is Use.UNKNOWN


def test_the_election_is_typed_and_reads_back(rules: RuleBook) -> None:
    from license_check.knowledge import normalize as norm
    from license_check.knowledge.expression import LicenseId, render

    verdict = judge_expression("(CC-BY-NC-4.0 OR GPL-2.0-only WITH Classpath-exception-2.0) AND (MIT AND Zlib)", rules)
    assert verdict.picked == (LicenseId("GPL-2.0-only", "Classpath-exception-2.0"), LicenseId("MIT"), LicenseId("Zlib"))
    assert verdict.elected == "GPL-2.0-only WITH Classpath-exception-2.0 AND MIT AND Zlib"
    assert render(norm.parse(verdict.elected)) == verdict.elected
    assert verdict.licenses == ("GPL-2.0-only WITH Classpath-exception-2.0", "MIT", "Zlib")
    broken = judge_expression("MIT AND (", rules)
    assert broken.picked == () and broken.elected == "MIT AND (" and broken.licenses == ()
