"""The Graph API insights flows against the sandbox: a connected business account's days land
in `profile_insights`, a post's counts on its instagram_post row, its followers' demographics in
the account's audience columns, each with its event; an account that did not connect has no
token to ask with; a malformed answer fails the task with the reason and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Creator, Universe
from reach.sandbox.upstreams import DEFAULT_TOKEN
from reach.scraper.queue.models import Complete, Retry
from reach.scraper.running import Runtime

from ..conftest import EventTap, business_handle, run_task, run_until_settled

pytestmark = pytest.mark.service


async def connected(runtime: Runtime, universe: Universe) -> Creator:
    """A business account that granted Reach its token (a credential named by its id)."""
    creator = universe.by_handle(business_handle(universe))
    assert creator is not None
    secrets = {"access_token": DEFAULT_TOKEN, "user_id": creator.profile_id}
    await runtime.credentials.put("graphapi", creator.profile_id, secrets)
    return creator


async def test_profile_insights_land_one_row_per_day_and_a_refetch_merges(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    creator = await connected(runtime, universe)
    params = {"handle": creator.handle, "days": 5}
    _, outcome = await run_task(runtime, "refresh_instagram_profile_insights", params)
    assert outcome == Complete(
        source="graphapi", result={"profile_id": creator.profile_id, "days": 5}
    )
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    days = [yesterday - timedelta(days=back) for back in range(4, -1, -1)]
    rows = await pool.fetch("SELECT * FROM profile_insights ORDER BY date")
    assert [(r["platform"], r["profile_id"], r["date"], r["source"]) for r in rows] == [
        ("instagram", creator.profile_id, day, "graphapi") for day in days
    ]
    for row, day in zip(rows, days, strict=True):
        assert {k: row[k] for k in universe.insights_day(creator, day)} == universe.insights_day(
            creator, day
        )
    # The account was stored on the way (its handle resolved to its id); the event is its
    # snapshot with the latest day's insights.
    events = await beat_events.wait_for("profile_log", 2)
    log = events[-1].profile_log
    latest = universe.insights_day(creator, yesterday)
    assert log.dimensions["insights_date"] == yesterday.isoformat()
    assert log.metrics["reach"] == latest["reach"]
    assert log.metrics["profile_views"] == latest["profile_views"]
    assert log.metrics["followers"] == creator.followers
    # A re-fetch overlapping the stored days rewrites them, one row per day still.
    _, again = await run_task(runtime, "refresh_instagram_profile_insights", {**params, "days": 7})
    assert isinstance(again, Complete) and again.result["days"] == 7
    assert await pool.fetchval("SELECT count(*) FROM profile_insights") == 7


async def test_an_account_that_did_not_connect_has_no_token_to_ask_with(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    handle = business_handle(universe, 1)
    _, outcome = await run_task(runtime, "refresh_instagram_audience", {"handle": handle})
    assert isinstance(outcome, Retry)
    assert "no enabled credential named" in outcome.error
    assert await pool.fetchval("SELECT audience_gender FROM instagram_account") is None


async def test_a_refused_token_rests_the_accounts_credential_and_the_task_retries(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    creator = await connected(runtime, universe)
    await run_task(runtime, "refresh_instagram_profile", {"handle": creator.handle})
    await pool.execute(
        'UPDATE credential SET credentials = credentials || \'{"access_token": "revoked"}\''
        " WHERE name = $1",
        creator.profile_id,
    )
    params = {"handle": creator.handle}
    _, outcome = await run_task(runtime, "refresh_instagram_profile_insights", params)
    assert isinstance(outcome, Retry) and "graphapi: auth: code 190" in outcome.error
    rested = await pool.fetchrow("SELECT * FROM credential WHERE name = $1", creator.profile_id)
    assert rested["disabled_till"] is not None and "190" in rested["disabled_reason"]
    # The shared discovery credential was not the one refused.
    assert (
        await pool.fetchval(
            "SELECT disabled_till FROM credential WHERE name = 'sandbox' AND source = 'graphapi'"
        )
        is None
    )
    assert await pool.fetchval("SELECT count(*) FROM profile_insights") == 0


async def test_post_insights_land_on_the_post_and_keep_what_it_had(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    creator = await connected(runtime, universe)
    post = universe.post(creator, 1)
    assert post is not None
    _, outcome = await run_task(
        runtime, "refresh_instagram_post_insights", {"shortcode": post.shortcode}
    )
    counts = universe.post_insights(post)
    assert outcome == Complete(
        source="graphapi",
        result={
            "post_id": post.post_id,
            "reach": counts["reach"],
            "impressions": counts["impressions"],
        },
    )
    row = await pool.fetchrow("SELECT * FROM instagram_post WHERE post_id = $1", post.post_id)
    assert {k: row[k] for k in ("reach", "impressions", "saved", "shares")} == {
        k: counts[k] for k in ("reach", "impressions", "saved", "shares")
    }
    # The post was looked up where posts are (the Graph API has no lookup by shortcode), and
    # its insights left the rest of it as that lookup stored it.
    assert (row["likes"], row["caption"], row["profile_id"]) == (
        post.likes,
        post.caption,
        creator.profile_id,
    )
    assert row["hashtags"] and all(f"#{tag}" in post.caption for tag in row["hashtags"])
    events = await beat_events.wait_for("post_log", 2)
    log = events[-1].post_log
    assert log.source == "graphapi"
    assert log.metrics["total_interactions"] == counts["total_interactions"]
    assert log.metrics["saved"] == counts["saved"]
    assert log.metrics["likes"] == post.likes


async def test_audience_shares_fill_the_account_columns(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    creator = await connected(runtime, universe)
    _, outcome = await run_task(runtime, "refresh_instagram_audience", {"handle": creator.handle})
    assert outcome == Complete(
        source="graphapi",
        result={"profile_id": creator.profile_id, "gender": 3, "age": 7, "location": 3},
    )
    row = await pool.fetchrow(
        "SELECT audience_gender, audience_age, audience_location FROM instagram_account"
    )
    for column, breakdown in (
        ("audience_gender", "gender"),
        ("audience_age", "age"),
        ("audience_location", "country"),
    ):
        counted = dict(universe.demographics(creator, breakdown))
        total = sum(counted.values())
        named = {"F": "female", "M": "male", "U": "unknown"}
        expected = {named.get(b, b): n / total for b, n in counted.items()}
        assert row[column] == pytest.approx(expected)
        assert sum(row[column].values()) == pytest.approx(1.0)
    (*_, event) = await beat_events.wait_for("profile_log", 2)
    assert event.profile_log.source == "graphapi"
    assert event.profile_log.profile_id == creator.profile_id


# Each insights flow, and what it would write.
INSIGHT_FLOWS = [
    ("refresh_instagram_profile_insights", "SELECT count(*) FROM profile_insights"),
    (
        "refresh_instagram_post_insights",
        "SELECT count(*) FROM instagram_post WHERE impressions IS NOT NULL",
    ),
    (
        "refresh_instagram_audience",
        "SELECT count(*) FROM instagram_account WHERE audience_gender IS NOT NULL",
    ),
]


@pytest.mark.parametrize(("flow", "written"), INSIGHT_FLOWS)
async def test_a_malformed_insights_answer_fails_the_task_and_writes_nothing(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    pool: asyncpg.Pool,
    flow: str,
    written: str,
) -> None:
    creator = await connected(runtime, universe)
    post = universe.post(creator, 0)
    assert post is not None
    # The account and the post stored first: only the insights call meets the fault.
    await run_task(runtime, "refresh_instagram_profile", {"handle": creator.handle})
    await run_task(runtime, "refresh_instagram_post", {"shortcode": post.shortcode})
    params = {"shortcode": post.shortcode} if "post" in flow else {"handle": creator.handle}
    sandbox[1].set_fault("graph", "shape")
    task = await run_until_settled(runtime, flow, params)
    assert task["status"] == "FAILED"
    assert "graphapi: malformed: unexpected shape" in task["error"]
    assert await pool.fetchval(written) == 0
    # The upstream back, the same task's params complete and write.
    sandbox[1].faults.clear()
    _, outcome = await run_task(runtime, flow, params)
    assert isinstance(outcome, Complete)
    assert await pool.fetchval(written) > 0
