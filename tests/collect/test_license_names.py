"""Issue 11 A.1, A.3 and A.6 end to end: license-bearing files by any conventional name, their scope,
license listings as notices, and custom texts read for what they restrict."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_check.collect.textid import operative
from license_check.knowledge.book import Knowledge
from tests.policy.test_policy_scan import APACHE, MIT, run, write

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

_DATA = Path(__file__).resolve().parents[1] / "license_texts"
CC_BY_NC = (_DATA / "cc-by-nc-4.0.txt").read_text(encoding="utf-8")


def _uses(data: dict[str, object]) -> dict[str, tuple[str, str, str | None]]:
    comps: list[dict[str, str]] = data["components"]  # type: ignore[assignment]
    return {c["path"]: (c["kind"], c["commercial_use"], c["license"]) for c in comps}


@pytest.mark.parametrize(("name", "kind"), [
    ("DATA_LICENSE", "data"), ("MODEL_LICENSE", "model"), ("MODEL_LICENSE.md", "model"),
    ("WEIGHT_DIFF_LICENSE", "weights"), ("LICENSE_weights", "weights"), ("LICENSE-MODEL", "model"),
    ("model_licenses/LICENSE_tiny", "model"),
])
def test_an_nc_artifact_license_beside_apache_code_is_prohibited(tmp_path: Path, name: str, kind: str) -> None:
    # Before: DATA_LICENSE and MODEL_LICENSE were not read at all, and the tree passed as allowed.
    repo = write(tmp_path / "r", {"LICENSE": APACHE, name: CC_BY_NC, "train.py": "print(1)\n"})
    code, data, _ = run(str(repo))
    assert (code, data["commercial_use"], data["project_license"]) == (1, "prohibited", "Apache-2.0")
    assert _uses(data) == {".": ("code", "allowed", "Apache-2.0"), name: (kind, "prohibited", "CC-BY-NC-4.0")}


def test_a_license_in_a_docs_folder_binds_the_folder_above(tmp_path: Path) -> None:
    repo = write(tmp_path / "r", {"LICENSE": MIT, "emu/docs/emu-license.txt": MIT, "emu/core.c": "int x;\n"})
    code, data, _ = run(str(repo))
    assert code == 0 and "emu" in _uses(data) and "emu/docs" not in _uses(data)


def test_a_list_of_bundled_licenses_is_a_notice_not_the_grant(tmp_path: Path) -> None:
    listing = "# Tool\n\n" + MIT + "\n# Libraries used\n\n## json\n\nUnder the MIT license, see above.\n"
    repo = write(tmp_path / "r", {"LICENSE": MIT, "LICENSES.md": listing, "lib/json/LICENSE": APACHE})
    code, data, _ = run(str(repo))
    assert (code, data["project_license"], data["commercial_use"]) == (0, "MIT", "allowed")
    [notice] = [f for f in data["findings"]
                if f["rule"] == "notice-file" and f["locations"][0]["path"] == "LICENSES.md"]
    assert "list of the licenses of bundled works" in notice["message"]
    # Alone in its folder, the same file is the folder's license.
    alone = write(tmp_path / "s", {"LICENSES.md": MIT})
    assert run(str(alone))[1]["project_license"] == "MIT"


CUSTOM = {
    "academic": ("ACME SOFTWARE LICENSE AGREEMENT\nACADEMIC OR NON-PROFIT ORGANIZATION NONCOMMERCIAL RESEARCH USE "
                 "ONLY\n\nLicensor grants you a license to use the Software for noncommercial research purposes.\n",
                 "noncommercial", 2),
    "not-sold": ("Copyright (c) 2001 A. Author\n\nRedistribution and use are permitted provided that:\n"
                 "* Redistributions may not be sold, nor may they be used in a commercial\n  product or activity.\n",
                 "noncommercial", 4),
    "personal": ("The Emulator is freeware for PERSONAL USE only. Commercial users should seek permission.\n",
                 "noncommercial", 1),
}


@pytest.mark.parametrize("case", sorted(CUSTOM))
def test_a_custom_text_that_forbids_commercial_use_is_prohibited(tmp_path: Path, case: str) -> None:
    text, category, line = CUSTOM[case]
    repo = write(tmp_path / "r", {"LICENSE": MIT, "vendor/emu/LICENSE": text, "vendor/emu/a.c": "int x;\n"})
    code, data, _ = run(str(repo), "--no-scancode")
    assert (code, data["commercial_use"]) == (1, "prohibited")
    assert _uses(data)["vendor/emu"] == ("code", "prohibited", operative.NONCOMMERCIAL)
    [finding] = [f for f in data["findings"] if f["rule"] == "restrictive-license-text"]
    assert f"({category}, line {line})" in finding["message"] and finding["locations"][0]["line"] == line


def test_gpl2_noncommercial_distribution_clause_is_not_a_restriction() -> None:
    # GPL-2.0 §3(c) "allowed only for noncommercial distribution" grants commercial use.
    assert operative.read_terms("This alternative is allowed only for noncommercial distribution and only if you "
                                "received the program in object code.", KNOWLEDGE.use_terms) == ()


def test_a_custom_text_with_no_such_clause_stays_unknown_and_quotes_other_terms(tmp_path: Path) -> None:
    text = "ACME TERMS\n\nYou may use this tool. You may not modify the Software.\n"
    repo = write(tmp_path / "r", {"LICENSE": text})
    code, data, _ = run(str(repo), "--no-scancode")
    assert (code, data["commercial_use"]) == (1, "unknown")
    assert operative.read_terms(text, KNOWLEDGE.use_terms)[0].category == "no-derivatives"


def test_a_code_or_data_extension_is_never_a_license_text_name() -> None:
    from license_check.collect.detectors import license_names

    for ext in sorted(license_names._CODE_EXTS):
        for base in ("LICENSE", "license", "COPYING", "NOTICE", "MODEL_LICENSE", "third_party_licenses", "eula"):
            assert license_names._parse(f"{base}.{ext}") is None, (base, ext)
    for name in ("LICENSE", "LICENSE.txt", "license.md", "COPYING", "NOTICE", "LICENSE-MIT", "MODEL_LICENSE.md",
                 "snes9x-license.txt"):
        assert license_names._parse(name) is not None, name
