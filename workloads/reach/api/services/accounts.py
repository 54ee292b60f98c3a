"""An Instagram profile's summary and monthly stats for the discovery routes: what the synced
marts hold, and a 404 naming the profile when they do not know it (not synced yet, or no such
profile)."""

from __future__ import annotations

from dataclasses import dataclass

from reach.api.envelope import existing
from reach.api.models import AccountMonth, AccountSummary
from reach.api.repositories.accounts import AccountStatsRepository


def _unknown(profile_id: str) -> str:
    return f"account stats of instagram profile {profile_id}"


@dataclass
class AccountStatsService:
    repository: AccountStatsRepository

    async def summary(self, profile_id: str) -> AccountSummary:
        return existing(await self.repository.summary(profile_id), _unknown(profile_id))

    async def monthly(self, profile_id: str, months: int) -> list[AccountMonth]:
        return existing(await self.repository.months(profile_id, months), _unknown(profile_id))
