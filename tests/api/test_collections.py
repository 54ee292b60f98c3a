"""profile collections: CRUD, items with custom data, the public share link, sorting and
paging, and the change events on coffee.dx."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aio_pika.abc import AbstractRobustConnection

from .conftest import Tenants

pytestmark = pytest.mark.service
BASE = "/profile-collection-service/api/collection"
POSTS = "/post-collection-service/api/collection"


@dataclass(frozen=True)
class Kind:
    """What differs between the two collection kinds; everything else is tested once for both."""

    table: str
    base: str
    create: dict[str, Any]
    items: list[dict[str, Any]]
    key: str
    item_patch: dict[str, Any]


KINDS = [
    Kind(
        "profile_collection",
        BASE,
        {"name": "Diwali", "source": "CAMPAIGN", "description": "festive"},
        [
            {"platform": "instagram", "platform_profile_id": "ig-1", "custom_data": {"fee": 5}},
            {"platform": "youtube", "platform_profile_id": "UC2"},
        ],
        "platform_profile_id",
        {"custom_data": {"fee": 7}},
    ),
    Kind(
        "post_collection",
        POSTS,
        {"name": "Diwali", "source": "CAMPAIGN", "ingestion_frequency": "PT6H"},
        [
            {"platform": "instagram", "post_shortcode": "Cabc123", "custom_data": {"fee": 5}},
            {"platform": "youtube", "post_shortcode": "dQw4w9WgXcQ", "show_in_report": False},
        ],
        "post_shortcode",
        {"show_in_report": False, "custom_data": {"fee": 7}},
    ),
]


@pytest.mark.parametrize("kind", KINDS, ids=[k.table for k in KINDS])
async def test_collection_lifecycle_publishes_each_change(
    client: httpx.AsyncClient, tenants: Tenants, amqp: AbstractRobustConnection, kind: Kind
) -> None:
    channel = await amqp.channel()
    exchange = await channel.declare_exchange("coffee.dx", "topic", durable=True)
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(exchange, routing_key=f"{kind.table}.#")
    await queue.bind(exchange, routing_key=f"{kind.table}_item.#")
    headers = tenants.headers(tenants.pro, "PRO")

    created = await client.post(kind.base, json=kind.create, headers=headers)
    assert created.status_code == 201, created.text
    collection = created.json()["data"]
    assert {k: collection[k] for k in kind.create} == kind.create
    assert collection["items"] == 0
    url = f"{kind.base}/{collection['id']}"
    added = await client.post(f"{url}/items", json={"items": kind.items}, headers=headers)
    assert added.status_code == 201, added.text
    item_id = added.json()["data"][0]["id"]
    patched = await client.patch(f"{url}/items/{item_id}", json=kind.item_patch, headers=headers)
    assert {k: patched.json()["data"][k] for k in kind.item_patch} == kind.item_patch
    renamed = await client.patch(url, json={"name": "Diwali 2026"}, headers=headers)
    assert renamed.json()["data"]["name"] == "Diwali 2026"
    assert renamed.json()["data"]["items"] == 2
    # Adding an item again updates it instead of duplicating it.
    again = await client.post(f"{url}/items", json={"items": kind.items[1:]}, headers=headers)
    assert again.status_code == 201

    shared = await client.get(f"{kind.base}/shared/{collection['share_id']}")
    assert shared.status_code == 200
    assert shared.json()["data"]["collection"]["name"] == "Diwali 2026"
    assert [i[kind.key] for i in shared.json()["data"]["items"]] == [
        i[kind.key] for i in kind.items
    ]

    removed = await client.delete(f"{url}/items/{item_id}", headers=headers)
    assert removed.status_code == 200
    items = await client.get(f"{url}/items", headers=headers)
    assert [i[kind.key] for i in items.json()["data"]["results"]] == [kind.items[1][kind.key]]
    assert (await client.delete(url, headers=headers)).status_code == 200
    assert (await client.get(url, headers=headers)).status_code == 404
    assert (await client.get(f"{kind.base}/shared/{collection['share_id']}")).status_code == 404

    received: list[tuple[str, dict[str, Any]]] = []
    async with queue.iterator() as messages:
        async for message in messages:
            await message.ack()
            received.append((message.routing_key or "", json.loads(message.body)))
            if len(received) == 7:
                break
    assert [key for key, _ in received] == [
        f"{kind.table}.created",
        f"{kind.table}_item.added",
        f"{kind.table}_item.updated",
        f"{kind.table}.updated",
        f"{kind.table}_item.added",
        f"{kind.table}_item.removed",
        f"{kind.table}.deleted",
    ]
    assert all(body["partner_id"] == tenants.pro for _, body in received)
    await asyncio.wait_for(channel.close(), 10)


async def test_post_collection_settings_are_validated(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    too_often = await client.post(
        POSTS, json={"name": "x", "ingestion_frequency": "PT1M"}, headers=headers
    )
    assert too_often.status_code == 422
    assert too_often.json()["error"]["fields"][0]["field"] == "body.ingestion_frequency"
    created = await client.post(POSTS, json={"name": "x"}, headers=headers)
    url = f"{POSTS}/{created.json()['data']['id']}"
    bad_shortcode = await client.post(
        f"{url}/items",
        json={"items": [{"platform": "instagram", "post_shortcode": "no spaces"}]},
        headers=headers,
    )
    assert bad_shortcode.status_code == 422
    assert bad_shortcode.json()["error"]["fields"][0]["field"] == "body.items[0].post_shortcode"
    daily = await client.patch(url, json={"ingestion_frequency": "P1D"}, headers=headers)
    assert daily.json()["data"]["ingestion_frequency"] == "P1D"
    cleared = await client.patch(url, json={"ingestion_frequency": None}, headers=headers)
    assert cleared.json()["data"]["ingestion_frequency"] is None
    missing = await client.get(f"{POSTS}/987654/items", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


async def test_lists_sort_and_page(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.free, "FREE")
    for name in ("b", "c", "a", "d", "e"):
        await client.post(BASE, json={"name": name}, headers=headers)
    first = await client.get(
        BASE, params={"sort": "name", "order": "asc", "size": 2}, headers=headers
    )
    second = await client.get(
        BASE, params={"sort": "name", "order": "asc", "size": 2, "offset": 2}, headers=headers
    )
    assert [c["name"] for c in first.json()["data"]["results"]] == ["a", "b"]
    assert [c["name"] for c in second.json()["data"]["results"]] == ["c", "d"]
    assert first.json()["data"]["page"] == {"offset": 0, "size": 2, "total": 5}
    bad = await client.get(BASE, params={"sort": "secret"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "query.sort"


async def test_invalid_items_are_422_with_the_item_field(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    created = await client.post(BASE, json={"name": "x"}, headers=headers)
    response = await client.post(
        f"{BASE}/{created.json()['data']['id']}/items",
        json={"items": [{"platform": "instagram", "platform_profile_id": "a"}, {"platform": "x"}]},
        headers=headers,
    )
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {"body.items[1].platform", "body.items[1].platform_profile_id"}


async def test_text_postgresql_cannot_store_is_422(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    nul = await client.post(BASE, json={"name": "a\u0000b"}, headers=headers)
    assert nul.status_code == 422
    assert nul.json()["error"]["fields"][0]["field"] == "body.name"
    surrogate = await client.post(
        BASE,
        content=b'{"name": "ok", "description": "\\ud800"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert surrogate.status_code == 422
    assert surrogate.json()["error"]["fields"][0]["field"] == "body.description"
    created = await client.post(BASE, json={"name": "kept"}, headers=headers)
    erased = await client.patch(
        f"{BASE}/{created.json()['data']['id']}", json={"name": None}, headers=headers
    )
    assert erased.status_code == 422
