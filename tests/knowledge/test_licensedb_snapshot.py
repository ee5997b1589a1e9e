"""The committed LicenseDB snapshot must match the installed scancode-toolkit."""

from __future__ import annotations

import json

from tests.conftest import REPO_ROOT, load_script

SNAPSHOT = REPO_ROOT / "rules" / "generated" / "scancode-licensedb.json"




def test_snapshot_matches_installed_scancode() -> None:
    gen = load_script("gen_licensedb")
    regenerated = gen.render(gen.build())
    committed = SNAPSHOT.read_text(encoding="utf-8")
    assert regenerated == committed, "stale snapshot: run python scripts/gen_licensedb.py and commit"


def test_snapshot_shape() -> None:
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert data["scancode_toolkit_version"] == "32.5.0"
    assert data["spdx_license_list_version"] == "3.27"
    licenses = data["licenses"]
    assert len(licenses) > 2500
    keys = [lic["key"] for lic in licenses]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    by_key = {lic["key"]: lic for lic in licenses}
    assert by_key["apache-2.0"]["spdx_license_key"] == "Apache-2.0"
    assert "GPL-2.0" in by_key["gpl-2.0"]["other_spdx_license_keys"]
    # keys without an SPDX id get the LicenseRef-scancode- form
    assert by_key["llama-2-license-2023"]["spdx_license_key"] == "LicenseRef-scancode-llama-2-license-2023"
    assert by_key["classpath-exception-2.0"]["is_exception"] is True
    fields = set(load_script("gen_licensedb").FIELDS)
    assert all(set(lic) == fields for lic in licenses)
    spdx = [lic["spdx_license_key"].lower() for lic in licenses]
    assert len(set(spdx)) == len(spdx), "two ScanCode keys share an SPDX id"
