"""Unit tests for reach.followers.contract: the one fake-share formula the CLI and the operator's
FollowerAnalysis status both report (its query is run against ClickHouse in test_shard)."""

from __future__ import annotations

import pytest

from reach.followers.contract import AnalysisSummary, summarize, summary_query

pytestmark = pytest.mark.unit


def test_weak_fakes_count_a_third() -> None:
    assert summarize({0.0: 6, 0.33: 3, 1.0: 1}) == AnalysisSummary(
        followers=10, real=6, weak_fake=3, fake=1, fake_percent=19.9
    )
    assert summarize({0.33: 3}).fake_percent == 33.0


def test_classes_read_back_as_float32_are_rounded_to_theirs() -> None:
    assert summarize({0.33000001311302185: 2, 1.0: 2}).weak_fake == 2


def test_nothing_scored_is_zero_percent() -> None:
    assert summarize({}) == AnalysisSummary()


def test_status_is_camel_case() -> None:
    assert "fakePercent" in summarize({1.0: 1}).model_dump(by_alias=True)


def test_the_analysis_name_is_a_quoted_literal() -> None:
    assert "analysis = 'it\\'s'" in summary_query("it's")
