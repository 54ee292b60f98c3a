"""Text that the stores cannot hold, found anywhere in a parsed JSON value: PostgreSQL's text
and jsonb refuse NUL (U+0000), and a lone UTF-16 surrogate (which a JSON \\u escape can spell)
has no UTF-8 form at all. The API's models, the scraper's task parameters and the webhooks each
refuse such input with the place named; this is the one walk they share."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Location = tuple[str | int, ...]

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_nul(text: str) -> bool:
    return "\x00" in text


def has_lone_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def unstorable(text: str) -> bool:
    """Whether a store cannot hold `text`: one walk checks both at once."""
    return has_nul(text) or has_lone_surrogate(text)


def find_string(value: Any, bad: Callable[[str], bool]) -> tuple[Location, bool] | None:
    """The location (keys and indexes) of the first string or object key in `value`, in document
    order, for which `bad` holds, and whether it is a key; None when there is none. Iterative, so
    nesting as deep as a JSON parser allows cannot exhaust the stack."""
    stack: list[tuple[Location, Any]] = [((), value)]
    while stack:
        loc, item = stack.pop()
        if isinstance(item, str):
            if bad(item):
                return loc, False
        elif isinstance(item, dict):
            for key in item:
                if isinstance(key, str) and bad(key):
                    return (*loc, key), True
            stack.extend(((*loc, key), child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*loc, i), child) for i, child in reversed(list(enumerate(item))))
    return None
