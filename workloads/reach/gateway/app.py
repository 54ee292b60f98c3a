"""The gateway's ASGI app: the pipeline of `reach.gateway.layers` around a router that answers
the gateway's own endpoints (probes, metrics, heartbeat) and proxies the service prefixes.
Built by `reach.gateway.running` (and by the tests) from what it opened."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from reach.common.logs import request_id
from reach.common.probes import Readiness, probe_routes
from reach.gateway import routes
from reach.gateway.auth import Authenticator
from reach.gateway.errors import error_body, send_error
from reach.gateway.layers import (
    AccessLog,
    Auth,
    Context,
    Cors,
    CorsPolicy,
    ErrorReporting,
    Recovery,
    RequestId,
    exchange_of,
)
from reach.gateway.proxy import Proxy


class Heartbeat:
    """Whether a load balancer should send traffic here. `PUT /heartbeat?beat=false` drains the
    gateway (readiness fails, requests are still served), `beat=true` undoes it; only from
    loopback, i.e. the pod itself (a preStop hook), so no client can drain it."""

    def __init__(self) -> None:
        self.beating = True

    async def check(self) -> None:
        if not self.beating:
            raise RuntimeError("drained by PUT /heartbeat?beat=false")

    async def endpoint(self, request: Request) -> Response:
        if request.method == "PUT":
            client = request.client.host if request.client else ""
            if not _is_loopback(client):
                message = "only the gateway's own host may change its heartbeat"
                return _error(403, "FORBIDDEN", message)
            beat = request.query_params.get("beat")
            if beat not in ("true", "false"):
                return _error(422, "VALIDATION_FAILED", "beat must be true or false")
            self.beating = beat == "true"
        return JSONResponse({"beat": self.beating}, status_code=200 if self.beating else 503)


def _error(status: int, code: str, message: str) -> Response:
    body = error_body(code, message, request_id.get())
    return Response(body, status_code=status, media_type="application/json")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def dashboard_app(folder: Path) -> ASGIApp:
    """The dashboard's build folder: its bundle under /ui/, index.html for every page (the app
    routes in the browser). Read on each request, so a rebuild shows without a restart."""
    index = folder / "index.html"

    async def page(request: Request) -> Response:
        if not index.is_file():
            return _error(
                404, "NOT_FOUND", f"the dashboard is not built in {folder}: run `make web`"
            )
        # The page names its bundle by content hash: the page itself must never be cached.
        return FileResponse(index, headers={"cache-control": "no-cache"})

    return Starlette(
        routes=[
            Mount(
                routes.DASHBOARD_BUNDLE.rstrip("/"),
                StaticFiles(directory=folder, check_dir=False),
            ),
            Route("/{page:path}", page, methods=["GET", "HEAD"]),
        ]
    )


class Router:
    """Local endpoints by exact path, service prefixes to the proxy, the dashboard's pages
    (when it is served), anything else 404."""

    def __init__(self, local: ASGIApp, proxy: ASGIApp, dashboard: ASGIApp | None = None) -> None:
        self._local = local
        self._proxy = proxy
        self._dashboard = dashboard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path in routes.LOCAL_PATHS or path.startswith(routes.ASSETS):
            await self._local(scope, receive, send)
        elif routes.service_of(path) is not None:
            await self._proxy(scope, receive, send)
        elif (
            self._dashboard is not None
            and scope["method"] in ("GET", "HEAD")
            and routes.is_dashboard(path)
        ):
            await self._dashboard(scope, receive, send)
        else:
            await send_error(
                send, 404, "NOT_FOUND", f"no service at {path[:200]}", exchange_of(scope).request_id
            )


def create_app(
    *,
    authenticator: Authenticator,
    proxy: Proxy,
    readiness: Readiness,
    heartbeat: Heartbeat,
    cors: CorsPolicy,
    report_error: Callable[[BaseException], Any] | None = None,
    assets_dir: Path | None = None,
    dashboard_dir: Path | None = None,
) -> ASGIApp:
    local_routes: list[BaseRoute] = [
        *probe_routes(readiness),
        Route("/heartbeat", heartbeat.endpoint, methods=["GET", "PUT"]),
    ]
    if assets_dir is not None:
        local_routes.append(
            Mount(routes.ASSETS.rstrip("/"), StaticFiles(directory=assets_dir, check_dir=False))
        )
    local = Starlette(routes=local_routes)
    dashboard = dashboard_app(dashboard_dir) if dashboard_dir is not None else None
    app: ASGIApp = Router(local, proxy, dashboard)
    app = Auth(app, authenticator)
    app = AccessLog(app)
    app = RequestId(app)
    app = Context(app)
    app = Cors(app, cors)
    if report_error is not None:
        app = ErrorReporting(app, report_error)
    return Recovery(app)
