# SPDX-License-Identifier: MIT
"""Serve local models over HTTP."""


def serve(path: str) -> None:
    print(f"serving {path}")
