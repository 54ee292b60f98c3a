"""The scraper's HTTP API (`reach scraper api`, port 8000): enqueue a task of a flow (what
Airflow and the API service call), read a task, queue statistics, the flows and their params.
Routes are thin: validation lives in `enqueueing`, SQL in the queue manager."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.routing import BaseRoute

from reach.common.networks import SocialNetwork
from reach.common.probes import Readiness, RequestIdMiddleware, probe_routes
from reach.scraper.enqueueing import BadRequest, new_task
from reach.scraper.flows import FLOWS, UnknownFlow
from reach.scraper.queue.manager import TaskManager


def _storable_time(value: datetime) -> datetime:
    """A time PostgreSQL's timestamptz and every client can hold: naive means UTC, and the year
    (in UTC) between 1970 and 9998."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        year = aware.astimezone(UTC).year
    except OverflowError:
        year = 0
    if not 1970 <= year <= 9998:
        raise ValueError("must be a time between 1970 and 9998 (UTC)")
    return aware


StorableTime = Annotated[datetime, AfterValidator(_storable_time)]


class EnqueueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    params: dict[str, Any] = Field(default_factory=dict, description="The flow's parameters.")
    priority: int = Field(default=0, ge=-100, le=100, description="Higher runs first.")
    max_retries: int | None = Field(default=None, ge=0, le=20)
    run_after: StorableTime | None = Field(default=None, description="Not before this time.")
    expires_at: StorableTime | None = Field(
        default=None, description="Worthless after this time: closed as EXPIRED if not picked."
    )
    dedup_key: str | None = Field(
        default=None,
        max_length=500,
        pattern="^[^\x00]*$",
        description="One pending task per flow and key; default: the flow's (e.g. the handle). "
        "No NUL characters (PostgreSQL text cannot hold them).",
    )


class Enqueued(BaseModel):
    id: int
    flow: str
    created: bool = Field(description="False when a pending duplicate absorbed the request.")


class TaskView(BaseModel):
    id: int
    flow: str
    params: dict[str, Any]
    dedup_key: str | None
    priority: int
    status: str
    retry_count: int
    max_retries: int
    run_after: datetime
    expires_at: datetime | None
    worker_id: str | None
    source: str | None
    error: str | None
    result: dict[str, Any] | None
    picked_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class FlowStatsView(BaseModel):
    flow: str
    status: str
    tasks: int
    oldest_pending_s: float | None


class FlowView(BaseModel):
    name: str
    network: SocialNetwork | None
    description: str
    sources: list[str]
    params_schema: dict[str, Any]


def _manager(request: Request) -> TaskManager:
    manager: TaskManager = request.app.state.manager
    return manager


Manager = Annotated[TaskManager, Depends(_manager)]
router = APIRouter(prefix="/scrape_request_log", tags=["queue"])


@router.post("/flow/{flow}", status_code=201, response_model=Enqueued)
async def enqueue(
    flow: str, manager: Manager, response: Response, body: Annotated[EnqueueRequest, Body()]
) -> Enqueued:
    try:
        task = new_task(
            flow,
            body.params,
            priority=body.priority,
            max_retries=body.max_retries,
            run_after=body.run_after,
            expires_at=body.expires_at,
            dedup_key=body.dedup_key,
        )
    except UnknownFlow as exc:
        raise HTTPException(404, str(exc)) from None
    except BadRequest as exc:
        errors = [{**e, "loc": ("body", "params", *e["loc"])} for e in exc.errors]
        raise RequestValidationError(errors) from None
    result = await manager.enqueue(task)
    if not result.created:
        response.status_code = 200
    return Enqueued(id=result.id, flow=task.flow, created=result.created)


@router.get("/stats", response_model=list[FlowStatsView])
async def stats(manager: Manager) -> list[FlowStatsView]:
    return [
        FlowStatsView(
            flow=s.flow, status=s.status, tasks=s.tasks, oldest_pending_s=s.oldest_pending_s
        )
        for s in await manager.stats()
    ]


@router.get("/{task_id}", response_model=TaskView)
async def get_task(
    task_id: Annotated[int, Path(ge=1, le=2**63 - 1, description="A task's id (bigint).")],
    manager: Manager,
) -> TaskView:
    row = await manager.get(task_id)
    if row is None:
        raise HTTPException(404, f"no task {task_id}")
    return TaskView.model_validate(row)


flows_router = APIRouter(tags=["flows"])


@flows_router.get("/flows", response_model=list[FlowView])
async def flows() -> list[FlowView]:
    return [
        FlowView(
            name=f.name,
            network=f.network,
            description=f.description,
            sources=list(f.sources),
            params_schema=f.params.model_json_schema(),
        )
        for f in FLOWS.values()
    ]


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 without the offending input echoed back: the input may be bytes that are
    not UTF-8 (which FastAPI's own handler cannot encode, answering 500) or a large body."""
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


def create_app(manager: TaskManager, readiness: Readiness) -> FastAPI:
    routes: list[BaseRoute] = [*probe_routes(readiness)]
    app = FastAPI(title="Reach scraper", version="1", routes=routes)
    app.state.manager = manager
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.include_router(router)
    app.include_router(flows_router)
    app.add_middleware(RequestIdMiddleware)
    return app
