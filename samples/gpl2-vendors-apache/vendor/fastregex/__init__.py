# Copyright 2023 The fastregex authors. Licensed under the Apache License, Version 2.0.
import re


def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
