"""Identifying license texts: the fast path (exact or near-exact text), bundles of several texts in
one file, and ScanCode's matcher for the rest (imported only when a file needs it)."""
