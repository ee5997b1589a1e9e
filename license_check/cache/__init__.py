"""Caches: per-file detector results, parsed rules and whole reports, never serving a different answer."""
