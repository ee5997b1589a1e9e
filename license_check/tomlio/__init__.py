"""TOML reading with caps and line numbers (shared by collect, knowledge and policy)."""
