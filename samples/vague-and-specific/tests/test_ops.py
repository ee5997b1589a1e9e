# SPDX-License-Identifier: GPL-2.0-only
from vague.ops import op


def test_op() -> None:
    assert op() == 1
