"""The license-files detector: which files, identification outcomes, and folder conventions."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from license_check.collect.detectors import license_files as lf
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.reading import LICENSE_TEXT_CAP
from license_check.collect.textid import bundles, fastpath, scancode_matcher
from license_check.knowledge.book import Knowledge
from license_check.model import Claim, ClaimRole, ClaimScope, FileEntry, RawForm, Severity

KNOWLEDGE = Knowledge.load()  # the shipped rules, passed as a scan passes its own

WriteFiles = Callable[[dict[str, str | bytes]], list[FileEntry]]

REFS = {spec.source: fastpath.strip_front_matter(raw) for spec, raw in fastpath.reference_texts(KNOWLEDGE.directory)}
MIT = "MIT License\n\nCopyright (c) 2024 Example Org\n\n" + REFS["licenses/mit.LICENSE"]
APACHE = REFS["licenses/apache-2.0.LICENSE"]
GPL3 = REFS["licenses/gpl-3.0.LICENSE"]
LGPL3 = REFS["licenses/lgpl-3.0.LICENSE"]
GPL2 = REFS["licenses/gpl-2.0.LICENSE"]
CC_BY_NC = REFS["licenses/cc-by-nc-4.0.LICENSE"]
CUSTOM = "Copyright 2024 Foo\n\nYou may use this only on Tuesdays.\n"
BSD3 = REFS["licenses/bsd-new.LICENSE"]
CC0 = REFS["licenses/cc0-1.0.LICENSE"]

NO_SCANCODE = ScanContext(use_scancode=False)


def grants(result: DetectorResult) -> dict[str, Claim]:
    return {c.target: c for c in result.claims if c.role is ClaimRole.GRANT}


def rules(result: DetectorResult) -> list[str]:
    return sorted(f.rule for f in result.findings)


@pytest.mark.parametrize(
    "name",
    ["LICENSE", "license", "LICENSE.md", "LICENSE.txt", "LICENSE.rst", "LICENCE", "Licence.txt", "COPYING",
     "COPYING.LESSER", "COPYING.LIB", "UNLICENSE", "COPYRIGHT", "copyright.txt", "LICENSE-MIT", "LICENSE-APACHE",
     "LICENSE.apache-2.0.txt", "MIT-LICENSE", "mit_license.txt", "LICENSES.txt", "LICENSE.pdf",
     # the word anywhere in the name (issue 11 A.1)
     "my-LICENSE", "MODEL_LICENSE.md", "DATA_LICENSE", "WEIGHT_DIFF_LICENSE", "snes9x-license.txt", "LICENSE_weights",
     "LICENSE-MODEL", "Foo RESEARCH LICENSE AGREEMENT", "EULA.txt", "eula"],
)
def test_license_file_names(name: str) -> None:
    assert lf.is_license_file_name(name)
    assert not lf.is_notice_file_name(name)


@pytest.mark.parametrize(
    "name",
    ["NOTICE", "NOTICE.txt", "notice.md", "PATENTS", "THIRD_PARTY_NOTICES", "ThirdPartyNotices.txt",
     "THIRD-PARTY-LICENSES", "third_party_licenses.md", "LICENSE-THIRD-PARTY", "LICENSES_3RD_PARTY.txt"],
)
def test_notice_file_names(name: str) -> None:
    assert lf.is_notice_file_name(name)
    assert not lf.is_license_file_name(name)


@pytest.mark.parametrize(
    "name",
    ["license_check.py", "licenses.json", "LICENSE.md.license", "logo.png.license", "license.png", "README.md",
     "licensed.txt", "licenseref-foo.txt", "notice_template.py", "noticeboard.md", "COPYINGS.go",
     "LICENSE_HEADER.txt", "license-header-template", "check_license", "license.svg"],
)
def test_other_names(name: str) -> None:
    assert not lf.is_license_file_name(name)
    assert not lf.is_notice_file_name(name)


def test_single_mit_license(write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE": MIT, "src/a.py": "print(1)\n"}), NO_SCANCODE)
    assert result.findings == ()
    (claim,) = result.claims
    assert (claim.target, claim.scope, claim.raw, claim.form, claim.role) == (
        ".", ClaimScope.DIRECTORY, "MIT", RawForm.SPDX, ClaimRole.GRANT)
    assert not claim.version_ambiguous
    (ev,) = claim.evidence
    assert (ev.path, ev.source, ev.expression) == ("LICENSE", "license-file", "MIT")
    assert ev.confidence is not None and ev.confidence >= fastpath.MIN_SCORE
    assert result.extra["license_files"] == ["LICENSE"]
    assert result.extra["legal_files"] == ["LICENSE"]


def test_dual_license_files_are_a_choice(write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE-MIT": MIT, "LICENSE-APACHE": APACHE}), NO_SCANCODE)
    claim = grants(result)["."]
    assert claim.raw == "Apache-2.0 OR MIT"
    assert [e.expression for e in claim.evidence] == ["Apache-2.0", "MIT"]
    assert len(result.claims) == 1


def test_plain_license_beside_a_choice_is_anded(write_files: WriteFiles) -> None:
    files = {"LICENSE-MIT": MIT, "LICENSE-APACHE": APACHE, "LICENSE": GPL2}
    claim = grants(lf.detect(write_files(files), NO_SCANCODE))["."]
    assert claim.raw == "(Apache-2.0 OR MIT) AND GPL-2.0-only"
    assert claim.evidence[0].path == "LICENSE"  # the plain file is the primary location
    assert claim.version_ambiguous


def test_a_data_license_file_is_a_component_of_its_own(write_files: WriteFiles) -> None:
    # LICENSE-CODE names a part of the folder (its code): the folder's grant. LICENSE-DATA names data:
    # a data component of its own (rules/file-names.toml [scopes]), binding for the folder's data.
    result = lf.detect(write_files({"LICENSE-CODE": MIT, "LICENSE-DATA": CC_BY_NC}), NO_SCANCODE)
    claims = grants(result)
    assert (claims["."].raw, claims["LICENSE-DATA"].raw) == ("MIT", "CC-BY-NC-4.0")
    assert [(a.path, a.kind.value, a.is_dir, a.has_license) for a in result.artifacts] == [
        ("LICENSE-DATA", "data", False, True)]


def test_mismatched_suffix_is_not_a_choice(write_files: WriteFiles) -> None:
    claim = grants(lf.detect(write_files({"LICENSE-MIT": APACHE, "LICENSE-GPL": GPL2}), NO_SCANCODE))["."]
    assert claim.raw == "GPL-2.0-only AND Apache-2.0"


def test_copying_and_copying_lesser_mean_lgpl(write_files: WriteFiles) -> None:
    claim = grants(lf.detect(write_files({"COPYING": GPL3, "COPYING.LESSER": LGPL3}), NO_SCANCODE))["."]
    assert claim.raw == "LGPL-3.0-only"
    assert claim.version_ambiguous
    assert {(e.path, e.expression) for e in claim.evidence} == {
        ("COPYING", "GPL-3.0-only"), ("COPYING.LESSER", "LGPL-3.0-only")}


def test_gpl_text_alone_is_version_ambiguous(write_files: WriteFiles) -> None:
    claim = grants(lf.detect(write_files({"COPYING": GPL3}), NO_SCANCODE))["."]
    assert claim.raw == "GPL-3.0-only" and claim.version_ambiguous


def test_same_license_twice_is_not_repeated(write_files: WriteFiles) -> None:
    claim = grants(lf.detect(write_files({"LICENSE": MIT, "LICENSE.txt": MIT}), NO_SCANCODE))["."]
    assert claim.raw == "MIT" and len(claim.evidence) == 2


def test_one_claim_per_folder(write_files: WriteFiles) -> None:
    files = {"LICENSE": MIT, "vendor/lib/LICENSE.txt": APACHE, "vendor/lib/x.c": "int x;\n"}
    claims = grants(lf.detect(write_files(files), NO_SCANCODE))
    assert {t: c.raw for t, c in claims.items()} == {".": "MIT", "vendor/lib": "Apache-2.0"}


def test_notice_files(write_files: WriteFiles) -> None:
    files = {"LICENSE": APACHE, "NOTICE": "Foo\nCopyright 2024 Foo\n", "third_party/THIRD_PARTY_NOTICES.txt": "x",
             "PATENTS": "Additional Grant of Patent Rights\n"}
    result = lf.detect(write_files(files), NO_SCANCODE)
    notices = [c for c in result.claims if c.role is ClaimRole.NOTICE]
    assert sorted(c.path for c in notices) == ["NOTICE", "PATENTS", "third_party/THIRD_PARTY_NOTICES.txt"]
    assert all(c.raw is None and c.scope is ClaimScope.DIRECTORY for c in notices)
    assert {c.path: c.target for c in notices}["third_party/THIRD_PARTY_NOTICES.txt"] == "third_party"
    # The third-party notices do not grant a license to their folder.
    assert set(grants(result)) == {"."}
    assert rules(result) == ["notice-file"] * 3
    assert all(f.severity is Severity.INFO for f in result.findings)
    assert result.extra["notice_files"] == ["NOTICE", "PATENTS", "third_party/THIRD_PARTY_NOTICES.txt"]


def test_too_large_license_file(write_files: WriteFiles) -> None:
    big = MIT + "\n" + ("More terms apply. " * (LICENSE_TEXT_CAP // 18 + 10))
    result = lf.detect(write_files({"LICENSE": big}), NO_SCANCODE)
    assert grants(result)["."].raw is None
    assert rules(result) == ["license-file-too-large"]
    assert result.findings[0].locations[0].path == "LICENSE"


def test_binary_license_file(write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE": b"\x00\x01\x02binary\x00" * 10}), NO_SCANCODE)
    assert grants(result)["."].raw is None
    assert rules(result) == ["unreadable-file"]


def test_empty_license_file(write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE": "\n  \n"}), NO_SCANCODE)
    assert grants(result)["."].raw is None
    assert rules(result) == ["unknown-license-text"]
    assert "empty" in result.findings[0].message


def test_unreadable_license_file(write_files: WriteFiles) -> None:
    (entry,) = write_files({"LICENSE": MIT})
    gone = FileEntry(path=entry.path, abspath=entry.abspath + ".missing", size=entry.size)
    result = lf.detect([gone], NO_SCANCODE)
    assert grants(result)["."].raw is None
    assert rules(result) == ["unreadable-file"]


def test_custom_text_without_scancode_is_unknown(write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE": CUSTOM}), NO_SCANCODE)
    claim = grants(result)["."]
    assert claim.raw is None and claim.evidence[0].expression is None
    assert rules(result) == ["unknown-license-text"]
    assert result.findings[0].locations[0].path == "LICENSE"


def test_one_unknown_file_makes_the_folder_unknown(write_files: WriteFiles) -> None:
    result = lf.detect(write_files({"LICENSE": MIT, "LICENSE.extra": CUSTOM}), NO_SCANCODE)
    claim = grants(result)["."]
    assert claim.raw is None
    assert {e.path: e.expression for e in claim.evidence} == {"LICENSE": "MIT", "LICENSE.extra": None}


def test_scancode_unavailable(write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scancode_matcher, "_STATE", scancode_matcher._State(error="ImportError: no licensedcode"))
    result = lf.detect(write_files({"LICENSE": CUSTOM, "sub/LICENSE": MIT}), ScanContext(use_scancode=True))
    assert grants(result)["."].raw is None
    assert grants(result)["sub"].raw == "MIT"
    assert rules(result) == ["scancode-unavailable"]
    assert "ImportError" in result.findings[0].message


def test_internal_error_is_a_finding(write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(fastpath, "match_license_text", boom)
    result = lf.detect(write_files({"LICENSE": MIT}), NO_SCANCODE)
    assert grants(result)["."].raw is None
    assert rules(result) == ["detector-error"]


def test_reuse_folder_and_sidecars_are_skipped(write_files: WriteFiles) -> None:
    files = {"LICENSES/MIT.txt": MIT, "LICENSES/LICENSE": MIT, "img.png.license": "SPDX-License-Identifier: MIT\n",
             "license_check.py": "x = 1\n"}
    result = lf.detect(write_files(files), NO_SCANCODE)
    assert result.claims == () and result.findings == ()


def test_import_and_fast_path_do_not_import_scancode(write_files: WriteFiles) -> None:
    (entry,) = write_files({"LICENSE": MIT})
    code = (
        "import sys\n"
        "from license_check.collect.detectors import license_files as lf\n"
        "from license_check.collect.detectors.base import ScanContext\n"
        "from license_check.model import FileEntry\n"
        "assert 'licensedcode' not in sys.modules, 'imported by the module'\n"
        f"entry = FileEntry(path='LICENSE', abspath={entry.abspath!r}, size={entry.size})\n"
        "result = lf.detect([entry], ScanContext(use_scancode=True))\n"
        "assert result.claims[0].raw == 'MIT', result\n"
        "assert 'licensedcode' not in sys.modules, 'imported for a text the fast path knows'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_license_collection_folders_hold_notices_not_grants(write_files: WriteFiles) -> None:
    from tests.conftest import SAMPLES

    mit = (SAMPLES / "mit-package" / "LICENSE").read_text()
    files = write_files({"licenses/LICENSE-numpy": mit, "third_party_licenses/COPYING.gcc": mit, "LICENSE": mit})
    result = lf.detect(files, ScanContext(use_scancode=False))
    roles = {c.evidence[0].path: c.role for c in result.claims}
    assert roles == {"LICENSE": ClaimRole.GRANT, "licenses/LICENSE-numpy": ClaimRole.NOTICE,
                     "third_party_licenses/COPYING.gcc": ClaimRole.NOTICE}


# ---------------------------------------------------------------- bundled license files


def _commented(text: str) -> str:
    return "\n".join(("# " + line).rstrip() for line in text.splitlines())


CONNECTIVE = ("This repository also contains code from Example Labs Inc., Google Research, and Facebook (from "
              "their Fairseq project). Files from these organizations have notices at the top of each file. "
              "Below are licenses used in those files, as indicated.")


def neox_like(connective: str = CONNECTIVE) -> str:
    """Like EleutherAI/gpt-neox's LICENSE: Apache-2.0, a note, then NVIDIA's BSD, Apache-2.0 again, MIT."""
    nvidia_bsd = BSD3.replace("the ORGANIZATION", "NVIDIA CORPORATION")
    return (APACHE + "\n--\n\n" + connective + "\n\n\n------------- LICENSE FOR NVIDIA code  --------------\n\n\n"
            + _commented("Copyright (c) 2025, NVIDIA CORPORATION. All rights reserved.\n\n" + nvidia_bsd)
            + "\n\n------------- LICENSE FOR Example Labs and Google Research code  --------------\n\n" + APACHE
            + "\n------------- LICENSE FOR Facebook Fairseq code --------------\n\n" + MIT.replace(
                "Copyright (c) 2024 Example Org", "Copyright (c) Facebook, Inc. and its affiliates."))


def identify(write_files: WriteFiles, text: str, **ctx: object) -> lf.FileIdentification:
    (entry,) = write_files({"LICENSE": text})
    return lf.identify_file(entry, ScanContext(use_scancode=False, **ctx))  # type: ignore[arg-type]


def test_bundled_license_file(write_files: WriteFiles) -> None:
    logged: list[str] = []
    text = neox_like()
    assert fastpath.match_license_text(text, KNOWLEDGE) is None  # not one license: the whole-text fast path fails
    ident = identify(write_files, text, log=logged.append)
    assert ident.expression == "Apache-2.0 AND BSD-3-Clause AND MIT"
    assert ident.method == "fast-path-composite" and ident.findings == ()
    assert ident.confidence is not None and 0.85 < ident.confidence < 0.95 and not ident.version_ambiguous
    assert any("fast-path-composite" in line and "LICENSE" in line for line in logged)
    claim = grants(lf.detect(write_files({"LICENSE": text}), NO_SCANCODE))["."]
    assert claim.raw == "Apache-2.0 AND BSD-3-Clause AND MIT"


@pytest.mark.parametrize("note", [
    CONNECTIVE + " The model weights are for non-commercial research use only.",
    "Except the files in weights/, which are proprietary.",
    "Files in vendor/ are under the GPL.",  # names a license whose text is not there
    # Chinese for "model weights: non-commercial use only"
    "\u6a21\u578b\u6743\u91cd\u4ec5\u9650\u975e\u5546\u4e1a\u7528\u9014\u3002",
    "This note is long but harmless. " * 20,  # longer than a connective note may be
])
def test_bundle_with_terms_in_its_prose_is_unknown(write_files: WriteFiles, note: str) -> None:
    ident = identify(write_files, neox_like(note))
    if "non-commercial" in note:  # a clause that says so plainly makes the text non-commercial (use-terms.toml)
        assert ident.expression == "LicenseRef-license-check-noncommercial"
        assert [f.rule for f in ident.findings] == ["restrictive-license-text"]
        assert "non-commercial research use only" in ident.findings[0].message
        return
    assert ident.expression is None
    assert [f.rule for f in ident.findings] == ["unknown-license-text"]


def test_two_licenses_under_a_separator(write_files: WriteFiles) -> None:
    assert identify(write_files, MIT + "\n\n==========================\n\n" + CC0).expression == "MIT AND CC0-1.0"
    # A heading after a blank line cuts as well, and a heading may carry an "=====" underline.
    headed = MIT + "\n\nBSD 3-Clause License\n====================\n\nCopyright (c) 2019, Foo\n\n" + BSD3
    assert identify(write_files, headed).expression == "MIT AND BSD-3-Clause"


def test_license_with_third_party_notices(write_files: WriteFiles) -> None:
    text = (MIT + "\n\nTHIRD-PARTY SOFTWARE NOTICES\n\nThis project includes the following component:\n\n"
            "foo-lib (https://github.com/foo/foo-lib)\n\nBSD 3-Clause License\n\nCopyright (c) 2019, Foo Authors\n\n"
            + BSD3.replace("the ORGANIZATION", "the copyright holder"))
    ident = identify(write_files, text)
    # both texts are SPDX's exact ones: the template matcher names them, the notice between is gated prose
    assert (ident.expression, ident.method) == ("MIT AND BSD-3-Clause", "spdx-template")


def test_bundle_keeps_gpl_version_ambiguity(write_files: WriteFiles) -> None:
    ident = identify(write_files, MIT + "\n\n-----\n\n" + GPL3)
    assert ident.expression == "MIT AND GPL-3.0-only" and ident.version_ambiguous


@pytest.mark.parametrize("middle", [
    "-----\n\n" + CUSTOM + "\n-----",
    "-----\n\nAcme Source License\n\n" + "Acme lets you run this software on one computer at a time. " * 12
    + "\n\n-----",
    "-----\n\n" + MIT.replace("sublicense, and/or sell", "sublicense") + "\n\n-----",  # an edited text
])
def test_unknown_text_between_known_ones(write_files: WriteFiles, middle: str) -> None:
    ident = identify(write_files, MIT + "\n\n" + middle + "\n\n" + BSD3)
    assert ident.expression is None and [f.rule for f in ident.findings] == ["unknown-license-text"]


def test_a_non_commercial_heading_between_known_texts_is_read_as_non_commercial(write_files: WriteFiles) -> None:
    ident = identify(write_files, MIT + "\n\n---- NON-COMMERCIAL LICENSE FOR WEIGHTS ----\n\n" + BSD3)
    assert ident.expression == "LicenseRef-license-check-noncommercial"
    assert [f.rule for f in ident.findings] == ["restrictive-license-text"]


def test_one_license_and_a_note_is_not_a_bundle(write_files: WriteFiles) -> None:
    # The composite needs two license texts; one text with a long note is left to ScanCode.
    text = MIT + "\n\n-----\n\nThis project was started at Example Labs in 2019 by a small team of people.\n"
    assert identify(write_files, text).expression is None


def test_decorated_title_still_works(write_files: WriteFiles) -> None:
    titled = "MIT License\n===========\n\n" + MIT.split("\n\n", 1)[1]
    ident = identify(write_files, titled)
    assert (ident.expression, ident.method) == ("MIT", "fast-path")
    ident = identify(write_files, "MIT License\n\n=====\n\n" + MIT + "\n\n-----\n\n" + BSD3)
    assert ident.expression == "MIT AND BSD-3-Clause"


def test_every_reference_bundles_with_mit() -> None:
    for spec, raw in fastpath.reference_texts(KNOWLEDGE.directory):
        text = fastpath.strip_front_matter(raw)
        if spec.spdx == "MIT":
            continue
        for bundle, expected in ((MIT + "\n\n-----\n\n" + text, f"MIT AND {spec.spdx}"),
                                 (text.replace("\n", "\r\n") + "\r\n\r\n*****\r\n" + MIT, f"{spec.spdx} AND MIT")):
            found = bundles.match_bundle(bundle, KNOWLEDGE)
            assert found is not None and found.expression == expected, spec.source


@pytest.mark.parametrize(("note", "ok"), [
    ("LICENSE FOR huggingface and Google Research code", True),
    ("Code from Facebook AI Research (FAIR) and Microsoft Research.", True),
    ("For Research Use Only", False),
    ("Acme Research use is permitted.", False),
    ("Internal Research", False),
    ("Weights are released separately.", False),
    ("Nur fur nicht-kommerzielle Nutzung.", False),
    ("Copyright (c) 2020 J\u00fcrgen M\u00fcller", True),  # a holder's name, accents and all
    ("Copyright (c) 2020 J\u00fcrgen M\u00fcller. Nutzung verboten.", False),
    ("Use by Acme Corp is disallowed.", False),
    ("This software costs USD 500 per seat.", False),
    ("Redistribution needs written consent of Acme.", False),
    ("Die kommerzielle Verwendung ist untersagt.", False),
    ("Copyright 2020 Acme, not for resale", False),
])
def test_connective_prose(note: str, ok: bool) -> None:
    assert bundles.prose_ok(note, KNOWLEDGE) is ok


def test_bundle_matching_is_fast(write_files: WriteFiles) -> None:
    fastpath.warm_up(KNOWLEDGE)
    words = str.split("the of and to in a is that for it as was with be by on he this are his from at which have an "
                      "they you were her she there one all we can their has been if more when will would who so code")
    prose = [" ".join(words[(i * 7 + j) % len(words)] for j in range(25)) for i in range(2600)]
    texts = ["\n\n".join(prose),  # no boundary at all
             "\n\n-----\n\n".join("\n\n".join(prose[i:i + 3]) for i in range(0, 2600, 3)),
             "\n\n====\n\n".join("\n\n".join(prose[i:i + 80]) for i in range(0, 2600, 80)),
             "\n\n".join("MIT License\n\n" + "\n\n".join(prose[i:i + 60]) for i in range(0, 2600, 60))]
    for text in texts:
        text = text[:255_000]  # 250 KB and more, under the read cap
        assert len(text.encode()) < LICENSE_TEXT_CAP
        (entry,) = write_files({"LICENSE": text})
        start = time.perf_counter()
        ident = lf.identify_file(entry, NO_SCANCODE)
        elapsed = time.perf_counter() - start
        assert ident.expression is None and [f.rule for f in ident.findings] == ["unknown-license-text"]
        # ~20-40 ms on the project machine (whole-text try + bundle try); generous for a loaded runner.
        assert elapsed < 1.0, elapsed
