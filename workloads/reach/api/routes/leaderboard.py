"""leaderboard: a month's ranking per platform or across platforms, overall or within a
category and/or language, with the change of rank since the previous month; and a Leaderboard
resource's own ranking by its name (its network, metric and dimensions)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from reach.api.envelope import ERROR_RESPONSES, ApiError, Envelope, render
from reach.api.models import Leaderboard, LeaderboardRanking, Text
from reach.api.repositories.leaderboard import RANK_COLUMNS
from reach.api.routes.deps import PagingDep, ServicesDep
from reach.api.tenancy import CurrentTenant
from reach.common.networks import SocialNetwork

router = APIRouter(
    prefix="/leaderboard-service/api", tags=["leaderboard"], responses=ERROR_RESPONSES
)
# The query parameters both rankings take.
Month = Annotated[date | None, Query(description="First day of the month; default: the latest.")]
Category = Annotated[Text | None, Query(max_length=100)]
Language = Annotated[Text | None, Query(max_length=50)]
Country = Annotated[Text | None, Query(max_length=50)]


@router.get("/leaderboard/{platform}", response_model=Envelope[Leaderboard])
async def leaderboard(
    platform: Literal[SocialNetwork, "cross_platform"],
    tenant: CurrentTenant,
    services: ServicesDep,
    paging: PagingDep,
    month: Month = None,
    metric: Literal["followers", "engagement_rate"] = "followers",
    category: Category = None,
    language: Language = None,
    profile_id: Annotated[
        Text | None,
        Query(
            max_length=64,
            description="Only this profile's entry: its place on this board, however far down.",
        ),
    ] = None,
) -> Response:
    rank_column = RANK_COLUMNS.get((metric, category is not None, language is not None))
    if rank_column is None:
        raise ApiError(400, f"no {metric} ranking by category and language together")
    await services.usage.charge(tenant, "leaderboard")
    repository = services.leaderboard
    month = month or await repository.latest_month(platform)
    entries, total = (
        await repository.page(
            platform,
            month,
            rank_column,
            metric,
            category,
            language,
            paging.offset,
            paging.size,
            profile_id,
        )
        if month is not None
        else ([], 0)
    )
    page = paging.page(total)
    board = Leaderboard(platform=platform, month=month, metric=metric, entries=entries, page=page)
    return render(Envelope[Leaderboard](data=board))


@router.get("/leaderboards/{name}", response_model=Envelope[LeaderboardRanking])
async def leaderboard_ranking(
    name: Annotated[
        str,
        Path(
            max_length=253,
            pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
            description="The Leaderboard resource's name.",
        ),
    ],
    tenant: CurrentTenant,
    services: ServicesDep,
    paging: PagingDep,
    month: Month = None,
    category: Category = None,
    language: Language = None,
    country: Country = None,
) -> Response:
    await services.usage.charge(tenant, "leaderboard")
    repository = services.leaderboard
    head = await repository.ranking_head(name)
    if head is None:
        raise ApiError(404, f"no ranking synced for leaderboard {name!r}")
    month = month or head.latest_month
    filters = {
        column: value
        for column, value in (("category", category), ("language", language), ("country", country))
        if value is not None
    }
    entries, total = await repository.ranking_page(name, month, filters, paging.offset, paging.size)
    ranking = LeaderboardRanking(
        name=name,
        network=head.network,
        metric=head.metric,
        dimensions=head.dimensions,
        month=month,
        entries=entries,
        page=paging.page(total),
    )
    return render(Envelope[LeaderboardRanking](data=ranking))
