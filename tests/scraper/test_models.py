"""Pure helpers of the scraper's models: hashtags, engagement, Shorts, sentiment score."""

from __future__ import annotations

import pytest

from reach.scraper.models import Sentiment, YouTubeVideo, engagement, hashtags

pytestmark = pytest.mark.unit


def test_hashtags_are_unique_lowercase_and_stripped() -> None:
    assert hashtags("Sunset #Goa #goa, #beach! # #") == ["goa", "beach"]
    assert hashtags(None) == []


def test_engagement_over_known_counts() -> None:
    assert engagement(1000, [10, 30, None], [2, None, 4]) == (20.0, 3.0, 2.3)
    assert engagement(None, [10], [1]) == (10.0, 1.0, None)
    assert engagement(1000, [], []) == (None, None, None)
    # Hidden comment counts: no rate from the likes alone.
    assert engagement(1000, [10], [None]) == (10.0, None, None)


def test_shorts_are_three_minutes_at_most() -> None:
    assert YouTubeVideo(video_id="v", channel_id="c", duration_s=180).is_short
    assert not YouTubeVideo(video_id="v", channel_id="c", duration_s=181).is_short
    assert not YouTubeVideo(video_id="v", channel_id="c").is_short


def test_sentiment_score_is_positive_minus_negative() -> None:
    assert Sentiment(comment_id="1", positive=0.7, negative=0.2, neutral=0.1).score == 0.5
