"""`mart_insta_account_summary` and `mart_insta_account_monthly`, an Instagram profile's page
head and monthly stats, replaced daily by their syncs; read by `AccountStatsService`."""

from __future__ import annotations

from typing import Final

import asyncpg

from reach.api.models import AccountMonth, AccountSummary
from reach.api.repositories.synced import SyncedRows, columns

_MONTH_COLUMNS: Final = columns(AccountMonth)


class AccountStatsRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._summaries = SyncedRows(
            pool, "mart_insta_account_summary", AccountSummary, "profile_id"
        )

    async def summary(self, profile_id: str) -> AccountSummary | None:
        return await self._summaries.one(profile_id)

    async def months(self, profile_id: str, count: int) -> list[AccountMonth] | None:
        """The profile's latest `count` observed months, oldest first; None if the summary
        knows no such profile."""
        rows = await self.pool.fetch(
            f"SELECT {_MONTH_COLUMNS} FROM (SELECT * FROM mart_insta_account_monthly"
            " WHERE profile_id = $1 ORDER BY month DESC LIMIT $2) latest ORDER BY month",
            profile_id,
            count,
        )
        if not rows and not await self._summaries.exists(profile_id):
            return None
        return [AccountMonth.model_validate(dict(r)) for r in rows]
