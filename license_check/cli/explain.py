"""``license-check explain RULE``: a finding rule's what, why and fix (the registry of findings.py).

A rule code the registry does not know is a usage error (exit 2), with the nearest codes suggested.
``license-check explain`` with no RULE lists every code with its one-line summary.
"""

from __future__ import annotations

import difflib

import click


@click.command("explain", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("rule", required=False)
def explain(rule: str | None) -> None:
    """Explain the finding rule RULE (a code such as prohibited-license): what it means, why it matters,
    how to fix it. Without RULE, list every rule code."""
    from license_check.findings import RULES

    if rule is None:
        width = max(len(code) for code in RULES)
        for code in sorted(RULES):
            click.echo(f"{code:<{width}}  {RULES[code].severity.value:<7}  {RULES[code].summary}")
        return
    found = RULES.get(rule.strip().lower())
    if found is None:
        close = difflib.get_close_matches(rule.strip().lower(), list(RULES), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise click.BadParameter(f"{rule!r} is not a rule code{hint}; `license-check explain` lists them",
                                 param_hint="'RULE'")
    click.echo(f"{found.code} ({found.severity.value} by default)\n")
    click.echo(f"What: {found.summary}")
    click.echo(f"Why:  {found.why}")
    click.echo(f"Fix:  {found.fix}")
    click.echo(f"\nEvery rule: {docs_path('diagnostics.md')}")


def docs_path(name: str) -> str:
    """Where a shipped document is: in the installed package (license_check/docs/), else the checkout's docs/."""
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "docs" / name, package.parent / "docs" / name):
        if candidate.is_file():
            return str(candidate)
    return f"docs/{name}"
