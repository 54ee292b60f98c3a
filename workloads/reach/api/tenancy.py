"""Who is asking: the partner and plan the gateway puts in `x-bb-partner-id` and
`x-bb-plan-type` (the API trusts them because only the gateway can reach it), and what that plan
may see. Missing headers are 401 and values the gateway never sets are 403, as the gateway
itself would answer.

What a plan sees is declared on the response models: a field marked `plan_field("PRO")` is
emptied for lower plans by `redact`, so no route decides visibility itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Annotated, Any, TypeVar

import asyncpg
from cachetools import TTLCache
from fastapi import Depends, Header, Request
from pydantic import BaseModel, Field

from reach.api.envelope import ApiError

M = TypeVar("M", bound=BaseModel)


class Plan(IntEnum):
    """Plans in rising order of what they see."""

    FREE = 0
    SAAS = 1
    PRO = 2


def plan_field(minimum: str, **kwargs: Any) -> Any:
    """A response field only plans >= `minimum` see; lower plans get null."""
    return Field(default=None, json_schema_extra={"x-min-plan": minimum}, **kwargs)


def redact(model: M, plan: Plan) -> M:
    """`model` with the fields `plan` may not see emptied (nested models included)."""
    updates: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        extra = info.json_schema_extra
        minimum = extra.get("x-min-plan") if isinstance(extra, dict) else None
        if isinstance(minimum, str) and plan < Plan[minimum]:
            updates[name] = None
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            updates[name] = redact(value, plan)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            updates[name] = [redact(v, plan) for v in value]
    return model.model_copy(update=updates) if updates else model


def redact_each(models: list[M], plan: Plan) -> list[M]:
    return [redact(model, plan) for model in models]


@dataclass(frozen=True)
class Tenant:
    partner_id: int
    plan: Plan


class Partners:
    """Whether a partner exists and is active, cached briefly (every request asks)."""

    def __init__(self, pool: asyncpg.Pool, ttl_seconds: float = 30) -> None:
        self._pool = pool
        self._status: TTLCache[int, str | None] = TTLCache(maxsize=10_000, ttl=ttl_seconds)

    async def status(self, partner_id: int) -> str | None:
        if partner_id not in self._status:
            self._status[partner_id] = await self._pool.fetchval(
                "SELECT status FROM partner WHERE id = $1", partner_id
            )
        return self._status[partner_id]


_MAX_PARTNER_ID = 2**63 - 1


def tenant_headers(partner_id: str | None, plan_type: str | None) -> tuple[int, Plan]:
    """The partner id and plan the gateway's headers name, as the gateway would judge them:
    401 when one is missing (or empty), 403 when one is not a value the gateway sets (forged)."""
    missing = [name for name, value in (("x-bb-partner-id", partner_id),
                                        ("x-bb-plan-type", plan_type)) if not value]  # fmt: skip
    if missing or partner_id is None or plan_type is None:
        raise ApiError(401, f"missing {', '.join(missing)}: requests come through the gateway")
    digits = partner_id.isascii() and partner_id.isdigit() and len(partner_id) <= 19
    number = int(partner_id) if digits else 0
    if not 0 < number <= _MAX_PARTNER_ID or partner_id != str(number):
        raise ApiError(403, "x-bb-partner-id is not a partner id", code="INVALID_TENANT")
    if plan_type not in Plan.__members__:
        raise ApiError(403, "x-bb-plan-type is not a plan", code="INVALID_TENANT")
    return number, Plan[plan_type]


async def _tenant(
    request: Request,
    partner_id: Annotated[
        str | None, Header(alias="x-bb-partner-id", description="Set by the gateway.")
    ] = None,
    plan_type: Annotated[
        str | None, Header(alias="x-bb-plan-type", description="FREE, SAAS or PRO; the gateway's.")
    ] = None,
) -> Tenant:
    number, plan = tenant_headers(partner_id, plan_type)
    partners: Partners = request.app.state.services.partners
    status = await partners.status(number)
    if status is None:
        raise ApiError(403, f"unknown partner {number}", code="UNKNOWN_PARTNER")
    if status != "ACTIVE":
        raise ApiError(403, f"partner {number} is {status.lower()}", code="PARTNER_SUSPENDED")
    return Tenant(partner_id=number, plan=plan)


# A router whose routes read nothing of the tenant still requires one: `dependencies=[TENANTED]`.
TENANTED = Depends(_tenant)
CurrentTenant = Annotated[Tenant, TENANTED]
