"""The serving tables `reach pipelines sync NAME` keeps in PostgreSQL, declared as data: which dbt
mart fills each, its columns and types, primary key and indexes. The API reads these tables; the
columns of `leaderboard`, `social_profile_time_series` and `collection_post_metrics` are those of
the PostgreSQL migration `0001_initial.sql`, which creates them before the first sync (and
`leaderboard_ranking`'s those of `0005_leaderboard_ranking.sql`)."""

from __future__ import annotations

from collections.abc import Callable

from reach.pipelines import contract
from reach.pipelines.tables import Column, Index, SyncSpec, pg_array_expression

# The ClickHouse expression filling a column of each PostgreSQL type whose text COPY needs one
# (see `reach.pipelines.tables.inferred_column`); other columns are copied as they are.
_FILLS: dict[str, Callable[[str], str]] = {
    "timestamptz": lambda name: f"toTimeZone({name}, 'UTC')",
    "text[]": pg_array_expression,
    "jsonb": lambda name: f"toJSONString({name})",
}


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    """Columns by name and PostgreSQL type, each filled as its type needs (`_FILLS`)."""
    return tuple(
        Column(name, pg_type, _FILLS[pg_type](name) if pg_type in _FILLS else None)
        for name, pg_type in pairs
    )


def _daily_mart(
    name: str,
    columns: tuple[Column, ...],
    primary_key: tuple[str, ...],
    indexes: tuple[Index, ...] = (),
) -> SyncSpec:
    """The sync of a daily mart served as it is: `mart_NAME` into the table of the same name,
    which a migration creates with these columns."""
    return SyncSpec(
        name=name,
        source_table=f"mart_{name}",
        target=f"mart_{name}",
        columns=columns,
        primary_key=primary_key,
        indexes=indexes,
        after_tag="daily",
    )


_RANKS = ("followers_rank", "engagement_rate_rank")

LEADERBOARD = SyncSpec(
    name="leaderboard",
    source_table="mart_leaderboard",
    target=contract.CORE_LEADERBOARD_TABLE,
    columns=_columns(
        ("platform", "text"),
        ("profile_id", "text"),
        ("month", "date"),
        ("handle", "text"),
        ("category", "text"),
        ("language", "text"),
        ("country", "text"),
        ("followers", "bigint"),
        ("engagement_rate", "double precision"),
        ("followers_rank", "bigint"),
        ("engagement_rate_rank", "bigint"),
        ("followers_rank_by_cat", "bigint"),
        ("engagement_rate_rank_by_cat", "bigint"),
        ("followers_rank_by_lang", "bigint"),
        ("engagement_rate_rank_by_lang", "bigint"),
        ("followers_rank_by_cat_lang", "bigint"),
        ("followers_rank_change", "bigint"),
        ("engagement_rate_rank_change", "bigint"),
    ),
    primary_key=("platform", "month", "profile_id"),
    indexes=(
        Index(
            ("platform", "month", "category", "followers_rank_by_cat"),
            name="leaderboard_category_idx",
        ),
    ),
    pipeline="sync_leaderboard",
)

# Every Leaderboard resource's ranking; each run replaces one leaderboard's rows
# (`--partition NAME`), run by the resource's CronJob after it built that leaderboard.
LEADERBOARD_RANKING = SyncSpec(
    name=contract.LEADERBOARD_SYNC,
    source_table=contract.LEADERBOARD_MODEL,
    target=contract.LEADERBOARD_TABLE,
    columns=_columns(
        (contract.LEADERBOARD_KEY, "text"),
        ("network", "text"),
        ("metric", "text"),
        ("dimensions", "text[]"),
        ("month", "date"),
        ("profile_platform", "text"),
        ("profile_id", "text"),
        ("handle", "text"),
        ("category", "text"),
        ("language", "text"),
        ("country", "text"),
        ("value", "double precision"),
        ("rank", "bigint"),
        ("rank_change", "bigint"),
        ("followers", "bigint"),
        ("engagement_rate", "double precision"),
        ("views", "bigint"),
    ),
    primary_key=(contract.LEADERBOARD_KEY, "month", "profile_platform", "profile_id"),
    indexes=(
        Index((contract.LEADERBOARD_KEY, "month", "rank"), name="leaderboard_ranking_rank_idx"),
    ),
    after_tag="leaderboard",
    partition_column=contract.LEADERBOARD_KEY,
)

SOCIAL_PROFILE_TIME_SERIES = SyncSpec(
    name="social_profile_time_series",
    source_table="mart_time_series",
    target="social_profile_time_series",
    columns=_columns(
        ("platform", "text"),
        ("profile_id", "text"),
        ("date", "date"),
        ("followers", "bigint"),
        ("following", "bigint"),
        ("posts", "bigint"),
        ("engagement_rate", "double precision"),
        ("avg_likes", "double precision"),
        ("avg_comments", "double precision"),
        ("followers_growth", "double precision"),
    ),
    primary_key=("platform", "profile_id", "date"),
)

COLLECTION_POST_METRICS = SyncSpec(
    name="collection_post_metrics",
    source_table="mart_collection_post",
    target="collection_post_metrics",
    columns=_columns(
        ("collection_id", "bigint"),
        ("platform", "text"),
        ("post_shortcode", "text"),
        ("profile_id", "text"),
        ("likes", "bigint"),
        ("comments", "bigint"),
        ("views", "bigint"),
        ("reach", "bigint"),
        ("engagement_rate", "double precision"),
        ("publish_time", "timestamptz"),
    ),
    primary_key=("collection_id", "platform", "post_shortcode"),
)

_ACCOUNT_ATTRIBUTES = (
    ("handle", "text"),
    ("category", "text"),
    ("language", "text"),
    ("country", "text"),
)

INSTAGRAM_ACCOUNTS = SyncSpec(
    name="instagram_accounts",
    source_table="mart_instagram_account",
    target="mart_instagram_account",
    columns=_columns(
        ("profile_id", "text"),
        *_ACCOUNT_ATTRIBUTES,
        ("full_name", "text"),
        ("followers", "bigint"),
        ("following", "bigint"),
        ("media_count", "bigint"),
        ("recent_posts", "integer"),
        ("avg_likes", "double precision"),
        ("avg_comments", "double precision"),
        ("engagement_rate", "double precision"),
        ("follower_tier", "text"),
        ("engagement_grade", "text"),
        *((rank, "bigint") for rank in _RANKS),
        *((f"{rank}_by_cat", "bigint") for rank in _RANKS),
        *((f"{rank}_by_lang", "bigint") for rank in _RANKS),
        *((f"{rank}_by_cat_lang", "bigint") for rank in _RANKS),
        ("is_verified", "boolean"),
        ("is_business", "boolean"),
        ("refreshed_at", "timestamptz"),
    ),
    primary_key=("profile_id",),
    indexes=(
        Index(("followers_rank",)),
        Index(("category", "followers_rank_by_cat")),
        Index(("language", "followers_rank_by_lang")),
    ),
)

YOUTUBE_ACCOUNTS = SyncSpec(
    name="youtube_accounts",
    source_table="mart_youtube_account",
    target="mart_youtube_account",
    columns=_columns(
        ("channel_id", "text"),
        *_ACCOUNT_ATTRIBUTES,
        ("title", "text"),
        ("subscribers", "bigint"),
        ("total_views", "bigint"),
        ("video_count", "bigint"),
        ("recent_videos", "integer"),
        ("avg_views", "double precision"),
        ("avg_likes", "double precision"),
        ("avg_comments", "double precision"),
        ("engagement_rate", "double precision"),
        ("follower_tier", "text"),
        ("subscribers_rank", "bigint"),
        ("engagement_rate_rank", "bigint"),
        ("subscribers_rank_by_cat", "bigint"),
        ("engagement_rate_rank_by_cat", "bigint"),
        ("subscribers_rank_by_lang", "bigint"),
        ("engagement_rate_rank_by_lang", "bigint"),
        ("is_verified", "boolean"),
        ("refreshed_at", "timestamptz"),
    ),
    primary_key=("channel_id",),
    indexes=(
        Index(("subscribers_rank",)),
        Index(("category", "subscribers_rank_by_cat")),
    ),
)

FOLLOWER_AUTHENTICITY = SyncSpec(
    name="follower_authenticity",
    source_table="mart_follower_authenticity",
    target="follower_authenticity",
    columns=_columns(
        ("platform", "text"),
        ("profile_id", "text"),
        ("followers_scored", "bigint"),
        ("real_share", "double precision"),
        ("weak_fake_share", "double precision"),
        ("fake_share", "double precision"),
        ("top_fake_reasons", "text[]"),
        ("analysed_at", "timestamptz"),
    ),
    primary_key=("platform", "profile_id"),
    after_tag="daily",
)

# The head and monthly stats of an Instagram profile's page
# (`/discovery-service/api/profile/instagram/{profile_id}/summary` and `.../monthly-stats`);
# migration 0010 creates the tables, so the API can read them before the first sync.
INSTA_ACCOUNT_SUMMARY = _daily_mart(
    "insta_account_summary",
    _columns(
        ("profile_id", "text"),
        ("handle", "text"),
        ("category", "text"),
        ("language", "text"),
        ("country", "text"),
        ("followers", "bigint"),
        ("engagement_rate", "double precision"),
        ("engagement_grade", "text"),
        *((rank, "bigint") for rank in _RANKS),
        ("recent_posts", "bigint"),
        ("recent_reels", "bigint"),
        ("reach_rate", "double precision"),
        ("latest_month", "date"),
        ("latest_month_followers_gained", "bigint"),
        ("latest_month_followers_growth", "double precision"),
    ),
    primary_key=("profile_id",),
)
INSTA_ACCOUNT_MONTHLY = _daily_mart(
    "insta_account_monthly",
    _columns(
        ("profile_id", "text"),
        ("month", "date"),
        ("followers", "bigint"),
        ("following", "bigint"),
        ("media_count", "bigint"),
        ("previous_month_followers", "bigint"),
        ("followers_gained", "bigint"),
        ("followers_growth", "double precision"),
        ("posts_published", "bigint"),
        ("avg_likes", "double precision"),
        ("avg_comments", "double precision"),
        ("engagement_rate", "double precision"),
    ),
    primary_key=("profile_id", "month"),
)

# The marts the discovery and genre routes serve as they are: each genre's trending posts
# (`/genre-insights-service/api/genre/instagram/{category}/trending-content`), the profiles
# linking each other across platforms (`.../profile/{platform}/{profile_id}/linked-socials`) and
# the GPT-inferred audiences (`.../audience-insight`); migration 0013 creates the tables.
GENRE_TRENDING_CONTENT = _daily_mart(
    "genre_trending_content",
    _columns(
        ("category", "text"),
        ("trend_rank", "bigint"),
        ("post_id", "text"),
        ("shortcode", "text"),
        ("profile_id", "text"),
        ("handle", "text"),
        ("post_type", "text"),
        ("likes", "bigint"),
        ("comments", "bigint"),
        ("published_at", "timestamptz"),
        ("engagement_rate", "double precision"),
    ),
    primary_key=("post_id",),
    indexes=(Index(("category", "trend_rank"), name="mart_genre_trending_content_rank_idx"),),
)
LINKED_SOCIALS = _daily_mart(
    "linked_socials",
    _columns(
        ("instagram_profile_id", "text"),
        ("youtube_channel_id", "text"),
        ("linked_by", "text[]"),
        ("instagram_handle", "text"),
        ("youtube_handle", "text"),
        ("instagram_followers", "bigint"),
        ("youtube_subscribers", "bigint"),
        ("combined_followers", "bigint"),
    ),
    primary_key=("instagram_profile_id", "youtube_channel_id"),
    indexes=(Index(("youtube_channel_id",), name="mart_linked_socials_youtube_idx"),),
)
AUDIENCE_INFO_GPT = _daily_mart(
    "audience_info_gpt",
    _columns(
        ("platform", "text"),
        ("profile_id", "text"),
        ("male_share", "double precision"),
        ("female_share", "double precision"),
        ("age_split", "jsonb"),
        ("country_split", "jsonb"),
        ("top_age_group", "text"),
        ("top_country", "text"),
        ("interests", "text[]"),
        ("inferred_at", "timestamptz"),
    ),
    primary_key=("platform", "profile_id"),
)

# The store orders attributed to each profile collection's creators
# (`/collection-analytics-service/api/profile-collection/{collection_id}/orders`); migration
# 0013 creates the table.
GCC_ORDERS = _daily_mart(
    "gcc_orders",
    _columns(
        ("collection_id", "bigint"),
        ("partner_id", "bigint"),
        ("platform", "text"),
        ("profile_id", "text"),
        ("handle", "text"),
        ("currency", "text"),
        ("orders", "bigint"),
        ("refunded_orders", "bigint"),
        ("revenue", "double precision"),
        ("items", "bigint"),
        ("avg_order_value", "double precision"),
        ("revenue_share", "double precision"),
        ("first_order_at", "timestamptz"),
        ("last_order_at", "timestamptz"),
    ),
    primary_key=("collection_id", "platform", "profile_id", "currency"),
)

# Each place's posts and engagement (`/content-service/api/locations/{location_id}/posts`);
# migration 0012 creates the table, so the API can read it before the first sync.
POST_LOCATION = _daily_mart(
    "post_location",
    _columns(
        ("location_id", "text"),
        ("location_name", "text"),
        ("location_lat", "double precision"),
        ("location_lng", "double precision"),
        ("posts", "bigint"),
        ("creators", "bigint"),
        ("likes", "bigint"),
        ("comments", "bigint"),
        ("avg_likes", "double precision"),
        ("avg_comments", "double precision"),
        ("engagement_rate", "double precision"),
        ("latest_post_at", "timestamptz"),
    ),
    primary_key=("location_id",),
)

SYNCS: dict[str, SyncSpec] = {
    spec.name: spec
    for spec in (
        LEADERBOARD,
        LEADERBOARD_RANKING,
        SOCIAL_PROFILE_TIME_SERIES,
        COLLECTION_POST_METRICS,
        INSTAGRAM_ACCOUNTS,
        YOUTUBE_ACCOUNTS,
        FOLLOWER_AUTHENTICITY,
        INSTA_ACCOUNT_SUMMARY,
        INSTA_ACCOUNT_MONTHLY,
        POST_LOCATION,
        GENRE_TRENDING_CONTENT,
        LINKED_SOCIALS,
        AUDIENCE_INFO_GPT,
        GCC_ORDERS,
    )
}


def syncs_after(tag: str) -> tuple[str, ...]:
    """The syncs to run once a dbt build of `tag` succeeded."""
    return tuple(name for name, spec in SYNCS.items() if spec.after_tag == tag)


def sync_pipelines(tag: str) -> dict[str, tuple[str, ...]]:
    """The syncs after a build of `tag` by the pipeline that runs them (`SyncSpec.pipeline`),
    in declaration order. Partitioned syncs run per Leaderboard resource, in none."""
    out: dict[str, tuple[str, ...]] = {}
    for name in syncs_after(tag):
        spec = SYNCS[name]
        if spec.partition_column is None:
            pipeline = spec.pipeline or f"sync_{tag}"
            out[pipeline] = (*out.get(pipeline, ()), name)
    return out
