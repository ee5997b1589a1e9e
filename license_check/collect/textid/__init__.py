"""Identifying license texts: the fast path (exact or near-exact text), bundles of several texts in
one file, and ScanCode's matcher for the rest (imported only when a file needs it)."""

# How the ScanCode outcomes that may differ on the next run begin (timeouts, failures): never cached, and a
# report that carries one is not final (cache/report.py). Here, not in scancode_matcher, so that asking does
# not import the matchers.
NOT_FINAL_DETAILS = ("ScanCode did not finish", "ScanCode failed", "unexpected ScanCode result")
