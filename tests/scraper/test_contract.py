"""Tests of reach.scraper.contract: every declared flow has its code with the declared params, a
scheduled enqueue's params are checked the way the operator checks them, and the queries others
run (pending tasks, each flow's stale work) against the scraper's own schema."""

from __future__ import annotations

import typing
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from reach.scraper.contract import (
    ENRICHMENT_FLOWS,
    FLOWS,
    FRESH_FLOWS,
    PENDING_TASKS,
    EnqueueParamsError,
    FlowName,
    FlowParams,
    check_enqueue_params,
)
from reach.scraper.enqueueing import new_task
from reach.scraper.flows import FLOWS as REGISTERED
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import NewTask

# A flow's params, and the rate key (and dedup key) they make: its key fields joined by ":".
RATE_KEYS = [
    (FlowName.REFRESH_INSTAGRAM_PROFILE, {"handle": "@Priya"}, "priya"),
    (FlowName.FETCH_INSTAGRAM_HASHTAG_POSTS, {"hashtag": "#Vegan"}, "vegan"),
    (FlowName.FETCH_INSTAGRAM_POST_COMMENTS, {"shortcode": "CxYz123"}, "CxYz123"),
    (FlowName.REFRESH_YOUTUBE_VIDEO, {"video_id": "dQw4w9WgXcQ"}, "dQw4w9WgXcQ"),
    (FlowName.REFRESH_YOUTUBE_VIDEO_CATEGORIES, {}, "US"),
    (
        FlowName.UPLOAD_ASSET,
        {
            "network": "youtube",
            "entity_type": "post",
            "entity_id": "v1",
            "asset_type": "thumbnail",
            "url": "https://i.ytimg.com/v1.jpg",
        },
        "youtube:post:v1:thumbnail",
    ),
    (
        FlowName.VALIDATE_CREDENTIAL,
        {"source": "youtube", "name": "k1", "secrets": {}},
        "youtube:k1",
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(("flow", "params", "key"), RATE_KEYS)
def test_rate_key_of_params(flow: FlowName, params: dict[str, Any], key: str) -> None:
    parsed = FLOWS[flow].params.model_validate(params)
    assert (parsed.rate_key(), parsed.dedup_key()) == (key, key)


@pytest.mark.unit
def test_params_keyed_by_a_field_they_lack_are_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match=r"Typo is keyed by fields it lacks: \['vidoe_id'\]"):

        class Typo(FlowParams):
            video_id: str
            keyed_by = ("vidoe_id",)


@pytest.mark.unit
def test_every_declared_flow_is_registered_and_runs_on_its_params() -> None:
    assert set(REGISTERED) == set(FlowName)
    for name, flow in REGISTERED.items():
        hints = typing.get_type_hints(flow.run)
        taken = [t for k, t in hints.items() if k != "return"][-1]
        if isinstance(taken, typing.TypeVar):
            # A flow made by a factory for several flows takes any params of its bound.
            assert issubclass(FLOWS[name].params, taken.__bound__), name
        else:
            assert taken is FLOWS[name].params, name


@pytest.mark.unit
@pytest.mark.parametrize(
    ("flow", "params"),
    [
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"handle": "virat.kohli"}),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": 24}),
        (FlowName.REFRESH_YOUTUBE_CHANNEL, {"stale_after_hours": 0, "max_tasks": 10}),
        (FlowName.SEARCH_YOUTUBE_KEYWORD, {"keyword": "ipl", "limit": 5}),
        (FlowName.FETCH_INSTAGRAM_FOLLOWERS, {"stale_after_hours": 168, "limit": 500}),
        (FlowName.ENRICH_PROFILE, {"stale_after_hours": 720}),
    ],
)
def test_accepted_enqueue_params(flow: FlowName, params: dict[str, Any]) -> None:
    check_enqueue_params(flow, params)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("flow", "params", "says"),
    [
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {}, "handle: Field required"),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"handel": "x"}, "handel"),
        (FlowName.UPLOAD_ASSET, {"stale_after_hours": 24}, "stale_after_hours works"),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": -1}, "non-negative"),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": True}, "non-negative"),
        # The stored profiles fill the handle; one given as well would be overwritten.
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": 1, "handle": "x"}, "handle"),
    ],
)
def test_refused_enqueue_params(flow: FlowName, params: dict[str, Any], says: str) -> None:
    with pytest.raises(EnqueueParamsError, match=says):
        check_enqueue_params(flow, params)


@pytest.mark.service
async def test_pending_tasks_counts_what_a_worker_could_claim_now(
    pool: asyncpg.Pool, manager: TaskManager
) -> None:
    flow = FlowName.REFRESH_INSTAGRAM_PROFILE
    later = datetime.now(UTC) + timedelta(hours=1)
    await manager.enqueue(NewTask(flow, {"handle": "a"}))
    await manager.enqueue(NewTask(flow, {"handle": "b"}))
    await manager.enqueue(NewTask(flow, {"handle": "c"}, run_after=later))
    await manager.enqueue(NewTask(FlowName.REFRESH_INSTAGRAM_POST, {"shortcode": "C0000000001"}))
    assert await pool.fetchval(PENDING_TASKS, flow) == 2


CHANNEL = "UC" + "a" * 22
# What each flow finds due in `seed_stored_things` an hour stale, largest first.
DUE = {
    FlowName.REFRESH_INSTAGRAM_PROFILE: [{"handle": "Big"}, {"handle": "small"}],
    FlowName.REFRESH_INSTAGRAM_POSTS: [{"handle": "fresh"}, {"handle": "Big"}, {"handle": "small"}],
    FlowName.REFRESH_INSTAGRAM_POST: [{"shortcode": "C0000000001"}],
    FlowName.FETCH_INSTAGRAM_FOLLOWERS: [
        {"handle": "fresh"},
        {"handle": "Big"},
        {"handle": "small"},
    ],
    # A story (S0000000001) is neither refreshed as a post nor asked for its comments.
    FlowName.FETCH_INSTAGRAM_POST_COMMENTS: [
        {"shortcode": "C0000000003"},
        {"shortcode": "C0000000001"},
    ],
    FlowName.FETCH_INSTAGRAM_STORIES: [{"handle": "fresh"}, {"handle": "Big"}, {"handle": "small"}],
    FlowName.REFRESH_INSTAGRAM_REELS: [{"handle": "fresh"}, {"handle": "Big"}, {"handle": "small"}],
    FlowName.FETCH_INSTAGRAM_TAGGED_POSTS: [
        {"handle": "fresh"},
        {"handle": "Big"},
        {"handle": "small"},
    ],
    FlowName.FETCH_INSTAGRAM_HASHTAG_POSTS: [{"hashtag": "food"}],
    # The places of recent feed posts: not one only an old post or a story is tagged at.
    FlowName.FETCH_INSTAGRAM_LOCATION_POSTS: [{"location_id": "8"}],
    FlowName.FETCH_INSTAGRAM_POST_LIKERS: [
        {"shortcode": "C0000000001"},
        {"shortcode": "C0000000003"},
    ],
    FlowName.FETCH_INSTAGRAM_FOLLOWING: [
        {"handle": "fresh"},
        {"handle": "Big"},
        {"handle": "small"},
    ],
    # Insights: only accounts connected by an enabled token of their own (Big's is disabled,
    # the renamed account's waits for its new handle).
    FlowName.REFRESH_INSTAGRAM_PROFILE_INSIGHTS: [{"handle": "fresh"}, {"handle": "small"}],
    FlowName.REFRESH_INSTAGRAM_POST_INSIGHTS: [{"shortcode": "C0000000001"}],
    FlowName.REFRESH_INSTAGRAM_AUDIENCE: [{"handle": "fresh"}, {"handle": "small"}],
    FlowName.REFRESH_YOUTUBE_CHANNEL: [{"channel_id": CHANNEL}],
    FlowName.REFRESH_YOUTUBE_CHANNEL_VIDEOS: [{"channel_id": CHANNEL}],
    FlowName.REFRESH_YOUTUBE_VIDEO: [{"video_id": "v0000000001"}],
    FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS: [{"video_id": "v0000000001"}],
    FlowName.SEARCH_YOUTUBE_KEYWORD: [{"keyword": "cricket"}, {"keyword": "ipl"}],
    FlowName.REFRESH_YOUTUBE_CHANNEL_PLAYLISTS: [{"channel_id": CHANNEL}],
    FlowName.REFRESH_YOUTUBE_PLAYLIST_ITEMS: [
        {"playlist_id": "PL" + "b" * 32},
        {"playlist_id": "PL" + "a" * 32},
    ],
    FlowName.REFRESH_YOUTUBE_VIDEO_CATEGORIES: [{"region": "IN"}],
    FlowName.REFRESH_YOUTUBE_CHANNEL_SHORTS: [{"channel_id": CHANNEL}],
    FlowName.REFRESH_YOUTUBE_CHANNEL_SECTIONS: [{"channel_id": CHANNEL}],
    # Enabled stores only, the most used first.
    FlowName.REFRESH_SHOPIFY_ORDERS: [{"shop": "big.myshopify.com"}, {"shop": "a.myshopify.com"}],
    # Every GPT enrichment keeps every stored profile fresh.
    **{
        enrichment: [
            {"network": "instagram", "profile_id": "4"},
            {"network": "instagram", "profile_id": "3"},
            {"network": "instagram", "profile_id": "2"},
            {"network": "instagram", "profile_id": "1"},
            {"network": "youtube", "profile_id": CHANNEL},
        ]
        for enrichment in ENRICHMENT_FLOWS
    },
}


async def seed_stored_things(pool: asyncpg.Pool) -> None:
    """Accounts (one renamed, one just refreshed), posts (one just written, one too old to
    refresh, one a story), a channel with its video and two playlists, two keyword
    collections sharing a keyword, and the accounts' own Graph API tokens (Big's disabled)."""
    await pool.execute(
        "INSERT INTO instagram_account (profile_id, handle, followers, refreshed_at) VALUES"
        " ('1', 'small', 10, now() - interval '2 days'),"
        " ('2', 'Big', 1000, NULL),"
        " ('3', 'old.name#moved-3', 5000, now() - interval '2 days'),"
        " ('4', 'fresh', 9000, now())"
    )
    await pool.execute(
        "INSERT INTO instagram_post"
        " (post_id, shortcode, profile_id, likes, comments, publish_time, updated_at) VALUES"
        " ('p1', 'C0000000001', '1', 5, 1, now() - interval '1 day', now() - interval '2 days'),"
        " ('p2', 'C0000000002', '1', 9, 9, now() - interval '90 days', now() - interval '2 days'),"
        " ('p3', 'C0000000003', '2', 1, 7, now() - interval '1 day', now())"
    )
    await pool.execute(
        "INSERT INTO instagram_post (post_id, shortcode, profile_id, post_type, publish_time,"
        " updated_at) VALUES"
        " ('s1', 'S0000000001', '2', 'story', now() - interval '1 hour', now() - interval '2 days')"
    )
    # p1 and p3 tagged at place 8, the old p2 at place 9, the story at place 7.
    await pool.execute(
        "UPDATE instagram_post SET location_id"
        " = CASE post_id WHEN 'p2' THEN '9' WHEN 's1' THEN '7' ELSE '8' END"
    )
    await pool.execute(
        "INSERT INTO youtube_account (channel_id, subscribers, country) VALUES ($1, 5, 'in')",
        CHANNEL,
    )
    await pool.execute(
        "INSERT INTO youtube_post (video_id, channel_id, publish_time, updated_at)"
        " VALUES ('v0000000001', $1, now() - interval '1 day', now() - interval '2 days')",
        CHANNEL,
    )
    await pool.execute(
        "INSERT INTO credential (source, name, enabled, use_count) VALUES"
        " ('shopify', 'a.myshopify.com', true, 1), ('shopify', 'big.myshopify.com', true, 9),"
        " ('shopify', 'off.myshopify.com', false, 99), ('youtube', 'key', true, 50),"
        " ('graphapi', '1', true, 0), ('graphapi', '2', false, 0), ('graphapi', '3', true, 0),"
        " ('graphapi', '4', true, 0)",
    )
    await pool.execute(
        "INSERT INTO youtube_playlist (playlist_id, channel_id, item_count) VALUES"
        " ('PL' || repeat('a', 32), $1, 3), ('PL' || repeat('b', 32), $1, 30)",
        CHANNEL,
    )
    partner = await pool.fetchval("INSERT INTO partner (name) VALUES ('p') RETURNING id")
    await pool.execute(
        "INSERT INTO keyword_collection (partner_id, name, platform, keywords) VALUES"
        " ($1, 'a', 'youtube', '{Cricket,ipl}'), ($1, 'b', 'youtube', '{cricket}'),"
        " ($1, 'c', 'instagram', '{food,\"#Food\",\"street food\"}')",
        partner,
    )


@pytest.mark.service
async def test_every_fresh_flow_finds_its_stale_work_biggest_first(pool: asyncpg.Pool) -> None:
    await seed_stored_things(pool)
    assert set(DUE) == set(FRESH_FLOWS)
    for flow in FRESH_FLOWS:
        freshness = FLOWS[flow].freshness
        assert freshness is not None
        found = [r[0] for r in await pool.fetch(freshness.due, 3600.0, 100)]
        assert found == DUE[flow], flow
        for params in found:
            FLOWS[flow].params.model_validate(params)
        assert [r[0] for r in await pool.fetch(freshness.due, 3600.0, 1)] == DUE[flow][:1]


@pytest.mark.service
async def test_work_a_task_completed_lately_is_not_due(
    pool: asyncpg.Pool, manager: TaskManager
) -> None:
    await seed_stored_things(pool)
    flow = FlowName.REFRESH_INSTAGRAM_POSTS
    due = FLOWS[flow].freshness
    assert due is not None
    for task in (new_task(flow, {"handle": "BIG"}), new_task(flow, {"handle": "small"})):
        await manager.enqueue(task)
    # Only a completed task counts, and only within the staleness.
    await pool.execute(
        "UPDATE scrape_request_log SET status = 'COMPLETE', completed_at = now()"
        " WHERE params->>'handle' = 'BIG'"
    )
    found = [r[0]["handle"] for r in await pool.fetch(due.due, 3600.0, 100)]
    assert found == ["fresh", "small"]
    assert [r[0]["handle"] for r in await pool.fetch(due.due, 0.0, 100)] == [
        "fresh",
        "Big",
        "small",
    ]
