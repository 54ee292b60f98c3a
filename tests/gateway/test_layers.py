"""Each layer of the gateway's pipeline alone, over ASGI calls with no sockets, and the pure
pieces beside them: CORS matching, the route tables, the headers sent upstream."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from reach.common.signing import verify
from reach.gateway import routes
from reach.gateway.auth import Identity, bearer
from reach.gateway.layers import (
    EXCHANGE,
    AccessLog,
    Context,
    Cors,
    CorsPolicy,
    ErrorReporting,
    Exchange,
    Recovery,
    RequestId,
)
from reach.gateway.proxy import response_headers, upstream_headers
from reach.gateway.sessions import (
    Partner,
    Plan,
    Session,
    SessionRefused,
    check_plan,
    effective_plan,
)
from reach.gateway.tokens import Refusal

pytestmark = pytest.mark.unit


def scope(path: str = "/discovery-service/api/x", method: str = "GET", **headers: str) -> Scope:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "scheme": "https",
        "client": ("10.0.0.9", 5555),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


async def call(app: Any, request: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(request, receive, send)
    return sent


async def ok(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def headers_of(messages: list[Message]) -> dict[bytes, bytes]:
    return dict(messages[0]["headers"])


async def test_recovery_answers_a_bug_with_json_and_the_request_id() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        scope[EXCHANGE] = Exchange("rid-12345678", 0.0, "x")
        raise RuntimeError("bug")

    sent = await call(Recovery(broken), scope())
    assert sent[0]["status"] == 500
    assert b'"request_id": "rid-12345678"' in sent[1]["body"]
    assert b'"code": "INTERNAL"' in sent[1]["body"]


async def test_recovery_cannot_rewrite_an_answer_already_started() -> None:
    async def breaks_midway(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await call(Recovery(Context(breaks_midway)), scope())


def test_cors_policy_matches_exact_origins_and_one_label_wildcards() -> None:
    policy = CorsPolicy.of(["https://app.reach.io", "https://*.brands.example"], 600)
    assert policy.allows("https://app.reach.io")
    assert policy.allows("https://acme.brands.example")
    assert not policy.allows("https://brands.example")
    assert not policy.allows("https://a.b.brands.example")
    assert not policy.allows("https://acme.brands.example.evil.io")
    assert not policy.allows("http://app.reach.io")
    assert not policy.allows("null")


async def test_cors_lets_the_gateways_own_origin_through_untouched() -> None:
    cors = Cors(ok, CorsPolicy.of([], 600))
    own = await call(cors, scope(origin="https://reach.example:8009", host="reach.example:8009"))
    assert own[0]["status"] == 200
    assert b"access-control-allow-origin" not in headers_of(own)
    for origin, host in (
        ("https://evil.example", "reach.example:8009"),
        ("https://reach.example", "reach.example:8009"),
        ("null", "null"),
    ):
        refused = await call(cors, scope(origin=origin, host=host))
        assert refused[0]["status"] == 403, origin


async def test_cors_answers_allowed_preflights_and_refuses_other_origins() -> None:
    cors = Cors(ok, CorsPolicy.of(["https://app.reach.io"], 600))
    preflight = scope(
        method="OPTIONS",
        origin="https://app.reach.io",
        access_control_request_method="POST",
        access_control_request_headers="authorization, content-type",
    )
    sent = await call(cors, preflight)
    assert sent[0]["status"] == 204
    got = headers_of(sent)
    assert got[b"access-control-allow-origin"] == b"https://app.reach.io"
    assert got[b"access-control-allow-headers"] == b"authorization, content-type"
    assert got[b"access-control-max-age"] == b"600"

    sent = await call(cors, scope(origin="https://app.reach.io"))
    assert headers_of(sent)[b"access-control-allow-origin"] == b"https://app.reach.io"

    for request in (
        scope(origin="https://evil.io"),
        {
            **preflight,
            "headers": [
                (b"origin", b"https://evil.io"),
                (b"access-control-request-method", b"GET"),
            ],
        },
    ):
        sent = await call(cors, request)
        assert sent[0]["status"] == 403
        assert b"ORIGIN_NOT_ALLOWED" in sent[1]["body"]

    sent = await call(cors, scope())
    assert sent[0]["status"] == 200 and b"access-control-allow-origin" not in headers_of(sent)


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("abc-12345678", True), ("short", False), ("bad id with spaces", False), ("x" * 200, False)],
)
async def test_request_id_keeps_well_formed_ids_and_mints_others(incoming: str, kept: bool) -> None:
    request = scope(x_request_id=incoming)
    sent = await call(Context(RequestId(ok)), request)
    echoed = headers_of(sent)[b"x-request-id"].decode()
    assert (echoed == incoming) is kept
    assert request[EXCHANGE].request_id == echoed


def test_route_tables() -> None:
    assert routes.service_of("/discovery-service/api/profile/instagram/x") == "discovery-service"
    assert routes.service_of("/discovery-service") is None
    assert routes.service_of("/admin/discovery-service/x") is None
    assert len(routes.SERVICES) == 13
    assert routes.is_public("GET", "/profile-collection-service/api/collection/shared/abcdEFGH12")
    assert not routes.is_public(
        "DELETE", "/profile-collection-service/api/collection/shared/abcdEFGH12"
    )
    assert not routes.is_public("GET", "/profile-collection-service/api/collection/12")
    assert routes.is_public("GET", "/healthz") and not routes.is_public("GET", "/healthz/x")
    for page in ("/", "/ui/app-X1.js", "/discovery", "/profile/youtube/UC_x-y", "/usage"):
        assert routes.is_dashboard(page) and routes.is_public("GET", page), page
    for other in ("/discovery-service/api/x", "/profile-collection-service/api/collection", "/x"):
        assert not routes.is_dashboard(other), other
    assert not routes.is_public("POST", "/discovery")


def test_bearer_header_parsing() -> None:
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer  abc ") == "abc"
    for bad, code in (
        (None, "MISSING_TOKEN"),
        ("", "MISSING_TOKEN"),
        ("Basic abc", "MALFORMED_TOKEN"),
        ("Bearer ", "MALFORMED_TOKEN"),
    ):
        with pytest.raises(Refusal) as caught:
            bearer(bad)
        assert caught.value.code == code


def test_upstream_headers_drop_client_claims_and_hop_by_hop_and_sign_the_rest() -> None:
    request = scope(
        authorization="Bearer t",
        x_bb_partner_id="1",
        x_bb_plan_type="PRO",
        connection="keep-alive, x-secret-hop",
        x_secret_hop="1",
        keep_alive="timeout=5",
        x_forwarded_for="1.2.3.4",
        host="gateway.reach.io",
        accept="application/json",
    )
    request["headers"].append((b"accept", b"text/csv"))
    identity = Identity(partner_id=42, user_id="u9", plan=Plan.SAAS, session_id="s" * 10)
    out = upstream_headers(request, identity, "rid-12345678", b"k", now=1_800_000_000)
    names = [name for name, _ in out]
    assert b"authorization" not in names and b"x-secret-hop" not in names
    assert b"keep-alive" not in names and b"connection" not in names and b"host" not in names
    assert [v for k, v in out if k == b"accept"] == [b"application/json", b"text/csv"]
    got = {k.decode(): v.decode() for k, v in out}
    assert got["x-bb-partner-id"] == "42" and got["x-bb-plan-type"] == "SAAS"
    assert got["x-forwarded-for"] == "1.2.3.4, 10.0.0.9"
    assert got["x-forwarded-proto"] == "https" and got["x-forwarded-host"] == "gateway.reach.io"
    assert (
        verify(
            b"k", "GET", b"/discovery-service/api/x", got, now=1_800_000_000, max_skew_seconds=30
        )
        is None
    )


def test_public_requests_carry_no_tenant_but_are_still_signed() -> None:
    out = upstream_headers(scope(x_bb_partner_id="1"), None, "rid-12345678", b"k", now=1)
    got = {k.decode(): v.decode() for k, v in out}
    assert "x-bb-partner-id" not in got and "x-bb-signature" in got


def test_response_headers_drop_hop_by_hop() -> None:
    kept = response_headers(
        [
            (b"Content-Type", b"a"),
            (b"Transfer-Encoding", b"chunked"),
            (b"Connection", b"x-y"),
            (b"X-Y", b"1"),
            (b"Set-Cookie", b"a"),
            (b"Set-Cookie", b"b"),
        ]
    )
    assert kept == [(b"content-type", b"a"), (b"set-cookie", b"a"), (b"set-cookie", b"b")]


def test_a_session_sees_at_most_its_partners_plan() -> None:
    pro, free = Partner("PRO", "ACTIVE"), Partner("FREE", "ACTIVE")
    assert effective_plan(pro, Session(1, "u", None, 0)) is Plan.PRO
    assert effective_plan(pro, Session(1, "u", "FREE", 0)) is Plan.FREE
    assert effective_plan(free, Session(1, "u", None, 0)) is Plan.FREE
    check_plan(1, pro, "SAAS")
    for partner, plan, message in (
        (None, None, "does not exist"),
        (Partner("PRO", "SUSPENDED"), None, "suspended"),
        (free, "PRO", "cannot see more"),
    ):
        with pytest.raises(SessionRefused, match=message):
            check_plan(1, partner, plan)


async def test_access_log_writes_one_json_line_per_request(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reach.gateway.access")
    access = AccessLog(ok, flush_seconds=60)
    app = Context(RequestId(access))
    for _ in range(3):
        await call(app, scope(x_request_id="abc-12345678"))
    assert capsys.readouterr().err == ""  # gathered, not written yet
    access.flush()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert len(lines) == 3
    assert lines[0]["request_id"] == "abc-12345678"
    assert lines[0]["status"] == 200 and lines[0]["path"] == "/discovery-service/api/x"
    assert lines[0]["logger"] == "reach.gateway.access" and lines[0]["level"] == "info"


async def test_error_reporting_captures_then_recovery_answers() -> None:
    captured: list[BaseException] = []

    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise ValueError("bug")

    sent = await call(Recovery(ErrorReporting(Context(broken), captured.append)), scope())
    assert [type(e) for e in captured] == [ValueError]
    assert sent[0]["status"] == 500
