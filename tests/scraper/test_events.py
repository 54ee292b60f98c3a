"""Event builders: ids stable per task and entity, payload fields and the keys the networks'
declarations give them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from reach.common.events import events_pb2 as pb
from reach.scraper import events
from reach.scraper.models import (
    InstagramPost,
    InstagramProfile,
    YouTubeChannelSection,
    YouTubePlaylist,
)
from reach.scraper.networks import INSTAGRAM, Account, dimensions, metrics
from reach.scraper.queue.models import Finished, TaskStatus

pytestmark = pytest.mark.unit

PROFILE = InstagramProfile(
    profile_id="17",
    handle="priya",
    full_name="Priya",
    followers=1000,
    following=10,
    media_count=5,
    is_verified=True,
    is_business=True,
)


def _profile_log(task_id: int, **fields: Any) -> pb.Event:
    return events.event(task_id, pb.ProfileLog(platform="instagram", profile_id="17", **fields))


def test_profile_log_carries_the_contract_keys() -> None:
    account = Account(PROFILE, 20.0, 3.0, None)
    dims = dimensions(INSTAGRAM.account_dimensions, account)
    mets = metrics(INSTAGRAM.account_metrics, account)
    event = _profile_log(9, handle="priya", dimensions=dims, metrics=mets, source="graphapi")
    assert event.WhichOneof("payload") == "profile_log" and event.name == "profile_log"
    assert dict(event.profile_log.dimensions) == {
        "full_name": "Priya",
        "is_verified": "1",
        "is_business": "1",
        "is_private": "0",
    }
    assert dict(event.profile_log.metrics) == {
        "followers": 1000.0,
        "following": 10.0,
        "media_count": 5.0,
        "avg_likes": 20.0,
        "avg_comments": 3.0,
    }
    # The id is the task's and the entity's, whatever the snapshot says.
    assert event.event_id == _profile_log(9, source="x").event_id != _profile_log(10).event_id


def test_post_dimensions() -> None:
    post = InstagramPost(
        post_id="1",
        shortcode="C1",
        profile_id="17",
        post_type="clips",
        caption="hi #a #b",
        likes=3,
        plays=9,
        publish_time=datetime(2026, 1, 2, tzinfo=UTC),
    )
    assert dimensions(INSTAGRAM.post_dimensions, post) == {
        "post_type": "clips",
        "caption": "hi #a #b",
        "hashtags": "a,b",
        "publish_time": "2026-01-02T00:00:00+00:00",
    }
    assert metrics(INSTAGRAM.post_metrics, post) == {"likes": 3.0, "plays": 9.0}


def test_relationship_and_request_logs() -> None:
    edge = events.event(
        1,
        pb.ProfileRelationshipLog(
            platform="instagram",
            source_profile_id="17",
            target_profile_id="5",
            relationship_type="FOLLOWER",
        ),
    )
    assert edge.name == "profile_relationship_log"
    assert edge.event_id == events.event_id(1, "profile_relationship_log", "17:5")
    assert (
        edge.profile_relationship_log.target_profile_id,
        edge.profile_relationship_log.relationship_type,
    ) == ("5", "FOLLOWER")
    done = events.scrape_request_log(
        Finished(id=4, flow="f", status=TaskStatus.FAILED, retry_count=3, seconds=1.5, error="e")
    )
    log = done.scrape_request_log
    assert (log.task_id, log.status, log.retry_count, log.duration_ms, log.error) == (
        4,
        "FAILED",
        3,
        1500,
        "e",
    )


def test_a_catalogue_row_logs_its_fields_by_name() -> None:
    published = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    playlist = YouTubePlaylist(
        playlist_id="PL1", channel_id="UC1", title="Hits", item_count=3, publish_time=published
    )
    log = events.catalogue_log(playlist, "youtube")
    assert (log.playlist_id, log.channel_id, log.title, log.item_count, log.source) == (
        "PL1",
        "UC1",
        "Hits",
        3,
        "youtube",
    )
    assert log.publish_time_ms == int(published.timestamp() * 1000)
    # What the source did not say stays at the field's default.
    assert (log.description, log.privacy_status) == ("", "")
    unknown = events.catalogue_log(playlist.model_copy(update={"publish_time": None}), "youtube")
    assert unknown.publish_time_ms == 0
    section = YouTubeChannelSection(
        section_id="UC1.1", channel_id="UC1", section_type="multiplePlaylists", position=2,
        playlist_ids=["PL1", "PL2"],
    )  # fmt: skip
    wrapped = events.event(7, events.catalogue_log(section, "invidious"))
    assert wrapped.WhichOneof("payload") == "youtube_channel_section_log"
    assert list(wrapped.youtube_channel_section_log.playlist_ids) == ["PL1", "PL2"]
    assert wrapped.event_id == events.event_id(7, "youtube_channel_section_log", "UC1.1")
