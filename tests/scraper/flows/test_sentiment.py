"""Either network's comment flow end to end against the sandbox: the comments are fetched,
scored by the LLM, stored in sentiment_log and published, one sentiment_log event each."""

from __future__ import annotations

import asyncpg
import pytest

from reach.sandbox.universe import NEGATIVE, POSITIVE, Universe
from reach.scraper.queue.models import Complete
from reach.scraper.running import Runtime

from ..conftest import EventTap, run_task

pytestmark = pytest.mark.service


def _expected_score(text: str) -> float:
    """The sandbox LLM's answer (`reach.sandbox.llm`) as a score: positive minus negative."""
    if any(word in text for word in POSITIVE):
        return 0.85 - 0.05
    if any(word in text for word in NEGATIVE):
        return 0.05 - 0.8
    return 0.15 - 0.1


def _commented(universe: Universe, network: str, n: int) -> tuple[str, dict[str, object], str]:
    """A post with at least `n` comments: its comment flow, params and stored post id (a post
    not refreshed yet is stored under its shortcode)."""
    if network == "instagram":
        post = next(
            p
            for i in range(universe.size)
            if (c := universe.creator(i)) and (p := universe.post(c, 0)) and p.comments >= n
        )
        flow, params = "fetch_instagram_post_comments", {"shortcode": post.shortcode}
        return flow, params, post.shortcode
    video = next(
        v
        for i in range(universe.size)
        if (c := universe.channel(i)) and (v := universe.video(c, 1)) and v.comments >= n
    )
    return "fetch_youtube_video_comments", {"video_id": video.video_id}, video.video_id


@pytest.mark.parametrize("network", ["instagram", "youtube"])
async def test_comments_are_scored_stored_and_logged(
    network: str,
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
) -> None:
    flow, params, post_id = _commented(universe, network, 25)
    _, outcome = await run_task(runtime, flow, {**params, "limit": 25})
    assert isinstance(outcome, Complete)
    assert (outcome.result["comments"], outcome.result["scored_by"]) == (25, "openai")
    rows = await pool.fetch(
        "SELECT text, score FROM sentiment_log WHERE platform = $1 AND post_id = $2",
        network,
        post_id,
    )
    assert len(rows) == 25
    for row in rows:
        assert row["score"] == pytest.approx(_expected_score(row["text"].lower())), row["text"]
    events = await beat_events.wait_for("sentiment_log", 25)
    assert {(e.sentiment_log.platform, e.sentiment_log.post_id) for e in events} == {
        (network, post_id)
    }
