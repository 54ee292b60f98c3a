"""GPT enrichment of a stored profile: the flows of `ENRICHMENT_FLOWS`, each declared once as an
`Enricher` (its flow, prompt, answer model and where the answer lands) and run by one `run`.

Every enricher reads the same creator brief (the stored profile and its recent post texts) and
asks an OpenAI-compatible model for a strict JSON schema answer (asked again when it is not
JSON in the schema, by the source); the answer lands on the account's columns (published as a
profile_log), in `audience_info_gpt`, or on the posts. The tokens and cost of the answer are
recorded in the task's result.
"""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from pydantic import BaseModel, Field, create_model

from reach.common.events import events_pb2 as pb
from reach.scraper import processing
from reach.scraper.contract import EnrichParams, FlowName
from reach.scraper.flows.base import Flow, FlowContext, flow
from reach.scraper.models import Enrichment, Snapshot
from reach.scraper.networks import SCHEMAS, NetworkSchema
from reach.scraper.queue.models import Complete
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import StructuredChat
from reach.scraper.sources.errors import Malformed, NotFound, Refused

RECENT_TEXTS = 12
CREATOR = (
    "You profile social media creators for brand marketers. You are given a creator's stored "
    "profile and recent posts (id and text) as JSON. "
)


@dataclass(frozen=True)
class Brief:
    """What the model reads about one stored profile."""

    schema: NetworkSchema[Any, Any]
    profile_id: str
    post_ids: tuple[str, ...]
    text: str


class Landing(Protocol):
    """Where an enricher's answer lands."""

    def check(self, brief: Brief, model: type[BaseModel]) -> None:
        """Raises when an answer of `model` could not land for this profile (checked before
        the model is paid)."""

    async def store(
        self, ctx: FlowContext, brief: Brief, answer: Any, source: str
    ) -> Sequence[pb.Event]:
        """Stores the answer (all or nothing); the events to publish."""
        ...


def _fields_of(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


class AccountColumns:
    """The answer's fields are account columns of the same names (those a network stores)."""

    def columns(self, brief: Brief, model: type[BaseModel]) -> tuple[str, ...]:
        return tuple(f for f in _fields_of(model) if f in brief.schema.enriched)

    def check(self, brief: Brief, model: type[BaseModel]) -> None:
        if not self.columns(brief, model):
            raise Refused(
                "postgres", f"{brief.schema.network} accounts store none of {_fields_of(model)}"
            )

    async def store(
        self, ctx: FlowContext, brief: Brief, answer: BaseModel, source: str
    ) -> Sequence[pb.Event]:
        stored = {c: getattr(answer, c) for c in self.columns(brief, type(answer))}
        published = await processing.save_enrichment(
            ctx.pool, ctx.task_id, brief.schema, brief.profile_id, stored, source
        )
        if not published:
            raise NotFound(
                "postgres", f"{brief.schema.network} profile {brief.profile_id} vanished"
            )
        return published


class Share(Snapshot):
    bucket: str = Field(description="The bucket's name")
    share: float = Field(description="Its share of the audience, 0 to 1")


class AudienceAnswer(Snapshot):
    """Who follows a creator, as a model infers it."""

    gender: list[Share] = Field(description="Buckets male, female")
    age: list[Share] = Field(description="Buckets 13-17, 18-24, 25-34, 35-44, 45-54, 55+")
    location: list[Share] = Field(description="Up to five ISO 3166-1 alpha-2 country codes")
    interests: list[str] = Field(description="Up to five lowercase interests of the audience")


class AudienceTable:
    """The answer replaces the profile's row of `audience_info_gpt`."""

    def check(self, brief: Brief, model: type[BaseModel]) -> None:
        return None

    async def store(
        self, ctx: FlowContext, brief: Brief, answer: AudienceAnswer, source: str
    ) -> Sequence[pb.Event]:
        buckets = {
            kind: {s.bucket: s.share for s in getattr(answer, kind)}
            for kind in ("gender", "age", "location")
        }
        await processing.save_audience(
            ctx.pool,
            ctx.task_id,
            brief.schema.network,
            brief.profile_id,
            buckets,
            answer.interests,
            source,
        )
        return ()


class PostClass(Snapshot):
    post_id: str = Field(description="The post's id as given")
    category: str = Field(description="The post's content category")
    is_sponsored: bool = Field(description="Whether the post is a paid partnership or an ad")
    brands: list[str] = Field(description="Brands the post names or tags, lowercase")


class ContentAnswer(Snapshot):
    posts: list[PostClass]


class PostColumns:
    """The answer classifies each recent post the brief gave, exactly those."""

    def check(self, brief: Brief, model: type[BaseModel]) -> None:
        if not brief.post_ids:
            raise NotFound("postgres", f"profile {brief.profile_id} has no stored post texts")

    async def store(
        self, ctx: FlowContext, brief: Brief, answer: ContentAnswer, source: str
    ) -> Sequence[pb.Event]:
        got = {c.post_id: c for c in answer.posts}
        if set(got) != set(brief.post_ids):
            missing, extra = (
                len(set(brief.post_ids) - set(got)),
                len(set(got) - set(brief.post_ids)),
            )
            raise Malformed(
                source, f"classified other posts than asked ({missing} missing, {extra} extra)"
            )
        await processing.save_content_classes(
            ctx.pool,
            brief.schema,
            brief.profile_id,
            [(i, got[i].category, got[i].is_sponsored, got[i].brands) for i in brief.post_ids],
        )
        return ()


def answer_of(name: str, *fields: str) -> type[BaseModel]:
    """A strict answer model of some of `Enrichment`'s fields (their types and descriptions)."""
    chosen: dict[str, Any] = {
        f: (Enrichment.model_fields[f].annotation, Enrichment.model_fields[f]) for f in fields
    }
    model: type[BaseModel] = create_model(name, __base__=Snapshot, **chosen)
    return model


@dataclass(frozen=True)
class Enricher:
    """One GPT enrichment: its flow, what it asks, the answer's schema (named `schema_name` in
    the request), and where the answer lands."""

    flow: FlowName
    schema_name: str
    ask: str
    answer: type[BaseModel]
    landing: Landing

    @property
    def system(self) -> str:
        return CREATOR + self.ask


ACCOUNT = AccountColumns()
ENRICHERS: Mapping[FlowName, Enricher] = {
    e.flow: e
    for e in (
        Enricher(
            FlowName.ENRICH_PROFILE,
            "profile_enrichment",
            "Infer their likely gender (male, female or unknown), country (ISO 3166-1 alpha-2) "
            "and city if stated or obvious, the language they post in (ISO 639-1), their main "
            "content category, and up to five lowercase topics. Use null where the texts do "
            "not say.",
            Enrichment,
            ACCOUNT,
        ),
        Enricher(
            FlowName.ENRICH_PROFILE_GENDER,
            "creator_gender",
            "Infer the creator's likely gender from their name and how they write about "
            "themselves: male, female, or unknown when the texts do not make it clear.",
            answer_of("GenderAnswer", "gender"),
            ACCOUNT,
        ),
        Enricher(
            FlowName.ENRICH_PROFILE_LOCATION,
            "creator_location",
            "Infer where the creator lives: the country (ISO 3166-1 alpha-2) and city, each "
            "only if stated or obvious from the texts, else null.",
            answer_of("LocationAnswer", "country", "city"),
            ACCOUNT,
        ),
        Enricher(
            FlowName.ENRICH_PROFILE_CATEGORY,
            "creator_category",
            "Name the creator's main content category (one lowercase word such as food, "
            "travel, fashion, beauty, fitness, tech, gaming, music, comedy, education, "
            "lifestyle) and the language they post in (ISO 639-1, or null).",
            answer_of("CategoryAnswer", "category", "language"),
            ACCOUNT,
        ),
        Enricher(
            FlowName.ENRICH_PROFILE_TOPICS,
            "creator_topics",
            "List up to five lowercase topics the creator posts about, most frequent first.",
            answer_of("TopicsAnswer", "topics"),
            ACCOUNT,
        ),
        Enricher(
            FlowName.ENRICH_PROFILE_AUDIENCE,
            "audience_profile",
            "Estimate who follows this creator: the shares of their audience by gender and age "
            "bucket, their top countries, and the audience's interests. Shares of each list "
            "sum to 1.",
            AudienceAnswer,
            AudienceTable(),
        ),
        Enricher(
            FlowName.CLASSIFY_PROFILE_CONTENT,
            "content_classification",
            "Classify every recent post given: its content category, whether it is a paid "
            "partnership or an ad (#ad, #sponsored, a paid partnership label, a discount "
            "code), and the brands it names or tags. Classify every post, keep its id, add "
            "none.",
            ContentAnswer,
            PostColumns(),
        ),
    )
}


async def creator_brief(ctx: FlowContext, p: EnrichParams) -> Brief:
    """The stored facts the model reads; NotFound when the profile was never scraped."""
    schema = SCHEMAS[p.network]
    row = await ctx.pool.fetchrow(schema.brief_sql, p.profile_id)
    if row is None:
        raise NotFound("postgres", f"{p.network} profile {p.profile_id} is not stored yet")
    texts = await ctx.pool.fetch(schema.recent_texts_sql, p.profile_id, RECENT_TEXTS)
    recent = [{"id": r["id"], "text": r["text"]} for r in texts]
    facts = {k: v for k, v in dict(row).items() if v is not None}
    text = json.dumps({"profile": facts, "recent_posts": recent}, ensure_ascii=False, default=str)
    return Brief(schema, p.profile_id, tuple(r["id"] for r in recent), text)


async def run(ctx: FlowContext, enricher: Enricher, p: EnrichParams) -> Complete:
    """Runs `enricher` on profile `p`: brief, answer, landing, events; the result records the
    answer and what it cost."""
    brief = await creator_brief(ctx, p)
    enricher.landing.check(brief, enricher.answer)
    answered = await ctx.chain.first(
        StructuredChat,
        lambda s: s.answer(enricher.system, brief.text, enricher.schema_name, enricher.answer),
    )
    answer = answered.value
    await ctx.publish(await enricher.landing.store(ctx, brief, answer.value, answered.source))
    return Complete(
        source=answered.source,
        result={**answer.value.model_dump(), "usage": asdict(answer.usage)},
    )


def _declare(enricher: Enricher) -> Flow[EnrichParams]:
    async def enrich(ctx: FlowContext, p: EnrichParams) -> Complete:
        return await run(ctx, enricher, p)

    enrich.__doc__ = f"GPT enrichment of a stored profile: {enricher.ask}"
    declared: Flow[EnrichParams] = flow(
        enricher.flow, sources=("openai",), rate_limits=(RateLimit(60, "minute"),)
    )(enrich)
    return declared


FLOWS: tuple[Flow[Any], ...] = tuple(_declare(e) for e in ENRICHERS.values())
