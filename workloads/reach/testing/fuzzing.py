"""Hypothesis strategies for the inputs an attacker or an unlucky network sends, shared by the
property tests of every input surface (webhooks, gRPC Dispatch, the API's tenancy headers, the
scraper API, the CLI's config files), and the property they all check: a 4xx with a JSON error
body, or success; never a 5xx.

JSON here is what a sender can put on the wire, not what `json.dumps` of valid data gives:
NaN and Infinity, numbers past float and int64, strings with NULs and lone surrogates (spelled
as `\\udXXX` escapes), and nesting as deep as a body allows.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import strategies as st

# Every code point, lone surrogates included (Hypothesis leaves out category Cs by default).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TEXT = st.text(ANY_CHAR, max_size=40) | st.sampled_from(["", "\x00", "\ud800", "a\udfffb", "é"])

NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**63 - 1, 2**63, -(2**63) - 1, 10**400, 1e308, 1e12, 1e15]),
    st.floats(allow_nan=True, allow_infinity=True),
)

SCALARS = st.none() | st.booleans() | NUMBERS | TEXT

JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)


def json_bytes(value: Any) -> bytes:
    """`value` as a sender may write it: NaN/Infinity as bare words, surrogates as escapes."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


@st.composite
def nested(draw: st.DrawFn, max_depth: int = 5000) -> bytes:
    """An object whose one value is nested `depth` arrays or objects deep."""
    depth = draw(st.integers(min_value=1, max_value=max_depth))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    return f'{{"id":"n","x":{opener * depth}1{closer * depth}}}'.encode()


# A header value as HTTP lets it travel: visible ASCII, inner spaces and tabs, and obs-text
# (0x80-0xFF); whitespace at either end is not part of a value.
HEADER_VALUES = st.binary(max_size=64).map(
    lambda raw: bytes(b for b in raw if b == 9 or 32 <= b <= 126 or b >= 128).strip(b" \t")
)

CONTENT_TYPES = st.sampled_from(
    [b"application/json", b"text/plain", b"application/x-www-form-urlencoded",
     b"multipart/form-data; boundary=x", b"application/json; charset=utf-16", b""]
) | HEADER_VALUES  # fmt: skip


def assert_answered_well(response: httpx.Response) -> None:
    """The property every input surface keeps: success, or a 4xx whose JSON body says why."""
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and body, response.text[:500]
