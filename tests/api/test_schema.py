"""Schemathesis over the API's own OpenAPI spec, against `reach api serve` (and the scraper API
it enqueues through) as real processes: no request may get a 5xx or an answer that breaks the
spec; and whatever the tenancy headers hold, missing ones are 401 and forged ones 403."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import redis
import schemathesis
import schemathesis.checks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.common.settings import StoreSettings
from reach.testing import fuzzing
from reach.testing.ports import free_port
from reach.testing.processes import REACH, wait_ready

pytestmark = pytest.mark.service
_MARTS = """
from marts import create_marts
from reach.common.clickhouse import get_client
client = get_client(dsn="{dsn}")
create_marts(client, "dbt")
client.close()
"""


async def _partner(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        partner_id: int = await conn.fetchval(
            "INSERT INTO partner (name, plan_type) VALUES ('Schema brand', 'PRO') RETURNING id"
        )
        await conn.execute(
            "INSERT INTO instagram_account (profile_id, handle, followers, refreshed_at)"
            " VALUES ('ig-1', 'known', 10, now())"
        )
        # A place ("0", what generated location ids often are) and a post tagged at it.
        await conn.execute(
            "INSERT INTO mart_post_location (location_id, location_name, posts, engagement_rate)"
            " VALUES ('0', 'Somewhere', 1, 2.5)"
        )
        await conn.execute(
            "INSERT INTO instagram_post (post_id, shortcode, profile_id, location_id)"
            " VALUES ('p-1', 'Cknown01', 'ig-1', '0')"
        )
        return partner_id
    finally:
        await conn.close()


@pytest.fixture
def served(settings: StoreSettings, amqp_url: str, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The API's base URL and a PRO partner of its database."""
    partner_id = asyncio.run(_partner(str(settings.postgres_dsn)))
    # The server's embedded ClickHouse is a folder only one process may open, so its marts are
    # made by a process of their own before the server starts.
    clickhouse_dsn = f"chdb://{tmp_path / 'clickhouse'}"
    subprocess.run(
        [sys.executable, "-c", _MARTS.format(dsn=clickhouse_dsn)],
        check=True,
        cwd=Path(__file__).parent,
        timeout=120,
    )
    scraper_port, api_port = free_port(), free_port()
    prefix = f"reach-test:schema:{api_port}"
    env = {
        **os.environ,
        "REACH_POSTGRES_DSN": str(settings.postgres_dsn),
        "REACH_AMQP_URL": amqp_url,
        "REACH_DATA_DIR": str(tmp_path),
        "REACH_CLICKHOUSE_URL": clickhouse_dsn,
        "REACH_SCRAPER_API_URL": f"http://127.0.0.1:{scraper_port}",
        "REACH_CACHE_PREFIX": prefix,
    }
    processes = [
        subprocess.Popen([REACH, "scraper", "api", "--port", str(scraper_port)], env=env),
        subprocess.Popen([REACH, "api", "serve", "--port", str(api_port)], env=env),
    ]
    try:
        wait_ready(f"http://127.0.0.1:{scraper_port}/readyz", processes[0])
        wait_ready(f"http://127.0.0.1:{api_port}/readyz", processes[1])
        yield f"http://127.0.0.1:{api_port}", partner_id
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        with redis.Redis.from_url(str(settings.redis_url)) as cache:
            keys = list(cache.scan_iter(f"{prefix}:*", count=10_000))
            if keys:
                cache.delete(*keys)


def test_no_5xx_and_no_schema_violation(served: tuple[str, int]) -> None:
    url, partner_id = served
    # Requests as the gateway sends them: the tenant headers are set, the rest is generated.
    headers = {"x-bb-partner-id": str(partner_id), "x-bb-plan-type": "PRO"}
    assert httpx.get(f"{url}/docs").status_code == 200
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            # Some valid-looking input is refused on meaning (a cursor this API never gave out,
            # a ranking that does not exist): 4xx there is right, so only that check is off.
            case.call_and_validate(
                headers=headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
            )

        try:
            check()
        except Exception as exc:  # every operation is checked; all failures are reported
            failures[operation.label] = str(exc)[:2000]
    assert operations >= 40
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


_TENANT_VALUES = st.one_of(
    st.none(),
    st.just(""),
    fuzzing.HEADER_VALUES,
    st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: str(n).encode()),
    st.sampled_from([b"FREE", b"SAAS", b"PRO", b"pro", b"ENTERPRISE", b"1", b"01"]),
)


@given(partner=_TENANT_VALUES, plan=_TENANT_VALUES, real_partner=st.booleans(),
       path=st.sampled_from(["/profile-collection-service/api/collection",
                             "/leaderboard-service/api/leaderboard/instagram"]))  # fmt: skip
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_tenancy_headers_missing_are_401_and_forged_are_403(
    served: tuple[str, int],
    partner: bytes | None,
    plan: bytes | None,
    real_partner: bool,
    path: str,
) -> None:
    url, partner_id = served
    if real_partner and partner is not None:
        partner = str(partner_id).encode()
    headers = [(k, v) for k, v in ((b"x-bb-partner-id", partner), (b"x-bb-plan-type", plan))
               if v is not None]  # fmt: skip

    response = httpx.get(f"{url}{path}", headers=headers, timeout=30)

    fuzzing.assert_answered_well(response)
    code = response.json().get("error", {}).get("code") if response.status_code >= 400 else None
    if not partner or not plan:
        assert (response.status_code, code) == (401, "UNAUTHENTICATED"), response.text
    elif partner != str(partner_id).encode():
        assert response.status_code == 403, response.text
        assert code in ("INVALID_TENANT", "UNKNOWN_PARTNER"), response.text
    elif plan not in (b"FREE", b"SAAS", b"PRO"):
        assert (response.status_code, code) == (403, "INVALID_TENANT"), response.text
    else:
        assert response.status_code not in (401, 403), response.text
