"""Declaring a workload's Prometheus metrics: `Meter` gives every metric of one part of a
workload its name prefix and the labels they all share, so a metric module states each only
once. Called at import by the workloads' `metrics` modules; `reach.common.probes` serves what
they register on /metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True)
class Meter:
    """Metrics named `{prefix}_{name}` and labelled by `labels`, then by their own labels."""

    prefix: str
    labels: tuple[str, ...] = ()
    registry: CollectorRegistry = REGISTRY

    def counter(self, name: str, documentation: str, *labels: str) -> Counter:
        return Counter(
            self._name(name), documentation, self._labels(labels), registry=self.registry
        )

    def gauge(self, name: str, documentation: str, *labels: str) -> Gauge:
        return Gauge(self._name(name), documentation, self._labels(labels), registry=self.registry)

    def histogram(
        self, name: str, documentation: str, *labels: str, buckets: Sequence[float]
    ) -> Histogram:
        return Histogram(
            self._name(name),
            documentation,
            self._labels(labels),
            buckets=buckets,
            registry=self.registry,
        )

    def _name(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def _labels(self, labels: tuple[str, ...]) -> list[str]:
        return [*self.labels, *labels]
