"""The scraper's HTTP API (`reach scraper api`, port 8000): enqueue a task of a flow (what
Airflow and the API service call), read a task, queue statistics, the flows and their params.
Routes are thin: validation lives in `enqueueing`, SQL in the queue manager."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import BaseRoute

from reach.common.networks import SocialNetwork
from reach.common.probes import Readiness, RequestIdMiddleware, probe_routes
from reach.scraper.enqueueing import BadRequest, new_task
from reach.scraper.flows import FLOWS, UnknownFlow
from reach.scraper.queue.manager import TaskManager


class EnqueueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    params: dict[str, Any] = Field(default_factory=dict, description="The flow's parameters.")
    priority: int = Field(default=0, ge=-100, le=100, description="Higher runs first.")
    max_retries: int | None = Field(default=None, ge=0, le=20)
    run_after: datetime | None = Field(default=None, description="Not before this time.")
    expires_at: datetime | None = Field(
        default=None, description="Worthless after this time: closed as EXPIRED if not picked."
    )
    dedup_key: str | None = Field(
        default=None,
        max_length=500,
        description="One pending task per flow and key; default: the flow's (e.g. the handle).",
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
async def get_task(task_id: int, manager: Manager) -> TaskView:
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


def create_app(manager: TaskManager, readiness: Readiness) -> FastAPI:
    routes: list[BaseRoute] = [*probe_routes(readiness)]
    app = FastAPI(title="Reach scraper", version="1", routes=routes)
    app.state.manager = manager
    app.include_router(router)
    app.include_router(flows_router)
    app.add_middleware(RequestIdMiddleware)
    return app
