"""Instagram flows: refresh a profile by handle, its recent posts, a post by shortcode, a
creator's followers (the input of follower analysis), a post's comments with sentiment."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

from reach.scraper import events, processing
from reach.scraper.contract import (
    FlowName,
    InstagramCommentsParams,
    InstagramFollowersParams,
    InstagramHandleParams,
    InstagramPostsParams,
    InstagramShortcodeParams,
)
from reach.scraper.flows.base import Flow, FlowContext, collect_pages
from reach.scraper.flows.sentiment import score_comments
from reach.scraper.models import InstagramProfile
from reach.scraper.networks import INSTAGRAM, instagram_account
from reach.scraper.queue.models import Complete
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import (
    InstagramComments,
    InstagramFollowers,
    InstagramPostLookup,
    InstagramPosts,
    InstagramProfiles,
)

# The seed's stack for profile refreshes: 20K/day over all workers, 60/minute, 1/s per handle.
PROFILE_LIMITS = (
    RateLimit(20_000, "day"),
    RateLimit(60, "minute"),
    RateLimit(1, "second", "handle"),
)
PROFILE_SOURCES = ("graphapi", "rapidapi-instagram", "lastresort")
RAPID_ONLY = ("rapidapi-instagram",)


async def refresh_profile(ctx: FlowContext, p: InstagramHandleParams) -> Complete:
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


async def refresh_recent_posts(ctx: FlowContext, p: InstagramPostsParams) -> Complete:
    # Cursors belong to the source that made them: a source pages to the end or fails whole.
    answer = await ctx.chain.first(
        InstagramPosts,
        lambda s: collect_pages(lambda c: s.instagram_posts(p.handle, c), p.limit),
        handle=p.rate_key(),
    )
    await ctx.publish(
        await processing.save_posts(ctx.pool, ctx.task_id, INSTAGRAM, answer.value, answer.source)
    )
    return Complete(source=answer.source, result={"posts": len(answer.value)})


async def refresh_post(ctx: FlowContext, p: InstagramShortcodeParams) -> Complete:
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


async def fetch_followers(ctx: FlowContext, p: InstagramFollowersParams) -> Complete:
    creator = await _creator(ctx, p.handle)
    creator_id = creator if isinstance(creator, str) else creator.profile_id
    answer = await ctx.chain.first(
        InstagramFollowers,
        lambda s: collect_pages(lambda c: s.instagram_followers(p.handle, c), p.limit),
        handle=p.rate_key(),
    )
    await ctx.publish(
        [
            events.relationship_log(
                ctx.task_id,
                platform="instagram",
                creator_id=creator_id,
                follower=f,
                source=answer.source,
            )
            for f in answer.value
        ]
    )
    return Complete(
        source=answer.source, result={"profile_id": creator_id, "followers": len(answer.value)}
    )


async def fetch_post_comments(ctx: FlowContext, p: InstagramCommentsParams) -> Complete:
    answer = await ctx.chain.first(
        InstagramComments,
        lambda s: collect_pages(lambda c: s.instagram_comments(p.shortcode, c), p.limit),
        handle=p.rate_key(),
    )
    post_id = await ctx.pool.fetchval(processing.P["instagram_post_id_by_shortcode"], p.shortcode)
    scored, llm = await score_comments(ctx, answer.value)
    published = await processing.save_sentiments(
        ctx.pool, ctx.task_id, "instagram", post_id or p.shortcode, answer.value, scored
    )
    await ctx.publish(published)
    mean = sum(s.score for s in scored) / len(scored) if scored else None
    return Complete(
        source=answer.source,
        result={"comments": len(answer.value), "scored_by": llm, "mean_score": mean},
    )


REFRESH_PROFILE = Flow(
    name=FlowName.REFRESH_INSTAGRAM_PROFILE,
    run=refresh_profile,
    description="Refresh an Instagram profile (and its engagement averages) by handle.",
    sources=PROFILE_SOURCES,
    rate_limits=PROFILE_LIMITS,
)
REFRESH_POSTS = Flow(
    name=FlowName.REFRESH_INSTAGRAM_POSTS,
    run=refresh_recent_posts,
    description="Refresh an Instagram profile's most recent posts.",
    sources=("graphapi", "rapidapi-instagram"),
    rate_limits=(RateLimit(60, "minute"), RateLimit(1, "second", "handle")),
)
REFRESH_POST = Flow(
    name=FlowName.REFRESH_INSTAGRAM_POST,
    run=refresh_post,
    description="Refresh one Instagram post by its shortcode.",
    sources=RAPID_ONLY,
    rate_limits=(RateLimit(60, "minute"),),
)
FETCH_FOLLOWERS = Flow(
    name=FlowName.FETCH_INSTAGRAM_FOLLOWERS,
    run=fetch_followers,
    description="Fetch a creator's followers for follower analysis (profile_relationship_log).",
    sources=("graphapi", "rapidapi-instagram", "lastresort"),
    rate_limits=(RateLimit(30, "minute"),),
)
FETCH_COMMENTS = Flow(
    name=FlowName.FETCH_INSTAGRAM_POST_COMMENTS,
    run=fetch_post_comments,
    description="Fetch an Instagram post's comments and score their sentiment.",
    sources=(*RAPID_ONLY, "openai"),
    rate_limits=(RateLimit(30, "minute"),),
)
