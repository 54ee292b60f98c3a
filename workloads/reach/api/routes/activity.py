"""activity tracker: records what a partner's users do, and lists it back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from reach.api.envelope import ERROR_RESPONSES, Envelope
from reach.api.models import Activity, ActivityIn, PageOf, Text
from reach.api.routes.deps import PagingDep, ServicesDep
from reach.api.tenancy import CurrentTenant

router = APIRouter(
    prefix="/activity-service/api", tags=["activity tracker"], responses=ERROR_RESPONSES
)


@router.post("/activity", status_code=201, response_model=Envelope[Activity])
async def record(
    body: Annotated[ActivityIn, Body()], tenant: CurrentTenant, services: ServicesDep
) -> Envelope[Activity]:
    return Envelope(data=await services.activity.record(tenant.partner_id, body))


@router.get("/activity", response_model=Envelope[PageOf[Activity]])
async def activities(
    tenant: CurrentTenant,
    services: ServicesDep,
    paging: PagingDep,
    activity_type: Annotated[Text | None, Query(max_length=100)] = None,
) -> Envelope[PageOf[Activity]]:
    found, total = await services.activity.page(
        tenant.partner_id, activity_type, paging.offset, paging.size
    )
    return Envelope(data=paging.results(found, total))
