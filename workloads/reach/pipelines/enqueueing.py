"""Periodic asset uploads asked of the scraper API (`reach pipelines enqueue assets`, run by the
Airflow DAG `upload_assets`): pick the media not yet in object storage from PostgreSQL, and POST
one task each to `/scrape_request_log/flow/{flow}`. The API deduplicates pending tasks (one per
flow and asset), so a rerun or an overlapping run enqueues nothing twice. Stale profiles are the
scraper's own enqueuer's (`reach scraper enqueue` with `stale_after_hours`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx

from reach.scraper.contract import FlowName

# Media whose current URL has no stored copy (a changed picture has a new URL). Only http(s)
# URLs: the upload flow rejects anything else, and a rejected request fails the run every time.
# (platform, entity_type, table, id column, asset_type, url column, biggest-first column)
_ASSET_SOURCES = (
    ("instagram", "profile", "instagram_account", "profile_id", "profile_pic", "profile_pic_url",
     "followers"),
    ("instagram", "post", "instagram_post", "post_id", "thumbnail", "thumbnail_url",
     "publish_time"),
    ("youtube", "profile", "youtube_account", "channel_id", "profile_pic", "thumbnail_url",
     "subscribers"),
    ("youtube", "post", "youtube_post", "video_id", "thumbnail", "thumbnail_url", "publish_time"),
)  # fmt: skip


def _missing(
    platform: str, entity: str, table: str, key: str, asset: str, url: str, order: str
) -> str:
    return f"""(SELECT '{platform}' AS platform, '{entity}' AS entity_type, t.{key} AS entity_id,
            '{asset}' AS asset_type, t.{url} AS url
     FROM {table} AS t
     WHERE t.{url} ~ '^https?://' AND NOT EXISTS (
        SELECT 1 FROM asset_log AS l
        WHERE l.platform = '{platform}' AND l.entity_type = '{entity}'
          AND l.entity_id = t.{key} AND l.asset_type = '{asset}' AND l.source_url = t.{url})
     ORDER BY t.{order} DESC NULLS LAST LIMIT $1)"""


MISSING_ASSETS = (
    "SELECT * FROM (\n"
    + "\n    UNION ALL\n".join(_missing(*source) for source in _ASSET_SOURCES)
    + "\n) AS missing"
)


@dataclass(frozen=True)
class TaskRequest:
    """One POST to the scraper API's enqueue route."""

    flow: str
    params: dict[str, Any]
    priority: int = 0

    def body(self) -> dict[str, Any]:
        return {"params": self.params, "priority": self.priority}


@dataclass
class EnqueueSummary:
    """Per flow: tasks created, requests a pending task absorbed, requests that failed."""

    created: Counter[str] = field(default_factory=Counter)
    duplicate: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        flows = sorted(set(self.created) | set(self.duplicate) | set(self.failed))
        return {
            "flows": {
                flow: {
                    "created": self.created[flow],
                    "duplicate": self.duplicate[flow],
                    "failed": self.failed[flow],
                }
                for flow in flows
            },
            "errors": self.errors[:10],
        }


def asset_requests(rows: Iterable[Sequence[str]]) -> list[TaskRequest]:
    """Rows of (network, entity_type, entity_id, asset_type, url) as asset upload tasks."""
    return [
        TaskRequest(
            FlowName.UPLOAD_ASSET,
            {
                "network": network,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "asset_type": asset_type,
                "url": url,
            },
        )
        for network, entity_type, entity_id, asset_type, url in rows
    ]


async def missing_assets(conn: asyncpg.Connection, limit: int) -> list[TaskRequest]:
    return asset_requests(tuple(r) for r in await conn.fetch(MISSING_ASSETS, limit))


async def post_requests(
    client: httpx.AsyncClient, requests: Sequence[TaskRequest], concurrency: int
) -> EnqueueSummary:
    """POSTs every request with at most `concurrency` in flight; 201 is a new task, 200 a
    pending duplicate, anything else (or no answer) a failure recorded with its reason."""
    summary = EnqueueSummary()
    gate = asyncio.Semaphore(concurrency)

    async def post(request: TaskRequest) -> None:
        async with gate:
            try:
                response = await client.post(
                    f"/scrape_request_log/flow/{request.flow}", json=request.body()
                )
            except httpx.HTTPError as exc:
                summary.failed[request.flow] += 1
                summary.errors.append(f"{request.flow}: {type(exc).__name__}: {exc}")
                return
        if response.status_code == 201:
            summary.created[request.flow] += 1
        elif response.status_code == 200:
            summary.duplicate[request.flow] += 1
        else:
            summary.failed[request.flow] += 1
            summary.errors.append(f"{request.flow}: HTTP {response.status_code}: {response.text}")

    async with asyncio.TaskGroup() as group:
        for request in requests:
            group.create_task(post(request))
    return summary
