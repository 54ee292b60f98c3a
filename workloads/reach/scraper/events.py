"""Builds the events the scraper publishes to `beat.dx` (`reach.common.events` protobuf) from
what a flow processed. Pure functions: the flows call them after their upserts.

The dimensions and metrics of profile_log and post_log are declared per network in `networks`
(their keys are the ones the ClickHouse models read). An event's id is derived from the task and
the entity, so a task retried after it published (but before it was marked complete)
republishes the same ids, which downstream deduplicates.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping

from reach.common.events import events_pb2 as pb
from reach.scraper.models import Follower, Sentiment
from reach.scraper.queue.models import Finished

Message = (
    pb.ProfileLog
    | pb.PostLog
    | pb.ProfileRelationshipLog
    | pb.SentimentLog
    | pb.AssetLog
    | pb.ScrapeRequestLog
)
_PAYLOADS: dict[type[Message], str] = {
    pb.ProfileLog: "profile_log",
    pb.PostLog: "post_log",
    pb.ProfileRelationshipLog: "profile_relationship_log",
    pb.SentimentLog: "sentiment_log",
    pb.AssetLog: "asset_log",
    pb.ScrapeRequestLog: "scrape_request_log",
}
_NAMESPACE = uuid.UUID("6d1f0c5e-3f7a-4a8e-9b1c-2f6f8a0d4e11")


def event_id(task_id: int, payload: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{task_id}/{payload}/{key}"))


def now_ms() -> int:
    return int(time.time() * 1000)


def _event(task_id: int, key: str, message: Message) -> pb.Event:
    """The event carrying `message` as its payload (named after the payload's field), with an
    id derived from the task and `key`."""
    payload = _PAYLOADS[type(message)]
    event = pb.Event(
        event_id=event_id(task_id, payload, key),
        name=payload,
        timestamp_ms=now_ms(),
        payload_type=payload,
    )
    getattr(event, payload).CopyFrom(message)
    return event


def profile_log(
    task_id: int,
    *,
    platform: str,
    profile_id: str,
    handle: str,
    dimensions: Mapping[str, str],
    metrics: Mapping[str, float],
    source: str,
) -> pb.Event:
    return _event(
        task_id,
        f"{platform}:{profile_id}",
        pb.ProfileLog(
            platform=platform,
            profile_id=profile_id,
            handle=handle,
            dimensions=dict(dimensions),
            metrics=dict(metrics),
            source=source,
        ),
    )


def post_log(
    task_id: int,
    *,
    platform: str,
    post_id: str,
    profile_id: str,
    shortcode: str,
    dimensions: Mapping[str, str],
    metrics: Mapping[str, float],
    source: str,
) -> pb.Event:
    return _event(
        task_id,
        f"{platform}:{post_id}",
        pb.PostLog(
            platform=platform,
            post_id=post_id,
            profile_id=profile_id,
            shortcode=shortcode,
            dimensions=dict(dimensions),
            metrics=dict(metrics),
            source=source,
        ),
    )


def relationship_log(
    task_id: int, *, platform: str, creator_id: str, follower: Follower, source: str
) -> pb.Event:
    return _event(
        task_id,
        f"{creator_id}:{follower.profile_id}",
        pb.ProfileRelationshipLog(
            platform=platform,
            source_profile_id=creator_id,
            target_profile_id=follower.profile_id,
            target_handle=follower.handle,
            target_full_name=follower.full_name,
            relationship_type="FOLLOWER",
            source=source,
        ),
    )


def sentiment_log(
    task_id: int, *, platform: str, post_id: str, text: str, sentiment: Sentiment
) -> pb.Event:
    return _event(
        task_id,
        f"{platform}:{sentiment.comment_id}",
        pb.SentimentLog(
            platform=platform,
            post_id=post_id,
            comment_id=sentiment.comment_id,
            text=text,
            score=sentiment.score,
            positive=sentiment.positive,
            negative=sentiment.negative,
            neutral=sentiment.neutral,
        ),
    )


def asset_log(
    task_id: int,
    *,
    platform: str,
    entity_type: str,
    entity_id: str,
    asset_type: str,
    source_url: str,
    storage_url: str,
    content_type: str,
    size_bytes: int,
    sha256: str,
) -> pb.Event:
    return _event(
        task_id,
        f"{platform}:{entity_type}:{entity_id}:{asset_type}",
        pb.AssetLog(
            platform=platform,
            entity_type=entity_type,
            entity_id=entity_id,
            asset_type=asset_type,
            source_url=source_url,
            storage_url=storage_url,
            content_type=content_type,
            size_bytes=size_bytes,
            sha256=sha256,
        ),
    )


def scrape_request_log(finished: Finished) -> pb.Event:
    return _event(
        finished.id,
        f"{finished.status}:{finished.retry_count}",
        pb.ScrapeRequestLog(
            task_id=finished.id,
            flow=finished.flow,
            status=finished.status.value,
            source=finished.source or "",
            retry_count=finished.retry_count,
            error=(finished.error or "")[:1000],
            duration_ms=int(finished.seconds * 1000),
        ),
    )
