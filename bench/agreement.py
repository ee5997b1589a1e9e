"""Agreement with ScanCode per file and per license: is every license ScanCode detects in a file found there?

    python3 bench/agreement.py SCANCODE_JSON LICENSE_CHECK_JSON [--tree TREE]

For every (path, SPDX key) of ScanCode's license detections (``files[].license_detections[].matches``; its
low-score ``license_clues`` are not detections and are only counted), one status:

- found: license-check reports the key at that path: the evidence of a component (path and expression), or a
  finding located at the path whose message names the key (a license-mention included; the versions an
  unversioned name "may mean" do not count as found);
- equivalent: a row of bench/agreement.toml ([[equivalent]]) says how license-check reports the same fact;
- not reported: every match of the pair is covered by a [[not_reported]] row (a deliberate omission, with why);
- missed: none of these.

license-check's JSON lists 20 per-file pieces of evidence per source and license (``evidence_omitted`` counts
the rest): ``full_report`` runs it with every piece listed, which the per-file comparison needs. Imports no
ScanCode and no license-check (tests/test_bench_agreement.py feeds it synthetic JSON).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TABLE = HERE / "agreement.toml"
_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*")
_OPERATORS = {"AND", "OR", "WITH"}
# The versions a license-mention lists for a name without one: "(no exact version stated; it may mean A, B)".
_MAY_MEAN = re.compile(r"\(no exact version stated; it may mean ([^)]*)\)")


def symbols(expression: str | None) -> set[str]:
    return {s for s in _SYMBOL.findall(expression or "") if s.upper() not in _OPERATORS}


@dataclass(frozen=True)
class Match:
    line: int
    rule: str
    score: float


@dataclass
class Pair:
    path: str
    key: str
    matches: list[Match] = field(default_factory=list)
    status: str = "missed"
    row: int | None = None  # the agreement.toml row (index in its list) that decided an equivalent / not reported


def _relative(path: str, prefix: str) -> str:
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def scancode_pairs(data: dict[str, Any]) -> list[Pair]:
    """(path relative to the scanned root, key) with the lines and rules ScanCode matched, in path order."""
    files = [f for f in data.get("files", []) if f.get("type") == "file"]
    inputs = (data.get("headers") or [{}])[0].get("options", {}).get("input", [])
    root = Path(inputs[0]).name if inputs else ""
    prefix = f"{root}/" if root and all(f["path"].startswith(f"{root}/") for f in files) else ""
    pairs: dict[tuple[str, str], Pair] = {}
    for entry in files:
        path = _relative(entry["path"], prefix)
        for detection in entry.get("license_detections") or []:
            for m in detection.get("matches") or []:
                for key in sorted(symbols(m.get("license_expression_spdx"))):
                    pair = pairs.setdefault((path, key), Pair(path, key))
                    pair.matches.append(Match(int(m.get("start_line") or 0), str(m.get("rule_identifier", "")),
                                              float(m.get("score") or 0)))
    return [pairs[k] for k in sorted(pairs)]


def scancode_clues(data: dict[str, Any]) -> int:
    return sum(len(f.get("license_clues") or []) for f in data.get("files", []))


@dataclass
class Reported:
    """What license-check reports per path: keys, keys by line, and the versions unversioned mentions list."""

    keys: dict[str, set[str]] = field(default_factory=dict)
    lines: dict[str, set[int]] = field(default_factory=dict)  # lines where some license is named
    candidates: dict[str, set[str]] = field(default_factory=dict)

    def add(self, path: str, keys: Iterable[str], line: int | None) -> None:
        keys = set(keys)
        self.keys.setdefault(path, set()).update(keys)
        if keys and line:
            self.lines.setdefault(path, set()).add(line)


def reported(report: dict[str, Any], known: set[str]) -> Reported:
    """Index license-check's JSON report; ``known``: the keys to look for in finding messages."""
    out = Reported()
    comps = [*report.get("components", []), *(report.get("adoption") or {}).get("components", [])]
    for comp in comps:
        for ev in comp.get("evidence", []):
            out.add(ev.get("path", ""), symbols(ev.get("expression")), ev.get("line"))
    for finding in report.get("findings", []):
        message = finding.get("message", "")
        may_mean = {s for group in _MAY_MEAN.findall(message) for s in symbols(group)}
        plain = _MAY_MEAN.sub("", message)
        named = {k for k in known if re.search(rf"(?<![\w.+-]){re.escape(k)}(?![\w+-]|\.\d)", plain)}
        for loc in finding.get("locations", []):
            path = loc.get("path", "")
            out.add(path, named, loc.get("line"))
            if finding.get("rule") == "license-mention":
                out.candidates.setdefault(path, set()).update(may_mean)
                out.lines.setdefault(path, set()).add(loc.get("line") or 0)
    return out


def load_table(path: Path = TABLE) -> dict[str, list[dict[str, Any]]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"equivalent": data.get("equivalent", []), "not_reported": data.get("not_reported", [])}


def _source_line(tree: Path | None, path: str, line: int, cache: dict[str, list[str]]) -> str | None:
    if tree is None:
        return None
    if path not in cache:
        try:
            cache[path] = (tree / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[path] = []
    lines = cache[path]
    return lines[line - 1] if 0 < line <= len(lines) else None


def _omitted(row: dict[str, Any], pair: Pair, m: Match, tree: Path | None, cache: dict[str, list[str]]) -> bool:
    if row["scancode"] != pair.key:
        return False
    if row.get("rules") and not any(fnmatch.fnmatchcase(m.rule, r) for r in row["rules"]):
        return False
    if row.get("paths") and not any(fnmatch.fnmatchcase(pair.path, g) for g in row["paths"]):
        return False
    if row.get("line"):
        text = _source_line(tree, pair.path, m.line, cache)
        return text is not None and re.search(row["line"], text) is not None
    return True


def judge(pairs: list[Pair], lc: Reported, table: dict[str, list[dict[str, Any]]],
          tree: Path | None = None) -> list[Pair]:
    """Set each pair's status (and the table row that decided it)."""
    cache: dict[str, list[str]] = {}
    for pair in pairs:
        if pair.key in lc.keys.get(pair.path, set()):
            pair.status = "found"
            continue
        for i, row in enumerate(table["equivalent"]):
            if row["scancode"] != pair.key:
                continue
            how = row["match"]
            if (how == "key" and set(row["license_check"]) & lc.keys.get(pair.path, set())) \
                    or (how == "candidates" and pair.key in lc.candidates.get(pair.path, set())) \
                    or (how == "named-on-line" and {m.line for m in pair.matches} & lc.lines.get(pair.path, set())):
                pair.status, pair.row = "equivalent", i
                break
        if pair.status != "missed":
            continue
        for i, row in enumerate(table["not_reported"]):
            if all(_omitted(row, pair, m, tree, cache) for m in pair.matches):
                pair.status, pair.row = "not reported", i
                break
    return pairs


def summary(pairs: list[Pair], table: dict[str, list[dict[str, Any]]], clues: int = 0) -> dict[str, Any]:
    """Counts (pairs and ScanCode matches) per status, each row's share, and the missed list."""
    out: dict[str, Any] = {"pairs": len(pairs), "matches": sum(len(p.matches) for p in pairs),
                           "clues_not_counted": clues}
    for status in ("found", "equivalent", "not reported", "missed"):
        chosen = [p for p in pairs if p.status == status]
        out[status.replace(" ", "_")] = {"pairs": len(chosen), "matches": sum(len(p.matches) for p in chosen)}
    for kind, status in (("equivalent", "equivalent"), ("not_reported", "not reported")):
        out[f"{kind}_rows"] = [
            {"scancode": row["scancode"], "why": " ".join(row["why"].split()),
             "pairs": sum(1 for p in pairs if p.status == status and p.row == i),
             "matches": sum(len(p.matches) for p in pairs if p.status == status and p.row == i),
             "paths": sorted({p.path for p in pairs if p.status == status and p.row == i})}
            for i, row in enumerate(table[kind])]
    out["missed_list"] = [{"path": p.path, "key": p.key, "lines": sorted({m.line for m in p.matches}),
                           "rules": sorted({m.rule for m in p.matches})} for p in pairs if p.status == "missed"]
    by_key: dict[str, dict[str, int]] = {}
    for p in pairs:
        by_key.setdefault(p.key, {}).setdefault(p.status, 0)
        by_key[p.key][p.status] += 1
    out["by_key"] = {k: by_key[k] for k in sorted(by_key)}
    return out


def agreement(scancode: dict[str, Any], report: dict[str, Any], tree: Path | None = None,
              table: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    table = load_table() if table is None else table
    pairs = scancode_pairs(scancode)
    judged = judge(pairs, reported(report, {p.key for p in pairs}), table, tree)
    return summary(judged, table, scancode_clues(scancode))


_FULL = (
    "import sys\n"
    "import license_check.assemble.resolve as r\n"
    "r.FILE_EVIDENCE_PER_LICENSE = r._MAX_LOCATIONS = 10 ** 9  # every piece of evidence and location listed\n"
    "from license_check.cli import main\n"
    "sys.argv = ['license-check', '--format', 'json', '--no-cache', '-q', '-o', sys.argv[2], sys.argv[1]]\n"
    "main()\n"
)


def full_report(tree: Path, out: Path) -> dict[str, Any]:
    """A fresh license-check run on ``tree`` with every per-file piece of evidence listed (bench only)."""
    subprocess.run([sys.executable, "-c", _FULL, str(tree), str(out)], check=False, cwd="/tmp", capture_output=True)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def markdown(name: str, result: dict[str, Any]) -> list[str]:
    """The agreement section of one tree for bench/RESULTS.md."""
    r = result
    lines = [f"### {name}: {r['pairs']:,} (path, license) pairs ScanCode detects ({r['matches']:,} matches)", "",
             "| status | pairs | matches |", "|---|---|---|"]
    lines += [f"| {status.replace('_', ' ')} | {r[status]['pairs']:,} | {r[status]['matches']:,} |"
              for status in ("found", "equivalent", "not_reported", "missed")]
    lines += ["", "| ScanCode key | " + " | ".join(("found", "equivalent", "not reported", "missed")) + " |",
              "|---|---|---|---|---|"]
    for key, counts in r["by_key"].items():
        lines.append(f"| {key} | " + " | ".join(str(counts.get(s, 0)) for s in
                                             ("found", "equivalent", "not reported", "missed")) + " |")
    for kind, title in (("equivalent_rows", "Equivalent (bench/agreement.toml)"),
                        ("not_reported_rows", "Deliberately not reported (bench/agreement.toml)")):
        rows = [row for row in r[kind] if row["pairs"]]
        if rows:
            lines += ["", f"{title}:", ""]
            lines += [f"- {row['scancode']}: {row['pairs']} pairs, {row['matches']} matches "
                      f"({', '.join(row['paths'][:4])}{', ...' if len(row['paths']) > 4 else ''}). {row['why']}"
                      for row in rows]
    missed = r["missed_list"]
    lines += ["", "Missed:" + (" none." if not missed else "")]
    if missed:
        lines.append("")
    for key in sorted({m["key"] for m in missed}):
        lines.append(f"- {key}: " + "; ".join(f"{m['path']}:{','.join(map(str, m['lines']))} ({', '.join(m['rules'])})"
                                           for m in missed if m["key"] == key))
    if r.get("clues_not_counted"):
        lines += ["", f"ScanCode's {r['clues_not_counted']} license clues (matches too weak to be detections) are "
                      "not counted."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("scancode", type=Path)
    parser.add_argument("license_check", type=Path)
    parser.add_argument("--tree", type=Path, help="the scanned tree (the not_reported rows read its lines)")
    args = parser.parse_args(argv)
    result = agreement(json.loads(args.scancode.read_text()), json.loads(args.license_check.read_text()), args.tree)
    print("\n".join(markdown(args.tree.name if args.tree else "tree", result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
