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


# Each served column's PostgreSQL type, declared once: a column of a given name means the same in
# every serving table, so the tables below list only names.
_TYPES: dict[str, str] = {
    name: pg_type
    for pg_type, names in {
        "text": """
            platform profile_id profile_platform channel_id handle full_name title category language
            country network metric follower_tier engagement_grade post_id post_shortcode shortcode
            post_type currency location_id location_name instagram_profile_id youtube_channel_id
            instagram_handle youtube_handle top_age_group top_country
        """,
        "date": "date month latest_month",
        "bigint": """
            collection_id partner_id followers following media_count posts posts_published
            recent_posts recent_reels subscribers total_views video_count likes comments views reach
            items orders refunded_orders creators trend_rank rank rank_change followers_scored
            followers_rank engagement_rate_rank followers_rank_by_cat engagement_rate_rank_by_cat
            followers_rank_by_lang engagement_rate_rank_by_lang followers_rank_by_cat_lang
            engagement_rate_rank_by_cat_lang followers_rank_change engagement_rate_rank_change
            subscribers_rank subscribers_rank_by_cat subscribers_rank_by_lang followers_gained
            previous_month_followers latest_month_followers_gained instagram_followers
            youtube_subscribers combined_followers
        """,
        "double precision": """
            engagement_rate avg_likes avg_comments avg_views followers_growth reach_rate
            latest_month_followers_growth value real_share weak_fake_share fake_share male_share
            female_share location_lat location_lng revenue avg_order_value revenue_share
        """,
        "boolean": "is_verified is_business",
        "timestamptz": """
            publish_time published_at refreshed_at analysed_at inferred_at latest_post_at
            first_order_at last_order_at
        """,
        "text[]": "dimensions linked_by top_fake_reasons interests",
        "jsonb": "age_split country_split",
    }.items()
    for name in names.split()
} | {contract.LEADERBOARD_KEY: "text"}


def _columns(names: str) -> tuple[Column, ...]:
    """The columns NAMES (whitespace-separated, in table order), each of its `_TYPES` type unless
    written `name:type` (a table a released migration created with another), and each filled as
    its type needs (`_FILLS`)."""
    columns = []
    for word in names.split():
        name, _, pg_type = word.partition(":")
        pg_type = pg_type or _TYPES[name]
        columns.append(Column(name, pg_type, _FILLS[pg_type](name) if pg_type in _FILLS else None))
    return tuple(columns)


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


# The columns an account's rank is also computed within, by the suffix the marts give that rank.
_SCOPE_SUFFIXES = {"category": "cat", "language": "lang"}


def _account_sync(network: str, columns: tuple[Column, ...], rank: str, *scopes: str) -> SyncSpec:
    """The sync of a network's account mart (`mart_NETWORK_account`) into the table of the same
    name, keyed by its first column and indexed by RANK overall and within each of SCOPES (columns
    of `_SCOPE_SUFFIXES`, whose rank the mart names `RANK_by_<suffix>`)."""
    return SyncSpec(
        name=f"{network}_accounts",
        source_table=f"mart_{network}_account",
        target=f"mart_{network}_account",
        columns=columns,
        primary_key=(columns[0].name,),
        indexes=(
            Index((rank,)),
            *(Index((scope, f"{rank}_by_{_SCOPE_SUFFIXES[scope]}")) for scope in scopes),
        ),
    )


LEADERBOARD = SyncSpec(
    name="leaderboard",
    source_table="mart_leaderboard",
    target=contract.CORE_LEADERBOARD_TABLE,
    columns=_columns(
        """
        platform profile_id month handle category language country followers engagement_rate
        followers_rank engagement_rate_rank followers_rank_by_cat engagement_rate_rank_by_cat
        followers_rank_by_lang engagement_rate_rank_by_lang followers_rank_by_cat_lang
        followers_rank_change engagement_rate_rank_change
        """
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
        f"""
        {contract.LEADERBOARD_KEY} network metric dimensions month profile_platform profile_id
        handle category language country value rank rank_change followers engagement_rate views
        """
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
        """
        platform profile_id date followers following posts engagement_rate avg_likes avg_comments
        followers_growth
        """
    ),
    primary_key=("platform", "profile_id", "date"),
)

COLLECTION_POST_METRICS = SyncSpec(
    name="collection_post_metrics",
    source_table="mart_collection_post",
    target="collection_post_metrics",
    columns=_columns(
        """
        collection_id platform post_shortcode profile_id likes comments views reach
        engagement_rate publish_time
        """
    ),
    primary_key=("collection_id", "platform", "post_shortcode"),
)

INSTAGRAM_ACCOUNTS = _account_sync(
    "instagram",
    _columns(
        """
        profile_id handle category language country full_name followers following media_count
        recent_posts:integer avg_likes avg_comments engagement_rate follower_tier
        engagement_grade followers_rank engagement_rate_rank followers_rank_by_cat
        engagement_rate_rank_by_cat followers_rank_by_lang engagement_rate_rank_by_lang
        followers_rank_by_cat_lang engagement_rate_rank_by_cat_lang is_verified is_business
        refreshed_at
        """
    ),
    "followers_rank",
    "category",
    "language",
)
YOUTUBE_ACCOUNTS = _account_sync(
    "youtube",
    _columns(
        """
        channel_id handle category language country title subscribers total_views video_count
        recent_videos:integer avg_views avg_likes avg_comments engagement_rate follower_tier
        subscribers_rank engagement_rate_rank subscribers_rank_by_cat engagement_rate_rank_by_cat
        subscribers_rank_by_lang engagement_rate_rank_by_lang is_verified refreshed_at
        """
    ),
    "subscribers_rank",
    "category",
)

FOLLOWER_AUTHENTICITY = SyncSpec(
    name="follower_authenticity",
    source_table="mart_follower_authenticity",
    target="follower_authenticity",
    columns=_columns(
        """
        platform profile_id followers_scored real_share weak_fake_share fake_share
        top_fake_reasons analysed_at
        """
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
        """
        profile_id handle category language country followers engagement_rate engagement_grade
        followers_rank engagement_rate_rank recent_posts recent_reels reach_rate latest_month
        latest_month_followers_gained latest_month_followers_growth
        """
    ),
    primary_key=("profile_id",),
)
INSTA_ACCOUNT_MONTHLY = _daily_mart(
    "insta_account_monthly",
    _columns(
        """
        profile_id month followers following media_count previous_month_followers
        followers_gained followers_growth posts_published avg_likes avg_comments engagement_rate
        """
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
        """
        category trend_rank post_id shortcode profile_id handle post_type likes comments
        published_at engagement_rate
        """
    ),
    primary_key=("post_id",),
    indexes=(Index(("category", "trend_rank"), name="mart_genre_trending_content_rank_idx"),),
)
LINKED_SOCIALS = _daily_mart(
    "linked_socials",
    _columns(
        """
        instagram_profile_id youtube_channel_id linked_by instagram_handle youtube_handle
        instagram_followers youtube_subscribers combined_followers
        """
    ),
    primary_key=("instagram_profile_id", "youtube_channel_id"),
    indexes=(Index(("youtube_channel_id",), name="mart_linked_socials_youtube_idx"),),
)
AUDIENCE_INFO_GPT = _daily_mart(
    "audience_info_gpt",
    _columns(
        """
        platform profile_id male_share female_share age_split country_split top_age_group
        top_country interests inferred_at
        """
    ),
    primary_key=("platform", "profile_id"),
)

# The store orders attributed to each profile collection's creators
# (`/collection-analytics-service/api/profile-collection/{collection_id}/orders`); migration
# 0013 creates the table.
GCC_ORDERS = _daily_mart(
    "gcc_orders",
    _columns(
        """
        collection_id partner_id platform profile_id handle currency orders refunded_orders
        revenue items avg_order_value revenue_share first_order_at last_order_at
        """
    ),
    primary_key=("collection_id", "platform", "profile_id", "currency"),
)

# Each place's posts and engagement (`/content-service/api/locations/{location_id}/posts`);
# migration 0012 creates the table, so the API can read it before the first sync.
POST_LOCATION = _daily_mart(
    "post_location",
    _columns(
        """
        location_id location_name location_lat location_lng posts creators likes comments
        avg_likes avg_comments engagement_rate latest_post_at
        """
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
