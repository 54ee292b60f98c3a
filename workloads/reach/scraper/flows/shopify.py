"""Shopify orders refresh (`refresh_shopify_orders`): a connected store's orders, page by page
through the Admin REST API, published as order_log events once every page parsed (a failed
page publishes nothing)."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

from reach.scraper import processing
from reach.scraper.contract import FlowName, ShopifyOrdersParams
from reach.scraper.flows.base import FlowContext, collect_pages, flow
from reach.scraper.queue.models import Complete
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import StoreOrders


# Shopify's REST budget is a bucket of 40 calls per store leaking 2 a second.
@flow(
    FlowName.REFRESH_SHOPIFY_ORDERS,
    sources=("shopify",),
    rate_limits=(RateLimit(2, "second", "handle"),),
)
async def refresh_orders(ctx: FlowContext, p: ShopifyOrdersParams) -> Complete:
    """Fetch a connected Shopify store's orders and publish them as order_log events."""
    fetched = await ctx.chain.first(
        StoreOrders,
        lambda s: collect_pages(lambda cursor: s.orders(p.shop, p.page_size, cursor), p.limit),
        handle=p.rate_key(),
    )
    orders = fetched.value
    await ctx.publish(processing.order_logs(ctx.task_id, p.shop, orders, fetched.source))
    return Complete(
        source=fetched.source,
        result={"orders": len(orders), "amount": round(sum(o.amount for o in orders), 2)},
    )
