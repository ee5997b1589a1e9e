"""The HTML pages of real repositories in headless Chromium (issue 17): one repository's page and a fleet page.

    python3 bench/html_pages.py TREES OUT [--page NAME ...] [--fleet 20]

TREES is the folder of exported real repositories (bench/real_repos.py export). For each ``--page NAME``
(default: stable-diffusion, whose card names its training data and whose scripts download weights) it writes
``OUT/NAME.html`` with ``license-check --format html``; it audits the first ``--fleet`` repositories of TREES
with ``license-check audit --html`` into ``OUT/audit``. Each page is loaded in Chromium (tests/browser.py:
Debian's package, no network): the script reports the console messages (there must be none), whether the
page's scripts finished (``data-ready``) without an error (``data-errors``), how many graph nodes and charts
were drawn, and saves a screenshot beside the page. Exit status 1 when a page did not load cleanly.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import load, screenshot  # noqa: E402  (the same loader as the tests)


def _attrs(dom: str, tag: str) -> dict[str, str]:
    found = re.search(rf"<{tag}([^>]*)>", dom)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', found.group(1))) if found else {}


def check(page: Path, label: str) -> bool:
    start = time.monotonic()
    loaded = load(page.as_uri())
    html, graph = _attrs(loaded.dom, "html"), _attrs(loaded.dom, 'div id="lineage"')
    size = screenshot(page.as_uri(), page.with_suffix(".png"), height=1400)
    ok = not loaded.console and html.get("data-ready") == "1" and "data-errors" not in html
    print(f"| {label} | {page.stat().st_size / 1024:.0f} KB | {len(loaded.console)} | {html.get('data-ready', '-')} "
          f"| {html.get('data-errors', '0')} | {graph.get('data-drawn', '-')} of {graph.get('data-nodes', '-')} "
          f"| {html.get('data-charts', '-')} | {size[0]}x{size[1]} | {time.monotonic() - start:.1f} s |")
    for line in loaded.console:
        print(f"    console: {line}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("trees", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--page", action="append", dest="pages")
    parser.add_argument("--fleet", type=int, default=20)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "license_check"]
    print("| page | size | console messages | ready | errors | graph nodes drawn | charts | screenshot | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    ok = True
    for name in args.pages or ["stable-diffusion"]:
        target = args.out / f"{name}.html"
        subprocess.run([*command, str(args.trees / name), "--format", "html", "-o", str(target)], check=False,
                       capture_output=True)
        ok &= check(target, name)
    manifest = args.out / "manifest.txt"
    trees = sorted(p for p in args.trees.iterdir() if p.is_dir())[: args.fleet]
    manifest.write_text("".join(f"{t.resolve()}\n" for t in trees), encoding="utf-8")
    shutil.rmtree(args.out / "audit", ignore_errors=True)
    done = subprocess.run([*command, "audit", str(manifest), "--out", str(args.out / "audit"), "--html", "-j", "2"],
                          capture_output=True, text=True, check=False)
    print(done.stdout.strip().splitlines()[0] if done.stdout.strip() else done.stderr[-500:], file=sys.stderr)
    ok &= check(args.out / "audit" / "audit.html", f"audit of {args.fleet} repositories")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
