"""`reach gateway serve`: opens Redis and PostgreSQL, builds the pipeline and serves it until
shutdown; in-flight requests finish, then everything opened is closed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from reach.common.lifecycle import Shutdown
from reach.common.postgres import create_pool
from reach.common.probes import Readiness
from reach.common.redis import create_redis
from reach.common.webserver import serve_http
from reach.gateway.app import Heartbeat, create_app
from reach.gateway.auth import Authenticator
from reach.gateway.layers import CorsPolicy
from reach.gateway.proxy import Proxy
from reach.gateway.settings import GatewaySettings
from reach.gateway.tokens import Verifier
from reach.gateway.upstream import Pool

log = logging.getLogger(__name__)


def upstream_pool(settings: GatewaySettings) -> Pool:
    url = urlsplit(str(settings.gateway_upstream_url))
    if url.scheme != "http":
        # The API sits next to the gateway inside the cluster network; TLS ends at the Ingress.
        raise ValueError("REACH_GATEWAY_UPSTREAM_URL must be an http:// URL")
    return Pool(
        url.hostname or "127.0.0.1",
        url.port or 80,
        connect_timeout=settings.gateway_upstream_connect_seconds,
        response_timeout=settings.gateway_upstream_response_seconds,
        idle_timeout=settings.gateway_upstream_idle_seconds,
    )


def _error_reporter(settings: GatewaySettings) -> Callable[[BaseException], Any] | None:
    if settings.gateway_sentry_dsn is None:
        return None
    import sentry_sdk

    sentry_sdk.init(dsn=settings.gateway_sentry_dsn.get_secret_value(), send_default_pii=False)
    return sentry_sdk.capture_exception


async def serve(settings: GatewaySettings, shutdown: Shutdown, *, port: int | None = None) -> None:
    pool = await create_pool(settings, "reach-gateway", min_size=1, max_size=10, stateless=True)
    redis = create_redis(settings)
    upstream = upstream_pool(settings)
    try:
        heartbeat = Heartbeat()
        readiness = Readiness(shutdown)
        readiness.add("postgres", lambda: pool.fetchval("SELECT 1"))
        readiness.add("redis", redis.ping)
        readiness.add("heartbeat", heartbeat.check)
        secret = settings.gateway_signing_secret
        app = create_app(
            authenticator=Authenticator(settings, Verifier(settings), redis, pool),
            proxy=Proxy(upstream, secret.get_secret_value().encode() if secret else None),
            readiness=readiness,
            heartbeat=heartbeat,
            cors=CorsPolicy.of(
                settings.gateway_cors_origins, settings.gateway_cors_max_age_seconds
            ),
            report_error=_error_reporter(settings),
            assets_dir=settings.gateway_assets_dir,
            dashboard_dir=settings.gateway_dashboard_dir,
        )
        await serve_http(
            app,
            host=settings.gateway_host,
            port=settings.gateway_port if port is None else port,
            shutdown=shutdown,
            server_headers=False,
        )
    finally:
        upstream.close()
        await redis.aclose()
        await pool.close()
