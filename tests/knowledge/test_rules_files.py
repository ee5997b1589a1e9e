"""rules/ stays editable by hand (rules/README.md "Editing the rules"): short lines, no hand-kept
counters, one declaration per id, comments that name only code that exists, how-to examples taken
from the real files."""

from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from license_check.knowledge.data import PROJECT_ID_PREFIX, load_project_ids, rules_dir
from license_check.knowledge.normalize import Normalizer
from license_check.knowledge.rulebook import RulesError, load_rules
from tests.knowledge import worded

ROOT = Path(__file__).resolve().parents[2]
RULES = rules_dir()
MAX = 120
# The only lines that may be longer: regular expressions in literal strings, which TOML cannot
# continue on the next line without changing their notation. (file, "<table>.<key>"); a line
# outside this list, or one in it that is not a single literal string, fails.
LONG_OK = frozenset({
    ("boilerplate.toml", "connectives.match"),
    ("urls.toml", "patterns.match"),
    ("use-terms.toml", "clauses.match"),
})
COUNTER_KEYS = ("count", "total", "order", "number_of", "size")
# Code files comments name that belong to other projects (file names in examples, vendored code).
FOREIGN = frozenset({"LICENSE.py", "trove_classifiers/__init__.py"})


def hand_edited() -> list[Path]:
    files = [*RULES.glob("*.toml"), *RULES.glob("licenses/*.toml"), *RULES.glob("policies/*.toml")]
    return sorted(files)


def _name(file: Path) -> str:
    return file.relative_to(RULES).as_posix()


# --- line length ------------------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_LITERAL_LINE = re.compile(r"^([A-Za-z0-9_-]+) = ('''.*'''|'[^'\n]*')$")


def long_lines(name: str, text: str) -> list[str]:
    """Lines over MAX characters that are not allowed exceptions (``name`` as in LONG_OK)."""
    found, table = [], ""
    for number, line in enumerate(text.split("\n"), 1):
        header = _HEADER.match(line)
        if header:
            table = header.group(1)
        if len(line) <= MAX:
            continue
        literal = _LITERAL_LINE.match(line)
        if literal and (name, f"{table}.{literal.group(1)}") in LONG_OK:
            continue
        found.append(f"{name}:{number}: {len(line)} characters: {line[:60]}...")
    return found


def test_no_line_is_longer_than_the_limit() -> None:
    problems = [p for f in hand_edited() for p in long_lines(_name(f), f.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_the_exceptions_are_used_and_few() -> None:
    used = set()
    for f in hand_edited():
        table = ""
        for line in f.read_text(encoding="utf-8").split("\n"):
            header = _HEADER.match(line)
            table = header.group(1) if header else table
            literal = _LITERAL_LINE.match(line)
            if len(line) > MAX and literal:
                used.add((_name(f), f"{table}.{literal.group(1)}"))
    assert used == LONG_OK  # an exception nothing needs any more is removed from the list


def test_the_line_check_can_fail() -> None:
    prose = 'source = "' + "word " * 30 + '"'
    regex = "match = '''" + "x" * 130 + "'''"
    assert long_lines("use-terms.toml", f"[[clauses]]\n{prose}\n")  # prose is never an exception
    assert not long_lines("use-terms.toml", f"[[clauses]]\n{regex}\n")
    assert long_lines("models.toml", f"[[artifacts]]\n{regex}\n")  # not listed for that file
    assert long_lines("use-terms.toml", "# " + "comment " * 20)


def test_continued_strings_keep_their_value() -> None:
    """The documented way to break a long string gives the same one-line value."""
    broken = 'source = """\\\n    MIT: \'to deal in the Software \\\n    without restriction\'"""\n'
    assert tomllib.loads(broken)["source"] == "MIT: 'to deal in the Software without restriction'"


# --- no hand-kept counters --------------------------------------------------------------------------------

def counters(text: str) -> list[str]:
    pattern = re.compile(rf"^\s*({'|'.join(COUNTER_KEYS)})\s*=", re.MULTILINE)
    return [m.group(1) for m in pattern.finditer(text)]


def test_no_counter_keys() -> None:
    found = {_name(f): c for f in hand_edited() if (c := counters(f.read_text(encoding="utf-8")))}
    assert not found, f"counters to keep in step by hand: {found} (derive them in the loader)"
    assert counters('[list]\nsource = "x"\ncount = 83\n') == ["count"]
    assert counters('order = [\n  "a",\n]\n') == ["order"]


# --- one declaration per id -------------------------------------------------------------------------------

def declarations(directory: Path) -> dict[str, list[str]]:
    """Every license and exception id -> the places that declare it."""
    seen: dict[str, list[str]] = {}
    for file in sorted(directory.glob("licenses/*.toml")):
        for ident in tomllib.loads(file.read_text(encoding="utf-8")).get("licenses", {}):
            seen.setdefault(ident, []).append(f"licenses/{file.name}")
    exceptions = directory / "exceptions.toml"
    for ident in tomllib.loads(exceptions.read_text(encoding="utf-8")).get("exceptions", {}):
        seen.setdefault(ident, []).append("exceptions.toml")
    aliases = tomllib.loads((directory / "aliases.toml").read_text(encoding="utf-8"))
    for section, table in aliases.items():
        for key in table if isinstance(table, dict) else ():
            if str(key).startswith("LicenseRef-"):  # an id spelled as an alias key repeats its declaration
                seen.setdefault(str(key), []).append(f"aliases.toml [{section}]")
    return seen


def test_every_id_is_declared_once() -> None:
    twice = {ident: where for ident, where in declarations(RULES).items() if len(where) > 1}
    assert not twice, twice


def test_project_ids_come_from_their_tables() -> None:
    project = load_project_ids(RULES)
    declared = {i for i, where in declarations(RULES).items() if i.startswith(PROJECT_ID_PREFIX)}
    assert set(project) == declared and len(project) >= 20


def test_a_second_declaration_fails(tmp_path: Path) -> None:
    for name in ("exceptions.toml", "aliases.toml"):
        (tmp_path / name).write_text((RULES / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "licenses").mkdir()
    body = '[licenses."LicenseRef-license-check-x"]\nname = "X"\n'
    (tmp_path / "licenses" / "a.toml").write_text(body, encoding="utf-8")
    assert declarations(tmp_path)["LicenseRef-license-check-x"] == ["licenses/a.toml"]
    (tmp_path / "licenses" / "b.toml").write_text(body, encoding="utf-8")
    assert len(declarations(tmp_path)["LicenseRef-license-check-x"]) == 2
    with (tmp_path / "aliases.toml").open("a", encoding="utf-8") as out:
        out.write('\n[licenserefs]\n"LicenseRef-license-check-y" = "Y"\n')
    assert declarations(tmp_path)["LicenseRef-license-check-y"] == ["aliases.toml [licenserefs]"]


def test_a_new_project_id_needs_only_its_table(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    project = (RULES / "licenses" / "project.toml").read_text(encoding="utf-8")
    unknown = '[licenses."LicenseRef-license-check-unknown"]'
    table = unknown + project.split(unknown, 1)[1].split("\n[licenses.", 1)[0]
    new_id = "LicenseRef-license-check-zz-new"
    (rules / "licenses" / "zz-new.toml").write_text(table.replace(unknown, f'[licenses."{new_id}"]'), encoding="utf-8")
    assert new_id in load_project_ids(rules)
    assert Normalizer(rules).spdx(new_id).expression == new_id
    facts = load_rules(rules).facts(new_id)
    assert facts is not None and facts.reviewed


def test_a_licenserefs_section_in_aliases_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    with (rules / "aliases.toml").open("a", encoding="utf-8") as out:
        out.write('\n[licenserefs]\n"LicenseRef-license-check-unknown" = "declared twice"\n')
    with pytest.raises(RulesError) as caught:
        load_rules(rules)
    assert any("licenserefs: unknown section (a project LicenseRef id is declared by its table" in p
               for p in worded(caught.value)), worded(caught.value)


# --- comments name code that exists -----------------------------------------------------------------------

def _comment_lines(file: Path) -> list[tuple[int, str]]:
    """Full-line comments of a TOML file; the prose of a Markdown file (fenced blocks left out)."""
    out, fenced = [], False
    for number, line in enumerate(file.read_text(encoding="utf-8").split("\n"), 1):
        if file.suffix == ".md":
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced:
                out.append((number, line))
        elif line.lstrip().startswith("#"):
            out.append((number, line))
    return out


def _documents() -> list[Path]:
    return [*hand_edited(), RULES / "README.md", RULES / "texts" / "README.md"]


class _Code:
    """Module and class names of license_check/ and what each defines (from the source, not imported)."""

    def __init__(self) -> None:
        self.files = {p.relative_to(ROOT).as_posix() for d in ("license_check", "scripts", "tests")
                      for p in (ROOT / d).rglob("*.py")}
        self.basenames = {Path(f).name for f in self.files}
        self.modules: dict[str, set[str]] = {}
        self.classes: dict[str, set[str]] = {}
        for path in (ROOT / "license_check").rglob("*.py"):
            dotted = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
            dotted = dotted.removesuffix(".__init__")
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = self._names(tree)
            parts = dotted.split(".")
            for key in {dotted, parts[-1], ".".join(parts[-2:])}:  # license_check.cache.session, session, cache.session
                self.modules.setdefault(key, set()).update(names)
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    attrs = self._names(node) | {
                        t.attr for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.AnnAssign))
                        for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
                    self.classes.setdefault(node.name, set()).update(attrs)
        for dotted in list(self.modules):  # a package defines its submodules
            parent, _, child = dotted.rpartition(".")
            if parent:
                self.modules.setdefault(parent, set()).add(child)

    @staticmethod
    def _names(tree: ast.AST) -> set[str]:
        names: set[str] = set()
        for node in getattr(tree, "body", []):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
        return names

    def file_exists(self, name: str) -> bool:
        if "/" not in name:
            return name in self.basenames
        return any(f == name or f.endswith("/" + name) for f in self.files)

    def missing_attribute(self, chain: str) -> str | None:
        """For ``module.name`` / ``package.module.name`` / ``Class.attribute``: what does not exist."""
        parts = chain.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            owner, rest = ".".join(parts[:cut]), parts[cut:]
            if owner in self.modules or (cut == 1 and owner in self.classes):
                known = self.modules.get(owner, set()) | self.classes.get(owner, set())
                if rest[0] in known:
                    return None
                inner = f"{owner}.{rest[0]}"
                if len(rest) > 1 and inner in self.modules:
                    return self.missing_attribute(".".join([inner, *rest[1:]]))
                return f"{owner} has no {rest[0]!r}"
        return None


_PY = re.compile(r"(?<![\w*./-])((?:[\w-]+/)*[\w-]+\.py)\b")
_CHAIN = re.compile(r"(?<![\w./-])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?![\w/-])")
_NOT_CODE = {"toml", "md", "json", "txt", "py", "html", "htm", "yaml", "yml", "org", "com", "io", "ai", "co"}


def stale_names(code: _Code, lines: list[tuple[int, str]], where: str) -> list[str]:
    problems = []
    for number, line in lines:
        problems.extend(f"{where}:{number}: {found} does not exist" for found in _PY.findall(line)
                        if found not in FOREIGN and not code.file_exists(found))
        for chain in _CHAIN.findall(line):
            if chain.split(".")[-1] in _NOT_CODE or chain.split(".")[0] not in code.modules | code.classes:
                continue
            missing = code.missing_attribute(chain)
            if missing:
                problems.append(f"{where}:{number}: {chain}: {missing}")
    return problems


@pytest.fixture(scope="module")
def code() -> _Code:
    return _Code()


def test_comments_name_only_code_that_exists(code: _Code) -> None:
    problems = [p for f in _documents() for p in stale_names(code, _comment_lines(f), _name(f))]
    assert not problems, "\n".join(problems)


def test_the_name_check_can_fail(code: _Code) -> None:
    lines = [(1, "# Read by license_check/knowledge/ruledata.py and tomlsafe.py (see cachedir.seal)"),
             (2, "# uses normalize.no_such_function and RuleBook.nope; judge/analyze.py is fine")]
    problems = "\n".join(stale_names(code, lines, "x.toml"))
    for fragment in ("ruledata.py does not exist", "tomlsafe.py does not exist",
                     "normalize.no_such_function", "RuleBook.nope"):
        assert fragment in problems, problems
    assert "analyze.py" not in problems
    ok = [(1, "# license_check/knowledge/rulebook.py load_rules; knowledge.data.rules_dir(); RuleBook.version")]
    assert not stale_names(code, ok, "x.toml")


# --- the how-to examples are the real entries --------------------------------------------------------------

def _readme_blocks() -> list[dict[str, object]]:
    text = (RULES / "README.md").read_text(encoding="utf-8")
    return [tomllib.loads(block) for block in re.findall(r"```toml\n(.*?)```", text, re.DOTALL)]


def _load(name: str) -> dict[str, object]:
    return tomllib.loads((RULES / name).read_text(encoding="utf-8"))


def test_the_how_to_examples_are_taken_from_the_files() -> None:
    readme = (RULES / "README.md").read_text(encoding="utf-8")
    for heading in ("### How to add a license", "### How to add an alias", "### How to add a compatibility pair"):
        section = readme.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        assert "license-check rules check" in section and "Checking an edit" in section, heading
    blocks = _readme_blocks()
    mit = next(b for b in blocks if "MIT" in b.get("licenses", {}))
    assert mit["licenses"] == {"MIT": _load("licenses/permissive.toml")["licenses"]["MIT"]}
    alias = next(b for b in blocks if "names" in b)
    aliases = _load("aliases.toml")
    for section, table in alias.items():
        assert isinstance(table, dict)
        for key, value in table.items():
            assert aliases[section][key] == value, (section, key)
    pair = next(b for b in blocks if "rules" in b)
    assert all(rule in _load("compatibility.toml")["rules"] for rule in pair["rules"])
