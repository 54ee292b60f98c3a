"""Credentials of the upstream sources, rotated from the `credential` table.

Each call takes the least recently used usable credential of its source (enabled, not resting),
so load spreads over all of them. Credentials are shared, not held: concurrent calls may take
the same one (a lock would leave a source with one credential unusable to all but one caller).
A credential the upstream refused for quota or auth rests (`disabled_till`) with the reason;
`validate_credential` tasks and `reach scraper credentials add` put new or re-validated ones in;
the `identity_token` listener applies the tokens the identity service issues, rotates and revokes
(`put_token`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

_TAKE = """
UPDATE credential SET last_used_at = now(), use_count = use_count + 1
WHERE id = (
    SELECT id FROM credential
    WHERE source = $1 AND ($2::text IS NULL OR name = $2)
        AND enabled AND (disabled_till IS NULL OR disabled_till <= now())
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

# A token change applies only over an older one (or none): redelivered and reordered messages
# leave the newest token in place. A rotation may name only the keys that changed.
_PUT_TOKEN = """
INSERT INTO credential AS c
    (source, name, credentials, enabled, disabled_reason, token_issued_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (source, name) DO UPDATE SET
    credentials = CASE WHEN $7 THEN c.credentials || excluded.credentials
                       ELSE excluded.credentials END,
    enabled = excluded.enabled,
    disabled_till = NULL,
    disabled_reason = excluded.disabled_reason,
    token_issued_at = excluded.token_issued_at,
    updated_at = now()
WHERE c.token_issued_at IS NULL OR c.token_issued_at < excluded.token_issued_at
RETURNING id
"""


async def put_token(
    pool: asyncpg.Pool,
    source: str,
    name: str,
    secrets: dict[str, Any],
    *,
    issued_at: datetime,
    merge: bool,
    revoked_reason: str | None = None,
) -> int | None:
    """Applies a token the identity service issued at `issued_at`: its secrets replace the
    credential's (are merged into them with `merge`); a revocation (`revoked_reason`) disables
    it. Returns the credential's id, or None when it holds a token issued since."""
    value = await pool.fetchval(
        _PUT_TOKEN,
        source,
        name,
        secrets,
        revoked_reason is None,
        revoked_reason,
        issued_at,
        merge,
    )
    return None if value is None else int(value)


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

    async def take(self, source: str, name: str | None = None) -> Credential | None:
        """The next usable credential of `source` (only the one named `name` when given: a
        store's own token)."""
        row = await self.pool.fetchrow(_TAKE, source, name)
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
