"""Shopify orders refresh against the sandbox's Admin REST API: every page followed by its
`Link` cursor, each order published as an order_log, nothing published when a page fails."""

from __future__ import annotations

import math

import pytest

from reach.sandbox import shopify as sandbox_shopify
from reach.sandbox.state import SandboxState
from reach.sandbox.upstreams import DEFAULT_TOKEN
from reach.scraper.queue.models import Complete, Retry
from reach.scraper.running import Runtime
from reach.scraper.sources.shopify import next_page

from ..conftest import EventTap, run_task

SHOP = "glow-beauty.myshopify.com"


def test_the_next_page_is_the_link_headers_next_url() -> None:
    # Shopify's documented header on a middle page: previous first, then next.
    link = (
        "<https://s.myshopify.com/admin/api/2024-01/orders.json?limit=50&page_info=abc>;"
        ' rel="previous", <https://s.myshopify.com/admin/api/2024-01/orders.json?limit=50'
        '&page_info=def>; rel="next"'
    )
    assert next_page(link) == (
        "https://s.myshopify.com/admin/api/2024-01/orders.json?limit=50&page_info=def"
    )
    assert next_page(link.split(", ")[0]) is None
    assert next_page(None) is None


@pytest.mark.service
async def test_a_stores_orders_are_published_page_by_page(
    runtime: Runtime, sandbox: tuple[str, SandboxState], beat_events: EventTap
) -> None:
    await runtime.credentials.put("shopify", SHOP, {"access_token": DEFAULT_TOKEN})
    count = sandbox_shopify.order_count(SHOP)
    _, outcome = await run_task(runtime, "refresh_shopify_orders", {"shop": SHOP, "page_size": 50})
    assert isinstance(outcome, Complete) and outcome.source == "shopify"
    assert outcome.result["orders"] == count
    assert sandbox[1].calls["shopify"] == math.ceil(count / 50)
    logs = [e.order_log for e in await beat_events.wait_for("order_log", count)]
    assert len({o.order_id for o in logs}) == count
    first = sandbox_shopify.order(SHOP, 0)
    log = next(o for o in logs if o.order_id == str(first["id"]))
    assert (log.platform, log.status, log.currency) == ("shopify", first["financial_status"], "INR")
    assert log.amount == pytest.approx(float(first["total_price"]))
    assert log.item_count == sum(i["quantity"] for i in first["line_items"])
    assert log.customer_id == str(first["customer"]["id"])
    assert log.dimensions["shop"] == SHOP and log.dimensions["name"] == "#1001"
    assert log.dimensions["utm_source"] in sandbox_shopify.UTM
    coded = [o for o in logs if "coupon" in o.dimensions]
    assert coded and all(o.dimensions["coupon"] in sandbox_shopify.CODES for o in coded)


@pytest.mark.service
async def test_a_limit_stops_the_paging(
    runtime: Runtime, sandbox: tuple[str, SandboxState]
) -> None:
    await runtime.credentials.put("shopify", SHOP, {"access_token": DEFAULT_TOKEN})
    _, outcome = await run_task(
        runtime, "refresh_shopify_orders", {"shop": SHOP, "limit": 60, "page_size": 50}
    )
    assert isinstance(outcome, Complete) and outcome.result["orders"] == 60
    assert sandbox[1].calls["shopify"] == 2


@pytest.mark.service
@pytest.mark.parametrize("mode", ["shape", "garbage"])
async def test_a_malformed_page_publishes_nothing(
    runtime: Runtime, sandbox: tuple[str, SandboxState], beat_events: EventTap, mode: str
) -> None:
    await runtime.credentials.put("shopify", SHOP, {"access_token": DEFAULT_TOKEN})
    sandbox[1].set_fault("shopify", mode, 1)  # type: ignore[arg-type]
    _, outcome = await run_task(runtime, "refresh_shopify_orders", {"shop": SHOP})
    assert isinstance(outcome, Retry) and "shopify: malformed" in outcome.error
    assert beat_events.events("order_log") == []


@pytest.mark.service
async def test_only_the_stores_own_token_is_used(
    runtime: Runtime, sandbox: tuple[str, SandboxState]
) -> None:
    await runtime.credentials.put("shopify", "other.myshopify.com", {"access_token": DEFAULT_TOKEN})
    _, outcome = await run_task(runtime, "refresh_shopify_orders", {"shop": SHOP})
    assert isinstance(outcome, Retry)
    assert f"no enabled credential named '{SHOP}'" in outcome.error
    assert sandbox[1].calls["shopify"] == 0


@pytest.mark.service
async def test_a_revoked_token_rests(runtime: Runtime, sandbox: tuple[str, SandboxState]) -> None:
    await runtime.credentials.put("shopify", SHOP, {"access_token": "shpat_revoked"})
    _, outcome = await run_task(runtime, "refresh_shopify_orders", {"shop": SHOP})
    assert isinstance(outcome, Retry) and "shopify: auth" in outcome.error
    assert await runtime.credentials.take("shopify", SHOP) is None
