"""The HTTP side of `reach ingest serve`: partners' webhooks, the load-balancer heartbeat, probes.

Each partner has a pure builder (JSON body + headers -> one `Event`); `accept` checks a request
(Shopify's HMAC, a JSON object) and builds its event, and `WebhookFront` reads the body (size
bounded), publishes the event and answers only after the broker confirmed. Bad requests get a
4xx saying why; nothing is half-accepted. `serving` builds the app with `webhook_app`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import math
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from reach.common.events import events_pb2 as pb
from reach.common.probes import Readiness, RequestIdMiddleware, probe_routes
from reach.common.text import find_string, has_lone_surrogate
from reach.ingest import metrics
from reach.ingest.dispatching import MAX_EVENT_ID, stamp
from reach.ingest.publishing import Publisher

log = logging.getLogger(__name__)

Builder = Callable[[Mapping[str, Any], Headers, int], pb.Event]


class Refused(Exception):
    """A webhook request refused with an HTTP status and a reason for the partner."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _text(value: Any) -> str:
    """A JSON value as a column string: strings as they are, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _number(value: Any, name: str) -> float:
    """A partner's number (or numeric string) as a float; 0.0 when it is no number at all. One
    that is (or overflows to) infinity or NaN is refused: no column can hold it honestly."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise Refused(400, f"{name} is not a finite number: {_text(value)[:40]}")
    return number


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _millis(value: Any, name: str, now_ms: int) -> int:
    """Epoch milliseconds from a partner's timestamp (ms, s or absent); a time after now is now,
    as `stamp` does for every event (clocks run ahead, and int64 ends)."""
    number = _number(value, name)
    if number <= 0:
        return now_ms
    # Seconds until the year 33658; anything larger is already milliseconds.
    return int(min(number * 1000 if number < 1e12 else number, now_ms))


def _event_id(value: str, name: str) -> str:
    # The partner's own id makes its retries of one webhook collapse into one row.
    if len(value) > MAX_EVENT_ID:
        raise Refused(400, f"{name} is longer than {MAX_EVENT_ID} characters")
    return value or uuid.uuid4().hex


def _own_event(
    body: Mapping[str, Any], now_ms: int, id_key: str, time_key: str, **payload: Any
) -> pb.Event:
    """The event of a partner that ids and times its events itself, in `body[id_key]` and
    `body[time_key]`, with its `payload` (one keyword: the payload's name)."""
    return pb.Event(
        event_id=_event_id(_text(body.get(id_key)), id_key),
        timestamp_ms=_millis(body.get(time_key), time_key, now_ms),
        **payload,
    )


def branch_event(body: Mapping[str, Any], headers: Headers, now_ms: int) -> pb.Event:
    user = _object(body.get("user_data"))
    touch = _object(body.get("last_attributed_touch_data"))
    branch = {
        "event_name": _text(body.get("name")),
        "developer_identity": _text(user.get("developer_identity")),
        "os": _text(user.get("os")),
        "campaign": _text(touch.get("~campaign")),
        "channel": _text(touch.get("~channel")),
        "feature": _text(touch.get("~feature")),
        "country": _text(user.get("geo_country_en")),
        "city": _text(user.get("geo_city_en")),
    }
    return _own_event(body, now_ms, "id", "timestamp", branch=branch)


def webengage_event(body: Mapping[str, Any], headers: Headers, now_ms: int) -> pb.Event:
    data = _object(body.get("eventData"))
    webengage = {
        "user_id": _text(body.get("userId")),
        "event_name": _text(body.get("eventName")),
        "event_data": {str(k): _text(v) for k, v in data.items()},
    }
    return _own_event(body, now_ms, "eventId", "eventTime", webengage=webengage)


def shopify_event(body: Mapping[str, Any], headers: Headers, now_ms: int) -> pb.Event:
    webhook_id = headers.get("x-shopify-webhook-id", "")
    return pb.Event(
        event_id=_event_id(webhook_id, "X-Shopify-Webhook-Id"),
        timestamp_ms=now_ms,
        shopify={
            "topic": headers.get("x-shopify-topic", ""),
            "shop_domain": headers.get("x-shopify-shop-domain", ""),
            "webhook_id": webhook_id,
            "order_id": _text(body.get("id")),
            "total_price": _number(body.get("total_price"), "total_price"),
            "currency": _text(body.get("currency")),
        },
    )


def vidooly_event(body: Mapping[str, Any], headers: Headers, now_ms: int) -> pb.Event:
    vidooly = {
        "event_name": _text(body.get("event")),
        "channel_id": _text(body.get("channel_id")),
        "video_id": _text(body.get("video_id")),
    }
    return _own_event(body, now_ms, "id", "timestamp", vidooly=vidooly)


def shopify_signature_valid(secret: bytes, body: bytes, signature: str) -> bool:
    """Shopify signs the raw body: base64(HMAC-SHA256(secret, body)) in X-Shopify-Hmac-Sha256."""
    expected = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())
    # Header values are latin-1 text (any byte), so compare bytes: compare_digest refuses
    # non-ASCII str.
    return hmac.compare_digest(expected, signature.encode("latin-1", errors="replace"))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lone_surrogate(value: Any) -> str | None:
    """The path of the first string (or key) in `value` holding a lone UTF-16 surrogate, which
    JSON's \\u escapes can spell but no UTF-8 text can carry; None when there is none."""
    found = find_string(value, has_lone_surrogate)
    if found is None:
        return None
    loc, is_key = found
    parts = loc[:-1] if is_key else loc
    path = "body" + "".join(f"[{p}]" if isinstance(p, int) else f".{p[:40]}" for p in parts)
    return f"{path} (a key)" if is_key else path


def parse_body(raw: bytes) -> tuple[str, dict[str, Any]]:
    """A webhook body as text and as a JSON object, or `Refused` naming what is wrong with it.

    Strict where Python's json is lenient: UTF-8 only (RFC 8259 between systems), no
    NaN/Infinity, no lone surrogates; nesting deeper than the parser's stack is refused too."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(400, f"body is not UTF-8: {exc}") from None
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise Refused(400, f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise Refused(400, "body is not valid JSON: nested too deeply") from None
    if not isinstance(body, dict):
        raise Refused(400, "body must be a JSON object")
    # Only a \\u escape can make a surrogate, so bodies without one skip the walk.
    if "\\ud" in text or "\\uD" in text:
        where = _lone_surrogate(body)
        if where is not None:
            raise Refused(400, f"{where} holds a lone UTF-16 surrogate, which is not text")
    return text, body


@dataclass(frozen=True)
class Partner:
    name: str
    payload: str
    build: Builder
    signed: bool = False


PARTNERS = (
    Partner("branch", "branch", branch_event),
    Partner("vidooly", "vidooly", vidooly_event),
    Partner("shopify", "shopify", shopify_event, signed=True),
    Partner("webengage", "webengage", webengage_event),
)


class Heartbeat:
    """Whether this instance wants traffic: PUT ?beat=false drains it from the load balancer
    before a deploy (the seed's runbook), ?beat=true brings it back."""

    def __init__(self) -> None:
        self.beating = True


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def accept(
    partner: Partner, raw: bytes, headers: Headers, now_ms: int, shopify_secret: bytes | None
) -> pb.Event:
    """The event a webhook request carries, ready to publish, or `Refused` saying why not."""
    if partner.signed:
        if shopify_secret is None:
            raise Refused(401, f"{partner.name} webhooks are not configured here")
        signature = headers.get("x-shopify-hmac-sha256", "")
        if not shopify_signature_valid(shopify_secret, raw, signature):
            raise Refused(401, "X-Shopify-Hmac-Sha256 does not match the body")
    text, body = parse_body(raw)
    try:
        event = partner.build(body, headers, now_ms)
    except RecursionError:  # a value nested as deep as the parser allowed, re-encoded
        raise Refused(400, "body is not valid JSON: nested too deeply") from None
    getattr(event, partner.payload).body = text
    stamp(event, partner.payload, now_ms)
    return event


class WebhookFront:
    """Serves `POST /{partner}/event` as plain ASGI and hands every other request to `app`.

    A webhook does little besides publishing, so the framework's per-request objects
    (Request, routing, Response, its middleware stack) were a third of its cost; answering
    these few routes directly lifts the requests one core serves by about that much."""

    def __init__(
        self,
        app: ASGIApp,
        publisher: Publisher,
        *,
        max_body_bytes: int,
        shopify_secret: bytes | None,
    ) -> None:
        self._app = app
        self._publisher = publisher
        self._max = max_body_bytes
        self._secret = shopify_secret
        self._partners = {f"/{p.name}/event": p for p in PARTNERS}
        self._received = {p.name: metrics.RECEIVED.labels("webhook", p.payload) for p in PARTNERS}
        self._handled = {p.name: metrics.WEBHOOK_SECONDS.labels(p.name) for p in PARTNERS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        partner = self._partners.get(scope["path"]) if scope["type"] == "http" else None
        if partner is None:
            await self._app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await _respond(send, 405, '{"error":"webhooks are POSTed"}')
            return
        started = time.perf_counter()
        try:
            event = await self._event(partner, scope, receive)
            try:
                await self._publisher.publish({partner.payload: [event]})
            except Exception as exc:  # any broker failure: the partner retries its webhook
                raise Refused(503, f"event not confirmed by the broker, retry: {exc}") from None
        except Refused as refused:
            await _respond(send, refused.status, json.dumps({"error": str(refused)}))
            return
        except Exception:  # a bug: still a JSON answer, and the trace in the log
            log.exception("webhook failed", extra={"partner": partner.name})
            await _respond(send, 500, '{"error":"internal error, see the server log"}')
            return
        self._handled[partner.name].observe(time.perf_counter() - started)
        await _respond(send, 200, f'{{"accepted":1,"event_id":{json.dumps(event.event_id)}}}')

    async def _event(self, partner: Partner, scope: Scope, receive: Receive) -> pb.Event:
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > self._max:
            raise Refused(413, f"body larger than {self._max} bytes")
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max:
                raise Refused(413, f"body larger than {self._max} bytes")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        event = accept(partner, b"".join(chunks), headers, int(time.time() * 1000), self._secret)
        self._received[partner.name].inc()
        return event


async def _respond(send: Send, status: int, body: str) -> None:
    data = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def webhook_app(
    publisher: Publisher,
    readiness: Readiness,
    *,
    heartbeat: Heartbeat,
    max_body_bytes: int,
    shopify_secret: bytes | None,
) -> ASGIApp:
    """The HTTP app of `reach ingest serve`: webhooks, heartbeat and probes, with request ids."""

    async def get_heartbeat(_: Request) -> Response:
        return JSONResponse(
            {"beat": heartbeat.beating}, status_code=200 if heartbeat.beating else 503
        )

    async def put_heartbeat(request: Request) -> Response:
        beat = request.query_params.get("beat", "")
        if beat not in ("true", "false"):
            return _error(400, "beat must be true or false")
        heartbeat.beating = beat == "true"
        return JSONResponse({"beat": heartbeat.beating})

    rest = Starlette(
        routes=[
            Route("/heartbeat", get_heartbeat, methods=["GET"]),
            Route("/heartbeat", put_heartbeat, methods=["PUT"]),
            *probe_routes(readiness),
        ]
    )
    front = WebhookFront(
        rest, publisher, max_body_bytes=max_body_bytes, shopify_secret=shopify_secret
    )
    return RequestIdMiddleware(front)
