"""`license-check explain RULE` (issue 16): a rule's what, why and fix; an unknown code is exit 2."""

from __future__ import annotations

from click.testing import CliRunner

from license_check.cli import cli
from license_check.findings import RULES


def test_explain_prints_what_why_and_fix() -> None:
    result = CliRunner().invoke(cli, ["explain", "prohibited-license"])
    rule = RULES["prohibited-license"]
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:5] == ["prohibited-license (error by default)", "", f"What: {rule.summary}",
                                              f"Why:  {rule.why}", f"Fix:  {rule.fix}"]
    assert "diagnostics.md" in result.stdout


def test_explain_without_a_rule_lists_every_code() -> None:
    result = CliRunner().invoke(cli, ["explain"])
    assert result.exit_code == 0 and [line.split()[0] for line in result.stdout.splitlines()] == sorted(RULES)


def test_an_unknown_rule_is_a_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(cli, ["explain", "prohibted-license"])
    assert result.exit_code == 2 and "did you mean prohibited-license" in result.stderr
