"""What the scraper promises the rest of Reach: its flows by name with their parameters and
freshness (default cadence and what is due), the flow configuration a ScrapeFlow mounts for its
workers, the task table and the queries others run against it, and its listeners' AMQP names.

Standard library, pydantic and `reach.common`'s declarative modules only: the operator imports
this module (the ScrapeFlow CRD's `flow` enum, `enqueueParams` checks, `flow.yaml` and the
pending-tasks count are generated from it), and so do the workers, the scraper API and the
pipelines' enqueuer. A flow's code (`reach.scraper.flows`) is registered under these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from reach.common.identifiers import (
    INSTAGRAM_HANDLE,
    INSTAGRAM_LOCATION_ID,
    INSTAGRAM_SHORTCODE,
    YOUTUBE_CHANNEL_ID,
    YOUTUBE_HANDLE,
    YOUTUBE_PLAYLIST_ID,
    YOUTUBE_VIDEO_ID,
)
from reach.common.networks import SocialNetwork

TASK_TABLE = "scrape_request_log"


class FlowName(StrEnum):
    """Every flow's one name: `<verb>_<network>_<object>`, or `<verb>_<object>` for the flows
    that serve both networks."""

    REFRESH_INSTAGRAM_PROFILE = "refresh_instagram_profile"
    REFRESH_INSTAGRAM_POSTS = "refresh_instagram_posts"
    REFRESH_INSTAGRAM_POST = "refresh_instagram_post"
    FETCH_INSTAGRAM_FOLLOWERS = "fetch_instagram_followers"
    FETCH_INSTAGRAM_POST_COMMENTS = "fetch_instagram_post_comments"
    FETCH_INSTAGRAM_STORIES = "fetch_instagram_stories"
    REFRESH_INSTAGRAM_REELS = "refresh_instagram_reels"
    FETCH_INSTAGRAM_TAGGED_POSTS = "fetch_instagram_tagged_posts"
    FETCH_INSTAGRAM_HASHTAG_POSTS = "fetch_instagram_hashtag_posts"
    FETCH_INSTAGRAM_LOCATION_POSTS = "fetch_instagram_location_posts"
    FETCH_INSTAGRAM_POST_LIKERS = "fetch_instagram_post_likers"
    FETCH_INSTAGRAM_FOLLOWING = "fetch_instagram_following"
    REFRESH_INSTAGRAM_PROFILE_INSIGHTS = "refresh_instagram_profile_insights"
    REFRESH_INSTAGRAM_POST_INSIGHTS = "refresh_instagram_post_insights"
    REFRESH_INSTAGRAM_AUDIENCE = "refresh_instagram_audience"
    REFRESH_YOUTUBE_CHANNEL = "refresh_youtube_channel"
    REFRESH_YOUTUBE_CHANNEL_VIDEOS = "refresh_youtube_channel_videos"
    REFRESH_YOUTUBE_VIDEO = "refresh_youtube_video"
    FETCH_YOUTUBE_VIDEO_COMMENTS = "fetch_youtube_video_comments"
    SEARCH_YOUTUBE_KEYWORD = "search_youtube_keyword"
    REFRESH_YOUTUBE_CHANNEL_PLAYLISTS = "refresh_youtube_channel_playlists"
    REFRESH_YOUTUBE_PLAYLIST_ITEMS = "refresh_youtube_playlist_items"
    REFRESH_YOUTUBE_VIDEO_CATEGORIES = "refresh_youtube_video_categories"
    REFRESH_YOUTUBE_CHANNEL_SHORTS = "refresh_youtube_channel_shorts"
    REFRESH_YOUTUBE_CHANNEL_SECTIONS = "refresh_youtube_channel_sections"
    UPLOAD_ASSET = "upload_asset"
    ENRICH_PROFILE = "enrich_profile"
    ENRICH_PROFILE_GENDER = "enrich_profile_gender"
    ENRICH_PROFILE_LOCATION = "enrich_profile_location"
    ENRICH_PROFILE_CATEGORY = "enrich_profile_category"
    ENRICH_PROFILE_TOPICS = "enrich_profile_topics"
    ENRICH_PROFILE_AUDIENCE = "enrich_profile_audience"
    CLASSIFY_PROFILE_CONTENT = "classify_profile_content"
    VALIDATE_CREDENTIAL = "validate_credential"
    REFRESH_SHOPIFY_ORDERS = "refresh_shopify_orders"


class FlowParams(BaseModel):
    """Parameters of a task; unknown keys are refused so a typo fails at enqueue, not later."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # The fields whose values, joined by ":", are the rate key; a class whose key is computed
    # otherwise (a handle in lower case) overrides `rate_key` instead.
    keyed_by: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if unknown := set(cls.keyed_by) - set(cls.model_fields):
            raise TypeError(f"{cls.__name__} is keyed by fields it lacks: {sorted(unknown)}")

    def rate_key(self) -> str | None:
        """What per-handle limits count by (the handle, channel, shortcode...)."""
        if not self.keyed_by:
            return None
        return ":".join(str(getattr(self, name)) for name in self.keyed_by)

    def dedup_key(self) -> str | None:
        """What makes two pending tasks of the flow the same work."""
        return self.rate_key()


class InstagramHandleParams(FlowParams):
    handle: str = Field(pattern=INSTAGRAM_HANDLE, description="Instagram handle, without @.")

    @field_validator("handle", mode="before")
    @classmethod
    def _strip_at(cls, value: object) -> object:
        return value.lstrip("@").strip() if isinstance(value, str) else value

    def rate_key(self) -> str:
        return self.handle.lower()


class InstagramInsightsParams(InstagramHandleParams):
    days: int = Field(
        default=7, ge=1, le=30, description="Days to fetch, back from yesterday (at most 30)."
    )


class ListingParams(FlowParams):
    """What lists posts (an account's, a hashtag's) and how many of its latest to fetch."""

    limit: int = Field(default=50, ge=1, le=1000, description="Most recent posts to fetch.")


class InstagramPostsParams(ListingParams, InstagramHandleParams):
    pass


class InstagramHashtagParams(ListingParams):
    hashtag: str = Field(pattern=r"^\w{1,100}$", description="The hashtag, without #.")

    @field_validator("hashtag", mode="before")
    @classmethod
    def _strip_hash(cls, value: object) -> object:
        return value.lstrip("#").strip().lower() if isinstance(value, str) else value

    keyed_by = ("hashtag",)


class InstagramLocationParams(ListingParams):
    location_id: str = Field(
        pattern=INSTAGRAM_LOCATION_ID, description="Instagram's id of the location (digits)."
    )

    keyed_by = ("location_id",)


class InstagramFollowersParams(InstagramHandleParams):
    limit: int = Field(default=1000, ge=1, le=100_000, description="Accounts to fetch.")


# The comment flows of both networks fetch and score at most this many of a post's comments.
CommentLimit = Annotated[int, Field(ge=1, le=5000, description="Comments to fetch and score.")]


class InstagramShortcodeParams(FlowParams):
    shortcode: str = Field(pattern=INSTAGRAM_SHORTCODE, description="The post's shortcode.")

    keyed_by = ("shortcode",)


class InstagramCommentsParams(InstagramShortcodeParams):
    limit: CommentLimit = 100


class InstagramLikersParams(InstagramShortcodeParams):
    limit: int = Field(default=1000, ge=1, le=10_000, description="Likers to fetch.")


class YouTubeChannelParams(FlowParams):
    channel_id: str | None = Field(default=None, pattern=YOUTUBE_CHANNEL_ID)
    handle: str | None = Field(default=None, pattern=YOUTUBE_HANDLE)

    @model_validator(mode="after")
    def _one_of(self) -> YouTubeChannelParams:
        if (self.channel_id is None) == (self.handle is None):
            raise ValueError("give exactly one of channel_id and handle")
        return self

    def rate_key(self) -> str:
        return self.channel_id or (self.handle or "").lstrip("@").lower()


class YouTubeChannelIdParams(FlowParams):
    channel_id: str = Field(pattern=YOUTUBE_CHANNEL_ID)

    keyed_by = ("channel_id",)


class YouTubeChannelVideosParams(YouTubeChannelIdParams):
    limit: int = Field(default=50, ge=1, le=5000, description="Latest uploads to refresh.")


class YouTubePlaylistsParams(YouTubeChannelVideosParams):
    limit: int = Field(default=200, ge=1, le=5000, description="Playlists to refresh at most.")


class YouTubeShortsParams(YouTubeChannelVideosParams):
    limit: int = Field(
        default=200, ge=1, le=5000, description="Latest uploads to look through for Shorts."
    )


class YouTubePlaylistItemsParams(FlowParams):
    playlist_id: str = Field(pattern=YOUTUBE_PLAYLIST_ID)
    limit: int = Field(default=200, ge=1, le=5000, description="Entries to refresh at most.")

    keyed_by = ("playlist_id",)


class YouTubeRegionParams(FlowParams):
    region: str = Field(
        default="US", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code of a region."
    )

    keyed_by = ("region",)


class YouTubeVideoParams(FlowParams):
    video_id: str = Field(pattern=YOUTUBE_VIDEO_ID)

    keyed_by = ("video_id",)


class YouTubeCommentsParams(YouTubeVideoParams):
    limit: CommentLimit = 100


class YouTubeSearchParams(FlowParams):
    keyword: str = Field(min_length=1, max_length=200)
    kind: Literal["channel"] = "channel"
    limit: int = Field(default=50, ge=1, le=500, description="Channels to enqueue at most.")
    priority: int = Field(default=0, ge=-100, le=100, description="Of the enqueued refreshes.")

    def rate_key(self) -> str:
        return self.keyword.lower()


class AssetParams(FlowParams):
    network: SocialNetwork
    entity_type: Literal["profile", "post"]
    entity_id: str = Field(min_length=1, max_length=100)
    asset_type: Literal["profile_pic", "thumbnail", "display", "story_media"]
    url: str = Field(pattern=r"^https?://", max_length=4000)
    profile_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The owner's profile id, the folder the copy is stored under; the entity's"
        " own id when not given.",
    )

    keyed_by = ("network", "entity_type", "entity_id", "asset_type")


class EnrichParams(FlowParams):
    network: SocialNetwork
    profile_id: str = Field(min_length=1, max_length=100)

    keyed_by = ("network", "profile_id")


class ShopifyOrdersParams(FlowParams):
    shop: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$",
        max_length=255,
        description="The connected store's myshopify.com domain (its credential's name).",
    )
    limit: int = Field(default=1000, ge=1, le=100_000, description="Orders to fetch at most.")
    page_size: int = Field(default=250, ge=1, le=250, description="Orders per call (at most 250).")

    keyed_by = ("shop",)


class CredentialParams(FlowParams):
    source: str = Field(min_length=1, max_length=63)
    name: str = Field(min_length=1, max_length=200)
    secrets: dict[str, Any]

    keyed_by = ("source", "name")


# The GPT enrichments of a stored profile, all with its params and monthly cadence: everything
# at once (`enrich_profile`), or one thing each.
ENRICHMENT_FLOWS = (
    FlowName.ENRICH_PROFILE,
    FlowName.ENRICH_PROFILE_GENDER,
    FlowName.ENRICH_PROFILE_LOCATION,
    FlowName.ENRICH_PROFILE_CATEGORY,
    FlowName.ENRICH_PROFILE_TOPICS,
    FlowName.ENRICH_PROFILE_AUDIENCE,
    FlowName.CLASSIFY_PROFILE_CONTENT,
)


# The Graph API insights of an account, asked with the account's own token: only accounts that
# connected to Reach (a `graphapi` credential named by the account's profile id) have them.
INSIGHT_FLOWS = (
    FlowName.REFRESH_INSTAGRAM_PROFILE_INSIGHTS,
    FlowName.REFRESH_INSTAGRAM_POST_INSIGHTS,
    FlowName.REFRESH_INSTAGRAM_AUDIENCE,
)


class ListenerName(StrEnum):
    """Each AMQP listener of `reach scraper listen` (the seed's five): the routing key of its
    requests, and its queue `scraper.<name>_q`."""

    CREDENTIAL_VALIDITY = "credential_validity"
    IDENTITY_TOKEN = "identity_token"
    KEYWORD_COLLECTION = "keyword_collection"
    SENTIMENT_REQUEST = "sentiment_request"
    SENTIMENT_REPORT = "sentiment_report"


# The identity service's exchange (direct), where the `identity_token` listener's tokens arrive;
# the other listeners' requests arrive on the scraper's own `beat.dx`.
IDENTITY_EXCHANGE = "identity.dx"
# The routing key on `beat.dx` of the reports the `sentiment_report` listener publishes.
SENTIMENT_REPORT_READY = "sentiment_report_ready"


@dataclass(frozen=True)
class Freshness:
    """A flow's default cadence and the work it keeps fresh. `stale_after_hours`: how long a
    stored thing stays fresh (what the flow's ScrapeFlow sample schedules); `due` selects, for
    $1 seconds of staleness and at most $2 rows (largest first), one jsonb object per stale
    thing: the params it fills (`fills`) of the task that refreshes it."""

    stale_after_hours: int
    fills: tuple[str, ...]
    due: str


@dataclass(frozen=True)
class FlowSignature:
    """What callers of a flow need: the network it scrapes (None: either), its parameters, and
    its freshness (None: the flow runs on request only)."""

    network: SocialNetwork | None
    params: type[FlowParams]
    freshness: Freshness | None = None


# Posts older than this are not refreshed on a schedule: their counts have settled.
RECENT_POST_DAYS = 30
_STALE = "now() - make_interval(secs => $1)"
_RECENT = f"publish_time >= now() - interval '{RECENT_POST_DAYS} days'"
# Stories share instagram_post (post_type 'story'); they expire, and no post refresh sees them.
STORY = "story"
_RECENT_FEED = f"{_RECENT} AND post_type IS DISTINCT FROM '{STORY}'"
# A handle a rename freed ("...#moved-<id>") is no handle to scrape by: its profile waits for
# its own refresh under the new one.
_NOT_MOVED = "position('#moved-' IN handle) = 0"


def _due(
    hours: int,
    fills: Mapping[str, str],
    rows: str,
    fresh: str,
    size: str,
    where: str = "true",
) -> Freshness:
    """Fresh after `hours`: the `rows` (`where`) that are not `fresh` are due, each as the
    params `fills` maps to SQL expressions of the row, largest `size` first."""
    built = ", ".join(f"'{key}', {value}" for key, value in fills.items())
    return Freshness(
        hours,
        tuple(fills),
        f"SELECT jsonb_build_object({built}) FROM {rows}\n"
        f"WHERE {where} AND NOT coalesce({fresh}, false)\n"
        f"ORDER BY {size} DESC NULLS LAST, {', '.join(fills.values())}\n"
        "LIMIT $2",
    )


def _updated(column: str) -> str:
    """Fresh: the row itself was written within the staleness."""
    return f"{column} >= {_STALE}"


def _completed(flow: FlowName, dedup: str) -> str:
    """Fresh: a task of `flow` with the row's dedup key (`dedup`, the SQL of the params'
    `dedup_key()`) completed within the staleness (what the table does not record itself)."""
    return (
        f"EXISTS (SELECT 1 FROM {TASK_TABLE} AS done WHERE done.flow = '{flow}'"
        f" AND done.dedup_key = {dedup} AND done.status = 'COMPLETE'"
        f" AND done.completed_at >= {_STALE})"
    )


def _per_recent_post(flow: FlowName, hours: int, size: str, where: str = _RECENT_FEED) -> Freshness:
    """Fresh for `hours` after a task of `flow` completed for the recent feed post (of those
    `where` keeps), the largest `size` first."""
    return _due(
        hours,
        {"shortcode": "shortcode"},
        "instagram_post",
        _completed(flow, "shortcode"),
        size,
        where,
    )


def _per_instagram_account(flow: FlowName, hours: int, where: str = _NOT_MOVED) -> Freshness:
    """Fresh for `hours` after a task of `flow` completed for the stored account (of those
    `where` keeps)."""
    return _due(
        hours,
        {"handle": "handle"},
        "instagram_account",
        _completed(flow, "lower(handle)"),
        "followers",
        where,
    )


_PROFILES = (
    "(SELECT 'instagram' AS network, profile_id, followers AS size FROM instagram_account"
    " UNION ALL SELECT 'youtube', channel_id, subscribers FROM youtube_account) AS profile"
)


def _collected(platform: str, term: str, as_term: str, where: str = "true") -> str:
    """The keywords of `platform`'s keyword collections (each `term` of a `keyword`, named
    `as_term`, that `where` keeps) and how many collections hold each."""
    return (
        f"(SELECT {term} AS {as_term}, count(*) AS collections"
        " FROM keyword_collection, unnest(keywords) AS keyword"
        f" WHERE platform = '{platform}' AND {where} GROUP BY 1) AS searched"
    )


_YOUTUBE_KEYWORDS = _collected("youtube", "lower(keyword)", "keyword")
# A keyword that is no hashtag ("street food") is not searched as one.
_INSTAGRAM_HASHTAGS = _collected(
    "instagram", "lower(ltrim(keyword, '#'))", "hashtag", "ltrim(keyword, '#') ~ '^\\w{1,100}$'"
)


# Insights (INSIGHT_FLOWS) are only asked of accounts that connected to Reach.
def _connected(profile_id: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM credential AS connected WHERE connected.source = 'graphapi'"
        f" AND connected.name = {profile_id} AND connected.enabled)"
    )


_CONNECTED_ACCOUNT = f"{_NOT_MOVED} AND {_connected('instagram_account.profile_id')}"

# The locations of stored recent posts, by how many such posts each has.
_INSTAGRAM_LOCATIONS = (
    "(SELECT location_id, count(*) AS posts FROM instagram_post"
    f" WHERE location_id IS NOT NULL AND {_RECENT_FEED} GROUP BY location_id) AS places"
)

# The regions of stored channels, by how many channels each has.
_YOUTUBE_REGIONS = (
    "(SELECT upper(country) AS region, count(*) AS channels FROM youtube_account"
    " WHERE country ~ '^[A-Za-z]{2}$' GROUP BY upper(country)) AS regions"
)


FLOWS: Mapping[FlowName, FlowSignature] = MappingProxyType(
    {
        FlowName.REFRESH_INSTAGRAM_PROFILE: FlowSignature(
            "instagram",
            InstagramHandleParams,
            _due(
                24,
                {"handle": "handle"},
                "instagram_account",
                _updated("refreshed_at"),
                "followers",
                _NOT_MOVED,
            ),
        ),
        FlowName.REFRESH_INSTAGRAM_POSTS: FlowSignature(
            "instagram",
            InstagramPostsParams,
            _per_instagram_account(FlowName.REFRESH_INSTAGRAM_POSTS, 24),
        ),
        FlowName.REFRESH_INSTAGRAM_POST: FlowSignature(
            "instagram",
            InstagramShortcodeParams,
            _due(
                24,
                {"shortcode": "shortcode"},
                "instagram_post",
                _updated("updated_at"),
                "likes",
                _RECENT_FEED,
            ),
        ),
        FlowName.FETCH_INSTAGRAM_FOLLOWERS: FlowSignature(
            "instagram",
            InstagramFollowersParams,
            _per_instagram_account(FlowName.FETCH_INSTAGRAM_FOLLOWERS, 168),
        ),
        FlowName.FETCH_INSTAGRAM_POST_COMMENTS: FlowSignature(
            "instagram",
            InstagramCommentsParams,
            _per_recent_post(FlowName.FETCH_INSTAGRAM_POST_COMMENTS, 72, "comments"),
        ),
        # Stories live 24 hours: fetched every 8, each is seen about three times.
        FlowName.FETCH_INSTAGRAM_STORIES: FlowSignature(
            "instagram",
            InstagramHandleParams,
            _per_instagram_account(FlowName.FETCH_INSTAGRAM_STORIES, 8),
        ),
        FlowName.REFRESH_INSTAGRAM_REELS: FlowSignature(
            "instagram",
            InstagramPostsParams,
            _per_instagram_account(FlowName.REFRESH_INSTAGRAM_REELS, 24),
        ),
        FlowName.FETCH_INSTAGRAM_TAGGED_POSTS: FlowSignature(
            "instagram",
            InstagramPostsParams,
            _per_instagram_account(FlowName.FETCH_INSTAGRAM_TAGGED_POSTS, 72),
        ),
        FlowName.FETCH_INSTAGRAM_HASHTAG_POSTS: FlowSignature(
            "instagram",
            InstagramHashtagParams,
            _due(
                24,
                {"hashtag": "hashtag"},
                _INSTAGRAM_HASHTAGS,
                _completed(FlowName.FETCH_INSTAGRAM_HASHTAG_POSTS, "hashtag"),
                "collections",
            ),
        ),
        FlowName.FETCH_INSTAGRAM_LOCATION_POSTS: FlowSignature(
            "instagram",
            InstagramLocationParams,
            _due(
                72,
                {"location_id": "location_id"},
                _INSTAGRAM_LOCATIONS,
                _completed(FlowName.FETCH_INSTAGRAM_LOCATION_POSTS, "location_id"),
                "posts",
            ),
        ),
        FlowName.FETCH_INSTAGRAM_POST_LIKERS: FlowSignature(
            "instagram",
            InstagramLikersParams,
            _per_recent_post(FlowName.FETCH_INSTAGRAM_POST_LIKERS, 72, "likes"),
        ),
        FlowName.FETCH_INSTAGRAM_FOLLOWING: FlowSignature(
            "instagram",
            InstagramFollowersParams,
            _per_instagram_account(FlowName.FETCH_INSTAGRAM_FOLLOWING, 168),
        ),
        # A day's insights settle within 48 hours: fetched daily, each day is seen a week long.
        FlowName.REFRESH_INSTAGRAM_PROFILE_INSIGHTS: FlowSignature(
            "instagram",
            InstagramInsightsParams,
            _per_instagram_account(
                FlowName.REFRESH_INSTAGRAM_PROFILE_INSIGHTS, 24, _CONNECTED_ACCOUNT
            ),
        ),
        FlowName.REFRESH_INSTAGRAM_POST_INSIGHTS: FlowSignature(
            "instagram",
            InstagramShortcodeParams,
            _per_recent_post(
                FlowName.REFRESH_INSTAGRAM_POST_INSIGHTS,
                24,
                "likes",
                f"{_RECENT_FEED} AND {_connected('instagram_post.profile_id')}",
            ),
        ),
        # Who follows an account changes slowly.
        FlowName.REFRESH_INSTAGRAM_AUDIENCE: FlowSignature(
            "instagram",
            InstagramHandleParams,
            _per_instagram_account(FlowName.REFRESH_INSTAGRAM_AUDIENCE, 168, _CONNECTED_ACCOUNT),
        ),
        FlowName.REFRESH_YOUTUBE_CHANNEL: FlowSignature(
            "youtube",
            YouTubeChannelParams,
            _due(
                24,
                {"channel_id": "channel_id"},
                "youtube_account",
                _updated("refreshed_at"),
                "subscribers",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_CHANNEL_VIDEOS: FlowSignature(
            "youtube",
            YouTubeChannelVideosParams,
            _due(
                24,
                {"channel_id": "channel_id"},
                "youtube_account",
                _completed(FlowName.REFRESH_YOUTUBE_CHANNEL_VIDEOS, "channel_id"),
                "subscribers",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_VIDEO: FlowSignature(
            "youtube",
            YouTubeVideoParams,
            _due(
                24,
                {"video_id": "video_id"},
                "youtube_post",
                _updated("updated_at"),
                "views",
                _RECENT,
            ),
        ),
        FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS: FlowSignature(
            "youtube",
            YouTubeCommentsParams,
            _due(
                72,
                {"video_id": "video_id"},
                "youtube_post",
                _completed(FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS, "video_id"),
                "comments",
                _RECENT,
            ),
        ),
        FlowName.SEARCH_YOUTUBE_KEYWORD: FlowSignature(
            "youtube",
            YouTubeSearchParams,
            _due(
                168,
                {"keyword": "keyword"},
                _YOUTUBE_KEYWORDS,
                _completed(FlowName.SEARCH_YOUTUBE_KEYWORD, "keyword"),
                "collections",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_CHANNEL_PLAYLISTS: FlowSignature(
            "youtube",
            YouTubePlaylistsParams,
            _due(
                168,
                {"channel_id": "channel_id"},
                "youtube_account",
                _completed(FlowName.REFRESH_YOUTUBE_CHANNEL_PLAYLISTS, "channel_id"),
                "subscribers",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_PLAYLIST_ITEMS: FlowSignature(
            "youtube",
            YouTubePlaylistItemsParams,
            _due(
                72,
                {"playlist_id": "playlist_id"},
                "youtube_playlist",
                _completed(FlowName.REFRESH_YOUTUBE_PLAYLIST_ITEMS, "playlist_id"),
                "item_count",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_VIDEO_CATEGORIES: FlowSignature(
            "youtube",
            YouTubeRegionParams,
            _due(
                720,
                {"region": "region"},
                _YOUTUBE_REGIONS,
                _completed(FlowName.REFRESH_YOUTUBE_VIDEO_CATEGORIES, "region"),
                "channels",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_CHANNEL_SHORTS: FlowSignature(
            "youtube",
            YouTubeShortsParams,
            _due(
                24,
                {"channel_id": "channel_id"},
                "youtube_account",
                _completed(FlowName.REFRESH_YOUTUBE_CHANNEL_SHORTS, "channel_id"),
                "subscribers",
            ),
        ),
        FlowName.REFRESH_YOUTUBE_CHANNEL_SECTIONS: FlowSignature(
            "youtube",
            YouTubeChannelIdParams,
            _due(
                168,
                {"channel_id": "channel_id"},
                "youtube_account",
                _completed(FlowName.REFRESH_YOUTUBE_CHANNEL_SECTIONS, "channel_id"),
                "subscribers",
            ),
        ),
        # Media not yet stored are the `upload_assets` pipeline's to ask for.
        FlowName.UPLOAD_ASSET: FlowSignature(None, AssetParams),
        **{
            enrichment: FlowSignature(
                None,
                EnrichParams,
                _due(
                    720,
                    {"network": "network", "profile_id": "profile_id"},
                    _PROFILES,
                    _completed(enrichment, "network || ':' || profile_id"),
                    "size",
                ),
            )
            for enrichment in ENRICHMENT_FLOWS
        },
        # Credentials are validated when added or when asked (`credential_validity`).
        FlowName.VALIDATE_CREDENTIAL: FlowSignature(None, CredentialParams),
        # Every connected store (a `shopify` credential, named by its domain), every 6 hours.
        FlowName.REFRESH_SHOPIFY_ORDERS: FlowSignature(
            None,
            ShopifyOrdersParams,
            _due(
                6,
                {"shop": "name"},
                "credential",
                _completed(FlowName.REFRESH_SHOPIFY_ORDERS, "name"),
                "use_count",
                "source = 'shopify' AND enabled",
            ),
        ),
    }
)

# The profile refresh of each network (what its stored profiles fill: its Freshness).
REFRESH_FLOWS: Mapping[SocialNetwork, FlowName] = MappingProxyType(
    {
        "instagram": FlowName.REFRESH_INSTAGRAM_PROFILE,
        "youtube": FlowName.REFRESH_YOUTUBE_CHANNEL,
    }
)

# The RapidAPI-style Instagram sources after the first (`rapidapi-instagram`), in the order
# the fallback chain tries them, each with the scraper setting of its base URL. Each takes a
# RapidAPI key as its credential's `key`; a Platform declares their URLs and keys by these names.
RAPIDAPI_PROVIDERS: Mapping[str, str] = MappingProxyType(
    {
        "rocketapi-instagram": "rocketapi_instagram_url",
        "instagram-looter": "instagram_looter_url",
        "instagram28": "instagram28_url",
        "instagram-bulk-profile": "instagram_bulk_profile_url",
        "instagram-statistics": "instagram_statistics_url",
    }
)

# Tasks of flow $1 a worker could claim now: what a ScrapeFlow autoscales on.
PENDING_TASKS = (
    f"SELECT count(*) FROM {TASK_TABLE} WHERE flow = $1"
    " AND status = 'PENDING' AND run_after <= now()"
)

# Keys of a scheduled enqueue's params that are not a task's: with `stale_after_hours` the
# enqueuer adds one task per stale stored thing its flow's freshness finds (at most `max_tasks`).
STALE_AFTER_HOURS = "stale_after_hours"
MAX_TASKS = "max_tasks"
DEFAULT_FANOUT = 10_000


class EnqueueParamsError(ValueError):
    """Params a scheduled enqueue of a flow cannot use; the message names the key."""


FRESH_FLOWS = tuple(flow for flow, signature in FLOWS.items() if signature.freshness)


def check_enqueue_params(flow: FlowName, params: Mapping[str, Any]) -> None:
    """What `reach scraper enqueue --flow F --params P` accepts, checked where a ScrapeFlow is
    parsed and again by the enqueuer: either one task's params, or a stale fan-out
    (`stale_after_hours`, optional `max_tasks`, the other keys shared by every task)."""
    signature = FLOWS[flow]
    rest = dict(params)
    if STALE_AFTER_HOURS not in rest:
        try:
            signature.params.model_validate(rest)
        except ValidationError as exc:
            raise EnqueueParamsError(
                "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or '(params)'}: {e['msg']}"
                    for e in exc.errors(include_url=False)
                )
            ) from None
        return
    freshness = signature.freshness
    if freshness is None:
        raise EnqueueParamsError(f"{STALE_AFTER_HOURS} works for {sorted(FRESH_FLOWS)}, not {flow}")
    for key in (STALE_AFTER_HOURS, MAX_TASKS):
        value = rest.pop(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise EnqueueParamsError(f"{key} must be a non-negative integer")
    shared = set(signature.params.model_fields) - set(freshness.fills)
    unknown = sorted(set(rest) - shared)
    if unknown:
        raise EnqueueParamsError(f"keys not allowed with {STALE_AFTER_HOURS}: {unknown}")


class ConfigModel(BaseModel):
    """camelCase on the wire (the ScrapeFlow spec and the `flow.yaml` it mounts)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


Per = Literal["second", "minute", "hour", "day"]
Scope = Literal["global", "handle"]


class RateLimitConfig(ConfigModel):
    """At most `limit` calls per `per`, counted over all workers (or per handle)."""

    limit: int = Field(ge=1, le=100_000_000)
    per: Per
    scope: Scope = "global"


class SourceConfig(ConfigModel):
    name: str = Field(max_length=63, pattern=r"^[a-z0-9][-a-z0-9_]*$")
    rate_limits: list[RateLimitConfig] = Field(default_factory=list, max_length=8)


class FlowConfig(ConfigModel):
    """What a worker reads from `--config flow.yaml`: the parts of its ScrapeFlow it cannot
    get from its arguments."""

    flow: FlowName
    sources: list[SourceConfig] = Field(
        default_factory=list, max_length=10, description="Fallback order: first answers first."
    )
    rate_limits: list[RateLimitConfig] = Field(
        default_factory=list, max_length=8, description="Limits over all sources."
    )
