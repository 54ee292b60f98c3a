"""The metric math of the dbt marts written again in plain Python, over `SyntheticData`: what
the marts must hold, computed without ClickHouse. Mirrors dbt/macros/metrics.sql and the CTEs of
mart_instagram_account, mart_time_series, mart_leaderboard, mart_leaderboard_ranking, the
profile stats marts (mart_insta_*), mart_fake_events, the partial-update marts (mart_partial_*),
mart_post_location and the order attribution of mart_gcc_orders; floats are computed in the same
order as the SQL so that results compare exactly. The dbt project's tests and the Leaderboard
tests of the API (built, synced, served) compare against it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from reach.pipelines.synthetic import Row, SyntheticData

RECENT_POSTS = 12
# The dbt project's var `recent_stats_days`.
RECENT_STATS_DAYS = 30
# Two Leaderboard resources' specs asking for different rankings, neither of them one of the
# serving table's rank columns.
LEADERBOARDS: dict[str, dict[str, Any]] = {
    "youtube-views-by-country": {
        "network": "youtube",
        "metric": "views",
        "dimensions": ["country"],
    },
    "everyone-by-engagement": {
        "network": "cross_platform",
        "metric": "engagement_rate",
        "dimensions": ["language", "category"],
    },
}
RANK_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "": (),
    "_by_cat": ("category",),
    "_by_lang": ("language",),
    "_by_cat_lang": ("category", "language"),
}


def engagement_rate(interactions: float | None, base: float | None) -> float | None:
    if interactions is None or base is None or base <= 0:
        return None
    return interactions / base * 100


def growth_rate(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous <= 0:
        return None
    return (current - previous) / previous


def _attribute(value: str | None, *, upper: bool = False) -> str | None:
    if value is None:
        return None
    text = value.strip(" ")
    text = text.upper() if upper else text.lower()
    return text or None


def ranks(rows: Sequence[dict[str, Any]], metric: str, group: Sequence[str]) -> list[int | None]:
    """rank() semantics, highest first, within `group`; rows missing the metric or a group
    value get None."""
    values: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    keys: list[tuple[Any, ...] | None] = []
    for row in rows:
        key = tuple(row[column] for column in group)
        if row[metric] is None or any(part is None or part == "" for part in key):
            keys.append(None)
            continue
        keys.append(key)
        values[key].append(row[metric])
    out: list[int | None] = []
    for row, ranked in zip(rows, keys, strict=True):
        if ranked is None:
            out.append(None)
        else:
            out.append(1 + sum(1 for other in values[ranked] if other > row[metric]))
    return out


def _mean(values: Iterable[int | None]) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def instagram_accounts(data: SyntheticData) -> dict[str, dict[str, Any]]:
    """mart_instagram_account's metrics by profile id."""
    posts: dict[str, list[Row]] = defaultdict(list)
    for post in data.postgres["instagram_post"]:
        posts[post["profile_id"]].append(post)
    rows = []
    for account in data.postgres["instagram_account"]:
        # Newest first, unknown dates last, the larger post id first among equals.
        mine = sorted(posts[account["profile_id"]], key=lambda p: p["post_id"], reverse=True)
        mine.sort(key=lambda p: (p["publish_time"] is None, _negated(p["publish_time"])))
        recent = mine[:RECENT_POSTS]
        avg_likes = _mean(p["likes"] for p in recent)
        avg_comments = _mean(p["comments"] for p in recent)
        interactions = (
            None if avg_likes is None or avg_comments is None else avg_likes + avg_comments
        )
        rows.append(
            {
                "profile_id": account["profile_id"],
                "category": _attribute(account["category"]),
                "language": _attribute(account["language"]),
                "country": _attribute(account["country"], upper=True),
                "handle": account["handle"],
                "followers": account["followers"],
                "recent_posts": len(recent),
                "avg_likes": avg_likes,
                "avg_comments": avg_comments,
                "engagement_rate": engagement_rate(interactions, account["followers"]),
            }
        )
    _add_ranks(rows, ("followers", "engagement_rate"), ())
    return {row["profile_id"]: row for row in rows}


def youtube_attributes(data: SyntheticData) -> dict[str, dict[str, Any]]:
    return {
        channel["channel_id"]: {
            "handle": channel["handle"],
            "category": _attribute(channel["category"]),
            "language": _attribute(channel["language"]),
            "country": _attribute(channel["country"], upper=True),
        }
        for channel in data.postgres["youtube_account"]
    }


def _negated(moment: datetime | None) -> float:
    return -moment.timestamp() if moment is not None else 0.0


def _add_ranks(rows: list[dict[str, Any]], metrics: Sequence[str], within: Sequence[str]) -> None:
    for metric in metrics:
        for suffix, dimensions in RANK_DIMENSIONS.items():
            column = f"{metric}_rank{suffix}"
            for row, rank in zip(rows, ranks(rows, metric, [*within, *dimensions]), strict=True):
                row[column] = rank


@dataclass(frozen=True)
class Snapshot:
    followers: float | None
    avg_likes: float | None
    avg_comments: float | None
    views: float | None


def _oldest_first(events: Iterable[Row]) -> list[Row]:
    """`events` in the order the marts' argMax over (time, event id) ranks them: whichever
    comes later in this list is the newer."""
    return sorted(events, key=lambda event: (event["event_timestamp"], event["event_id"]))


def time_series(events: Iterable[Row]) -> dict[tuple[str, str, date], dict[str, Any]]:
    """mart_time_series by (platform, profile_id, date): the day's last snapshot (latest time,
    then the larger event id), its engagement rate and the growth against the previous day."""
    latest: dict[tuple[str, str, date], Snapshot] = {}
    for event in _oldest_first(events):
        key = (event["platform"], event["profile_id"], event["event_timestamp"].date())
        metrics = event["metrics"]
        followers_key = "subscribers" if event["platform"] == "youtube" else "followers"
        snapshot = Snapshot(
            metrics.get(followers_key),
            metrics.get("avg_likes"),
            metrics.get("avg_comments"),
            metrics.get("total_views"),
        )
        latest[key] = snapshot
    series: dict[tuple[str, str, date], dict[str, Any]] = {}
    previous: dict[tuple[str, str], float | None] = {}
    for key in sorted(latest):
        snapshot = latest[key]
        profile = key[:2]
        interactions = (
            None
            if snapshot.avg_likes is None or snapshot.avg_comments is None
            else snapshot.avg_likes + snapshot.avg_comments
        )
        series[key] = {
            "followers": None if snapshot.followers is None else int(snapshot.followers),
            "views": None if snapshot.views is None else int(snapshot.views),
            "engagement_rate": engagement_rate(interactions, snapshot.followers),
            "followers_growth": (
                growth_rate(snapshot.followers, previous[profile]) if profile in previous else None
            ),
        }
        previous[profile] = snapshot.followers
    return series


def _previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def leaderboard(
    data: SyntheticData, events: Iterable[Row]
) -> dict[tuple[str, date, str], dict[str, Any]]:
    """mart_leaderboard by (platform, month, profile_id): each profile's last snapshot of the
    month, ranked per platform and across platforms, with the change since the previous month."""
    attributes: dict[tuple[str, str], dict[str, Any]] = {
        ("instagram", profile_id): row for profile_id, row in instagram_accounts(data).items()
    }
    attributes |= {
        ("youtube", channel_id): row for channel_id, row in youtube_attributes(data).items()
    }
    last_of_month: dict[tuple[str, str, date], tuple[date, dict[str, Any]]] = {}
    for (platform, profile_id, day), snapshot in time_series(events).items():
        key = (platform, profile_id, day.replace(day=1))
        if key not in last_of_month or day > last_of_month[key][0]:
            last_of_month[key] = (day, snapshot)
    standings: dict[tuple[str, date], list[dict[str, Any]]] = defaultdict(list)
    for (platform, profile_id, month), (_, snapshot) in last_of_month.items():
        known = attributes.get((platform, profile_id), {})
        row = {
            "profile_platform": platform,
            "profile_id": profile_id,
            "followers": snapshot["followers"],
            "engagement_rate": snapshot["engagement_rate"],
            "views": snapshot["views"],
            "category": known.get("category"),
            "language": known.get("language"),
            "country": known.get("country"),
        }
        standings[(platform, month)].append(row)
        standings[("cross_platform", month)].append(dict(row))
    board: dict[tuple[str, date, str], dict[str, Any]] = {}
    for (platform, month), rows in standings.items():
        _add_ranks(rows, ("followers", "engagement_rate"), ())
        for row in rows:
            board[(platform, month, row["profile_id"])] = row
    for (platform, month, profile_id), row in board.items():
        before = _previous_month(month)
        previous = board.get((platform, before, profile_id))
        for metric in ("followers", "engagement_rate"):
            now_rank = row[f"{metric}_rank"]
            then_rank = previous[f"{metric}_rank"] if previous else None
            row[f"{metric}_rank_change"] = (
                None if now_rank is None or then_rank is None else then_rank - now_rank
            )
    return board


def leaderboard_ranking(
    board: dict[tuple[str, date, str], dict[str, Any]],
    network: str,
    metric: str,
    dimensions: Sequence[str],
) -> dict[tuple[date, str, str], dict[str, Any]]:
    """A Leaderboard resource's ranking (mart_leaderboard_ranking) from `leaderboard`'s board,
    by (month, profile_platform, profile_id): the ranked rows of `network`, rank by `metric`
    within the month and `dimensions`, and the change since the previous month's rank."""
    rows = [
        {**row, "month": month}
        for (platform, month, _), row in board.items()
        if platform == network
    ]
    for row, rank in zip(rows, ranks(rows, metric, ["month", *dimensions]), strict=True):
        row["rank"] = rank
    by_key = {(row["month"], row["profile_platform"], row["profile_id"]): row for row in rows}
    ranking = {}
    for key, row in by_key.items():
        if row["rank"] is None:
            continue
        before = _previous_month(key[0])
        previous = by_key.get((before, *key[1:]))
        then = previous["rank"] if previous else None
        ranking[key] = {
            "value": None if row[metric] is None else float(row[metric]),
            "rank": row["rank"],
            "rank_change": None if then is None else then - row["rank"],
        }
    return ranking


def leaderboard_rankings(
    data: SyntheticData, events: Iterable[Row]
) -> dict[str, dict[tuple[date, str, str], dict[str, Any]]]:
    """The ranking of each of LEADERBOARDS over `events`, by its name."""
    board = leaderboard(data, events)
    return {
        name: leaderboard_ranking(board, spec["network"], spec["metric"], spec["dimensions"])
        for name, spec in LEADERBOARDS.items()
    }


def insta_account_monthly(
    data: SyntheticData, events: Iterable[Row]
) -> dict[tuple[str, date], dict[str, Any]]:
    """mart_insta_account_monthly by (profile_id, month): followers at the month's last daily
    snapshot, the gain and growth since the previous calendar month's, and the month's posts."""
    last_of_month: dict[tuple[str, date], tuple[date, int | None]] = {}
    for (platform, profile_id, day), snapshot in time_series(events).items():
        key = (profile_id, day.replace(day=1))
        if platform == "instagram" and (key not in last_of_month or day > last_of_month[key][0]):
            last_of_month[key] = (day, snapshot["followers"])
    posts: dict[tuple[str, date], list[Row]] = defaultdict(list)
    for post in data.postgres["instagram_post"]:
        if post["publish_time"] is not None:
            posts[(post["profile_id"], post["publish_time"].date().replace(day=1))].append(post)
    months = {}
    for (profile_id, month), (_, followers) in last_of_month.items():
        previous = last_of_month.get((profile_id, _previous_month(month)), (None, None))[1]
        published = posts[(profile_id, month)]
        avg_likes = _mean(post["likes"] for post in published)
        avg_comments = _mean(post["comments"] for post in published)
        months[(profile_id, month)] = {
            "followers": followers,
            "previous_month_followers": previous,
            "followers_gained": (
                None if followers is None or previous is None else followers - previous
            ),
            "followers_growth": growth_rate(followers, previous),
            "posts_published": len(published),
            "avg_likes": avg_likes,
            "avg_comments": avg_comments,
            "engagement_rate": engagement_rate(
                None if avg_likes is None or avg_comments is None else avg_likes + avg_comments,
                followers,
            ),
        }
    return months


def insta_recent_stats(data: SyntheticData, today: date) -> dict[str, dict[str, Any]]:
    """mart_insta_recent_stats by profile id: the posts of the RECENT_STATS_DAYS days up to
    `today`."""
    recent: dict[str, list[Row]] = defaultdict(list)
    for post in data.postgres["instagram_post"]:
        published = post["publish_time"]
        if published is not None and published.date() > today - timedelta(days=RECENT_STATS_DAYS):
            recent[post["profile_id"]].append(post)
    stats = {}
    for account in data.postgres["instagram_account"]:
        posts = recent[account["profile_id"]]
        followers = account["followers"]
        averages = {
            f"avg_{counter}": _mean(post[counter] for post in posts)
            for counter in ("likes", "comments", "reach", "plays")
        }
        likes, comments = averages["avg_likes"], averages["avg_comments"]
        stats[account["profile_id"]] = {
            "recent_posts": len(posts),
            "recent_reels": sum(1 for post in posts if post["post_type"] == "reel"),
            **averages,
            "engagement_rate": engagement_rate(
                None if likes is None or comments is None else likes + comments, followers
            ),
            "reach_rate": engagement_rate(averages["avg_reach"], followers),
        }
    return stats


def insta_account_summary(
    data: SyntheticData, events: Iterable[Row], today: date
) -> dict[str, dict[str, Any]]:
    """mart_insta_account_summary by profile id: the account's standing, its recent stats and
    the figures of its latest month."""
    latest: dict[str, tuple[date, dict[str, Any]]] = {}
    for (profile_id, month), row in insta_account_monthly(data, events).items():
        if profile_id not in latest or month > latest[profile_id][0]:
            latest[profile_id] = (month, row)
    recent = insta_recent_stats(data, today)
    summary = {}
    for profile_id, account in instagram_accounts(data).items():
        latest_month: date | None = None
        figures: dict[str, Any] = {}
        if profile_id in latest:
            latest_month, figures = latest[profile_id]
        summary[profile_id] = {
            "followers": account["followers"],
            "engagement_rate": account["engagement_rate"],
            "followers_rank": account["followers_rank"],
            "recent_posts": recent[profile_id]["recent_posts"],
            "reach_rate": recent[profile_id]["reach_rate"],
            "latest_month": latest_month,
            "latest_month_followers_gained": figures.get("followers_gained"),
            "latest_month_followers_growth": figures.get("followers_growth"),
        }
    return summary


# The dbt project's vars `trending_days` and `trending_top`.
TRENDING_DAYS = 30
TRENDING_TOP = 10


def genre_trending_content(data: SyntheticData, today: date) -> dict[str, dict[str, Any]]:
    """mart_genre_trending_content by post id: the recent posts of creators with a category,
    ranked by engagement per 100 followers within the category, the top TRENDING_TOP ranks."""
    creators = {
        profile_id: account
        for profile_id, account in instagram_accounts(data).items()
        if account["category"] is not None
    }
    posts = []
    for post in data.postgres["instagram_post"]:
        published = post["publish_time"]
        creator = creators.get(post["profile_id"])
        if creator is None or published is None:
            continue
        if published.date() <= today - timedelta(days=TRENDING_DAYS):
            continue
        interactions = (
            None
            if post["likes"] is None or post["comments"] is None
            else post["likes"] + post["comments"]
        )
        posts.append(
            {
                "post_id": post["post_id"],
                "category": creator["category"],
                "engagement_rate": engagement_rate(interactions, creator["followers"]),
            }
        )
    trending = {}
    for post, rank in zip(posts, ranks(posts, "engagement_rate", ["category"]), strict=True):
        if rank is not None and rank <= TRENDING_TOP:
            post_id = post.pop("post_id")
            trending[post_id] = {**post, "trend_rank": rank}
    return trending


def linked_socials(data: SyntheticData) -> dict[tuple[str, str], dict[str, Any]]:
    """mart_linked_socials by (instagram profile id, youtube channel id): who links whom, and
    the combined audience."""
    accounts = data.postgres["instagram_account"]
    channels = data.postgres["youtube_account"]
    channel_names: dict[str, list[Row]] = defaultdict(list)
    for channel in channels:
        for name in {(channel["handle"] or "").lower(), channel["channel_id"].lower()} - {""}:
            channel_names[name].append(channel)
    by_handle = defaultdict(list)
    for account in accounts:
        by_handle[account["handle"].lower()].append(account)
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for account in accounts:
        text = f"{account.get('external_url') or ''} {account.get('biography') or ''}".lower()
        for name in re.findall(r"youtube\.com/(?:@|channel/)([a-z0-9_.-]+)", text):
            for channel in channel_names[name]:
                links[(account["profile_id"], channel["channel_id"])].add("instagram")
    for channel in channels:
        text = (channel.get("description") or "").lower()
        for name in re.findall(r"instagram\.com/([a-z0-9_.]+)", text):
            for account in by_handle[name]:
                links[(account["profile_id"], channel["channel_id"])].add("youtube")
    followers = {account["profile_id"]: account["followers"] for account in accounts}
    subscribers = {channel["channel_id"]: channel["subscribers"] for channel in channels}
    linked = {}
    for (profile_id, channel_id), sides in links.items():
        instagram, youtube = followers[profile_id], subscribers[channel_id]
        linked[(profile_id, channel_id)] = {
            "linked_by": sorted(sides),
            "combined_followers": None
            if instagram is None or youtube is None
            else instagram + youtube,
        }
    return linked


def post_location(data: SyntheticData) -> dict[str, dict[str, Any]]:
    """mart_post_location by location id: each place's name and coordinates from its most
    recently published post naming it, its posts, creators and engagement (likes + comments
    per 100 followers of the posting creators, over the posts where all three are known)."""
    followers = {a["profile_id"]: a["followers"] for a in data.postgres["instagram_account"]}
    posts: dict[str, list[Row]] = defaultdict(list)
    for post in data.postgres["instagram_post"]:
        if post["location_id"] is not None:
            posts[post["location_id"]].append(post)
    locations = {}
    for location_id, located in posts.items():
        dated = [p for p in located if p["publish_time"] is not None]
        known = [
            (p["likes"] + p["comments"], base)
            for p in located
            if p["likes"] is not None
            and p["comments"] is not None
            and (base := followers.get(p["profile_id"])) is not None
            and base > 0
        ]
        place: dict[str, Any] = {}
        for column in ("location_name", "location_lat", "location_lng"):
            named = [p for p in dated if p[column] is not None]
            place[column] = max(named, key=lambda p: p["publish_time"])[column] if named else None
        likes = [p["likes"] for p in located if p["likes"] is not None]
        comments = [p["comments"] for p in located if p["comments"] is not None]
        latest = max((p["publish_time"] for p in dated), default=None)
        locations[location_id] = {
            **place,
            "posts": len(located),
            "creators": len({p["profile_id"] for p in located}),
            "likes": sum(likes) if likes else None,
            "comments": sum(comments) if comments else None,
            "avg_likes": _mean(likes),
            "avg_comments": _mean(comments),
            "engagement_rate": engagement_rate(
                sum(i for i, _ in known) if known else None,
                sum(b for _, b in known) if known else None,
            ),
            # In UTC without its zone, as the ClickHouse client reads it.
            "latest_post_at": latest and latest.astimezone(UTC).replace(tzinfo=None),
        }
    return locations


_REFUNDED = ("refunded", "voided")


def gcc_orders(data: SyntheticData) -> dict[tuple[int, str, str, str], dict[str, Any]]:
    """mart_gcc_orders by (collection id, platform, profile id, currency): each order as last
    seen (latest event, then largest event id), attributed by its coupon, else its utm_source,
    to the collection profiles of that handle (case-blind); counts, revenue and items of the
    orders not refunded or voided, their mean, and each profile's share of the collection's
    revenue in the currency."""
    latest = {
        (event["platform"], event["order_id"]): event
        for event in _oldest_first(data.clickhouse["order_log"])
    }
    handles = {
        ("instagram", a["profile_id"]): a["handle"] for a in data.postgres["instagram_account"]
    } | {("youtube", c["channel_id"]): c["handle"] for c in data.postgres["youtube_account"]}
    members = [
        (item["collection_id"], item["platform"], item["platform_profile_id"])
        for item in data.postgres["profile_collection_item"]
        if handles.get((item["platform"], item["platform_profile_id"]))
    ]
    rows: dict[tuple[int, str, str, str], dict[str, Any]] = {}
    for order in latest.values():
        dimensions = order.get("dimensions") or {}
        named = (dimensions.get("coupon") or dimensions.get("utm_source") or "").lower()
        refunded = order["status"].lower() in _REFUNDED
        for collection_id, platform, profile_id in members:
            if named == "" or handles[(platform, profile_id)].lower() != named:
                continue
            key = (collection_id, platform, profile_id, order["currency"])
            row = rows.setdefault(
                key, {"orders": 0, "refunded_orders": 0, "revenue": 0.0, "items": 0}
            )
            row["orders"] += 1
            row["refunded_orders"] += refunded
            row["revenue"] += 0.0 if refunded else order["amount"]
            row["items"] += 0 if refunded else order["item_count"]
    totals: dict[tuple[int, str], float] = defaultdict(float)
    for (collection_id, _, _, currency), row in rows.items():
        totals[(collection_id, currency)] += row["revenue"]
    for (collection_id, _, _, currency), row in rows.items():
        kept = row["orders"] - row["refunded_orders"]
        total = totals[(collection_id, currency)]
        row["avg_order_value"] = row["revenue"] / kept if kept > 0 else None
        row["revenue_share"] = row["revenue"] / total if total > 0 else None
    return rows


def fake_events(events: Iterable[Row]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """mart_fake_events by (platform, profile_id, analysis), from follower_score events: each
    analysis's fake share, numbered in the order the profile's analyses ran, and its change
    since the one before."""
    scored: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for score in events:
        if score["platform"] == "instagram":
            scored[(score["source_profile_id"], score["analysis"])].append(score)
    by_profile: dict[str, list[tuple[datetime, str, float]]] = defaultdict(list)
    for (profile_id, analysis), scores in scored.items():
        fakes = sum(1 for score in scores if score["fake_class"] >= 1)
        analysed_at = max(score["scored_at"] for score in scores)
        by_profile[profile_id].append((analysed_at, analysis, fakes / len(scores)))
    history = {}
    for profile_id, analyses in by_profile.items():
        previous: float | None = None
        for number, (_, analysis, share) in enumerate(sorted(analyses), start=1):
            history[("instagram", profile_id, analysis)] = {
                "analysis_number": number,
                "fake_share": share,
                "previous_fake_share": previous,
                "fake_share_change": None if previous is None else share - previous,
            }
            previous = share
    return history


def insta_all_posts(data: SyntheticData) -> dict[str, dict[str, Any]]:
    """mart_insta_all_posts by post id: each post's engagement figures against its author's
    followers, its reach and its author's recent average."""
    accounts = instagram_accounts(data)
    figures = {}
    for post in data.postgres["instagram_post"]:
        account = accounts[post["profile_id"]]
        followers = account["followers"]
        likes, comments, reach = post["likes"], post["comments"], post["reach"]
        views = post["views"] if post["views"] is not None else post["plays"]
        interactions = None if likes is None or comments is None else likes + comments
        usual = (
            None
            if account["avg_likes"] is None or account["avg_comments"] is None
            else account["avg_likes"] + account["avg_comments"]
        )
        figures[post["post_id"]] = {
            "views": views,
            "engagement_rate": engagement_rate(interactions, followers),
            "reach_rate": engagement_rate(reach, followers),
            "view_rate": engagement_rate(views, followers),
            "reach_engagement_rate": engagement_rate(
                None if interactions is None else interactions + post["shares"] + post["saved"],
                reach,
            ),
            "performance_index": (
                None
                if interactions is None or usual is None or usual <= 0
                else interactions / usual
            ),
        }
    return figures


def partial_updates(events: Iterable[Row], platform: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The followers and engagement partial-update marts of `platform` (mart_partial_<platform>_
    followers / _engagement) by profile id, from profile_log events: each from the profile's
    newest event (time, then event id) that reports what it refreshes."""
    followers_key = "subscribers" if platform == "youtube" else "followers"
    newest: dict[str, dict[str, dict[str, Any]]] = {"followers": {}, "engagement": {}}
    for event in _oldest_first(events):
        if event["platform"] != platform:
            continue
        metrics = event["metrics"]
        followers = metrics.get(followers_key)
        likes, comments = metrics.get("avg_likes"), metrics.get("avg_comments")
        rows = {
            "followers": None
            if followers is None
            else {
                "followers": followers,
                "following": metrics.get("following"),
                "posts": metrics.get("video_count" if platform == "youtube" else "media_count"),
            },
            "engagement": None
            if likes is None or comments is None
            else {
                "followers": followers,
                "avg_likes": likes,
                "avg_comments": comments,
                "engagement_rate": engagement_rate(likes + comments, followers),
            },
        }
        for subset, row in rows.items():
            if row is not None:
                newest[subset][event["profile_id"]] = row
    return newest
