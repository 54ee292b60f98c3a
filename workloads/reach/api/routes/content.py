"""content: a post by platform and shortcode (a video id on YouTube), a creator's posts, and
the posts tagged at an Instagram location with the place's engagement (the daily mart), sorted
and paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from reach.api.envelope import ERROR_RESPONSES, Envelope, existing
from reach.api.models import LocationPosts, PageOf, Post, Shortcode
from reach.api.repositories.posts import PostFilter
from reach.api.routes.deps import PagingDep, PostOrderDep, ServicesDep
from reach.api.tenancy import TENANTED, CurrentTenant, redact
from reach.common.identifiers import INSTAGRAM_LOCATION_ID
from reach.common.networks import SocialNetwork

router = APIRouter(
    prefix="/content-service/api",
    tags=["content"],
    responses=ERROR_RESPONSES,
    dependencies=[TENANTED],
)
ProfileId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
LocationId = Annotated[
    str, Path(pattern=INSTAGRAM_LOCATION_ID, description="Instagram's id of the location.")
]


@router.get("/post/{platform}/{shortcode}", response_model=Envelope[Post])
async def post(
    platform: SocialNetwork,
    shortcode: Annotated[Shortcode, Path()],
    services: ServicesDep,
) -> Envelope[Post]:
    found = await services.posts.by_shortcode(platform, shortcode)
    return Envelope(data=existing(found, f"{platform} post {shortcode}"))


@router.get("/profile/{platform}/{profile_id}/posts", response_model=Envelope[PageOf[Post]])
async def posts(
    platform: SocialNetwork,
    profile_id: ProfileId,
    services: ServicesDep,
    paging: PagingDep,
    ordering: PostOrderDep,
) -> Envelope[PageOf[Post]]:
    where = PostFilter(profile_id=profile_id)
    found, total = await services.posts.page(
        platform, where, ordering.sort, ordering.order, paging.offset, paging.size
    )
    return Envelope(data=paging.results(found, total))


@router.get("/locations/{location_id}/posts", response_model=Envelope[LocationPosts])
async def location_posts(
    location_id: LocationId,
    tenant: CurrentTenant,
    services: ServicesDep,
    paging: PagingDep,
    ordering: PostOrderDep,
) -> Envelope[LocationPosts]:
    await services.usage.charge(tenant, "discovery")
    place = existing(await services.locations.one(location_id), f"location {location_id}")
    found, total = await services.posts.page(
        "instagram",
        PostFilter(location_id=location_id),
        ordering.sort,
        ordering.order,
        paging.offset,
        paging.size,
    )
    located = LocationPosts(location=place, posts=paging.results(found, total))
    return Envelope(data=redact(located, tenant.plan))
