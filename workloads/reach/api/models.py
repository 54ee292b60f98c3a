"""Request and response models shared by the routes, services and repositories."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from reach.api.tenancy import plan_field
from reach.common.identifiers import INSTAGRAM_SHORTCODE
from reach.common.networks import SocialNetwork
from reach.common.text import find_string, has_nul, unstorable


def _storable(value: Any) -> Any:
    """`value` if PostgreSQL can store it (see `reach.common.text`); valid input is walked once,
    and only refused input again to say which rule it breaks."""
    if find_string(value, unstorable) is None:
        return value
    if find_string(value, has_nul) is not None:
        raise ValueError("must not contain NUL characters")
    raise ValueError("must be valid Unicode (no lone surrogates)")


# Every string and JSON object a client sends is one of these.
Text = Annotated[str, AfterValidator(_storable)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_storable)]

T = TypeVar("T")
U = TypeVar("U")
Order = Literal["asc", "desc"]


class Page(BaseModel):
    """Offset pagination of a list: `total` rows match, this page starts at `offset`."""

    offset: int
    size: int
    total: int


class FollowerAuthenticity(BaseModel):
    """How real a creator's followers are, from their latest follower analysis: the shares of
    the scorer's three classes (real 0.0, weak fake 0.33, fake 1.0) and the reasons seen most
    among the non-real ones."""

    followers_scored: int
    real_share: float
    weak_fake_share: float
    fake_share: float
    top_fake_reasons: list[str]
    analysed_at: datetime


class Profile(BaseModel):
    """A creator's profile on one platform. Audience demographics are for PRO plans."""

    platform: SocialNetwork
    profile_id: str
    handle: str | None = None
    name: str | None = None
    category: str | None = None
    language: str | None = None
    country: str | None = None
    city: str | None = None
    followers: int | None = Field(default=None, description="Followers or subscribers.")
    following: int | None = None
    posts: int | None = None
    avg_likes: float | None = None
    avg_comments: float | None = None
    avg_views: float | None = None
    engagement_rate: float | None = None
    is_verified: bool = False
    is_business: bool | None = None
    picture_url: str | None = None
    refreshed_at: datetime | None = None
    audience_gender: dict[str, Any] | None = plan_field("PRO")
    audience_age: dict[str, Any] | None = plan_field("PRO")
    audience_location: dict[str, Any] | None = plan_field("PRO")
    authenticity: FollowerAuthenticity | None = plan_field(
        "PRO", description="The latest follower analysis; null until one ran."
    )


class CampaignProfile(BaseModel):
    """A creator in the partner's campaign collections; `profile` is null until scraped."""

    platform: SocialNetwork
    platform_profile_id: str
    collection_ids: list[int]
    profile: Profile | None


class Refresh(BaseModel):
    """A scrape asked of the scraper for a missing or stale profile."""

    flow: str
    task_id: int
    retry_after_seconds: int


class ProfileLookup(BaseModel):
    """`profile` is null while a missing profile is being scraped; `refresh` is set whenever a
    scrape was asked for (the profile is then missing or stale)."""

    profile: Profile | None = None
    refresh: Refresh | None = None


class RequestBody(BaseModel):
    """What a client sends: an unknown field is refused, as the typo it most likely is, rather
    than dropped."""

    model_config = ConfigDict(extra="forbid")


Count = Annotated[int, Field(ge=0, lt=2**63)]
Rate = Annotated[float, Field(ge=0)]
Rank = Annotated[int, Field(ge=1, lt=2**63)]
RANKS = tuple(
    f"{metric}_rank{within}"
    for metric in ("followers", "engagement_rate")
    for within in ("", "_by_cat", "_by_lang", "_by_cat_lang")
)
# Every figure of the accounts marts a search narrows by `<metric>_min` and `<metric>_max`
# (bounds included), with the values a bound takes. `engagement` is the engagement rate, in
# percent; ranks are 1 for the first. A metric a platform does not have (a YouTube channel's
# following, an Instagram profile's views) matches nothing.
SEARCH_METRICS: dict[str, Any] = {
    "followers": Count,
    "following": Count,
    "posts": Count,
    "recent_posts": Count,
    "total_views": Count,
    "avg_likes": Rate,
    "avg_comments": Rate,
    "avg_views": Rate,
    "engagement": Rate,
    **dict.fromkeys(RANKS, Rank),
}
_RANGES: dict[str, Any] = {
    f"{metric}_{bound}": (kind | None, None)
    for metric, kind in SEARCH_METRICS.items()
    for bound in ("min", "max")
}
_MetricRanges = create_model("_MetricRanges", __base__=RequestBody, **_RANGES)


class SearchRequest(_MetricRanges):
    """A discovery search: ranges over every metric (`SEARCH_METRICS`), attributes, the sort
    and the page; an unknown field is refused by name."""

    category: Text | None = Field(default=None, max_length=100)
    language: Text | None = Field(default=None, max_length=50)
    country: Text | None = Field(default=None, max_length=100)
    city: Text | None = Field(default=None, max_length=100, description="Instagram only.")
    verified: bool | None = None
    business: bool | None = Field(default=None, description="Instagram only.")
    sort: Literal["followers", "engagement_rate", "avg_likes"] = "followers"
    order: Order = "desc"
    size: int = Field(default=20, ge=1, le=100)
    cursor: Text | None = Field(default=None, max_length=200, description="From `next_cursor`.")


class SearchResult(BaseModel):
    profiles: list[Profile]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end.")


class Standing(BaseModel):
    """Who a ranked or summarised account is and its headline figures."""

    handle: str | None
    category: str | None
    language: str | None
    country: str | None
    followers: int | None
    engagement_rate: float | None


class LeaderboardEntry(Standing):
    rank: int
    overall_rank_change: int | None = Field(
        description="Change of the platform-wide rank since the previous month (positive: up)."
    )
    platform: str
    profile_id: str


class Leaderboard(BaseModel):
    platform: str
    month: date | None
    metric: str
    entries: list[LeaderboardEntry]
    page: Page


class RankingEntry(BaseModel):
    rank: int
    rank_change: int | None = Field(
        description="Change of rank since the previous month (positive: up; null: not ranked)."
    )
    platform: str = Field(description="The profile's own platform.")
    profile_id: str
    handle: str | None
    category: str | None
    language: str | None
    country: str | None
    value: float | None = Field(description="The profile's value of the ranked metric.")
    followers: int | None
    engagement_rate: float | None
    views: int | None


class LeaderboardRanking(BaseModel):
    """A Leaderboard resource's own ranking: its network, metric and the dimensions ranks are
    computed within, for one month."""

    name: str
    network: str
    metric: str
    dimensions: list[str]
    month: date
    entries: list[RankingEntry]
    page: Page


class Patch(RequestBody):
    """A partial update: a field left out is kept. Null erases only the fields listed in
    `nullable`; the others are NOT NULL columns, so null there is refused."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _no_erasing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, value in data.items():
                if value is None and name in cls.model_fields and name not in cls.nullable:
                    raise PydanticCustomError(
                        "not_nullable", "{field} cannot be removed", {"field": name}
                    )
        return data


class PageOf(BaseModel, Generic[T]):
    results: list[T]
    page: Page


class Batch(RequestBody, Generic[T]):
    """Items added in one request (an item whose key is already there is updated)."""

    items: list[T] = Field(min_length=1, max_length=500)


class Shared(BaseModel, Generic[T, U]):
    """What a public share link shows: the collection and its first items, no tenant data."""

    collection: T
    items: list[U]


Name = Annotated[Text, Field(min_length=1, max_length=200)]
Source = Literal["SAAS", "CAMPAIGN"]
Custom = Annotated[JsonObject, Field(description="The partner's own fields for this item.")]


class ProfileCollectionIn(RequestBody):
    name: Name
    description: Text | None = Field(default=None, max_length=2000)
    source: Source = "SAAS"


class ProfileCollectionPatch(Patch):
    nullable = frozenset({"description"})

    name: Name | None = None
    description: Text | None = Field(default=None, max_length=2000)


class ProfileCollection(BaseModel):
    id: int
    name: str
    description: str | None
    share_id: str
    source: str
    items: int
    created_at: datetime
    updated_at: datetime


class ProfileItemIn(RequestBody):
    platform: SocialNetwork
    platform_profile_id: Text = Field(min_length=1, max_length=100)
    custom_data: Custom = Field(default_factory=dict)


class ProfileItemPatch(Patch):
    custom_data: Custom | None = None


class ProfileItem(BaseModel):
    id: int
    platform: str
    platform_profile_id: str
    custom_data: dict[str, Any]
    created_at: datetime
    updated_at: datetime


Frequency = Annotated[
    timedelta,
    Field(
        ge=timedelta(minutes=15),
        le=timedelta(days=30),
        description="How often the collection's posts are re-scraped (ISO 8601 duration).",
    ),
]
# Instagram shortcodes and YouTube video ids.
Shortcode = Annotated[str, Field(pattern=INSTAGRAM_SHORTCODE)]


class PostCollectionIn(RequestBody):
    name: Name
    source: Source = "SAAS"
    ingestion_frequency: Frequency | None = None
    show_in_report: bool = True


class PostCollectionPatch(Patch):
    nullable = frozenset({"ingestion_frequency"})

    name: Name | None = None
    ingestion_frequency: Frequency | None = None
    show_in_report: bool | None = None


class PostCollection(BaseModel):
    id: int
    name: str
    share_id: str
    source: str
    ingestion_frequency: timedelta | None
    show_in_report: bool
    items: int
    created_at: datetime
    updated_at: datetime


class PostItemIn(RequestBody):
    platform: SocialNetwork
    post_shortcode: Shortcode
    show_in_report: bool = True
    custom_data: Custom = Field(default_factory=dict)


class PostItemPatch(Patch):
    show_in_report: bool | None = None
    custom_data: Custom | None = None


class PostItem(BaseModel):
    id: int
    platform: str
    post_shortcode: str
    show_in_report: bool
    custom_data: dict[str, Any]
    created_at: datetime
    updated_at: datetime


CollectionIds = Annotated[
    list[Annotated[int, Field(ge=1, lt=2**63)]],
    Field(max_length=100, description="Ids of the partner's profile collections."),
]


class CollectionGroupIn(RequestBody):
    name: Name
    collection_ids: CollectionIds = Field(default_factory=list)


class CollectionGroupPatch(Patch):
    name: Name | None = None
    collection_ids: CollectionIds | None = None


class CollectionGroup(BaseModel):
    id: int
    name: str
    collection_ids: list[int]
    created_at: datetime
    updated_at: datetime


Keywords = Annotated[
    list[Annotated[Text, Field(min_length=1, max_length=100, pattern=r"\S")]],
    Field(min_length=1, max_length=20),
]


class KeywordCollectionIn(RequestBody):
    name: Name
    platform: SocialNetwork
    keywords: Keywords


class KeywordCollectionPatch(Patch):
    name: Name | None = None
    keywords: Keywords | None = None


class KeywordCollection(BaseModel):
    id: int
    name: str
    platform: SocialNetwork
    keywords: list[str]
    created_at: datetime
    updated_at: datetime


class Post(BaseModel):
    """A post or video, the same shape on both platforms (`shortcode`: a YouTube video id)."""

    platform: SocialNetwork
    post_id: str
    shortcode: str
    profile_id: str
    post_type: str | None
    text: str | None = Field(description="Caption, or a video's title.")
    likes: int | None
    comments: int | None
    views: int | None
    thumbnail_url: str | None
    publish_time: datetime | None


class PostLocation(BaseModel):
    """A place Instagram posts are tagged at, with its posts and their engagement (the last
    daily sync's). The engagement rate is for PRO plans."""

    location_id: str = Field(description="Instagram's id of the location.")
    location_name: str | None
    location_lat: float | None
    location_lng: float | None
    posts: int = Field(description="Stored posts tagged at the place.")
    creators: int | None = Field(description="Distinct creators of those posts.")
    likes: int | None
    comments: int | None
    avg_likes: float | None
    avg_comments: float | None
    engagement_rate: float | None = plan_field(
        "PRO",
        description="Likes + comments per 100 followers of the posting creators, in percent.",
    )
    latest_post_at: datetime | None


class LocationPosts(BaseModel):
    """A place and a page of the posts tagged at it."""

    location: PostLocation
    posts: PageOf[Post]


class KeywordPosts(BaseModel):
    """Posts matching any keyword; `refreshes` lists the searches asked of the scraper when
    none matched."""

    posts: PageOf[Post]
    refreshes: list[Refresh] = []


class TimeSeriesPoint(BaseModel):
    date: date
    followers: int | None
    following: int | None
    posts: int | None
    engagement_rate: float | None
    avg_likes: float | None
    avg_comments: float | None
    followers_growth: float | None


class AccountSummary(Standing):
    """The head of an Instagram profile's page: its standing, its recent posts and its latest
    observed month. The reach of its recent posts is for PRO plans."""

    profile_id: str
    engagement_grade: str | None
    followers_rank: int | None
    engagement_rate_rank: int | None
    recent_posts: int | None = Field(description="Posts of the recent days.")
    recent_reels: int | None
    reach_rate: float | None = plan_field(
        "PRO", description="Mean reach of the recent posts per 100 followers, in percent."
    )
    latest_month: date | None = Field(description="First day of the latest observed month.")
    latest_month_followers_gained: int | None
    latest_month_followers_growth: float | None


class AccountMonth(BaseModel):
    """An Instagram profile's calendar month: counters at its last snapshot, growth against the
    previous calendar month (null without one) and the posts published in it."""

    month: date = Field(description="The month's first day.")
    followers: int | None
    following: int | None
    media_count: int | None
    previous_month_followers: int | None
    followers_gained: int | None
    followers_growth: float | None
    posts_published: int | None
    avg_likes: float | None
    avg_comments: float | None
    engagement_rate: float | None


class TrendingPost(BaseModel):
    """A genre's trending Instagram post: among its creators' posts of the recent days, ranked
    by the engagement it drew per 100 of its creator's followers (ties share a rank). The rate
    itself is for SAAS plans and up."""

    trend_rank: int
    post_id: str
    shortcode: str
    profile_id: str
    handle: str | None
    post_type: str | None
    likes: int | None
    comments: int | None
    published_at: datetime | None
    engagement_rate: float | None = plan_field(
        "SAAS", description="(likes + comments) per 100 of the creator's followers, in percent."
    )


class LinkedSocial(BaseModel):
    """A profile on the other platform that is the same creator, as the creator links it (an
    Instagram bio or website naming the channel, a channel description naming the Instagram
    handle). The creators' combined audience is for SAAS plans and up."""

    platform: SocialNetwork = Field(description="The linked profile's platform.")
    profile_id: str
    handle: str | None
    followers: int | None = Field(description="Its followers or subscribers.")
    linked_by: list[SocialNetwork] = Field(description="The platforms whose texts link the two.")
    combined_followers: int | None = plan_field(
        "SAAS", description="Followers and subscribers of both profiles."
    )


class AudienceInsight(BaseModel):
    """A creator's audience as a GPT enrichment inferred it from the creator's own texts (for
    creators without the Graph API's demographics). Its largest age group and country are for
    SAAS plans and up, the shares and splits for PRO, as a profile's audience demographics."""

    interests: list[str]
    inferred_at: datetime
    top_age_group: str | None = plan_field("SAAS")
    top_country: str | None = plan_field("SAAS")
    male_share: float | None = plan_field("PRO", description="0..1.")
    female_share: float | None = plan_field("PRO", description="0..1.")
    age_split: dict[str, float] | None = plan_field("PRO", description="Share 0..1 per age group.")
    country_split: dict[str, float] | None = plan_field(
        "PRO", description="Share 0..1 per country."
    )


class CreatorOrders(BaseModel):
    """The store orders attributed to one creator of a profile collection, in one currency:
    orders whose coupon code (else utm_source) names the creator's handle, as last seen. What
    they earned is for SAAS plans and up, the creator's share of the collection's for PRO."""

    platform: SocialNetwork
    profile_id: str
    handle: str | None
    currency: str
    orders: int
    refunded_orders: int = Field(description="Refunded or voided; left out of the figures.")
    first_order_at: datetime | None
    last_order_at: datetime | None
    revenue: float | None = plan_field("SAAS")
    items: int | None = plan_field("SAAS")
    avg_order_value: float | None = plan_field("SAAS", description="Null if all refunded.")
    revenue_share: float | None = plan_field(
        "PRO", description="0..1 of the collection's revenue in this currency."
    )


class CollectionSummary(BaseModel):
    """A post collection's reach and engagement over the posts the last sync measured."""

    posts: int
    likes: int
    comments: int
    views: int
    reach: int
    avg_engagement_rate: float | None
    first_post_at: datetime | None
    last_post_at: datetime | None


class CollectionDay(BaseModel):
    """The collection's posts summed on one day (each post at its last snapshot that day)."""

    date: date
    posts: int
    likes: int
    comments: int
    views: int
    plays: int
    reach: int
    shares: int
    saved: int


class Genre(BaseModel):
    platform: str
    category: str
    creators: int
    total_followers: int
    avg_engagement_rate: float | None
    median_engagement_rate: float | None
    top_profile_ids: list[str]


class Usage(BaseModel):
    module: str
    plan_type: str
    used: int
    limit: int | None
    valid_from: datetime
    valid_to: datetime


class ActivityIn(RequestBody):
    activity_type: Text = Field(min_length=1, max_length=100)
    entity_type: Text | None = Field(default=None, max_length=100)
    entity_id: Text | None = Field(default=None, max_length=200)
    user_id: int | None = Field(default=None, ge=0, lt=2**63)
    metadata: JsonObject = Field(default_factory=dict)


class Activity(ActivityIn):
    model_config = ConfigDict(extra="ignore")

    id: int
    created_at: datetime
