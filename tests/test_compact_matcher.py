"""ScanCode's compact index (collect/textid/compact_index.py, compact_matcher.py): what it settles, what it defers.

The index here is built from a small data folder in tmp_path: a few files of the installed ScanCode's
licensedcode/data, plus rules written by the tests. The texts scanned are carried in tests/data/compact/
(libpng's gregbook LICENSE, which ScanCode has word for word; LuaJIT's COPYRIGHT, which it has not). The
agreement with ScanCode's full index on every license text is measured by bench/compact_matcher.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from license_check.collect.detectors import license_files as lf
from license_check.collect.detectors.base import ScanContext
from license_check.collect.textid import compact_index as ci
from license_check.collect.textid import compact_matcher as cm
from license_check.collect.textid import fastpath
from license_check.collect.textid import scancode_matcher as sa
from license_check.knowledge.book import Knowledge
from license_check.model import FileEntry

KNOWLEDGE = Knowledge.load()
TEXTS = Path(__file__).resolve().parent / "data" / "compact"
GREGBOOK = (TEXTS / "gregbook-LICENSE.txt").read_text(encoding="utf-8")
LUAJIT = (TEXTS / "luajit-COPYRIGHT.txt").read_text(encoding="utf-8")
_COPIED = ("licenses/mit.LICENSE", "licenses/greg-roelofs.LICENSE", "licenses/gpl-2.0-plus.LICENSE",
           "licenses/gpl-2.0.LICENSE", "rules/greg-roelofs_or_gpl-2.0-plus_1.RULE")

installed = fastpath.scancode_data_dir()
pytestmark = pytest.mark.skipif(installed is None, reason="ScanCode's license data is not installed")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A licensedcode/data of a few real files."""
    assert installed is not None
    root = tmp_path / "data"
    for name in _COPIED:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(installed / name, root / name)
    return root


def _text(data: Path, name: str) -> str:
    return ci.split_front_matter((data / name).read_text(encoding="utf-8"))[1]


def _rule(data: Path, name: str, meta: str, text: str) -> None:
    (data / "rules" / name).write_text(f"---\n{meta}\n---\n\n{text}\n", encoding="utf-8")


def _identify(data: Path, text: str) -> sa.ScanOutcome | None:
    return cm.identify(text, ci.build(data, "test"), data, KNOWLEDGE)


def test_a_rule_word_for_word_gets_scancodes_keys(data: Path) -> None:
    outcome = _identify(data, GREGBOOK)
    assert outcome is not None and outcome.status == sa.Status.IDENTIFIED
    assert outcome.expression == "LicenseRef-scancode-greg-roelofs OR GPL-2.0-or-later"
    assert outcome.confidence == 1.0 and not outcome.version_ambiguous


def test_a_license_text_with_its_holders_copyright_line(data: Path) -> None:
    outcome = _identify(data, "Copyright (c) 2024 Jane Doe\n\n" + _text(data, "licenses/mit.LICENSE"))
    assert outcome is not None and outcome.expression == "MIT"


def test_a_bare_gpl_text_says_no_version(data: Path) -> None:
    outcome = _identify(data, _text(data, "licenses/gpl-2.0.LICENSE"))
    assert outcome is not None and outcome.expression == "GPL-2.0-only" and outcome.version_ambiguous


@pytest.mark.parametrize("edit", [
    lambda t: t + "\nThis software may not be used for military purposes.\n",  # a rider
    lambda t: t.replace("sell", "rent", 1),  # one word changed
    lambda t: "MIT License\n\n" + t,  # a title: ScanCode may read it as a reference of its own
    lambda t: t[: len(t) // 2],  # half of it
])
def test_anything_but_whole_rules_and_copyright_lines_defers(data: Path, edit: object) -> None:
    assert callable(edit)
    assert _identify(data, edit(_text(data, "licenses/mit.LICENSE"))) is None


def test_line_breaks_scancode_does_not_count_defer(data: Path) -> None:
    """FSF's GPL files carry form feeds: str.splitlines breaks there, ScanCode's line numbers do not."""
    text = _text(data, "licenses/gpl-2.0.LICENSE")
    assert _identify(data, text) is not None
    assert _identify(data, text.replace("June 1991\n", "June 1991\n\x0c", 1)) is None
    assert _identify(data, text.replace("June 1991\n", "June 1991\u2028\n", 1)) is None


def test_text_in_another_script_defers(data: Path) -> None:
    _rule(data, "jp_1.RULE", "license_expression: mit\nis_license_text: yes",
          "このソフトウェアは自由に使用できます " + _text(data, "licenses/mit.LICENSE"))
    assert _identify(data, "このソフトウェアは自由に使用できます " + _text(data, "licenses/mit.LICENSE")) is None


def test_front_matter_ends_at_its_own_closing_line() -> None:
    meta, text = ci.split_front_matter("---\nkey: x\nstandard_notice: |\n    ---\n    notice\n---\n\nThe text.\n")
    assert meta == {"key": "x", "standard_notice": "|"} and text == "\nThe text.\n"


def test_a_custom_file_around_a_known_text_defers(data: Path) -> None:
    """LuaJIT's COPYRIGHT holds the MIT text twice, with a heading and notes ScanCode has no rule for."""
    assert _identify(data, LUAJIT) is None


def test_a_rule_it_never_settles_outside_the_match_defers(data: Path) -> None:
    text = "Copyright (c) 2024 Jane Doe Widgets\n\n" + _text(data, "licenses/mit.LICENSE")
    assert _identify(data, text) is not None
    _rule(data, "widgets-ref_1.RULE", "license_expression: unknown-license-reference\nis_license_reference: yes",
          "Jane Doe Widgets")
    assert _identify(data, text) is None


def test_the_same_words_for_two_licenses_defer(data: Path) -> None:
    _rule(data, "other_1.RULE", "license_expression: isc\nis_license_text: yes", _text(data, "licenses/mit.LICENSE"))
    assert _identify(data, _text(data, "licenses/mit.LICENSE")) is None


def test_a_stale_index_is_never_believed(data: Path) -> None:
    index = ci.build(data, "test")
    rule = data / "rules" / "greg-roelofs_or_gpl-2.0-plus_1.RULE"
    rule.write_text(rule.read_text(encoding="utf-8").replace("DUAL-LICENSED", "TRIPLE-LICENSED"), encoding="utf-8")
    assert cm.identify(GREGBOOK, index, data, KNOWLEDGE) is None


def test_the_index_survives_its_encoding_and_is_built_once(data: Path) -> None:
    index = ci.build(data, "test")
    again = ci.decode(ci.encode(index))
    assert again is not None and again == index
    assert ci.decode(ci.encode(index)[:-3]) is None
    said: list[str] = []
    first = ci.load(data, said.append)
    assert any("building" in s for s in said)
    said.clear()
    assert ci.load(data, said.append) == first and not said  # from the sealed cache file


def test_license_files_asks_the_compact_index_before_the_full_one(data: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cm, "_SHARED", cm._Shared(loaded=(ci.build(data, "test"), data)))
    monkeypatch.setattr(sa, "_STATE", sa._State(error="ImportError: the full index must not be needed"))
    ctx = ScanContext(knowledge=KNOWLEDGE)
    edited = LUAJIT.replace("which has this license statement:", "which has these extra terms:")
    for name, text in (("gregbook/LICENSE", GREGBOOK), ("luajit/COPYRIGHT", LUAJIT), ("edited/COPYRIGHT", edited)):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        ident = lf.identify_file(FileEntry(name, str(path), path.stat().st_size), ctx)
        if name.startswith("gregbook"):
            assert ident.method == cm.METHOD
            assert ident.expression == "LicenseRef-scancode-greg-roelofs OR GPL-2.0-or-later"
        elif name.startswith("luajit"):  # the bundles fast path reads it before either index
            assert ident.method == "fast-path-composite" and ident.expression == "MIT AND CC-PDDC"
        else:  # left to the full index, which is unavailable here
            assert ident.expression is None and ident.findings[0].rule == "scancode-unavailable"


def test_the_compact_matcher_never_starts_scancode(data: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from license_check.collect.textid import compact_index as ci, compact_matcher as cm\n"
        "from license_check.knowledge.book import Knowledge\n"
        "assert 'licensedcode' not in sys.modules\n"
        f"data = Path({str(data)!r})\n"
        f"text = Path({str(TEXTS / 'gregbook-LICENSE.txt')!r}).read_text()\n"
        "assert cm.identify(text, ci.build(data, 'test'), data, Knowledge.load()) is not None\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('licensedcode', 'scancode', 'commoncode')))\n"
        "assert loaded == ['licensedcode', 'licensedcode.stopwords'], loaded\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.slow  # builds the compact index of the installed ScanCode once (seconds) in the tests' cache folder
def test_a_scan_settles_scancodes_own_text_without_its_full_index(tmp_path: Path) -> None:
    assert installed is not None
    root = tmp_path / "repo"
    (root / "vendor").mkdir(parents=True)
    (root / "vendor" / "LICENSE").write_text(_text(installed, "licenses/sleepycat.LICENSE"), encoding="utf-8")
    (root / "LICENSE").write_text(_text(installed, "licenses/mit.LICENSE"), encoding="utf-8")
    cmd = [sys.executable, "-m", "license_check", "-v", "--no-cache", "--format", "json", str(root)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert "vendor/LICENSE: Sleepycat by ScanCode's compact index" in run.stderr, run.stderr[-2000:]
    assert "loading ScanCode's license index" not in run.stderr
    assert '"Sleepycat"' in run.stdout
