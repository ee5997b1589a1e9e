"""setup.py (source ``setup-py``), read with ``ast`` only: the file is never executed or imported.

In every ``setup(...)`` / ``setuptools.setup(...)`` call: ``license=`` (NAME, 0.8, key
``setup().license``), ``license_expression=`` (SPDX, 0.95), ``classifiers=`` (CLASSIFIER, 0.7, key
``setup().classifiers[i]``) and ``license_files=``/``license_file=`` (license-file globs). A value
may be a literal or a module-level name bound once to a literal (``LICENSE = "MIT"``), and
``**NAME`` may be a module-level dict literal. Anything computed is not evaluated: it yields an
``unevaluated-metadata`` warning and, for the license itself, an unknown claim.
"""

from __future__ import annotations

import ast

from license_check.collect.detectors.manifests._collect import (
    NAME_CONFIDENCE,
    SPDX_CONFIDENCE,
    Collector,
    type_name,
)
from license_check.model import RawForm

_COMPUTED = object()  # a value that is not a literal


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound exactly once at module level by a plain ``NAME = value`` assignment."""
    bound: dict[str, ast.expr] = {}
    twice: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                if target.id in bound:
                    twice.add(target.id)
                bound[target.id] = value
    return {k: v for k, v in bound.items() if k not in twice}


def _is_setup(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "setup"
    if isinstance(func, ast.Attribute) and func.attr == "setup":
        return "setuptools" in ast.unparse(func.value) or "distutils" in ast.unparse(func.value)
    return False


def _literal(node: ast.expr, names: dict[str, ast.expr]) -> object:
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _COMPUTED


class _SetupCall:
    def __init__(self, c: Collector, names: dict[str, ast.expr]) -> None:
        self.c, self.names = c, names

    def unevaluated(self, key: str, node: ast.AST, what: str) -> None:
        self.c.finding(
            "unevaluated-metadata",
            f"{self.c.entry.path}, key {key!r}: {what} is computed at build time and was not evaluated "
            "(setup.py is never run). Use a string literal, or declare the license in pyproject.toml.",
            getattr(node, "lineno", None),
        )

    def keywords(self, call: ast.Call) -> list[tuple[str, ast.expr]]:
        out: list[tuple[str, ast.expr]] = []
        for kw in call.keywords:
            if kw.arg is not None:
                out.append((kw.arg, kw.value))
                continue
            spread = kw.value
            if isinstance(spread, ast.Name) and isinstance(self.names.get(spread.id), ast.Dict):
                spread = self.names[spread.id]
            if isinstance(spread, ast.Dict):
                out += [(k.value, v) for k, v in zip(spread.keys, spread.values, strict=True)
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            else:
                self.unevaluated("setup(**)", kw.value, "the keyword arguments passed with **")
        return out

    def license(self, key: str, node: ast.expr, form: RawForm, confidence: float) -> None:
        value = _literal(node, self.names)
        line = node.lineno
        if value is _COMPUTED:
            self.unevaluated(key, node, "the license")
            self.c.unknown(key, form, line)
        elif isinstance(value, str) and value.strip():
            self.c.claim(value.strip(), form, key, confidence, line)
        elif value is not None and value != "":
            self.c.malformed(f"the license is {type_name(value)}, not a string", key, line=line)

    def run(self, call: ast.Call) -> None:
        for arg, node in self.keywords(call):
            key = f"setup().{arg}"
            if arg == "license":
                self.license(key, node, RawForm.NAME, NAME_CONFIDENCE)
            elif arg == "license_expression":
                self.license(key, node, RawForm.SPDX, SPDX_CONFIDENCE)
            elif arg == "classifiers":
                value = _literal(node, self.names)
                if value is _COMPUTED:
                    self.unevaluated(key, node, "the classifiers list")
                else:
                    self.c.classifiers(list(value) if isinstance(value, tuple) else value, key)
            elif arg in ("license_files", "license_file"):
                value = _literal(node, self.names)
                globs = [value] if isinstance(value, str) else value
                if isinstance(globs, list | tuple) and all(isinstance(g, str) for g in globs):
                    self.c.license_globs([str(g) for g in globs])


def parse_setup_py(c: Collector) -> None:
    text = c.read("setup.py")
    if text is None:
        return
    try:
        tree = ast.parse(text, filename=c.entry.path)
    except SyntaxError as exc:
        c.parse_failed(f"it is not valid Python ({exc.msg}, line {exc.lineno})", line=exc.lineno)
        return
    except (ValueError, RecursionError, MemoryError) as exc:
        c.parse_failed(f"it could not be parsed as Python ({type(exc).__name__})")
        return
    visitor = _SetupCall(c, _module_literals(tree))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_setup(node.func):
            visitor.run(node)
