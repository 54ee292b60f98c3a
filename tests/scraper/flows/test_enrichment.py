"""GPT enrichment against the sandbox's OpenAI-compatible API: each enricher's strict-schema
answer lands on the account (of either network, published as a profile_log), in
audience_info_gpt or on the posts, with its tokens and cost in the task's result."""

from __future__ import annotations

import json

import asyncpg
import pytest

from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Universe
from reach.scraper.contract import ENRICHMENT_FLOWS
from reach.scraper.flows import FLOWS
from reach.scraper.queue.models import Complete, Fail, Retry
from reach.scraper.running import Runtime

from ..conftest import EventTap, run_task

pytestmark = pytest.mark.service


async def refreshed(runtime: Runtime, universe: Universe, index: int = 0) -> tuple[str, str]:
    """Creator `index` scraped with five posts: its (profile id, gender)."""
    creator = universe.creator(index)
    assert creator is not None
    await run_task(runtime, "refresh_instagram_posts", {"handle": creator.handle, "limit": 5})
    await run_task(runtime, "refresh_instagram_profile", {"handle": creator.handle})
    return creator.profile_id, creator.gender


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
    profile_id, _ = await refreshed(runtime, universe, 1)
    sandbox[1].set_fault("openai", "garbage", 1)
    _, outcome = await run_task(
        runtime, "enrich_profile", {"network": "instagram", "profile_id": profile_id}
    )
    assert isinstance(outcome, Retry) and "malformed" in outcome.error


def test_every_enrichment_flow_is_registered() -> None:
    assert set(ENRICHMENT_FLOWS) <= set(FLOWS)
    assert all(FLOWS[f].description.startswith("GPT enrichment") for f in ENRICHMENT_FLOWS)


@pytest.mark.parametrize(
    ("flow", "columns"),
    [
        ("enrich_profile_gender", ("gender",)),
        ("enrich_profile_location", ("country", "city")),
        ("enrich_profile_category", ("category", "language")),
        ("enrich_profile_topics", ("topics",)),
    ],
)
async def test_one_enrichment_stores_only_its_columns(
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
    flow: str,
    columns: tuple[str, ...],
) -> None:
    profile_id, _ = await refreshed(runtime, universe)
    task_id, outcome = await run_task(
        runtime, flow, {"network": "instagram", "profile_id": profile_id}
    )
    assert isinstance(outcome, Complete) and outcome.source == "openai"
    assert set(outcome.result) == {*columns, "usage"}
    usage = outcome.result["usage"]
    assert usage["attempts"] == 1 and usage["prompt_tokens"] > 0 and usage["cost_usd"] > 0
    row = await pool.fetchrow(
        "SELECT gender, country, city, category, language, topics FROM instagram_account"
    )
    enriched = {k: v for k, v in dict(row).items() if k in columns}
    assert enriched == {c: outcome.result[c] for c in columns}
    # What this enrichment does not ask stays as the profile refresh left it.
    assert "gender" in columns or row["gender"] is None
    await runtime.manager.complete_many([(task_id, outcome)], "test-worker")
    recorded = await pool.fetchval("SELECT result FROM scrape_request_log WHERE id = $1", task_id)
    assert recorded["usage"] == usage
    events = await beat_events.wait_for("profile_log", 2)
    assert set(columns) & set(events[-1].profile_log.dimensions)


async def test_the_audience_profile_lands_in_its_table(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    profile_id, gender = await refreshed(runtime, universe)
    _, outcome = await run_task(
        runtime, "enrich_profile_audience", {"network": "instagram", "profile_id": profile_id}
    )
    assert isinstance(outcome, Complete)
    row = await pool.fetchrow("SELECT * FROM audience_info_gpt")
    assert (row["network"], row["profile_id"], row["source"]) == ("instagram", profile_id, "openai")
    shares = row["audience_gender"]
    assert max(shares, key=shares.get) == gender
    assert sum(row["audience_age"].values()) == pytest.approx(1)
    assert row["interests"] == outcome.result["interests"]


async def test_content_classification_marks_each_recent_post(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    profile_id, _ = await refreshed(runtime, universe)
    sponsored = await pool.fetchval(
        "UPDATE instagram_post SET caption = caption || ' #ad with @nike'"
        " WHERE post_id = (SELECT min(post_id) FROM instagram_post) RETURNING post_id"
    )
    _, outcome = await run_task(
        runtime, "classify_profile_content", {"network": "instagram", "profile_id": profile_id}
    )
    assert isinstance(outcome, Complete)
    rows = await pool.fetch(
        "SELECT post_id, content_category, is_sponsored, brands FROM instagram_post"
    )
    assert len(rows) == len(outcome.result["posts"]) == 5
    for row in rows:
        assert row["content_category"]
        assert row["is_sponsored"] is (row["post_id"] == sponsored)
        assert row["brands"] == (["nike"] if row["post_id"] == sponsored else [])


async def test_an_invalid_answer_is_asked_again(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState], pool: asyncpg.Pool
) -> None:
    profile_id, gender = await refreshed(runtime, universe)
    sandbox[1].set_fault("openai", "invalid_answer", 1)
    _, outcome = await run_task(
        runtime, "enrich_profile_gender", {"network": "instagram", "profile_id": profile_id}
    )
    assert isinstance(outcome, Complete) and outcome.result["gender"] == gender
    assert outcome.result["usage"]["attempts"] == 2
    assert await pool.fetchval("SELECT gender FROM instagram_account") == gender


async def test_answers_that_stay_invalid_fail_the_task_writing_nothing(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState], pool: asyncpg.Pool
) -> None:
    profile_id, _ = await refreshed(runtime, universe)
    sandbox[1].set_fault("openai", "invalid_answer")
    _, outcome = await run_task(
        runtime, "enrich_profile_audience", {"network": "instagram", "profile_id": profile_id}
    )
    assert isinstance(outcome, Fail)
    assert "invalid_answer: answer is not JSON (3 attempts" in outcome.error
    assert sandbox[1].calls["openai"] == 3
    assert await pool.fetchval("SELECT count(*) FROM audience_info_gpt") == 0


async def test_an_enrichment_a_network_cannot_store_is_not_asked(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState]
) -> None:
    channel = universe.channel(0)
    assert channel is not None
    await run_task(runtime, "refresh_youtube_channel", {"channel_id": channel.channel_id})
    _, outcome = await run_task(
        runtime, "enrich_profile_gender", {"network": "youtube", "profile_id": channel.channel_id}
    )
    assert isinstance(outcome, Fail) and "youtube accounts store none of" in outcome.error
    assert sandbox[1].calls["openai"] == 0


@pytest.mark.unit
async def test_a_classification_of_other_posts_than_asked_is_malformed() -> None:
    from reach.scraper.flows.enrichment import Brief, ContentAnswer, PostClass, PostColumns
    from reach.scraper.networks import INSTAGRAM
    from reach.scraper.sources.errors import Malformed

    brief = Brief(INSTAGRAM, "1", ("p1", "p2"), "{}")
    answer = ContentAnswer(
        posts=[PostClass(post_id="p1", category="food", is_sponsored=False, brands=[])]
    )
    # Checked before anything is written: the context is never reached.
    with pytest.raises(Malformed, match="1 missing, 0 extra"):
        await PostColumns().store(None, brief, answer, "openai")  # type: ignore[arg-type]
