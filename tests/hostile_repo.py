"""Build a hostile and broken repository on disk (generated per test, never committed): issue 5's
"What it must survive", one item per path. Also: run the CLI on it in a subprocess (``run_cli``).

    build_hostile_repo(root) -> {display path: what it exercises}
    python -m tests.hostile_repo DEST         # build one to look at

``root`` must not exist yet or be empty. The keys are paths as the report prints them (relative to
``root``, non-UTF-8 bytes and control characters as ``%XX``). Items the platform cannot make (a UNIX
socket, a device node) are left out of the map. A few files live next to ``root``, in
``root.parent / "outside"``, for links that lead out of the root.

Code in the repository writes the file named by ``$HOSTILE_MARKER`` (else ``root.parent /
"hostile-marker"``) when run or imported; the YAML tag in a card would do the same through os.system.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.builders import (
    GGUF_ARRAY,
    GGUF_STRING,
    GGUF_UINT32,
    gguf_bytes,
    gguf_kv,
    gguf_string,
    safetensors_raw,
    write_sparse,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
MIT = (REPO_ROOT / "samples" / "mit-package" / "LICENSE").read_text(encoding="utf-8")
OUTSIDE_TOKEN = "OUTSIDE-THE-ROOT-4f1c2a"  # in every file outside the root: it must never reach a report
GiB = 1024**3
DEEP_LEVELS = 300
MANY_FILES = 20_000
JSON_DEPTH = 200_000


def _payload(marker: Path, what: str) -> bytes:
    """Python that leaves a trace if it is ever run or imported."""
    return (f"import os\nopen(os.environ.get('HOSTILE_MARKER') or {str(marker)!r}, 'a').write({what!r} + '\\n')\n"
            ).encode()


def _gguf_header(tensor_count: int, kv_count: int) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, tensor_count, kv_count)


class _Builder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.broot = os.fsencode(str(root))
        self.made: dict[str, str] = {}

    def path(self, rel: str | bytes) -> bytes:
        full = os.path.join(self.broot, os.fsencode(rel) if isinstance(rel, str) else rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        return full

    def note(self, rel: str | bytes, what: str) -> None:
        from license_check.collect.reading import display_path

        self.made[display_path(rel)] = what

    def put(self, rel: str | bytes, data: bytes | str, what: str | None = None) -> None:
        with open(self.path(rel), "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        if what:
            self.note(rel, what)

    def sparse(self, rel: str, header: bytes, size: int, what: str) -> None:
        write_sparse(os.fsdecode(self.path(rel)), header, size)
        self.note(rel, what)

    def link(self, rel: str, target: str, what: str) -> None:
        os.symlink(target, self.path(rel))
        self.note(rel, what)


def build_hostile_repo(root: Path, *, marker: Path | None = None) -> dict[str, str]:
    """Create the hostile repository under ``root``; return {display path: what it exercises}."""
    root.mkdir(parents=True, exist_ok=True)
    marker = marker or root.parent / "hostile-marker"
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "LICENSE").write_text(MIT.replace("Tinyfmt Authors", OUTSIDE_TOKEN), encoding="utf-8")
    (outside / "secret.txt").write_text(f"# SPDX-License-Identifier: MIT\n{OUTSIDE_TOKEN}\n", encoding="utf-8")
    b = _Builder(root)

    # --- code that acts when run or imported ---------------------------------------------------
    b.put("LICENSE", MIT, "MIT text at the root: allowed only if nothing else broke (fail safe)")
    b.put("setup.py", _payload(marker, "setup.py") + b"from setuptools import setup\n"
          b"setup(name='x', license=open('LICENSE').read())\n", "setup.py that runs code; computed license")
    b.put("conftest.py", _payload(marker, "conftest.py"), "conftest.py that runs code on import")
    b.put("__main__.py", _payload(marker, "__main__.py"), "__main__.py that runs code")
    b.put("sitecustomize.py", _payload(marker, "sitecustomize.py"), "sitecustomize.py that runs code")
    b.put("exec/pyproject.toml", '[build-system]\nrequires = []\nbuild-backend = "evil"\nbackend-path = ["."]\n'
          '[project]\nname = "x"\nlicense = "MIT"\n', "pyproject.toml with an in-tree build backend")
    b.put("exec/evil.py", _payload(marker, "build backend"), "build backend that runs code")
    b.put("exec/pkg/__init__.py", _payload(marker, "pkg/__init__.py"), "package __init__ that runs code")
    b.put("exec/pkg/__main__.py", _payload(marker, "pkg/__main__.py"), "package __main__ that runs code")

    # --- invalid TOML and JSON at the root ---------------------------------------------------------
    b.put("pyproject.toml", '[project\nname = "x"\nlicense = "MIT"\n', "invalid TOML that mentions a license")
    b.put("package.json", '{"name": "x", "license": "MIT",', "invalid (truncated) JSON package.json")
    b.put("--format=json", "# SPDX-License-Identifier: MIT OR (\n", "file named like a CLI option")

    # --- symlinks ------------------------------------------------------------------------------------
    b.link("loops/a", "b", "symlink loop a -> b")
    b.link("loops/b", "a", "symlink loop b -> a")
    b.link("loops/self", ".", "folder link to itself (not followed)")
    b.link("loops/up", "..", "folder link to its parent (not followed)")
    b.link("loops/sub/deeper/root", "../../..", "folder link to an ancestor (not followed)")
    b.link("escape/outside-file.py", str(outside / "secret.txt"), "file link outside the root")
    b.link("escape/outside-dir", str(outside), "folder link outside the root")
    b.link("escape/LICENSE", "/etc/passwd", "LICENSE linking to /etc/passwd")
    b.link("escape2/LICENSE", os.path.relpath(outside / "LICENSE", root / "escape2"),
           "LICENSE linking (relative ../..) to an MIT text outside the root")
    b.link("devlinks/README.md", "/dev/zero", "README.md linking to /dev/zero")
    b.link("devlinks/LICENSE", "/dev/urandom", "LICENSE linking to /dev/urandom")
    b.link("devlinks/model.safetensors", "/dev/zero", "weights linking to /dev/zero")

    # --- FIFOs, sockets, devices -------------------------------------------------------------------
    os.mkfifo(b.path("special/LICENSE"))
    b.note("special/LICENSE", "FIFO named LICENSE")
    os.mkfifo(b.path("special/model.safetensors"))
    b.note("special/model.safetensors", "FIFO named model.safetensors")
    b.link("special/alias.safetensors", "model.safetensors", "in-root link to a FIFO")
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(b.path("special/COPYING"))
            b.note("special/COPYING", "UNIX socket named COPYING")
        finally:
            sock.close()
    except (OSError, AttributeError):  # no AF_UNIX, or the path is longer than sun_path allows
        pass
    for rel, minor in (("devices/LICENSE", 5), ("devices/README.md", 9)):  # /dev/zero, /dev/urandom
        try:
            os.mknod(b.path(rel), stat.S_IFCHR | 0o644, os.makedev(1, minor))
            b.note(rel, "character device (needs CAP_MKNOD)")
        except (OSError, AttributeError):
            pass

    # --- lying weight headers ------------------------------------------------------------------------
    b.put("weights/st-beyond.safetensors", safetensors_raw(b'{"__metadata__":{"license":"mit"}}', declared=10_000),
          "safetensors header length beyond the file")
    b.put("weights/st-2-63.safetensors", safetensors_raw(b"{}", declared=2**63), "safetensors header length 2**63")
    b.put("weights/st-truncated.safetensors", safetensors_raw(b'{"__metadata__":{"license":"mit"'),
          "safetensors truncated JSON header")
    b.put("weights/st-invalid.safetensors", safetensors_raw(b"{license: mit, \xff}"),
          "safetensors invalid JSON header")
    b.put("weights/st-deep.safetensors", safetensors_raw(b"[" * 100_000 + b"]" * 100_000),
          "safetensors header nested 100,000 deep")
    b.put("weights/gguf-huge-kv.gguf", _gguf_header(0, 2**63) + gguf_kv("general.license", GGUF_STRING, "mit"),
          "GGUF kv_count 2**63")
    b.put("weights/gguf-huge-tensors.gguf", _gguf_header(2**62, 1) + gguf_kv("general.license", GGUF_STRING, "mit"),
          "GGUF tensor_count 2**62")
    b.put("weights/gguf-huge-string.gguf",
          _gguf_header(0, 1) + gguf_string("general.license") + struct.pack("<IQ", GGUF_STRING, 2**62) + b"mit",
          "GGUF string length 2**62")
    b.put("weights/gguf-unknown-type.gguf", _gguf_header(0, 1) + gguf_string("general.license")
          + struct.pack("<I", 99) + b"\x00" * 16, "GGUF unknown value type 99")
    b.put("weights/gguf-array-license.gguf",
          gguf_bytes([("general.license", GGUF_ARRAY, (GGUF_STRING, ["mit", "apache-2.0"])),
                      ("general.file_type", GGUF_UINT32, 1)]), "GGUF array where the license string belongs")
    valid = gguf_bytes({"general.license": "mit", "general.name": "x", "tokenizer.ggml.tokens": ["a"] * 100})
    b.put("weights/gguf-truncated.gguf", valid[: len(valid) // 2], "GGUF truncated in the middle")
    b.put("weights/garbage.onnx", bytes(range(256)) * 64 + b"\xff" * 1000, "garbage .onnx")
    data_size = 100_000_000_000  # 25e9 float32 values
    head = safetensors_raw(json.dumps({"__metadata__": {"license": "apache-2.0"}, "w": {
        "dtype": "F32", "shape": [data_size // 4], "data_offsets": [0, data_size]}}).encode())
    b.sparse("weights/huge.safetensors", head, len(head) + data_size,
             "100 GB sparse safetensors with a valid header (license apache-2.0)")

    # --- multi-GiB files with text-like names ------------------------------------------------------
    b.sparse("big/NOTICE", b"Copyright 2024 Big Notice Authors\n" * 20_000, 8 * GiB, "8 GiB sparse NOTICE")
    b.sparse("big/README.md", b"# Big\n\nReleased under the MIT license.\n" + b"lorem ipsum " * 40_000, 8 * GiB,
             "8 GiB sparse README.md (text for its first 480 KB)")
    b.sparse("big/LICENSE", MIT.encode(), 4 * GiB, "4 GiB sparse LICENSE that starts with an MIT text")

    # --- YAML front matter (model cards) ---------------------------------------------------------------
    laughs = "\n".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10))
    b.put("cards/bomb/README.md", f"---\nlicense: mit\nl0: &l0 [lol]\n{laughs}\n---\n# bomb\n",
          "YAML billion laughs in a model card")
    b.put("cards/pytag/README.md", "---\nlicense: !!python/object/apply:os.system "
          "['echo yaml >> \"$HOSTILE_MARKER\"']\n---\n# tag\n", "!!python/object/apply:os.system in a card")
    b.put("cards/pyname/README.md", "---\nlicense: mit\nbase_model: !!python/name:os.system ''\n---\n",
          "!!python/name tag in a card")
    b.put("cards/invalid/README.md", "---\nlicense: [mit\nbase_model: x\n---\n", "invalid YAML in a card")
    b.put("cards/deep/README.md", "---\nlicense: " + "[" * 60_000 + "]" * 60_000 + "\n---\n",
          "card YAML nested 60,000 deep")
    for kind, value in (("number", "42"), ("list", "[1, {a: b}]"), ("object", "{id: mit}"), ("null", "null")):
        b.put(f"cards/type-{kind}/README.md", f"---\nlicense: {value}\npipeline_tag: text-generation\n---\n",
              f"card license of the wrong type ({kind})")

    # --- manifests: invalid, and license fields of the wrong type (each beside an MIT LICENSE) ---------
    def manifest(folder: str, name: str, text: str | bytes, what: str) -> None:
        b.put(f"{folder}/LICENSE", MIT)
        b.put(f"{folder}/{name}", text, what)

    manifest("manifests/invalid-toml", "pyproject.toml", '[project]\nlicense = "MIT\n', "invalid TOML pyproject")
    manifest("manifests/invalid-json", "package.json", '{"license": "MIT" "name": 1}', "invalid JSON package.json")
    manifest("manifests/invalid-cargo", "Cargo.toml", '[package\nlicense = "MIT"\n', "invalid TOML Cargo.toml")
    manifest("manifests/invalid-cfg", "setup.cfg", "[metadata\nlicense = MIT\n", "invalid INI setup.cfg")
    manifest("manifests/invalid-setup-py", "setup.py", "setup(license='MIT'\n", "setup.py with a syntax error")
    manifest("manifests/binary-pyproject", "pyproject.toml", b"license\x00\x01\x02" * 100, "binary pyproject.toml")
    manifest("datasets/invalid-datapackage", "datapackage.json", '{"licenses": [{"name": "CC-BY-4.0"}',
             "invalid JSON datapackage.json")
    manifest("datasets/invalid-croissant", "metadata.json",
             '{"@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"}, '
             '"license": "https://creativecommons.org/licenses/by/4.0/",', "invalid JSON Croissant metadata.json")
    manifest("datasets/invalid-cff", "CITATION.cff", "cff-version: 1.2.0\nlicense: [MIT\ntitle: x\n",
             "invalid YAML CITATION.cff")
    deep = "[" * JSON_DEPTH + "]" * JSON_DEPTH
    manifest("deep-json/npm", "package.json", deep, "package.json nested 200,000 deep")
    manifest("deep-json/datapackage", "datapackage.json", '{"licenses": ' + deep + "}",
             "datapackage.json nested 200,000 deep")
    manifest("deep-json/croissant", "croissant.json", '{"@context": "http://mlcommons.org/croissant/", "license": '
             + deep + "}", "croissant.json nested 200,000 deep")

    wrong = {"number": 42, "list": [42], "object": {"id": "MIT"}, "null": None, "bool": True}
    for kind, value in wrong.items():
        if value is not None:  # TOML has no null
            toml_value = {"number": "42", "list": "[42]", "object": '{ id = "MIT" }', "bool": "true"}[kind]
            manifest(f"types/pyproject-{kind}", "pyproject.toml", f'[project]\nname = "x"\nlicense = {toml_value}\n',
                     f"pyproject.toml project.license as {kind}")
            manifest(f"types/cargo-{kind}", "Cargo.toml", f'[package]\nname = "x"\nlicense = {toml_value}\n',
                     f"Cargo.toml package.license as {kind}")
        manifest(f"types/npm-{kind}", "package.json", json.dumps({"name": "x", "license": value}),
                 f"package.json license as {kind}")
        manifest(f"types/datapackage-{kind}", "datapackage.json", json.dumps({"name": "x", "licenses": value}),
                 f"datapackage.json licenses as {kind}")
        manifest(f"types/croissant-{kind}", "croissant.json",
                 json.dumps({"@context": {"cr": "http://mlcommons.org/croissant/"}, "license": value}),
                 f"Croissant license as {kind}")
        yaml_value = {"number": "42", "list": "[42]", "object": "{id: MIT}", "null": "null", "bool": "true"}[kind]
        manifest(f"types/cff-{kind}", "CITATION.cff", f"cff-version: 1.2.0\ntitle: x\nlicense: {yaml_value}\n",
                 f"CITATION.cff license as {kind}")
    b.put("types/setup-py-number/setup.py", "from setuptools import setup\nsetup(name='x', license=42)\n",
          "setup.py license as a number")
    b.put("types/setup-py-number/LICENSE", MIT)

    # --- license pointers that lead out of the root (an MIT text waits there: reading it would allow) ---
    escape = "../../../outside/LICENSE"
    b.put("pointers/pyproject/pyproject.toml", f'[project]\nname = "x"\nlicense = {{file = "{escape}"}}\n',
          "pyproject license file outside the root")
    b.put("pointers/npm/package.json", json.dumps({"name": "x", "license": f"SEE LICENSE IN {escape}"}),
          "package.json SEE LICENSE IN outside the root")
    b.put("pointers/cargo/Cargo.toml", '[package]\nname = "x"\nlicense-file = "/etc/passwd"\n',
          "Cargo.toml license-file /etc/passwd")
    b.put("pointers/setup-cfg/setup.cfg", f"[metadata]\nlicense = file: {escape}\n", "setup.cfg license file: outside")
    b.put("pointers/card/README.md", f"---\nlicense: other\nlicense_link: {escape}\n---\n",
          "card license_link outside the root")
    b.put("pointers/datapackage/datapackage.json", json.dumps({"name": "x", "licenses": [{"path": escape}]}),
          "datapackage license path outside the root")
    b.put("pointers/cff/CITATION.cff", f"cff-version: 1.2.0\ntitle: x\nlicense-url: {escape}\n",
          "CITATION.cff license-url outside the root")

    # --- license files in odd encodings ---------------------------------------------------------------
    b.put("enc/junk/LICENSE", b"\x00\x01\x02\x03binary\xff\xfe" * 500, "binary junk LICENSE")
    b.put("enc/utf16-bom/LICENSE", codecs.BOM_UTF16_LE + MIT.encode("utf-16-le"), "UTF-16-LE MIT with a BOM")
    b.put("enc/utf16be-bom/LICENSE", codecs.BOM_UTF16_BE + MIT.encode("utf-16-be"), "UTF-16-BE MIT with a BOM")
    b.put("enc/utf16-nobom/LICENSE", MIT.encode("utf-16-le"), "UTF-16-LE MIT without a BOM")
    b.put("enc/latin1/LICENSE", MIT.replace("Tinyfmt Authors", "J\u00fcrgen M\u00fcller").encode("latin-1"),
          "Latin-1 MIT text")
    b.put("enc/empty/LICENSE", b"", "empty LICENSE")

    # --- odd file names -----------------------------------------------------------------------------------
    b.put("odd/new\nline.py", "# SPDX-License-Identifier: Not-A-Real-License-1.0\n", "file name with a newline")
    b.put("odd/tab\tand\rcr.py", "# SPDX-License-Identifier: MIT OR (\n", "file name with a tab and a CR")
    b.put("odd/-rf", "# SPDX-License-Identifier: MIT OR (\n", "file name with a leading dash")
    b.put(b"odd/bad\xff.py", "# SPDX-License-Identifier: MIT OR (\n", "non-UTF-8 file name")
    b.put(b"odd/dir\xfe/LICENSE", b"\x00junk\x00" * 10, "binary LICENSE in a non-UTF-8 folder")
    b.put('odd/"quoted" \\ name.py', "# SPDX-License-Identifier: MIT OR (\n", "quotes and a backslash in a name")

    # --- a very deep tree and a very wide folder ---------------------------------------------------------
    b.put("deep/" + "d/" * DEEP_LEVELS + "LICENSE", "Proprietary. All rights reserved.\n")
    b.note("deep", f"a tree {DEEP_LEVELS} levels deep")
    many = b.path("many/x")
    folder = os.path.dirname(many)
    for i in range(MANY_FILES):
        fd = os.open(os.path.join(folder, b"f%05d.py" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"# SPDX-License-Identifier: MIT\n")
        os.close(fd)
    b.note("many", f"a folder with {MANY_FILES} small files")
    return dict(sorted(b.made.items()))


@dataclass(frozen=True, slots=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # wall time
    peak_rss: int  # bytes: the child's maximum resident set size


# Runs ``python -m license_check`` and, at exit, writes the process's own peak RSS (VmHWM: reset at exec,
# unlike ru_maxrss, which Linux carries over from the forking parent, so a pytest process that loaded
# ScanCode would make every child look 1.4 GB large).
_LAUNCH = """
import atexit, os, runpy, sys
def _hwm():
    try:
        with open('/proc/self/status') as status:
            kb = next(line.split()[1] for line in status if line.startswith('VmHWM:'))
        with open(os.environ['HOSTILE_HWM'], 'w') as out:
            out.write(kb)
    except (OSError, StopIteration):
        pass
atexit.register(_hwm)
sys.argv = ['license_check', *sys.argv[1:]]
runpy.run_module('license_check', run_name='__main__', alter_sys=True)
"""


class Cli:
    """``python -m license_check ROOT ARGS`` in a subprocess (the working tree's package, cwd outside ROOT)."""

    def __init__(self, root: Path, marker: Path, hash_seed: str | None = None,
                 args: tuple[str, ...] = ("--format", "json"), cwd: Path | None = None,
                 path: str | None = None, plain: bool = False) -> None:
        self.hwm = Path(tempfile.mkdtemp(prefix="license-check-hwm-")) / "kb"
        env = {**os.environ, "HOSTILE_MARKER": str(marker), "PYTHONPATH": str(REPO_ROOT), "HOSTILE_HWM": str(self.hwm)}
        env.pop("PYTHONHASHSEED", None)
        if hash_seed is not None:
            env["PYTHONHASHSEED"] = hash_seed
        self.out, self.err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - closed in wait()
        self.started = time.perf_counter()
        launch = ["-m", "license_check"] if plain else ["-c", _LAUNCH]  # plain: exactly `python -m`, no RSS
        self.proc = subprocess.Popen([sys.executable, *launch, path or str(root), *args], stdout=self.out,
                                     stderr=self.err, env=env, cwd=cwd or root.parent)

    def wait(self, timeout: float = 60) -> CliRun:
        """Wait (killing the process ``timeout`` seconds after it started); measure time and memory."""
        timer = threading.Timer(max(0.0, timeout - (time.perf_counter() - self.started)), self.proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(self.proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - self.started
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        texts = []
        for handle in (self.out, self.err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", errors="replace"))
            handle.close()
        try:
            peak = int(self.hwm.read_text()) * 1024
        except (OSError, ValueError):  # no /proc: the kernel's figure (may include the parent's memory)
            peak = usage.ru_maxrss * 1024
        shutil.rmtree(self.hwm.parent, ignore_errors=True)
        return CliRun(self.proc.returncode, texts[0], texts[1], seconds, peak)


def run_cli(root: Path, marker: Path, hash_seed: str | None = None, timeout: float = 60,
            args: tuple[str, ...] = ("--format", "json"), cwd: Path | None = None, path: str | None = None,
            plain: bool = False) -> CliRun:
    return Cli(root, marker, hash_seed, args, cwd, path, plain).wait(timeout)


_SHARED: dict[str, object] = {}


def session_hostile(base: Path) -> tuple[Path, Path, dict[str, str]]:
    """One hostile repository per test session, under ``base`` (tmp_path_factory.getbasetemp())."""
    if "repo" not in _SHARED:
        where = Path(tempfile.mkdtemp(prefix="hostile-", dir=base))
        root, marker = where / "repo", where / "marker"
        _SHARED["repo"] = (root, marker, build_hostile_repo(root, marker=marker))
    return _SHARED["repo"]  # type: ignore[return-value]


def session_run(base: Path) -> CliRun:
    """The CLI run on the shared hostile repository (default hash seed), made once per session."""
    if "run" not in _SHARED:
        root, marker, _ = session_hostile(base)
        _SHARED["run"] = run_cli(root, marker)
    return _SHARED["run"]  # type: ignore[return-value]


if __name__ == "__main__":  # python -m tests.hostile_repo DEST: build one to look at
    import sys

    print(json.dumps(build_hostile_repo(Path(sys.argv[1])), indent=1))
