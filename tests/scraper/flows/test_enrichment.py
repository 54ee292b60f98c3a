"""LLM enrichment against the sandbox's OpenAI-compatible API: the strict-schema answer is
stored on the account (of either network) and published as a profile_log."""

from __future__ import annotations

import json

import asyncpg
import pytest

from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Universe
from reach.scraper.queue.models import Complete, Fail, Retry
from reach.scraper.running import Runtime

from ..conftest import EventTap, run_task

pytestmark = pytest.mark.service


async def test_enrich_a_refreshed_profile(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    creator = universe.creator(0)
    assert creator is not None and creator.is_business
    await run_task(runtime, "refresh_instagram_posts", {"handle": creator.handle, "limit": 5})
    await run_task(runtime, "refresh_instagram_profile", {"handle": creator.handle})
    _, outcome = await run_task(
        runtime, "enrich_profile", {"network": "instagram", "profile_id": creator.profile_id}
    )
    assert isinstance(outcome, Complete) and outcome.source == "openai"
    assert outcome.result["gender"] == creator.gender
    assert (outcome.result["city"], outcome.result["country"]) == (creator.city, creator.country)
    row = await pool.fetchrow(
        "SELECT gender, city, country, category, topics FROM instagram_account"
    )
    assert (row["gender"], row["city"], row["category"]) == (
        creator.gender,
        creator.city,
        creator.category,
    )
    assert row["topics"] and all(t.islower() for t in row["topics"])
    events = await beat_events.wait_for("profile_log", 2)
    enriched = events[-1].profile_log
    assert enriched.dimensions["gender"] == creator.gender
    assert enriched.metrics["followers"] == creator.followers


async def test_enrich_a_refreshed_channel(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    channel = universe.channel(0)
    assert channel is not None
    await run_task(runtime, "refresh_youtube_channel", {"channel_id": channel.channel_id})
    await run_task(
        runtime, "refresh_youtube_channel_videos", {"channel_id": channel.channel_id, "limit": 5}
    )
    _, outcome = await run_task(
        runtime, "enrich_profile", {"network": "youtube", "profile_id": channel.channel_id}
    )
    assert isinstance(outcome, Complete) and outcome.source == "openai"
    row = await pool.fetchrow("SELECT category, language, subscribers FROM youtube_account")
    assert row["category"] == outcome.result["category"]
    events = await beat_events.wait_for("profile_log", 2)
    enriched = events[-1].profile_log
    assert enriched.dimensions["category"] == outcome.result["category"]
    assert enriched.dimensions["full_name"] == channel.title
    assert enriched.metrics["subscribers"] == row["subscribers"] == channel.subscribers


async def test_the_request_carries_a_strict_json_schema(
    runtime: Runtime, sandbox: tuple[str, SandboxState]
) -> None:
    from reach.scraper.models import Enrichment
    from reach.scraper.sources.llm import strict_schema

    schema = strict_schema(Enrichment)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(Enrichment.model_fields)
    assert json.dumps(schema)  # serializable as sent


async def test_an_unknown_profile_is_not_sent_to_the_model(
    runtime: Runtime, sandbox: tuple[str, SandboxState]
) -> None:
    _, outcome = await run_task(
        runtime, "enrich_profile", {"network": "youtube", "profile_id": "UCnothing"}
    )
    assert isinstance(outcome, Fail) and "not stored yet" in outcome.error
    assert sandbox[1].calls["openai"] == 0


async def test_a_malformed_answer_is_retried(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState]
) -> None:
    creator = universe.creator(1)
    assert creator is not None
    await run_task(runtime, "refresh_instagram_profile", {"handle": creator.handle})
    sandbox[1].set_fault("openai", "garbage", 1)
    _, outcome = await run_task(
        runtime, "enrich_profile", {"network": "instagram", "profile_id": creator.profile_id}
    )
    assert isinstance(outcome, Retry) and "malformed" in outcome.error
