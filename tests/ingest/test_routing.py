from __future__ import annotations

from collections import Counter

import pytest

from reach.common.events import events_pb2 as pb
from reach.ingest.routing import (
    BEAT,
    BY_PAYLOAD,
    EXCHANGES,
    GRPC_EVENT,
    GRPC_EVENT_DIRECT,
    ROUTES,
    SINKS,
    ExchangeType,
)
from reach.ingest.tables import TABLES

pytestmark = pytest.mark.unit

PAYLOADS = [f.name for f in pb.Event.DESCRIPTOR.oneofs_by_name["payload"].fields]
SCRAPER_LOGS = [
    "profile_log", "post_log", "asset_log", "sentiment_log", "scrape_request_log", "order_log",
    "post_activity_log", "profile_relationship_log", "youtube_playlist_log",
    "youtube_playlist_item_log", "youtube_video_category_log", "youtube_channel_section_log",
]  # fmt: skip
# Other services publish these to exchanges of their own.
SERVICE_EVENTS = {
    "trace_log": "identity.dx", "create_user_account": "identity.dx",
    "account_profile_complete": "identity.dx", "affiliate_order": "affiliate.dx",
    "bigboss_vote": "bigboss",
}  # fmt: skip


def test_every_payload_has_exactly_one_route() -> None:
    assert sorted(r.payload for r in ROUTES) == sorted(PAYLOADS)
    assert set(BY_PAYLOAD) == set(PAYLOADS)


def test_every_route_lands_in_a_declared_table_through_a_sink() -> None:
    for route in ROUTES:
        assert route.table in TABLES, route
        sink = SINKS[route.table]
        assert (sink.queue, sink.exchange) == (route.queue, route.exchange)
        assert route.routing_key in sink.routing_keys


def test_scraper_logs_come_from_beat_with_the_payload_name_as_routing_key() -> None:
    assert BEAT.type is ExchangeType.DIRECT
    for payload in SCRAPER_LOGS:
        route = BY_PAYLOAD[payload]
        assert (route.exchange, route.routing_key) == (BEAT, payload)


def test_other_services_events_come_from_their_exchanges_keyed_by_payload_name() -> None:
    for payload, exchange in SERVICE_EVENTS.items():
        route = BY_PAYLOAD[payload]
        assert (route.exchange.name, route.routing_key) == (exchange, payload)


def test_app_events_with_a_table_of_their_own_go_direct_the_rest_by_topic() -> None:
    app = [r for r in ROUTES if r.exchange in (GRPC_EVENT, GRPC_EVENT_DIRECT)]
    payloads_per_table = Counter(r.table for r in app)
    for route in app:
        shared = payloads_per_table[route.table] > 1
        assert route.exchange == (GRPC_EVENT if shared else GRPC_EVENT_DIRECT), route
    assert {"event", "catalogue_event", "click_event"} <= set(payloads_per_table)


def test_exchanges_are_the_seeds() -> None:
    names = {e.name: e.type for e in EXCHANGES}
    assert names["grpc_event.tx"] is ExchangeType.TOPIC
    assert names["branch_event.tx"] is ExchangeType.TOPIC
    for direct in (
        "grpc_event.dx", "grpc_event_error.dx", "webengage_event.dx", "shopify_event.dx",
        "beat.dx", "identity.dx", "affiliate.dx", "bigboss",
    ):  # fmt: skip
        assert names[direct] is ExchangeType.DIRECT


def test_webengage_events_also_go_to_the_forwarding_sink() -> None:
    forward = SINKS["webengage_api"]
    assert forward.table is None
    assert forward.exchange == BY_PAYLOAD["webengage"].exchange
    assert forward.queue != SINKS["webengage_event"].queue
