"""genre insights: each genre's creators, followers and engagement (the weekly ClickHouse mart),
a genre's trending posts (its creators' most engaging recent posts, live) and its trending
content as the daily mart ranked it (engagement per 100 followers, usage-metered)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from reach.api.envelope import ERROR_RESPONSES, Envelope, existing
from reach.api.models import Genre, PageOf, Post, TrendingPost
from reach.api.repositories.posts import PostFilter
from reach.api.routes.deps import GenreOrderDep, PagingDep, ServicesDep
from reach.api.tenancy import TENANTED, CurrentTenant, redact
from reach.common.networks import SocialNetwork

router = APIRouter(
    prefix="/genre-insights-service/api",
    tags=["genre insights"],
    responses=ERROR_RESPONSES,
    dependencies=[TENANTED],
)
Category = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^/\x00]+$")]


@router.get("/genre/{platform}", response_model=Envelope[PageOf[Genre]])
async def genres(
    platform: SocialNetwork,
    services: ServicesDep,
    paging: PagingDep,
    ordering: GenreOrderDep,
) -> Envelope[PageOf[Genre]]:
    found, total = await services.genres.page(
        platform, ordering.sort, ordering.order, paging.offset, paging.size
    )
    return Envelope(data=paging.results(found, total))


@router.get("/genre/{platform}/{category}", response_model=Envelope[Genre])
async def genre(
    platform: SocialNetwork, category: Category, services: ServicesDep
) -> Envelope[Genre]:
    found = await services.genres.get(platform, category)
    return Envelope(data=existing(found, f"{platform} genre {category}"))


@router.get("/genre/{platform}/{category}/trending", response_model=Envelope[PageOf[Post]])
async def trending(
    platform: SocialNetwork,
    category: Category,
    services: ServicesDep,
    paging: PagingDep,
    days: Annotated[int, Query(ge=1, le=90, description="Posts of the last `days` days.")] = 7,
) -> Envelope[PageOf[Post]]:
    where = PostFilter(category=category, since=datetime.now(UTC) - timedelta(days=days))
    found, total = await services.posts.page(
        platform, where, "engagement", "desc", paging.offset, paging.size
    )
    return Envelope(data=paging.results(found, total))


@router.get(
    "/genre/instagram/{category}/trending-content", response_model=Envelope[PageOf[TrendingPost]]
)
async def trending_content(
    category: Category, tenant: CurrentTenant, services: ServicesDep, paging: PagingDep
) -> Envelope[PageOf[TrendingPost]]:
    await services.usage.charge(tenant, "discovery")
    found, total = await services.served_marts.trending(category, paging.offset, paging.size)
    return Envelope(data=redact(paging.results(found, total), tenant.plan))
