"""The gRPC side of `reach ingest serve`: `EventService.Dispatch`, health checking, reflection.

Dispatch takes the raw request bytes and parses them itself: a batch with one undecodable event
(invalid UTF-8 in a string, say) is parsed again event by event (`decoding`) so only that event is
refused, by index; bytes that are no message at all get a clear INVALID_ARGUMENT (and are kept on
the error route) instead of gRPC's opaque INTERNAL. Sorting is
`dispatching.sort_batch`; publishing, with the broker's confirms, is the `Publisher`'s.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection

from reach.common.events import events_pb2 as pb
from reach.ingest import metrics
from reach.ingest.decoding import Undecodable, WireError, decode_events
from reach.ingest.dispatching import error_event, sort_batch
from reach.ingest.publishing import Publisher
from reach.ingest.routing import REJECTED

SERVICE = pb.DESCRIPTOR.services_by_name["EventService"].full_name


class EventService:
    def __init__(self, publisher: Publisher, *, max_events: int) -> None:
        self._publisher = publisher
        self._max_events = max_events

    async def dispatch(self, request: bytes, context: Any) -> pb.DispatchResponse:
        started = time.perf_counter()
        now_ms = int(time.time() * 1000)
        events: Sequence[pb.Event | Undecodable]
        try:
            events = pb.Events.FromString(request).events
        except DecodeError:
            # One bad event fails the whole parse: cut the batch apart and parse each alone.
            try:
                events = decode_events(request)
            except WireError as exc:
                reason = f"malformed Events message: {exc}"
                metrics.REJECTED.labels("grpc").inc()
                await self._publish(context, {REJECTED: [error_event(reason, request, now_ms)]})
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, reason)
        if len(events) > self._max_events:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"batch of {len(events)} events exceeds the limit of {self._max_events}; "
                "nothing was accepted, split it",
            )
        result = sort_batch(events, now_ms)
        groups = dict(result.groups)
        if result.errors:
            groups[REJECTED] = result.errors
            metrics.REJECTED.labels("grpc").inc(len(result.errors))
        for payload, events in result.groups.items():
            metrics.RECEIVED.labels("grpc", payload).inc(len(events))
        await self._publish(context, groups)
        metrics.DISPATCH_SECONDS.observe(time.perf_counter() - started)
        return pb.DispatchResponse(accepted=result.accepted, rejected=result.rejections)

    async def _publish(self, context: Any, groups: dict[str, list[pb.Event]]) -> None:
        try:
            await self._publisher.publish(groups)
        except Exception as exc:  # any broker failure: nothing confirmed, the client retries
            await context.abort(
                grpc.StatusCode.UNAVAILABLE, f"events not confirmed by the broker, retry: {exc}"
            )


def _handler(service: EventService) -> Any:
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Dispatch": grpc.unary_unary_rpc_method_handler(
                service.dispatch,
                request_deserializer=None,
                response_serializer=pb.DispatchResponse.SerializeToString,
            )
        },
    )


class GrpcServer:
    """A started grpc.aio server with EventService, health and reflection."""

    def __init__(self, server: Any, health: Any, port: int) -> None:
        self._server = server
        self._health = health
        self.port = port

    @classmethod
    async def start(
        cls, service: EventService, *, host: str, port: int, max_request_bytes: int
    ) -> GrpcServer:
        server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", max_request_bytes),
                # A second server on a busy port must fail, not share it.
                ("grpc.so_reuseport", 0),
            ]
        )
        server.add_generic_rpc_handlers((_handler(service),))
        health = health_aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health, server)
        reflection.enable_server_reflection(
            (SERVICE, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
             reflection.SERVICE_NAME),
            server,
        )  # fmt: skip
        bound = server.add_insecure_port(f"{host}:{port}")
        if bound == 0:
            raise RuntimeError(f"gRPC server could not bind {host}:{port}")
        await server.start()
        for name in ("", SERVICE):
            await health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return cls(server, health, bound)

    async def stop(self, grace: float) -> None:
        """Reports NOT_SERVING, then lets in-flight calls finish for up to `grace` seconds."""
        for name in ("", SERVICE):
            await self._health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        await self._server.stop(grace)
