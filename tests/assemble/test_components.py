"""Grouping files and claims into components."""

from __future__ import annotations

from license_check.assemble.components import component_roots, group, owner, parent_dirs
from license_check.model import Claim, ClaimRole, ClaimScope, Evidence, FileEntry, RawForm


def entry(path: str) -> FileEntry:
    return FileEntry(path=path, abspath="/nonexistent/" + path, size=1)


def claim(target: str, source: str, scope: ClaimScope = ClaimScope.DIRECTORY,
          role: ClaimRole = ClaimRole.GRANT, path: str | None = None) -> Claim:
    where = path or (f"{target}/LICENSE" if target != "." else "LICENSE")
    return Claim(target=target, scope=scope, raw="MIT", form=RawForm.SPDX,
                 evidence=(Evidence(path=where, source=source, expression="MIT"),), role=role)


def test_parent_dirs() -> None:
    assert parent_dirs("a/b/c.py") == ["a/b", "a", "."]
    assert parent_dirs("c.py") == ["."]


def test_root_is_always_a_component() -> None:
    comps = group([entry("a.py")], [])
    assert [(c.path, c.kind.value, c.files) for c in comps] == [(".", "code", 1)]


def test_folders_with_license_files_or_manifests_are_components() -> None:
    files = [entry(p) for p in ("LICENSE", "a.py", "lib/x/LICENSE", "lib/x/y.py", "web/package.json", "docs/README.md")]
    claims = [claim(".", "license-file"), claim("lib/x", "license-file"),
              claim("web", "package-json", path="web/package.json"),
              claim("docs", "readme-prose", path="docs/README.md")]
    comps = group(files, claims)
    assert [c.path for c in comps] == [".", "lib/x", "web"]  # README prose never creates a component
    by = {c.path: c for c in comps}
    assert [cl.target for cl in by["."].claims] == [".", "docs"]
    assert by["lib/x"].files == 2 and by["."].files == 3


def test_notice_alone_does_not_make_a_component() -> None:
    claims = [claim("sub", "license-file", role=ClaimRole.NOTICE, path="sub/NOTICE")]
    assert component_roots([entry("sub/NOTICE")], claims) == ["."]


def test_vendored_children_are_components_even_without_license() -> None:
    files = [entry(p) for p in ("third_party/eigen/a.h", "third_party/loose.c", "vendor/github.com/x/y.go", "src/a.py")]
    roots = component_roots(files, [])
    assert roots == [".", "third_party", "third_party/eigen", "vendor/github.com"]


def test_file_claims_belong_to_the_deepest_component() -> None:
    roots = {".", "lib", "lib/inner"}
    assert owner("lib/inner/deep/a.py", roots) == "lib/inner"
    assert owner("lib/a.py", roots) == "lib"
    assert owner("lib", roots, is_dir=True) == "lib"
    assert owner("other/a.py", roots) == "."
    header = claim("lib/inner/x.py", "spdx-header", scope=ClaimScope.FILE, path="lib/inner/x.py")
    comps = group([entry("lib/inner/x.py"), entry("lib/LICENSE")], [claim("lib", "license-file"), header])
    assert [c.path for c in comps] == [".", "lib"]
    assert header in {c.path: c for c in comps}["lib"].claims
