from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from clickhouse_connect.driver.client import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers

from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.ingest.webhooks import (
    PARTNERS,
    Refused,
    accept,
    branch_event,
    shopify_event,
    shopify_signature_valid,
    vidooly_event,
    webengage_event,
)
from reach.testing import fuzzing

NOW = 1_800_000_000_000
DIRECT = FlushPolicy(batch_rows=1, flush_seconds=1, direct=True)


def _sign(secret: bytes, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()


@pytest.mark.unit
def test_branch_event_keeps_attribution_fields() -> None:
    body = {
        "id": "b-1", "name": "INSTALL", "timestamp": 1_700_000_000_123,
        "user_data": {"developer_identity": "u1", "os": "ANDROID", "geo_country_en": "India",
                      "geo_city_en": "Pune"},
        "last_attributed_touch_data": {"~campaign": "diwali", "~channel": "ig", "~feature": "ref"},
    }  # fmt: skip
    event = branch_event(body, Headers(), NOW)
    assert (event.event_id, event.timestamp_ms) == ("b-1", 1_700_000_000_123)
    b = event.branch
    assert (b.event_name, b.developer_identity, b.os, b.campaign, b.channel, b.feature) == (
        "INSTALL", "u1", "ANDROID", "diwali", "ig", "ref",
    )  # fmt: skip
    assert (b.country, b.city) == ("India", "Pune")


@pytest.mark.unit
def test_webengage_event_stringifies_event_data_and_reads_seconds() -> None:
    body = {"userId": "u", "eventName": "Added", "eventTime": 1_700_000_000,
            "eventData": {"price": 12.5, "sku": "a", "tags": ["x"]}}  # fmt: skip
    event = webengage_event(body, Headers(), NOW)
    assert event.timestamp_ms == 1_700_000_000_000
    assert dict(event.webengage.event_data) == {"price": "12.5", "sku": "a", "tags": '["x"]'}
    assert len(event.event_id) == 32


@pytest.mark.unit
def test_shopify_event_takes_its_id_and_topic_from_headers() -> None:
    headers = Headers(
        {
            "x-shopify-topic": "orders/create",
            "x-shopify-shop-domain": "s.myshopify.com",
            "x-shopify-webhook-id": "wh-1",
        }
    )
    event = shopify_event({"id": 42, "total_price": "12.50", "currency": "INR"}, headers, NOW)
    s = event.shopify
    assert (event.event_id, event.timestamp_ms) == ("wh-1", NOW)
    assert (s.topic, s.shop_domain, s.order_id, s.total_price, s.currency) == (
        "orders/create", "s.myshopify.com", "42", 12.5, "INR",
    )  # fmt: skip


@pytest.mark.unit
def test_vidooly_event_without_timestamp_is_now() -> None:
    event = vidooly_event({"event": "view", "channel_id": "c", "video_id": "v"}, Headers(), NOW)
    assert (event.timestamp_ms, event.vidooly.event_name, event.vidooly.video_id) == (
        NOW,
        "view",
        "v",
    )


@pytest.mark.unit
def test_shopify_signature() -> None:
    body = b'{"id": 1}'
    assert shopify_signature_valid(b"k", body, _sign(b"k", body))
    assert not shopify_signature_valid(b"k", body, _sign(b"other", body))
    assert not shopify_signature_valid(b"k", body + b" ", _sign(b"k", body))
    assert not shopify_signature_valid(b"k", body, "")


PARTNER = {p.name: p for p in PARTNERS}


@pytest.mark.unit
def test_accept_stamps_the_event_and_keeps_the_raw_body() -> None:
    raw = b'{"id": "b-9", "name": "OPEN"}'
    event = accept(PARTNER["branch"], raw, Headers(), NOW, None)
    assert (event.event_id, event.payload_type, event.name, event.timestamp_ms) == (
        "b-9", "branch", "branch", NOW,
    )  # fmt: skip
    assert event.branch.body == raw.decode()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("partner", "raw", "headers", "secret", "status", "reason"),
    [
        ("branch", b"{oops", {}, None, 400, "not valid JSON"),
        ("vidooly", b"[1]", {}, None, 400, "JSON object"),
        ("shopify", b"{}", {}, None, 401, "not configured"),
        ("shopify", b"{}", {"x-shopify-hmac-sha256": "AAAA"}, b"k", 401, "does not match"),
        ("shopify", b"{}", {"x-shopify-hmac-sha256": "\xe9t\xe9"}, b"k", 401, "does not match"),
        ("branch", b'{"id": "\xff"}', {}, None, 400, "not UTF-8"),
        ("branch", b"[" * 5000 + b"]" * 5000, {}, None, 400, "nested too deeply"),
        ("branch", b'{"x": ' + b"[" * 5000 + b"]" * 5000 + b"}", {}, None, 400, "too deeply"),
        ("branch", b'{"name": "a\\ud800"}', {}, None, 400, "body.name holds a lone UTF-16"),
        ("webengage", b'{"eventData": {"\\udfff": 1}}', {}, None, 400, "eventData \\(a key\\)"),
        ("branch", b'{"timestamp": NaN}', {}, None, 400, "NaN is not a JSON number"),
        ("vidooly", b'{"timestamp": -Infinity}', {}, None, 400, "Infinity is not a JSON"),
        ("vidooly", b'{"timestamp": 1e400}', {}, None, 400, "timestamp is not a finite number"),
        ("webengage", b'{"eventTime": "inf"}', {}, None, 400, "eventTime is not a finite"),
        ("branch", b'{"timestamp": 1' + b"0" * 400 + b"}", {}, None, 400, "not a finite"),
        ("branch", b'{"id": "' + b"x" * 129 + b'"}', {}, None, 400, "id is longer than 128"),
    ],
)
def test_accept_refuses_with_status_and_reason(
    partner: str, raw: bytes, headers: dict[str, str], secret: bytes | None, status: int,
    reason: str,
) -> None:  # fmt: skip
    with pytest.raises(Refused, match=reason) as refused:
        accept(PARTNER[partner], raw, Headers(headers), NOW, secret)
    assert refused.value.status == status


@pytest.mark.unit
@pytest.mark.parametrize("timestamp", [1e30, 2**63, 2**64 + 1, 9.2e18])
def test_timestamps_past_now_become_now(timestamp: float) -> None:
    event = accept(PARTNER["branch"], json.dumps({"timestamp": timestamp}).encode(), Headers(),
                   NOW, None)  # fmt: skip
    assert event.timestamp_ms == NOW


@pytest.mark.unit
def test_paired_surrogate_escapes_are_text() -> None:
    event = accept(PARTNER["branch"], b'{"name": "\\ud83d\\ude00 \\u0000"}', Headers(), NOW, None)
    assert event.branch.event_name == "\U0001f600 \x00"


async def _rows(client: Client, table: str, column: str, value: str) -> list[Any]:
    for _ in range(600):
        rows = client.query(
            f"SELECT * FROM _e.{table} FINAL WHERE {column} = {{v:String}}", parameters={"v": value}
        ).result_rows
        if rows:
            return rows
        await asyncio.sleep(0.05)
    return []


@pytest.mark.service
async def test_webhooks_land_in_their_tables_and_forged_shopify_is_refused(
    ingest_settings: IngestSettings, server: None, sinks: Any, clickhouse_client: Client
) -> None:
    await sinks(["branch_event", "vidooly_event", "shopify_event", "webengage_event"], DIRECT)
    tag = uuid.uuid4().hex
    secret = b"shop-secret"
    base = f"http://127.0.0.1:{ingest_settings.ingest_http_port}"
    async with httpx.AsyncClient(base_url=base) as http:
        ok = [
            await http.post("/branch/event", json={"id": f"b-{tag}", "name": "INSTALL"}),
            await http.post("/vidooly/event", json={"id": f"v-{tag}", "event": "view"}),
            await http.post("/webengage/event",
                            json={"eventId": f"w-{tag}", "userId": "u", "eventName": "Viewed"}),
        ]  # fmt: skip
        shop_body = json.dumps({"id": 7, "total_price": "10.00"}).encode()
        shop_headers = {"x-shopify-webhook-id": f"s-{tag}", "x-shopify-topic": "orders/paid"}
        signed = await http.post(
            "/shopify/event",
            content=shop_body,
            headers={**shop_headers, "x-shopify-hmac-sha256": _sign(secret, shop_body)},
        )
        forged_headers = {**shop_headers, "x-shopify-webhook-id": f"forged-{tag}"}
        forged = await http.post(
            "/shopify/event",
            content=shop_body,
            headers={**forged_headers, "x-shopify-hmac-sha256": _sign(b"guess", shop_body)},
        )
        unsigned = await http.post("/shopify/event", content=shop_body, headers=forged_headers)
        bad_json = await http.post("/branch/event", content=b"{not json")
        not_object = await http.post("/branch/event", json=[1, 2])
        too_big = await http.post(
            "/vidooly/event", content=b"x" * (ingest_settings.ingest_max_webhook_bytes + 1)
        )

    assert [r.status_code for r in ok] == [200, 200, 200]
    assert ok[0].json() == {"accepted": 1, "event_id": f"b-{tag}"}
    assert signed.status_code == 200
    assert (forged.status_code, unsigned.status_code) == (401, 401)
    assert "does not match" in forged.json()["error"]
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]
    assert not_object.status_code == 400 and "JSON object" in not_object.json()["error"]
    assert too_big.status_code == 413
    branch = await _rows(clickhouse_client, "branch_event", "event_id", f"b-{tag}")
    assert json.loads(branch[0][-2]) == {"id": f"b-{tag}", "name": "INSTALL"}
    assert await _rows(clickhouse_client, "vidooly_event", "event_id", f"v-{tag}")
    assert await _rows(clickhouse_client, "webengage_event", "event_id", f"w-{tag}")
    assert await _rows(clickhouse_client, "shopify_event", "event_id", f"s-{tag}")
    # The forged one was never published: the signed one after it landed, it did not.
    assert clickhouse_client.query(
        "SELECT count() FROM _e.shopify_event WHERE event_id = {v:String}",
        parameters={"v": f"forged-{tag}"},
    ).result_rows == [(0,)]


@pytest.mark.service
async def test_heartbeat_drains_and_restores(ingest_settings: IngestSettings, server: None) -> None:
    base = f"http://127.0.0.1:{ingest_settings.ingest_http_port}"
    async with httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/heartbeat")).json() == {"beat": True}
        assert (await http.put("/heartbeat", params={"beat": "false"})).status_code == 200
        assert (await http.get("/heartbeat")).status_code == 503
        assert (await http.put("/heartbeat", params={"beat": "maybe"})).status_code == 400
        await http.put("/heartbeat", params={"beat": "true"})
        assert (await http.get("/heartbeat")).status_code == 200
        assert (await http.get("/healthz")).status_code == 200
        wrong_method = await http.get("/branch/event", headers={"x-request-id": "r-1"})
        assert (wrong_method.status_code, wrong_method.headers["x-request-id"]) == (405, "r-1")
        metrics = (await http.get("/metrics")).text
    assert "reach_ingest_events_received_total" in metrics


# Properties: whatever arrives, the answer is a 200 or a 4xx with a JSON error, over real
# sockets to `reach ingest serve`; the server is shared by every example, so it must also
# survive them all.

FUZZ = settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
PATHS = st.sampled_from([f"/{p.name}/event" for p in PARTNERS])
FIELDS = ("id", "name", "timestamp", "eventTime", "eventId", "eventData", "user_data",
          "last_attributed_touch_data", "total_price", "currency", "event", "video_id")  # fmt: skip
# Bodies shaped like the partners' (their keys, any values) and anything else at all.
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), fuzzing.JSON_VALUES, max_size=6).map(
        fuzzing.json_bytes
    ),
    fuzzing.JSON_VALUES.map(fuzzing.json_bytes),
    fuzzing.nested(),
    st.binary(max_size=200),
)


async def _post(
    settings: IngestSettings, path: str, body: bytes, headers: dict[bytes, bytes], sign: bool
) -> httpx.Response:
    if sign and path == "/shopify/event":
        headers[b"x-shopify-hmac-sha256"] = _sign(b"shop-secret", body).encode()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.ingest_http_port}") as c:
        return await c.post(path, content=body, headers=list(headers.items()))


@pytest.mark.service
@FUZZ
@given(
    path=PATHS,
    body=BODIES,
    sign=st.booleans(),
    content_type=fuzzing.CONTENT_TYPES,
    headers=st.dictionaries(
        st.sampled_from([b"x-shopify-hmac-sha256", b"x-shopify-webhook-id", b"x-shopify-topic",
                         b"x-shopify-shop-domain", b"x-request-id", b"x-anything"]),
        fuzzing.HEADER_VALUES,
        max_size=4,
    ),
)  # fmt: skip
async def test_any_body_and_headers_get_success_or_a_json_4xx(
    ingest_settings: IngestSettings,
    server: None,
    path: str,
    body: bytes,
    sign: bool,
    content_type: bytes,
    headers: dict[bytes, bytes],
) -> None:
    response = await _post(
        ingest_settings, path, body, {b"content-type": content_type, **headers}, sign
    )
    fuzzing.assert_answered_well(response)


@pytest.mark.service
@settings(FUZZ, max_examples=50)
@given(path=PATHS, extra=st.integers(min_value=-64, max_value=64), declared=st.booleans())
async def test_bodies_around_the_size_limit_get_success_or_413(
    ingest_settings: IngestSettings, server: None, path: str, extra: int, declared: bool
) -> None:
    head = b'{"id":"big","pad":"'
    size = ingest_settings.ingest_max_webhook_bytes + extra
    body = head + b"p" * (size - len(head) - 2) + b'"}'
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{ingest_settings.ingest_http_port}"
    ) as client:
        if declared:
            response = await client.post(path, content=body, headers=_signed(path, body))
        else:  # chunked: no Content-Length to refuse early on
            response = await client.post(path, content=_chunks(body), headers=_signed(path, body))
    fuzzing.assert_answered_well(response)
    assert response.status_code == (413 if size > ingest_settings.ingest_max_webhook_bytes
                                    else 200)  # fmt: skip


def _signed(path: str, body: bytes) -> dict[str, str]:
    return {"x-shopify-hmac-sha256": _sign(b"shop-secret", body)} if "shopify" in path else {}


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 65_536):
        yield body[start : start + 65_536]


@pytest.mark.service
async def test_bytes_http_forbids_in_a_header_get_a_4xx_not_a_dropped_connection(
    ingest_settings: IngestSettings, server: None
) -> None:
    # The HTTP server refuses these before the app sees them; the client still gets an answer.
    for bad in (b"\x00", b"\x01", b"a\rb", b"\x7f"):
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", ingest_settings.ingest_http_port
        )
        writer.write(
            b"POST /branch/event HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"x-shopify-topic: " + bad + b"\r\n\r\n{}"
        )
        await writer.drain()
        status_line = await reader.readline()
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 4") or status_line.startswith(b"HTTP/1.1 2"), (
            bad,
            status_line,
        )
