"""Dependencies: what a repository declares it installs (manifests, lock files) and what is installed."""
