"""Sentiment of comments through the LLM (a strict JSON schema answer), shared by the Instagram
and YouTube comment flows (`fetch_and_score` is either): comments go in batches, each
answer must score exactly the comments it was given."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from reach.common.networks import SocialNetwork
from reach.scraper import processing
from reach.scraper.contract import InstagramCommentsParams, YouTubeCommentsParams
from reach.scraper.flows.base import FlowContext, collect_pages
from reach.scraper.models import Comment, Page, Sentiment
from reach.scraper.queue.models import Complete
from reach.scraper.sources.capabilities import Source, StructuredChat
from reach.scraper.sources.errors import Malformed

S = TypeVar("S", bound=Source)
CommentsParams = InstagramCommentsParams | YouTubeCommentsParams

BATCH = 50
SYSTEM = (
    "You score the sentiment of social media comments. For every comment given as JSON "
    "(id, text), answer the probabilities that it is positive, negative and neutral; they "
    "sum to 1. Score every comment, keep its id, add none."
)


class SentimentAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    comments: list[Sentiment]


def prompt(comments: Sequence[Comment]) -> str:
    return json.dumps([{"id": c.comment_id, "text": c.text} for c in comments], ensure_ascii=False)


def check_answer(source: str, asked: Sequence[Comment], answer: SentimentAnswer) -> list[Sentiment]:
    """The answer's scores, if it scored exactly the comments asked about."""
    wanted = {c.comment_id for c in asked}
    got = {s.comment_id: s for s in answer.comments}
    if set(got) != wanted:
        missing, extra = len(wanted - set(got)), len(set(got) - wanted)
        raise Malformed(
            source, f"scored other comments than asked ({missing} missing, {extra} extra)"
        )
    return [got[c.comment_id] for c in asked]


async def score_comments(
    ctx: FlowContext, comments: Sequence[Comment]
) -> tuple[list[Sentiment], str | None]:
    scored: list[Sentiment] = []
    source: str | None = None
    for start in range(0, len(comments), BATCH):
        batch = comments[start : start + BATCH]

        async def ask(llm: StructuredChat, batch: Sequence[Comment] = batch) -> list[Sentiment]:
            answer = await llm.answer(SYSTEM, prompt(batch), "comment_sentiment", SentimentAnswer)
            return check_answer(llm.name, batch, answer.value)

        result = await ctx.chain.first(StructuredChat, ask)
        scored.extend(result.value)
        source = result.source
    return scored, source


async def fetch_and_score(
    ctx: FlowContext,
    network: SocialNetwork,
    post_id: str,
    capability: type[S],
    page: Callable[[S, str | None], Awaitable[Page[Comment]]],
    p: CommentsParams,
) -> Complete:
    """Either network's comment flow: fetches a post's comments (`page` of `capability`, up
    to the params' limit), scores them, stores and publishes their sentiments."""
    fetched = await ctx.chain.first(
        capability,
        lambda s: collect_pages(lambda cursor: page(s, cursor), p.limit),
        handle=p.rate_key(),
    )
    scored, llm = await score_comments(ctx, fetched.value)
    await ctx.publish(
        await processing.save_sentiments(
            ctx.pool, ctx.task_id, network, post_id, fetched.value, scored
        )
    )
    mean = sum(s.score for s in scored) / len(scored) if scored else None
    return Complete(
        source=fetched.source,
        result={"comments": len(fetched.value), "scored_by": llm, "mean_score": mean},
    )
