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
LOCAL_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/heartbeat"})
# Stored media, when the gateway serves a local asset folder.
ASSETS = "/assets/"
# The brand dashboard (`web/`), when the gateway serves its build: `/`, its bundle under
# `/ui/`, and the pages of its sections, which all answer the same index.html (the app routes
# in the browser). Section names never end in `-service`, so no page shadows an API prefix.
DASHBOARD_BUNDLE = "/ui/"
DASHBOARD_SECTIONS = (
    "sign-in",
    "discovery",
    "profile",
    "leaderboards",
    "collections",
    "shared",
    "usage",
)
DASHBOARD = re.compile(
    r"/|/ui/[A-Za-z0-9._-]+|/(" + "|".join(DASHBOARD_SECTIONS) + r")(/[A-Za-z0-9._@%-]*)*"
)


@dataclass(frozen=True)
class PublicRoute:
    methods: frozenset[str]
    why: str
    paths: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = None
    # A substring of every path `pattern` matches: most requests are ruled out without it.
    hint: str = ""

    def matches(self, method: str, path: str) -> bool:
        if method not in self.methods:
            return False
        if path in self.paths:
            return True
        return self.pattern is not None and self.hint in path and bool(self.pattern.fullmatch(path))


PUBLIC_ROUTES = (
    PublicRoute(
        frozenset({"GET", "PUT"}),
        "probes and load-balancer drain (PUT only from loopback)",
        paths=LOCAL_PATHS,
    ),
    PublicRoute(
        frozenset({"GET"}),
        "share links: whoever holds the link reads the collection",
        pattern=re.compile(
            r"/(profile|post)-collection-service/api/collection/shared/[A-Za-z0-9_-]{8,64}"
        ),
        hint="/shared/",
    ),
    PublicRoute(
        frozenset({"GET", "HEAD"}),
        "stored media (profile pictures, thumbnails): public, as on a CDN",
        pattern=re.compile(r"/assets/[A-Za-z0-9._/-]+"),
        hint=ASSETS,
    ),
    PublicRoute(
        frozenset({"GET", "HEAD"}),
        "the dashboard's pages and bundle: it signs in with a token of its own",
        pattern=DASHBOARD,
    ),
)


def service_of(path: str) -> str | None:
    """The service `path` is under (its first segment, with more after it), if any."""
    service, slash, _ = path[1:].partition("/")
    return service if slash and service in SERVICES else None


def is_dashboard(path: str) -> bool:
    return bool(DASHBOARD.fullmatch(path))


def is_public(method: str, path: str) -> bool:
    return any(route.matches(method, path) for route in PUBLIC_ROUTES)
