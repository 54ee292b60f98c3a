"""Keyword collections' posts: the stored posts matching any of the collection's keywords. When
none match, the keywords are sent to the scraper's keyword search (where the platform has one)
and the answer is 202 with a retry hint, as for a missing profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from reach.api.models import KeywordCollection, KeywordPosts, Order, Page, PageOf, Post
from reach.api.repositories.posts import PostFilter, PostRepository, PostSort
from reach.api.services.resources import ResourceService
from reach.api.services.scraping import Scraper
from reach.scraper.contract import FlowName

# The scraper flow that searches a platform by keyword (Instagram has none: its keyword
# collections are answered from stored posts only).
KEYWORD_FLOWS: Final[dict[str, FlowName]] = {"youtube": FlowName.SEARCH_YOUTUBE_KEYWORD}
KEYWORD_PRIORITY: Final = 20


@dataclass
class KeywordService:
    collections: ResourceService[KeywordCollection]
    posts: PostRepository
    scraper: Scraper

    async def posts_of(
        self,
        partner_id: int,
        collection_id: int,
        sort: PostSort,
        order: Order,
        offset: int,
        size: int,
    ) -> KeywordPosts:
        collection = await self.collections.get(partner_id, collection_id)
        platform = collection.platform
        where = PostFilter(keywords=tuple(collection.keywords))
        found, total = await self.posts.page(platform, where, sort, order, offset, size)
        listing = PageOf[Post](results=found, page=Page(offset=offset, size=size, total=total))
        flow = KEYWORD_FLOWS.get(platform)
        if total or flow is None:
            return KeywordPosts(posts=listing)
        refreshes = [
            await self.scraper.enqueue(flow, {"keyword": keyword}, KEYWORD_PRIORITY)
            for keyword in collection.keywords
        ]
        return KeywordPosts(posts=listing, refreshes=refreshes)
