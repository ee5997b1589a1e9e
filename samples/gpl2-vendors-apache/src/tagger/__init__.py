# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2024 The tagger authors
"""Tag tokens with their part of speech."""

from vendor.fastregex import compile_pattern
from vendor.tokenwrap import tokens


def tag(text: str) -> list[tuple[str, str]]:
    word = compile_pattern(r"\w+")
    return [(t, "NOUN" if word.match(t) else "PUNCT") for t in tokens(text)]
