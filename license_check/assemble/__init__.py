"""Assemble: group the evidence into components, trace lineage, resolve each component's license."""
