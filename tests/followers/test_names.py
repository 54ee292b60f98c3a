"""Unit tests for reach.followers.names: the bundled first-name list and the name-match score."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from reach.followers.names import NameMatcher, indian_first_names

pytestmark = pytest.mark.unit


def test_list_is_the_documented_one() -> None:
    names = indian_first_names()
    assert len(names) == 19_922
    assert list(names) == sorted(set(names))
    assert all(name.isascii() and name.isalpha() and name.islower() for name in names)
    assert {"rahul", "priya", "gurpreet", "mohanlal", "imran"} <= set(names)


# Neighbours of a name one edit away (substitution, insertion, deletion, at the start, middle
# and end), two edits away, and words near no name, short and long.
NEAR_AND_FAR = [
    "priyankaa", "rahol", "xrahul", "rahu", "ahul", "gurprit", "snehaa", "mohanlall", "anjli",
    "rajeshxq", "wanderlust", "xyzzy", "q", "zz", "bitcointrader", "official",
]  # fmt: skip


def test_exact_names_score_100_and_others_their_best_ratio() -> None:
    scores = NameMatcher().scores(["rahul", *NEAR_AND_FAR, ""])
    assert set(scores) == {"rahul", *NEAR_AND_FAR}
    assert scores["rahul"] == 100
    for word in NEAR_AND_FAR:
        best = max(fuzz.ratio(word, name) for name in indian_first_names())
        assert scores[word] == pytest.approx(best, abs=0.01), word


def test_cached_scores_are_stable() -> None:
    matcher = NameMatcher()
    first = matcher.scores(["xyzzy", "anjli"])
    assert matcher.scores(["anjli", "xyzzy"]) == first
