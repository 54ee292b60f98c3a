"""YouTube flows against the sandbox: channels, uploads, a video, comments with sentiment,
keyword search fanning out into channel refreshes, playlists and their entries, video
categories; key rotation on quota errors, retries of an unavailable upstream, and a malformed
answer failing its task."""

from __future__ import annotations

import asyncpg
import pytest

from reach.sandbox.state import SandboxState, Upstream
from reach.sandbox.universe import Playlist, Universe
from reach.sandbox.youtube import VIDEO_CATEGORIES
from reach.scraper.queue.models import Complete, Retry
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
        runtime, "refresh_youtube_channel", {"channel_id": channel.channel_id}, sources=["youtube"]
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


def _channel_with_playlist_of(universe: Universe, entries: int) -> Playlist:
    """A channel's own playlist of more than `entries` entries (50: more than a page) and no
    more than the flow's default limit."""
    for index in range(universe.size):
        channel = universe.channel(index)
        playlist = channel and universe.playlist(channel, 0)
        if playlist and entries < len(playlist.video_indexes) <= 200:
            return playlist
    raise AssertionError(f"no playlist of more than {entries} entries")


async def test_channel_playlists(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    channel = universe.channel(3)
    assert channel is not None and universe.playlist_count(channel) > 1
    expected = [universe.playlist(channel, i) for i in range(universe.playlist_count(channel))]
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel_playlists", {"channel_id": channel.channel_id}
    )
    assert outcome == Complete(source="youtube", result={"youtube_playlist": len(expected)})
    rows = await pool.fetch("SELECT * FROM youtube_playlist ORDER BY playlist_id")
    assert [
        (r["playlist_id"], r["channel_id"], r["title"], r["item_count"], r["privacy_status"])
        for r in rows
    ] == [
        (p.playlist_id, channel.channel_id, p.title, len(p.video_indexes), "public")
        for p in expected
        if p
    ]
    assert all(r["thumbnail_url"] and r["source"] == "youtube" for r in rows)
    # A log per playlist, with what was stored.
    logs = [e.youtube_playlist_log for e in await beat_events.wait_for("youtube_playlist_log", 1)]
    assert sorted(
        (m.playlist_id, m.channel_id, m.title, m.item_count, m.privacy_status, m.source)
        for m in logs
    ) == [
        (r["playlist_id"], r["channel_id"], r["title"], r["item_count"], "public", "youtube")
        for r in rows
    ]
    assert all(m.thumbnail_url and m.publish_time_ms > 0 for m in logs)


async def test_playlist_items_and_their_videos(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    playlist = _channel_with_playlist_of(universe, 50)
    entries = len(playlist.video_indexes)
    _, outcome = await run_task(
        runtime, "refresh_youtube_playlist_items", {"playlist_id": playlist.playlist_id}
    )
    assert outcome == Complete(source="youtube", result={"items": entries, "videos": entries})
    rows = await pool.fetch(
        "SELECT video_id, position, playlist_id FROM youtube_playlist_item ORDER BY position"
    )
    videos = [universe.video(playlist.channel, i) for i in playlist.video_indexes]
    assert [(r["video_id"], r["position"], r["playlist_id"]) for r in rows] == [
        (v.video_id, i, playlist.playlist_id) for i, v in enumerate(videos) if v
    ]
    assert await pool.fetchval("SELECT count(*) FROM youtube_post") == entries
    await beat_events.wait_for("post_log", entries)
    logs = await beat_events.wait_for("youtube_playlist_item_log", entries)
    assert [
        (e.youtube_playlist_item_log.video_id, e.youtube_playlist_item_log.position) for e in logs
    ] == [(r["video_id"], r["position"]) for r in rows]


async def test_video_categories_of_a_region(
    runtime: Runtime, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    _, outcome = await run_task(runtime, "refresh_youtube_video_categories", {"region": "IN"})
    assert outcome == Complete(
        source="youtube", result={"youtube_video_category": len(VIDEO_CATEGORIES)}
    )
    rows = await pool.fetch(
        "SELECT category_id, title, assignable FROM youtube_video_category WHERE region = 'IN'"
    )
    assert sorted((r["category_id"], r["title"], r["assignable"]) for r in rows) == sorted(
        VIDEO_CATEGORIES
    )
    logs = await beat_events.wait_for("youtube_video_category_log", len(VIDEO_CATEGORIES))
    assert sorted(
        (m.region, m.category_id, m.title, m.assignable)
        for m in (e.youtube_video_category_log for e in logs)
    ) == sorted(("IN", *category) for category in VIDEO_CATEGORIES)
    # Another region's listing is its own rows; the same region's again replaces its rows.
    for region in ("US", "IN"):
        await run_task(runtime, "refresh_youtube_video_categories", {"region": region})
    assert await pool.fetchval("SELECT count(*) FROM youtube_video_category") == 2 * len(
        VIDEO_CATEGORIES
    )


async def test_channel_shorts_and_their_metrics(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    channel = universe.channel(5)
    assert channel is not None and channel.video_count >= 40
    uploads = [universe.video(channel, i) for i in range(40)]
    shorts = [v for v in uploads if v and v.duration_s <= 180]
    assert 0 < len(shorts) < len(uploads)
    plays = sum(v.views for v in shorts)
    reach = round(plays / len(shorts))
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel_shorts", {"channel_id": channel.channel_id, "limit": 40}
    )
    assert outcome == Complete(
        source="youtube",
        result={"uploads": 40, "shorts": len(shorts), "plays": plays, "shorts_reach": reach},
    )
    rows = await pool.fetch("SELECT video_id, is_short FROM youtube_post ORDER BY video_id")
    assert [(r["video_id"], r["is_short"]) for r in rows] == sorted(
        (v.video_id, True) for v in shorts
    )
    account = await pool.fetchrow("SELECT plays, shorts_reach FROM youtube_account")
    assert (account["plays"], account["shorts_reach"]) == (plays, reach)
    await beat_events.wait_for("post_log", len(shorts))
    # The channel's own profile_log (written when it was first looked up) comes first.
    logged = (await beat_events.wait_for("profile_log", 2))[-1].profile_log
    assert (logged.metrics["plays"], logged.metrics["shorts_reach"]) == (plays, reach)


async def test_channel_sections(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    channel = universe.channel(3)
    assert channel is not None and universe.playlist_count(channel) > 1
    playlists = [p.playlist_id for i in range(4) if (p := universe.playlist(channel, i))]
    friends = [c.channel_id for i in (4, 5) if (c := universe.channel(i))]
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel_sections", {"channel_id": channel.channel_id}
    )
    assert outcome == Complete(source="youtube", result={"youtube_channel_section": 5})
    rows = await pool.fetch(
        "SELECT section_type, title, playlist_ids, channel_ids FROM youtube_channel_section"
        " WHERE channel_id = $1 ORDER BY position",
        channel.channel_id,
    )
    assert [tuple(r) for r in rows] == [
        ("recentUploads", None, [], []),
        ("popularUploads", None, [], []),
        ("singlePlaylist", None, playlists[:1], []),
        ("multiplePlaylists", "Playlists", playlists, []),
        ("multipleChannels", "Friends", [], friends),
    ]
    logs = await beat_events.wait_for("youtube_channel_section_log", 5)
    assert sorted(
        (m.position, m.section_type, m.title, list(m.playlist_ids), list(m.channel_ids))
        for m in (e.youtube_channel_section_log for e in logs)
    ) == [(i, t, title or "", p, c) for i, (t, title, p, c) in enumerate(map(tuple, rows))]


async def test_the_fallback_first(runtime: Runtime, universe: Universe, pool: asyncpg.Pool) -> None:
    playlist = _channel_with_playlist_of(universe, 100)
    channel = playlist.channel
    first = ["invidious", "youtube"]
    for flow, params in (
        ("refresh_youtube_channel", {"channel_id": channel.channel_id}),
        ("refresh_youtube_channel_playlists", {"channel_id": channel.channel_id}),
        ("refresh_youtube_playlist_items", {"playlist_id": playlist.playlist_id}),
    ):
        # Without the fallback's own limits (two calls a second): this runs faster than that.
        _, outcome = await run_task(runtime, flow, params, sources=first, source_limits={})
        assert isinstance(outcome, Complete) and outcome.source == "invidious", flow
    account = await pool.fetchrow("SELECT * FROM youtube_account")
    assert (account["subscribers"], account["total_views"], account["uploads_playlist_id"]) == (
        channel.subscribers,
        channel.total_views,
        "UU" + channel.channel_id[2:],
    )
    stored = await pool.fetch("SELECT playlist_id, item_count FROM youtube_playlist")
    assert len(stored) == universe.playlist_count(channel)
    # More than a page of entries; the videos themselves only the Data API tells.
    entries = await pool.fetch(
        "SELECT video_id, position, item_id FROM youtube_playlist_item ORDER BY position"
    )
    assert [(r["position"], r["item_id"]) for r in entries] == [
        (i, None) for i in range(len(playlist.video_indexes))
    ]
    assert await pool.fetchval("SELECT count(DISTINCT source) FROM youtube_post") == 1
    # It looks channels up by id only: a handle goes to the Data API.
    _, outcome = await run_task(
        runtime, "refresh_youtube_channel", {"handle": channel.handle}, sources=first
    )
    assert isinstance(outcome, Complete) and outcome.source == "youtube"


# The YouTube sources' upstreams in the sandbox.
UPSTREAMS: tuple[Upstream, ...] = ("youtube", "invidious")


@pytest.mark.parametrize(
    ("flow", "answered_by", "fallback_asked"),
    [
        ("refresh_youtube_channel_playlists", "invidious", True),
        ("refresh_youtube_playlist_items", "invidious", True),
        # The channel's uploads come from the Data API, the channel itself from the fallback.
        ("refresh_youtube_channel_shorts", "youtube", True),
        # What the fallback cannot do, the chain does not ask it.
        ("refresh_youtube_video_categories", None, False),
        ("refresh_youtube_channel_sections", None, False),
    ],
)
async def test_the_fallback_answers_what_it_can_when_the_data_api_fails(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    flow: str,
    answered_by: str | None,
    fallback_asked: bool,
) -> None:
    state = sandbox[1]
    state.set_fault("youtube", "503", 1)
    _, outcome = await run_task(runtime, flow, _params(flow, universe))
    if answered_by is None:
        assert isinstance(outcome, Retry) and "503" in outcome.error
    else:
        assert isinstance(outcome, Complete) and outcome.source == answered_by
    assert (state.calls["invidious"] > 0) == fallback_asked


# Each flow added with the catalogue, the table it fills, and its params (from the universe).
CATALOGUE_FLOWS = [
    ("refresh_youtube_channel_playlists", "youtube_playlist"),
    ("refresh_youtube_playlist_items", "youtube_playlist_item"),
    ("refresh_youtube_video_categories", "youtube_video_category"),
    ("refresh_youtube_channel_shorts", "youtube_post"),
    ("refresh_youtube_channel_sections", "youtube_channel_section"),
]


def _params(flow: str, universe: Universe) -> dict[str, str]:
    playlist = _channel_with_playlist_of(universe, 0)
    return {
        "refresh_youtube_channel_playlists": {"channel_id": playlist.channel.channel_id},
        "refresh_youtube_playlist_items": {"playlist_id": playlist.playlist_id},
        "refresh_youtube_video_categories": {"region": "US"},
        "refresh_youtube_channel_shorts": {"channel_id": playlist.channel.channel_id},
        "refresh_youtube_channel_sections": {"channel_id": playlist.channel.channel_id},
    }[flow]


@pytest.mark.parametrize(("flow", "table"), CATALOGUE_FLOWS)
async def test_failures_write_nothing_and_a_malformed_answer_fails_the_task(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    beat_events: EventTap,
    pool: asyncpg.Pool,
    flow: str,
    table: str,
) -> None:
    state, params = sandbox[1], _params(flow, universe)
    # What the flow logs: its table's log (the Shorts log post_log).
    log = "post_log" if table == "youtube_post" else f"{table}_log"

    async def written() -> list[int]:
        return [await pool.fetchval(f"SELECT count(*) FROM {t}") for t in (table, "youtube_post")]

    # Both sources unavailable: the task is retried.
    for upstream in UPSTREAMS:
        state.set_fault(upstream, "503", 1)
    _, outcome = await run_task(runtime, flow, params)
    assert isinstance(outcome, Retry) and "503" in outcome.error
    assert await written() == [0, 0]
    # A body that is not the documented shape: once its last retry is spent, the worker records
    # the same outcome as the task's failure, with the reason.
    for upstream in UPSTREAMS:
        state.set_fault(upstream, "shape")
    task_id, outcome = await run_task(runtime, flow, params)
    assert isinstance(outcome, Retry) and "unexpected shape" in outcome.error
    await pool.execute(
        "UPDATE scrape_request_log SET max_retries = retry_count WHERE id = $1", task_id
    )
    await runtime.manager.retry(task_id, "test-worker", outcome.error, outcome.source, 0)
    task = await runtime.manager.get(task_id)
    assert task is not None and task["status"] == "FAILED"
    assert "unexpected shape" in task["error"]
    assert await written() == [0, 0]
    assert beat_events.events(log) == []
    # The upstream back, the same task answers.
    state.faults.clear()
    _, outcome = await run_task(runtime, flow, params)
    assert isinstance(outcome, Complete)
    assert (await written())[0] > 0
    assert await beat_events.wait_for(log, 1)
