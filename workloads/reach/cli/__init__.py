"""The `reach` command line: one verb per workload, the only entry point manifests call."""
