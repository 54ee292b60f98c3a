"""The sandbox upstreams as one Starlette app, one path prefix per upstream (so one port serves
them all and each adapter's base URL is `http://host:port/<prefix>`):

| prefix              | upstream                                 | adapter setting              |
|---------------------|------------------------------------------|------------------------------|
| /graph/v15.0        | Instagram Graph API (business_discovery) | REACH_INSTAGRAM_GRAPH_URL    |
| /rapidapi/instagram | RapidAPI-style Instagram provider        | REACH_RAPIDAPI_INSTAGRAM_URL |
| /rapidapi/<name>    | the other RapidAPI-style providers       | (see `reach.sandbox.upstreams`) |
| /instagram-web      | Instagram web profile JSON (last resort) | REACH_INSTAGRAM_WEB_URL      |
| /youtube/v3         | YouTube Data API v3                      | REACH_YOUTUBE_API_URL        |
| /invidious          | Invidious API (the YouTube fallback)     | REACH_INVIDIOUS_URL          |
| /openai/v1          | OpenAI-compatible chat completions       | REACH_LLM_URL                |
| /cdn                | media CDN                                | (absolute URLs in answers)   |
| /_sandbox           | control: faults, call counts, creators   |                              |

Control: `POST /_sandbox/faults {"upstream", "mode", "count"?}`, `DELETE /_sandbox/faults`,
`GET /_sandbox/calls`, `POST /_sandbox/reset`, `GET /_sandbox/creators?platform=&limit=`.
`reach sandbox serve` runs it; tests mount it on a free port.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.common.lifecycle import Shutdown
from reach.common.webserver import serve_http
from reach.sandbox import cdn, instagram, instagram_providers, invidious, llm, shopify, youtube
from reach.sandbox.settings import SandboxSettings
from reach.sandbox.state import FAULT_MODES, UPSTREAMS, SandboxState
from reach.sandbox.universe import Universe


def control_routes(state: SandboxState) -> list[Route]:
    async def set_fault(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            upstream, mode, count = body["upstream"], body["mode"], body.get("count")
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"detail": "expected {upstream, mode, count?}"}, 422)
        if upstream not in UPSTREAMS or mode not in FAULT_MODES:
            return JSONResponse({"detail": f"upstream in {UPSTREAMS}, mode in {FAULT_MODES}"}, 422)
        if count is not None and (not isinstance(count, int) or count < 1):
            return JSONResponse({"detail": "count must be a positive integer"}, 422)
        state.set_fault(upstream, mode, count)
        return JSONResponse({"upstream": upstream, "mode": mode, "count": count})

    async def clear_faults(_: Request) -> Response:
        state.faults.clear()
        return Response(status_code=204)

    async def calls(_: Request) -> Response:
        return JSONResponse(dict(state.calls))

    async def reset(_: Request) -> Response:
        state.reset()
        return Response(status_code=204)

    async def creators(request: Request) -> Response:
        platform = request.query_params.get("platform", "instagram")
        try:
            limit = int(request.query_params.get("limit", "100"))
        except ValueError:
            return JSONResponse({"detail": "limit must be an integer"}, 422)
        if platform == "youtube":
            return JSONResponse(state.universe.channel_ids(limit))
        return JSONResponse(state.universe.handles(limit))

    return [
        Route("/_sandbox/faults", set_fault, methods=["POST"]),
        Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
        Route("/_sandbox/calls", calls, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/creators", creators, methods=["GET"]),
    ]


def create_app(state: SandboxState) -> Starlette:
    return Starlette(
        routes=[
            *instagram.routes(state),
            *instagram_providers.routes(state),
            *youtube.routes(state),
            *invidious.routes(state),
            *llm.routes(state),
            *cdn.routes(state),
            *shopify.routes(state),
            *control_routes(state),
        ]
    )


def state_from(settings: SandboxSettings) -> SandboxState:
    return SandboxState(
        universe=Universe(seed=settings.sandbox_seed, creators=settings.sandbox_creators),
        tokens=set(settings.sandbox_tokens),
        timeout_seconds=settings.sandbox_timeout_seconds,
    )


async def serve(settings: SandboxSettings, shutdown: Shutdown) -> None:
    await serve_http(
        create_app(state_from(settings)),
        host=settings.sandbox_host,
        port=settings.sandbox_port,
        shutdown=shutdown,
    )
