"""normalize(): SPDX expressions, free-text names, trove classifiers, families."""

from __future__ import annotations

import shutil
import time
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge import normalize as nz
from license_check.knowledge.data import rules_dir
from license_check.knowledge.expression import LicenseId, Or, render
from license_check.knowledge.normalize import Normalizer, is_equivalent, licensedb_version, name_key, normalize, parse
from license_check.model import RawForm

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
    assert normalize("Foo-1.0+", SPDX).unknown_ids == ("Foo-1.0+",)
    assert normalize("Apache-2.0+", SPDX).expression == "Apache-2.0+"  # the SPDX '+' operator (no -or-later id)
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
    assert tree == Or((LicenseId("MIT"), LicenseId("Apache-2.0")))
    assert render(tree) == "MIT OR Apache-2.0"
    assert normalize("mit or apache-2.0", SPDX).tree == tree  # the normalized value carries its tree
    assert is_equivalent("MIT OR Apache-2.0", "apache-2.0 or mit")
    assert is_equivalent("GPL-2.0+", "GPL-2.0-or-later")
    assert not is_equivalent("MIT", "MIT AND (")
    with pytest.raises(ValueError):
        parse("MIT AND (")
    with pytest.raises(ValueError):
        parse("")


def test_licensing_and_version() -> None:
    assert licensedb_version() == "scancode-toolkit 32.5.0 LicenseDB (SPDX license list 3.27)"
    grammar = nz.normalizer().grammar
    assert grammar is nz.normalizer().grammar  # cached
    assert "MIT" in grammar.known and "Classpath-exception-2.0" in grammar.known


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


# --- Hugging Face Hub license ids (rules/hub-ids.toml) ------------------------------------------------

HUB = RawForm.HUB
# huggingface/hub-docs docs/hub/repositories-licenses.md @242f4a1e, in the order of that table (83 ids).
_HUB_TABLE = """apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0
cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0
cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0 cdla-permissive-1.0
cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl
lgpl-2.1 lgpl-3.0 isc h-research intel-research lppl-1.3c ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0
openmdw-1.1 openrail++ osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license
fair-noncommercial-research-license llama2 llama3 llama3.1 llama3.2 llama3.3 llama4 grok2-community gemma unknown
other"""
HUB_IDS = _HUB_TABLE.split()


def test_hub_id_list_is_complete() -> None:
    assert len(HUB_IDS) == len(set(HUB_IDS)) == 83
    known = nz.normalizer()
    assert set(known.hub_ids) | known.hub_special == set(HUB_IDS)
    data = tomllib.loads((rules_dir() / "hub-ids.toml").read_text(encoding="utf-8"))
    assert set(data["list"]) == {"source"} and "242f4a1e" in data["list"]["source"]  # no hand-kept count
    assert all(group["source"].strip() for group in data["groups"])


@pytest.mark.parametrize("hub_id", HUB_IDS)
def test_every_hub_id_gives_an_expression_candidates_or_nothing(hub_id: str) -> None:
    for spelling in (hub_id, hub_id.upper(), f" {hub_id} "):
        result = normalize(spelling, HUB)
        assert result.via == "hub" and result.error is None and result.unknown_ids == (), result
        if hub_id in {"other", "unknown"}:
            assert (result.expression, result.candidates) == (None, ())
        else:
            assert (result.expression is None) != (result.candidates == ()), result
            for candidate in result.candidates:
                assert normalize(candidate, SPDX).expression == candidate


@pytest.mark.parametrize(("hub_id", "expected"), [
    ("apache-2.0", "Apache-2.0"),
    ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
    ("etalab-2.0", "etalab-2.0"),
    ("c-uda", "C-UDA-1.0"),
    ("odc-by", "ODC-By-1.0"),
    ("odbl", "ODbL-1.0"),
    ("pddl", "PDDL-1.0"),
    ("lgpl-lr", "LGPLLR"),
    ("creativeml-openrail-m", "LicenseRef-scancode-stable-diffusion-2022-08-22"),
    ("openrail++", "LicenseRef-scancode-bigscience-open-rail-m2"),
    ("bigscience-bloom-rail-1.0", "LicenseRef-scancode-bigscience-rail-1.0"),
    ("llama2", "LicenseRef-scancode-llama-2-license-2023"),
    ("llama3", "LicenseRef-license-check-llama-3"),
    ("llama3.1", "LicenseRef-scancode-llama-3.1-license-2024"),
    ("llama4", "LicenseRef-scancode-llama-4-cla-2025"),
    ("openmdw-1.0", "OpenMDW-1.0"),  # SPDX 3.28; ScanCode 32.5.0 has only LicenseRef-scancode-openmdw-1.0
    ("openmdw-1.1", "LicenseRef-license-check-openmdw-1.1"),
    ("grok2-community", "LicenseRef-license-check-grok-2-community"),
    ("apple-ascl", "LicenseRef-scancode-apple-excl"),
])
def test_hub_ids(hub_id: str, expected: str) -> None:
    assert normalize(hub_id, HUB).expression == expected


@pytest.mark.parametrize(("hub_id", "candidates"), [
    ("gpl-3.0", ("GPL-3.0-only", "GPL-3.0-or-later")),
    ("gpl-2.0", ("GPL-2.0-only", "GPL-2.0-or-later")),
    ("lgpl-2.1", ("LGPL-2.1-only", "LGPL-2.1-or-later")),
    ("agpl-3.0", ("AGPL-3.0-only", "AGPL-3.0-or-later")),
    ("gemma", ("LicenseRef-scancode-gemma-tou-2024-04-01", "LicenseRef-scancode-gemma-tou-2025-03-24")),
])
def test_hub_ids_that_do_not_say_which_version(hub_id: str, candidates: tuple[str, ...]) -> None:
    result = normalize(hub_id, HUB)
    assert (result.expression, result.candidates, result.via) == (None, candidates, "hub")


def test_hub_family_ids_agree_with_the_family_names() -> None:
    for hub_id, name in [("bsd", "BSD"), ("gpl", "GPL"), ("lgpl", "LGPL"), ("gfdl", "GFDL"), ("cc", "CC"),
                         ("openrail", "OpenRAIL")]:
        assert normalize(hub_id, HUB).candidates == normalize(name, NAME).candidates, hub_id


@pytest.mark.parametrize(("raw", "expected"), [
    ("Apache 2.0", "Apache-2.0"),
    ("MIT License", "MIT"),
    ("apache-2", "Apache-2.0"),
    ("GPL-3.0-or-later", "GPL-3.0-or-later"),
    ("MIT OR Apache-2.0", "MIT OR Apache-2.0"),
    ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
])
def test_ids_not_on_the_hub_list_are_read_as_names(raw: str, expected: str) -> None:
    result = normalize(raw, HUB)
    assert result.expression == expected and result.via in {"alias", "spdx"}, result


def test_unknown_and_unstated_hub_values() -> None:
    assert normalize("my-custom-license", HUB).unknown_ids == ("my-custom-license",)
    odd = normalize("My Custom Terms", HUB)
    assert odd.expression is None and odd.unknown_ids == ("My Custom Terms",) and odd.via == "none"
    for raw in ("", "NONE", "NOASSERTION"):
        result = normalize(raw, HUB)
        assert (result.expression, result.unknown_ids, result.candidates) == (None, (), ())


# --- license URLs (rules/urls.toml) ---------------------------------------------------------------------

URL = RawForm.URL


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://www.apache.org/licenses/LICENSE-2.0", "apache.org/licenses/license-2.0"),
    ("http://apache.org/licenses/LICENSE-2.0.txt", "apache.org/licenses/license-2.0"),
    ("HTTPS://WWW.Apache.ORG/licenses/LICENSE-2.0.html#section", "apache.org/licenses/license-2.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode", "creativecommons.org/licenses/by/4.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode.en", "creativecommons.org/licenses/by/4.0"),
    ("https://creativecommons.org/licenses/by-sa/4.0/deed.en", "creativecommons.org/licenses/by-sa/4.0"),
    ("http://creativecommons.org/licenses/by-nc/4.0/legalcode.txt", "creativecommons.org/licenses/by-nc/4.0"),
    ("creativecommons.org/publicdomain/zero/1.0/", "creativecommons.org/publicdomain/zero/1.0"),
    ("https://www.gnu.org/licenses/gpl-3.0.en.html", "gnu.org/licenses/gpl-3.0"),
    ("https://spdx.org/licenses/MIT.json", "spdx.org/licenses/mit"),
    ("https://spdx.org/licenses/MIT.html?x=1", "spdx.org/licenses/mit"),
    ("https://mistral.ai/licenses/MRL-0.1.md", "mistral.ai/licenses/mrl-0.1"),
    ("https://opendatacommons.org/licenses/odbl/1-0/index.html", "opendatacommons.org/licenses/odbl/1-0"),
    ("<https://example.org:8080/LICENSE/>", "example.org/license"),
    ("https://raw.githubusercontent.com/meta-llama/llama3/main/LICENSE",
     "github.com/meta-llama/llama3/blob/main/license"),
    ("https://huggingface.co/org/model/resolve/main/LICENSE.txt", "huggingface.co/org/model/blob/main/license"),
    ("https://hf.co/org/model/raw/main/LICENSE", "huggingface.co/org/model/blob/main/license"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert nz.canonical_url(url) == canonical


@pytest.mark.parametrize(("url", "expected"), [
    ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ("http://creativecommons.org/licenses/by-sa/3.0/legalcode", "CC-BY-SA-3.0"),
    ("https://creativecommons.org/licenses/by-nc-nd/4.0/deed.de", "CC-BY-NC-ND-4.0"),
    ("https://creativecommons.org/licenses/by/3.0/us/", "CC-BY-3.0-US"),
    ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
    ("https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"),
    ("https://spdx.org/licenses/LGPL-2.1-or-later.json", "LGPL-2.1-or-later"),
    ("https://opensource.org/licenses/MIT", "MIT"),
    ("https://opensource.org/license/apache-2-0", "Apache-2.0"),
    ("https://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0"),
    ("https://opendatacommons.org/licenses/odbl/1-0/", "ODbL-1.0"),
    ("https://opendatacommons.org/licenses/by/1.0/", "ODC-By-1.0"),
    ("http://opendatacommons.org/licenses/pddl/1-0/", "PDDL-1.0"),
    ("https://cdla.dev/permissive-2-0/", "CDLA-Permissive-2.0"),
    ("https://cdla.io/permissive-2-0", "CDLA-Permissive-2.0"),
    ("https://huggingface.co/spaces/bigscience/license", "LicenseRef-scancode-bigscience-rail-1.0"),
    ("https://mistral.ai/licenses/MRL-0.1.md", "LicenseRef-license-check-mistral-mrl-0.1"),
    ("https://mistral.ai/licences/MNPL-0.1.md", "LicenseRef-license-check-mistral-mnpl-0.1"),
    ("https://llama.meta.com/llama3/license/", "LicenseRef-license-check-llama-3"),
    ("https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE",
     "LicenseRef-scancode-llama-3.1-license-2024"),
    ("https://github.com/facebookresearch/llama/blob/main/LICENSE", "LicenseRef-scancode-llama-2-license-2023"),
    ("https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md",
     "LicenseRef-scancode-bigscience-open-rail-m2"),
])
def test_license_urls(url: str, expected: str) -> None:
    result = normalize(url, URL)
    assert (result.expression, result.unknown_ids, result.candidates, result.via) == (expected, (), (), "url"), result
    assert result.raw == url


@pytest.mark.parametrize(("url", "candidates"), [
    ("https://www.gnu.org/licenses/gpl-3.0.html", ("GPL-3.0-only", "GPL-3.0-or-later")),
    ("https://www.gnu.org/licenses/old-licenses/lgpl-2.1.txt", ("LGPL-2.1-only", "LGPL-2.1-or-later")),
    ("https://opensource.org/licenses/GPL-2.0", ("GPL-2.0-only", "GPL-2.0-or-later")),
    ("https://ai.google.dev/gemma/terms",
     ("LicenseRef-scancode-gemma-tou-2024-04-01", "LicenseRef-scancode-gemma-tou-2025-03-24")),
    ("https://creativecommons.org/licenses/by/",
     ("CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0")),
    ("https://opensource.org/licenses/bsd-license.php", ("BSD-2-Clause", "BSD-3-Clause")),
])
def test_ambiguous_license_urls_give_candidates(url: str, candidates: tuple[str, ...]) -> None:
    result = normalize(url, URL)
    assert (result.expression, result.candidates, result.unknown_ids, result.via) == (None, candidates, (), "url")


@pytest.mark.parametrize("url", [
    "https://huggingface.co/some-org/some-model/blob/main/LICENSE",  # a repository's file: not resolvable
    "https://example.com/license.html",
    "https://creativecommons.org/licenses/by/3.0/es/",  # a port the SPDX list does not have
    "https://spdx.org/licenses/Not-A-License-9.html",
    "https://spdx.org/licenses/",
])
def test_unknown_urls_are_reported(url: str) -> None:
    result = normalize(url, URL)
    assert (result.expression, result.candidates, result.error) == (None, (), None)
    assert result.unknown_ids == (url,) and result.via == "none"


def test_url_form_reads_a_value_that_is_no_url_as_a_name() -> None:
    assert normalize("MIT", URL).expression == "MIT"
    assert normalize("Apache License 2.0", URL).expression == "Apache-2.0"
    assert normalize("", URL).unknown_ids == ()


# --- broken Hub / URL tables are reported, with file and key ----------------------------------------------

def test_broken_hub_and_url_tables_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    hub = (broken / "hub-ids.toml").read_text(encoding="utf-8")
    extra = '"Foo" = "MIT"\n"nope-id" = "Nope-1.0"\n"not-on-the-hub" = "MIT"\n'
    hub = hub.replace('"mit" = "MIT"\n', '"mit" = "MIT"\n' + extra, 1)
    hub = hub.replace('"gemma" = [', '"bsd-2-clause" = "ISC"\n"gemma" = [', 1)
    (broken / "hub-ids.toml").write_text(hub, encoding="utf-8")
    urls = (broken / "urls.toml").read_text(encoding="utf-8")
    urls = urls.replace('"https://spdx.org/licenses/MIT.html" = "MIT"', '"https://spdx.org/licenses/MIT.html" = "ISC"')
    urls += '\n[[entries]]\nurls = ["not a url", "https://example.org/gpl"]\nlicense = "GPL-2.0"\nsource = ""\n'
    urls += '\n[[patterns]]\nmatch = "("\nlicense = "{x}"\nsource = "s"\n'
    (broken / "urls.toml").write_text(urls, encoding="utf-8")
    text = "\n".join(Normalizer(broken).problems)
    for fragment in [
        "hub-ids.toml: groups[0].ids.'Foo': 'Foo': Hub ids are written in lower case",
        "hub-ids.toml: groups[0].ids.'nope-id': target 'Nope-1.0': unknown ids Nope-1.0",
        "hub-ids.toml: groups[5].ids.'bsd-2-clause': 'bsd-2-clause': duplicate (also in groups[0]",
        "urls.toml: patterns[3].examples.'https://spdx.org/licenses/MIT.html': gives 'MIT', not 'ISC'",
        "].urls[0]: 'not a url' is not a URL",  # the entry and the pattern appended last
        "].license: target 'GPL-2.0': not canonical: write 'GPL-2.0-only'",
        "].source: must be a non-empty string",
        "].match: not a regular expression",
    ]:
        assert fragment in text, f"missing {fragment!r} in:\n{text}"


# --- Open Definition license ids (Frictionless datapackage.json) -------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("ODC-PDDL-1.0", "PDDL-1.0"),
    ("ODC-BY-1.0", "ODC-By-1.0"),
    ("ODC-ODbL-1.0", "ODbL-1.0"),
    ("ODbL-1.0", "ODbL-1.0"),
    ("PDDL-1.0", "PDDL-1.0"),
    ("CC-BY-4.0", "CC-BY-4.0"),
    ("CC-BY-SA-4.0", "CC-BY-SA-4.0"),
    ("CC0-1.0", "CC0-1.0"),
    ("OGL-UK-3.0", "OGL-UK-3.0"),
    ("OGL-Canada-2.0", "OGL-Canada-2.0"),
    ("LO-FR-2.0", "etalab-2.0"),
    ("odc-by", "ODC-By-1.0"),
    ("odc-odbl", "ODbL-1.0"),
    ("odc-pddl", "PDDL-1.0"),
    ("cc-zero", "CC0-1.0"),
    ("cc-nc", "LicenseRef-license-check-noncommercial"),
    ("other-nc", "LicenseRef-license-check-noncommercial"),
    ("other-pd", "LicenseRef-scancode-public-domain"),
    ("other-open", "LicenseRef-license-check-unknown"),
    ("Talis", "LicenseRef-scancode-ttcl"),
])
def test_open_definition_ids(raw: str, expected: str) -> None:
    result = normalize(raw, NAME)
    assert (result.expression, result.unknown_ids) == (expected, ()), result
