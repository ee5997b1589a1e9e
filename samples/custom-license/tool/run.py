def run() -> str:
    return "ok"
