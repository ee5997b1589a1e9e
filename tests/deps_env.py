"""A small virtual environment for the dependency tests, built from wheels made here (no network).

``build(folder)`` makes ``folder`` a venv (``python -m venv --without-pip``), writes one wheel per
package of ``PACKAGES`` (a zip with its ``.dist-info``: METADATA, WHEEL, RECORD and license files) and
installs them into the venv's site-packages with ``pip install --no-index --no-deps --target``, as an
installer lays them out. The packages match samples/deps-uv/pyproject.toml.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MIT_TEXT = """MIT License

Copyright (c) 2024 Fastmath authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    headers: tuple[tuple[str, str], ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # path inside the .dist-info -> text


PACKAGES = (
    Package("fastmath", "1.2.3", (("Metadata-Version", "2.4"), ("License-Expression", "MIT"),
                                  ("License-File", "LICENSE")), {"licenses/LICENSE": MIT_TEXT}),
    Package("qtplot", "5.15.10", (("Classifier", "License :: OSI Approved :: GNU General Public License v3 (GPLv3)"),
                                  ("Classifier", "Programming Language :: Python :: 3"))),
    Package("mystery_utils", "0.9.0", (("Summary", "Helpers of unknown terms"),)),
    Package("tokenkit", "0.4.1", (("License", "BSD-3-Clause"), ("Requires-Dist", "regexlite>=2023"),
                                  ("Requires-Dist", 'colorama; sys_platform == "win32"'))),
    Package("regexlite", "2024.1.1", (("Metadata-Version", "2.4"), ("License-Expression", "Apache-2.0"))),
)


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def wheel(package: Package, folder: Path) -> Path:
    """Write ``package`` as a pure-Python wheel in ``folder``; returns its path."""
    info = f"{package.name}-{package.version}.dist-info"
    headers = [("Metadata-Version", "2.1"), ("Name", package.name), ("Version", package.version)]
    headers = [h for h in headers if h[0] not in {k for k, _ in package.headers}] + list(package.headers)
    contents = {
        f"{package.name}/__init__.py": f'"""{package.name}"""\n',
        f"{info}/METADATA": "".join(f"{k}: {v}\n" for k, v in headers) + "\n",
        f"{info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: license-check-tests\nRoot-Is-Purelib: true\n"
                          "Tag: py3-none-any\n"),
        **{f"{info}/{path}": text for path, text in package.files.items()},
    }
    target = folder / f"{package.name}-{package.version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as archive:
        record = []
        for path, text in contents.items():
            data = text.encode()
            archive.writestr(path, data)
            record.append(_record_line(path, data))
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return target


def build(folder: Path, packages: tuple[Package, ...] = PACKAGES) -> Path:
    """A venv at ``folder`` with ``packages`` installed; returns its site-packages folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True)
    site = next(folder.glob("lib/python3*/site-packages"))
    wheels = folder.parent / f"{folder.name}-wheels"
    wheels.mkdir(exist_ok=True)
    built = [str(wheel(p, wheels)) for p in packages]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--no-compile",
                    "--disable-pip-version-check", "--target", str(site), *built], check=True, capture_output=True)
    return site
