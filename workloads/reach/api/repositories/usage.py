"""`partner_usage`: requests counted per partner, metered module and calendar month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from reach.api.models import Usage

# Adds each counter's requests (zero refreshes it) and returns the totals, which include what
# other API processes added. The counts are not worth a disk flush each, so this transaction
# commits without waiting for its WAL (set_config(..., true) is local to it).
_ADD = """
INSERT INTO partner_usage
    (partner_id, module, plan_type, usage_count, limit_count, valid_from, valid_to)
SELECT u.partner_id, u.module, u.plan_type, u.added, u.limit_count, u.valid_from, u.valid_to
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[],
            $6::timestamptz[], $7::timestamptz[])
     AS u(partner_id, module, plan_type, added, limit_count, valid_from, valid_to),
     (SELECT set_config('synchronous_commit', 'off', true)) s
ON CONFLICT (partner_id, module, valid_from) DO UPDATE
    SET usage_count = partner_usage.usage_count + EXCLUDED.usage_count,
        plan_type = EXCLUDED.plan_type, limit_count = EXCLUDED.limit_count, updated_at = now()
RETURNING partner_id, module, valid_from, usage_count
"""


@dataclass(frozen=True)
class Counter:
    """One row of `partner_usage`; the plan and its limit are carried, not part of the key."""

    partner_id: int
    module: str
    valid_from: datetime
    valid_to: datetime
    plan: str = field(compare=False)
    limit: int | None = field(compare=False)


class UsageRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, counts: dict[Counter, int]) -> dict[Counter, int]:
        """Adds `counts`; the stored total of each counter after the addition."""
        counters = list(counts)
        rows = await self.pool.fetch(
            _ADD,
            [c.partner_id for c in counters],
            [c.module for c in counters],
            [c.plan for c in counters],
            list(counts.values()),
            [c.limit for c in counters],
            [c.valid_from for c in counters],
            [c.valid_to for c in counters],
        )
        by_key = {(r["partner_id"], r["module"], r["valid_from"]): r["usage_count"] for r in rows}
        return {c: by_key[(c.partner_id, c.module, c.valid_from)] for c in counters}

    async def for_period(self, partner_id: int, valid_from: datetime) -> list[Usage]:
        rows = await self.pool.fetch(
            "SELECT module, plan_type, usage_count AS used, limit_count AS limit, valid_from,"
            " valid_to FROM partner_usage WHERE partner_id = $1 AND valid_from = $2"
            " ORDER BY module",
            partner_id,
            valid_from,
        )
        return [Usage.model_validate(dict(r)) for r in rows]
