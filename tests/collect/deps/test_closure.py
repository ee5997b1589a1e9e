"""The closure of declared dependencies through an installed environment."""

from __future__ import annotations

from license_check.collect.deps.closure import NO_METADATA, NOT_INSTALLED, closure
from license_check.collect.deps.model import Ecosystem, Installed

LINUX = {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux",
         "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
         "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def env(**requires: tuple[str, ...]) -> dict[str, Installed]:
    return {name: Installed(name, Ecosystem.PYPI, "1.0", f"/site/{name}/METADATA", requires=reqs)
            for name, reqs in requires.items()}


def test_chain_markers_and_missing() -> None:
    installed = env(
        transformers=("torch>=2", "tokenizers", "pywin32; sys_platform == 'win32'",
                      "Sentencepiece; python_version >= '3.8'", "gone-pkg", "pytest; extra == 'test'"),
        torch=("filelock", "transformers"),  # a cycle
        tokenizers=(), filelock=(), sentencepiece=(), pytest=("pluggy",), pluggy=(), pywin32=(),
    )
    result = closure([("transformers", frozenset())], installed, LINUX)
    names = [r.installed.name for r in result.reached]
    assert names == ["filelock", "sentencepiece", "tokenizers", "torch", "transformers"]
    paths = {r.installed.name: r.path for r in result.reached}
    assert paths["filelock"] == "filelock <- torch <- transformers <- (declared)"
    assert paths["transformers"] == "transformers <- (declared)"
    assert [(m.name, m.reason, m.path, m.requirement) for m in result.missing] == [
        ("gone-pkg", NOT_INSTALLED, "gone-pkg <- transformers <- (declared)", "gone-pkg")]
    assert result.problems == ()


def test_extras_requested_and_nested() -> None:
    installed = env(
        app=("lib[fast]", "dev-tool; extra == 'dev'"),
        lib=("speedups; extra == 'fast'", "docs-tool; extra == 'docs'", "base"),
        speedups=(), base=(), **{"dev-tool": ("lib[docs]",), "docs-tool": ()},
    )
    plain = closure([("app", frozenset())], installed, LINUX)
    assert [r.installed.name for r in plain.reached] == ["app", "base", "lib", "speedups"]
    dev = closure([("app", frozenset({"dev"}))], installed, LINUX)
    assert [r.installed.name for r in dev.reached] == ["app", "base", "dev-tool", "docs-tool", "lib", "speedups"]
    lib = next(r for r in dev.reached if r.installed.name == "lib")
    assert lib.extras == frozenset({"fast", "docs"}) and lib.chain == ("app",)
    docs = next(r for r in dev.reached if r.installed.name == "docs-tool")
    # lib[docs] was asked for by dev-tool: the chain says so
    assert docs.path == "docs-tool <- lib <- dev-tool <- app <- (declared)"


def test_no_metadata_bad_requirements_and_bad_markers() -> None:
    installed = env(a=("broken-meta", "not a [valid req", "c; python_version > 'abc'", "d; os_name == 'nt'"),
                    c=(), d=())
    result = closure([("A", frozenset()), ("absent", frozenset()), ("a", frozenset())], installed, LINUX,
                     unreadable={"broken-meta": "/site/broken_meta-1.0.dist-info"})
    assert [(m.name, m.reason) for m in result.missing] == [("absent", NOT_INSTALLED), ("broken-meta", NO_METADATA)]
    assert [m.chain for m in result.missing] == [(), ("a",)]
    assert len(result.problems) >= 1 and "does not parse" in result.problems[0].message
    assert "d" not in [r.installed.name for r in result.reached]


def test_deterministic_whatever_the_order() -> None:
    installed = env(x=("z", "y"), w=("y",), y=("z",), z=())
    one = closure([("x", frozenset()), ("w", frozenset())], installed, LINUX)
    two = closure([("w", frozenset()), ("x", frozenset())], dict(reversed(installed.items())), LINUX)
    assert one == two
    assert {r.installed.name: r.chain for r in one.reached}["z"] == ("x",)
