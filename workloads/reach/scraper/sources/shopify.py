"""Shopify Admin REST API (`shopify`): a connected store's orders, for `refresh_shopify_orders`.

A store's credential is named by its `*.myshopify.com` domain, `{"access_token": ...}` (an
Admin API access token, sent as `X-Shopify-Access-Token`). `GET orders.json?status=any` answers
`{"orders": [...]}` oldest first; the next page is the `Link` header's `rel="next"` URL, whose
`page_info` cursor may be sent only with `limit` (Shopify's cursor pagination). Errors come as
`{"errors": ...}` with the status saying which (401 token, 402/423 store frozen or locked,
404 no such store, 429 over the call budget).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel

from reach.scraper.models import Order, Page
from reach.scraper.sources.errors import Malformed, NotFound, SourceError
from reach.scraper.sources.http import CredentialedSource, parse, request_json

NAME = "shopify"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class _LineItem(BaseModel):
    quantity: int


class _Discount(BaseModel):
    code: str


class _Customer(BaseModel):
    id: int


class _Order(BaseModel):
    id: int
    name: str | None = None
    created_at: str
    financial_status: str | None = None
    currency: str
    total_price: float
    customer: _Customer | None = None
    line_items: list[_LineItem]
    discount_codes: list[_Discount] = []
    landing_site: str | None = None


class _Orders(BaseModel):
    orders: list[_Order]


def order_of(o: _Order) -> Order:
    dimensions = {}
    if o.discount_codes:
        dimensions["coupon"] = o.discount_codes[0].code
    utm = parse_qs(urlsplit(o.landing_site or "").query).get("utm_source")
    if utm:
        dimensions["utm_source"] = utm[0]
    return Order.model_validate(
        {
            "order_id": str(o.id),
            "name": o.name,
            "customer_id": str(o.customer.id) if o.customer else None,
            "status": o.financial_status or "unknown",
            "amount": o.total_price,
            "currency": o.currency,
            "item_count": sum(i.quantity for i in o.line_items),
            "created_at": o.created_at,
            "dimensions": dimensions,
        }
    )


def next_page(link: str | None) -> str | None:
    """The `rel="next"` URL of a `Link` header, if it has one."""
    found = _NEXT.search(link or "")
    return found.group(1) if found else None


class ShopifyAdmin(CredentialedSource):
    name = NAME

    @staticmethod
    def classify(source: str, status: int, body: Any) -> SourceError | None:
        if status == 404:
            return NotFound(source, "no such store")
        return None

    async def orders(self, shop: str, page_size: int, cursor: str | None) -> Page[Order]:
        url = cursor or f"{self.base_url.format(shop=shop)}/orders.json"
        # The next page's URL carries its own query (page_info and limit), and nothing may be
        # added to it.
        params: dict[str, str | int] | None = (
            None if cursor else {"status": "any", "limit": page_size}
        )
        headers: dict[str, str] = {}

        async def call(token: str) -> Any:
            return await request_json(
                self.client,
                NAME,
                "GET",
                url,
                params=params,
                headers={"x-shopify-access-token": token},
                classify=self.classify,
                headers_into=headers,
            )

        body = await self.with_credential(lambda c: call(c.secret("access_token")), name=shop)
        page = parse(NAME, _Orders, body)
        try:
            orders = [order_of(o) for o in page.orders]
        except ValueError as exc:
            raise Malformed(NAME, f"unexpected order: {exc}") from None
        return Page(items=orders, next_cursor=next_page(headers.get("link")))
