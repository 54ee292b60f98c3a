"""Profile lookups: cache first, then PostgreSQL; a missing or stale profile, or one a person
asks to refresh, is sent to the scraper (its API deduplicates per handle, so asking again while
it works is free) and answered with 202 and a retry hint."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from reach.api.cache import ProfileCache, profile_key
from reach.api.envelope import ApiError
from reach.api.models import Profile, ProfileLookup, Refresh, SearchRequest
from reach.api.repositories.profiles import BadCursor, ProfileRepository
from reach.api.services.scraping import Scraper
from reach.common.networks import SocialNetwork
from reach.scraper.contract import REFRESH_FLOWS

# Lookups by people waiting on a dashboard go before periodic refreshes.
REFRESH_PRIORITY: Final = 50


@dataclass
class ProfileService:
    repository: ProfileRepository
    cache: ProfileCache
    scraper: Scraper
    _: KW_ONLY
    stale_after: timedelta

    async def lookup(self, platform: SocialNetwork, handle: str) -> ProfileLookup:
        key = profile_key(platform, handle)
        cached, generation = await self.cache.get(key)
        if cached is not None:
            return ProfileLookup(profile=cached)
        profile = await self.repository.by_handle(platform, handle)
        if profile is not None and not self._stale(profile):
            await self.cache.fill(key, generation, profile)
            return ProfileLookup(profile=profile)
        return ProfileLookup(profile=profile, refresh=await self._refresh(platform, handle))

    async def refresh(self, platform: SocialNetwork, handle: str) -> ProfileLookup:
        """A refresh asked for by a person ("refresh now"), fresh or not: what Reach holds
        meanwhile, and the task. The scraper's event invalidates the cached profile once the
        new one is saved."""
        profile = await self.repository.by_handle(platform, handle)
        return ProfileLookup(profile=profile, refresh=await self._refresh(platform, handle))

    async def search(
        self, platform: SocialNetwork, request: SearchRequest
    ) -> tuple[list[Profile], str | None]:
        try:
            return await self.repository.search(platform, request)
        except BadCursor as exc:
            raise ApiError(400, str(exc), code="BAD_CURSOR") from None

    def _stale(self, profile: Profile) -> bool:
        refreshed = profile.refreshed_at
        return refreshed is None or datetime.now(UTC) - refreshed > self.stale_after

    async def _refresh(self, platform: SocialNetwork, handle: str) -> Refresh:
        return await self.scraper.enqueue(
            REFRESH_FLOWS[platform], {"handle": handle}, REFRESH_PRIORITY
        )
