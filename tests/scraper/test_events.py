"""Event builders: ids stable per task and entity, payload fields and the keys the networks'
declarations give them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reach.scraper import events
from reach.scraper.models import Follower, InstagramPost, InstagramProfile
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


def test_profile_log_carries_the_contract_keys() -> None:
    account = Account(PROFILE, 20.0, 3.0, None)
    dims = dimensions(INSTAGRAM.account_dimensions, account)
    mets = metrics(INSTAGRAM.account_metrics, account)
    event = events.profile_log(
        9,
        platform="instagram",
        profile_id="17",
        handle="priya",
        dimensions=dims,
        metrics=mets,
        source="graphapi",
    )
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
    again = events.profile_log(
        9,
        platform="instagram",
        profile_id="17",
        handle="priya",
        dimensions={},
        metrics={},
        source="x",
    )
    other_task = events.profile_log(
        10,
        platform="instagram",
        profile_id="17",
        handle="priya",
        dimensions={},
        metrics={},
        source="x",
    )
    assert event.event_id == again.event_id != other_task.event_id


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
    edge = events.relationship_log(
        1,
        platform="instagram",
        creator_id="17",
        follower=Follower(profile_id="5", handle="x"),
        source="rapidapi-instagram",
    )
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
