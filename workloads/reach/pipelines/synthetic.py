"""Synthetic source data for the dbt project: the scraper's and the API's PostgreSQL tables and
the raw event tables in ClickHouse, small enough to check by hand and shaped to hit the edge
cases of the metric math (ties in followers and rates, missing counters, zero followers, profiles
without posts, several snapshots a day with equal timestamps, empty and mis-cased attributes).

`generate` is pure (a seed and an anchor day in, rows out); `write_postgres` and
`write_clickhouse` load the rows. The tests compare the marts with a plain-Python computation
over the same `SyntheticData`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
from clickhouse_connect.driver.client import Client

Row = dict[str, Any]

# Raw spellings on purpose: the staging models trim and case-fold them, '' means unknown.
CATEGORIES = ("fashion", " Fashion ", "food", "travel", "TECH", "", None)
LANGUAGES = ("hi", "en", "EN", "ta", "", None)
COUNTRIES = ("IN", "in", "US", None)
# Few distinct values so that ranks tie.
FOLLOWER_STEPS = (0, 500, 1_000, 5_000, 20_000, 150_000, 1_200_000)
HASHTAGS = ("ootd", "Food", "travel", "#tech", "reels", "OOTD")
# Places posts are tagged at: Instagram's location id, name, latitude and longitude.
PLACES = (
    ("213000000", "Mumbai", 19.07609, 72.877426),
    ("213000007", "Dubai", 25.204849, 55.270783),
    ("213000008", "London", 51.507351, -0.127758),
)
# The raw event tables (of `_e`) the data has rows for.
EVENT_TABLES = (
    "profile_log",
    "post_log_event",
    "profile_relationship_log",
    "follower_score",
    "order_log",
    "post_activity_log",
    "youtube_playlist_log",
    "youtube_playlist_item_log",
    "youtube_video_category_log",
    "youtube_channel_section_log",
)


@dataclass
class SyntheticData:
    """Rows per source table: `postgres` by table name (insertion order respects foreign keys),
    `clickhouse` by table name in the events database."""

    postgres: dict[str, list[Row]] = field(default_factory=dict)
    clickhouse: dict[str, list[Row]] = field(default_factory=dict)


def _timestamp(day: date, rng: random.Random) -> datetime:
    # Whole seconds from a small set, so that two snapshots of a day sometimes share a time.
    moment = time(hour=rng.choice((6, 12, 18)), minute=rng.choice((0, 30)))
    return datetime.combine(day, moment, tzinfo=UTC)


def _located(place: tuple[str, str, float, float] | None) -> dict[str, Any]:
    """A post's location columns, at `place` or at none."""
    values = place or (None, None, None, None)
    names = ("location_id", "location_name", "location_lat", "location_lng")
    return dict(zip(names, values, strict=True))


def _maybe(rng: random.Random, value: Any, missing: float = 0.1) -> Any:
    return None if rng.random() < missing else value


@dataclass(frozen=True)
class _Network:
    """How a network's account rows name what every account has."""

    key: str
    handle: str
    name_column: str
    name: str
    followers: str
    # The other counters, each drawn below its bound.
    counters: tuple[tuple[str, int], ...]


_INSTAGRAM = _Network(
    "profile_id",
    "creator_{}",
    "full_name",
    "Creator {}",
    "followers",
    (("following", 2_000), ("media_count", 500)),
)
_YOUTUBE = _Network(
    "channel_id",
    "channel_{}",
    "title",
    "Channel {}",
    "subscribers",
    (("total_views", 10_000_000), ("video_count", 300)),
)


def _account(rng: random.Random, network: _Network, n: int, account_id: str) -> dict[str, Any]:
    """The columns every account row has, of the `n`th account of `network`."""
    return {
        network.key: account_id,
        "handle": network.handle.format(n),
        network.name_column: network.name.format(n),
        "category": rng.choice(CATEGORIES),
        "language": rng.choice(LANGUAGES),
        "country": rng.choice(COUNTRIES),
        # Unknown for some: never refreshed successfully.
        network.followers: _maybe(rng, rng.choice(FOLLOWER_STEPS)),
        **{counter: rng.randrange(0, bound) for counter, bound in network.counters},
        "is_verified": rng.random() < 0.2,
    }


def generate(
    today: date,
    *,
    seed: int = 7,
    instagram_profiles: int = 60,
    youtube_channels: int = 20,
    days: int = 75,
) -> SyntheticData:
    """Profiles, posts, daily snapshots over the `days` before `today`, collections, follower
    fetches and follower scores, all from `seed`."""
    rng = random.Random(seed)
    data = SyntheticData()
    pg = data.postgres
    ch = data.clickhouse
    for table in (
        "instagram_account",
        "instagram_post",
        "youtube_account",
        "youtube_post",
        "scrape_request_log",
        "credential",
        "asset_log",
        "sentiment_log",
        "sentiment_report",
        "profile_insights",
        "partner",
        "account",
        "account_user",
        "partner_usage",
        "partner_profile_page_track",
        "activity_tracker",
        "collection_group",
        "keyword_collection",
        "post_collection",
        "post_collection_item",
        "profile_collection",
        "profile_collection_item",
    ):
        pg[table] = []
    for table in EVENT_TABLES:
        ch[table] = []
    first_day = today - timedelta(days=days)

    instagram_ids = [f"ig{n:04d}" for n in range(instagram_profiles)]
    for n, profile_id in enumerate(instagram_ids):
        pg["instagram_account"].append(
            _account(rng, _INSTAGRAM, n, profile_id)
            | {
                "is_business": rng.random() < 0.3,
                "audience_gender": _maybe(
                    rng, '{"male": 0.6, "female": 0.4}' if n % 2 else '{"female": 0.7}', 0.3
                ),
                "audience_age": _maybe(rng, '{"18-24": 0.5, "25-34": 0.5, "35-44": 0.0}', 0.3),
                "audience_location": _maybe(rng, '{"IN": 0.8, "US": 0.2}', 0.3),
                "refreshed_at": datetime.combine(today, time(1), tzinfo=UTC),
                # Some link a YouTube channel, by handle or id, in any case.
                "external_url": (
                    f"https://www.youtube.com/@Channel_{n % 7}" if n % 6 == 0 else None
                ),
                "biography": f"Videos: youtube.com/channel/UC{n % 9:04d}" if n % 8 == 0 else None,
                # What the GPT enrichment inferred, raw as it is stored; not for every fifth.
                "gender": (" Female", "male", "unknown", "", None)[n % 5],
                "topics": ["food", "travel", "tech"][: n % 5 % 4],
            }
        )
        # Every tenth profile is a twin of the one before (same followers, same post counters
        # under other ids), so engagement rates tie exactly and not only by chance.
        if n % 10 == 1:
            original = instagram_ids[n - 1]
            pg["instagram_account"][-1]["followers"] = pg["instagram_account"][-2]["followers"]
            twins = [post for post in pg["instagram_post"] if post["profile_id"] == original]
            for post in twins:
                pg["instagram_post"].append(
                    post
                    | {
                        "post_id": post["post_id"].replace(original, profile_id),
                        "shortcode": post["shortcode"].replace(original, profile_id),
                        "profile_id": profile_id,
                    }
                )
            continue
        # Some profiles have no posts at all; others more than the averaging window.
        for k in range(rng.choice((0, 3, 12, 15))):
            tags = rng.sample(HASHTAGS, rng.randrange(0, 3))
            day = today - timedelta(days=rng.randrange(0, 120))
            published = _maybe(rng, datetime.combine(day, time(9), tzinfo=UTC))
            pg["instagram_post"].append(
                {
                    "post_id": f"{profile_id}-p{k:02d}",
                    "shortcode": f"sc{profile_id}{k:02d}",
                    "profile_id": profile_id,
                    "post_type": rng.choice(("image", "reel", "carousel")),
                    "caption": _maybe(rng, f"day {k} #{rng.choice(HASHTAGS).lstrip('#')} here"),
                    "hashtags": tags,
                    "likes": _maybe(rng, rng.choice((0, 10, 50, 100, 250))),
                    "comments": _maybe(rng, rng.choice((0, 1, 5, 20))),
                    "plays": _maybe(rng, rng.randrange(0, 10_000), 0.5),
                    "views": _maybe(rng, rng.randrange(0, 10_000), 0.5),
                    "reach": _maybe(rng, rng.randrange(0, 10_000), 0.3),
                    "shares": rng.randrange(0, 50),
                    "saved": rng.randrange(0, 50),
                    "publish_time": published,
                    # Two posts in three tagged at a place (chosen without the generator, so
                    # the rest of the data stays as it was).
                    **_located(None if k % 3 == 2 else PLACES[(n + k) % len(PLACES)]),
                }
            )

    youtube_ids = [f"UC{n:04d}" for n in range(youtube_channels)]
    for n, channel_id in enumerate(youtube_ids):
        pg["youtube_account"].append(
            _account(rng, _YOUTUBE, n, channel_id)
            | {
                "refreshed_at": datetime.combine(today, time(2), tzinfo=UTC),
                "description": f"Follow instagram.com/creator_{n * 3}" if n % 4 == 0 else None,
            }
        )
        for k in range(rng.choice((0, 5, 14))):
            pg["youtube_post"].append(
                {
                    "video_id": f"{channel_id}-v{k:02d}",
                    "channel_id": channel_id,
                    "title": f"Video {k}",
                    "tags": [],
                    "is_short": k % 3 == 0,
                    "views": _maybe(rng, rng.choice((100, 1_000, 5_000))),
                    "likes": _maybe(rng, rng.choice((0, 10, 80))),
                    "comments": _maybe(rng, rng.choice((0, 2, 9))),
                    "publish_time": datetime.combine(
                        today - timedelta(days=rng.randrange(0, 60)), time(10), tzinfo=UTC
                    ),
                }
            )

    # Daily snapshots; most days are scraped, some twice or more, and a few counters missing.
    event_number = 0
    for platform, ids in (("instagram", instagram_ids), ("youtube", youtube_ids)):
        followers_key = "subscribers" if platform == "youtube" else "followers"
        posts_key = "video_count" if platform == "youtube" else "media_count"
        # Two profiles the snapshots know of but PostgreSQL does not (yet).
        for profile_id in [*ids, f"{ids[0]}-new", f"{ids[-1]}-new"]:
            level = rng.choice(FOLLOWER_STEPS[1:])
            for offset in range(days + 1):
                day = first_day + timedelta(days=offset)
                if rng.random() < 0.3:
                    continue
                for _ in range(rng.choice((1, 1, 2, 3))):
                    level = max(0, level + rng.choice((-500, 0, 0, 500, 1_000)))
                    metrics: dict[str, float] = {
                        "following": float(rng.randrange(0, 1_000)),
                        posts_key: float(rng.randrange(0, 400)),
                        "avg_likes": float(rng.choice((10, 25, 40))),
                        "avg_comments": rng.choice((0.5, 1.0, 2.5)),
                    }
                    if rng.random() > 0.05:
                        metrics[followers_key] = float(rng.choice((level, level, 0)))
                    if platform == "youtube":
                        metrics["total_views"] = float(rng.choice((10_000, 50_000, 90_000)))
                    ch["profile_log"].append(
                        {
                            "event_id": f"pl{event_number:07d}",
                            "event_timestamp": _timestamp(day, rng),
                            "platform": platform,
                            "profile_id": profile_id,
                            "handle": profile_id,
                            "dimensions": {},
                            "metrics": metrics,
                            "source": "synthetic",
                        }
                    )
                    event_number += 1

    pg["partner"].append({"id": 1, "name": "Partner One"})
    _add_operations(data, today, instagram_ids[:3])
    pg["post_collection"] += [
        {"id": 1, "partner_id": 1, "name": "Launch", "share_id": "share-1"},
        {"id": 2, "partner_id": 1, "name": "Diwali", "share_id": "share-2"},
    ]
    instagram_posts = pg["instagram_post"]
    youtube_posts = pg["youtube_post"]
    picked_instagram = rng.sample(instagram_posts, min(8, len(instagram_posts)))
    picked_youtube = rng.sample(youtube_posts, min(4, len(youtube_posts)))
    items = [("instagram", post["shortcode"]) for post in picked_instagram]
    items += [("youtube", video["video_id"]) for video in picked_youtube]
    # A post added to a collection before the scraper fetched it.
    items.append(("instagram", "sc-not-scraped-yet"))
    for n, (platform, shortcode) in enumerate(items):
        pg["post_collection_item"].append(
            {
                "collection_id": 1 + n % 2,
                "platform": platform,
                "post_shortcode": shortcode,
                "show_in_report": n % 5 != 0,
            }
        )
        for offset in range(0, 10, 2):
            day = today - timedelta(days=offset)
            for _ in range(rng.choice((1, 2))):
                ch["post_log_event"].append(
                    {
                        "event_id": f"po{event_number:07d}",
                        "event_timestamp": _timestamp(day, rng),
                        "platform": platform,
                        "post_id": shortcode,
                        "profile_id": "",
                        "shortcode": shortcode if platform == "instagram" else "",
                        "dimensions": {},
                        "metrics": {"likes": float(rng.randrange(0, 900)), "comments": 3.0},
                        "source": "synthetic",
                    }
                )
                event_number += 1
    pg["profile_collection"].append(
        {"id": 1, "partner_id": 1, "name": "Shortlist", "share_id": "share-p1"}
    )
    for profile_id in rng.sample(instagram_ids, 5):
        pg["profile_collection_item"].append(
            {"collection_id": 1, "platform": "instagram", "platform_profile_id": profile_id}
        )
    # A YouTube channel, and one never scraped (the staging-collection marts).
    for channel_id in (youtube_ids[0], "UCnotscraped"):
        pg["profile_collection_item"].append(
            {"collection_id": 1, "platform": "youtube", "platform_profile_id": channel_id}
        )

    # An account tagging a creator (fetch_instagram_tagged_posts): not a follower, which the
    # audience marts must not count.
    ch["profile_relationship_log"].append(
        {
            "event_id": "rl-tagged",
            "event_timestamp": datetime.combine(today, time(3), tzinfo=UTC),
            "platform": "instagram",
            "source_profile_id": instagram_ids[0],
            "target_profile_id": instagram_ids[1],
            "target_handle": "",
            "target_full_name": "",
            "relationship_type": "TAGGED_BY",
            "source": "synthetic",
        }
    )
    # Follower fetches and the scorer's verdicts for a few creators, two analyses for one.
    classes = (0.0, 0.0, 0.0, 0.33, 1.0)
    reasons = ("digits", "non_indic_script", "handle_name_mismatch")
    for creator in instagram_ids[:4]:
        for k in range(25):
            follower = f"{creator}-f{k}"
            ch["profile_relationship_log"].append(
                {
                    "event_id": f"rl{event_number:07d}",
                    "event_timestamp": datetime.combine(today, time(3), tzinfo=UTC),
                    "platform": "instagram",
                    "source_profile_id": creator,
                    "target_profile_id": follower,
                    "target_handle": follower,
                    "target_full_name": "",
                    "relationship_type": "FOLLOWER",
                    "source": "synthetic",
                }
            )
            event_number += 1
            for analysis, hour in (("a1", 4), ("a2", 5))[: 2 if creator == instagram_ids[0] else 1]:
                fake_class = rng.choice(classes)
                ch["follower_score"].append(
                    {
                        "analysis": f"{analysis}-{creator}",
                        "platform": "instagram",
                        "source_profile_id": creator,
                        "follower_profile_id": follower,
                        "follower_handle": follower,
                        "follower_name": "",
                        "fake_class": fake_class,
                        "score": fake_class,
                        "reasons": list(rng.sample(reasons, 1)) if fake_class else [],
                        "scored_at": datetime.combine(today, time(hour), tzinfo=UTC),
                    }
                )
    # The audience a GPT enrichment inferred, for every third Instagram profile.
    pg["audience_info_gpt"] = [
        {
            "network": "instagram",
            "profile_id": profile_id,
            "audience_gender": '{"female": 0.55, "male": 0.45}' if n % 2 else '{"male": 0.8}',
            "audience_age": '{"18-24": 0.6, "25-34": 0.4}',
            "audience_location": '{"IN": 0.7, "GB": 0.2, "US": 0.1}',
            "interests": ["food", "travel"][: 1 + n % 2],
            "source": "openai",
        }
        for n, profile_id in enumerate(instagram_ids)
        if n % 3 == 0
    ]
    _add_attributed_orders(data, today)
    # And for a YouTube channel (mart_partial_youtube_audience).
    pg["audience_info_gpt"].append(
        pg["audience_info_gpt"][0] | {"network": "youtube", "profile_id": youtube_ids[0]}
    )
    return data


def _add_operations(data: SyntheticData, today: date, profiles: Sequence[str]) -> None:
    """A few rows of every other table the scraper and the API own (the task queue,
    credentials, assets, sentiment, orders, post activity; accounts, users, usage, activity,
    collection groups, keyword collections), each one's statuses and kinds varied, for the
    staging models' tests."""
    pg, ch = data.postgres, data.clickhouse
    moment = datetime.combine(today, time(8), tzinfo=UTC)
    for n, status in enumerate(("PENDING", "PROCESSING", "COMPLETE", "FAILED", "EXPIRED")):
        pg["scrape_request_log"].append(
            {"id": n + 1, "flow": "refresh_profile_by_handle", "status": status}
            | ({"error": "upstream said 429", "completed_at": moment} if status == "FAILED" else {})
        )
    pg["credential"] += [
        {"id": 1, "source": "graphapi", "name": "app-1", "credentials": "{}", "enabled": True},
        {"id": 2, "source": "graphapi", "name": "app-2", "credentials": "{}", "enabled": False},
    ]
    for n, (entity_type, entity_id) in enumerate((("profile", profiles[0]), ("post", "sc1"))):
        pg["asset_log"].append(
            {
                "id": n + 1,
                "platform": "instagram",
                "entity_type": entity_type,
                "entity_id": entity_id,
                "asset_type": "thumbnail",
                "source_url": f"https://cdn.example/{entity_id}.jpg",
            }
        )
    for n, score in enumerate((0.8, -0.4, 0.0)):
        pg["sentiment_log"].append(
            {"id": n + 1, "platform": "instagram", "post_id": "p1", "comment_id": f"c{n}"}
            | {"text": f"comment {n}", "score": score}
        )
    pg["sentiment_report"].append(
        {"platform": "instagram", "post_id": "p1", "comments": 3, "mean_score": 0.4 / 3}
        | {"positive": 1, "negative": 1, "neutral": 1}
    )
    for back in range(3):
        # A day the upstream had no data for leaves its counts NULL.
        counted = {"reach": 900 - back, "impressions": 2100, "profile_views": 40}
        pg["profile_insights"].append(
            {"platform": "instagram", "profile_id": profiles[0]}
            | {"date": today - timedelta(days=back + 1), "source": "graphapi"}
            | (counted | {"website_clicks": 3, "follower_count": 12_000} if back < 2 else {})
        )
    pg["account"].append({"id": 1, "partner_id": 1, "name": "Brand team"})
    pg["account_user"] += [
        {"id": 1, "account_id": 1, "email": "owner@example.com", "role": "OWNER"},
        {"id": 2, "account_id": 1, "email": "member@example.com", "role": "MEMBER"},
    ]
    pg["partner_usage"].append(
        {"id": 1, "partner_id": 1, "module": "discovery", "plan_type": "PRO", "usage_count": 4}
        | {"valid_from": moment - timedelta(days=30), "valid_to": moment}
    )
    for profile_id in profiles:
        pg["partner_profile_page_track"].append(
            {"partner_id": 1, "platform": "instagram", "profile_id": profile_id}
        )
        pg["activity_tracker"].append(
            {"partner_id": 1, "user_id": 1, "activity_type": "profile_view"}
            | {"entity_type": "profile", "entity_id": profile_id}
        )
    pg["collection_group"].append({"id": 1, "partner_id": 1, "name": "Q4", "collection_ids": [1]})
    pg["keyword_collection"].append(
        {"id": 1, "partner_id": 1, "name": "Festive", "platform": "instagram"}
        | {"keywords": ["diwali", "festive"]}
    )
    common = {"event_timestamp": moment, "source": "synthetic"}
    for n, status in enumerate(("PAID", "paid", "REFUNDED")):
        ch["order_log"].append(
            common
            | {"event_id": f"ol{n}", "platform": "shopify", "order_id": f"o{n % 2}"}
            | {"status": status, "amount": 499.0, "currency": "INR", "item_count": 1}
            | {"dimensions": {}}
        )
    for n, activity in enumerate(("like", "comment", "share", "save")):
        ch["post_activity_log"].append(
            common
            | {"event_id": f"pa{n}", "platform": "instagram", "post_id": "p1"}
            | {"profile_id": profiles[0], "activity_type": activity, "actor_profile_id": f"a{n}"}
        )
    _add_youtube_catalogue(ch, common)


def _add_youtube_catalogue(ch: dict[str, list[Row]], common: Row) -> None:
    """Two playlists of a channel (one never published), their entries, a region's video
    categories and the channel's home-page sections, as the catalogue flows log them."""
    published = int(common["event_timestamp"].timestamp() * 1000) - 86_400_000
    for n, (privacy, ms) in enumerate((("public", published), ("Private", 0))):
        ch["youtube_playlist_log"].append(
            common
            | {"event_id": f"yp{n}", "playlist_id": f"PL{n}", "channel_id": "UC0"}
            | {"title": f"Playlist {n}", "item_count": 2, "privacy_status": privacy}
            | {"publish_time_ms": ms}
        )
        for position in range(2):
            ch["youtube_playlist_item_log"].append(
                common
                | {"event_id": f"ypi{n}{position}", "playlist_id": f"PL{n}"}
                | {"video_id": f"v{n}{position}", "position": position}
                | {"video_published_at_ms": ms}
            )
    for n, (region, title) in enumerate((("in", "Music"), ("IN", "Gaming"), ("US", "Music"))):
        ch["youtube_video_category_log"].append(
            common
            | {"event_id": f"yc{n}", "region": region, "category_id": str(10 + n % 2)}
            | {"title": title, "assignable": n != 2}
        )
    for n, (section_type, title) in enumerate((("recentUploads", ""), ("singlePlaylist", "Best"))):
        ch["youtube_channel_section_log"].append(
            common
            | {"event_id": f"ys{n}", "section_id": f"UC0.{n}", "channel_id": "UC0"}
            | {"section_type": section_type, "title": title, "position": n}
            | {"playlist_ids": ["PL0"] if n else [], "channel_ids": []}
        )


def _add_attributed_orders(data: SyntheticData, today: date) -> None:
    """Store orders naming Instagram creators of profile collection 1 by coupon (in any case) or
    utm_source: several currencies, an order refunded after it was paid, a profile whose
    orders were all refunded, a currency the collection earned nothing in, a coupon naming both
    a coupon creator and a utm creator, and an order naming no creator of the collection."""
    handles = {a["profile_id"]: a["handle"] for a in data.postgres["instagram_account"]}
    members = sorted(
        item["platform_profile_id"]
        for item in data.postgres["profile_collection_item"]
        if item["collection_id"] == 1 and item["platform"] == "instagram"
    )
    first, second, third = (handles[profile_id] for profile_id in members[:3])
    paid, later = (datetime.combine(today, time(hour), tzinfo=UTC) for hour in (9, 10))
    orders = (
        ("a1", paid, "paid", 1000.0, "INR", 2, {"coupon": first.upper()}),
        ("a2", paid, "paid", 500.5, "INR", 1, {"utm_source": first}),
        ("a3", paid, "paid", 250.0, "INR", 1, {"coupon": second}),
        ("a3", later, "refunded", 250.0, "INR", 1, {"coupon": second}),
        ("a4", paid, "paid", 40.0, "USD", 3, {"coupon": second, "utm_source": third}),
        ("a5", paid, "partially_refunded", 99.5, "INR", 1, {"utm_source": third}),
        ("a6", paid, "paid", 75.0, "INR", 1, {"coupon": "NOBODY10"}),
        ("a7", paid, "voided", 12.0, "USD", 1, {"coupon": third}),
        ("a8", paid, "refunded", 10.0, "EUR", 1, {"coupon": first}),
    )
    for n, (order_id, seen, status, amount, currency, items, dimensions) in enumerate(orders):
        data.clickhouse["order_log"].append(
            {"event_id": f"oa{n}", "event_timestamp": seen, "source": "synthetic"}
            | {"platform": "shopify", "order_id": order_id, "status": status, "amount": amount}
            | {"currency": currency, "item_count": items, "dimensions": dimensions}
        )


def snapshots_after(data: SyntheticData, today: date, *, seed: int = 8, days: int = 3) -> list[Row]:
    """Profile snapshots of the `days` after `today` and one more of `today` (a late event),
    for every profile `data` has snapshots of: what an incremental run picks up."""
    rng = random.Random(seed)
    profiles = sorted({(r["platform"], r["profile_id"]) for r in data.clickhouse["profile_log"]})
    rows = []
    for n, (platform, profile_id) in enumerate(profiles):
        key = "subscribers" if platform == "youtube" else "followers"
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            rows.append(
                {
                    "event_id": f"late{n:05d}-{offset}",
                    "event_timestamp": datetime.combine(day, time(23), tzinfo=UTC),
                    "platform": platform,
                    "profile_id": profile_id,
                    "handle": profile_id,
                    "dimensions": {},
                    "metrics": {
                        key: float(rng.choice(FOLLOWER_STEPS)),
                        "avg_likes": 10.0,
                        "avg_comments": 1.0,
                    },
                    "source": "synthetic",
                }
            )
    return rows


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


async def write_postgres(conn: asyncpg.Connection, data: SyntheticData) -> None:
    """Inserts the PostgreSQL rows (given ids kept, identity columns moved past them)."""
    async with conn.transaction():
        for table, rows in data.postgres.items():
            if not rows:
                continue
            names = _columns(rows)
            placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
            await conn.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) OVERRIDING SYSTEM VALUE"
                f" VALUES ({placeholders})",
                [tuple(row.get(name) for name in names) for row in rows],
            )
            if "id" in names:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )


def write_clickhouse(client: Client, data: SyntheticData, database: str) -> None:
    """Inserts the event rows into the tables of `database` (the `_e` schema)."""
    for table, rows in data.clickhouse.items():
        insert_events(client, database, table, rows)


def insert_events(client: Client, database: str, table: str, rows: Sequence[Row]) -> None:
    if not rows:
        return
    names = _columns(rows)
    client.insert(
        table,
        [[row.get(name) for name in names] for row in rows],
        column_names=names,
        database=database,
    )
