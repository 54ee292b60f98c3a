"""The scraper's flows by name: the one registry the API, the listeners and the workers use."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from reach.scraper.flows import assets, credentials, enrichment, instagram, youtube
from reach.scraper.flows.base import Flow

FLOWS: Mapping[str, Flow[Any]] = MappingProxyType(
    {
        f.name: f
        for f in (
            instagram.REFRESH_PROFILE,
            instagram.REFRESH_POSTS,
            instagram.REFRESH_POST,
            instagram.FETCH_FOLLOWERS,
            instagram.FETCH_COMMENTS,
            youtube.REFRESH_CHANNEL,
            youtube.REFRESH_CHANNEL_VIDEOS,
            youtube.REFRESH_VIDEO,
            youtube.FETCH_VIDEO_COMMENTS,
            youtube.SEARCH_KEYWORD,
            assets.UPLOAD_ASSET,
            enrichment.ENRICH_PROFILE,
            credentials.VALIDATE_CREDENTIAL,
        )
    }
)


class UnknownFlow(KeyError):
    def __str__(self) -> str:
        return f"unknown flow {self.args[0]!r}; known: {', '.join(sorted(FLOWS))}"


def get_flow(name: str) -> Flow[Any]:
    try:
        return FLOWS[name]
    except KeyError:
        raise UnknownFlow(name) from None
