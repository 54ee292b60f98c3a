"""Where every event payload goes: the one routing table of the ingestion service.

A payload (the field set in `Event.payload`) is published to one exchange with one routing key
and lands in one queue, whose sink writes one ClickHouse table. The gRPC server and webhooks
publish by this table, the sinks and `topology` declare and consume by it, and the operator's
EventSink reads it for the defaults of a sink. Routing keys are the payload names, which is also
what the scraper uses when it publishes its logs to `beat.dx`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class ExchangeType(StrEnum):
    TOPIC = "topic"
    DIRECT = "direct"


@dataclass(frozen=True)
class Exchange:
    name: str
    type: ExchangeType


GRPC_EVENT = Exchange("grpc_event.tx", ExchangeType.TOPIC)
GRPC_EVENT_ERROR = Exchange("grpc_event_error.dx", ExchangeType.DIRECT)
BRANCH_EVENT = Exchange("branch_event.tx", ExchangeType.TOPIC)
WEBENGAGE_EVENT = Exchange("webengage_event.dx", ExchangeType.DIRECT)
SHOPIFY_EVENT = Exchange("shopify_event.dx", ExchangeType.DIRECT)
VIDOOLY_EVENT = Exchange("vidooly_event.dx", ExchangeType.DIRECT)
BEAT = Exchange("beat.dx", ExchangeType.DIRECT)
# Messages a sink gives up on, with the error in their headers; routing key = the queue name.
DEAD_LETTER = Exchange("ingest.dlx", ExchangeType.DIRECT)

REJECTED = "rejected"


@dataclass(frozen=True)
class Route:
    payload: str
    exchange: Exchange
    routing_key: str
    queue: str
    table: str


def _app(payload: str, queue: str, table: str) -> Route:
    return Route(payload, GRPC_EVENT, payload, queue, table)


def _beat(payload: str, table: str) -> Route:
    return Route(payload, BEAT, payload, f"{payload}_events_q", table)


# App events without a table of their own share `event` (their fields in one tuple column each).
_GENERIC_APP = (
    "launch",
    "page_opened",
    "widget_view",
    "widget_cta_click",
    "add_to_cart",
    "initiate_purchase",
    "complete_purchase",
    "streaming",
    "verification",
)

ROUTES: tuple[Route, ...] = (
    *(_app(p, "grpc_clickhouse_event_q", "event") for p in _GENERIC_APP),
    _app("click", "clickhouse_click_event_q", "click_event"),
    _app("app_init", "app_init_event_q", "app_init_event"),
    _app("ab_assignment", "ab_assignment_q", "ab_assignment"),
    _app("entity_metric", "entity_metric_q", "entity_metric"),
    _app("activity_tracker", "activity_tracker_q", "activity_tracker"),
    _app("affiliate_order", "affiliate_order_q", "affiliate_order"),
    _app("graphy", "graphy_event_q", "graphy_event"),
    Route("branch", BRANCH_EVENT, "branch", "branch_event_q", "branch_event"),
    Route("webengage", WEBENGAGE_EVENT, "webengage", "webengage_event_q", "webengage_event"),
    Route("shopify", SHOPIFY_EVENT, "shopify", "shopify_event_q", "shopify_event"),
    Route("vidooly", VIDOOLY_EVENT, "vidooly", "vidooly_event_q", "vidooly_event"),
    Route(REJECTED, GRPC_EVENT_ERROR, "error_event", "error_event_q", "error_event"),
    _beat("profile_log", "profile_log"),
    _beat("post_log", "post_log_event"),
    _beat("asset_log", "asset_log"),
    _beat("sentiment_log", "sentiment_log"),
    _beat("scrape_request_log", "scrape_request_log"),
    _beat("trace_log", "trace_log"),
    _beat("profile_relationship_log", "profile_relationship_log"),
)

BY_PAYLOAD: Mapping[str, Route] = MappingProxyType({r.payload: r for r in ROUTES})


@dataclass(frozen=True)
class Sink:
    """A durable queue bound to `exchange` by `routing_keys`, drained into `table` (ClickHouse)
    or, when `table` is None, forwarded to an outside API by the sink of that name."""

    name: str
    queue: str
    exchange: Exchange
    routing_keys: tuple[str, ...]
    table: str | None

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"


def _clickhouse_sinks() -> dict[str, Sink]:
    by_queue: dict[str, list[Route]] = {}
    for route in ROUTES:
        by_queue.setdefault(route.queue, []).append(route)
    sinks = {}
    for queue, routes in by_queue.items():
        first = routes[0]
        if any(r.exchange != first.exchange or r.table != first.table for r in routes):
            raise ValueError(f"routes into {queue} disagree on exchange or table")
        sinks[first.table] = Sink(
            first.table, queue, first.exchange, tuple(r.routing_key for r in routes), first.table
        )
    return sinks


# WebEngage events also go to WebEngage's API (the seed's SinkWebengageToAPI).
WEBENGAGE_API = Sink(
    "webengage_api", "webengage_event_api_q", WEBENGAGE_EVENT, ("webengage",), table=None
)

SINKS: Mapping[str, Sink] = MappingProxyType(
    {**_clickhouse_sinks(), WEBENGAGE_API.name: WEBENGAGE_API}
)

EXCHANGES: tuple[Exchange, ...] = tuple(dict.fromkeys([*(r.exchange for r in ROUTES), DEAD_LETTER]))
