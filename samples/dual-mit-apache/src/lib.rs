// SPDX-License-Identifier: MIT OR Apache-2.0
pub fn keep(x: u32) -> bool {
    x % 2 == 0
}
