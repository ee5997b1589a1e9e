from tinyfmt import pad


def test_pad() -> None:
    assert pad("a", 3) == "a  "
