"""The gateway's header signature: what it covers, and every way a request fails it."""

from __future__ import annotations

import pytest

from reach.common.signing import (
    SIGNATURE_HEADER,
    SIGNED_HEADERS,
    TIMESTAMP_HEADER,
    request_target,
    signature,
    verify,
)

pytestmark = pytest.mark.unit
SECRET = b"signing-secret"
NOW = 1_800_000_000


def signed(**headers: str) -> dict[str, str]:
    base = {"x-bb-partner-id": "7", "x-bb-plan-type": "PRO", "x-bb-user-id": "u", **headers}
    base["x-bb-requestid"] = "rid-00000001"
    base[TIMESTAMP_HEADER] = str(NOW)
    base[SIGNATURE_HEADER] = signature(SECRET, NOW, "GET", b"/a?b=1", base)
    return base


def check(
    headers: dict[str, str], method: str = "GET", target: bytes = b"/a?b=1", now: float = NOW
) -> str | None:
    return verify(SECRET, method, target, headers, now=now, max_skew_seconds=30)


def test_a_fresh_signature_verifies() -> None:
    assert check(signed()) is None
    assert check(signed(), now=NOW + 29) is None


@pytest.mark.parametrize("name", SIGNED_HEADERS)
def test_changing_any_signed_header_breaks_it(name: str) -> None:
    headers = signed()
    headers[name] = headers.get(name, "") + "9"
    assert check(headers) == "the gateway signature does not match"


def test_method_target_secret_and_age_are_covered() -> None:
    assert check(signed(), method="DELETE") == "the gateway signature does not match"
    assert check(signed(), target=b"/a?b=2") == "the gateway signature does not match"
    assert verify(b"other", "GET", b"/a?b=1", signed(), now=NOW, max_skew_seconds=30) is not None
    assert (
        check(signed(), now=NOW + 31) == "the gateway signature is stale (replayed or clocks apart)"
    )


@pytest.mark.parametrize("stamp", ["", "abc", "-5", "\uff11\uff12\uff13", "9" * 20])
def test_malformed_or_missing_parts_are_refused(stamp: str) -> None:
    headers = signed()
    headers[TIMESTAMP_HEADER] = stamp
    assert check(headers) is not None
    headers = signed()
    del headers[SIGNATURE_HEADER]
    assert check(headers) == "the request is not signed by the gateway"


def test_a_signature_with_any_bytes_is_refused_not_raised() -> None:
    headers = signed()
    headers[SIGNATURE_HEADER] = "\xff\xfe" * 32
    assert check(headers) == "the gateway signature does not match"


def test_the_target_is_the_raw_path_and_query() -> None:
    scope = {"path": "/a b", "raw_path": b"/a%20b", "query_string": b"x=1&x=2"}
    assert request_target(scope) == b"/a%20b?x=1&x=2"
    assert request_target({"path": "/p", "query_string": b""}) == b"/p"
