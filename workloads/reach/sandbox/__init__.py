"""Sandbox upstreams: fake partner and platform APIs that tests and standalone mode call."""
