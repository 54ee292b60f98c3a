"""What the scraper knows about profiles, posts, followers and comments, whichever source said
it. Sources parse their own wire shapes into these (the parsing stage); processing writes them
to PostgreSQL and turns them into events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from reach.common.metrics import RATE_DECIMALS, engagement_rate

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def _text(value: object) -> object:
    """An id an upstream writes as a number, as the text we store ids as."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)


class Page(Snapshot, Generic[T]):
    """One page of a paged listing, and the cursor of the next (None at the end)."""

    items: list[T]
    next_cursor: str | None = None


class InstagramProfile(Snapshot):
    profile_id: str
    handle: str
    full_name: str | None = None
    biography: str | None = None
    category: str | None = None
    followers: int | None = None
    following: int | None = None
    media_count: int | None = None
    is_verified: bool = False
    is_business: bool = False
    is_private: bool = False
    profile_pic_url: str | None = None
    external_url: str | None = None


class InstagramPost(Snapshot):
    post_id: str
    shortcode: str
    profile_id: str
    post_type: str | None = None
    caption: str | None = None
    likes: int | None = None
    comments: int | None = None
    plays: int | None = None
    views: int | None = None
    thumbnail_url: str | None = None
    display_url: str | None = None
    publish_time: datetime | None = None
    # The place the post is tagged at (Instagram's location id, which its answers write as a
    # number or a string, and its name and coordinates), where the source says one.
    location_id: Annotated[str | None, BeforeValidator(_text)] = None
    location_name: str | None = None
    location_lat: float | None = None
    location_lng: float | None = None

    @property
    def hashtags(self) -> list[str]:
        return hashtags(self.caption)


class ProfileInsights(Snapshot):
    """A business account's day as the Graph API counts it (`profile_insights`, one row per
    network, account and day): accounts reached, times its media were seen, visits to its
    profile, taps on its website link, and the followers it had."""

    platform: str
    profile_id: str
    date: date
    reach: int | None = None
    impressions: int | None = None
    profile_views: int | None = None
    website_clicks: int | None = None
    follower_count: int | None = None


class PostInsights(Snapshot):
    """A post's lifetime counts as its owner's Graph API insights see them: accounts reached,
    times seen, saves, shares, and all interactions together (likes, comments, saves, shares)."""

    post_id: str
    shortcode: str
    profile_id: str
    reach: int | None = None
    impressions: int | None = None
    saved: int | None = None
    shares: int | None = None
    total_interactions: int | None = None


# The follower buckets a demographics breakdown fills: each an `audience_<kind>` account column.
AudienceKind = Literal["gender", "age", "location"]


class Demographics(Snapshot):
    """Who follows an account, per kind of bucket: each bucket's share of the followers (0 to
    1, the shares of a kind summing to 1; empty when the upstream counted nobody)."""

    gender: dict[str, float]
    age: dict[str, float]
    location: dict[str, float]


class Follower(Snapshot):
    profile_id: str
    handle: str
    full_name: str = ""


class Comment(Snapshot):
    comment_id: str
    post_id: str
    text: str
    author: str | None = None
    published_at: datetime | None = None


class YouTubeChannel(Snapshot):
    channel_id: str
    handle: str | None = None
    title: str | None = None
    description: str | None = None
    country: str | None = None
    subscribers: int | None = None
    total_views: int | None = None
    video_count: int | None = None
    uploads_playlist_id: str | None = None
    thumbnail_url: str | None = None
    # Of its stored Shorts (computed, never scraped): their views together and per Short.
    plays: int | None = None
    shorts_reach: int | None = None


class YouTubeVideo(Snapshot):
    video_id: str
    channel_id: str
    title: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    category_id: str | None = None
    duration_s: int | None = None
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    thumbnail_url: str | None = None
    publish_time: datetime | None = None

    @property
    def is_short(self) -> bool:
        # YouTube's own rule for Shorts is a vertical video of at most 3 minutes; the API
        # exposes no flag, and duration is what the seed used.
        return self.duration_s is not None and self.duration_s <= 180

    @property
    def post_type(self) -> str:
        return "short" if self.is_short else "video"


class YouTubePlaylist(Snapshot):
    playlist_id: str
    channel_id: str
    title: str | None = None
    description: str | None = None
    item_count: int | None = None
    privacy_status: str | None = None
    thumbnail_url: str | None = None
    publish_time: datetime | None = None


class YouTubePlaylistItem(Snapshot):
    """A video's place in a playlist (the Data API's playlistItem id where it says one)."""

    playlist_id: str
    video_id: str
    item_id: str | None = None
    position: int | None = None
    video_published_at: datetime | None = None


class YouTubeVideoCategory(Snapshot):
    """A category a video's `category_id` names, as a region lists it (whether creators there
    can assign it differs by region)."""

    region: str
    category_id: str
    title: str
    assignable: bool = False


class YouTubeChannelSection(Snapshot):
    """A shelf of a channel's home page: its type (`recentUploads`, `singlePlaylist`...) and
    the playlists or channels it shows."""

    section_id: str
    channel_id: str
    section_type: str
    title: str | None = None
    position: int | None = None
    playlist_ids: list[str] = Field(default_factory=list)
    channel_ids: list[str] = Field(default_factory=list)


class Sentiment(Snapshot):
    """Probabilities of a comment's tone; `score` is positive minus negative (-1..1)."""

    comment_id: str
    positive: float = Field(ge=0, le=1)
    negative: float = Field(ge=0, le=1)
    neutral: float = Field(ge=0, le=1)

    @property
    def score(self) -> float:
        return round(self.positive - self.negative, 6)


class Enrichment(Snapshot):
    """What the LLM inferred about a creator (the strict JSON schema of the answer)."""

    gender: str = Field(description="male, female, or unknown")
    country: str | None = Field(description="ISO 3166-1 alpha-2 code, or null")
    city: str | None = Field(description="City name, or null")
    language: str | None = Field(description="ISO 639-1 code of the content's language, or null")
    category: str = Field(description="The creator's main content category")
    topics: list[str] = Field(description="Up to five topics, lowercase")


class Order(Snapshot):
    """An order of a connected store, as an order_log carries it."""

    order_id: str
    name: str | None = None
    customer_id: str | None = None
    status: str
    amount: float
    currency: str
    item_count: int
    created_at: datetime
    dimensions: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class Usage:
    """What answering cost: the tokens the model counted over every attempt, and their price."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.attempts + other.attempts,
            self.cost_usd + other.cost_usd,
        )


@dataclass(frozen=True)
class Answered(Generic[M]):
    """A model's answer in the schema asked for, with what it cost."""

    value: M
    usage: Usage


def hashtags(caption: str | None) -> list[str]:
    if not caption:
        return []
    seen: dict[str, None] = {}
    for word in caption.split():
        if word.startswith("#") and len(word) > 1:
            seen.setdefault(word[1:].strip(".,!?").lower(), None)
    return [tag for tag in seen if tag]


def engagement(
    followers: int | None, likes: Sequence[int | None], comments: Sequence[int | None]
) -> tuple[float | None, float | None, float | None]:
    """Average likes and comments over the posts that show them, and the engagement rate
    (`reach.common.metrics`) they make."""
    known_likes = [x for x in likes if x is not None]
    known_comments = [x for x in comments if x is not None]
    avg_likes = sum(known_likes) / len(known_likes) if known_likes else None
    avg_comments = sum(known_comments) / len(known_comments) if known_comments else None
    rate = engagement_rate(avg_likes, avg_comments, followers)
    return avg_likes, avg_comments, None if rate is None else round(rate, RATE_DECIMALS)
