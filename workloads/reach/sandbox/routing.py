"""How a sandbox upstream declares its endpoints: each served under the upstream's path prefix,
behind its fault switch (`SandboxState.intercept`, which also counts the call) and its own
admission check (a token, a key and its quota). The Instagram, YouTube, LLM and CDN upstreams
declare theirs with it; `reach.sandbox.app` mounts what they return."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reach.sandbox.state import SandboxState, Upstream

Endpoint = Callable[[Request], Awaitable[Response]]
# A refusal of the request to the endpoint at this path, or None to let it through.
Admit = Callable[[Request, str], Awaitable[Response | None]]


async def admit_all(request: Request, path: str) -> Response | None:
    return None


class Answered(Exception):
    """Raised inside an endpoint to answer its request with `response` at once (a lookup's 404,
    say), from however deep a helper found out."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass
class UpstreamRoutes:
    """One upstream's endpoints, in the order they are declared."""

    state: SandboxState
    upstream: Upstream
    prefix: str
    admit: Admit = admit_all
    routes: list[Route] = field(default_factory=list)

    def serve(self, path: str, method: str = "GET") -> Callable[[Endpoint], Endpoint]:
        """Declares the decorated endpoint as `method` `prefix + path`."""

        def declare(endpoint: Endpoint) -> Endpoint:
            async def guarded(request: Request) -> Response:
                early = await self.state.intercept(self.upstream) or await self.admit(request, path)
                if early is not None:
                    return early
                try:
                    return await endpoint(request)
                except Answered as answered:
                    return answered.response

            self.routes.append(Route(f"{self.prefix}{path}", guarded, methods=[method]))
            return endpoint

        return declare
