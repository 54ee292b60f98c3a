"""A sandbox Shopify Admin REST API: `GET /shopify/{shop}/admin/api/2024-01/orders.json` of any
`*.myshopify.com` shop, with the `X-Shopify-Access-Token` header.

Shapes as Shopify documents them: `{"orders": [...]}` with an order's `id`, `name`,
`created_at`, `updated_at`, `financial_status`, `currency`, `total_price` (a decimal string),
`customer`, `line_items`, `discount_codes` and `landing_site`; cursor pagination by the `Link`
header (`<...orders.json?limit=N&page_info=X>; rel="next"`, and `rel="previous"` after the
first page), where a request with `page_info` may carry only `limit` and `fields`; `limit` at
most 250; errors as `{"errors": ...}` (401 for a bad token). Each shop has a deterministic set
of orders, seeded by its name.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.sandbox.routing import UpstreamRoutes
from reach.sandbox.state import SandboxState
from reach.sandbox.upstreams import SHOPIFY_VERSION

MAX_LIMIT = 250
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ("paid", "paid", "paid", "pending", "refunded", "partially_refunded")
PRODUCTS = (("Glow Serum", "24.00"), ("Matte Lipstick", "12.50"), ("Daily Sunscreen", "18.00"))
CODES = ("CREATOR10", "PRIYA15", "WELCOME")
UTM = ("instagram", "youtube", "newsletter")


def order_count(shop: str) -> int:
    return 60 + random.Random(f"count:{shop}").randint(0, 90)


def order(shop: str, index: int) -> dict[str, Any]:
    rng = random.Random(f"order:{shop}:{index}")
    created = EPOCH + timedelta(hours=6 * index, minutes=rng.randint(0, 300))
    bought = [(product, rng.randint(1, 3)) for product in rng.sample(PRODUCTS, rng.randint(1, 2))]
    items = [
        {
            "id": 1_000_000 + index * 10 + n,
            "product_id": 7000 + PRODUCTS.index(product),
            "title": product[0],
            "price": product[1],
            "quantity": quantity,
        }
        for n, (product, quantity) in enumerate(bought)
    ]
    total = sum(float(product[1]) * quantity for product, quantity in bought)
    coded = rng.random() < 0.4
    return {
        "id": 450_000_000 + index,
        "name": f"#{1001 + index}",
        "email": f"buyer{index}@example.com",
        "created_at": created.isoformat(),
        "updated_at": (created + timedelta(hours=1)).isoformat(),
        "financial_status": rng.choice(STATUSES),
        "fulfillment_status": None,
        "currency": "INR",
        "total_price": f"{total:.2f}",
        "customer": {"id": 6_000_000 + rng.randint(0, 40)},
        "line_items": items,
        "discount_codes": (
            [{"code": rng.choice(CODES), "amount": "5.00", "type": "percentage"}] if coded else []
        ),
        "landing_site": f"/products/serum?utm_source={rng.choice(UTM)}",
    }


def shopify_error(status: int, errors: Any) -> Response:
    return JSONResponse({"errors": errors}, status)


def cursor(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"last": position}).encode()).decode().rstrip("=")


def position_of(page_info: str) -> int | None:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(page_info + "=" * (-len(page_info) % 4)))
        position = decoded["last"]
    except (ValueError, KeyError, TypeError):
        return None
    return position if isinstance(position, int) and position >= 0 else None


def routes(state: SandboxState) -> list[Route]:
    async def access_token(request: Request, path: str) -> Response | None:
        if request.headers.get("x-shopify-access-token") not in state.tokens:
            return shopify_error(
                401, "[API] Invalid API key or access token (unrecognized login or wrong password)"
            )
        return None

    api = UpstreamRoutes(
        state, "shopify", "/shopify/{shop}/admin/api/" + SHOPIFY_VERSION, access_token
    )

    @api.serve("/orders.json")
    async def orders(request: Request) -> Response:
        shop = request.path_params["shop"]
        if not shop.endswith(".myshopify.com"):
            return shopify_error(404, "Not Found")
        query = request.query_params
        try:
            limit = int(query.get("limit", "50"))
        except ValueError:
            return shopify_error(400, {"limit": ["must be an integer"]})
        if not 1 <= limit <= MAX_LIMIT:
            return shopify_error(400, {"limit": [f"must be between 1 and {MAX_LIMIT}"]})
        start = 0
        if "page_info" in query:
            if set(query) - {"page_info", "limit", "fields"}:
                return shopify_error(
                    400, {"page_info": ["only limit and fields may be given with page_info"]}
                )
            found = position_of(query["page_info"])
            if found is None:
                return shopify_error(400, {"page_info": ["Invalid value."]})
            start = found
        count = order_count(shop)
        page = [order(shop, i) for i in range(start, min(start + limit, count))]
        base = str(request.url.replace(query=""))
        links = []
        if start > 0:
            links.append(
                f'<{base}?limit={limit}&page_info={cursor(max(0, start - limit))}>; rel="previous"'
            )
        if start + limit < count:
            links.append(f'<{base}?limit={limit}&page_info={cursor(start + limit)}>; rel="next"')
        headers = {"Link": ", ".join(links)} if links else {}
        return JSONResponse({"orders": page}, headers=headers)

    return api.routes
