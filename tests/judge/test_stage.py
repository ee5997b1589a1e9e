"""The judge stage judges every component once: the OR election comes first (from the resolutions)."""

from __future__ import annotations

from collections import Counter

import pytest

from license_check.judge import stage
from license_check.pipeline import ScanOptions, scan
from tests.conftest import SAMPLES


@pytest.mark.parametrize("sample", ["gpl2-vendors-apache", "mit-or-gpl", "dual-mit-apache", "openfold-like"])
def test_every_component_is_judged_once(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    elected: dict[str, str | None] = {}
    real = stage.judge_component

    def counting(res, rules, ctx, elect=None):  # type: ignore[no-untyped-def]
        calls[res.component.id] += 1
        elected[res.component.id] = elect
        return real(res, rules, ctx, elect=elect)

    monkeypatch.setattr(stage, "judge_component", counting)
    report = scan(str(SAMPLES / sample), ScanOptions(use_scancode=False, cache=False))
    assert calls and set(calls.values()) == {1}, calls
    assert {c.component.id for c in report.components} <= set(calls)


def test_an_election_is_judged_in_the_same_single_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """gpl2-vendors-apache: vendor/tokenwrap is ``Apache-2.0 OR GPL-2.0-or-later`` inside GPL-2.0 code; the
    work elects its GPL-2.0-or-later branch (not its own best, Apache-2.0), and it is judged once, under it."""
    seen: list[str | None] = []
    real = stage.judge_component

    def recording(res, rules, ctx, elect=None):  # type: ignore[no-untyped-def]
        seen.append(elect)
        return real(res, rules, ctx, elect=elect)

    monkeypatch.setattr(stage, "judge_component", recording)
    scan(str(SAMPLES / "gpl2-vendors-apache"), ScanOptions(use_scancode=False, cache=False))
    assert [e for e in seen if e is not None] == ["GPL-2.0-or-later"], seen
