"""The sandbox's other RapidAPI-style providers: each behind RapidAPI's key check, each its own
upstream for faults and call counts, each answering an unknown account its own documented way.
(The scraper's sources read their shapes in tests/scraper/sources/test_rapid_providers.py.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reach.sandbox.instagram_providers import PROVIDERS
from reach.sandbox.state import SandboxState, Upstream

from .conftest import TOKEN

pytestmark = pytest.mark.unit
RAPID = {"x-rapidapi-key": TOKEN, "x-rapidapi-host": "sandbox"}
# Each provider's profile request for an account, and what it answers for one it lacks.
PROFILE: dict[Upstream, tuple[str, str, dict[str, str]]] = {
    "rocketapi": ("POST", "/instagram/user/get_info", {"username": "{}"}),
    "looter": ("GET", "/profile", {"username": "{}"}),
    "instagram28": ("GET", "/user_info", {"user_name": "{}"}),
    "bulkprofile": ("GET", "/clients/api/ig/ig_profile", {"ig": "{}"}),
    "igstats": ("GET", "/community", {"url": "https://www.instagram.com/{}/"}),
}
UNKNOWN: dict[Upstream, Any] = {
    "rocketapi": {
        "status": "done",
        "response": {
            "status_code": 404,
            "content_type": "application/json",
            "body": {"message": "User not found", "status": "fail"},
        },
    },
    "looter": {"status": False},
    "instagram28": {"data": {"user": None}, "status": "ok"},
    "bulkprofile": [{"name": "INVALID_USERNAME", "username": "nobody.here"}],
    "igstats": {"meta": {"code": 404, "message": "Account not found"}},
}


async def ask(
    client: httpx.AsyncClient, up: Upstream, handle: str, key: str = TOKEN
) -> httpx.Response:
    method, path, params = PROFILE[up]
    filled = {name: value.format(handle) for name, value in params.items()}
    headers = {**RAPID, "x-rapidapi-key": key}
    url = f"/rapidapi/{up}{path}"
    if method == "POST":
        return await client.post(url, json=filled, headers=headers)
    return await client.get(url, params=filled, headers=headers)


def test_every_provider_has_its_profile_request() -> None:
    assert set(PROFILE) == set(UNKNOWN) == set(PROVIDERS)


@pytest.mark.parametrize("up", PROVIDERS)
async def test_each_provider_answers_an_unknown_account_its_own_way(
    client: httpx.AsyncClient, up: Upstream
) -> None:
    answer = await ask(client, up, "nobody.here")
    assert answer.status_code == 200 and answer.json() == UNKNOWN[up]


@pytest.mark.parametrize("up", PROVIDERS)
async def test_each_provider_is_behind_the_key_check_and_its_own_switch(
    client: httpx.AsyncClient, state: SandboxState, up: Upstream
) -> None:
    handle = state.universe.handles(1)[0]
    refused = await ask(client, up, handle, key="not-subscribed")
    assert refused.status_code == 403
    assert refused.json() == {"message": "You are not subscribed to this API."}
    armed = await client.post("/_sandbox/faults", json={"upstream": up, "mode": "503", "count": 1})
    assert armed.status_code == 200
    assert [(await ask(client, up, handle)).status_code for _ in range(2)] == [503, 200]
    assert (await client.get("/_sandbox/calls")).json() == {up: 3}
