"""The synthetic universe: deterministic from its seed, and every id resolves back."""

from __future__ import annotations

import pytest

from reach.sandbox.universe import Universe, b62, unb62

pytestmark = pytest.mark.unit


def test_same_seed_same_creators() -> None:
    assert Universe(5, 50).creator(7) == Universe(5, 50).creator(7)
    assert Universe(5, 50).creator(7) != Universe(6, 50).creator(7)
    assert Universe(5, 50).creator(50) is None


def test_ids_resolve_back() -> None:
    u = Universe(1, 100)
    creator = u.creator(42)
    assert creator is not None
    assert u.by_handle(creator.handle) == creator == u.by_profile_id(creator.profile_id)
    assert u.by_handle(creator.handle + "0") is None and u.by_handle("nodigits") is None
    post = u.post(creator, 17)
    assert post is not None and u.by_shortcode(post.shortcode) == post
    channel = u.channel(42)
    assert channel is not None
    assert (
        u.by_channel_id(channel.channel_id) == channel == u.by_channel_handle(f"@{channel.handle}")
    )
    video = u.video(channel, 3)
    assert video is not None and u.by_video_id(video.video_id) == video
    assert len(channel.channel_id) == 24 and len(video.video_id) == 11 and len(post.shortcode) == 11
    # Another kind's id, a character outside base 62, or an owner past the universe: nothing.
    assert u.by_shortcode(video.video_id) is None and u.by_video_id(post.shortcode) is None
    assert u.by_shortcode("C!" + post.shortcode[2:]) is None
    assert u.by_video_id("v" + "z" * 10) is None and u.by_shortcode(post.shortcode[:-1]) is None


def test_every_fourth_account_is_personal_and_some_followers_look_fake() -> None:
    u = Universe(1, 8)
    assert [c.is_business for i in range(8) if (c := u.creator(i))] == [True, True, True, False] * 2
    creator = u.creator(0)
    assert creator is not None
    followers = [u.follower(creator, i) for i in range(10)]
    assert any(f.full_name == "" and f.handle.startswith("user") for f in followers)
    assert any(any(ord(ch) > 0x900 for ch in f.full_name) for f in followers)


@pytest.mark.parametrize("n", [0, 1, 61, 62, 3843, 10**6])
def test_base62_roundtrip(n: int) -> None:
    assert unb62(b62(n, 6)) == n
