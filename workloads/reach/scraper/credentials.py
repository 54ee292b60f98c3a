"""Credentials of the upstream sources, rotated from the `credential` table.

Each call takes the least recently used usable credential of its source (enabled, not resting),
so load spreads over all of them. Credentials are shared, not held: concurrent calls may take
the same one (a lock would leave a source with one credential unusable to all but one caller).
A credential the upstream refused for quota or auth rests (`disabled_till`) with the reason;
`validate_credential` tasks and `reach scraper credentials add` put new or re-validated ones in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

_TAKE = """
UPDATE credential SET last_used_at = now(), use_count = use_count + 1
WHERE id = (
    SELECT id FROM credential
    WHERE source = $1 AND enabled AND (disabled_till IS NULL OR disabled_till <= now())
    ORDER BY last_used_at NULLS FIRST, id
    LIMIT 1
)
RETURNING id, source, name, credentials
"""

_REST = """
UPDATE credential SET disabled_till = now() + make_interval(secs => $2::float8),
    disabled_reason = $3, updated_at = now()
WHERE id = $1
"""

_PUT = """
INSERT INTO credential (source, name, credentials, enabled, disabled_till, disabled_reason)
VALUES ($1, $2, $3, $4, NULL, $5)
ON CONFLICT (source, name) DO UPDATE SET
    credentials = excluded.credentials,
    enabled = excluded.enabled,
    disabled_till = NULL,
    disabled_reason = excluded.disabled_reason,
    updated_at = now()
RETURNING id
"""


@dataclass(frozen=True)
class Credential:
    id: int
    source: str
    name: str
    secrets: dict[str, Any]

    def secret(self, key: str) -> str:
        value = self.secrets.get(key)
        return value if isinstance(value, str) else ""


class CredentialStore:
    def __init__(
        self, pool: asyncpg.Pool, *, quota_cooldown_s: float, auth_cooldown_s: float
    ) -> None:
        self.pool = pool
        self.quota_cooldown_s = quota_cooldown_s
        self.auth_cooldown_s = auth_cooldown_s

    async def take(self, source: str) -> Credential | None:
        row = await self.pool.fetchrow(_TAKE, source)
        if row is None:
            return None
        return Credential(row["id"], row["source"], row["name"], row["credentials"])

    async def rest_after_quota(self, credential: Credential, reason: str) -> None:
        await self.pool.execute(_REST, credential.id, self.quota_cooldown_s, reason[:500])

    async def rest_after_auth(self, credential: Credential, reason: str) -> None:
        await self.pool.execute(_REST, credential.id, self.auth_cooldown_s, reason[:500])

    async def put(
        self,
        source: str,
        name: str,
        secrets: dict[str, Any],
        *,
        enabled: bool = True,
        reason: str | None = None,
    ) -> int:
        """Adds or replaces a credential (usable at once when enabled)."""
        value = await self.pool.fetchval(_PUT, source, name, secrets, enabled, reason)
        return int(value)
