"""What standalone mode reports: the status endpoint the supervisor serves on the `status` port
(`GET /status`: each workload's state, each pipeline's last and next run; `POST
/pipelines/{name}/run`: start a run now), the text `reach standalone --status` prints from it,
and the banner printed once everything is ready."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.standalone.scheduling import Scheduler, UnknownPipeline


def status_app(workloads: Callable[[], list[dict[str, object]]], scheduler: Scheduler) -> Starlette:
    async def status(_: Request) -> Response:
        return JSONResponse({"workloads": workloads(), "pipelines": scheduler.status()})

    async def run(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            started = scheduler.trigger(name)
        except UnknownPipeline as exc:
            return JSONResponse({"error": str(exc), "pipelines": list(scheduler.pipelines)}, 404)
        return JSONResponse({"pipeline": name, "started": started}, 202)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/status", status, methods=["GET"]),
            Route("/pipelines/{name}/run", run, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def format_status(doc: Mapping[str, Any]) -> str:
    """The status document as two aligned tables."""
    lines = ["WORKLOAD                         STATE       PID      RESTARTS  PORTS"]
    for w in doc["workloads"]:
        ports = " ".join(f"{k}={v}" for k, v in w["ports"].items())
        detail = f"  ({w['detail']})" if w["detail"] else ""
        lines.append(
            f"{w['name']:<32} {w['state']:<11} {w['pid'] or '-'!s:<8} {w['restarts']:<9} "
            f"{ports}{detail}"
        )
    lines += ["", "PIPELINE           SCHEDULE        LAST RUN                           NEXT RUN"]
    for p in doc["pipelines"]:
        last = p["last_run"]
        if p["running"]:
            outcome = "running now"
        elif last is None:
            outcome = "never"
        else:
            outcome = f"{'ok' if last['ok'] else 'FAILED'} {last['finished_at'][:19]}Z"
        lines.append(
            f"{p['name']:<18} {p['schedule']:<15} {outcome:<34} {(p['next_run'] or '-')[:19]}"
        )
    return "\n".join(lines)


def banner(
    urls: Mapping[str, str], token: str | None, token_error: str | None, examples: Sequence[str]
) -> str:
    """The text printed once everything answers: what runs where, a token and curl commands."""
    width = max(len(k) for k in urls)
    lines = ["", "Reach is running.", ""]
    lines += [f"  {name:<{width}}  {url}" for name, url in urls.items()]
    lines.append("")
    if token is not None:
        lines += ["Demo token (partner 'demo', plan PRO):", "", f"  export TOKEN={token}", ""]
        lines += ["Try:", ""]
        lines += [f"  {example}" for example in examples]
    else:
        lines += [f"No demo token: {token_error}"]
    lines += ["", "Status: reach standalone --status    Stop: Ctrl-C", ""]
    return "\n".join(lines)
