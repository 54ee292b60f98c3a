"""LLM enrichment of a stored profile (`enrich_profile`): gender, location, language, category
and topics inferred from the bio and recent captions or titles by an OpenAI-compatible model
answering in a strict JSON schema; stored on the account and published as a profile_log."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

import json

from reach.scraper import processing
from reach.scraper.contract import EnrichParams, FlowName
from reach.scraper.flows.base import FlowContext, flow
from reach.scraper.models import Enrichment
from reach.scraper.networks import SCHEMAS
from reach.scraper.queue.models import Complete
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import StructuredChat
from reach.scraper.sources.errors import NotFound

RECENT_TEXTS = 12
SYSTEM = (
    "You profile social media creators for brand marketers. From the creator's name, bio and "
    "recent post texts (JSON), infer their likely gender (male, female or unknown), country "
    "(ISO 3166-1 alpha-2) and city if stated or obvious, the language they post in (ISO "
    "639-1), their main content category, and up to five lowercase topics. Use null where "
    "the texts do not say."
)


async def creator_brief(ctx: FlowContext, p: EnrichParams) -> str:
    """The stored facts the model reads; NotFound when the profile was never scraped."""
    schema = SCHEMAS[p.network]
    row = await ctx.pool.fetchrow(schema.brief_sql, p.profile_id)
    if row is None:
        raise NotFound("postgres", f"{p.network} profile {p.profile_id} is not stored yet")
    texts = await ctx.pool.fetch(schema.recent_texts_sql, p.profile_id, RECENT_TEXTS)
    recent = [r[0] for r in texts]
    facts = {k: v for k, v in dict(row).items() if v is not None}
    return json.dumps({"profile": facts, "recent_posts": recent}, ensure_ascii=False, default=str)


@flow(FlowName.ENRICH_PROFILE, sources=("openai",), rate_limits=(RateLimit(60, "minute"),))
async def enrich_profile(ctx: FlowContext, p: EnrichParams) -> Complete:
    """Infer a stored profile's gender, location, language, category and topics."""
    brief = await creator_brief(ctx, p)
    answer = await ctx.chain.first(
        StructuredChat, lambda s: s.answer(SYSTEM, brief, "profile_enrichment", Enrichment)
    )
    published = await processing.save_enrichment(
        ctx.pool, ctx.task_id, SCHEMAS[p.network], p.profile_id, answer.value, answer.source
    )
    if not published:
        raise NotFound("postgres", f"{p.network} profile {p.profile_id} vanished")
    await ctx.publish(published)
    return Complete(source=answer.source, result=answer.value.model_dump())
