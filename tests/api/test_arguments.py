from __future__ import annotations

import pytest

from reach.api.repositories.arguments import Arguments

pytestmark = pytest.mark.unit


def test_each_argument_gets_the_next_placeholder_and_keeps_its_place() -> None:
    args = Arguments()
    assert f"a = {args('x')} AND b = ANY({args([1, 2])})" == "a = $1 AND b = ANY($2)"
    assert args == ["x", [1, 2]]
