"""With a signing secret the API serves only requests the gateway signed: unsigned, forged and
stale ones get 401 in the envelope; probes need no signature."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest

from reach.api.app import Services, create_app
from reach.common.probes import Readiness
from reach.common.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

from .conftest import Tenants

pytestmark = pytest.mark.service
SECRET = b"shared-with-the-gateway"


@pytest.fixture
async def signed_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(services, Readiness(), (SECRET, 30))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as client:
        yield client


def gateway_headers(tenants: Tenants, target: bytes, *, age: int = 0) -> dict[str, str]:
    headers = tenants.headers(tenants.pro, "PRO") | {"x-bb-requestid": "rid-00000001"}
    stamp = int(time.time()) - age
    headers[TIMESTAMP_HEADER] = str(stamp)
    headers[SIGNATURE_HEADER] = signature(SECRET, stamp, "GET", target, headers)
    return headers


async def test_only_fresh_gateway_signatures_get_through(
    signed_client: httpx.AsyncClient, tenants: Tenants
) -> None:
    path = "/profile-collection-service/api/collection"
    ok = await signed_client.get(path, headers=gateway_headers(tenants, path.encode()))
    assert ok.status_code == 200, ok.text

    unsigned = await signed_client.get(path, headers=tenants.headers(tenants.pro, "PRO"))
    assert unsigned.status_code == 401
    assert unsigned.json()["error"]["code"] == "UNSIGNED_REQUEST"

    elsewhere = await signed_client.get(
        path + "?page=2", headers=gateway_headers(tenants, path.encode())
    )
    assert elsewhere.status_code == 401

    promoted = gateway_headers(tenants, path.encode()) | {"x-bb-partner-id": str(tenants.other)}
    assert (await signed_client.get(path, headers=promoted)).status_code == 401

    replayed = await signed_client.get(
        path, headers=gateway_headers(tenants, path.encode(), age=60)
    )
    assert replayed.status_code == 401
    assert "stale" in replayed.json()["error"]["message"]

    assert (await signed_client.get("/healthz")).status_code == 200
