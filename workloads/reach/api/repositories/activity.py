"""`activity_tracker`: what a partner's users did, for their own audit views."""

from __future__ import annotations

import asyncpg

from reach.api.models import Activity, ActivityIn

_COLUMNS = "id, user_id, activity_type, entity_type, entity_id, metadata, created_at"


class ActivityRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def record(self, partner_id: int, body: ActivityIn) -> Activity:
        row = await self.pool.fetchrow(
            "INSERT INTO activity_tracker"
            " (partner_id, user_id, activity_type, entity_type, entity_id, metadata)"
            f" VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_COLUMNS}",
            partner_id,
            body.user_id,
            body.activity_type,
            body.entity_type,
            body.entity_id,
            body.metadata,
        )
        return Activity.model_validate(dict(row))

    async def page(
        self, partner_id: int, activity_type: str | None, offset: int, size: int
    ) -> tuple[list[Activity], int]:
        condition = "partner_id = $1 AND ($2::text IS NULL OR activity_type = $2)"
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM activity_tracker WHERE {condition}"
            " ORDER BY created_at DESC, id DESC OFFSET $3 LIMIT $4",
            partner_id,
            activity_type,
            offset,
            size,
        )
        total = await self.pool.fetchval(
            f"SELECT count(*) FROM activity_tracker WHERE {condition}", partner_id, activity_type
        )
        return [Activity.model_validate(dict(r)) for r in rows], int(total)
