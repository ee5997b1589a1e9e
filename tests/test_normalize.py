"""normalize(): SPDX expressions, free-text names, trove classifiers, families."""

from __future__ import annotations

import time
import tomllib

import pytest

from license_check import normalize as nz
from license_check.model import RawForm
from license_check.normalize import Normalizer, is_equivalent, licensedb_version, name_key, normalize, parse
from license_check.ruledata import rules_dir

SPDX, NAME, CLASSIFIER = RawForm.SPDX, RawForm.NAME, RawForm.CLASSIFIER


@pytest.mark.parametrize(("raw", "expected"), [
    ("MIT", "MIT"),
    ("mit", "MIT"),
    ("apache-2.0", "Apache-2.0"),
    ("APACHE-2.0", "Apache-2.0"),
    ("mit or apache-2.0", "MIT OR Apache-2.0"),
    ("MIT and BSD-3-Clause", "MIT AND BSD-3-Clause"),
    ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
    ("(MIT OR Apache-2.0) AND Zlib", "(MIT OR Apache-2.0) AND Zlib"),
    # deprecated SPDX ids
    ("GPL-2.0", "GPL-2.0-only"),
    ("GPL-2.0+", "GPL-2.0-or-later"),
    ("GPL-3.0", "GPL-3.0-only"),
    ("LGPL-2.1+", "LGPL-2.1-or-later"),
    ("LGPL-2.1", "LGPL-2.1-only"),
    ("AGPL-3.0", "AGPL-3.0-only"),
    ("GPL-2.0-only+", "GPL-2.0-or-later"),
    # ScanCode keys and LicenseRef-scancode- forms
    ("llama-2-license-2023", "LicenseRef-scancode-llama-2-license-2023"),
    ("LicenseRef-scancode-llama-2-license-2023", "LicenseRef-scancode-llama-2-license-2023"),
    ("licenseref-scancode-apache-2.0", "Apache-2.0"),
    ("bsd-new", "BSD-3-Clause"),
    # an SPDX id wins over a colliding ScanCode key (scancode "x11" is ICU, "bsl-1.0" is not Boost)
    ("x11", "X11"),
    ("bsl-1.0", "BSL-1.0"),
    # WITH is kept
    ("gpl-2.0-only with classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("GPL-2.0+ WITH Classpath-exception-2.0 OR MIT",
     "GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT"),
    ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"),
])
def test_spdx_expressions(raw: str, expected: str) -> None:
    result = normalize(raw, SPDX)
    assert (result.expression, result.unknown_ids, result.error, result.via) == (expected, (), None, "spdx")
    assert result.raw == raw


def test_only_and_or_later_stay_distinct() -> None:
    only, later = normalize("GPL-3.0-only", SPDX), normalize("GPL-3.0-or-later", SPDX)
    assert only.expression == "GPL-3.0-only" and later.expression == "GPL-3.0-or-later"
    assert not is_equivalent("GPL-3.0-only", "GPL-3.0-or-later")
    assert normalize("GPLv3", NAME).expression == "GPL-3.0-only"
    assert normalize("GPLv3+", NAME).expression == "GPL-3.0-or-later"


def test_unknown_ids_are_reported_and_kept_as_written() -> None:
    result = normalize("Foo-1.0 AND mit", SPDX)
    assert result.expression == "Foo-1.0 AND MIT"
    assert result.unknown_ids == ("Foo-1.0",)
    assert result.error is None
    assert normalize("Apache-2.0+", SPDX).unknown_ids == ("Apache-2.0+",)  # no such or-later id
    assert normalize("GPL-2.0-only WITH My-exception", SPDX).unknown_ids == ("My-exception",)


@pytest.mark.parametrize("raw", ["MIT AND (", "MIT OR OR Apache-2.0", "MIT WITH GPL-2.0-only",
                                 "Classpath-exception-2.0", "Classpath-exception-2.0 WITH MIT"])
def test_parse_errors(raw: str) -> None:
    result = normalize(raw, SPDX)
    assert result.expression is None and result.error, result


def test_spdx_form_falls_back_to_aliases() -> None:
    assert normalize("MIT License", SPDX).expression == "MIT"
    assert normalize("MIT License", SPDX).via == "alias"
    assert normalize("UNLICENSED", SPDX).expression == "LicenseRef-license-check-proprietary"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Apache 2.0", "Apache-2.0"),
    ("Apache License, Version 2.0", "Apache-2.0"),
    ("Apache License Version 2.0", "Apache-2.0"),
    ("Apache Software License", "Apache-2.0"),
    ("MIT License", "MIT"),
    ("the mit license", "MIT"),
    ("The MIT License (MIT)", "MIT"),
    ("BSD 3-Clause", "BSD-3-Clause"),
    ("BSD-3-Clause License", "BSD-3-Clause"),
    ("new BSD", "BSD-3-Clause"),
    ("Simplified BSD License", "BSD-2-Clause"),
    ("GPLv3", "GPL-3.0-only"),
    ("GNU GPL v2", "GPL-2.0-only"),
    ("GPL-3.0+", "GPL-3.0-or-later"),
    ("GNU General Public License v3 or later", "GPL-3.0-or-later"),
    ("GNU Lesser General Public License v2.1", "LGPL-2.1-only"),
    ("Mozilla Public License 2.0", "MPL-2.0"),
    ("MPL 2.0", "MPL-2.0"),
    ("Public Domain", "LicenseRef-scancode-public-domain"),
    ("Proprietary", "LicenseRef-license-check-proprietary"),
    ("All rights reserved", "LicenseRef-license-check-proprietary"),
    ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
    ("GPL 2.0", "GPL-2.0-only"),  # a ScanCode 'other SPDX key' with a space
    ("Some License (MPL-2.0)", "MPL-2.0"),
    ("llama2", "LicenseRef-scancode-llama-2-license-2023"),
])
def test_names(raw: str, expected: str) -> None:
    result = normalize(raw, NAME)
    assert result.expression == expected, result
    assert result.unknown_ids == () and result.error is None and result.via == "alias"


def test_name_that_is_an_spdx_expression() -> None:
    result = normalize("MIT OR Apache-2.0", NAME)
    assert (result.expression, result.via) == ("MIT OR Apache-2.0", "spdx")


def test_unknown_name() -> None:
    result = normalize("My Custom Terms", NAME)
    assert result.expression is None and result.unknown_ids == ("My Custom Terms",) and result.via == "none"


@pytest.mark.parametrize(("raw", "some"), [
    ("BSD", "BSD-3-Clause"), ("BSD License", "BSD-2-Clause"), ("GPL", "GPL-2.0-only"),
    ("LGPL", "LGPL-2.1-only"), ("CC", "CC-BY-4.0"), ("GFDL", "GFDL-1.3-only"),
    ("OpenRAIL", "LicenseRef-scancode-bigscience-open-rail-m"), ("Creative Commons", "CC0-1.0"),
])
def test_families_give_candidates(raw: str, some: str) -> None:
    result = normalize(raw, NAME)
    assert result.expression is None and some in result.candidates and result.error is None


@pytest.mark.parametrize("raw", ["UNKNOWN", "NOASSERTION", "NONE", "", "  ", "SEE LICENSE IN LICENSE.md"])
def test_unstated_values_give_nothing(raw: str) -> None:
    for form in (SPDX, NAME):
        result = normalize(raw, form)
        assert (result.expression, result.unknown_ids, result.error, result.candidates) == (None, (), None, ())


@pytest.mark.parametrize(("raw", "expected"), [
    ("License :: OSI Approved :: MIT License", "MIT"),
    ("License :: OSI Approved :: Apache Software License", "Apache-2.0"),
    ("License :: OSI Approved :: GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
    ("License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"),
    ("License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"),
    ("License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
    ("License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"),
    ("License :: Public Domain", "LicenseRef-scancode-public-domain"),
    ("License :: Free for non-commercial use", "LicenseRef-license-check-noncommercial"),
    ("License :: Other/Proprietary License", "LicenseRef-license-check-unknown"),
    ("license ::  osi approved :: mit license", "MIT"),
])
def test_classifiers(raw: str, expected: str) -> None:
    result = normalize(raw, CLASSIFIER)
    assert (result.expression, result.via) == (expected, "classifier"), result


def test_ambiguous_and_bare_classifiers() -> None:
    bsd = normalize("License :: OSI Approved :: BSD License", CLASSIFIER)
    assert bsd.expression is None and bsd.candidates == ("BSD-2-Clause", "BSD-3-Clause")
    bare = normalize("License :: OSI Approved", CLASSIFIER)
    assert (bare.expression, bare.unknown_ids, bare.candidates) == (None, (), ())
    odd = normalize("License :: Something Else", CLASSIFIER)
    assert odd.expression is None and odd.unknown_ids == ("License :: Something Else",)
    leaf = normalize("License :: Foo :: Apache 2.0", CLASSIFIER)
    assert leaf.expression == "Apache-2.0"


def test_every_official_classifier_is_mapped() -> None:
    data = tomllib.loads((rules_dir() / "aliases.toml").read_text(encoding="utf-8"))
    mapped = set(data["classifiers"]) | set(data["unstated"]["classifiers"])
    assert len(mapped) == 84  # trove-classifiers 2026.9.21.13 has 84 "License ::" classifiers
    for raw in sorted(mapped):
        result = normalize(raw, CLASSIFIER)
        assert result.via == "classifier" and result.error is None and not result.unknown_ids, raw


def test_every_alias_target_is_a_valid_id() -> None:
    data = tomllib.loads((rules_dir() / "aliases.toml").read_text(encoding="utf-8"))
    known = nz.normalizer()
    for section in ("names", "classifiers", "families"):
        for key, target in data[section].items():
            targets = target if isinstance(target, list) else [target]
            for t in targets:
                result = normalize(t, SPDX)
                assert (result.expression, result.unknown_ids, result.error) == (t, (), None), (section, key)
                assert known.resolve(t) == t or " " in t
    for key in data["names"]:  # and every name resolves to its own target
        assert normalize(key, NAME).via == "alias", key
    assert not known.problems


def test_name_key() -> None:
    assert name_key("Apache License, Version 2.0") == name_key("apache-2") == "apache 2"
    assert name_key("GPLv3+") == name_key("GPL-3.0-or-later") == name_key("GNU GPL 3 or any later version")[4:]
    assert name_key("BSD 2-Clause") != name_key("BSD 3-Clause")
    assert name_key("LGPL-2.1") != name_key("LGPL-2")


def test_never_raises_on_odd_input() -> None:
    for raw in ["((((", ")", "AND", "WITH", "MIT WITH", "a" * 5000, "\x00", "MIT\nOR\tApache-2.0", "/"]:
        for form in RawForm:
            result = normalize(raw, form)
            assert result.expression is None or isinstance(result.expression, str)
    assert normalize("MIT\nOR\tApache-2.0", SPDX).expression == "MIT OR Apache-2.0"
    assert normalize(None, SPDX).error  # type: ignore[arg-type]


def test_parse_and_equivalence() -> None:
    tree = parse("MIT OR Apache-2.0")
    assert str(tree) == "MIT OR Apache-2.0"
    assert is_equivalent("MIT OR Apache-2.0", "apache-2.0 or mit")
    assert is_equivalent("GPL-2.0+", "GPL-2.0-or-later")
    assert not is_equivalent("MIT", "MIT AND (")
    with pytest.raises(ValueError):
        parse("MIT AND (")
    with pytest.raises(ValueError):
        parse("")


def test_licensing_and_version() -> None:
    assert licensedb_version() == "scancode-toolkit 32.5.0 LicenseDB (SPDX license list 3.27)"
    lic = nz.licensing()
    assert lic is nz.licensing()  # cached
    assert lic.validate("MIT").errors == []


def test_building_the_licensing_is_fast() -> None:
    start = time.perf_counter()
    Normalizer(rules_dir())
    assert time.perf_counter() - start < 1.0  # measured ~0.06 s; generous bound against regressions


def test_names_joined_by_operators() -> None:
    result = normalize("Apache License, Version 2.0 OR MIT license", NAME)
    assert result.expression == "Apache-2.0 OR MIT" and not result.unknown_ids
    assert normalize("GPLv2 AND Custom Terms", NAME).expression is None


def test_prose_decorations_before_a_name_are_ignored() -> None:
    from license_check.model import RawForm

    assert normalize("permissive Apache Licence, Version 2.0", RawForm.NAME).expression == "Apache-2.0"
    assert normalize("the open-source MIT license", RawForm.NAME).expression == "MIT"
    assert normalize("Modified BSD License", RawForm.NAME).expression == "BSD-3-Clause"  # not a decoration
    assert normalize("very permissive", RawForm.NAME).expression is None
