"""YouTube flows against the sandbox: channels, uploads, a video, comments with sentiment, and
keyword search fanning out into channel refreshes; key rotation on quota errors."""

from __future__ import annotations

import asyncpg
import pytest

from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Universe
from reach.scraper.queue.models import Complete
from reach.scraper.running import Runtime

from ..conftest import EventTap, run_task

pytestmark = pytest.mark.service


async def test_refresh_channel_by_handle(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    channel = universe.channel(3)
    assert channel is not None
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel", {"handle": f"@{channel.handle}"}
    )
    assert outcome == Complete(
        source="youtube",
        result={"channel_id": channel.channel_id, "subscribers": channel.subscribers},
    )
    row = await pool.fetchrow("SELECT * FROM youtube_account")
    assert (row["channel_id"], row["handle"], row["subscribers"], row["uploads_playlist_id"]) == (
        channel.channel_id,
        channel.handle,
        channel.subscribers,
        "UU" + channel.channel_id[2:],
    )
    (event,) = await beat_events.wait_for("profile_log", 1)
    assert event.profile_log.platform == "youtube"
    assert event.profile_log.metrics["subscribers"] == channel.subscribers


async def test_channel_videos_through_the_uploads_playlist(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    channel = universe.channel(5)
    assert channel is not None and channel.video_count >= 70
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel_videos", {"channel_id": channel.channel_id, "limit": 70}
    )
    assert outcome == Complete(source="youtube", result={"videos": 70})
    assert await pool.fetchval("SELECT count(*) FROM youtube_post") == 70
    video = universe.video(channel, 0)
    assert video is not None
    row = await pool.fetchrow("SELECT * FROM youtube_post WHERE video_id = $1", video.video_id)
    assert (row["views"], row["duration_s"], row["is_short"], row["tags"]) == (
        video.views,
        video.duration_s,
        video.duration_s <= 180,
        video.tags,
    )
    account = await pool.fetchrow("SELECT avg_views, engagement_rate FROM youtube_account")
    assert account["avg_views"] > 0 and account["engagement_rate"] is not None
    await beat_events.wait_for("post_log", 70)


async def test_keyword_search_enqueues_channel_refreshes(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    expected = [c.channel_id for c in universe.search_channels("food")]
    assert expected
    _, outcome = await run_task(runtime, "search_youtube_keyword", {"keyword": "food"})
    assert outcome == Complete(
        source="youtube", result={"found": len(expected), "enqueued": len(expected)}
    )
    rows = await pool.fetch(
        "SELECT params->>'channel_id' AS id FROM scrape_request_log "
        "WHERE flow = 'refresh_youtube_channel' AND status = 'PENDING'"
    )
    assert sorted(r["id"] for r in rows) == sorted(expected)


async def test_an_exhausted_key_rests_and_the_next_key_answers(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState], pool: asyncpg.Pool
) -> None:
    state = sandbox[1]
    state.tokens.add("second-key")
    await runtime.credentials.put("youtube", "second", {"key": "second-key"})
    await pool.execute("UPDATE credential SET last_used_at = now() WHERE name = 'second'")
    state.youtube_units["sandbox-token"] = state.youtube_daily_units
    channel = universe.channel(1)
    assert channel is not None
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel", {"channel_id": channel.channel_id}
    )
    # The exhausted key failed the call; the task retries and the rested key is skipped.
    assert not isinstance(outcome, Complete)
    rested = await pool.fetchrow(
        "SELECT * FROM credential WHERE name = 'sandbox' AND source = 'youtube'"
    )
    assert rested["disabled_till"] is not None and "quotaExceeded" in rested["disabled_reason"]
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel", {"channel_id": channel.channel_id}
    )
    assert isinstance(outcome, Complete)
    assert state.youtube_units["second-key"] == 1
