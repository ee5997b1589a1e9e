"""One self-contained HTML document: the embedded libraries, the style, the data, a strict CSP.

Nothing is fetched: the libraries (assets/assets.toml) and the page's own scripts are inlined, and the
Content-Security-Policy allows exactly those scripts (by their SHA-256), no network at all
(``default-src 'none'``, no ``connect-src``), images only from ``data:``. Every string from the repository
reaches the page either escaped by :func:`esc` or inside the JSON data block, where ``<``, ``>`` and ``&`` are
written as ``\\u003c`` escapes (:func:`data_block`), and the scripts put it into the page only as text
(``textContent``, canvas labels), never as markup: a model card cannot inject markup or a script.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from license_check.render.printable import printable

USE_COLOURS = {"allowed": "#1a7f37", "conditional": "#bf8700", "prohibited": "#cf222e", "unknown": "#6e7781"}
VERDICT_COLOURS = {"pass": "#1a7f37", "warn": "#bf8700", "fail": "#cf222e", "failed": "#6e7781"}

STYLE = """
:root { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
body { margin: 0 auto; max-width: 1200px; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .2rem 0 .4rem; } h2 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; }
.verdict { display: inline-block; padding: .15rem .6rem; border-radius: .3rem; color: #fff; font-weight: 600; }
.use { display: inline-block; padding: 0 .4rem; border-radius: .25rem; color: #fff; font-size: .85em; }
.meta { color: #57606a; margin: .3rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.wrap { overflow-wrap: anywhere; max-width: 32rem; }
code { font-size: .85em; overflow-wrap: anywhere; }
details > summary { cursor: pointer; font-weight: 600; margin: .8rem 0 .3rem; }
.graph { height: 460px; border: 1px solid #d0d7de; border-radius: .4rem; background: #fff; }
.legend span { margin-right: 1rem; } .legend i { display: inline-block; width: .8rem; height: .8rem;
  border-radius: 50%; margin-right: .3rem; vertical-align: -1px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 1rem; }
.chart { border: 1px solid #d0d7de; border-radius: .4rem; padding: .6rem; height: 360px; }
.filters { display: flex; gap: .8rem; align-items: center; margin: .6rem 0; flex-wrap: wrap; }
.filters input { padding: .3rem .5rem; min-width: 18rem; }
#page-error { display: none; background: #ffebe9; border: 1px solid #cf222e; padding: .5rem; margin: .5rem 0; }
.muted { color: #57606a; }
"""

# Runs first: a script error or a refused resource shows on the page (and a browser test sees it), not
# only in the console.
GUARD = """
(function () {
  var shown = [];
  function note(text) {
    shown.push(text);
    document.documentElement.setAttribute("data-errors", String(shown.length));
    var box = document.getElementById("page-error");
    if (box) {
      box.style.display = "block";
      box.textContent = "This page could not be drawn fully: " + shown.join("; ");
    }
  }
  window.addEventListener("error", function (e) { note(String(e.message || e.type)); });
  window.addEventListener("unhandledrejection", function (e) { note(String(e.reason)); });
  document.addEventListener("securitypolicyviolation", function (e) { note("blocked " + e.violatedDirective); });
  window.licenseCheckData = function () {
    return JSON.parse(document.getElementById("license-check-data").textContent);
  };
  window.licenseCheckReady = function () { document.documentElement.setAttribute("data-ready", "1"); };
})();
"""


def esc(text: object, width: int = 2000) -> str:
    """Repository text for the page: printable, at most ``width`` characters, HTML-escaped."""
    flat = printable(str(text))
    flat = flat if len(flat) <= width else flat[: width - 1] + "…"
    return html.escape(flat, quote=True)


def use_badge(use: object) -> str:
    name = str(use) if str(use) in USE_COLOURS else "unknown"
    return f'<span class="use" style="background:{USE_COLOURS[name]}">{esc(use)}</span>'


def verdict_badge(verdict: object) -> str:
    name = str(verdict) if str(verdict) in VERDICT_COLOURS else "failed"
    return f'<span class="verdict" style="background:{VERDICT_COLOURS[name]}">{esc(str(verdict).upper())}</span>'


def data_block(data: Any) -> str:
    """The page's data as JSON that no string can break out of (``</script>``, comments, U+2028)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return f'<script type="application/json" id="license-check-data">{text}</script>'


@cache
def asset(name: str) -> str:
    """A file of assets/ (a library or one of the page's scripts), as text."""
    return resources.files("license_check.render.html").joinpath("assets", name).read_text(encoding="utf-8")


@cache
def libraries() -> dict[str, dict[str, str]]:
    """assets/assets.toml: the embedded libraries, their versions and licenses."""
    data = tomllib.loads(asset("assets.toml"))
    return {k: {f: str(v) for f, v in entry.items()} for k, entry in data.items() if isinstance(entry, dict)}


def _sha(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def document(title: str, body: str, data: Any, libs: Sequence[str], scripts: Sequence[str]) -> str:
    """The page: ``libs`` (keys of assets.toml) and ``scripts`` (files of assets/) inlined after the body."""
    code = [GUARD] + [asset(libraries()[k]["file"]) for k in libs] + [asset(s) for s in scripts]
    policy = ("default-src 'none'; script-src " + " ".join(_sha(c) for c in code) +
              "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    credits = ", ".join(f"{k} {v['version']} ({v['license']})" for k, v in sorted(libraries().items()) if k in libs)
    inlined = "\n".join(f"<script>{c}</script>" for c in code[1:])
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title, 200)}</title>\n<style>{STYLE}</style>\n<script>{GUARD}</script>\n</head>\n<body>\n"
            f'<div id="page-error" role="alert"></div>\n{body}\n'
            f'<footer class="meta"><p>Self-contained page: nothing is fetched. Embedded: {esc(credits)}.</p></footer>\n'
            f"{data_block(data)}\n{inlined}\n</body>\n</html>\n")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], attrs: Sequence[str] | None = None) -> str:
    """A table of already-escaped cells; ``attrs``: extra attributes per row (escaped by the caller)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "\n".join(f"<tr{(' ' + attrs[i]) if attrs else ''}>" + "".join(f"<td class=\"wrap\">{c}</td>" for c in row)
                     + "</tr>" for i, row in enumerate(rows))
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
