"""One table of engagement-rate cases, run through each place the rate is computed: the Python
definition (reach.common.metrics, what the scraper stores for Instagram), the scraper's SQL
(update_youtube_averages) and the dbt macro the marts call (rendered and run by ClickHouse)."""

from __future__ import annotations

from pathlib import Path
from statistics import mean

import asyncpg
import jinja2
import pytest
from clickhouse_connect.driver.client import Client

from reach.common.metrics import RATE_DECIMALS, engagement_rate
from reach.scraper.processing import P

# likes and comments of the recent posts (None: the post hides that count), followers, rate.
CASES: list[tuple[list[int | None], list[int | None], int | None, float | None]] = [
    ([10, 30], [2, 4], 1000, 2.3),
    ([10, 30, None], [2, None, 4], 1000, 2.3),
    ([5], [0], 3, 500 / 3),
    ([10], [None], 1000, None),
    ([None], [1], 1000, None),
    ([], [], 1000, None),
    ([10], [1], 0, None),
    ([10], [1], None, None),
]


def _mean(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return mean(known) if known else None


def _expected(rate: float | None) -> object:
    return None if rate is None else pytest.approx(rate, abs=10**-RATE_DECIMALS)


@pytest.mark.unit
@pytest.mark.parametrize(("likes", "comments", "followers", "rate"), CASES)
def test_python(
    likes: list[int | None], comments: list[int | None], followers: int | None, rate: float | None
) -> None:
    assert engagement_rate(_mean(likes), _mean(comments), followers) == _expected(rate)


@pytest.mark.service
async def test_the_scrapers_sql(postgres_dsn: str) -> None:
    conn = await asyncpg.connect(postgres_dsn)
    try:
        for n, (likes, comments, followers, rate) in enumerate(CASES):
            channel = f"UC{n:022d}"
            await conn.execute(
                "INSERT INTO youtube_account (channel_id, subscribers) VALUES ($1, $2)",
                channel,
                followers,
            )
            for i, (like, comment) in enumerate(zip(likes, comments, strict=True)):
                await conn.execute(
                    "INSERT INTO youtube_post (video_id, channel_id, likes, comments)"
                    " VALUES ($1, $2, $3, $4)",
                    f"v{n}-{i}",
                    channel,
                    like,
                    comment,
                )
            row = await conn.fetchrow(P["update_youtube_averages"], channel)
            assert row is not None
            assert row["engagement_rate"] == _expected(rate), (likes, comments, followers)
    finally:
        await conn.close()


@pytest.mark.service
def test_the_dbt_macro(clickhouse_client: Client, repo_root: Path) -> None:
    macros = (repo_root / "dbt" / "macros" / "metrics.sql").read_text()
    # The marts' call: the rate of the two averages over the followers.
    expression = (
        jinja2.Environment(extensions=["jinja2.ext.do"])
        .from_string(macros + "{{ engagement_rate('avg_likes + avg_comments', 'followers') }}")
        .render()
        .strip()
    )
    for likes, comments, followers, rate in CASES:
        row = clickhouse_client.query(
            f"SELECT {expression} FROM (SELECT"
            " {likes:Nullable(Float64)} AS avg_likes, {comments:Nullable(Float64)} AS avg_comments,"
            " {followers:Nullable(Int64)} AS followers)",
            parameters={"likes": _mean(likes), "comments": _mean(comments), "followers": followers},
        ).result_rows[0]
        assert row[0] == _expected(rate), (likes, comments, followers)
