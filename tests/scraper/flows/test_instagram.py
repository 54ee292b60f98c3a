"""Instagram flows end to end against the sandbox: rows land in PostgreSQL, events on
`beat.dx`, and the source that answered is recorded; the fallback order holds when sources
fail."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable

import asyncpg
import pytest

from reach.sandbox.cdn import mp4
from reach.sandbox.state import SandboxState, Upstream
from reach.sandbox.universe import CITIES, Creator, Place, Post, Universe, place, place_by_id
from reach.sandbox.upstreams import SANDBOX_CREDENTIALS
from reach.scraper.enqueueing import new_task
from reach.scraper.events import event_id
from reach.scraper.flows import get_flow
from reach.scraper.flows.base import handle_task
from reach.scraper.flows.instagram import RAPIDAPI_STYLE
from reach.scraper.queue.models import Complete, Defer, Retry
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.running import Runtime, open_runtime
from reach.scraper.settings import ScraperSettings

from ..conftest import (
    EventTap,
    business_handle,
    run_queued,
    run_task,
    run_until_settled,
)

pytestmark = pytest.mark.service
# Retries a task gets by default (ScraperSettings.scraper_max_retries).
MAX_RETRIES = 3
# The sandbox upstream of each Instagram source, in the chain's order.
UPSTREAM_OF: dict[str, Upstream] = {
    "graphapi": "graph",
    "rapidapi-instagram": "rapidapi",
    "rocketapi-instagram": "rocketapi",
    "instagram-looter": "looter",
    "instagram28": "instagram28",
    "instagram-bulk-profile": "bulkprofile",
    "instagram-statistics": "igstats",
    "lastresort": "web",
}
SOURCE_OF = {upstream: source for source, upstream in UPSTREAM_OF.items()}
RAPIDAPI_UPSTREAMS = [UPSTREAM_OF[s] for s in RAPIDAPI_STYLE]


def failing(mode: str, *upstreams: str) -> dict[str, str]:
    return dict.fromkeys(upstreams, mode)


@pytest.fixture
def faults(request: pytest.FixtureRequest, sandbox: tuple[str, SandboxState]) -> dict[str, str]:
    """The faults (by upstream) a test is parametrized with, indirectly: set on the sandbox."""
    found: dict[str, str] = request.param
    for upstream, mode in found.items():
        sandbox[1].set_fault(upstream, mode)  # type: ignore[arg-type]
    return found


def personal_handle(universe: Universe) -> str:
    return next(
        c.handle for i in range(universe.size) if (c := universe.creator(i)) and not c.is_business
    )


async def test_refresh_profile_lands_the_account_and_a_profile_log(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    handle = business_handle(universe)
    creator = universe.by_handle(handle)
    assert creator is not None
    task_id, outcome = await run_task(
        runtime, "refresh_instagram_profile", {"handle": f"@{handle}"}
    )
    assert outcome == Complete(
        source="graphapi", result={"profile_id": creator.profile_id, "followers": creator.followers}
    )
    row = await pool.fetchrow("SELECT * FROM instagram_account WHERE handle = $1", handle)
    assert row is not None
    assert (row["profile_id"], row["followers"], row["source"]) == (
        creator.profile_id,
        creator.followers,
        "graphapi",
    )
    assert row["avg_likes"] > 0 and row["engagement_rate"] > 0
    assert await pool.fetchval("SELECT count(*) FROM profile_log") == 1
    (event,) = await beat_events.wait_for("profile_log", 1)
    log = event.profile_log
    assert (log.platform, log.profile_id, log.handle, log.source) == (
        "instagram",
        creator.profile_id,
        handle,
        "graphapi",
    )
    assert log.metrics["followers"] == creator.followers
    assert log.dimensions["is_business"] == "1"
    assert event.name == "profile_log"
    assert event.event_id == event_id(task_id, "profile_log", f"instagram:{creator.profile_id}")


async def test_a_personal_account_falls_back_past_the_graph_api(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState]
) -> None:
    _, outcome = await run_task(
        runtime, "refresh_instagram_profile", {"handle": personal_handle(universe)}
    )
    assert isinstance(outcome, Complete) and outcome.source == "rapidapi-instagram"
    assert sandbox[1].calls["graph"] == 1


PROFILE = "refresh_instagram_profile"


@pytest.mark.parametrize(
    ("flow", "faults", "answered_by"),
    [
        (PROFILE, {"graph": "429"}, "rapidapi-instagram"),
        (PROFILE, {"graph": "503", **failing("500", *RAPIDAPI_UPSTREAMS)}, "lastresort"),
        (PROFILE, {"graph": "garbage", **failing("shape", *RAPIDAPI_UPSTREAMS)}, "lastresort"),
        (PROFILE, {"graph": "timeout"}, "rapidapi-instagram"),
        # Across several of the RapidAPI-style providers, each failing its own way.
        (
            PROFILE,
            {"graph": "503", "rapidapi": "500", "rocketapi": "shape", "looter": "429"},
            "instagram28",
        ),
        (PROFILE, failing("503", "graph", *RAPIDAPI_UPSTREAMS[:-1]), "instagram-statistics"),
        # Providers without the flow's capability are skipped, not tried.
        ("fetch_instagram_following", {"rapidapi": "503"}, "rocketapi-instagram"),
        ("refresh_instagram_reels", {"graph": "503", "rapidapi": "503"}, "instagram-looter"),
        (
            "refresh_instagram_posts",
            failing("503", "graph", "rapidapi", "rocketapi"),
            "instagram-looter",
        ),
    ],
    indirect=["faults"],
)
async def test_fallback_order_when_sources_fail(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    pool: asyncpg.Pool,
    flow: str,
    faults: dict[str, str],
    answered_by: str,
) -> None:
    """The chain tries, in its order, only the sources that have the flow's capability: each
    failing one once, then the one that answered."""
    state = sandbox[1]
    handle = business_handle(universe, 1)
    params = {"handle": handle} if flow == PROFILE else {"handle": handle, "limit": 20}
    _, outcome = await run_task(runtime, flow, params)
    assert isinstance(outcome, Complete) and outcome.source == answered_by
    called = {upstream for upstream, n in state.calls.items() if n}
    # A listing of followings first finds the account's profile, from the Graph API here.
    profile = {"graph"} if flow == "fetch_instagram_following" else set()
    assert called == {*faults, *profile, UPSTREAM_OF[answered_by]}
    if flow == PROFILE:
        assert await pool.fetchval("SELECT source FROM instagram_account") == answered_by
        # The first RapidAPI-style provider's profile is two calls (the profile, its posts).
        assert {u: state.calls[u] for u in called} == dict.fromkeys(called, 1) | (
            {"rapidapi": 2} if answered_by == "rapidapi-instagram" else {}
        )
    elif flow != "fetch_instagram_following":
        sources = await pool.fetch("SELECT DISTINCT source FROM instagram_post")
        assert [r["source"] for r in sources] == [answered_by]


async def test_every_source_failing_retries_the_task(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState]
) -> None:
    for upstream in UPSTREAM_OF.values():
        sandbox[1].set_fault(upstream, "503")
    _, outcome = await run_task(
        runtime, "refresh_instagram_profile", {"handle": business_handle(universe, 2)}
    )
    assert isinstance(outcome, Retry)
    assert outcome.source == "lastresort"
    assert "graphapi: unavailable" in outcome.error and "lastresort: unavailable" in outcome.error


async def test_a_refused_credential_rests_and_the_next_one_is_used(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    await runtime.credentials.put("graphapi", "revoked", {"access_token": "bad", "user_id": "1"})
    # The revoked token is the least recently used, so it is taken first.
    await pool.execute("UPDATE credential SET last_used_at = now() WHERE name = 'sandbox'")
    _, outcome = await run_task(
        runtime, "refresh_instagram_profile", {"handle": business_handle(universe, 3)}
    )
    assert isinstance(outcome, Complete) and outcome.source == "rapidapi-instagram"
    revoked = await pool.fetchrow("SELECT * FROM credential WHERE name = 'revoked'")
    assert revoked["disabled_till"] is not None and "code 190" in revoked["disabled_reason"]
    _, outcome = await run_task(
        runtime, "refresh_instagram_profile", {"handle": business_handle(universe, 4)}
    )
    assert isinstance(outcome, Complete) and outcome.source == "graphapi"


async def test_recent_posts_page_through_one_source(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    handle = business_handle(universe, 5)
    _, outcome = await run_task(runtime, "refresh_instagram_posts", {"handle": handle, "limit": 60})
    assert outcome == Complete(source="graphapi", result={"posts": 60})
    assert await pool.fetchval("SELECT count(*) FROM instagram_post") == 60
    assert await pool.fetchval("SELECT count(*) FROM post_log") == 60
    row = await pool.fetchrow("SELECT * FROM instagram_post ORDER BY publish_time DESC LIMIT 1")
    post = universe.post(universe.by_handle(handle), 0)  # type: ignore[arg-type]
    assert post is not None
    assert (row["shortcode"], row["likes"], row["hashtags"]) == (
        post.shortcode,
        post.likes,
        [t.lstrip("#") for t in post.caption.split() if t.startswith("#")],
    )
    events = await beat_events.wait_for("post_log", 60)
    assert {e.post_log.shortcode for e in events} == set(
        await pool.fetchval("SELECT array_agg(shortcode) FROM instagram_post")
    )


async def test_post_by_shortcode(runtime: Runtime, universe: Universe, pool: asyncpg.Pool) -> None:
    post = universe.post(universe.creator(2), 3)  # type: ignore[arg-type]
    assert post is not None
    _, outcome = await run_task(runtime, "refresh_instagram_post", {"shortcode": post.shortcode})
    assert outcome == Complete(source="rapidapi-instagram", result={"post_id": post.post_id})
    assert (
        await pool.fetchval("SELECT likes FROM instagram_post WHERE shortcode = $1", post.shortcode)
        == post.likes
    )


@pytest.mark.parametrize(
    ("flow", "relationship", "counted"),
    [
        ("fetch_instagram_followers", "FOLLOWER", "followers"),
        ("fetch_instagram_following", "FOLLOWING", "following"),
    ],
)
async def test_followers_and_followings_feed_relationship_events(
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
    flow: str,
    relationship: str,
    counted: str,
) -> None:
    handle = business_handle(universe, 6)
    creator = universe.by_handle(handle)
    assert creator is not None
    _, outcome = await run_task(runtime, flow, {"handle": handle, "limit": 120})
    assert outcome == Complete(
        source="rapidapi-instagram", result={"profile_id": creator.profile_id, counted: 120}
    )
    # The creator was unknown, so it was refreshed first.
    assert await pool.fetchval("SELECT handle FROM instagram_account") == handle
    events = await beat_events.wait_for("profile_relationship_log", 120)
    edges = [e.profile_relationship_log for e in events]
    assert {(e.source_profile_id, e.relationship_type, e.platform) for e in edges} == {
        (creator.profile_id, relationship, "instagram")
    }
    listed = universe.follower if relationship == "FOLLOWER" else universe.followed
    assert [e.target_handle for e in edges] == [listed(creator, i).handle for i in range(120)]
    # All accounts of one task travel in one message.
    assert [k for k, _ in beat_events.messages].count("profile_relationship_log") == 1


async def test_rate_limits_hold_under_concurrency(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState], pool: asyncpg.Pool
) -> None:
    """20 tasks at once against a source allowed 5 calls a minute: 5 real calls, the rest
    deferred (PENDING with a later run_after), none dropped."""
    handles = [business_handle(universe, n) for n in range(20)]
    flow = "refresh_instagram_profile"
    enqueued = [await runtime.manager.enqueue(new_task(flow, {"handle": h})) for h in handles]
    tasks, _ = await runtime.manager.claim(flow, "w", 50, 60)
    ctx = runtime.context(["rapidapi-instagram"], {"rapidapi-instagram": [RateLimit(5, "minute")]})
    outcomes = await asyncio.gather(
        *(handle_task(get_flow(flow), ctx, t, [RateLimit(1000, "minute")]) for t in tasks)
    )
    done = [o for o in outcomes if isinstance(o, Complete)]
    deferred = [o for o in outcomes if isinstance(o, Defer)]
    assert (len(done), len(deferred)) == (5, 15)
    # Each refresh through the RapidAPI source costs two calls (profile, posts).
    assert sandbox[1].calls["rapidapi"] == 10
    for task, outcome in zip(tasks, outcomes, strict=True):
        if isinstance(outcome, Defer):
            await runtime.manager.defer(task.id, "w", outcome.until, outcome.reason)
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM scrape_request_log WHERE status = 'PENDING' AND run_after > now()"
        )
        == 15
    )
    assert len(enqueued) == 20


async def test_an_event_nobody_takes_retries_the_task(
    scraper_settings: ScraperSettings, universe: Universe
) -> None:
    """Without a queue bound to `beat.dx` for profile_log, the publish is refused and the task
    is retried rather than completed with its event lost."""
    async with open_runtime(scraper_settings, "reach-scraper-test-unbound") as rt:
        for source, secrets in SANDBOX_CREDENTIALS.items():
            await rt.credentials.put(source, "sandbox", dict(secrets))
        _, outcome = await run_task(
            rt, "refresh_instagram_profile", {"handle": business_handle(universe, 7)}
        )
    assert isinstance(outcome, Retry) and "NO_ROUTE" in outcome.error


def creator_with(universe: Universe, count: Callable[[Creator], int], n: int) -> Creator:
    """The first creator of whom `count` (stories, tagging posts...) says `n`."""
    return next(c for i in range(universe.size) if (c := universe.creator(i)) and count(c) == n)


@pytest.mark.parametrize(
    ("faults", "answered_by"),
    [({}, "rapidapi-instagram"), ({"rapidapi": "503"}, "rocketapi-instagram")],
    indirect=["faults"],
)
async def test_stories_land_as_posts_and_their_media_is_stored_under_the_owner(
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
    faults: dict[str, str],
    answered_by: str,
) -> None:
    creator = creator_with(universe, universe.story_count, 3)
    _, outcome = await run_task(runtime, "fetch_instagram_stories", {"handle": creator.handle})
    assert outcome == Complete(source=answered_by, result={"stories": 3, "uploads": 3})
    rows = await pool.fetch(
        "SELECT * FROM instagram_post WHERE post_type = 'story' ORDER BY publish_time DESC"
    )
    stories = [universe.story(creator, i) for i in range(3)]
    assert [(r["post_id"], r["shortcode"], r["profile_id"]) for r in rows] == [
        (s.story_id, s.code, creator.profile_id) for s in stories if s
    ]
    video = rows[1]
    assert video["display_url"].endswith(f"/story/{video['post_id']}.mp4")
    assert video["thumbnail_url"].endswith(f"/story/{video['post_id']}.png")
    events = await beat_events.wait_for("post_log", 3)
    assert {e.post_log.dimensions["post_type"] for e in events} == {"story"}

    ran = dict(await run_queued(runtime, "upload_asset", 10))
    assert len(ran) == 3 and all(isinstance(o, Complete) for o in ran.values())
    stored = await pool.fetchrow(
        "SELECT * FROM asset_log WHERE entity_id = $1 AND asset_type = 'story_media'",
        video["post_id"],
    )
    expected = mp4(f"instagram/story/{video['post_id']}.mp4")
    digest = hashlib.sha256(expected).hexdigest()
    key = f"media/instagram/{creator.profile_id}/story_media/{digest}.mp4"
    assert (stored["content_type"], stored["sha256"]) == ("video/mp4", digest)
    assert await runtime.store.get(key) == expected


async def test_an_account_without_stories_completes_with_none(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    _, outcome = await run_task(
        runtime,
        "fetch_instagram_stories",
        {"handle": creator_with(universe, universe.story_count, 0).handle},
    )
    assert outcome == Complete(source="rapidapi-instagram", result={"stories": 0, "uploads": 0})
    assert await pool.fetchval("SELECT count(*) FROM instagram_post") == 0


async def test_stories_unavailable_upstream_retries(
    runtime: Runtime, universe: Universe, sandbox: tuple[str, SandboxState], pool: asyncpg.Pool
) -> None:
    # Both providers that list stories are down.
    sandbox[1].set_fault("rapidapi", "503")
    sandbox[1].set_fault("rocketapi", "503")
    _, outcome = await run_task(
        runtime,
        "fetch_instagram_stories",
        {"handle": creator_with(universe, universe.story_count, 1).handle},
    )
    assert isinstance(outcome, Retry) and outcome.source == "rocketapi-instagram"
    assert await pool.fetchval("SELECT count(*) FROM instagram_post") == 0


@pytest.mark.parametrize(
    ("business", "faults", "answered_by"),
    [
        (True, {}, "graphapi"),
        (True, {"graph": "503"}, "rapidapi-instagram"),
        (False, {}, "rapidapi-instagram"),
    ],
    indirect=["faults"],
)
async def test_reels_are_the_videos_of_the_account(
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
    business: bool,
    faults: dict[str, str],
    answered_by: str,
) -> None:
    handle = business_handle(universe, 8) if business else personal_handle(universe)
    creator = universe.by_handle(handle)
    assert creator is not None
    _, outcome = await run_task(runtime, "refresh_instagram_reels", {"handle": handle, "limit": 9})
    assert outcome == Complete(source=answered_by, result={"posts": 9})
    rows = await pool.fetch("SELECT * FROM instagram_post ORDER BY publish_time DESC")
    reels = [universe.reel(creator, i) for i in range(9)]
    assert [(r["shortcode"], r["likes"]) for r in rows] == [
        (p.shortcode, p.likes) for p in reels if p
    ]
    assert {r["source"] for r in rows} == {answered_by}
    assert {r["post_type"] for r in rows} == {"reels" if answered_by == "graphapi" else "clips"}
    await beat_events.wait_for("post_log", 9)


async def test_tagged_posts_land_under_their_authors_who_are_related_to_the_account(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    creator = creator_with(universe, universe.tagged_count, 21)
    _, outcome = await run_task(
        runtime, "fetch_instagram_tagged_posts", {"handle": creator.handle, "limit": 20}
    )
    assert outcome == Complete(source="rapidapi-instagram", result={"posts": 20})
    tagging = [universe.tagged(creator, i) for i in range(20)]
    assert set(await pool.fetchval("SELECT array_agg(shortcode) FROM instagram_post")) == {
        p.shortcode for p in tagging if p
    }
    authors = {p.creator.profile_id for p in tagging if p}
    assert len(authors) == 3
    edges = await beat_events.wait_for("profile_relationship_log", 3)
    assert {
        (e.profile_relationship_log.source_profile_id, e.profile_relationship_log.relationship_type)
        for e in edges
    } == {(creator.profile_id, "TAGGED_BY")}
    assert {e.profile_relationship_log.target_profile_id for e in edges} == authors
    await beat_events.wait_for("post_log", 20)


@pytest.mark.parametrize(
    ("flow", "params", "faults"),
    [
        ("fetch_instagram_stories", {}, {"rapidapi": "shape", "rocketapi": "garbage"}),
        ("fetch_instagram_stories", {}, {"rapidapi": "garbage", "rocketapi": "shape"}),
        (
            "refresh_instagram_reels",
            {},
            {"graph": "shape", "rapidapi": "garbage", "looter": "shape"},
        ),
        ("fetch_instagram_tagged_posts", {}, {"rapidapi": "shape"}),
        # The Graph API cannot list a hashtag's posts: only the RapidAPI-style source is asked.
        ("fetch_instagram_hashtag_posts", {"hashtag": "foodie"}, {"rapidapi": "shape"}),
        # Nor a location's: the Graph API lists no media by place.
        ("fetch_instagram_location_posts", {"location_id": "213000000"}, {"rapidapi": "garbage"}),
        # Refreshing the unknown post fails first: only the first provider looks posts up.
        ("fetch_instagram_post_likers", {"shortcode": "C0001000002"}, {"rapidapi": "garbage"}),
    ],
    indirect=["faults"],
)
async def test_a_malformed_answer_from_every_source_fails_the_task_and_writes_nothing(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    pool: asyncpg.Pool,
    flow: str,
    params: dict[str, str],
    faults: dict[str, str],
) -> None:
    task = await run_until_settled(
        runtime, flow, params or {"handle": business_handle(universe, 10)}
    )
    assert task["status"] == "FAILED"
    # Exactly the sources that have the flow's capability were asked, and each answered badly.
    assert sorted(s for s in UPSTREAM_OF if f"{s}: " in task["error"]) == sorted(
        SOURCE_OF[upstream] for upstream in faults
    )
    for upstream in faults:
        assert f"{SOURCE_OF[upstream]}: malformed" in task["error"]
    assert sandbox[1].calls["graph"] == ("graph" in faults) * (MAX_RETRIES + 1)
    for table in ("instagram_account", "instagram_post", "post_log"):
        assert await pool.fetchval(f"SELECT count(*) FROM {table}") == 0


async def stored_newest_first(pool: asyncpg.Pool, expected: list[Post]) -> list[asyncpg.Record]:
    """The stored posts, newest first, once checked to be `expected` (each with its author),
    in that order."""
    rows = await pool.fetch("SELECT * FROM instagram_post ORDER BY publish_time DESC")
    assert [(r["shortcode"], r["profile_id"]) for r in rows] == [
        (p.shortcode, p.creator.profile_id) for p in expected
    ]
    return rows


@pytest.mark.parametrize(("hashtag", "found"), [("#Foodie", 20), ("nosuchtag", 0)])
async def test_hashtag_posts_land_newest_first(
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
    hashtag: str,
    found: int,
) -> None:
    _, outcome = await run_task(
        runtime, "fetch_instagram_hashtag_posts", {"hashtag": hashtag, "limit": 20}
    )
    assert outcome == Complete(source="rapidapi-instagram", result={"posts": found})
    rows = await stored_newest_first(pool, universe.hashtag_posts(hashtag)[:found])
    assert all("foodie" in r["hashtags"] for r in rows)
    await beat_events.wait_for("post_log", found)


async def test_post_likers_are_like_activities_of_the_post(
    runtime: Runtime, universe: Universe, beat_events: EventTap, pool: asyncpg.Pool
) -> None:
    post = universe.post(universe.creator(4), 2)  # type: ignore[arg-type]
    assert post is not None and post.likes > 60
    _, outcome = await run_task(
        runtime, "fetch_instagram_post_likers", {"shortcode": post.shortcode, "limit": 60}
    )
    assert outcome == Complete(
        source="rapidapi-instagram", result={"post_id": post.post_id, "likers": 60}
    )
    # The post was unknown, so it was refreshed first.
    assert await pool.fetchval("SELECT post_id FROM instagram_post") == post.post_id
    likes = [e.post_activity_log for e in await beat_events.wait_for("post_activity_log", 60)]
    assert {(a.post_id, a.profile_id, a.activity_type) for a in likes} == {
        (post.post_id, post.creator.profile_id, "like")
    }
    assert [a.actor_handle for a in likes] == [universe.liker(post, i).handle for i in range(60)]


async def test_malformed_connections_from_every_provider_fail_the_task_after_the_profile(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    beat_events: EventTap,
    pool: asyncpg.Pool,
) -> None:
    """The account's profile comes first, from the whole chain (the Graph API here); then
    every provider that lists followings answers malformed: the task fails naming each, and
    no relationship is written."""
    sandbox[1].set_fault("rapidapi", "shape")
    sandbox[1].set_fault("rocketapi", "garbage")
    task = await run_until_settled(
        runtime, "fetch_instagram_following", {"handle": business_handle(universe, 10)}
    )
    assert task["status"] == "FAILED"
    assert sorted(s for s in UPSTREAM_OF if f"{s}: " in task["error"]) == [
        "rapidapi-instagram",
        "rocketapi-instagram",
    ]
    assert "rapidapi-instagram: malformed: unexpected shape" in task["error"]
    assert "rocketapi-instagram: malformed: not JSON" in task["error"]
    assert await pool.fetchval("SELECT source FROM instagram_account") == "graphapi"
    await beat_events.wait_for("profile_log", 1)
    assert beat_events.events("profile_relationship_log") == []


def busiest_place(universe: Universe) -> Place:
    return max((place(city) for city, *_ in CITIES), key=lambda p: len(universe.location_posts(p)))


async def test_location_posts_land_with_their_place_newest_first(
    runtime: Runtime,
    universe: Universe,
    sandbox: tuple[str, SandboxState],
    beat_events: EventTap,
    pool: asyncpg.Pool,
) -> None:
    at = busiest_place(universe)
    expected = universe.location_posts(at)[:15]
    assert len(expected) == 15
    _, outcome = await run_task(
        runtime, "fetch_instagram_location_posts", {"location_id": at.location_id, "limit": 15}
    )
    assert outcome == Complete(source="rapidapi-instagram", result={"posts": 15})
    rows = await stored_newest_first(pool, expected)
    assert {
        (r["location_id"], r["location_name"], r["location_lat"], r["location_lng"]) for r in rows
    } == {(at.location_id, at.name, at.lat, at.lng)}
    # The Graph API has no listing by place: the chain did not ask it.
    assert sandbox[1].calls["graph"] == 0
    events = await beat_events.wait_for("post_log", 15)
    assert {
        (e.post_log.dimensions["location_id"], e.post_log.dimensions["location_name"])
        for e in events
    } == {(at.location_id, at.name)}


async def test_an_unknown_location_fails_the_task_with_the_upstreams_answer(
    runtime: Runtime, pool: asyncpg.Pool
) -> None:
    assert place_by_id("1") is None
    task = await run_until_settled(runtime, "fetch_instagram_location_posts", {"location_id": "1"})
    assert task["status"] == "FAILED"
    assert "rapidapi-instagram: not_found" in task["error"]
    assert await pool.fetchval("SELECT count(*) FROM instagram_post") == 0


async def test_a_refused_key_rests_and_the_next_location_task_takes_another(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    await runtime.credentials.put("rapidapi-instagram", "revoked", {"key": "bad"})
    # The revoked key is the least recently used, so it is taken first.
    await pool.execute(
        "UPDATE credential SET last_used_at = now()"
        " WHERE source = 'rapidapi-instagram' AND name = 'sandbox'"
    )
    params = {"location_id": busiest_place(universe).location_id, "limit": 5}
    _, outcome = await run_task(runtime, "fetch_instagram_location_posts", params)
    assert isinstance(outcome, Retry) and "rapidapi-instagram: auth" in outcome.error
    revoked = await pool.fetchrow("SELECT * FROM credential WHERE name = 'revoked'")
    assert revoked["disabled_till"] is not None
    assert await pool.fetchval("SELECT count(*) FROM instagram_post") == 0
    _, outcome = await run_task(runtime, "fetch_instagram_location_posts", params)
    assert outcome == Complete(source="rapidapi-instagram", result={"posts": 5})


async def test_a_refresh_without_a_location_keeps_the_stored_one(
    runtime: Runtime, universe: Universe, pool: asyncpg.Pool
) -> None:
    handle = business_handle(universe, 6)
    creator = universe.by_handle(handle)
    assert creator is not None
    newest = universe.post(creator, 0)
    assert newest is not None and newest.place is not None
    # The RapidAPI-style post says where it was tagged...
    await run_task(runtime, "refresh_instagram_post", {"shortcode": newest.shortcode})
    # ...and the Graph API's listing of the same post does not.
    _, outcome = await run_task(runtime, "refresh_instagram_posts", {"handle": handle, "limit": 2})
    assert isinstance(outcome, Complete) and outcome.source == "graphapi"
    rows = await pool.fetch(
        "SELECT shortcode, location_id, location_name, source FROM instagram_post"
        " ORDER BY publish_time DESC"
    )
    assert [tuple(r) for r in rows] == [
        (newest.shortcode, newest.place.location_id, newest.place.name, "graphapi"),
        (universe.post(creator, 1).shortcode, None, None, "graphapi"),  # type: ignore[union-attr]
    ]
