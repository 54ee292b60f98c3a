"""Sessions in Redis (`<prefix>:session:<id>`, expiring with their token) and the partners'
plan and status in PostgreSQL's `partner` table: what `reach gateway session` writes and the
gateway reads through its caches."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import cast

import asyncpg
from redis.asyncio import Redis

from reach.common.redis import create_redis
from reach.gateway import tokens
from reach.gateway.settings import GatewaySettings


class Plan(IntEnum):
    """Plans in rising order of what they see (the API gates fields by the same order)."""

    FREE = 0
    SAAS = 1
    PRO = 2


@dataclass(frozen=True)
class Session:
    partner_id: int
    user_id: str
    # At most this plan, whatever the partner's: a seat can be given less than its partner has.
    plan: str | None
    created_at: float

    def encode(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Session:
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class Partner:
    plan: str
    status: str

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"

    def encode(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Partner:
        return cls(**json.loads(raw))


def effective_plan(partner: Partner, session: Session) -> Plan:
    plan = Plan[partner.plan]
    return min(plan, Plan[session.plan]) if session.plan else plan


def new_session_id() -> str:
    return secrets.token_urlsafe(24)


class SessionStore:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:session"

    async def create(
        self, session_id: str, partner_id: int, user_id: str, plan: str | None, ttl: int
    ) -> Session:
        session = Session(partner_id, user_id, plan, time.time())
        await self._redis.set(f"{self._prefix}:{session_id}", session.encode(), ex=ttl)
        return session

    async def get(self, session_id: str) -> Session | None:
        raw = cast(bytes | None, await self._redis.get(f"{self._prefix}:{session_id}"))
        return None if raw is None else Session.decode(raw)

    async def revoke(self, session_id: str) -> bool:
        """True when the session existed."""
        return bool(await self._redis.delete(f"{self._prefix}:{session_id}"))


async def find_partner(db: asyncpg.Pool | asyncpg.Connection, partner_id: int) -> Partner | None:
    row = await db.fetchrow("SELECT plan_type, status FROM partner WHERE id = $1", partner_id)
    return None if row is None else Partner(plan=row["plan_type"], status=row["status"])


class SessionRefused(ValueError):
    """A session that may not be opened; the message says why."""


def check_plan(partner_id: int, partner: Partner | None, plan: str | None) -> None:
    if partner is None:
        raise SessionRefused(f"partner {partner_id} does not exist")
    if not partner.active:
        raise SessionRefused(f"partner {partner_id} is {partner.status.lower()}")
    if plan is not None and Plan[plan] > Plan[partner.plan]:
        raise SessionRefused(
            f"partner {partner_id} is on {partner.plan}: a session cannot see more ({plan})"
        )


async def open_session(
    settings: GatewaySettings, partner_id: int, user_id: str, plan: str | None, ttl: int | None
) -> tuple[str, str]:
    """Opens a session for `user_id` of `partner_id`; returns its id and token."""
    lifetime = ttl or settings.gateway_session_ttl_seconds
    session_id = new_session_id()
    token = tokens.issue(
        settings, session_id=session_id, partner_id=partner_id, user_id=user_id, ttl=lifetime
    )
    conn = await asyncpg.connect(str(settings.postgres_dsn))
    try:
        partner = await find_partner(conn, partner_id)
    finally:
        await conn.close()
    check_plan(partner_id, partner, plan)
    redis = create_redis(settings)
    try:
        await SessionStore(redis, settings.gateway_key_prefix).create(
            session_id, partner_id, user_id, plan, lifetime
        )
    finally:
        await redis.aclose()
    return session_id, token


async def revoke_session(settings: GatewaySettings, session_id: str) -> bool:
    redis = create_redis(settings)
    try:
        return await SessionStore(redis, settings.gateway_key_prefix).revoke(session_id)
    finally:
        await redis.aclose()
