"""Who is calling: the bearer token verified (L1 of verified tokens, a bounded negative cache of
refused ones), its session looked up (L1 over Redis), its partner's plan and status (L1 over
Redis L2 over PostgreSQL). The result is an `Identity` or a `Refusal`; the ASGI layer in
`reach.gateway.layers` turns either into headers or an error answer."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg
from cachetools import TTLCache
from redis.asyncio import Redis

from reach.gateway import metrics
from reach.gateway.caching import Layered
from reach.gateway.sessions import (
    Partner,
    Plan,
    Session,
    SessionStore,
    effective_plan,
    find_partner,
)
from reach.gateway.settings import GatewaySettings
from reach.gateway.tokens import Claims, Refusal, Verifier, unauthenticated


@dataclass(frozen=True)
class Identity:
    partner_id: int
    user_id: str
    plan: Plan
    session_id: str


def bearer(authorization: str | None) -> str:
    if not authorization:
        raise unauthenticated("MISSING_TOKEN", "an Authorization: Bearer <token> header is needed")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("MALFORMED_TOKEN", "the Authorization header is not 'Bearer <token>'")
    return token.strip()


class Authenticator:
    def __init__(
        self, settings: GatewaySettings, verifier: Verifier, redis: Redis, pool: asyncpg.Pool
    ) -> None:
        size, ttl = settings.gateway_l1_size, settings.gateway_l1_seconds
        self._verifier = verifier
        self._leeway = settings.gateway_jwt_leeway_seconds
        self._tokens: TTLCache[str, Claims] = TTLCache(maxsize=size, ttl=ttl)
        self._refused: TTLCache[str, Refusal] = TTLCache(
            maxsize=settings.gateway_negative_size, ttl=max(ttl, 60)
        )
        store = SessionStore(redis, settings.gateway_key_prefix)
        self._sessions: Layered[Session] = Layered(
            "session", store.get, l1_size=size, l1_seconds=ttl
        )

        async def partner(key: str) -> Partner | None:
            return await find_partner(pool, int(key))

        self._partners: Layered[Partner] = Layered(
            "partner",
            partner,
            l1_size=size,
            l1_seconds=ttl,
            l2=(redis, f"{settings.gateway_key_prefix}:partner", settings.gateway_l2_seconds),
            encode=Partner.encode,
            decode=Partner.decode,
        )
        self._token_hit = metrics.CACHE_LOOKUPS.labels("token", "l1")
        self._token_miss = metrics.CACHE_LOOKUPS.labels("token", "source")
        self._token_refused = metrics.CACHE_LOOKUPS.labels("token", "negative")

    async def claims(self, token: str) -> Claims:
        claims = self._tokens.get(token)
        if claims is not None:
            if claims.expires_at + self._leeway >= time.time():
                self._token_hit.inc()
                return claims
            del self._tokens[token]
        refused = self._refused.get(token)
        if refused is not None:
            self._token_refused.inc()
            raise refused
        self._token_miss.inc()
        try:
            if self._verifier.blocking:
                claims = await asyncio.to_thread(self._verifier.verify, token)
            else:
                claims = self._verifier.verify(token)
        except Refusal as refusal:
            # A token that is not valid yet may become valid: only final verdicts are kept.
            if refusal.code != "TOKEN_NOT_YET_VALID":
                self._refused[token] = refusal
            raise
        self._tokens[token] = claims
        return claims

    async def identify(self, authorization: str | None) -> Identity:
        claims = await self.claims(bearer(authorization))
        session = await self._sessions.get(claims.session_id)
        if session is None:
            raise unauthenticated("SESSION_NOT_FOUND", "the session has ended or was revoked")
        if session.partner_id != claims.partner_id or session.user_id != claims.user_id:
            raise unauthenticated("SESSION_MISMATCH", "the token does not match its session")
        partner = await self._partners.get(str(claims.partner_id))
        if partner is None:
            raise Refusal(403, "UNKNOWN_PARTNER", f"partner {claims.partner_id} does not exist")
        if not partner.active:
            raise Refusal(
                403,
                "PARTNER_SUSPENDED",
                f"partner {claims.partner_id} is {partner.status.lower()}",
            )
        return Identity(
            claims.partner_id, claims.user_id, effective_plan(partner, session), claims.session_id
        )
