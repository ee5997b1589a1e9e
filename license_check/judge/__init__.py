"""Judge: what each license and each combination allows (pure: no I/O)."""
