"""Instagram flows: refresh a profile by handle, its recent posts, a post by shortcode, a
creator's followers (the input of follower analysis), a post's comments with sentiment, an
account's live stories (their media handed to the asset upload), its reels, the posts tagging
it, the accounts it follows, the recent posts of a hashtag or of a location, and a post's
likers; and the Graph API insights of the business accounts that connected to Reach: their
days, their posts' counts and their followers' demographics."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from reach.common.events import events_pb2 as pb
from reach.scraper import events, processing
from reach.scraper.contract import (
    RAPIDAPI_PROVIDERS,
    AssetParams,
    FlowName,
    InstagramCommentsParams,
    InstagramFollowersParams,
    InstagramHandleParams,
    InstagramHashtagParams,
    InstagramInsightsParams,
    InstagramLikersParams,
    InstagramLocationParams,
    InstagramPostsParams,
    InstagramShortcodeParams,
    ListingParams,
)
from reach.scraper.flows.base import Flow, FlowContext, collect_pages, flow
from reach.scraper.flows.sentiment import fetch_and_score
from reach.scraper.models import Follower, InstagramPost, InstagramProfile, Page
from reach.scraper.networks import INSTAGRAM, instagram_account
from reach.scraper.queue.models import Complete, NewTask
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import (
    InstagramAudience,
    InstagramComments,
    InstagramConnections,
    InstagramHashtagPosts,
    InstagramLocationPosts,
    InstagramPostInsights,
    InstagramPostLikers,
    InstagramPostLookup,
    InstagramPosts,
    InstagramProfileInsights,
    InstagramProfiles,
    InstagramReels,
    InstagramStories,
    InstagramTaggedPosts,
    Relationship,
    Source,
)

# The seed's stack for profile refreshes: 20K/day over all workers, 60/minute, 1/s per handle.
PROFILE_LIMITS = (
    RateLimit(20_000, "day"),
    RateLimit(60, "minute"),
    RateLimit(1, "second", "handle"),
)
# The RapidAPI-style providers, in the order the chain tries them.
RAPIDAPI_STYLE = ("rapidapi-instagram", *RAPIDAPI_PROVIDERS)
# Every Instagram flow's chain: the Graph API, the RapidAPI-style providers, the last resort.
# The chain tries those that have the capability a flow asks for and skips the others.
INSTAGRAM_SOURCES = ("graphapi", *RAPIDAPI_STYLE, "lastresort")
S = TypeVar("S", bound=Source)
# The params of a listing of posts: what to list, and how many of its latest posts.
L = TypeVar("L", bound=ListingParams)
# Listings, stories and insights: 60 a minute over all workers, one a second per handle.
PER_HANDLE_LIMITS = (RateLimit(60, "minute"), RateLimit(1, "second", "handle"))


@flow(FlowName.REFRESH_INSTAGRAM_PROFILE, sources=INSTAGRAM_SOURCES, rate_limits=PROFILE_LIMITS)
async def refresh_profile(ctx: FlowContext, p: InstagramHandleParams) -> Complete:
    """Refresh an Instagram profile (and its engagement averages) by handle."""
    answer = await ctx.chain.first(
        InstagramProfiles, lambda s: s.instagram_profile(p.handle), handle=p.rate_key()
    )
    profile, recent = answer.value
    published = await processing.save_account(
        ctx.pool, ctx.task_id, INSTAGRAM, instagram_account(profile, recent), answer.source
    )
    await ctx.publish(published)
    return Complete(
        source=answer.source,
        result={"profile_id": profile.profile_id, "followers": profile.followers},
    )


def posts_listing(
    name: FlowName,
    capability: type[S],
    page: Callable[[S, L, str | None], Awaitable[Page[InstagramPost]]],
    description: str,
    related: tuple[str, Callable[[L], str]] | None = None,
) -> Flow[L]:
    """A flow saving, with their post_log events, the latest posts of a listing (an
    account's, a hashtag's) that its sources page through with `page` (the source, the
    task's params, a cursor). With `related` (a relationship type, the listed account's
    handle in the params), that account also gets a profile_relationship_log of the type to
    each other account whose posts are listed."""

    async def run(ctx: FlowContext, p: L) -> Complete:
        # Cursors belong to the source that made them: a source pages to the end or fails.
        answer = await ctx.chain.first(
            capability,
            lambda s: collect_pages(lambda c: page(s, p, c), p.limit),
            handle=p.rate_key(),
        )
        posts = answer.value
        edges: list[pb.Event] = []
        if related is not None:
            related_as, handle = related
            account_id = await _creator_id(ctx, handle(p))
            # A post names its author by id only.
            owners = sorted({post.profile_id for post in posts} - {account_id})
            others = [Follower(profile_id=owner, handle="") for owner in owners]
            edges = relationships(ctx, account_id, related_as, answer.source, others)
        saved = await processing.save_posts(ctx.pool, ctx.task_id, INSTAGRAM, posts, answer.source)
        await ctx.publish(saved, edges)
        return Complete(source=answer.source, result={"posts": len(posts)})

    return Flow(name, run, description, INSTAGRAM_SOURCES, PER_HANDLE_LIMITS)


refresh_recent_posts: Flow[InstagramPostsParams] = posts_listing(
    FlowName.REFRESH_INSTAGRAM_POSTS,
    InstagramPosts,
    lambda s, p, c: s.instagram_posts(p.handle, c),
    "Refresh an Instagram profile's most recent posts.",
)
refresh_reels: Flow[InstagramPostsParams] = posts_listing(
    FlowName.REFRESH_INSTAGRAM_REELS,
    InstagramReels,
    lambda s, p, c: s.instagram_reels(p.handle, c),
    "Refresh an Instagram profile's most recent reels (with their plays).",
)
fetch_tagged_posts: Flow[InstagramPostsParams] = posts_listing(
    FlowName.FETCH_INSTAGRAM_TAGGED_POSTS,
    InstagramTaggedPosts,
    lambda s, p, c: s.instagram_tagged(p.handle, c),
    "Fetch the posts that tag an Instagram account, and who tagged it (TAGGED_BY).",
    related=("TAGGED_BY", lambda p: p.handle),
)
# The Graph API's hashtag search lists media without their owner, which a stored post needs:
# the Graph API source has no InstagramHashtagPosts, and the chain skips it.
fetch_hashtag_posts: Flow[InstagramHashtagParams] = posts_listing(
    FlowName.FETCH_INSTAGRAM_HASHTAG_POSTS,
    InstagramHashtagPosts,
    lambda s, p, c: s.instagram_hashtag(p.hashtag, c),
    "Fetch the recent Instagram posts carrying a hashtag.",
)
# The Graph API lists no media by location: it has no InstagramLocationPosts, and is skipped.
fetch_location_posts: Flow[InstagramLocationParams] = posts_listing(
    FlowName.FETCH_INSTAGRAM_LOCATION_POSTS,
    InstagramLocationPosts,
    lambda s, p, c: s.instagram_location(p.location_id, c),
    "Fetch the recent Instagram posts tagged at a location, with the place.",
)


@flow(
    FlowName.REFRESH_INSTAGRAM_POST,
    sources=INSTAGRAM_SOURCES,
    rate_limits=(RateLimit(60, "minute"),),
)
async def refresh_post(ctx: FlowContext, p: InstagramShortcodeParams) -> Complete:
    """Refresh one Instagram post by its shortcode."""
    answer = await ctx.chain.first(
        InstagramPostLookup, lambda s: s.instagram_post(p.shortcode), handle=p.rate_key()
    )
    await ctx.publish(
        await processing.save_posts(ctx.pool, ctx.task_id, INSTAGRAM, [answer.value], answer.source)
    )
    return Complete(source=answer.source, result={"post_id": answer.value.post_id})


async def _creator(ctx: FlowContext, handle: str) -> InstagramProfile | str:
    """The creator's profile id from PostgreSQL, or (unknown yet) the refreshed profile."""
    row = await ctx.pool.fetchrow(processing.P["instagram_account_by_handle"], handle)
    if row is not None:
        return str(row["profile_id"])
    answer = await ctx.chain.first(
        InstagramProfiles, lambda s: s.instagram_profile(handle), handle=handle.lower()
    )
    profile, recent = answer.value
    await ctx.publish(
        await processing.save_account(
            ctx.pool, ctx.task_id, INSTAGRAM, instagram_account(profile, recent), answer.source
        )
    )
    return profile


async def _creator_id(ctx: FlowContext, handle: str) -> str:
    creator = await _creator(ctx, handle)
    return creator if isinstance(creator, str) else creator.profile_id


def relationships(
    ctx: FlowContext,
    profile_id: str,
    relationship_type: str,
    source: str,
    others: Sequence[Follower],
) -> list[pb.Event]:
    """profile_relationship_log events from account `profile_id` to each of `others` (whose
    fields the message names `target_<field>`)."""
    return events.many(
        ctx.task_id,
        (
            pb.ProfileRelationshipLog(
                platform="instagram",
                source_profile_id=profile_id,
                relationship_type=relationship_type,
                source=source,
                **{f"target_{field}": value for field, value in other.model_dump().items()},
            )
            for other in others
        ),
    )


# What the result of each relationship's listing counts.
_COUNTED: dict[Relationship, str] = {"FOLLOWER": "followers", "FOLLOWING": "following"}


def relationships_listing(
    name: FlowName,
    relationship: Relationship,
    description: str,
) -> Flow[InstagramFollowersParams]:
    """A flow relating an account to the accounts its sources list as its `relationship`
    connections, as profile_relationship_log events."""

    async def run(ctx: FlowContext, p: InstagramFollowersParams) -> Complete:
        account_id = await _creator_id(ctx, p.handle)
        answer = await ctx.chain.first(
            InstagramConnections,
            lambda s: collect_pages(
                lambda c: s.instagram_connections(p.handle, relationship, c), p.limit
            ),
            handle=p.rate_key(),
        )
        found = answer.value
        await ctx.publish(relationships(ctx, account_id, relationship, answer.source, found))
        counted = _COUNTED[relationship]
        return Complete(
            source=answer.source, result={"profile_id": account_id, counted: len(found)}
        )

    return Flow(name, run, description, INSTAGRAM_SOURCES, (RateLimit(30, "minute"),))


fetch_followers = relationships_listing(
    FlowName.FETCH_INSTAGRAM_FOLLOWERS,
    "FOLLOWER",
    "Fetch a creator's followers for follower analysis (profile_relationship_log).",
)
fetch_following = relationships_listing(
    FlowName.FETCH_INSTAGRAM_FOLLOWING,
    "FOLLOWING",
    "Fetch the accounts a creator follows (profile_relationship_log, FOLLOWING).",
)


async def _post_of(ctx: FlowContext, shortcode: str) -> tuple[str, str]:
    """The post's id and its author's, from PostgreSQL or (unknown yet) the refreshed post."""
    row = await ctx.pool.fetchrow(processing.P["instagram_post_by_shortcode"], shortcode)
    if row is not None:
        return str(row["post_id"]), str(row["profile_id"])
    answer = await ctx.chain.first(
        InstagramPostLookup, lambda s: s.instagram_post(shortcode), handle=shortcode
    )
    post = answer.value
    await ctx.publish(
        await processing.save_posts(ctx.pool, ctx.task_id, INSTAGRAM, [post], answer.source)
    )
    return post.post_id, post.profile_id


@flow(
    FlowName.FETCH_INSTAGRAM_POST_LIKERS,
    sources=INSTAGRAM_SOURCES,
    rate_limits=(RateLimit(30, "minute"),),
)
async def fetch_post_likers(ctx: FlowContext, p: InstagramLikersParams) -> Complete:
    """Fetch the accounts that liked an Instagram post (post_activity_log, `like`)."""
    post_id, author_id = await _post_of(ctx, p.shortcode)
    answer = await ctx.chain.first(
        InstagramPostLikers,
        lambda s: collect_pages(lambda c: s.instagram_likers(p.shortcode, c), p.limit),
        handle=p.rate_key(),
    )
    likes = (
        pb.PostActivityLog(
            platform="instagram",
            post_id=post_id,
            profile_id=author_id,
            activity_type="like",
            actor_profile_id=liker.profile_id,
            actor_handle=liker.handle,
            source=answer.source,
        )
        for liker in answer.value
    )
    await ctx.publish(events.many(ctx.task_id, likes))
    return Complete(source=answer.source, result={"post_id": post_id, "likers": len(answer.value)})


@flow(
    FlowName.FETCH_INSTAGRAM_POST_COMMENTS,
    sources=(*INSTAGRAM_SOURCES, "openai"),
    rate_limits=(RateLimit(30, "minute"),),
)
async def fetch_post_comments(ctx: FlowContext, p: InstagramCommentsParams) -> Complete:
    """Fetch an Instagram post's comments and score their sentiment."""
    post_id = await ctx.pool.fetchval(processing.P["instagram_post_by_shortcode"], p.shortcode)
    return await fetch_and_score(
        ctx,
        "instagram",
        post_id or p.shortcode,
        InstagramComments,
        lambda s, cursor: s.instagram_comments(p.shortcode, cursor),
        p,
    )


def story_upload(story: InstagramPost, max_retries: int) -> NewTask:
    """The asset upload of a story's media, stored under its owner's folder."""
    assert story.display_url is not None
    asked = AssetParams(
        network="instagram",
        entity_type="post",
        entity_id=story.post_id,
        asset_type="story_media",
        url=story.display_url,
        profile_id=story.profile_id,
    )
    return NewTask(
        FlowName.UPLOAD_ASSET,
        asked.model_dump(mode="json", exclude_none=True),
        asked.dedup_key(),
        max_retries=max_retries,
    )


@flow(FlowName.FETCH_INSTAGRAM_STORIES, sources=INSTAGRAM_SOURCES, rate_limits=PER_HANDLE_LIMITS)
async def fetch_stories(ctx: FlowContext, p: InstagramHandleParams) -> Complete:
    """Fetch an Instagram account's live stories and hand their media to the asset upload.

    Story media links die with the story (24 hours), so the copies are asked for at once
    rather than left to the periodic asset pipeline."""
    answer = await ctx.chain.first(
        InstagramStories, lambda s: s.instagram_stories(p.handle), handle=p.rate_key()
    )
    stories = answer.value
    published = await processing.save_posts(
        ctx.pool, ctx.task_id, INSTAGRAM, stories, answer.source
    )
    retries = ctx.settings.scraper_max_retries
    uploads = await ctx.manager.enqueue_many(
        [story_upload(s, retries) for s in stories if s.display_url]
    )
    await ctx.publish(published)
    return Complete(source=answer.source, result={"stories": len(stories), "uploads": len(uploads)})


# Insights are the Graph API's alone, asked with the account's own token; a post not stored
# yet is looked up where posts are.
INSIGHT_SOURCES = ("graphapi",)


@flow(
    FlowName.REFRESH_INSTAGRAM_PROFILE_INSIGHTS,
    sources=INSIGHT_SOURCES,
    rate_limits=PER_HANDLE_LIMITS,
)
async def refresh_profile_insights(ctx: FlowContext, p: InstagramInsightsParams) -> Complete:
    """Refresh a connected business account's daily insights (reach, impressions, profile
    views, website clicks, followers) of its last days, up to yesterday.

    A day's counts keep changing for about two days: each run rewrites every day it fetched."""
    profile_id = await _creator_id(ctx, p.handle)
    until = datetime.now(UTC).date() - timedelta(days=1)
    since = until - timedelta(days=p.days - 1)
    answer = await ctx.chain.first(
        InstagramProfileInsights,
        lambda s: s.instagram_profile_insights(profile_id, since, until),
        handle=p.rate_key(),
    )
    days = answer.value
    await ctx.publish(
        await processing.save_profile_insights(ctx.pool, ctx.task_id, days, answer.source)
    )
    return Complete(source=answer.source, result={"profile_id": profile_id, "days": len(days)})


@flow(
    FlowName.REFRESH_INSTAGRAM_POST_INSIGHTS,
    sources=INSTAGRAM_SOURCES,
    rate_limits=PER_HANDLE_LIMITS,
)
async def refresh_post_insights(ctx: FlowContext, p: InstagramShortcodeParams) -> Complete:
    """Refresh the insights of a connected business account's post (reach, impressions, saves,
    shares, all interactions)."""
    post_id, owner = await _post_of(ctx, p.shortcode)
    answer = await ctx.chain.first(
        InstagramPostInsights,
        lambda s: s.instagram_post_insights(post_id, p.shortcode, owner),
        handle=p.rate_key(),
    )
    insights = answer.value
    await ctx.publish(
        await processing.save_post_insights(ctx.pool, ctx.task_id, insights, answer.source)
    )
    return Complete(
        source=answer.source,
        result={"post_id": post_id, "reach": insights.reach, "impressions": insights.impressions},
    )


@flow(FlowName.REFRESH_INSTAGRAM_AUDIENCE, sources=INSIGHT_SOURCES, rate_limits=PER_HANDLE_LIMITS)
async def refresh_audience(ctx: FlowContext, p: InstagramHandleParams) -> Complete:
    """Refresh who follows a connected business account: the shares of its followers by
    gender, age and country (its audience columns)."""
    profile_id = await _creator_id(ctx, p.handle)
    answer = await ctx.chain.first(
        InstagramAudience, lambda s: s.instagram_audience(profile_id), handle=p.rate_key()
    )
    published = await processing.save_demographics(
        ctx.pool, ctx.task_id, INSTAGRAM, profile_id, answer.value, answer.source
    )
    await ctx.publish(published)
    buckets = {kind: len(split) for kind, split in answer.value.model_dump().items()}
    return Complete(source=answer.source, result={"profile_id": profile_id, **buckets})
