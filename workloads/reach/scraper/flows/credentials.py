"""Credential validation (`validate_credential`): asks the source whether it accepts a
credential and stores it enabled, or disabled with the upstream's reason. Fed by the
credential-validity listener when another service hands over a new or refreshed token."""

from __future__ import annotations

from reach.scraper.contract import CredentialParams, FlowName
from reach.scraper.flows.base import FlowContext, flow
from reach.scraper.queue.models import Complete
from reach.scraper.sources.capabilities import CredentialCheck
from reach.scraper.sources.errors import AuthFailed, Refused


@flow(FlowName.VALIDATE_CREDENTIAL)
async def validate_credential(ctx: FlowContext, p: CredentialParams) -> Complete:
    """Check a source credential with its upstream and store it (enabled or not)."""
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
