"""Generate a realistic synthetic AI/ML repository of a given size, deterministically.

    python3 bench/gen_repo.py DEST --files 5000 [--weights-gb 4] [--seed 1]

What it writes (shares scale with --files):

* a root package: LICENSE (Apache-2.0 text), README.md, pyproject.toml, .gitignore;
* Python sources under src/, about 60 % with an ``SPDX-License-Identifier: Apache-2.0`` header,
  20 % with the classic Apache-2.0 boilerplate, 20 % with no header; some call
  ``from_pretrained("org/model")`` (artifact references);
* vendored trees under third_party/ with their own LICENSE (MIT, BSD-3-Clause) and sources;
* model folders under models/: a model card (front matter ``license:``), config.json and a sparse
  ``model.safetensors`` of --weights-gb GiB (a valid header, then a hole: no disk space, no bytes to read);
* dataset folders under data/: a dataset card or datapackage.json, and CSV files;
* docs/ Markdown pages.

The license texts come from ScanCode's installed LicenseDB (the same texts the fast path knows).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import struct
import sys
from importlib.util import find_spec
from pathlib import Path

APACHE_HEADER = '''# Copyright 2024 The Example Authors. All rights reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
'''

MODELS = [("bert-base-uncased", "apache-2.0"), ("gpt2", "mit"), ("t5-small", "apache-2.0"),
          ("openai/whisper-tiny", "apache-2.0"), ("sentence-transformers/all-MiniLM-L6-v2", "apache-2.0")]
CARD_LICENSES = ["apache-2.0", "mit", "cc-by-4.0", "openrail", "bsd-3-clause"]
DATA_LICENSES = ["cc-by-4.0", "cc0-1.0", "odc-by", "mit", "cc-by-sa-4.0"]


def license_text(key: str) -> str:
    """A license text from ScanCode's LicenseDB (its YAML front matter removed)."""
    spec = find_spec("licensedcode")
    if spec is None or spec.origin is None:
        raise SystemExit("scancode-toolkit is not installed")
    raw = (Path(spec.origin).parent / "data" / "licenses" / f"{key}.LICENSE").read_text(encoding="utf-8")
    return raw.split("---", 2)[2].lstrip("\n") if raw.startswith("---") else raw


def safetensors_header(total_bytes: int) -> bytes:
    """The header of a safetensors file whose single F16 tensor fills ``total_bytes`` in all."""
    header_len = 256
    data_len = max(2, (total_bytes - 8 - header_len) // 2 * 2)
    header = {"__metadata__": {"format": "pt"},
              "model.weight": {"dtype": "F16", "shape": [data_len // 2], "data_offsets": [0, data_len]}}
    text = json.dumps(header).encode().ljust(header_len, b" ")
    return struct.pack("<Q", len(text)) + text


def python_source(rng: random.Random, index: int, header: str) -> str:
    lines = [header] if header else []
    lines += [f'"""Module {index} of the example package."""', "", "import math", "import os", ""]
    for f in range(rng.randint(3, 25)):
        lines.append(f"def function_{index}_{f}(x, y=2):")
        lines.append(f'    """Compute step {f}: combine x and y."""')
        for s in range(rng.randint(2, 12)):
            lines.append(f"    x = math.sqrt(abs(x * y + {s})) + len(os.sep)")
        if rng.random() < 0.05:
            model = rng.choice(MODELS)[0]
            lines.append(f'    model = AutoModel.from_pretrained("{model}")')
        lines.append("    return x")
        lines.append("")
    return "\n".join(lines) + "\n"


def _write(root: Path, rel: str, content: str | bytes) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")


def _sparse(root: Path, rel: str, size: int) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(safetensors_header(size))
        handle.truncate(size)


def generate(root: Path, files: int, weights_gb: float = 4.0, seed: int = 1) -> int:
    """Write about ``files`` files under ``root``; returns how many were written."""
    rng = random.Random(seed)
    apache, mit, bsd = license_text("apache-2.0"), license_text("mit"), license_text("bsd-new")
    written = 0

    def put(rel: str, content: str | bytes) -> None:
        nonlocal written
        _write(root, rel, content)
        written += 1

    put("LICENSE", apache)
    put("README.md", "# example-ml\n\nTools to train and serve models.\n\n## License\n\nApache-2.0, see LICENSE.\n")
    put("pyproject.toml", '[project]\nname = "example-ml"\nversion = "1.0"\nlicense = "Apache-2.0"\n')
    put(".gitignore", "*.pyc\n__pycache__/\n/build/\n")
    n_models = max(1, files // 500)
    n_data = max(1, files // 500)
    n_vendor = max(1, files // 250)
    for m in range(n_models):
        base, lic = MODELS[m % len(MODELS)][0], CARD_LICENSES[m % len(CARD_LICENSES)]
        folder = f"models/model-{m}"
        put(f"{folder}/README.md", f"---\nlicense: {lic}\nbase_model: {base}\nlibrary_name: transformers\n---\n\n"
            f"# Model {m}\n\nA fine-tune of {base}.\n")
        put(f"{folder}/config.json", json.dumps({"architectures": ["BertModel"], "hidden_size": 768}) + "\n")
        _sparse(root, f"{folder}/model.safetensors", int(weights_gb * 2**30))
        written += 1
    for d in range(n_data):
        folder, lic = f"data/set-{d}", DATA_LICENSES[d % len(DATA_LICENSES)]
        if d % 2:
            put(f"{folder}/datapackage.json", json.dumps({"name": f"set-{d}", "licenses": [{"name": lic.upper()}],
                                                          "resources": [{"path": "train.csv"}]}) + "\n")
        else:
            put(f"{folder}/README.md", f"---\nlicense: {lic}\npretty_name: Set {d}\n---\n\n# Set {d}\n")
        for part in range(3):
            put(f"{folder}/train-{part}.csv", "".join(f"{i},{rng.random():.6f},text {i}\n" for i in range(200)))
    vendor_files = 0
    for v in range(n_vendor):
        folder = f"third_party/lib{v}"
        text, tag = (mit.replace("<year> <copyright holders>", f"2019 Lib {v} Authors"), "MIT") if v % 2 else (
            bsd, "BSD-3-Clause")
        put(f"{folder}/LICENSE", text)
        for i in range(4):
            put(f"{folder}/mod_{i}.py", python_source(rng, i, f"# SPDX-License-Identifier: {tag}\n" if i % 2 else ""))
            vendor_files += 1
    for i in range(max(1, files // 50)):
        put(f"docs/page_{i}.md", f"# Page {i}\n\n" + "Some documentation text about training.\n" * rng.randint(5, 60))
    i = 0
    while written < files:
        roll = rng.random()
        header = "# SPDX-License-Identifier: Apache-2.0\n" if roll < 0.6 else APACHE_HEADER if roll < 0.8 else ""
        put(f"src/example_ml/pkg{i // 100}/module_{i}.py", python_source(rng, i, header))
        i += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--weights-gb", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.dest.exists() and any(args.dest.iterdir()):
        print(f"{args.dest} is not empty", file=sys.stderr)
        return 2
    os.makedirs(args.dest, exist_ok=True)
    print(generate(args.dest, args.files, args.weights_gb, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
