# SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-or-later
def tokens(text: str) -> list[str]:
    return text.split()
