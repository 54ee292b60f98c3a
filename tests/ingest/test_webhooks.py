from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx
import pytest
from clickhouse_connect.driver.client import Client
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
    ],
)
def test_accept_refuses_with_status_and_reason(
    partner: str, raw: bytes, headers: dict[str, str], secret: bytes | None, status: int,
    reason: str,
) -> None:  # fmt: skip
    with pytest.raises(Refused, match=reason) as refused:
        accept(PARTNER[partner], raw, Headers(headers), NOW, secret)
    assert refused.value.status == status


async def _rows(client: Client, table: str, column: str, value: str) -> list[Any]:
    import asyncio

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
