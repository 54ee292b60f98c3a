"""Each network's account and post, declared once as data: the PostgreSQL columns a scrape fills
(with how a re-scrape merges into what is stored), and the dimensions and metrics its
profile_log and post_log events carry. `processing` writes and publishes any network's
accounts and posts from these declarations; nothing else knows a network's columns.

The upserts are generated (`Table.upsert`): rows travel as one array per column (`unnest`), so
one statement writes one account or a thousand posts. A test checks every declared column
against the migrated schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from reach.common.networks import SocialNetwork
from reach.scraper.models import (
    InstagramPost,
    InstagramProfile,
    YouTubeChannel,
    YouTubeVideo,
    engagement,
)

M = TypeVar("M")
# How a re-scrape merges into the stored row: `coalesce` keeps what this scrape did not say (a
# fallback source lacking a field must not erase what a richer one found), `replace` takes the
# new value as it is, `insert` is written once and never updated.
Merge = Literal["coalesce", "replace", "insert"]


@dataclass(frozen=True)
class Column(Generic[M]):
    name: str
    pg_type: str  # an array of strings (`text[]`) travels as JSON text
    value: Callable[[M], object]
    merge: Merge = "coalesce"

    def parameter(self, items: Sequence[M]) -> list[object]:
        if self.pg_type.endswith("[]"):
            return [json.dumps(self.value(item)) for item in items]
        return [self.value(item) for item in items]

    def selected(self) -> str:
        if self.pg_type.endswith("[]"):
            return f"ARRAY(SELECT jsonb_array_elements_text(n.{self.name}::jsonb))"
        return f"n.{self.name}"

    def element_type(self) -> str:
        return "text" if self.pg_type.endswith("[]") else self.pg_type


@dataclass(frozen=True)
class Table(Generic[M]):
    """A table a scrape upserts into, keyed by its first column; every row also gets the
    source that answered, and an account its `refreshed_at`."""

    name: str
    columns: tuple[Column[M], ...]
    refreshed: bool = False

    @property
    def key(self) -> str:
        return self.columns[0].name

    @cached_property
    def upsert_sql(self) -> str:
        names = [c.name for c in self.columns]
        source = len(self.columns) + 1
        arrays = ", ".join(f"${i}::{c.element_type()}[]" for i, c in enumerate(self.columns, 1))
        selected = ", ".join(c.selected() for c in self.columns)
        updates = [
            f"{c.name} = coalesce(excluded.{c.name}, t.{c.name})"
            if c.merge == "coalesce"
            else f"{c.name} = excluded.{c.name}"
            for c in self.columns[1:]
            if c.merge != "insert"
        ]
        updates.append("source = excluded.source")
        inserted = [*names, "source"]
        values = f"{selected}, ${source}"
        if self.refreshed:
            inserted.append("refreshed_at")
            values += ", now()"
            updates.append("refreshed_at = now()")
        updates.append("updated_at = now()")
        return (
            f"INSERT INTO {self.name} AS t ({', '.join(inserted)})\n"
            f"SELECT {values}\n"
            f"FROM unnest({arrays}) AS n ({', '.join(names)})\n"
            f"ON CONFLICT ({self.key}) DO UPDATE SET\n    " + ",\n    ".join(updates)
        )

    def parameters(self, items: Sequence[M], source: str) -> list[object]:
        return [*(c.parameter(items) for c in self.columns), source]


@dataclass(frozen=True)
class Account(Generic[M]):
    """A scraped account with the engagement averages computed from its recent posts (None
    where the network's averages are computed from stored posts instead)."""

    profile: M
    avg_likes: float | None = None
    avg_comments: float | None = None
    engagement_rate: float | None = None


Values = tuple[tuple[str, Callable[[M], Any]], ...]


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _time(value: Any) -> str | None:
    return value.isoformat() if value else None


def dimensions(declared: Values[M], item: M) -> dict[str, str]:
    """An event's dimensions: the declared ones that have a value."""
    found = ((key, get(item)) for key, get in declared)
    return {key: value for key, value in found if value is not None}


def metrics(declared: Values[M], item: M) -> dict[str, float]:
    """An event's metrics: the declared ones that have a value, as floats."""
    found = ((key, get(item)) for key, get in declared)
    return {key: float(value) for key, value in found if value is not None}


A = TypeVar("A")
P = TypeVar("P")


@dataclass(frozen=True)
class NetworkSchema(Generic[A, P]):
    """One network: its account and post tables and events, and the few things that differ
    beyond columns."""

    network: SocialNetwork
    account: Table[Account[A]]
    post: Table[P]
    account_id: Callable[[A], str]
    account_handle: Callable[[A], str | None]
    post_id: Callable[[P], str]
    post_owner: Callable[[P], str]
    post_shortcode: Callable[[P], str]
    account_dimensions: Values[Account[A]]
    account_metrics: Values[Account[A]]
    post_dimensions: Values[P]
    post_metrics: Values[P]
    # Run per owner after its posts are saved: averages computed from the stored posts.
    after_posts: str | None = None

    @cached_property
    def free_handle_sql(self) -> str:
        """Handles move between accounts (renames): the account that held handle $2 before
        account $1 took it gets a placeholder until its own refresh says its new handle."""
        key = self.account.key
        return (
            f"UPDATE {self.account.name} SET handle = handle || '#moved-' || {key},"
            f" updated_at = now() WHERE lower(handle) = lower($2) AND {key} <> $1"
        )


def instagram_account(
    profile: InstagramProfile, recent: Sequence[InstagramPost]
) -> Account[InstagramProfile]:
    """An Instagram account with its averages over its recent posts."""
    avg_likes, avg_comments, rate = engagement(
        profile.followers, [p.likes for p in recent], [p.comments for p in recent]
    )
    return Account(profile, avg_likes, avg_comments, rate)


def _profile(get: Callable[[Any], Any]) -> Callable[[Account[Any]], Any]:
    return lambda account: get(account.profile)


INSTAGRAM: NetworkSchema[InstagramProfile, InstagramPost] = NetworkSchema(
    network="instagram",
    account=Table(
        "instagram_account",
        (
            Column("profile_id", "text", _profile(lambda p: p.profile_id)),
            Column("handle", "text", _profile(lambda p: p.handle), "replace"),
            Column("full_name", "text", _profile(lambda p: p.full_name)),
            Column("biography", "text", _profile(lambda p: p.biography)),
            Column("category", "text", _profile(lambda p: p.category)),
            Column("followers", "bigint", _profile(lambda p: p.followers)),
            Column("following", "bigint", _profile(lambda p: p.following)),
            Column("media_count", "bigint", _profile(lambda p: p.media_count)),
            Column("avg_likes", "float8", lambda a: a.avg_likes),
            Column("avg_comments", "float8", lambda a: a.avg_comments),
            Column("engagement_rate", "float8", lambda a: a.engagement_rate),
            Column("is_verified", "boolean", _profile(lambda p: p.is_verified), "replace"),
            Column("is_business", "boolean", _profile(lambda p: p.is_business), "replace"),
            Column("is_private", "boolean", _profile(lambda p: p.is_private), "replace"),
            Column("profile_pic_url", "text", _profile(lambda p: p.profile_pic_url)),
            Column("external_url", "text", _profile(lambda p: p.external_url)),
        ),
        refreshed=True,
    ),
    post=Table(
        "instagram_post",
        (
            Column("post_id", "text", lambda p: p.post_id),
            Column("shortcode", "text", lambda p: p.shortcode, "replace"),
            Column("profile_id", "text", lambda p: p.profile_id, "insert"),
            Column("post_type", "text", lambda p: p.post_type),
            Column("caption", "text", lambda p: p.caption),
            Column("hashtags", "text[]", lambda p: p.hashtags, "replace"),
            Column("likes", "bigint", lambda p: p.likes),
            Column("comments", "bigint", lambda p: p.comments),
            Column("plays", "bigint", lambda p: p.plays),
            Column("views", "bigint", lambda p: p.views),
            Column("thumbnail_url", "text", lambda p: p.thumbnail_url),
            Column("display_url", "text", lambda p: p.display_url),
            Column("publish_time", "timestamptz", lambda p: p.publish_time),
        ),
    ),
    account_id=lambda p: p.profile_id,
    account_handle=lambda p: p.handle,
    post_id=lambda p: p.post_id,
    post_owner=lambda p: p.profile_id,
    post_shortcode=lambda p: p.shortcode,
    account_dimensions=(
        ("full_name", _profile(lambda p: p.full_name)),
        ("category", _profile(lambda p: p.category)),
        ("is_verified", _profile(lambda p: _flag(p.is_verified))),
        ("is_business", _profile(lambda p: _flag(p.is_business))),
        ("is_private", _profile(lambda p: _flag(p.is_private))),
    ),
    account_metrics=(
        ("followers", _profile(lambda p: p.followers)),
        ("following", _profile(lambda p: p.following)),
        ("media_count", _profile(lambda p: p.media_count)),
        ("avg_likes", lambda a: a.avg_likes),
        ("avg_comments", lambda a: a.avg_comments),
        ("engagement_rate", lambda a: a.engagement_rate),
    ),
    post_dimensions=(
        ("post_type", lambda p: p.post_type),
        ("caption", lambda p: p.caption),
        ("hashtags", lambda p: ",".join(p.hashtags) or None),
        ("publish_time", lambda p: _time(p.publish_time)),
    ),
    post_metrics=(
        ("likes", lambda p: p.likes),
        ("comments", lambda p: p.comments),
        ("views", lambda p: p.views),
        ("plays", lambda p: p.plays),
    ),
)

YOUTUBE: NetworkSchema[YouTubeChannel, YouTubeVideo] = NetworkSchema(
    network="youtube",
    account=Table(
        "youtube_account",
        (
            Column("channel_id", "text", _profile(lambda c: c.channel_id)),
            Column("handle", "text", _profile(lambda c: c.handle)),
            Column("title", "text", _profile(lambda c: c.title)),
            Column("description", "text", _profile(lambda c: c.description)),
            Column("country", "text", _profile(lambda c: c.country)),
            Column("subscribers", "bigint", _profile(lambda c: c.subscribers)),
            Column("total_views", "bigint", _profile(lambda c: c.total_views)),
            Column("video_count", "bigint", _profile(lambda c: c.video_count)),
            Column("uploads_playlist_id", "text", _profile(lambda c: c.uploads_playlist_id)),
            Column("thumbnail_url", "text", _profile(lambda c: c.thumbnail_url)),
        ),
        refreshed=True,
    ),
    post=Table(
        "youtube_post",
        (
            Column("video_id", "text", lambda v: v.video_id),
            Column("channel_id", "text", lambda v: v.channel_id, "insert"),
            Column("title", "text", lambda v: v.title),
            Column("description", "text", lambda v: v.description),
            Column("tags", "text[]", lambda v: v.tags, "replace"),
            Column("category_id", "text", lambda v: v.category_id),
            Column("duration_s", "integer", lambda v: v.duration_s),
            Column("is_short", "boolean", lambda v: v.is_short, "replace"),
            Column("views", "bigint", lambda v: v.views),
            Column("likes", "bigint", lambda v: v.likes),
            Column("comments", "bigint", lambda v: v.comments),
            Column("thumbnail_url", "text", lambda v: v.thumbnail_url),
            Column("publish_time", "timestamptz", lambda v: v.publish_time),
        ),
    ),
    account_id=lambda c: c.channel_id,
    account_handle=lambda c: c.handle,
    post_id=lambda v: v.video_id,
    post_owner=lambda v: v.channel_id,
    post_shortcode=lambda v: v.video_id,
    account_dimensions=(
        ("full_name", _profile(lambda c: c.title)),
        ("country", _profile(lambda c: c.country)),
    ),
    account_metrics=(
        ("subscribers", _profile(lambda c: c.subscribers)),
        ("total_views", _profile(lambda c: c.total_views)),
        ("video_count", _profile(lambda c: c.video_count)),
    ),
    post_dimensions=(
        ("post_type", lambda v: "short" if v.is_short else "video"),
        ("caption", lambda v: v.title),
        ("hashtags", lambda v: ",".join(v.tags) or None),
        ("category_id", lambda v: v.category_id),
        ("publish_time", lambda v: _time(v.publish_time)),
    ),
    post_metrics=(
        ("views", lambda v: v.views),
        ("likes", lambda v: v.likes),
        ("comments", lambda v: v.comments),
        ("duration_s", lambda v: v.duration_s),
    ),
    after_posts="update_youtube_averages",
)
