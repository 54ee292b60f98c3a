"""A fake WebEngage REST API (`POST /v1/accounts/{license}/events`) for the forwarding sink's
tests and standalone mode. It checks the bearer token and the event's shape, keeps what it
accepted (readable at `GET /v1/accounts/{license}/events`), and can answer 503 to its first
`fail_first` calls so retries can be observed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class WebengageState:
    api_key: str
    fail_first: int = 0
    calls: int = 0
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def create_app(state: WebengageState) -> Starlette:
    async def track(request: Request) -> Response:
        state.calls += 1
        if request.headers.get("authorization") != f"Bearer {state.api_key}":
            return JSONResponse({"response": {"status": "error", "message": "unauthorized"}}, 401)
        if state.calls <= state.fail_first:
            return JSONResponse({"response": {"status": "error", "message": "try later"}}, 503)
        try:
            event = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"response": {"status": "error", "message": "bad JSON"}}, 400)
        if not isinstance(event, dict) or not event.get("eventName") or "userId" not in event:
            message = "userId and eventName are required"
            return JSONResponse({"response": {"status": "error", "message": message}}, 400)
        state.events.setdefault(request.path_params["license"], []).append(event)
        return JSONResponse({"response": {"status": "queued"}}, 201)

    async def received(request: Request) -> Response:
        return JSONResponse(state.events.get(request.path_params["license"], []))

    return Starlette(
        routes=[
            Route("/v1/accounts/{license}/events", track, methods=["POST"]),
            Route("/v1/accounts/{license}/events", received, methods=["GET"]),
        ]
    )
