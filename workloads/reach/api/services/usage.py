"""Plan limits: each metered request is counted for the partner's module and month; over the
plan's limit the request is refused with 429, the limit and when the period resets.

Counting is in memory and written to `partner_usage` in one statement per `flush` (every
second while serving), not one write per request: the hot profile lookup would otherwise pay a
PostgreSQL round trip and a WAL write each time. A counter is read from PostgreSQL before its
first request is admitted, and every flush brings back the totals of all processes, so one
process never lets a partner past its limit; several replicas together can overshoot by what
they admit within one flush interval.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from reach.api.envelope import ApiError
from reach.api.models import Usage
from reach.api.repositories.usage import Counter, UsageRepository
from reach.api.tenancy import Tenant

log = logging.getLogger(__name__)


def period(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding `now`."""
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


class UsageMeter:
    def __init__(
        self, repository: UsageRepository, limits: Mapping[str, Mapping[str, int]]
    ) -> None:
        self.repository = repository
        self.limits = limits
        # Per counter: the stored total at the last flush, and requests admitted since.
        self._stored: dict[Counter, int] = {}
        self._pending: dict[Counter, int] = {}
        self._flushing = asyncio.Lock()

    def limit(self, plan: str, module: str) -> int | None:
        return self.limits.get(plan, {}).get(module)

    async def charge(self, tenant: Tenant, module: str) -> None:
        now = datetime.now(UTC)
        start, end = period(now)
        plan = tenant.plan.name
        counter = Counter(tenant.partner_id, module, start, end, plan, self.limit(plan, module))
        if counter not in self._stored:
            await self._load(counter)
        # Re-keyed so that the next flush stores the plan and limit of the latest request.
        stored = self._stored[counter] = self._stored.pop(counter)
        used = stored + self._pending.get(counter, 0)
        if counter.limit is not None and used >= counter.limit:
            raise ApiError(
                429,
                f"the {plan} plan allows {counter.limit} {module} requests a month",
                details={"module": module, "limit": counter.limit, "reset_at": end.isoformat()},
                headers={"Retry-After": str(max(1, int((end - now).total_seconds())))},
            )
        self._pending[counter] = self._pending.get(counter, 0) + 1

    async def _load(self, counter: Counter) -> None:
        async with self._flushing:
            if counter not in self._stored:
                stored = await self.repository.add({counter: 0})
                self._stored[counter] = stored[counter]

    async def flush(self) -> None:
        """Writes the requests counted since the last flush and refreshes every counter of the
        current period from the stored totals."""
        async with self._flushing:
            current = period(datetime.now(UTC))[0]
            for counter in [c for c in self._stored if c.valid_from != current]:
                if not self._pending.get(counter):
                    del self._stored[counter]
            if not self._stored:
                return
            pending, self._pending = self._pending, {}
            counts = {c: pending.get(c, 0) for c in self._stored}
            try:
                self._stored.update(await self.repository.add(counts))
            except BaseException:
                # Not written: counted again at the next flush.
                for counter, count in pending.items():
                    self._pending[counter] = self._pending.get(counter, 0) + count
                raise

    async def run(self, interval: float) -> None:
        """Flushes every `interval` seconds until cancelled, then once more."""
        try:
            while True:
                await asyncio.sleep(interval)
                try:
                    await self.flush()
                except Exception:
                    # PostgreSQL is away: the counts stay pending for the next flush.
                    log.exception("usage flush failed")
        finally:
            await asyncio.shield(self.flush())

    async def current(self, tenant: Tenant) -> list[Usage]:
        await self.flush()
        start, _ = period(datetime.now(UTC))
        return await self.repository.for_period(tenant.partner_id, start)
