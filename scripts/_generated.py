"""What every generator in scripts/ does with its text: write it, or with --check say whether it is stale."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(text: str, output: Path, check: bool, script: str) -> int:
    """Write ``text`` to ``output`` (exit status 0), or with ``check`` compare it (1 when stale)."""
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is stale: run scripts/{script}", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({len(text)} bytes)", file=sys.stderr)
    return 0
