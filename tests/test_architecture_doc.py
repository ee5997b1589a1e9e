"""docs/architecture.md names every module of the package, and names none that does not exist."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "architecture.md"


def test_the_module_map_is_the_package() -> None:
    text = DOC.read_text(encoding="utf-8")
    listed = set(re.findall(r"^- `(license_check/[\w/]+\.py)`", text, flags=re.M))
    actual = {p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "license_check").rglob("*.py")}
    assert sorted(actual - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - actual) == [], "docs/architecture.md names modules that do not exist"


def test_the_stage_table_names_every_stage_package() -> None:
    text = DOC.read_text(encoding="utf-8")
    packages = sorted(p.name for p in (REPO_ROOT / "license_check").iterdir()
                      if p.is_dir() and (p / "__init__.py").exists())
    for name in packages:
        assert f"`{name}/`" in text, name
