"""Unit tests for reach.testing.polling."""

from __future__ import annotations

import pytest

from reach.testing.polling import eventually, eventually_sync

pytestmark = pytest.mark.unit


async def test_eventually_returns_the_first_true_answer() -> None:
    answers = iter([0, [], 3, 4])

    async def check() -> object:
        return next(answers)

    assert await eventually(check, "three", interval=0) == 3


async def test_eventually_names_what_it_waited_for() -> None:
    async def never() -> int:
        return 0

    with pytest.raises(AssertionError, match=r"the moon \(last: 0\)"):
        await eventually(never, "the moon", seconds=0, interval=0)


def test_eventually_sync() -> None:
    answers = iter([None, "x"])
    assert eventually_sync(lambda: next(answers), "x", interval=0) == "x"
    with pytest.raises(AssertionError, match="never"):
        eventually_sync(lambda: False, "never", seconds=0, interval=0)
