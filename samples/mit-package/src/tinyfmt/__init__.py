"""tinyfmt: tiny string formatting helpers."""


def pad(text: str, width: int) -> str:
    return text.ljust(width)
