"""The metric definitions Reach computes in more than one language: here in Python, and the same
definitions in SQL (`reach.scraper`'s `update_youtube_averages`) and in dbt (`dbt/macros/
metrics.sql`). `tests/common/test_metrics.py` runs one table of cases through all three.
Standard library only."""

from __future__ import annotations

# Stored rates keep four decimals (a rate is a percentage: 0.0001 of a point is below noise).
RATE_DECIMALS = 4


def engagement_rate(
    avg_likes: float | None, avg_comments: float | None, followers: float | None
) -> float | None:
    """Interactions per 100 followers: (mean likes + mean comments of the recent posts) /
    followers * 100. None when either mean is unknown (no post showed that count: a rate from
    half the interactions would rank the creator too low) or there are no followers."""
    if avg_likes is None or avg_comments is None or not followers or followers <= 0:
        return None
    return (avg_likes + avg_comments) / followers * 100
