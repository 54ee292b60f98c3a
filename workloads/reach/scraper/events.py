"""Wraps the messages the scraper publishes to `beat.dx` (`reach.common.events` protobuf) into
events. Pure functions: processing builds the messages from what a flow saved.

The dimensions and metrics of profile_log and post_log are declared per network in `networks`
(their keys are the ones the ClickHouse models read); a YouTube catalogue row's log carries its
fields by name (`catalogue_log`). An event's id is derived from the task and
the entity, so a task retried after it published (but before it was marked complete)
republishes the same ids, which downstream deduplicates.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from reach.common.events import events_pb2 as pb
from reach.scraper.models import (
    YouTubeChannelSection,
    YouTubePlaylist,
    YouTubePlaylistItem,
    YouTubeVideoCategory,
)
from reach.scraper.queue.models import Finished

CatalogueLog = (
    pb.YouTubePlaylistLog
    | pb.YouTubePlaylistItemLog
    | pb.YouTubeVideoCategoryLog
    | pb.YouTubeChannelSectionLog
)
Message = (
    pb.ProfileLog
    | pb.PostLog
    | pb.ProfileRelationshipLog
    | pb.SentimentLog
    | pb.AssetLog
    | pb.ScrapeRequestLog
    | pb.OrderLog
    | pb.PostActivityLog
    | CatalogueLog
)
# Each payload: its field in `Event`, and the entity it is about (with the task, its event id).
_PAYLOADS: dict[type[Message], tuple[str, Callable[[Any], str]]] = {
    pb.ProfileLog: ("profile_log", lambda m: f"{m.platform}:{m.profile_id}"),
    pb.PostLog: ("post_log", lambda m: f"{m.platform}:{m.post_id}"),
    pb.ProfileRelationshipLog: (
        "profile_relationship_log",
        lambda m: f"{m.source_profile_id}:{m.target_profile_id}",
    ),
    pb.SentimentLog: ("sentiment_log", lambda m: f"{m.platform}:{m.comment_id}"),
    pb.AssetLog: (
        "asset_log",
        lambda m: f"{m.platform}:{m.entity_type}:{m.entity_id}:{m.asset_type}",
    ),
    pb.OrderLog: ("order_log", lambda m: f"{m.platform}:{m.order_id}"),
    pb.PostActivityLog: (
        "post_activity_log",
        lambda m: f"{m.platform}:{m.post_id}:{m.activity_type}:{m.actor_profile_id}",
    ),
    pb.YouTubePlaylistLog: ("youtube_playlist_log", lambda m: m.playlist_id),
    pb.YouTubePlaylistItemLog: (
        "youtube_playlist_item_log",
        lambda m: f"{m.playlist_id}:{m.video_id}",
    ),
    pb.YouTubeVideoCategoryLog: (
        "youtube_video_category_log",
        lambda m: f"{m.region}:{m.category_id}",
    ),
    pb.YouTubeChannelSectionLog: ("youtube_channel_section_log", lambda m: m.section_id),
    # A task's every attempt is its own event.
    pb.ScrapeRequestLog: ("scrape_request_log", lambda m: f"{m.status}:{m.retry_count}"),
}
# The routing keys of `beat.dx` the scraper publishes to.
PAYLOADS: tuple[str, ...] = tuple(name for name, _ in _PAYLOADS.values())
_NAMESPACE = uuid.UUID("6d1f0c5e-3f7a-4a8e-9b1c-2f6f8a0d4e11")


def event_id(task_id: int, payload: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{task_id}/{payload}/{key}"))


def now_ms() -> int:
    return int(time.time() * 1000)


def event(task_id: int, message: Message) -> pb.Event:
    """The event carrying `message` as its payload (named after the payload's field), with an
    id derived from the task and the entity the message is about."""
    payload, entity = _PAYLOADS[type(message)]
    wrapped = pb.Event(
        event_id=event_id(task_id, payload, entity(message)),
        name=payload,
        timestamp_ms=now_ms(),
        payload_type=payload,
    )
    getattr(wrapped, payload).CopyFrom(message)
    return wrapped


def many(task_id: int, messages: Iterable[Message]) -> list[pb.Event]:
    """The events carrying each of `messages` (see `event`)."""
    return [event(task_id, message) for message in messages]


def scrape_request_log(finished: Finished) -> pb.Event:
    return event(
        finished.id,
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


_CATALOGUE_LOGS: dict[type[BaseModel], type[CatalogueLog]] = {
    YouTubePlaylist: pb.YouTubePlaylistLog,
    YouTubePlaylistItem: pb.YouTubePlaylistItemLog,
    YouTubeVideoCategory: pb.YouTubeVideoCategoryLog,
    YouTubeChannelSection: pb.YouTubeChannelSectionLog,
}
# A log field `<name>_ms` carries the row's datetime `<name>` as epoch milliseconds.
_MS = "_ms"


def catalogue_log(row: BaseModel, source: str) -> CatalogueLog:
    """The log of a YouTube catalogue row: its fields by name (a missing value left at the
    field's default), and the source that answered."""
    message = _CATALOGUE_LOGS[type(row)](source=source)
    for field in message.DESCRIPTOR.fields:
        if field.name == "source":
            continue
        if field.name.endswith(_MS):
            moment = getattr(row, field.name.removesuffix(_MS))
            value: Any = None if moment is None else int(moment.timestamp() * 1000)
        else:
            value = getattr(row, field.name)
        if value is None:
            continue
        if isinstance(value, list):
            getattr(message, field.name).extend(value)
        else:
            setattr(message, field.name, value)
    return message
