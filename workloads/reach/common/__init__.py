"""Shared building blocks every Reach workload uses: settings, clients, logging, probes."""
