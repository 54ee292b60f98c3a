"""leaderboard: a month's ranking per platform or across platforms, overall or within a
category and/or language, with the change of rank since the previous month."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from reach.api.envelope import ERROR_RESPONSES, ApiError, Envelope, render
from reach.api.models import Leaderboard, Text
from reach.api.repositories.leaderboard import RANK_COLUMNS
from reach.api.routes.deps import PagingDep, ServicesDep
from reach.api.tenancy import CurrentTenant

router = APIRouter(
    prefix="/leaderboard-service/api", tags=["leaderboard"], responses=ERROR_RESPONSES
)


@router.get("/leaderboard/{platform}", response_model=Envelope[Leaderboard])
async def leaderboard(
    platform: Literal["instagram", "youtube", "cross_platform"],
    tenant: CurrentTenant,
    services: ServicesDep,
    paging: PagingDep,
    month: Annotated[
        date | None, Query(description="First day of the month; default: the latest.")
    ] = None,
    metric: Literal["followers", "engagement_rate"] = "followers",
    category: Annotated[Text | None, Query(max_length=100)] = None,
    language: Annotated[Text | None, Query(max_length=50)] = None,
) -> Response:
    rank_column = RANK_COLUMNS.get((metric, category is not None, language is not None))
    if rank_column is None:
        raise ApiError(400, f"no {metric} ranking by category and language together")
    await services.usage.charge(tenant, "leaderboard")
    repository = services.leaderboard
    month = month or await repository.latest_month(platform)
    entries, total = (
        await repository.page(
            platform, month, rank_column, metric, category, language, paging.offset, paging.size
        )
        if month is not None
        else ([], 0)
    )
    page = paging.page(total)
    board = Leaderboard(platform=platform, month=month, metric=metric, entries=entries, page=page)
    return render(Envelope[Leaderboard](data=board))
