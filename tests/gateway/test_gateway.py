"""The gateway as a process in front of a real upstream: the security corpus over HTTP, header
enrichment and signing, proxy semantics (streaming, repeats, errors, disconnects), CORS, the
heartbeat and metrics."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from reach.common.signing import verify
from reach.standalone.running import session_token
from reach.testing.polling import eventually_sync
from reach.testing.ports import free_port
from reach.testing.processes import REACH
from reach.testing.upstream import expected_stream

from .conftest import SIGNING, Gateway, gateway_env, running_gateway
from .keys import claims, forge

pytestmark = pytest.mark.service
ECHO = "/content-service/api/echo"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["status"] == "ERROR" and body["data"] is None
    found: dict[str, Any] = body["error"]
    return found


def refused_soon(
    client: httpx.Client, token: str, status: int, code: str, *, seconds: float
) -> None:
    """Waits until the gateway answers `token` with `status` (a change it learns of within
    `seconds`), then checks the refusal's error code."""
    eventually_sync(
        lambda: client.get(ECHO, headers=auth(token)).status_code == status,
        f"the token refused with {status}",
        seconds=seconds,
        interval=0.05,
    )
    assert error(client.get(ECHO, headers=auth(token)))["code"] == code


def test_a_valid_token_reaches_the_upstream_with_signed_identity_headers(
    gateway: Gateway,
) -> None:
    partner = gateway.partner("PRO")
    token = gateway.token(partner, plan="SAAS")
    spoofed = {"x-bb-partner-id": "1", "x-bb-plan-type": "PRO", "x-bb-signature": "forged"}
    with gateway.client() as client:
        answer = client.get(f"{ECHO}?q=a%20b&q=c", headers={**auth(token), **spoofed})
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    headers = dict(seen["headers"])
    assert [v for k, v in seen["headers"] if k.startswith("x-bb-partner")] == [str(partner)]
    assert headers["x-bb-plan-type"] == "SAAS"
    assert headers["x-bb-requestid"] == answer.headers["x-request-id"]
    assert "authorization" not in headers
    assert seen["target"] == f"{ECHO}?q=a%20b&q=c"
    assert (
        verify(
            SIGNING.encode(),
            "GET",
            seen["target"].encode(),
            headers,
            now=time.time(),
            max_skew_seconds=30,
        )
        is None
    )


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: forge(claims(), "a-different-secret-of-32-bytes-or-more"), "BAD_SIGNATURE"),
        (lambda: forge(claims(exp=int(time.time()) - 60)), "TOKEN_EXPIRED"),
        (lambda: forge(claims(nbf=int(time.time()) + 3600)), "TOKEN_NOT_YET_VALID"),
        (lambda: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "ALGORITHM_NOT_ALLOWED"),
        (lambda: forge(claims(iss="elsewhere")), "WRONG_ISSUER"),
        (lambda: forge(claims(aud="elsewhere")), "WRONG_AUDIENCE"),
        (lambda: forge(claims(sid="never-created-session")), "SESSION_NOT_FOUND"),
        (lambda: "garbage", "MALFORMED_TOKEN"),
        (lambda: "x" * 6000, "TOKEN_TOO_LARGE"),
    ],
)
def test_the_security_corpus_is_refused_with_its_reason(
    gateway: Gateway, make: Any, code: str
) -> None:
    with gateway.client() as client:
        for _ in range(2):  # the second answer comes from the negative cache: same verdict
            answer = client.get(ECHO, headers=auth(make()))
            assert answer.status_code == 401
            assert error(answer)["code"] == code
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert error(answer)["details"]["request_id"] == answer.headers["x-request-id"]


def test_missing_or_malformed_authorization(gateway: Gateway) -> None:
    with gateway.client() as client:
        assert error(client.get(ECHO))["code"] == "MISSING_TOKEN"
        answer = client.get(ECHO, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert answer.status_code == 401 and error(answer)["code"] == "MALFORMED_TOKEN"


def test_sessions_are_created_and_revoked_with_the_cli(gateway: Gateway) -> None:
    partner = gateway.partner("FREE")
    created = subprocess.run(
        [REACH, "gateway", "session", "create", "--partner", str(partner), "--user", "ana"],
        env={**gateway.env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    token = created.stdout.strip()
    session_id = created.stderr.split()[1]
    with gateway.client() as client:
        assert client.get(ECHO, headers=auth(token)).status_code == 200
        revoked = subprocess.run(
            [REACH, "gateway", "session", "revoke", session_id],
            env={**gateway.env, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert revoked.returncode == 0, revoked.stderr
        refused_soon(client, token, 401, "SESSION_NOT_FOUND", seconds=5)
    # A FREE partner's session cannot ask for the PRO plan.
    with pytest.raises(RuntimeError, match=r"exited 1: .*cannot see more"):
        asyncio.run(session_token([REACH], gateway.env | {"PATH": "/usr/bin:/bin"}, partner))


def test_suspended_and_unknown_partners_are_forbidden(gateway: Gateway) -> None:
    partner = gateway.partner("PRO")
    token = gateway.token(partner)

    async def set_status(status: str) -> None:
        conn = await asyncpg.connect(gateway.dsn)
        try:
            await conn.execute("UPDATE partner SET status = $1 WHERE id = $2", status, partner)
        finally:
            await conn.close()

    with gateway.client() as client:
        assert client.get(ECHO, headers=auth(token)).status_code == 200
        asyncio.run(set_status("SUSPENDED"))
        refused_soon(client, token, 403, "PARTNER_SUSPENDED", seconds=10)
        ghost = forge(claims(pid=partner + 1000, sid="ghost-session"))
        assert client.get(ECHO, headers=auth(ghost)).status_code == 401  # no such session


def test_cors(gateway: Gateway, pro_token: str) -> None:
    with gateway.client() as client:
        preflight = client.options(
            ECHO,
            headers={
                "Origin": "https://acme.brands.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "https://acme.brands.example"
        allowed = client.get(ECHO, headers={**auth(pro_token), "Origin": "https://app.reach.io"})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.reach.io"
        for request in (
            client.build_request(
                "GET", ECHO, headers={**auth(pro_token), "Origin": "https://evil.io"}
            ),
            client.build_request(
                "OPTIONS",
                ECHO,
                headers={"Origin": "https://evil.io", "Access-Control-Request-Method": "GET"},
            ),
        ):
            refused = client.send(request)
            assert refused.status_code == 403
            assert error(refused)["code"] == "ORIGIN_NOT_ALLOWED"


def test_public_routes_pass_without_a_token_and_unknown_paths_are_404(
    gateway: Gateway, pro_token: str
) -> None:
    with gateway.client() as client:
        shared = client.get("/profile-collection-service/api/collection/shared/abcdEFGH1234")
        assert shared.status_code == 200
        assert "x-bb-partner-id" not in dict(shared.json()["headers"])
        # Which paths exist is not told to callers without a token.
        assert client.get("/admin").status_code == 401
        unknown = client.get("/admin", headers=auth(pro_token))
        assert unknown.status_code == 404 and error(unknown)["code"] == "NOT_FOUND"


def test_streaming_large_bodies_both_ways(gateway: Gateway, pro_token: str) -> None:
    upload = bytes(range(256)) * (32 * 4096)  # 32 MiB

    def chunks() -> Any:
        for start in range(0, len(upload), 1 << 20):
            yield upload[start : start + (1 << 20)]

    with gateway.client() as client:
        echoed = client.post(ECHO, content=chunks(), headers=auth(pro_token)).json()
        assert echoed["body_bytes"] == len(upload)
        assert echoed["body_sha256"] == hashlib.sha256(upload).hexdigest()
        sized = client.put(ECHO, content=upload, headers=auth(pro_token)).json()
        assert sized["body_sha256"] == hashlib.sha256(upload).hexdigest()
        total, digest = 64 << 20, hashlib.sha256()
        with client.stream("GET", f"{ECHO}?stream={total}", headers=auth(pro_token)) as answer:
            for chunk in answer.iter_bytes():
                digest.update(chunk)
        assert digest.hexdigest() == expected_stream(total)


def test_repeated_headers_and_upstream_statuses_pass_through(
    gateway: Gateway, pro_token: str
) -> None:
    with gateway.client() as client:
        answer = client.get(
            f"{ECHO}?status=503",
            headers=[("Authorization", f"Bearer {pro_token}"), ("x-tag", "1"), ("x-tag", "2")],
        )
        assert answer.status_code == 503
        assert answer.headers.get_list("x-repeated") == ["a", "b"]
        assert [v for k, v in answer.json()["headers"] if k == "x-tag"] == ["1", "2"]


def test_a_slow_upstream_is_a_504_and_a_down_one_a_502(
    gateway: Gateway, pro_token: str, base_settings: Any
) -> None:
    with gateway.client() as client:
        slow = client.get(f"{ECHO}?sleep=3", headers=auth(pro_token))
        assert slow.status_code == 504
        assert error(slow)["code"] == "UPSTREAM_TIMEOUT"
        assert error(slow)["details"]["request_id"] == slow.headers["x-request-id"]
        assert client.get(ECHO, headers=auth(pro_token)).status_code == 200
    down = gateway_env(gateway.dsn, str(base_settings.redis_url), f"http://127.0.0.1:{free_port()}")
    with running_gateway(down) as broken, broken.client() as client:
        answer = client.get(ECHO, headers=auth(broken.token(broken.partner())))
        assert answer.status_code == 502
        assert error(answer)["code"] == "UPSTREAM_UNAVAILABLE"
        assert error(answer)["details"]["request_id"] == answer.headers["x-request-id"]


def test_a_client_leaving_mid_stream_leaves_the_gateway_serving(
    gateway: Gateway, pro_token: str
) -> None:
    for _ in range(3):
        with (
            gateway.client() as client,
            client.stream("GET", f"{ECHO}?stream={1 << 30}", headers=auth(pro_token)) as answer,
        ):
            next(answer.iter_bytes())
    with gateway.client() as client:
        assert client.get(ECHO, headers=auth(pro_token)).status_code == 200
        metrics = client.get("/metrics").text
    assert 'reach_gateway_requests_total{route="content-service",status="2xx"}' in metrics


def test_heartbeat_drains_readiness_and_metrics_count_what_happened(gateway: Gateway) -> None:
    with gateway.client() as client:
        assert client.get("/heartbeat").json() == {"beat": True}
        assert client.put("/heartbeat?beat=sideways").status_code == 422
        assert client.put("/heartbeat?beat=false").status_code == 503
        assert client.get("/readyz").status_code == 503
        assert "heartbeat" in client.get("/readyz").json()["failed"]
        assert client.put("/heartbeat?beat=true").status_code == 200
        assert client.get("/readyz").status_code == 200
        metrics = client.get("/metrics").text
    for name in (
        "reach_gateway_request_seconds_bucket",
        'reach_gateway_cache_lookups_total{cache="token",layer="l1"}',
        'reach_gateway_refusals_total{reason="MISSING_TOKEN"}',
    ):
        assert name in metrics, name


def test_a_local_asset_folder_is_served_publicly_and_nothing_outside_it(
    gateway: Gateway,
) -> None:
    folder = Path(gateway.env["REACH_GATEWAY_ASSETS_DIR"])
    (folder / "instagram").mkdir(exist_ok=True)
    (folder / "instagram" / "pic.jpg").write_bytes(b"\xff\xd8jpeg")
    with gateway.client() as client:
        answer = client.get("/assets/instagram/pic.jpg")
        assert answer.status_code == 200 and answer.content == b"\xff\xd8jpeg"
        assert client.get("/assets/instagram/missing.jpg").status_code == 404
        assert client.get("/assets/%2e%2e/%2e%2e/etc/passwd").status_code in (401, 404)


def test_the_dashboard_is_served_at_its_pages_without_shadowing_the_services(
    gateway: Gateway, pro_token: str
) -> None:
    folder = Path(gateway.env["REACH_GATEWAY_DASHBOARD_DIR"])
    with gateway.client() as client:
        unbuilt = client.get("/")
        assert unbuilt.status_code == 404 and "make web" in error(unbuilt)["message"]
        (folder / "index.html").write_text("<title>Reach</title>")
        (folder / "app-ABC123.js").write_text("console.log(1)")
        for page in ("/", "/discovery", "/profile/instagram/some.creator", "/shared/profile/x1"):
            answer = client.get(page)
            assert answer.status_code == 200 and answer.text == "<title>Reach</title>", page
            assert answer.headers["cache-control"] == "no-cache"
        bundle = client.get("/ui/app-ABC123.js")
        assert bundle.status_code == 200 and bundle.text == "console.log(1)"
        assert client.get("/ui/missing.js").status_code == 404
        # Service prefixes still need a token; other paths and methods are not the dashboard's.
        assert client.get("/discovery-service/api/profile/instagram/x").status_code == 401
        assert client.get("/admin").status_code == 401
        assert client.post("/discovery", headers=auth(pro_token)).status_code == 404
        assert client.get("/ui/../index.html").status_code in (401, 404)
