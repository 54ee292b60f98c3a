"""Credential validation (`validate_credential`): asks the source whether it accepts a
credential and stores it enabled, or disabled with the upstream's reason. Fed by the
credential-validity listener when another service hands over a new or refreshed token."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from reach.scraper.flows.base import Flow, FlowContext, FlowParams
from reach.scraper.queue.models import Complete
from reach.scraper.sources.capabilities import CredentialCheck
from reach.scraper.sources.errors import AuthFailed, Refused


class CredentialParams(FlowParams):
    source: str = Field(min_length=1, max_length=63)
    name: str = Field(min_length=1, max_length=200)
    secrets: dict[str, Any]

    def rate_key(self) -> str:
        return f"{self.source}:{self.name}"


async def validate_credential(ctx: FlowContext, p: CredentialParams) -> Complete:
    source = ctx.sources.get(p.source)
    if not isinstance(source, CredentialCheck):
        raise Refused("scraper", f"source {p.source!r} takes no credentials")
    try:
        await source.check_credential(p.secrets)
    except AuthFailed as exc:
        await ctx.credentials.put(p.source, p.name, p.secrets, enabled=False, reason=str(exc))
        return Complete(source=p.source, result={"valid": False, "reason": exc.detail})
    credential_id = await ctx.credentials.put(p.source, p.name, p.secrets)
    return Complete(source=p.source, result={"valid": True, "credential_id": credential_id})


VALIDATE_CREDENTIAL = Flow(
    name="validate_credential",
    platform="any",
    params=CredentialParams,
    run=validate_credential,
    description="Check a source credential with its upstream and store it (enabled or not).",
)
