"""ScrapeFlow: one scraping flow's workers, fallback sources, rate limits and schedule."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from reach.operator.api.common import (
    AGE_COLUMN,
    CRON_PATTERN,
    READY_COLUMN,
    REASON_COLUMN,
    Autoscaling,
    Column,
    CustomResource,
    Model,
    PlatformBound,
    ScaledStatus,
    immutable,
)

SocialPlatform = Literal["instagram", "youtube"]


class RateLimit(Model):
    """At most `limit` calls per `per`, counted over all workers (or per handle)."""

    limit: int = Field(ge=1, le=100_000_000)
    per: Literal["second", "minute", "hour", "day"]
    scope: Literal["global", "handle"] = "global"


class Source(Model):
    name: str = Field(max_length=63, pattern=r"^[a-z0-9][-a-z0-9_]*$")
    rate_limits: list[RateLimit] = Field(default_factory=list, max_length=8)


class ScrapeFlowSpec(PlatformBound):
    platform: SocialPlatform = Field(description="The social platform scraped.")
    flow: str = Field(
        max_length=63,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The scraper flow these workers run, e.g. refresh_profile_by_handle.",
        json_schema_extra=immutable("flow"),
    )
    sources: list[Source] = Field(
        default_factory=list, max_length=10, description="Fallback order: first answers first."
    )
    rate_limits: list[RateLimit] = Field(
        default_factory=list, max_length=8, description="Limits over all sources."
    )
    workers: int = Field(default=1, ge=0, le=500, description="Replicas when not autoscaled.")
    concurrency: int = Field(default=8, ge=1, le=256, description="Tasks in flight per worker.")
    schedule: str | None = Field(
        default=None,
        max_length=128,
        pattern=CRON_PATTERN,
        description="Cron schedule of an enqueuer that adds tasks for this flow.",
    )
    enqueue_params: dict[str, Any] = Field(
        default_factory=dict,
        description="Parameters of the tasks the scheduled enqueuer adds.",
        json_schema_extra={"x-kubernetes-preserve-unknown-fields": True},
    )
    suspend: bool = False
    autoscaling: Autoscaling | None = None


class ScrapeFlow(CustomResource):
    kind = "ScrapeFlow"
    plural = "scrapeflows"
    short_names = ("sflow",)
    description = "A scraping flow: workers, fallback sources, rate limits, schedule."
    spec_model = ScrapeFlowSpec
    status_model = ScaledStatus
    scalable = True
    columns: ClassVar[tuple[Column, ...]] = (
        Column(name="Platform", type="string", json_path=".spec.platform"),
        Column(name="Flow", type="string", json_path=".spec.flow"),
        Column(name="Workers", type="integer", json_path=".status.replicas"),
        Column(name="Queue", type="integer", json_path=".status.queueDepth"),
        READY_COLUMN,
        REASON_COLUMN,
        AGE_COLUMN,
    )
