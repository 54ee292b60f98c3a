"""The scraper's flows by name: the one registry the API, the listeners and the workers use."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from reach.scraper.flows import assets, credentials, enrichment, instagram, shopify, youtube
from reach.scraper.flows.base import Flow

_DECLARED: tuple[Flow[Any], ...] = (
    instagram.refresh_profile,
    instagram.refresh_recent_posts,
    instagram.refresh_post,
    instagram.fetch_followers,
    instagram.fetch_post_comments,
    instagram.fetch_stories,
    instagram.refresh_reels,
    instagram.fetch_tagged_posts,
    instagram.fetch_hashtag_posts,
    instagram.fetch_location_posts,
    instagram.fetch_post_likers,
    instagram.fetch_following,
    instagram.refresh_profile_insights,
    instagram.refresh_post_insights,
    instagram.refresh_audience,
    youtube.refresh_channel,
    youtube.refresh_channel_videos,
    youtube.refresh_video,
    youtube.fetch_video_comments,
    youtube.search_keyword,
    youtube.refresh_channel_playlists,
    youtube.refresh_playlist_items,
    youtube.refresh_video_categories,
    youtube.refresh_channel_shorts,
    youtube.refresh_channel_sections,
    assets.upload_asset,
    *enrichment.FLOWS,
    credentials.validate_credential,
    shopify.refresh_orders,
)
FLOWS: Mapping[str, Flow[Any]] = MappingProxyType({f.name: f for f in _DECLARED})


class UnknownFlow(KeyError):
    def __str__(self) -> str:
        return f"unknown flow {self.args[0]!r}; known: {', '.join(sorted(FLOWS))}"


def get_flow(name: str) -> Flow[Any]:
    try:
        return FLOWS[name]
    except KeyError:
        raise UnknownFlow(name) from None
