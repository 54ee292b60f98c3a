"""The gateway's Prometheus metrics, served on its /metrics: requests by route prefix and
status class, added latency, cache lookups by layer, and refusals by reason."""

from __future__ import annotations

from reach.common.instruments import Meter

_GATEWAY = Meter("reach_gateway")

REQUESTS = _GATEWAY.counter(
    "requests",
    "Requests answered, by service prefix (or probe) and status class.",
    "route",
    "status",
)
LATENCY = _GATEWAY.histogram(
    "request_seconds",
    "Time from the request's arrival to the last byte of the answer.",
    "route",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CACHE_LOOKUPS = _GATEWAY.counter(
    "cache_lookups",
    "Token, session and partner lookups by cache and the layer that answered (l1, l2 or "
    "source); the hit ratio of L1 is l1 / all.",
    "cache",
    "layer",
)
REFUSALS = _GATEWAY.counter(
    "refusals", "Requests refused before reaching an upstream, by reason code.", "reason"
)
UPSTREAM_ERRORS = _GATEWAY.counter(
    "upstream_errors",
    "Proxied requests that failed at the upstream: unavailable (502) or timeout (504).",
    "kind",
)
