"""collection groups: a partner groups its own profile collections, never another's."""

from __future__ import annotations

import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/collection-group-service/api/group"
COLLECTIONS = "/profile-collection-service/api/collection"


async def test_groups_hold_only_the_partners_own_collections(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    mine = tenants.headers(tenants.pro, "PRO")
    theirs = tenants.headers(tenants.other, "PRO")
    own = [(await client.post(COLLECTIONS, json={"name": n}, headers=mine)).json()["data"]["id"]
           for n in ("a", "b")]  # fmt: skip
    foreign = (await client.post(COLLECTIONS, json={"name": "c"}, headers=theirs)).json()
    created = await client.post(URL, json={"name": "Q4", "collection_ids": own}, headers=mine)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["collection_ids"] == own

    stolen = await client.patch(
        f"{URL}/{created.json()['data']['id']}",
        json={"collection_ids": [*own, foreign["data"]["id"]]},
        headers=mine,
    )
    assert stolen.status_code == 422
    assert stolen.json()["error"]["fields"][0]["field"] == "body.collection_ids"
    kept = await client.get(f"{URL}/{created.json()['data']['id']}", headers=mine)
    assert kept.json()["data"]["collection_ids"] == own
    renamed = await client.patch(
        f"{URL}/{created.json()['data']['id']}", json={"name": "Q1"}, headers=mine
    )
    assert renamed.json()["data"] | {"updated_at": None} == created.json()["data"] | {
        "name": "Q1",
        "updated_at": None,
    }
    nameless = await client.patch(
        f"{URL}/{created.json()['data']['id']}", json={"name": None}, headers=mine
    )
    assert nameless.status_code == 422
