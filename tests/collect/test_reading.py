"""Bounded, defensive reading and display-safe paths."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from license_check.collect.reading import decode, display_path, read_text
from license_check.policy.load import default_policy


def test_display_path_escapes_undecodable_bytes_and_control_characters() -> None:
    assert display_path(b"caf\xe9/new\nline\t.txt") == "caf%E9/new%0Aline%09.txt"
    assert display_path("ok/naïve-文件.py") == "ok/naïve-文件.py"
    assert display_path(os.fsdecode(b"\xff\xfe")) == "%FF%FE"


def test_decode_handles_boms_legacy_text_and_binary() -> None:
    assert decode(codecs.BOM_UTF16_LE + "MIT License".encode("utf-16-le")) == ("MIT License", False)
    assert decode(codecs.BOM_UTF8 + b"MIT") == ("MIT", False)
    assert decode("Lizenz für Ümlaute".encode("latin-1")) == ("Lizenz für Ümlaute", False)
    assert decode(b"\x7fELF\x00\x01\x02") == (None, True)
    # A cut inside a multi-byte character at the cap is not a reason to fall back to Latin-1.
    assert decode("naïve ü".encode()[:-1]) == ("naïve ", False)


def test_read_text_is_bounded_and_never_raises(tmp_path: Path) -> None:
    big = tmp_path / "NOTICE"
    big.write_bytes(b"a" * 10_000)
    result = read_text(str(big), 100)
    assert result.text == "a" * 100 and result.truncated
    missing = read_text(str(tmp_path / "nope"), 100)
    assert missing.text is None and missing.error
    os.mkfifo(tmp_path / "fifo")
    fifo = read_text(str(tmp_path / "fifo"), 100)  # O_NONBLOCK: returns at once, no writer
    assert fifo.text in ("", None)
    link = tmp_path / "link"
    link.symlink_to(big)
    assert read_text(str(link), 100).text is None  # O_NOFOLLOW: discovery resolves links, readers never do


def test_the_built_in_policy_maps_every_answer() -> None:
    policy = default_policy()
    echo = policy.echo()
    assert {k: echo[k] for k in ("name", "source", "use_mode", "verdicts")} == {
        "name": "default", "source": "built-in", "use_mode": "distribute",
        "verdicts": {"allowed": "pass", "conditional": "warn", "unknown": "fail", "prohibited": "fail"},
    }
