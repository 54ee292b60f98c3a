"""The RapidAPI-style providers after the first, each reading the sandbox's record of its
documented answers: profiles with their latest posts, listings paged to their end, an unknown
account, an answer not in the shape, a refused key, and the capabilities each declares."""

from __future__ import annotations

# Capabilities are Protocols checked with isinstance, never instantiated.
# mypy: disable-error-code="type-abstract"
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from reach.sandbox.app import create_app
from reach.sandbox.state import SandboxState, Upstream
from reach.sandbox.universe import Creator, Universe
from reach.sandbox.upstreams import DEFAULT_TOKEN
from reach.scraper.flows.base import collect_pages
from reach.scraper.models import Follower, InstagramPost
from reach.scraper.sources import capabilities as cap
from reach.scraper.sources.bulkprofile import BulkProfileInstagram
from reach.scraper.sources.errors import AuthFailed, Malformed, NotFound, Unavailable
from reach.scraper.sources.igstats import InstagramStatistics
from reach.scraper.sources.instagram28 import Instagram28
from reach.scraper.sources.looter import LooterInstagram
from reach.scraper.sources.rapid import RapidApiSource, account_cursor, from_cursor
from reach.scraper.sources.rocketapi import RocketApiInstagram, unwrap
from reach.testing.sources import OneCredential

pytestmark = pytest.mark.unit
PROVIDERS: dict[Upstream, type[RapidApiSource]] = {
    "rocketapi": RocketApiInstagram,
    "looter": LooterInstagram,
    "instagram28": Instagram28,
    "bulkprofile": BulkProfileInstagram,
    "igstats": InstagramStatistics,
}
# What each provider documents, besides profiles.
CAPABILITIES: dict[Upstream, set[type[cap.Source]]] = {
    "rocketapi": {cap.InstagramPosts, cap.InstagramConnections, cap.InstagramStories},
    "looter": {cap.InstagramPosts, cap.InstagramReels},
    "instagram28": {cap.InstagramPosts, cap.InstagramPostLikers},
    "bulkprofile": set(),
    "igstats": set(),
}
INSTAGRAM_CAPABILITIES: tuple[type[cap.Source], ...] = (
    cap.InstagramPosts,
    cap.InstagramReels,
    cap.InstagramTaggedPosts,
    cap.InstagramHashtagPosts,
    cap.InstagramPostLookup,
    cap.InstagramConnections,
    cap.InstagramStories,
    cap.InstagramPostLikers,
    cap.InstagramComments,
)
# The providers whose profile answer carries the account's latest posts.
WITH_RECENT_POSTS = ("rocketapi", "looter", "instagram28", "bulkprofile")


@pytest.fixture
def state() -> SandboxState:
    return SandboxState(universe=Universe(seed=5, creators=40), timeout_seconds=0.01)


@pytest.fixture
async def sources(state: SandboxState) -> AsyncIterator[dict[Upstream, RapidApiSource]]:
    transport = httpx.ASGITransport(create_app(state))
    async with httpx.AsyncClient(transport=transport) as client:
        store = OneCredential({"key": DEFAULT_TOKEN})
        yield {
            up: source(client, f"http://sandbox/rapidapi/{up}", store)  # type: ignore[arg-type]
            for up, source in PROVIDERS.items()
        }


def creator(state: SandboxState, n: int = 0) -> Creator:
    found = state.universe.creator(n)
    assert found is not None
    return found


def post_ids(u: Universe, c: Creator, count: int, listed: str = "post") -> list[str]:
    posts = [getattr(u, listed)(c, i) for i in range(count)]
    return [p.post_id for p in posts if p]


@pytest.mark.parametrize("up", PROVIDERS)
async def test_each_provider_reads_its_profile_shape(
    sources: dict[Upstream, RapidApiSource], state: SandboxState, up: Upstream
) -> None:
    c = creator(state, 7)
    profile, recent = await sources[up].instagram_profile(c.handle)
    assert (profile.profile_id, profile.handle, profile.followers) == (
        c.profile_id,
        c.handle,
        c.followers,
    )
    assert (profile.full_name, profile.is_verified) == (c.full_name, c.is_verified)
    if up in WITH_RECENT_POSTS:
        expected = post_ids(state.universe, c, 12)
        assert [p.post_id for p in recent] == expected
        first = state.universe.post(c, 0)
        assert first is not None
        assert (recent[0].shortcode, recent[0].profile_id, recent[0].likes) == (
            first.shortcode,
            c.profile_id,
            first.likes,
        )
        assert recent[0].caption == first.caption and recent[0].publish_time is not None
    else:
        assert recent == [] and profile.following is None


@pytest.mark.parametrize("up", PROVIDERS)
async def test_an_unknown_account_is_not_found(
    sources: dict[Upstream, RapidApiSource], up: Upstream
) -> None:
    with pytest.raises(NotFound) as raised:
        await sources[up].instagram_profile("nobody.here")
    assert raised.value.source == sources[up].name


@pytest.mark.parametrize("up", PROVIDERS)
@pytest.mark.parametrize(
    ("mode", "reason"), [("shape", "unexpected shape"), ("garbage", "not JSON")]
)
async def test_an_answer_not_in_the_shape_is_malformed_with_its_reason(
    sources: dict[Upstream, RapidApiSource],
    state: SandboxState,
    up: Upstream,
    mode: str,
    reason: str,
) -> None:
    state.set_fault(up, mode)  # type: ignore[arg-type]
    with pytest.raises(Malformed) as raised:
        await sources[up].instagram_profile(creator(state).handle)
    assert str(raised.value).startswith(f"{sources[up].name}: malformed: {reason}")


@pytest.mark.parametrize("up", PROVIDERS)
async def test_a_key_rapidapi_refuses_fails_the_check_and_a_good_one_passes(
    sources: dict[Upstream, RapidApiSource], up: Upstream
) -> None:
    await sources[up].check_credential({"key": DEFAULT_TOKEN})
    with pytest.raises(AuthFailed):
        await sources[up].check_credential({"key": "not-subscribed"})


@pytest.mark.parametrize("up", PROVIDERS)
def test_each_provider_declares_what_it_documents(
    sources: dict[Upstream, RapidApiSource], up: Upstream
) -> None:
    source = sources[up]
    assert isinstance(source, cap.InstagramProfiles) and isinstance(source, cap.CredentialCheck)
    declared = {c for c in INSTAGRAM_CAPABILITIES if isinstance(source, c)}
    assert declared == CAPABILITIES[up]


@pytest.mark.parametrize("up", ["rocketapi", "looter", "instagram28"])
async def test_posts_page_to_the_end_resolving_the_account_once(
    sources: dict[Upstream, RapidApiSource], state: SandboxState, up: Upstream
) -> None:
    c = creator(state, 3)
    total = state.universe.post_count(c)
    source: Any = sources[up]
    posts: list[InstagramPost] = await collect_pages(
        lambda cursor: source.instagram_posts(c.handle, cursor), 10_000
    )
    assert [p.post_id for p in posts] == post_ids(state.universe, c, total)
    assert {p.profile_id for p in posts} == {c.profile_id}
    pages = -(-total // 12)
    assert state.calls[up] == pages + 1


async def test_looter_reels_page_by_their_paging_info(
    sources: dict[Upstream, RapidApiSource], state: SandboxState
) -> None:
    c = creator(state, 4)
    source: Any = sources["looter"]
    reels: list[InstagramPost] = await collect_pages(
        lambda cursor: source.instagram_reels(c.handle, cursor), 10_000
    )
    assert [r.post_id for r in reels] == post_ids(
        state.universe, c, state.universe.reel_count(c), "reel"
    )
    assert {r.post_type for r in reels} == {"clips"}


@pytest.mark.parametrize("relationship", ["FOLLOWER", "FOLLOWING"])
async def test_rocketapi_lists_followers_and_followings(
    sources: dict[Upstream, RapidApiSource], state: SandboxState, relationship: cap.Relationship
) -> None:
    c = creator(state, 5)
    source: Any = sources["rocketapi"]
    found: list[Follower] = await collect_pages(
        lambda cursor: source.instagram_connections(c.handle, relationship, cursor), 30
    )
    person = state.universe.follower if relationship == "FOLLOWER" else state.universe.followed
    expected = [person(c, i) for i in range(30)]
    assert [(f.profile_id, f.handle, f.full_name) for f in found] == [
        (p.profile_id, p.handle, p.full_name) for p in expected
    ]


async def test_rocketapi_reads_an_accounts_reel_of_stories(
    sources: dict[Upstream, RapidApiSource], state: SandboxState
) -> None:
    u = state.universe
    creators = [found for i in range(u.size) if (found := u.creator(i))]
    c = next(one for one in creators if u.story_count(one) >= 2)
    idle = next(one for one in creators if not u.story_count(one))
    source: Any = sources["rocketapi"]
    stories = await source.instagram_stories(c.handle)
    expected = [s for i in range(u.story_count(c)) if (s := u.story(c, i))]
    assert [(p.post_id, p.shortcode, p.post_type) for p in stories] == [
        (s.story_id, s.code, "story") for s in expected
    ]
    assert {p.profile_id for p in stories} == {c.profile_id}
    assert await source.instagram_stories(idle.handle) == []


async def test_instagram28_lists_a_posts_likers_and_not_an_unknown_posts(
    sources: dict[Upstream, RapidApiSource], state: SandboxState
) -> None:
    post = state.universe.post(creator(state, 6), 1)
    assert post is not None
    source: Any = sources["instagram28"]
    likers: list[Follower] = await collect_pages(
        lambda cursor: source.instagram_likers(post.shortcode, cursor), 120
    )
    count = min(120, state.universe.liker_count(post))
    assert [f.profile_id for f in likers] == [
        state.universe.liker(post, i).profile_id for i in range(count)
    ]
    with pytest.raises(NotFound):
        await source.instagram_likers("Cnope", None)


def test_rocketapi_reads_instagrams_status_inside_its_envelope() -> None:
    def envelope(status: str, code: int) -> dict[str, Any]:
        return {"status": status, "response": {"status_code": code, "body": {"ok": 1}}}

    assert unwrap(envelope("done", 200)) == {"ok": 1}
    with pytest.raises(NotFound):
        unwrap(envelope("done", 404))
    with pytest.raises(Unavailable):
        unwrap(envelope("done", 500))
    with pytest.raises(Unavailable):
        unwrap(envelope("failed", 200))
    with pytest.raises(Malformed):
        unwrap({"response": "nope"})


def test_a_listing_cursor_carries_the_account_id() -> None:
    assert from_cursor(account_cursor("17", "QVFB|x")) == ("17", "QVFB|x")
    assert account_cursor("17", None) is None
    assert from_cursor(None) == (None, None) == from_cursor("no-separator")
