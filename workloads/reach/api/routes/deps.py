"""What routes get injected: the services built at start-up (`reach.api.app.Services`),
pagination, the order of a sorted list and date ranges. (The tenant comes from
`reach.api.tenancy`.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request

from reach.api.envelope import invalid
from reach.api.models import Order, Page, PageOf
from reach.api.repositories.analytics import GenreSort
from reach.api.repositories.posts import PostSort

if TYPE_CHECKING:
    from reach.api.app import Services

T = TypeVar("T")
S = TypeVar("S")


async def _services(request: Request) -> Services:
    # async: FastAPI runs plain functions in a thread pool, a hop a lookup cannot afford.
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated["Services", Depends(_services)]


@dataclass(frozen=True)
class Paging:
    offset: int
    size: int

    def page(self, total: int) -> Page:
        return Page(offset=self.offset, size=self.size, total=total)

    def results(self, found: list[T], total: int) -> PageOf[T]:
        """This page of `total` rows: the rows `found` at its offset."""
        return PageOf[T](results=found, page=self.page(total))


async def _paging(
    offset: Annotated[int, Query(ge=0, le=100_000, description="Rows to skip.")] = 0,
    size: Annotated[int, Query(ge=1, le=100, description="Rows per page.")] = 20,
) -> Paging:
    return Paging(offset=offset, size=size)


PagingDep = Annotated[Paging, Depends(_paging)]


@dataclass(frozen=True)
class Ordering(Generic[S]):
    """The order a list comes in: by `sort`, descending unless asked otherwise."""

    sort: S
    order: Order


def order_by(sorts: Any, default: str) -> Callable[..., Awaitable[Ordering[Any]]]:
    """The dependency reading a sorted list's `sort` (one of the Literal `sorts`, `default`
    unless given) and `order`."""

    async def ordering(sort: Any = default, order: Order = "desc") -> Ordering[Any]:
        return Ordering(sort=sort, order=order)

    # This module's annotations are strings that cannot name `sorts`, so it is set here.
    ordering.__annotations__["sort"] = sorts
    return ordering


PostOrderDep = Annotated[Ordering[PostSort], Depends(order_by(PostSort, "publish_time"))]
GenreOrderDep = Annotated[Ordering[GenreSort], Depends(order_by(GenreSort, "creators"))]


# A range longer than this is refused: a year of days is what a dashboard chart shows.
MAX_RANGE = timedelta(days=366)
DEFAULT_RANGE = timedelta(days=90)
# No platform has data outside these; bounding them keeps date arithmetic in range.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)


@dataclass(frozen=True)
class DateRange:
    since: date
    until: date


def _date_range(
    since: Annotated[
        date | None, Query(ge=EARLIEST, le=LATEST, description="First day; default: 90 days back.")
    ] = None,
    until: Annotated[
        date | None, Query(ge=EARLIEST, le=LATEST, description="Last day; default: today (UTC).")
    ] = None,
) -> DateRange:
    until = until or datetime.now(UTC).date()
    since = since or until - DEFAULT_RANGE
    if since > until:
        raise invalid("query.since", "must not be after until")
    if until - since > MAX_RANGE:
        raise invalid("query.since", f"the range is at most {MAX_RANGE.days} days")
    return DateRange(since=since, until=until)


DateRangeDep = Annotated[DateRange, Depends(_date_range)]
