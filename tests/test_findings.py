"""Finding construction: every message ends with how to fix it."""

from __future__ import annotations

from license_check.findings import RULES, make_finding
from license_check.model import Location, Severity


def test_message_ends_with_the_rules_fix_by_default() -> None:
    f = make_finding("no-license", "Component 'x' has no license", [Location("x")], ["x"])
    assert f.message == "Component 'x' has no license. " + RULES["no-license"].fix
    assert f.severity is Severity.ERROR


def test_specific_or_embedded_fix() -> None:
    assert make_finding("unreadable-file", "a.txt could not be read.", fix="Check it.").message == (
        "a.txt could not be read. Check it.")
    assert make_finding("unreadable-file", "a.txt could not be read. Check it.", fix="").message == (
        "a.txt could not be read. Check it.")


def test_locations_and_components_are_sorted_and_unique() -> None:
    f = make_finding("file-license-differs", "x", [Location("b", 2), Location("a"), Location("b", 2)], ["z", "a"])
    assert [(loc.path, loc.line) for loc in f.locations] == [("a", None), ("b", 2)]
    assert f.components == ("a", "z")
    assert make_finding("notice-file", "n", severity=Severity.WARNING).severity is Severity.WARNING
