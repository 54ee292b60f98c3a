"""Tools for testing Reach against real components: a local Kubernetes control plane."""
