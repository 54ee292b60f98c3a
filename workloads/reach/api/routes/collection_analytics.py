"""collection analytics: a post collection's reach and engagement (the synced post metrics) and
its daily series (the ClickHouse mart), and the store orders attributed to a profile
collection's creators (the synced daily mart, metered), for the partner's own collections
only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from reach.api.envelope import ERROR_RESPONSES, Envelope
from reach.api.models import CollectionDay, CollectionSummary, CreatorOrders
from reach.api.resources import POST_COLLECTIONS, PROFILE_COLLECTIONS
from reach.api.routes.deps import DateRangeDep, ServicesDep
from reach.api.tenancy import CurrentTenant, redact_each

router = APIRouter(
    prefix="/collection-analytics-service/api",
    tags=["collection analytics"],
    responses=ERROR_RESPONSES,
)
CollectionId = Annotated[int, Path(ge=1, lt=2**63)]
_COLLECTIONS = POST_COLLECTIONS.table.name


@router.get("/collection/{collection_id}/summary", response_model=Envelope[CollectionSummary])
async def summary(
    collection_id: CollectionId, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[CollectionSummary]:
    await services.resources[_COLLECTIONS].get(tenant.partner_id, collection_id)
    return Envelope(data=await services.collection_analytics.summary(collection_id))


@router.get("/collection/{collection_id}/time-series", response_model=Envelope[list[CollectionDay]])
async def time_series(
    collection_id: CollectionId, dates: DateRangeDep, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[list[CollectionDay]]:
    await services.resources[_COLLECTIONS].get(tenant.partner_id, collection_id)
    days = await services.collection_analytics.days(collection_id, dates.since, dates.until)
    return Envelope(data=days)


@router.get(
    "/profile-collection/{collection_id}/orders", response_model=Envelope[list[CreatorOrders]]
)
async def orders(
    collection_id: CollectionId, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[list[CreatorOrders]]:
    await services.usage.charge(tenant, "collection_analytics")
    await services.resources[PROFILE_COLLECTIONS.table.name].get(tenant.partner_id, collection_id)
    found = await services.served_marts.collection_orders(collection_id)
    return Envelope(data=redact_each(found, tenant.plan))
