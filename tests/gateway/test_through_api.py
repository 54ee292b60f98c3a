"""Through the gateway to the real `reach api serve`: the API refuses callers that bypass the
gateway, and a FREE and a PRO token see the same profile with the plan's fields."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from reach.common.settings import StoreSettings
from reach.testing.ports import free_port
from reach.testing.processes import REACH, served

from .conftest import SIGNING, Gateway, gateway_env, running_gateway

pytestmark = pytest.mark.service
PROFILE = "/discovery-service/api/profile/instagram/gated.creator"


async def _profile(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO instagram_account (profile_id, handle, followers, engagement_rate,"
            " audience_gender, refreshed_at)"
            " VALUES ('ig-gated', 'gated.creator', 5000, 3.5, '{\"female\": 0.7}', now())"
        )
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def api_and_gateway(
    base_settings: StoreSettings,
    gateway_database: str,
    amqp_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Gateway]]:
    asyncio.run(_profile(gateway_database))
    data = tmp_path_factory.mktemp("api")
    port = free_port()
    api_env = {
        "REACH_POSTGRES_DSN": gateway_database,
        "REACH_AMQP_URL": amqp_url,
        "REACH_DATA_DIR": str(data),
        "REACH_CLICKHOUSE_URL": f"chdb://{Path(data) / 'clickhouse'}",
        "REACH_API_SIGNING_SECRET": SIGNING,
        "REACH_CACHE_PREFIX": f"reach-test:api:{uuid.uuid4().hex[:10]}",
    }
    api = f"http://127.0.0.1:{port}"
    with served([REACH, "api", "serve", "--port", str(port)], api_env, f"{api}/readyz"):
        env = gateway_env(gateway_database, str(base_settings.redis_url), api)
        with running_gateway(env) as gateway:
            yield api, gateway


def test_plans_gate_fields_end_to_end(api_and_gateway: tuple[str, Gateway]) -> None:
    _, gateway = api_and_gateway
    pro = gateway.token(gateway.partner("PRO"))
    free = gateway.token(gateway.partner("FREE"))
    with gateway.client() as client:
        seen_by_pro = client.get(PROFILE, headers={"Authorization": f"Bearer {pro}"})
        seen_by_free = client.get(PROFILE, headers={"Authorization": f"Bearer {free}"})
    assert seen_by_pro.status_code == 200, seen_by_pro.text
    assert seen_by_free.status_code == 200, seen_by_free.text
    assert seen_by_pro.json()["data"]["profile"]["audience_gender"] == {"female": 0.7}
    assert seen_by_free.json()["data"]["profile"]["audience_gender"] is None
    assert seen_by_free.json()["data"]["profile"]["followers"] == 5000


def test_the_api_refuses_whoever_bypasses_the_gateway(
    api_and_gateway: tuple[str, Gateway],
) -> None:
    api, gateway = api_and_gateway
    partner = gateway.partner("PRO")
    direct = httpx.get(
        f"{api}{PROFILE}", headers={"x-bb-partner-id": str(partner), "x-bb-plan-type": "PRO"}
    )
    assert direct.status_code == 401
    assert direct.json()["error"]["code"] == "UNSIGNED_REQUEST"
