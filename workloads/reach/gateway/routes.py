"""What the gateway serves: the service prefixes it proxies to the API (the seed's 13
services, now the API's modules) and the routes anyone may call without a token. Declared here
once; `reach.gateway.auth` and `reach.gateway.app` read these tables, nothing else decides."""

from __future__ import annotations

import re
from dataclasses import dataclass

SERVICES = frozenset(
    {
        "discovery-service",
        "leaderboard-service",
        "profile-collection-service",
        "post-collection-service",
        "collection-group-service",
        "keyword-collection-service",
        "collection-analytics-service",
        "genre-insights-service",
        "campaign-profile-service",
        "content-service",
        "usage-service",
        "activity-service",
        "social-profile-service",
    }
)

# The gateway's own endpoints, answered without going upstream.
LOCAL_PATHS = ("/healthz", "/readyz", "/metrics", "/heartbeat")


@dataclass(frozen=True)
class PublicRoute:
    methods: frozenset[str]
    path: re.Pattern[str]
    why: str


PUBLIC_ROUTES = (
    PublicRoute(
        frozenset({"GET", "PUT"}),
        re.compile(r"/(healthz|readyz|metrics|heartbeat)"),
        "probes and load-balancer drain (PUT only from loopback)",
    ),
    PublicRoute(
        frozenset({"GET"}),
        re.compile(r"/(profile|post)-collection-service/api/collection/shared/[A-Za-z0-9_-]{8,64}"),
        "share links: whoever holds the link reads the collection",
    ),
)


def service_of(path: str) -> str | None:
    """The service `path` is under (its first segment, with more after it), if any."""
    service, slash, _ = path[1:].partition("/")
    return service if slash and service in SERVICES else None


def is_public(method: str, path: str) -> bool:
    return any(method in route.methods and route.path.fullmatch(path) for route in PUBLIC_ROUTES)
