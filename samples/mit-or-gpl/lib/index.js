// SPDX-License-Identifier: MIT OR GPL-2.0-only
module.exports = function twice(x) { return 2 * x; };
