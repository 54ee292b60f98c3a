"""reach.common.text: the first unstorable string or key of a JSON value, in document order,
at any depth."""

from __future__ import annotations

from typing import Any

import pytest

from reach.common.text import find_string, has_lone_surrogate, has_nul

pytestmark = pytest.mark.unit


def test_the_first_bad_string_in_document_order_with_its_location() -> None:
    value = {"a": ["ok", {"b": "x\x00"}], "c": "y\x00"}
    assert find_string(value, has_nul) == (("a", 1, "b"), False)
    assert find_string({"k\x00": 1}, has_nul) == (("k\x00",), True)
    assert find_string({"a": ["fine", 1, None]}, has_nul) is None


def test_lone_surrogates_but_not_pairs() -> None:
    assert find_string(["\ud83d"], has_lone_surrogate) == ((0,), False)
    assert find_string(["😀", "plain"], has_lone_surrogate) is None


def test_nesting_deeper_than_the_recursion_limit() -> None:
    value: Any = "\x00"
    for _ in range(5000):
        value = [value]
    found = find_string(value, has_nul)
    assert found is not None and found[0] == (0,) * 5000
