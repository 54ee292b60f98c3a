"""The FastAPI application: the services it is given, one router per module, the envelope's
error handlers and the probes. Built by `running.serve` (and by the tests) from open stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
from fastapi import APIRouter, FastAPI
from redis.asyncio import Redis
from starlette.routing import BaseRoute

from reach.api.cache import ProfileCache
from reach.api.envelope import install_error_handlers
from reach.api.events import CollectionEvents
from reach.api.models import PostLocation
from reach.api.repositories.accounts import AccountStatsRepository
from reach.api.repositories.activity import ActivityRepository
from reach.api.repositories.analytics import (
    ClickHouse,
    CollectionAnalyticsRepository,
    GenreRepository,
    TimeSeriesRepository,
)
from reach.api.repositories.leaderboard import LeaderboardRepository
from reach.api.repositories.posts import PostRepository
from reach.api.repositories.profiles import ProfileRepository
from reach.api.repositories.resources import Items, PartnerRows
from reach.api.repositories.served_marts import ServedMartsRepository
from reach.api.repositories.synced import SyncedRows
from reach.api.repositories.usage import UsageRepository
from reach.api.resources import (
    COLLECTION_GROUPS,
    KEYWORD_COLLECTIONS,
    PROFILE_COLLECTIONS,
    RESOURCES,
)
from reach.api.routes import (
    activity,
    campaign_profiles,
    collection_analytics,
    content,
    discovery,
    genre_insights,
    keyword_collections,
    leaderboard,
    partner_usage,
    social_profile,
)
from reach.api.routes.resources import resource_router
from reach.api.services.accounts import AccountStatsService
from reach.api.services.keywords import KeywordService
from reach.api.services.profiles import ProfileService
from reach.api.services.resources import ItemService, ResourceService, owned_ids
from reach.api.services.scraping import Scraper
from reach.api.services.usage import UsageMeter
from reach.api.settings import ApiSettings
from reach.api.signatures import GatewaySignature
from reach.api.tenancy import Partners
from reach.common.probes import Readiness, RequestIdMiddleware, probe_routes


def routers() -> list[APIRouter]:
    return [
        discovery.router,
        leaderboard.router,
        *(resource_router(resource) for resource in RESOURCES),
        keyword_collections.router,
        campaign_profiles.router,
        collection_analytics.router,
        genre_insights.router,
        content.router,
        social_profile.router,
        partner_usage.router,
        activity.router,
    ]


@dataclass(frozen=True)
class Services:
    profiles: ProfileService
    accounts: AccountStatsService
    served_marts: ServedMartsRepository
    leaderboard: LeaderboardRepository
    # Keyed by table name: the partner-owned resources and the items of those that have them.
    resources: Mapping[str, ResourceService[Any]]
    items: Mapping[str, ItemService[Any]]
    keywords: KeywordService
    posts: PostRepository
    # Each place Instagram posts are tagged at (mart_post_location).
    locations: SyncedRows[PostLocation]
    collection_analytics: CollectionAnalyticsRepository
    genres: GenreRepository
    time_series: TimeSeriesRepository
    usage: UsageMeter
    activity: ActivityRepository
    partners: Partners


def build_services(
    settings: ApiSettings,
    pool: asyncpg.Pool,
    redis: Redis,
    scraper_client: httpx.AsyncClient,
    events: CollectionEvents,
    clickhouse: ClickHouse,
) -> Services:
    cache = ProfileCache(
        redis,
        settings.cache_prefix,
        l1_size=settings.profile_l1_size,
        l1_seconds=settings.profile_l1_seconds,
        l2_seconds=settings.profile_l2_seconds,
    )
    scraper = Scraper(scraper_client, retry_after_seconds=settings.retry_after_seconds)
    rows = {r.table.name: PartnerRows(pool, r.table) for r in RESOURCES}
    checks = {
        COLLECTION_GROUPS.table.name: owned_ids(
            "collection_ids", rows[PROFILE_COLLECTIONS.table.name], "profile collections"
        )
    }
    resources = {
        r.table.name: ResourceService(
            rows[r.table.name], events, title=r.title, check=checks.get(r.table.name)
        )
        for r in RESOURCES
    }
    items = {
        r.items.table.name: ItemService(Items(pool, r.items.table), resources[r.table.name], events)
        for r in RESOURCES
        if r.items is not None
    }
    posts = PostRepository(pool)
    return Services(
        profiles=ProfileService(
            ProfileRepository(pool),
            cache,
            scraper,
            stale_after=timedelta(hours=settings.profile_stale_after_hours),
        ),
        accounts=AccountStatsService(AccountStatsRepository(pool)),
        served_marts=ServedMartsRepository(pool),
        leaderboard=LeaderboardRepository(pool),
        resources=resources,
        items=items,
        keywords=KeywordService(resources[KEYWORD_COLLECTIONS.table.name], posts, scraper),
        posts=posts,
        locations=SyncedRows(pool, "mart_post_location", PostLocation, "location_id"),
        collection_analytics=CollectionAnalyticsRepository(pool, clickhouse),
        genres=GenreRepository(clickhouse),
        time_series=TimeSeriesRepository(pool),
        usage=UsageMeter(UsageRepository(pool), settings.plan_limits),
        activity=ActivityRepository(pool),
        partners=Partners(pool),
    )


def create_app(
    services: Services, readiness: Readiness, signing: tuple[bytes, float] | None = None
) -> FastAPI:
    """`signing` (secret, max skew in seconds) makes every route but the probes require the
    gateway's signature."""
    routes: list[BaseRoute] = [*probe_routes(readiness)]
    app = FastAPI(
        title="Reach API",
        version="1",
        description="Brand dashboards: discovery, leaderboards, collections and their "
        "analytics, genres, content, time series, usage, activity. Every route but the probes "
        "and share links needs the gateway's x-bb-partner-id and x-bb-plan-type headers.",
        routes=routes,
    )
    app.state.services = services
    for router in routers():
        app.include_router(router)
    install_error_handlers(app)
    if signing is not None:
        secret, max_skew = signing
        app.add_middleware(GatewaySignature, secret=secret, max_skew_seconds=max_skew)
    app.add_middleware(RequestIdMiddleware)
    return app
