"""Where every event payload goes: the one routing table of the ingestion service.

A payload (the field set in `Event.payload`) is published to one exchange with one routing key
and lands in one queue, whose sink writes one ClickHouse table. The gRPC server and webhooks
publish by this table, the sinks and `topology` declare and consume by it, and the operator's
EventSink reads it for the defaults of a sink. Routing keys are the payload names, which is also
what other services use when they publish to their own exchanges: the scraper its logs to
`beat.dx`, the identity service to `identity.dx`, affiliate partners to `affiliate.dx`, the
BigBoss show to `bigboss`.
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
# App events with a table of their own: one queue per routing key, so a direct exchange.
GRPC_EVENT_DIRECT = Exchange("grpc_event.dx", ExchangeType.DIRECT)
GRPC_EVENT_ERROR = Exchange("grpc_event_error.dx", ExchangeType.DIRECT)
BRANCH_EVENT = Exchange("branch_event.tx", ExchangeType.TOPIC)
WEBENGAGE_EVENT = Exchange("webengage_event.dx", ExchangeType.DIRECT)
SHOPIFY_EVENT = Exchange("shopify_event.dx", ExchangeType.DIRECT)
VIDOOLY_EVENT = Exchange("vidooly_event.dx", ExchangeType.DIRECT)
BEAT = Exchange("beat.dx", ExchangeType.DIRECT)
# Other services' exchanges the ingestion service consumes: the identity service (accounts and
# its request traces), affiliate partners' orders, and the BigBoss show's votes.
IDENTITY = Exchange("identity.dx", ExchangeType.DIRECT)
AFFILIATE = Exchange("affiliate.dx", ExchangeType.DIRECT)
BIGBOSS = Exchange("bigboss", ExchangeType.DIRECT)
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


def _shared(payload: str, queue: str, table: str) -> Route:
    """An app event in a table it shares with others (`payload_type` tells them apart)."""
    return Route(payload, GRPC_EVENT, payload, queue, table)


def _app(payload: str, queue: str, table: str) -> Route:
    """An app event with a table of its own."""
    return Route(payload, GRPC_EVENT_DIRECT, payload, queue, table)


def _keyed(exchange: Exchange, payload: str, queue: str, table: str) -> Route:
    return Route(payload, exchange, payload, queue, table)


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
# The rest of the original app's catalogue, which share `catalogue_event` (`reach.ingest.tables`
# gives it a tuple column per name here).
CATALOGUE_APP = (
    "page_loaded",
    "page_load_failed",
    "app_start",
    "session_id_change",
    "notification_action",
    "test_event",
    "widget_element_view",
    "widget_element_clicked",
    "enter_product",
    "enter_pwa_product_page",
    "choose_product",
    "go_to_payments",
    "purchase_failed",
    "stream_enter",
    "social_stream_enter",
    "social_stream_action",
    "host_action",
    "affiliate_action",
    "phone_verification_initiate",
    "phone_number_entered",
    "otp_verified",
    "initiate_review",
    "enter_review_screen",
    "submit_review",
    "view_all_reviews",
    "expand_review_image",
)

# The YouTube catalogue flows' logs, each in a table of its name.
YOUTUBE_CATALOGUE_LOGS = (
    "youtube_playlist_log",
    "youtube_playlist_item_log",
    "youtube_video_category_log",
    "youtube_channel_section_log",
)

ROUTES: tuple[Route, ...] = (
    *(_shared(p, "grpc_clickhouse_event_q", "event") for p in _GENERIC_APP),
    *(_shared(p, "grpc_catalogue_event_q", "catalogue_event") for p in CATALOGUE_APP),
    _app("click", "clickhouse_click_event_q", "click_event"),
    _app("app_init", "app_init_event_q", "app_init_event"),
    _app("ab_assignment", "ab_assignment_q", "ab_assignment"),
    _app("entity_metric", "entity_metric_q", "entity_metric"),
    _app("activity_tracker", "activity_tracker_q", "activity_tracker"),
    _app("launch_refer", "launch_refer_event_q", "launch_refer_event"),
    _app("referral", "referral_event_q", "referral_event"),
    _keyed(AFFILIATE, "affiliate_order", "affiliate_orders_event_q", "affiliate_order"),
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
    _beat("order_log", "order_log"),
    _beat("post_activity_log", "post_activity_log"),
    _keyed(IDENTITY, "trace_log", "trace_log", "trace_log"),
    _keyed(IDENTITY, "create_user_account", "create_user_account_q", "create_user_account_event"),
    _keyed(
        IDENTITY,
        "account_profile_complete",
        "event.account_profile_complete",
        "account_profile_complete_event",
    ),
    _keyed(BIGBOSS, "bigboss_vote", "bigboss_votes_log_q", "bigboss_vote_log"),
    _beat("profile_relationship_log", "profile_relationship_log"),
    *(_beat(log, log) for log in YOUTUBE_CATALOGUE_LOGS),
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
