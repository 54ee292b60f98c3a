"""What the scraper promises the rest of Reach: its flows by name with their parameters, the flow
configuration a ScrapeFlow mounts for its workers, the task table and the queries others run
against it.

Standard library, pydantic and `reach.common`'s declarative modules only: the operator imports
this module (the ScrapeFlow CRD's `flow` enum, `enqueueParams` checks, `flow.yaml` and the
pending-tasks count are generated from it), and so do the workers, the scraper API and the
pipelines' enqueuer. A flow's code (`reach.scraper.flows`) is registered under these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from reach.common.identifiers import (
    INSTAGRAM_HANDLE,
    INSTAGRAM_SHORTCODE,
    YOUTUBE_CHANNEL_ID,
    YOUTUBE_HANDLE,
    YOUTUBE_VIDEO_ID,
)
from reach.common.networks import SocialNetwork

TASK_TABLE = "scrape_request_log"


class FlowName(StrEnum):
    """Every flow's one name: `<verb>_<network>_<object>`, or `<verb>_<object>` for the flows
    that serve both networks."""

    REFRESH_INSTAGRAM_PROFILE = "refresh_instagram_profile"
    REFRESH_INSTAGRAM_POSTS = "refresh_instagram_posts"
    REFRESH_INSTAGRAM_POST = "refresh_instagram_post"
    FETCH_INSTAGRAM_FOLLOWERS = "fetch_instagram_followers"
    FETCH_INSTAGRAM_POST_COMMENTS = "fetch_instagram_post_comments"
    REFRESH_YOUTUBE_CHANNEL = "refresh_youtube_channel"
    REFRESH_YOUTUBE_CHANNEL_VIDEOS = "refresh_youtube_channel_videos"
    REFRESH_YOUTUBE_VIDEO = "refresh_youtube_video"
    FETCH_YOUTUBE_VIDEO_COMMENTS = "fetch_youtube_video_comments"
    SEARCH_YOUTUBE_KEYWORD = "search_youtube_keyword"
    UPLOAD_ASSET = "upload_asset"
    ENRICH_PROFILE = "enrich_profile"
    VALIDATE_CREDENTIAL = "validate_credential"


class FlowParams(BaseModel):
    """Parameters of a task; unknown keys are refused so a typo fails at enqueue, not later."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def rate_key(self) -> str | None:
        """What per-handle limits count by (the handle, channel, shortcode...)."""
        return None

    def dedup_key(self) -> str | None:
        """What makes two pending tasks of the flow the same work."""
        return self.rate_key()


class InstagramHandleParams(FlowParams):
    handle: str = Field(pattern=INSTAGRAM_HANDLE, description="Instagram handle, without @.")

    @field_validator("handle", mode="before")
    @classmethod
    def _strip_at(cls, value: object) -> object:
        return value.lstrip("@").strip() if isinstance(value, str) else value

    def rate_key(self) -> str:
        return self.handle.lower()


class InstagramPostsParams(InstagramHandleParams):
    limit: int = Field(default=50, ge=1, le=1000, description="Most recent posts to fetch.")


class InstagramFollowersParams(InstagramHandleParams):
    limit: int = Field(default=1000, ge=1, le=100_000, description="Followers to fetch.")


class InstagramShortcodeParams(FlowParams):
    shortcode: str = Field(pattern=INSTAGRAM_SHORTCODE, description="The post's shortcode.")

    def rate_key(self) -> str:
        return self.shortcode


class InstagramCommentsParams(InstagramShortcodeParams):
    limit: int = Field(default=100, ge=1, le=5000, description="Comments to fetch and score.")


class YouTubeChannelParams(FlowParams):
    channel_id: str | None = Field(default=None, pattern=YOUTUBE_CHANNEL_ID)
    handle: str | None = Field(default=None, pattern=YOUTUBE_HANDLE)

    @model_validator(mode="after")
    def _one_of(self) -> YouTubeChannelParams:
        if (self.channel_id is None) == (self.handle is None):
            raise ValueError("give exactly one of channel_id and handle")
        return self

    def rate_key(self) -> str:
        return self.channel_id or (self.handle or "").lstrip("@").lower()


class YouTubeChannelVideosParams(FlowParams):
    channel_id: str = Field(pattern=YOUTUBE_CHANNEL_ID)
    limit: int = Field(default=50, ge=1, le=5000, description="Latest uploads to refresh.")

    def rate_key(self) -> str:
        return self.channel_id


class YouTubeVideoParams(FlowParams):
    video_id: str = Field(pattern=YOUTUBE_VIDEO_ID)

    def rate_key(self) -> str:
        return self.video_id


class YouTubeCommentsParams(YouTubeVideoParams):
    limit: int = Field(default=100, ge=1, le=5000, description="Comments to fetch and score.")


class YouTubeSearchParams(FlowParams):
    keyword: str = Field(min_length=1, max_length=200)
    kind: Literal["channel"] = "channel"
    limit: int = Field(default=50, ge=1, le=500, description="Channels to enqueue at most.")
    priority: int = Field(default=0, ge=-100, le=100, description="Of the enqueued refreshes.")

    def rate_key(self) -> str:
        return self.keyword.lower()


class AssetParams(FlowParams):
    network: SocialNetwork
    entity_type: Literal["profile", "post"]
    entity_id: str = Field(min_length=1, max_length=100)
    asset_type: Literal["profile_pic", "thumbnail", "display"]
    url: str = Field(pattern=r"^https?://", max_length=4000)

    def rate_key(self) -> str:
        return f"{self.network}:{self.entity_type}:{self.entity_id}:{self.asset_type}"


class EnrichParams(FlowParams):
    network: SocialNetwork
    profile_id: str = Field(min_length=1, max_length=100)

    def rate_key(self) -> str:
        return f"{self.network}:{self.profile_id}"


class CredentialParams(FlowParams):
    source: str = Field(min_length=1, max_length=63)
    name: str = Field(min_length=1, max_length=200)
    secrets: dict[str, Any]

    def rate_key(self) -> str:
        return f"{self.source}:{self.name}"


class ListenerName(StrEnum):
    """Each AMQP listener of `reach scraper listen` (the seed's five): the routing key of its
    requests, and its queue `scraper.<name>_q`."""

    CREDENTIAL_VALIDITY = "credential_validity"
    IDENTITY_TOKEN = "identity_token"
    KEYWORD_COLLECTION = "keyword_collection"
    SENTIMENT_REQUEST = "sentiment_request"
    SENTIMENT_REPORT = "sentiment_report"


# The identity service's exchange (direct), where the `identity_token` listener's tokens arrive;
# the other listeners' requests arrive on the scraper's own `beat.dx`.
IDENTITY_EXCHANGE = "identity.dx"
# The routing key on `beat.dx` of the reports the `sentiment_report` listener publishes.
SENTIMENT_REPORT_READY = "sentiment_report_ready"


@dataclass(frozen=True)
class FlowSignature:
    """What callers of a flow need: the network it scrapes (None: either) and its parameters."""

    network: SocialNetwork | None
    params: type[FlowParams]


FLOWS: Mapping[FlowName, FlowSignature] = MappingProxyType(
    {
        FlowName.REFRESH_INSTAGRAM_PROFILE: FlowSignature("instagram", InstagramHandleParams),
        FlowName.REFRESH_INSTAGRAM_POSTS: FlowSignature("instagram", InstagramPostsParams),
        FlowName.REFRESH_INSTAGRAM_POST: FlowSignature("instagram", InstagramShortcodeParams),
        FlowName.FETCH_INSTAGRAM_FOLLOWERS: FlowSignature("instagram", InstagramFollowersParams),
        FlowName.FETCH_INSTAGRAM_POST_COMMENTS: FlowSignature("instagram", InstagramCommentsParams),
        FlowName.REFRESH_YOUTUBE_CHANNEL: FlowSignature("youtube", YouTubeChannelParams),
        FlowName.REFRESH_YOUTUBE_CHANNEL_VIDEOS: FlowSignature(
            "youtube", YouTubeChannelVideosParams
        ),
        FlowName.REFRESH_YOUTUBE_VIDEO: FlowSignature("youtube", YouTubeVideoParams),
        FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS: FlowSignature("youtube", YouTubeCommentsParams),
        FlowName.SEARCH_YOUTUBE_KEYWORD: FlowSignature("youtube", YouTubeSearchParams),
        FlowName.UPLOAD_ASSET: FlowSignature(None, AssetParams),
        FlowName.ENRICH_PROFILE: FlowSignature(None, EnrichParams),
        FlowName.VALIDATE_CREDENTIAL: FlowSignature(None, CredentialParams),
    }
)

# The profile refresh of each network, and the parameter a stored profile fills.
REFRESH_FLOWS: Mapping[SocialNetwork, tuple[FlowName, str]] = MappingProxyType(
    {
        "instagram": (FlowName.REFRESH_INSTAGRAM_PROFILE, "handle"),
        "youtube": (FlowName.REFRESH_YOUTUBE_CHANNEL, "channel_id"),
    }
)


# The stored profiles not refreshed for $1 seconds, at most $2, largest first (what leaderboards
# and searches show). A handle a rename freed ("...#moved-<id>") is no handle to refresh by: its
# profile waits for its own refresh under the new one.
def _stale_profiles(table: str, key: str, size: str) -> str:
    return (
        f"SELECT {key} FROM {table}\n"
        f"WHERE position('#moved-' IN {key}) = 0\n"
        "  AND (refreshed_at IS NULL OR refreshed_at < now() - make_interval(secs => $1))\n"
        f"ORDER BY {size} DESC NULLS LAST, {key}\n"
        "LIMIT $2"
    )


STALE_PROFILES: Mapping[SocialNetwork, str] = MappingProxyType(
    {
        "instagram": _stale_profiles("instagram_account", "handle", "followers"),
        "youtube": _stale_profiles("youtube_account", "channel_id", "subscribers"),
    }
)

# Tasks of flow $1 a worker could claim now: what a ScrapeFlow autoscales on.
PENDING_TASKS = (
    f"SELECT count(*) FROM {TASK_TABLE} WHERE flow = $1"
    " AND status = 'PENDING' AND run_after <= now()"
)

# Keys of a scheduled enqueue's params that are not a task's: with `stale_after_hours` the
# enqueuer adds one refresh per stale stored profile (at most `max_tasks`).
STALE_AFTER_HOURS = "stale_after_hours"
MAX_TASKS = "max_tasks"
DEFAULT_FANOUT = 10_000


class EnqueueParamsError(ValueError):
    """Params a scheduled enqueue of a flow cannot use; the message names the key."""


def _refreshed_network(flow: FlowName) -> tuple[SocialNetwork, str] | None:
    for network, (refresh, key) in REFRESH_FLOWS.items():
        if refresh == flow:
            return network, key
    return None


def check_enqueue_params(flow: FlowName, params: Mapping[str, Any]) -> None:
    """What `reach scraper enqueue --flow F --params P` accepts, checked where a ScrapeFlow is
    parsed and again by the enqueuer: either one task's params, or a stale fan-out
    (`stale_after_hours`, optional `max_tasks`, the other keys shared by every task)."""
    signature = FLOWS[flow]
    rest = dict(params)
    if STALE_AFTER_HOURS not in rest:
        try:
            signature.params.model_validate(rest)
        except ValidationError as exc:
            raise EnqueueParamsError(
                "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or '(params)'}: {e['msg']}"
                    for e in exc.errors(include_url=False)
                )
            ) from None
        return
    refreshed = _refreshed_network(flow)
    if refreshed is None:
        raise EnqueueParamsError(
            f"{STALE_AFTER_HOURS} works for {sorted(f for f, _ in REFRESH_FLOWS.values())}, "
            f"not {flow}"
        )
    for key in (STALE_AFTER_HOURS, MAX_TASKS):
        value = rest.pop(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise EnqueueParamsError(f"{key} must be a non-negative integer")
    shared = set(signature.params.model_fields) - {refreshed[1]}
    unknown = sorted(set(rest) - shared)
    if unknown:
        raise EnqueueParamsError(f"keys not allowed with {STALE_AFTER_HOURS}: {unknown}")


class ConfigModel(BaseModel):
    """camelCase on the wire (the ScrapeFlow spec and the `flow.yaml` it mounts)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


Per = Literal["second", "minute", "hour", "day"]
Scope = Literal["global", "handle"]


class RateLimitConfig(ConfigModel):
    """At most `limit` calls per `per`, counted over all workers (or per handle)."""

    limit: int = Field(ge=1, le=100_000_000)
    per: Per
    scope: Scope = "global"


class SourceConfig(ConfigModel):
    name: str = Field(max_length=63, pattern=r"^[a-z0-9][-a-z0-9_]*$")
    rate_limits: list[RateLimitConfig] = Field(default_factory=list, max_length=8)


class FlowConfig(ConfigModel):
    """What a worker reads from `--config flow.yaml`: the parts of its ScrapeFlow it cannot
    get from its arguments."""

    flow: FlowName
    sources: list[SourceConfig] = Field(
        default_factory=list, max_length=10, description="Fallback order: first answers first."
    )
    rate_limits: list[RateLimitConfig] = Field(
        default_factory=list, max_length=8, description="Limits over all sources."
    )
