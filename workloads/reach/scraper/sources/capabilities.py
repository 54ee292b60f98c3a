"""What a source can do, one Protocol per capability. A flow asks the fallback chain for a
capability; the chain tries, in the flow's order, the sources that have it."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from reach.scraper.models import (
    Answered,
    Comment,
    Demographics,
    Follower,
    InstagramPost,
    InstagramProfile,
    Order,
    Page,
    PostInsights,
    ProfileInsights,
    YouTubeChannel,
    YouTubeChannelSection,
    YouTubePlaylist,
    YouTubePlaylistItem,
    YouTubeVideo,
    YouTubeVideoCategory,
)

M = TypeVar("M", bound=BaseModel)
# An Instagram profile and its most recent posts (for averages).
Profiled = tuple[InstagramProfile, list[InstagramPost]]


@runtime_checkable
class Source(Protocol):
    name: str


@runtime_checkable
class InstagramProfiles(Source, Protocol):
    async def instagram_profile(self, handle: str) -> Profiled:
        """The profile and its most recent posts (for averages)."""
        ...


@runtime_checkable
class InstagramPosts(Source, Protocol):
    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]: ...


@runtime_checkable
class InstagramReels(Source, Protocol):
    async def instagram_reels(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        """The account's reels, newest first."""
        ...


@runtime_checkable
class InstagramTaggedPosts(Source, Protocol):
    async def instagram_tagged(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        """Other accounts' posts that tag the account, newest first."""
        ...


@runtime_checkable
class InstagramHashtagPosts(Source, Protocol):
    async def instagram_hashtag(self, hashtag: str, cursor: str | None) -> Page[InstagramPost]:
        """Recent posts carrying the hashtag, newest first."""
        ...


@runtime_checkable
class InstagramLocationPosts(Source, Protocol):
    async def instagram_location(self, location_id: str, cursor: str | None) -> Page[InstagramPost]:
        """Recent posts tagged at the location (Instagram's location id), newest first."""
        ...


@runtime_checkable
class InstagramPostLookup(Source, Protocol):
    async def instagram_post(self, shortcode: str) -> InstagramPost: ...


# How an account relates to the accounts a listing of its connections holds.
Relationship = Literal["FOLLOWER", "FOLLOWING"]


@runtime_checkable
class InstagramConnections(Source, Protocol):
    async def instagram_connections(
        self, handle: str, relationship: Relationship, cursor: str | None
    ) -> Page[Follower]:
        """The accounts that follow the account (FOLLOWER) or that it follows (FOLLOWING)."""
        ...


@runtime_checkable
class InstagramStories(Source, Protocol):
    async def instagram_stories(self, handle: str) -> list[InstagramPost]:
        """The account's live stories (posts of type `story`), newest first."""
        ...


@runtime_checkable
class InstagramPostLikers(Source, Protocol):
    async def instagram_likers(self, shortcode: str, cursor: str | None) -> Page[Follower]:
        """The accounts that liked the post."""
        ...


@runtime_checkable
class InstagramComments(Source, Protocol):
    async def instagram_comments(self, shortcode: str, cursor: str | None) -> Page[Comment]: ...


@runtime_checkable
class InstagramProfileInsights(Source, Protocol):
    async def instagram_profile_insights(
        self, profile_id: str, since: date, until: date
    ) -> list[ProfileInsights]:
        """The business account's days from `since` to `until` (inclusive), oldest first, as
        its own insights count them (only an account that granted access has any)."""
        ...


@runtime_checkable
class InstagramPostInsights(Source, Protocol):
    async def instagram_post_insights(
        self, post_id: str, shortcode: str, profile_id: str
    ) -> PostInsights:
        """The lifetime insights of a business account's post (`post_id`, of `profile_id`)."""
        ...


@runtime_checkable
class InstagramAudience(Source, Protocol):
    async def instagram_audience(self, profile_id: str) -> Demographics:
        """Who follows the business account, by gender, age and country."""
        ...


@runtime_checkable
class YouTubeChannels(Source, Protocol):
    async def youtube_channel(
        self, *, channel_id: str | None = None, handle: str | None = None
    ) -> YouTubeChannel: ...


@runtime_checkable
class YouTubeVideos(Source, Protocol):
    async def youtube_videos(self, video_ids: list[str]) -> list[YouTubeVideo]: ...

    async def youtube_playlist(self, playlist_id: str, cursor: str | None) -> Page[str]:
        """Video ids of a playlist (a channel's uploads), newest first."""
        ...


@runtime_checkable
class YouTubePlaylists(Source, Protocol):
    async def youtube_playlists(self, channel_id: str, cursor: str | None) -> Page[YouTubePlaylist]:
        """A channel's public playlists."""
        ...

    async def youtube_playlist_items(
        self, playlist_id: str, cursor: str | None
    ) -> Page[YouTubePlaylistItem]:
        """A playlist's entries, in its order."""
        ...


@runtime_checkable
class YouTubeCategories(Source, Protocol):
    async def youtube_video_categories(self, region: str) -> list[YouTubeVideoCategory]:
        """The video categories `region` (ISO 3166-1 alpha-2) lists."""
        ...


@runtime_checkable
class YouTubeSections(Source, Protocol):
    async def youtube_channel_sections(self, channel_id: str) -> list[YouTubeChannelSection]:
        """The sections of a channel's home page, in its order."""
        ...


@runtime_checkable
class YouTubeComments(Source, Protocol):
    async def youtube_comments(self, video_id: str, cursor: str | None) -> Page[Comment]: ...


@runtime_checkable
class YouTubeSearch(Source, Protocol):
    async def youtube_search(self, query: str, kind: str, cursor: str | None) -> Page[str]:
        """Ids of channels or videos (`kind`) matching `query`."""
        ...


@runtime_checkable
class StructuredChat(Source, Protocol):
    async def answer(self, system: str, user: str, schema_name: str, model: type[M]) -> Answered[M]:
        """The model's answer to `user`, constrained to `model`'s JSON schema, with its cost."""
        ...


@runtime_checkable
class StoreOrders(Source, Protocol):
    async def orders(self, shop: str, page_size: int, cursor: str | None) -> Page[Order]:
        """A page of `page_size` of the store's orders, oldest first, with the cursor of the
        next (which keeps the page size)."""
        ...


@runtime_checkable
class Media(Source, Protocol):
    async def download(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """The file's bytes and content type."""
        ...


@runtime_checkable
class CredentialCheck(Source, Protocol):
    async def check_credential(self, secrets: dict[str, Any]) -> None:
        """Returns when the upstream accepts `secrets`; raises AuthFailed when it refuses."""
        ...
