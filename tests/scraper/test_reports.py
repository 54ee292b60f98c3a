"""Sentiment reports against PostgreSQL: an Instagram post's comments stored under its id or,
fetched before the post was, under its shortcode, count together; asking again rewrites the
one report of the post."""

from __future__ import annotations

import asyncpg
import pytest

from reach.scraper import processing
from reach.scraper.models import Comment, Sentiment
from reach.scraper.reports import record_sentiment_report

pytestmark = pytest.mark.service


async def save(pool: asyncpg.Pool, post_id: str, comment_id: str, positive: float) -> None:
    comment = Comment(comment_id=comment_id, post_id=post_id, text="nice")
    sentiment = Sentiment(
        comment_id=comment_id, positive=positive, negative=0.0, neutral=1.0 - positive
    )
    await processing.save_sentiments(pool, 1, "instagram", post_id, [comment], [sentiment])


async def test_a_posts_comments_count_under_its_id_and_its_shortcode(pool: asyncpg.Pool) -> None:
    shortcode = "C0000000001"
    empty = await record_sentiment_report(pool, "instagram", shortcode)
    assert (empty.post_id, empty.comments, empty.mean_score) == (shortcode, 0, None)

    await save(pool, shortcode, "c1", 0.9)
    await pool.execute(
        "INSERT INTO instagram_post (post_id, shortcode, profile_id) VALUES ('p1', $1, '1')",
        shortcode,
    )
    await save(pool, "p1", "c2", 0.1)
    report = await record_sentiment_report(pool, "instagram", shortcode)
    assert (report.post_id, report.comments, report.positive, report.neutral) == ("p1", 2, 1, 1)
    assert report.mean_score == pytest.approx(0.5)

    again = await record_sentiment_report(pool, "instagram", shortcode)
    assert again.report_id == report.report_id
    rows = await pool.fetch("SELECT post_id, comments FROM sentiment_report ORDER BY post_id")
    assert [tuple(r) for r in rows] == [("C0000000001", 0), ("p1", 2)]
