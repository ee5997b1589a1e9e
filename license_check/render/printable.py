"""Printable text: a repository string never reaches a terminal as control characters.

A model card can say ``base_model: "org/m\x1b]0;PWNED\x07"``; printed raw, that sets the terminal's title
(other sequences move the cursor, rewrite earlier lines, or, in some terminals, answer back as typed input).
Every repository string in a text format goes through ``printable()``: C0 and C1 controls, DEL, and the
Unicode format characters that reorder or hide text (bidirectional overrides and isolates, zero-width
characters, the BOM) become visible escapes (``\\x1b``, ``\\u202e``); a backslash stays a backslash. Newlines
and tabs are escaped too, so a string cannot forge a line of the report. ``printable_report()`` is the last
pass over a whole text report: it escapes anything left but keeps the report's own newlines.
JSON needs none of this: json.dumps escapes every C0 control, and a JSON consumer decodes them.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls; bidi embeddings/overrides/isolates/marks; zero-width and invisible
# separators; line and paragraph separators; the BOM; interlinear annotation and object replacement marks.
_FORMAT = "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE_RE = re.compile(f"[\x00-\x1f{_FORMAT}]")
_UNSAFE_BUT_NEWLINE_RE = re.compile(f"[\x00-\x09\x0b-\x1f{_FORMAT}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control or invisible format character as a visible escape."""
    return _UNSAFE_RE.sub(_escape, text)


def printable_report(text: str) -> str:
    """A whole text report: the same escapes, except for its own line breaks."""
    return _UNSAFE_BUT_NEWLINE_RE.sub(_escape, text)
