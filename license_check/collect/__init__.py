"""Collect: walk the scanned tree and read its evidence (files, detectors, parsers, license-text identification)."""
