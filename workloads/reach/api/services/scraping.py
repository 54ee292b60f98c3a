"""Asking the scraper's API (`POST /scrape_request_log/flow/{flow}`) for a task: a profile
refresh on a missing or stale lookup, a keyword search for a keyword nothing matched. The
scraper keeps one pending task per flow and key, so asking again while it works is free."""

from __future__ import annotations

from typing import Any

import httpx

from reach.api.envelope import ApiError
from reach.api.models import Refresh


class Scraper:
    def __init__(self, client: httpx.AsyncClient, *, retry_after_seconds: int) -> None:
        self.client = client
        self.retry_after_seconds = retry_after_seconds

    async def enqueue(self, flow: str, params: dict[str, Any], priority: int) -> Refresh:
        try:
            response = await self.client.post(
                f"/scrape_request_log/flow/{flow}", json={"params": params, "priority": priority}
            )
        except httpx.HTTPError as exc:
            raise ApiError(
                503, f"the scraper is unreachable: {exc}", code="SCRAPER_UNAVAILABLE"
            ) from None
        if response.status_code == 422:
            raise ApiError(422, f"the scraper cannot run {flow} for {params}", code="NOT_SCRAPABLE")
        if response.status_code not in (200, 201):
            raise ApiError(
                503, f"the scraper answered {response.status_code}", code="SCRAPER_UNAVAILABLE"
            )
        return Refresh(
            flow=flow, task_id=response.json()["id"], retry_after_seconds=self.retry_after_seconds
        )
