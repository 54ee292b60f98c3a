"""discovery: a profile by platform and handle (cached; 202 while a scrape fetches it), a
refresh asked for now, a filtered, sorted search with cursor pagination, an Instagram
profile's summary and monthly stats by profile id, and a profile's linked socials and
GPT-inferred audience (the daily marts)."""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, Body, Path, Query, Response

from reach.api.envelope import ERROR_RESPONSES, Envelope, existing, render
from reach.api.models import (
    AccountMonth,
    AccountSummary,
    AudienceInsight,
    LinkedSocial,
    ProfileLookup,
    SearchRequest,
    SearchResult,
)
from reach.api.routes.content import ProfileId
from reach.api.routes.deps import ServicesDep
from reach.api.tenancy import CurrentTenant, redact, redact_each
from reach.common.identifiers import INSTAGRAM_HANDLE, YOUTUBE_HANDLE
from reach.common.networks import SocialNetwork

router = APIRouter(prefix="/discovery-service/api", tags=["discovery"], responses=ERROR_RESPONSES)
# The handles each platform's scraper flow accepts (an @ in front is dropped): one route per
# platform, so the spec states exactly what is valid.
HANDLE_PATTERNS: dict[str, str] = {
    "instagram": "^@?" + INSTAGRAM_HANDLE.removeprefix("^"),
    "youtube": YOUTUBE_HANDLE,
}


def _answer(found: ProfileLookup) -> Response:
    if found.refresh is None:
        return render(Envelope[ProfileLookup](data=found))
    return render(
        Envelope[ProfileLookup](data=found, status="ACCEPTED"),
        status_code=202,
        headers={"Retry-After": str(found.refresh.retry_after_seconds)},
    )


def _add_profile_routes(platform: SocialNetwork) -> None:
    async def profile(handle: str, tenant: CurrentTenant, services: ServicesDep) -> Response:
        await services.usage.charge(tenant, "discovery")
        return _answer(
            redact(await services.profiles.lookup(platform, handle.lstrip("@")), tenant.plan)
        )

    async def refresh(handle: str, tenant: CurrentTenant, services: ServicesDep) -> Response:
        await services.usage.charge(tenant, "discovery")
        return _answer(
            redact(await services.profiles.refresh(platform, handle.lstrip("@")), tenant.plan)
        )

    for route, method, name, summary, accepted in (
        (
            profile,
            "GET",
            f"{platform}_profile",
            f"A {platform} profile by handle",
            "Being refreshed.",
        ),
        (
            refresh,
            "POST",
            f"{platform}_profile_refresh",
            f"Refresh a {platform} profile now, however fresh (202 with the task)",
            "Refresh asked for.",
        ),
    ):
        # Set after the fact: the pattern depends on `platform`, and this module's annotations
        # are strings that cannot name a local.
        route.__annotations__["handle"] = Annotated[str, Path(pattern=HANDLE_PATTERNS[platform])]
        router.add_api_route(
            f"/profile/{platform}/{{handle}}" + ("/refresh" if method == "POST" else ""),
            route,
            methods=[method],
            name=name,
            summary=summary,
            response_model=Envelope[ProfileLookup],
            responses={202: {"model": Envelope[ProfileLookup], "description": accepted}},
        )


for _platform in get_args(SocialNetwork):
    _add_profile_routes(_platform)


@router.post("/profile/{platform}/search", response_model=Envelope[SearchResult])
async def search(
    platform: SocialNetwork,
    request: Annotated[SearchRequest, Body()],
    tenant: CurrentTenant,
    services: ServicesDep,
) -> Envelope[SearchResult]:
    await services.usage.charge(tenant, "discovery")
    profiles, cursor = await services.profiles.search(platform, request)
    return Envelope(data=redact(SearchResult(profiles=profiles, next_cursor=cursor), tenant.plan))


@router.get("/profile/instagram/{profile_id}/summary", response_model=Envelope[AccountSummary])
async def instagram_summary(
    profile_id: ProfileId, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[AccountSummary]:
    await services.usage.charge(tenant, "discovery")
    return Envelope(data=redact(await services.accounts.summary(profile_id), tenant.plan))


@router.get(
    "/profile/instagram/{profile_id}/monthly-stats", response_model=Envelope[list[AccountMonth]]
)
async def instagram_monthly_stats(
    profile_id: ProfileId,
    tenant: CurrentTenant,
    services: ServicesDep,
    months: Annotated[
        int, Query(ge=1, le=120, description="The latest `months` observed months.")
    ] = 12,
) -> Envelope[list[AccountMonth]]:
    await services.usage.charge(tenant, "discovery")
    found = await services.accounts.monthly(profile_id, months)
    return Envelope(data=redact_each(found, tenant.plan))


@router.get(
    "/profile/{platform}/{profile_id}/linked-socials", response_model=Envelope[list[LinkedSocial]]
)
async def linked_socials(
    platform: SocialNetwork, profile_id: ProfileId, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[list[LinkedSocial]]:
    await services.usage.charge(tenant, "discovery")
    found = await services.served_marts.linked_socials(platform, profile_id)
    linked = existing(found, f"{platform} profile {profile_id}")
    return Envelope(data=redact_each(linked, tenant.plan))


@router.get(
    "/profile/{platform}/{profile_id}/audience-insight", response_model=Envelope[AudienceInsight]
)
async def audience_insight(
    platform: SocialNetwork, profile_id: ProfileId, tenant: CurrentTenant, services: ServicesDep
) -> Envelope[AudienceInsight]:
    await services.usage.charge(tenant, "discovery")
    found = await services.served_marts.audience_insight(platform, profile_id)
    what = f"audience insight of {platform} profile {profile_id}"
    return Envelope(data=redact(existing(found, what), tenant.plan))
