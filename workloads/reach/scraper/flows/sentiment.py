"""Sentiment of comments through the LLM (a strict JSON schema answer), shared by the Instagram
and YouTube comment flows: comments go in batches, each answer must score exactly the comments
it was given."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from reach.scraper.flows.base import FlowContext
from reach.scraper.models import Comment, Sentiment
from reach.scraper.sources.capabilities import StructuredChat
from reach.scraper.sources.errors import Malformed

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
            return check_answer(llm.name, batch, answer)

        result = await ctx.chain.first(StructuredChat, ask)
        scored.extend(result.value)
        source = result.source
    return scored, source
