"""social profile time series: a creator's daily followers, engagement and growth over a date
range (synced from the `mart_time_series` model)."""

from __future__ import annotations

from fastapi import APIRouter

from reach.api.envelope import ERROR_RESPONSES, Envelope, existing
from reach.api.models import TimeSeriesPoint
from reach.api.routes.content import ProfileId
from reach.api.routes.deps import DateRangeDep, ServicesDep
from reach.api.tenancy import TENANTED
from reach.common.networks import SocialNetwork

router = APIRouter(
    prefix="/social-profile-service/api",
    tags=["social profile"],
    responses=ERROR_RESPONSES,
    dependencies=[TENANTED],
)


@router.get(
    "/profile/{platform}/{profile_id}/time-series", response_model=Envelope[list[TimeSeriesPoint]]
)
async def time_series(
    platform: SocialNetwork,
    profile_id: ProfileId,
    dates: DateRangeDep,
    services: ServicesDep,
) -> Envelope[list[TimeSeriesPoint]]:
    points = await services.time_series.points(platform, profile_id, dates.since, dates.until)
    return Envelope(data=existing(points, f"time series of {platform} profile {profile_id}"))
