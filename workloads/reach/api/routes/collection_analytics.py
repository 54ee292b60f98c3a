"""collection analytics: a post collection's reach and engagement (the synced post metrics) and
its daily series (the ClickHouse mart), for the partner's own collections only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from reach.api.envelope import ERROR_RESPONSES, Envelope
from reach.api.models import CollectionDay, CollectionSummary
from reach.api.resources import POST_COLLECTIONS
from reach.api.routes.deps import DateRangeDep, ServicesDep
from reach.api.tenancy import CurrentTenant

router = APIRouter(
    prefix="/collection-analytics-service/api/collection",
    tags=["collection analytics"],
    responses=ERROR_RESPONSES,
)
CollectionId = Annotated[int, Path(ge=1, lt=2**63)]
_COLLECTIONS = POST_COLLECTIONS.table.name


@router.get("/{collection_id}/summary", response_model=Envelope[CollectionSummary])
async def summary(
    collection_id: CollectionId, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[CollectionSummary]:
    await services.resources[_COLLECTIONS].get(tenant.partner_id, collection_id)
    return Envelope(data=await services.collection_analytics.summary(collection_id))


@router.get("/{collection_id}/time-series", response_model=Envelope[list[CollectionDay]])
async def time_series(
    collection_id: CollectionId, dates: DateRangeDep, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[list[CollectionDay]]:
    await services.resources[_COLLECTIONS].get(tenant.partner_id, collection_id)
    days = await services.collection_analytics.days(collection_id, dates.since, dates.until)
    return Envelope(data=days)
