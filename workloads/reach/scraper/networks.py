"""Each network's account and post, declared once as data: the PostgreSQL columns a scrape fills
come from the fields of its models (`reach.scraper.models`), the dimensions and metrics of its
profile_log and post_log events are attribute paths into them, and the few things that differ
beyond columns (the owner of a post, what an enrichment stores, the averages computed from
stored posts) are named here. `processing` writes and publishes any network's accounts and posts
from these declarations; nothing else knows a network's columns.

The upserts are generated (`Table.upsert_sql`): rows travel as one array per column (`unnest`),
so one statement writes one account or a thousand posts. A re-scrape merges into the stored row
with `coalesce`: a fallback source lacking a field must not erase what a richer one found (a
field that always has a value, a flag or a list, is simply replaced). A test checks every
declared column against the migrated schema.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from operator import attrgetter
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from reach.common.networks import SocialNetwork
from reach.scraper import models

M = TypeVar("M")
# One getter per attribute path, made once: rows are read on every save.
_getter = cache(attrgetter)


@dataclass(frozen=True)
class Column:
    """A column, and the attribute path (`profile.handle`) of a row's item that fills it.
    `owner` marks the column naming the account a post belongs to: written once, never
    updated. `required`: the field always has a value (NOT NULL where a table is rendered)."""

    name: str
    pg_type: str  # an array of strings (`text[]`) travels as JSON text
    path: str
    owner: bool = False
    required: bool = False

    def parameter(self, items: Sequence[Any]) -> list[object]:
        get = _getter(self.path)
        if self.pg_type.endswith("[]"):
            return [json.dumps(get(item)) for item in items]
        return [get(item) for item in items]

    def selected(self) -> str:
        if self.pg_type.endswith("[]"):
            return f"ARRAY(SELECT jsonb_array_elements_text(n.{self.name}::jsonb))"
        return f"n.{self.name}"

    def element_type(self) -> str:
        return "text" if self.pg_type.endswith("[]") else self.pg_type


_PG_TYPES: dict[object, str] = {
    str: "text",
    int: "bigint",
    bool: "boolean",
    float: "float8",
    datetime: "timestamptz",
    date: "date",
    list[str]: "text[]",
}


def _optional(annotation: object) -> bool:
    return isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union


def pg_type(annotation: object) -> str:
    """The PostgreSQL type of a model field's annotation (`X | None` is X)."""
    if _optional(annotation):
        (annotation,) = (a for a in typing.get_args(annotation) if a is not type(None))
    return _PG_TYPES[annotation]


def columns(
    model: type[BaseModel],
    *,
    path: str = "",
    extra: Mapping[str, str] | None = None,
    types_: Mapping[str, str] | None = None,
    owner: str | None = None,
) -> tuple[Column, ...]:
    """A column per field of `model` (the first is the table's key), then the `extra` ones
    (properties of the model: name -> PostgreSQL type); `types_` overrides a field's type where
    the table stores it narrower. `path` prefixes every attribute path."""
    fields = model.model_fields
    declared = {name: pg_type(f.annotation) for name, f in fields.items()}
    declared |= dict(extra or {})
    declared |= dict(types_ or {})
    return tuple(
        Column(
            name,
            type_,
            f"{path}{name}",
            owner=name == owner,
            required=name in fields and not _optional(fields[name].annotation),
        )
        for name, type_ in declared.items()
    )


@dataclass(frozen=True)
class Table(Generic[M]):
    """A table a scrape upserts into, keyed by its first column (or its first `keyed` columns
    together); every row also gets the source that answered, and an account its
    `refreshed_at`. Where rendered, the key is unique next to an identity `id`, or (`natural`)
    the primary key itself."""

    name: str
    columns: tuple[Column, ...]
    refreshed: bool = False
    keyed: int = 1
    indexed: tuple[str, ...] = ()  # the columns of its one secondary index, where rendered
    natural: bool = False

    @property
    def key(self) -> Column:
        return self.columns[0]

    @property
    def owner(self) -> Column:
        return next(c for c in self.columns if c.owner)

    @cached_property
    def upsert_sql(self) -> str:
        names = [c.name for c in self.columns]
        source = len(self.columns) + 1
        arrays = ", ".join(f"${i}::{c.element_type()}[]" for i, c in enumerate(self.columns, 1))
        selected = ", ".join(c.selected() for c in self.columns)
        updates = [
            f"{c.name} = coalesce(excluded.{c.name}, t.{c.name})"
            for c in self.columns[self.keyed :]
            if not c.owner
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
            f"ON CONFLICT ({', '.join(names[: self.keyed])}) DO UPDATE SET\n    "
            + ",\n    ".join(updates)
        )

    def create_sql(self) -> str:
        """The table's DDL (for the tables a migration is rendered from): an identity key
        (unless `natural`), the declared columns, the source and the times, and its key."""
        declared = [
            f"{c.name} {c.pg_type}{' NOT NULL' if c.required else ''}" for c in self.columns
        ]
        key = f"({', '.join(c.name for c in self.columns[: self.keyed])})"
        body = [
            *([] if self.natural else ["id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]),
            *declared,
            "source text",
            *(["refreshed_at timestamptz"] if self.refreshed else []),
            "created_at timestamptz NOT NULL DEFAULT now()",
            "updated_at timestamptz NOT NULL DEFAULT now()",
            f"PRIMARY KEY {key}" if self.natural else f"UNIQUE {key}",
        ]
        sql = f"CREATE TABLE {self.name} (\n    " + ",\n    ".join(body) + "\n);\n"
        if self.indexed:
            sql += (
                f"CREATE INDEX {self.name}_{self.indexed[0]}_idx"
                f" ON {self.name} ({', '.join(self.indexed)});\n"
            )
        return sql

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


AVERAGES = ("avg_likes", "avg_comments", "engagement_rate")
AVERAGE_COLUMNS = tuple(Column(name, "float8", name) for name in AVERAGES)


def _dimension(value: object) -> str | None:
    """An event dimension's text: flags as 1/0, lists comma-joined, times in ISO 8601."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(value) or None
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def dimensions(declared: Mapping[str, str], item: object) -> dict[str, str]:
    """An event's dimensions (key -> attribute path): the declared ones that have a value."""
    found = ((key, _dimension(_getter(path)(item))) for key, path in declared.items())
    return {key: value for key, value in found if value is not None}


def metrics(declared: Mapping[str, str], item: object) -> dict[str, float]:
    """An event's metrics (key -> attribute path): the declared ones that have a value."""
    found = ((key, _getter(path)(item)) for key, path in declared.items())
    return {key: float(value) for key, value in found if value is not None}


def same_names(*names: str, under: str = "") -> dict[str, str]:
    """Keys named as the attributes they read (of `under`, e.g. an account's `profile.`)."""
    return {name: f"{under}{name}" for name in names}


A = TypeVar("A", bound=BaseModel)
P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class NetworkSchema(Generic[A, P]):
    """One network: its account and post tables and events, and the few things that differ
    beyond columns."""

    network: SocialNetwork
    profile_model: type[A]
    account: Table[Account[A]]
    post: Table[P]
    post_shortcode: str  # the attribute a post is addressed by in its URL
    account_dimensions: Mapping[str, str]
    account_metrics: Mapping[str, str]
    post_dimensions: Mapping[str, str]
    post_metrics: Mapping[str, str]
    # The fields of an LLM enrichment the account stores, the account columns its model reads
    # (with the recent posts' `post_text`).
    enriched: tuple[str, ...]
    brief: tuple[str, ...]
    post_text: str
    # Run per owner after its posts are saved: averages computed from the stored posts.
    after_posts: str | None = None

    def account_id(self, account: Account[A]) -> str:
        return str(_getter(self.account.key.path)(account))

    def account_handle(self, account: Account[A]) -> str | None:
        handle: str | None = _getter("handle")(account.profile)
        return handle

    def post_id(self, post: P) -> str:
        return str(_getter(self.post.key.path)(post))

    def post_owner(self, post: P) -> str:
        return str(_getter(self.post.owner.path)(post))

    @cached_property
    def free_handle_sql(self) -> str:
        """Handles move between accounts (renames): the account that held handle $2 before
        account $1 took it gets a placeholder until its own refresh says its new handle."""
        key = self.account.key.name
        return (
            f"UPDATE {self.account.name} SET handle = handle || '#moved-' || {key},"
            f" updated_at = now() WHERE lower(handle) = lower($2) AND {key} <> $1"
        )

    def enrich_sql(self, fields: Sequence[str]) -> str:
        """Stores an enrichment's `fields` (account columns) on account $1, in their order from
        $2 (what the model did not say keeps the stored value); returns the account."""
        sets = ", ".join(f"{name} = coalesce(${i}, {name})" for i, name in enumerate(fields, 2))
        return (
            f"UPDATE {self.account.name} SET {sets}, updated_at = now()"
            f" WHERE {self.account.key.name} = $1 RETURNING *"
        )

    @cached_property
    def stored_sql(self) -> str:
        """Account $1 as stored."""
        return f"SELECT * FROM {self.account.name} WHERE {self.account.key.name} = $1"

    @cached_property
    def brief_sql(self) -> str:
        """Account $1's columns an enrichment's model reads."""
        return (
            f"SELECT {', '.join(self.brief)} FROM {self.account.name}"
            f" WHERE {self.account.key.name} = $1"
        )

    @cached_property
    def recent_texts_sql(self) -> str:
        """The ids and texts of account $1's latest $2 posts."""
        text = self.post_text
        return (
            f"SELECT {self.post.key.name} AS id, {text} AS text FROM {self.post.name}"
            f" WHERE {self.post.owner.name} = $1"
            f" AND {text} IS NOT NULL ORDER BY publish_time DESC NULLS LAST LIMIT $2"
        )

    @cached_property
    def classify_post_sql(self) -> str:
        """Stores the content classification of account $1's post $2: category $3, sponsorship
        $4, brands $5. The post's updated_at stays: it says when its counts were refreshed."""
        return (
            f"UPDATE {self.post.name} SET content_category = $3, is_sponsored = $4, brands = $5"
            f" WHERE {self.post.key.name} = $2 AND {self.post.owner.name} = $1"
        )


def instagram_account(
    profile: models.InstagramProfile, recent: Sequence[models.InstagramPost]
) -> Account[models.InstagramProfile]:
    """An Instagram account with its averages over its recent posts."""
    avg_likes, avg_comments, rate = models.engagement(
        profile.followers, [p.likes for p in recent], [p.comments for p in recent]
    )
    return Account(profile, avg_likes, avg_comments, rate)


INSTAGRAM: NetworkSchema[models.InstagramProfile, models.InstagramPost] = NetworkSchema(
    network="instagram",
    profile_model=models.InstagramProfile,
    account=Table(
        "instagram_account",
        (*columns(models.InstagramProfile, path="profile."), *AVERAGE_COLUMNS),
        refreshed=True,
    ),
    post=Table(
        "instagram_post",
        columns(models.InstagramPost, extra={"hashtags": "text[]"}, owner="profile_id"),
    ),
    post_shortcode="shortcode",
    account_dimensions=same_names(
        "full_name", "category", "is_verified", "is_business", "is_private", under="profile."
    ),
    account_metrics={
        **same_names("followers", "following", "media_count", under="profile."),
        **same_names(*AVERAGES),
    },
    post_dimensions=same_names(
        "post_type", "caption", "hashtags", "publish_time", "location_id", "location_name"
    ),
    post_metrics=same_names("likes", "comments", "views", "plays"),
    enriched=("gender", "country", "city", "category", "topics", "language"),
    brief=(
        "profile_id",
        "handle",
        "full_name",
        "biography",
        "category",
        "followers",
        "media_count",
    ),
    post_text="caption",
)

YOUTUBE: NetworkSchema[models.YouTubeChannel, models.YouTubeVideo] = NetworkSchema(
    network="youtube",
    profile_model=models.YouTubeChannel,
    account=Table(
        "youtube_account", columns(models.YouTubeChannel, path="profile."), refreshed=True
    ),
    post=Table(
        "youtube_post",
        columns(
            models.YouTubeVideo,
            extra={"is_short": "boolean"},
            types_={"duration_s": "integer"},
            owner="channel_id",
        ),
    ),
    post_shortcode="video_id",
    account_dimensions={"full_name": "profile.title", "country": "profile.country"},
    account_metrics=same_names(
        "subscribers", "total_views", "video_count", "plays", "shorts_reach", under="profile."
    ),
    post_dimensions={
        "post_type": "post_type",
        "caption": "title",
        "hashtags": "tags",
        **same_names("category_id", "publish_time"),
    },
    post_metrics=same_names("views", "likes", "comments", "duration_s"),
    enriched=("country", "category", "language"),
    brief=(
        "channel_id",
        "handle",
        "title",
        "description",
        "country",
        "subscribers",
        "uploads_playlist_id",
    ),
    post_text="title",
    after_posts="update_youtube_averages",
)

# What YouTube says about channels beyond their account and videos, keyed by the API's own ids
# and upserted like accounts and posts (a poorer answer keeps what a richer one found).
YOUTUBE_PLAYLISTS: Table[models.YouTubePlaylist] = Table(
    "youtube_playlist", columns(models.YouTubePlaylist), indexed=("channel_id",)
)
YOUTUBE_PLAYLIST_ITEMS: Table[models.YouTubePlaylistItem] = Table(
    "youtube_playlist_item",
    columns(models.YouTubePlaylistItem, types_={"position": "integer"}),
    keyed=2,
)
YOUTUBE_VIDEO_CATEGORIES: Table[models.YouTubeVideoCategory] = Table(
    "youtube_video_category", columns(models.YouTubeVideoCategory), keyed=2
)
YOUTUBE_CHANNEL_SECTIONS: Table[models.YouTubeChannelSection] = Table(
    "youtube_channel_section",
    columns(models.YouTubeChannelSection, types_={"position": "integer"}),
    indexed=("channel_id", "position"),
)
YOUTUBE_CATALOGUE: tuple[Table[Any], ...] = (
    YOUTUBE_PLAYLISTS,
    YOUTUBE_PLAYLIST_ITEMS,
    YOUTUBE_VIDEO_CATEGORIES,
    YOUTUBE_CHANNEL_SECTIONS,
)
# The migration that created them, rendered from their declarations.
CATALOGUE_MIGRATION = "0008_youtube_catalogue.sql"


def _rendered(header: str, tables: Sequence[Table[Any]], then: str = "") -> str:
    """A migration creating `tables` in their order (then the SQL `then`), under `header`
    (SQL comment lines saying what they hold and that they are generated)."""
    return header + "".join(f"\n{table.create_sql()}" for table in tables) + then


def render_catalogue_migration() -> str:
    """The text of CATALOGUE_MIGRATION: the catalogue's tables, in declaration order."""
    return _rendered(
        "-- What the YouTube Data API says about channels beyond their account and videos\n"
        "-- (playlists and their entries, the video categories a region lists, the sections of a\n"
        "-- channel's home page), keyed by the API's own ids. Generated from\n"
        "-- reach.scraper.networks (a test compares them): change the Python and add a new\n"
        "-- migration; never edit this file once applied.\n",
        YOUTUBE_CATALOGUE,
    )


# What the Graph API's insights say about a business account's days and its posts.
PROFILE_INSIGHTS: Table[models.ProfileInsights] = Table(
    "profile_insights", columns(models.ProfileInsights), keyed=3, natural=True
)
# A post's insight counts go on its instagram_post row, merged like any re-scrape of it (the
# interactions together are the likes, comments, saves and shares the row already counts).
INSTAGRAM_POST_INSIGHTS: Table[models.PostInsights] = Table(
    "instagram_post",
    tuple(
        c
        for c in columns(models.PostInsights, owner="profile_id")
        if c.name != "total_interactions"
    ),
)
POST_INSIGHT_METRICS = same_names("reach", "impressions", "saved", "shares", "total_interactions")
PROFILE_INSIGHT_METRICS = same_names(
    "reach", "impressions", "profile_views", "website_clicks", "follower_count"
)
# The migration that created profile_insights and the posts' impressions.
INSIGHTS_MIGRATION = "0011_instagram_insights.sql"


def render_insights_migration() -> str:
    """The text of INSIGHTS_MIGRATION."""
    return _rendered(
        "-- What the Instagram Graph API's insights say about the business and creator accounts\n"
        "-- that connected to Reach (a `graphapi` credential named by the account's profile id):\n"
        "-- their days, one row per network, account and day (the day the upstream's end_time\n"
        "-- closes, UTC), and their posts' impressions next to the reach, saves and shares their\n"
        "-- rows already count. Generated from reach.scraper.networks (a test compares them):\n"
        "-- change the Python and add a new migration; never edit this file once applied.\n",
        (PROFILE_INSIGHTS,),
        f"\nALTER TABLE {INSTAGRAM.post.name} ADD COLUMN impressions bigint;\n",
    )


# Each migration rendered from these declarations, by its file name.
RENDERED_MIGRATIONS: Mapping[str, Callable[[], str]] = {
    CATALOGUE_MIGRATION: render_catalogue_migration,
    INSIGHTS_MIGRATION: render_insights_migration,
}


SCHEMAS: Mapping[SocialNetwork, NetworkSchema[Any, Any]] = {
    "instagram": INSTAGRAM,
    "youtube": YOUTUBE,
}
