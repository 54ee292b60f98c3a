"""What follower analysis promises the rest of Reach: the classes a follower is scored into, the
table the scores land in, and how an analysis is summarized (one fake-share formula).

Standard library, pydantic and `reach.common`'s declarative modules only: `reach followers score`
prints its summary with it and the operator's FollowerAnalysis reads its result with the same
query and formula.

The fake share is the mean of the followers' classes, so a weak fake counts a third: the seed's
ensemble scores a follower 0.0 (real), 0.33 (weak fake: only a low handle/name similarity) or 1.0
(definitely fake), and those scores are how likely the follower is fake. Counting only definite
fakes (what the operator once did) would report a creator whose followers are all weak fakes as
0% fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from reach.common.clickhouse_sql import quote_string

REAL: Final = 0.0
WEAK_FAKE: Final = 0.33
FAKE: Final = 1.0
CLASS_NAMES: Final[Mapping[float, str]] = {REAL: "real", WEAK_FAKE: "weak_fake", FAKE: "fake"}

SCORES_TABLE: Final = "_e.follower_score"


class AnalysisSummary(BaseModel):
    """Followers scored per class and the fake share, in percent; camelCase in the
    FollowerAnalysis status, snake_case in the CLI's JSON."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    followers: int = 0
    real: int = 0
    weak_fake: int = 0
    fake: int = 0
    fake_percent: float = 0.0


def summarize(class_counts: Mapping[float, int]) -> AnalysisSummary:
    """The summary of followers counted by class (`fake_class` values as read back, so
    rounded to the classes' two decimals)."""
    counts = dict.fromkeys(CLASS_NAMES.values(), 0)
    for fake_class, count in class_counts.items():
        counts[CLASS_NAMES[round(fake_class, 2)]] += count
    total = sum(counts.values())
    weighted = FAKE * counts["fake"] + WEAK_FAKE * counts["weak_fake"]
    return AnalysisSummary(
        followers=total,
        **counts,
        fake_percent=round(100 * weighted / total, 2) if total else 0.0,
    )


def summary_query(analysis: str) -> str:
    """Rows of (fake_class, followers) of everything scored for `analysis` so far, for
    `summarize`. A literal, not a parameter: the operator sends statements as text."""
    return (
        f"SELECT round(fake_class, 2) AS class, count() FROM {SCORES_TABLE} FINAL"
        f" WHERE analysis = {quote_string(analysis)} GROUP BY class ORDER BY class"
    )
