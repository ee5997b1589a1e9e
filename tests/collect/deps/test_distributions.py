"""Reading .dist-info / .egg-info folders of fake site-packages folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from license_check.collect.deps.distributions import LICENSE_TEXT_CHARS, read_distributions, read_site
from license_check.collect.deps.model import Ecosystem, Installed


def dist(site: Path, name: str, version: str = "1.0", *, headers: str = "", metadata: str | bytes | None = None,
         files: dict[str, str] | None = None, egg: bool = False) -> Path:
    folder = site / f"{name.replace('-', '_')}-{version}.{'egg-info' if egg else 'dist-info'}"
    folder.mkdir(parents=True)
    if metadata is None:
        metadata = f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n{headers}\nThe description.\n"
    if isinstance(metadata, str):
        metadata = metadata.encode()
    if metadata != b"<none>":
        (folder / ("PKG-INFO" if egg else "METADATA")).write_bytes(metadata)
    for rel, text in (files or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def by_name(items: list[Installed]) -> dict[str, Installed]:
    return {i.name: i for i in items}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    dist(site, "Modern_Pkg", "2.0", headers="License-Expression: MIT OR Apache-2.0\nLicense-File: LICENSE\n"
         "License-File: sub/NOTICE\nRequires-Dist: requests>=2\nRequires-Dist: pytest; extra == 'test'\n",
         files={"licenses/LICENSE": "MIT text", "licenses/sub/NOTICE": "notice"})
    dist(site, "legacy", headers="License: BSD 3-Clause\n        second line\n"
         "Classifier: Programming Language :: Python\n", files={"LICENSE.txt": "bsd", "COPYING": "x",
                                                                "RECORD": ""})
    dist(site, "classified", headers="Classifier: License :: OSI Approved :: MIT License\n"
         "Classifier: Topic :: Science\nLicense: UNKNOWN\n")
    dist(site, "bare")
    dist(site, "no-meta", metadata="<none>")
    dist(site, "garbage", metadata=b"\x00\x01\x02\xff\xfe" * 400)
    dist(site, "old-wheel", headers="License-File: LICENSE.md\n", files={"LICENSE.md": "apache"})
    dist(site, "old-egg", egg=True, headers="License: GPL\n")
    return site


def test_fields_of_each_kind_of_distribution(site: Path) -> None:
    installed, problems = read_distributions([site])
    got = by_name(installed)
    assert sorted(got) == ["bare", "classified", "legacy", "modern-pkg", "old-egg", "old-wheel"]
    modern = got["modern-pkg"]
    assert modern.ecosystem is Ecosystem.PYPI and modern.version == "2.0"
    assert modern.license_expression == "MIT OR Apache-2.0"
    assert [Path(f).name for f in modern.license_files] == ["LICENSE", "NOTICE"]
    assert modern.requires == ("requests>=2", "pytest; extra == 'test'")
    assert modern.where.endswith("METADATA") and os.path.isabs(modern.where)
    legacy = got["legacy"]
    assert legacy.license == "BSD 3-Clause\nsecond line" and legacy.classifiers == ()
    assert [Path(f).name for f in legacy.license_files] == ["COPYING", "LICENSE.txt"]
    assert got["classified"].classifiers == ("License :: OSI Approved :: MIT License",)
    assert got["classified"].license is None  # UNKNOWN is no license
    bare = got["bare"]
    assert (bare.license, bare.license_expression, bare.classifiers, bare.license_files) == (None, None, (), ())
    assert [Path(f).name for f in got["old-wheel"].license_files] == ["LICENSE.md"]
    assert got["old-egg"].license == "GPL"
    messages = " | ".join(p.message for p in problems)
    assert "METADATA is missing" in messages and "binary" in messages
    assert len(problems) == 2


def test_unreadable_names_are_kept_for_the_closure(site: Path) -> None:
    assert sorted(read_site([site]).unreadable) == ["garbage", "no-meta"]


def test_first_site_folder_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    dist(first, "dup", "1.0")
    dist(second, "dup", "2.0")
    dist(second, "other")
    installed, problems = read_distributions([first, second])
    assert {i.name: i.version for i in installed} == {"dup": "1.0", "other": "1.0"} and problems == []


def test_symlinks_out_of_the_site_folder_are_not_followed(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (outside / "SECRET").write_text("secret")
    evil = dist(outside, "evil")
    site.mkdir()
    (site / "evil-1.0.dist-info").symlink_to(evil)
    linked = dist(site, "linked", headers="License-File: ../../outside/SECRET\nLicense-File: LINK\n")
    (linked / "licenses").mkdir()
    (linked / "licenses" / "LINK").symlink_to(outside / "SECRET")
    meta_link = dist(site, "meta-link", metadata="<none>")
    (meta_link / "METADATA").symlink_to(evil / "METADATA")
    inside = dist(site, "inside-target", files={"licenses/LICENSE": "ok"})
    (site / "alias-1.0.dist-info").symlink_to(inside)  # inside: followed, but the name is a duplicate
    installed, problems = read_distributions([site])
    got = by_name(installed)
    assert sorted(got) == ["inside-target", "linked"]
    assert got["linked"].license_files == ()
    assert all("outside" not in f for i in installed for f in i.license_files)
    messages = " | ".join(p.message for p in problems)
    assert "evil-1.0.dist-info is a symbolic link out of" in messages
    assert "METADATA is a symbolic link out of" in messages
    assert "License-File '../../outside/SECRET' is not in" in messages
    assert "inside-target is installed twice in one folder" in messages


def test_single_file_egg_info(tmp_path: Path) -> None:
    (tmp_path / "ancient-0.1-py3.11.egg-info").write_text("Metadata-Version: 1.0\nName: Ancient\nVersion: 0.1\n"
                                                           "License: MIT\n")
    (item,), problems = read_distributions([tmp_path])
    assert (item.name, item.version, item.license, problems) == ("ancient", "0.1", "MIT", [])


def test_license_text_is_capped_and_headers_only(tmp_path: Path) -> None:
    long = "x" * (LICENSE_TEXT_CHARS * 3)
    dist(tmp_path, "big", metadata=f"Name: big\nVersion: 1\nLicense: {long}\n\nLicense-Expression: GPL-3.0\n")
    (item,), _ = read_distributions([tmp_path])
    assert item.license == "x" * LICENSE_TEXT_CHARS and item.license_expression is None


@pytest.mark.parametrize("metadata", [b"", b"\n\n\n", b"Version: 1\n", b"\xff\xfe\xfa" * 3000, b"Name:\n",
                                      b"Name: a\r\nVersion: 1\r\n\r\n", "Name: é\nVersion: ü\n".encode("latin-1"),
                                      b"Name: a\n" + b"X: " + b"y" * (2 * 1024 * 1024)])
def test_bad_metadata_never_raises(tmp_path: Path, metadata: bytes) -> None:
    dist(tmp_path, "bad", metadata=metadata)
    installed, problems = read_distributions([tmp_path])
    assert len(installed) + len(problems) >= 1


def test_missing_site_folder_and_cap(tmp_path: Path) -> None:
    installed, problems = read_distributions([tmp_path / "nowhere"])
    assert installed == [] and "cannot be listed" in problems[0].message
    for n in range(5):
        dist(tmp_path / "site", f"p{n}")
    site = read_site([tmp_path / "site"], limit=3)
    assert len(site.installed) == 3 and "more than 3 distributions" in site.problems[-1].message
