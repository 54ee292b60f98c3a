"""The processing stage: writes what a flow parsed to PostgreSQL (upserts of accounts and posts,
of any network, from its declaration in `networks`; the audit logs, sentiments, assets) in one
transaction per call, and returns the events that tell the rest of the platform. The flows
publish those events after the commit, so an event never announces a row that is not there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from pydantic import BaseModel

from reach.common.events import events_pb2 as pb
from reach.common.networks import SocialNetwork
from reach.scraper import events
from reach.scraper.contract import AssetParams
from reach.scraper.models import (
    Comment,
    Demographics,
    InstagramPost,
    Order,
    PostInsights,
    ProfileInsights,
    Sentiment,
)
from reach.scraper.networks import (
    INSTAGRAM,
    INSTAGRAM_POST_INSIGHTS,
    POST_INSIGHT_METRICS,
    PROFILE_INSIGHT_METRICS,
    PROFILE_INSIGHTS,
    Account,
    NetworkSchema,
    Table,
    dimensions,
    metrics,
)
from reach.scraper.sql import load_queries

P = load_queries("reach.scraper", "processing.sql")
A = TypeVar("A", bound=BaseModel)
PostT = TypeVar("PostT", bound=BaseModel)


async def save_account(
    pool: asyncpg.Pool,
    task_id: int,
    schema: NetworkSchema[A, Any],
    account: Account[A],
    source: str,
) -> list[pb.Event]:
    """Upserts the account (taking its handle from any account that held it before) and its
    profile_log row; returns its profile_log event."""
    account_id = schema.account_id(account)
    handle = schema.account_handle(account)
    async with pool.acquire() as conn, conn.transaction():
        if handle:
            await conn.execute(schema.free_handle_sql, account_id, handle)
        await conn.execute(schema.account.upsert_sql, *schema.account.parameters([account], source))
        return [await _profile_log(conn, task_id, schema, account, source)]


async def _profile_log(
    conn: asyncpg.Connection,
    task_id: int,
    schema: NetworkSchema[A, Any],
    account: Account[A],
    source: str,
    also: Mapping[str, str] | None = None,
    counted: Mapping[str, float] | None = None,
) -> pb.Event:
    """Writes the account's profile_log row (its declared dimensions over `also`, its declared
    metrics over `counted`) and returns its event."""
    account_id = schema.account_id(account)
    dims = {**(also or {}), **dimensions(schema.account_dimensions, account)}
    mets = {**(counted or {}), **metrics(schema.account_metrics, account)}
    await conn.execute(P["insert_profile_log"], schema.network, account_id, dims, mets, source)
    return events.event(
        task_id,
        pb.ProfileLog(
            platform=schema.network,
            profile_id=account_id,
            handle=schema.account_handle(account) or "",
            dimensions=dims,
            metrics=mets,
            source=source,
        ),
    )


async def save_posts(
    pool: asyncpg.Pool,
    task_id: int,
    schema: NetworkSchema[Any, PostT],
    posts: Sequence[PostT],
    source: str,
) -> list[pb.Event]:
    """Upserts the posts and their post_log rows (then what the network derives from stored
    posts); returns their post_log events."""
    if not posts:
        return []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(schema.post.upsert_sql, *schema.post.parameters(posts, source))
        published = await _post_logs(conn, task_id, schema, posts, source)
        if schema.after_posts is not None:
            for owner in sorted({schema.post_owner(p) for p in posts}):
                await conn.execute(P[schema.after_posts], owner)
    return published


async def _post_logs(
    conn: asyncpg.Connection,
    task_id: int,
    schema: NetworkSchema[Any, PostT],
    posts: Sequence[PostT],
    source: str,
    counted: Sequence[Mapping[str, float]] | None = None,
) -> list[pb.Event]:
    """Writes the posts' post_log rows (each post's declared metrics over its `counted` ones)
    and returns their events."""
    ids = [schema.post_id(p) for p in posts]
    owners = [schema.post_owner(p) for p in posts]
    dims = [dimensions(schema.post_dimensions, p) for p in posts]
    mets = [
        {**more, **metrics(schema.post_metrics, p)}
        for p, more in zip(posts, counted or [{}] * len(posts), strict=True)
    ]
    await conn.execute(P["insert_post_logs"], schema.network, source, ids, owners, dims, mets)
    return [
        events.event(
            task_id,
            pb.PostLog(
                platform=schema.network,
                post_id=post_id,
                profile_id=owner,
                shortcode=getattr(post, schema.post_shortcode),
                dimensions=d,
                metrics=m,
                source=source,
            ),
        )
        for post, post_id, owner, d, m in zip(posts, ids, owners, dims, mets, strict=True)
    ]


async def save_post_insights(
    pool: asyncpg.Pool, task_id: int, insights: PostInsights, source: str
) -> list[pb.Event]:
    """Stores a post's insight counts on its instagram_post row; returns its post_log as
    stored, with the insights among its metrics (so a reader of the latest snapshot sees
    both)."""
    table = INSTAGRAM_POST_INSIGHTS
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(table.upsert_sql, *table.parameters([insights], source))
        row = await conn.fetchrow(P["instagram_post_by_id"], insights.post_id)
        post = InstagramPost.model_validate(dict(row))
        counted = metrics(POST_INSIGHT_METRICS, insights)
        return await _post_logs(conn, task_id, INSTAGRAM, [post], source, [counted])


async def save_profile_insights(
    pool: asyncpg.Pool, task_id: int, days: Sequence[ProfileInsights], source: str
) -> list[pb.Event]:
    """Upserts an Instagram account's days of insights; returns a profile_log of the account
    as stored with its latest day's counts among the metrics (and that day,
    `insights_date`), or nothing when no day came or the account is gone."""
    if not days:
        return []
    latest = days[-1]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(PROFILE_INSIGHTS.upsert_sql, *PROFILE_INSIGHTS.parameters(days, source))
        row = await conn.fetchrow(INSTAGRAM.stored_sql, latest.profile_id)
        return await _stored_profile_log(
            conn,
            task_id,
            INSTAGRAM,
            row,
            source,
            {"insights_date": latest.date.isoformat()},
            metrics(PROFILE_INSIGHT_METRICS, latest),
        )


async def save_demographics(
    pool: asyncpg.Pool,
    task_id: int,
    schema: NetworkSchema[A, Any],
    profile_id: str,
    demographics: Demographics,
    source: str,
) -> list[pb.Event]:
    """Replaces the account's audience columns (`audience_<kind>`: {bucket: share}) with the
    upstream's demographics; returns the account's profile_log as stored, or nothing when
    it is gone."""
    split = {f"audience_{kind}": shares for kind, shares in demographics.model_dump().items()}
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(schema.enrich_sql(tuple(split)), profile_id, *split.values())
        return await _stored_profile_log(conn, task_id, schema, row, source)


async def save_rows(
    pool: asyncpg.Pool, task_id: int, table: Table[A], items: Sequence[A], source: str
) -> list[pb.Event]:
    """Upserts `items` into one of the tables beyond accounts and posts (the YouTube
    catalogue), in one statement; a log event per row."""
    if not items:
        return []
    await pool.execute(table.upsert_sql, *table.parameters(items, source))
    return events.many(task_id, (events.catalogue_log(item, source) for item in items))


async def save_sentiments(
    pool: asyncpg.Pool,
    task_id: int,
    platform: str,
    post_id: str,
    comments: Sequence[Comment],
    sentiments: Sequence[Sentiment],
) -> list[pb.Event]:
    texts = {c.comment_id: c.text for c in comments}
    rows = [s for s in sentiments if s.comment_id in texts]
    if not rows:
        return []
    await pool.execute(
        P["upsert_sentiments"],
        platform,
        post_id,
        [s.comment_id for s in rows],
        [texts[s.comment_id] for s in rows],
        [s.score for s in rows],
        [s.positive for s in rows],
        [s.negative for s in rows],
        [s.neutral for s in rows],
    )
    return [
        events.event(
            task_id,
            pb.SentimentLog(
                platform=platform,
                post_id=post_id,
                comment_id=s.comment_id,
                text=texts[s.comment_id],
                score=s.score,
                positive=s.positive,
                negative=s.negative,
                neutral=s.neutral,
            ),
        )
        for s in rows
    ]


@dataclass(frozen=True)
class StoredAsset:
    """An asset a task asked for (whose, which, from where) and the copy object storage holds."""

    asked: AssetParams
    storage_url: str
    cdn_url: str | None
    content_type: str
    size_bytes: int
    sha256: str


def asset_key(asked: AssetParams, sha256: str, content_type: str) -> str:
    """The seed's layout, `media/{platform}/{profile_id}/{asset_type}/{sha256}.{ext}` (the
    entity's own id where the task names no owner): content addressed, so the same bytes
    always land on the same key."""
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4"}
    owner = asked.profile_id or asked.entity_id
    safe_id = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in owner)
    return (
        f"media/{asked.network}/{safe_id}/{asked.asset_type}/{sha256}"
        f".{ext.get(content_type, 'bin')}"
    )


async def save_asset(pool: asyncpg.Pool, task_id: int, asset: StoredAsset) -> list[pb.Event]:
    asked = asset.asked
    await pool.execute(
        P["upsert_asset"],
        asked.network,
        asked.entity_type,
        asked.entity_id,
        asked.asset_type,
        asked.url,
        asset.storage_url,
        asset.cdn_url,
        asset.content_type,
        asset.size_bytes,
        asset.sha256,
    )
    return [
        events.event(
            task_id,
            pb.AssetLog(
                platform=asked.network,
                entity_type=asked.entity_type,
                entity_id=asked.entity_id,
                asset_type=asked.asset_type,
                source_url=asked.url,
                storage_url=asset.cdn_url or asset.storage_url,
                content_type=asset.content_type,
                size_bytes=asset.size_bytes,
                sha256=asset.sha256,
            ),
        )
    ]


def enrichment_dimensions(stored: Mapping[str, object]) -> dict[str, str]:
    """An enrichment's stored values as profile_log dimensions (lists comma-joined, what the
    model left null out)."""
    dims: dict[str, str] = {}
    for key, value in stored.items():
        if isinstance(value, list):
            dims[key] = ",".join(str(v) for v in value)
        elif value is not None and value != "":
            dims[key] = str(value)
    return dims


async def save_enrichment(
    pool: asyncpg.Pool,
    task_id: int,
    schema: NetworkSchema[A, Any],
    account_id: str,
    stored: Mapping[str, object],
    source: str,
) -> list[pb.Event]:
    """Stores what the LLM inferred (`stored`: account column -> value); returns a profile_log
    carrying it and the account's current snapshot (so a reader of the latest snapshot sees
    both), or nothing when the account is gone."""
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(schema.enrich_sql(tuple(stored)), account_id, *stored.values())
        return await _stored_profile_log(
            conn, task_id, schema, row, source, enrichment_dimensions(stored)
        )


async def log_stored_account(
    pool: asyncpg.Pool,
    task_id: int,
    schema: NetworkSchema[A, Any],
    account_id: str,
    source: str,
) -> list[pb.Event]:
    """A profile_log of the account as stored (with what was computed from its stored posts),
    or nothing when the account is gone."""
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(schema.stored_sql, account_id)
        return await _stored_profile_log(conn, task_id, schema, row, source)


async def _stored_profile_log(
    conn: asyncpg.Connection,
    task_id: int,
    schema: NetworkSchema[A, Any],
    row: asyncpg.Record | None,
    source: str,
    also: Mapping[str, str] | None = None,
    counted: Mapping[str, float] | None = None,
) -> list[pb.Event]:
    if row is None:
        return []
    account = Account(schema.profile_model.model_validate(dict(row)))
    return [await _profile_log(conn, task_id, schema, account, source, also, counted)]


async def save_audience(
    pool: asyncpg.Pool,
    task_id: int,
    network: SocialNetwork,
    profile_id: str,
    buckets: Mapping[str, Mapping[str, float]],
    interests: Sequence[str],
    source: str,
) -> None:
    """Replaces the profile's inferred audience (`buckets`: gender, age, location shares)."""
    await pool.execute(
        "INSERT INTO audience_info_gpt (network, profile_id, audience_gender, audience_age,"
        " audience_location, interests, task_id, source)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (network, profile_id) DO UPDATE SET"
        " audience_gender = excluded.audience_gender, audience_age = excluded.audience_age,"
        " audience_location = excluded.audience_location,"
        " interests = excluded.interests, task_id = excluded.task_id, source = excluded.source,"
        " updated_at = now()",
        network,
        profile_id,
        *(dict(buckets[kind]) for kind in ("gender", "age", "location")),
        list(interests),
        task_id,
        source,
    )


async def save_content_classes(
    pool: asyncpg.Pool,
    schema: NetworkSchema[A, Any],
    profile_id: str,
    classes: Sequence[tuple[str, str, bool, Sequence[str]]],
) -> None:
    """Stores each (post id, category, sponsored, brands) on the profile's post, all or none."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.executemany(
            schema.classify_post_sql,
            [(profile_id, post_id, *rest) for post_id, *rest in classes],
        )


def order_logs(task_id: int, shop: str, orders: Sequence[Order], source: str) -> list[pb.Event]:
    """The store's orders as order_log events, with the shop, the order's name and creation
    time among the dimensions."""
    return [
        events.event(
            task_id,
            pb.OrderLog(
                platform=source,
                order_id=o.order_id,
                customer_id=o.customer_id or "",
                status=o.status,
                amount=o.amount,
                currency=o.currency,
                item_count=o.item_count,
                dimensions={
                    "shop": shop,
                    "created_at": o.created_at.isoformat(),
                    **({"name": o.name} if o.name else {}),
                    **o.dimensions,
                },
                source=source,
            ),
        )
        for o in orders
    ]
