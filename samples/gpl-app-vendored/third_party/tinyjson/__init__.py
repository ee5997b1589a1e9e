# SPDX-License-Identifier: MIT
import json


def loads(text: str) -> object:
    return json.loads(text)
