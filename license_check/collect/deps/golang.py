"""go.mod: the modules a Go module requires (a pure function of the file's text).

Format: https://go.dev/ref/mod#go-mod-file. Line-oriented: a directive verb and its arguments, or a
``verb (`` block of argument lines closed by ``)``; ``//`` comments; arguments may be quoted ("..." or
`...`). ``require path version`` gives a Declared (``// indirect`` on its line: ``direct=False``, the
requirement is only in the module graph). ``replace old [v] => new [v]`` keeps the required module's
name and notes the replacement in ``spec`` ("v1.2.3 => ../fork", "v1.2.3 => example.com/fork v1.3.0").
``module``, ``go``, ``toolchain``, ``godebug``, ``exclude``, ``retract``, ``tool`` and ``ignore`` are not
dependencies and are read over. Every require is DEFAULT: go.mod has no development-only group (test
dependencies of the module are required like the rest).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from license_check.collect.deps.model import Declared, Ecosystem, ReadProblem

MAX_LINES = 200_000
MAX_PROBLEMS = 50
_TOKEN = re.compile(r'//.*|"(?:[^"\\\n]|\\.)*"?|`[^`\n]*`?|=>|[()]|(?:[^\s"`()/=]|/(?!/)|=(?!>))+')
_VERBS = frozenset({"module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract",
                    "tool", "ignore"})
_LOCAL = ("./", "../", "/", ".\\", "..\\")
# golang.org/x/mod/module CheckPath: its alphabet, and no element that is empty or starts with a dot
_MODULE_PATH = re.compile(r"[A-Za-z0-9_~+-][A-Za-z0-9._~+-]*(?:/[A-Za-z0-9_~+-][A-Za-z0-9._~+-]*)*")
_Bad = Callable[[int | None, str], None]  # records one problem (line, message)


@dataclass(slots=True)
class _Require:
    module: str
    version: str
    line: int
    indirect: bool


def _unquote(token: str) -> str | None:
    """A bare or quoted argument's value; None for an unterminated or invalid quoted string."""
    if token.startswith("`"):
        return token[1:-1] if len(token) > 1 and token.endswith("`") else None
    if token.startswith('"'):
        try:
            value = json.loads(token)  # Go's interpreted strings: JSON's escapes cover go.mod's use
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    return token


def _is_indirect(comment: str | None) -> bool:
    """cmd/go/internal/modfile: the comment is "// indirect" or starts "// indirect;"."""
    if comment is None:
        return False
    text = comment[2:].strip()
    return text == "indirect" or text.startswith("indirect;")


def read_go_mod(text: str, path: str) -> tuple[list[Declared], list[ReadProblem]]:
    """The requirements of a go.mod (``path``: the file, relative to the scanned root)."""
    problems: list[ReadProblem] = []

    def bad(line: int | None, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(ReadProblem(path, line, f"{path}: {message}"))

    if "\x00" in text:
        bad(None, "it is binary, not a go.mod file")
        return [], problems
    requires: list[_Require] = []
    replaces: dict[tuple[str, str | None], str] = {}  # (old module, old version or None: all) -> replacement
    block: str | None = None  # the verb of the open ( ... ) block
    block_line = 0
    lines = text.split("\n")  # go counts \n only (str.splitlines also breaks at \f, \x1c...)
    if len(lines) > MAX_LINES:
        bad(MAX_LINES, f"more than {MAX_LINES} lines; the rest were not read")
    for number, raw in enumerate(lines[:MAX_LINES], start=1):
        tokens = _TOKEN.findall(raw)
        comment = tokens.pop() if tokens and tokens[-1].startswith("//") else None
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
                continue
            verb, args = block, tokens
        else:
            verb, args = tokens[0], tokens[1:]
            if verb not in _VERBS:
                bad(number, f"line {number}: unknown directive {verb[:80]!r}")
                continue
            if args == ["("]:
                block, block_line = verb, number
                continue
        if verb == "require":
            _require(args, number, _is_indirect(comment), requires, bad)
        elif verb == "replace":
            _replace(args, number, replaces, bad)
    if block is not None:
        bad(block_line, f"line {block_line}: the {block} ( block is not closed with ')'")
    declared: list[Declared] = []
    for req in requires:
        spec = req.version
        replacement = replaces.get((req.module, req.version), replaces.get((req.module, None)))
        if replacement is not None:
            spec = f"{req.version} => {replacement}"
        declared.append(Declared(name=req.module, ecosystem=Ecosystem.GOLANG, spec=spec, path=path, line=req.line,
                                 key=f"require.{req.module}", version=req.version, direct=not req.indirect))
    return declared, problems


def _values(args: list[str], number: int, verb: str, bad: _Bad) -> list[str] | None:
    values: list[str] = []
    for token in args:
        value = _unquote(token)
        if value is None or token in ("(", ")"):
            bad(number, f"line {number}: {verb}: unexpected or unterminated {token[:80]!r}")
            return None
        values.append(value)
    return values


def _require(args: list[str], number: int, indirect: bool, out: list[_Require], bad: _Bad) -> None:
    values = _values(args, number, "require", bad)
    if values is None:
        return
    if len(values) != 2 or "=>" in args:
        bad(number, f"line {number}: require takes a module path and a version, not {len(values)} argument(s)")
        return
    module, version = values
    if not _MODULE_PATH.fullmatch(module):
        bad(number, f"line {number}: require: {module[:120]!r} is not a module path")
        return
    if not version.startswith("v"):
        bad(number, f"line {number}: require {module[:120]}: the version must look like v1.2.3, not "
                    f"{version[:80]!r}")
        return
    out.append(_Require(module, version, number, indirect))


def _replace(args: list[str], number: int, out: dict[tuple[str, str | None], str], bad: _Bad) -> None:
    if "=>" not in args:
        bad(number, f"line {number}: replace needs 'old [version] => new [version]'")
        return
    arrow = args.index("=>")
    old, new = _values(args[:arrow], number, "replace", bad), _values(args[arrow + 1:], number, "replace", bad)
    if old is None or new is None:
        return
    if len(old) not in (1, 2) or len(new) not in (1, 2) or (len(new) == 1 and not new[0].startswith(_LOCAL)):
        bad(number, f"line {number}: replace needs 'old [version] => new version' or '=> ./local/path'")
        return
    out[(old[0], old[1] if len(old) == 2 else None)] = " ".join(new)
