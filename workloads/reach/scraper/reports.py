"""Per-post sentiment reports: the summary of a post's comment sentiments (the `sentiment_log`
rows the comment flows write), recorded in `sentiment_report` and published as JSON by the
`sentiment_report` listener (`reach.scraper.listeners`) when a report is asked for.

A comment counts towards the tone its probabilities favour (positive or negative only when
that one is larger than both others; neutral otherwise); the mean score is the mean of
positive minus negative, None for a post without scored comments.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel, ConfigDict

from reach.common.networks import SocialNetwork
from reach.scraper import processing

# $1 platform, $2 the post's id in the report, $3 every id its comments may be stored under
# (an Instagram post's comments fetched before the post was: its shortcode).
_RECORD = """
WITH scored AS (
    SELECT score, created_at,
           CASE WHEN coalesce(positive, 0) > greatest(coalesce(negative, 0), coalesce(neutral, 0))
                    THEN 'positive'
                WHEN coalesce(negative, 0) > greatest(coalesce(positive, 0), coalesce(neutral, 0))
                    THEN 'negative'
                ELSE 'neutral' END AS tone
    FROM sentiment_log
    WHERE platform = $1 AND post_id = ANY($3::text[])
)
INSERT INTO sentiment_report AS r
    (platform, post_id, comments, mean_score, positive, negative, neutral, scored_until)
SELECT $1, $2, count(*), avg(score),
       count(*) FILTER (WHERE tone = 'positive'),
       count(*) FILTER (WHERE tone = 'negative'),
       count(*) FILTER (WHERE tone = 'neutral'),
       max(created_at)
FROM scored
ON CONFLICT (platform, post_id) DO UPDATE SET
    comments = excluded.comments,
    mean_score = excluded.mean_score,
    positive = excluded.positive,
    negative = excluded.negative,
    neutral = excluded.neutral,
    scored_until = excluded.scored_until,
    reported_at = now()
RETURNING platform, post_id, comments, mean_score, positive, negative, neutral, scored_until,
          reported_at
"""

_NAMESPACE = uuid.UUID("0b6f8f0e-5d53-4c4e-8a55-6a3c1f2e9d7a")


class SentimentReport(BaseModel):
    """One post's report, as recorded and published."""

    model_config = ConfigDict(frozen=True)

    platform: SocialNetwork
    post_id: str
    comments: int
    mean_score: float | None
    positive: int
    negative: int
    neutral: int
    scored_until: datetime | None
    reported_at: datetime

    @property
    def report_id(self) -> str:
        """The same for the same comments scored: a redelivered request republishes its id, which
        consumers deduplicate."""
        scored = self.scored_until.isoformat() if self.scored_until else "-"
        key = f"{self.platform}:{self.post_id}:{self.comments}:{scored}"
        return str(uuid.uuid5(_NAMESPACE, key))


async def record_sentiment_report(
    pool: asyncpg.Pool, platform: SocialNetwork, post_key: str
) -> SentimentReport:
    """Summarizes and records the comments of the post `post_key` names (an Instagram shortcode
    or a YouTube video id)."""
    ids = [post_key]
    if platform == "instagram":
        post_id = await pool.fetchval(processing.P["instagram_post_by_shortcode"], post_key)
        if post_id is not None:
            ids.insert(0, post_id)
    row = await pool.fetchrow(_RECORD, platform, ids[0], ids)
    assert row is not None  # INSERT .. SELECT of an aggregate always writes one row
    return SentimentReport.model_validate(dict(row))
