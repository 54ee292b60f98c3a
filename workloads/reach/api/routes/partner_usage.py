"""partner usage: this month's metered requests per module against the plan's limits."""

from __future__ import annotations

from fastapi import APIRouter

from reach.api.envelope import ERROR_RESPONSES, Envelope
from reach.api.models import Usage
from reach.api.routes.deps import ServicesDep
from reach.api.tenancy import CurrentTenant

router = APIRouter(prefix="/usage-service/api", tags=["partner usage"], responses=ERROR_RESPONSES)


@router.get("/usage", response_model=Envelope[list[Usage]])
async def usage(tenant: CurrentTenant, services: ServicesDep) -> Envelope[list[Usage]]:
    return Envelope(data=await services.usage.current(tenant))
