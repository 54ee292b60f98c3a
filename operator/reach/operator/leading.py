"""Leader election over a coordination.k8s.io/v1 Lease: of several operator replicas, only the
one holding the Lease runs Kopf; the others stand by and take over when it stops renewing.

`running.operator()` calls `lead()` when `leader_election` is on. Kopf has no leader election
of its own (its peering pauses lower-priority operators, and freezes all of them when
priorities tie), so this follows Kubernetes' own controllers (client-go's leaderelection):
optimistic writes at the Lease's resourceVersion, expiry judged by the local clock from when a
standby last saw the Lease change (no clock skew between nodes matters), a leader that stops
reconciling once it cannot renew within its deadline, and a Lease released on shutdown so a
rollout hands over at once.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reach.operator import kube
from reach.operator.kube import Kube, KubeError, Manifest
from reach.operator.settings import OperatorSettings

logger = logging.getLogger(__name__)

API_VERSION = "coordination.k8s.io/v1"
SERVICE_ACCOUNT_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


class LeadershipLost(RuntimeError):
    """The Lease could not be renewed in time: this replica has stopped reconciling."""


def micro_time(now: datetime.datetime) -> str:
    """A Kubernetes MicroTime."""
    return now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def holder(lease: Manifest) -> str:
    return str(lease.get("spec", {}).get("holderIdentity") or "")


def claimed(
    lease: Manifest | None,
    *,
    name: str,
    namespace: str,
    identity: str,
    duration_seconds: int,
    now: datetime.datetime,
) -> Manifest:
    """The Lease `identity` writes to take or keep it. A renewal keeps the acquire time and the
    transition count; a takeover stamps a new acquire time and counts one more transition. The
    old resourceVersion goes along, so a concurrent writer makes this write fail, not win."""
    spec = dict((lease or {}).get("spec", {}))
    stamp = micro_time(now)
    if spec.get("holderIdentity") != identity:
        spec["acquireTime"] = stamp
        spec["leaseTransitions"] = int(spec.get("leaseTransitions", -1)) + 1
    spec.update(holderIdentity=identity, leaseDurationSeconds=duration_seconds, renewTime=stamp)
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if lease is not None:
        metadata["resourceVersion"] = lease["metadata"]["resourceVersion"]
    return {"apiVersion": API_VERSION, "kind": "Lease", "metadata": metadata, "spec": spec}


def released(lease: Manifest, now: datetime.datetime) -> Manifest:
    """The Lease given up: no holder, and a one-second duration so nobody waits on it."""
    spec = {k: v for k, v in lease["spec"].items() if k != "holderIdentity"}
    spec.update(leaseDurationSeconds=1, renewTime=micro_time(now))
    return {**lease, "spec": spec}


@dataclass
class Observation:
    """The last version of the Lease seen, and when (monotonic seconds) it was first seen."""

    resource_version: str = ""
    holder: str = ""
    duration_seconds: float = 0
    seen_at: float = 0

    def see(self, lease: Manifest, now: float) -> None:
        version = str(lease["metadata"].get("resourceVersion", ""))
        if version != self.resource_version:
            self.resource_version = version
            self.holder = holder(lease)
            self.duration_seconds = float(lease.get("spec", {}).get("leaseDurationSeconds") or 0)
            self.seen_at = now

    def held_by_other(self, identity: str, now: float) -> bool:
        """Someone else holds it and has renewed it within its duration, by our clock."""
        return self.holder not in ("", identity) and now < self.seen_at + self.duration_seconds


class Elector:
    """Takes, renews and releases one Lease for one identity."""

    def __init__(self, kube: Kube, settings: OperatorSettings, namespace: str) -> None:
        self._kube = kube
        self._settings = settings
        self._namespace = namespace
        self._observed = Observation()
        self.leading = False

    async def _attempt(self) -> bool:
        """One try at taking or renewing the Lease; False on any failure."""
        s = self._settings
        try:
            lease = await self._kube.read(API_VERSION, "Lease", self._namespace, s.lease_name)
            if lease is not None:
                self._observed.see(lease, time.monotonic())
                if self._observed.held_by_other(s.identity, time.monotonic()):
                    return False
            written = await self._kube.write(
                claimed(
                    lease,
                    name=s.lease_name,
                    namespace=self._namespace,
                    identity=s.identity,
                    duration_seconds=s.lease_duration_seconds,
                    now=datetime.datetime.now(datetime.UTC),
                ),
                create=lease is None,
            )
        except (KubeError, OSError, ValueError) as exc:
            logger.warning("lease %s/%s: %s", self._namespace, s.lease_name, exc)
            return False
        if written is None:
            return False
        self._observed.see(written, time.monotonic())
        return True

    async def acquire(self) -> None:
        """Returns once this replica holds the Lease."""
        announced = ""
        while not await self._attempt():
            if self._observed.holder != announced:
                announced = self._observed.holder
                logger.info("standing by: lease held by %s", announced or "nobody")
            # Jitter, so standbys started together do not retry in lockstep.
            await asyncio.sleep(self._settings.retry_period_seconds * random.uniform(1, 1.2))
        self.leading = True
        logger.info("leading as %s", self._settings.identity)

    async def hold(self) -> None:
        """Renews the Lease; returns once it could not be renewed within the deadline, or
        another replica holds it."""
        s = self._settings
        renewed = time.monotonic()
        while True:
            await asyncio.sleep(s.retry_period_seconds)
            # A request the API server leaves hanging must not outlast the deadline either.
            left = s.renew_deadline_seconds - (time.monotonic() - renewed)
            try:
                ok = await asyncio.wait_for(self._attempt(), timeout=max(left, 0.1))
            except TimeoutError:
                ok = False
            if ok:
                renewed = time.monotonic()
            elif (
                self._observed.holder not in ("", s.identity)
                or time.monotonic() - renewed >= s.renew_deadline_seconds
            ):
                self.leading = False
                logger.error("lost the lease (held by %s)", self._observed.holder or "nobody")
                return

    async def release(self) -> None:
        """Gives the Lease up if this replica still holds it, so a standby takes over now."""
        if not self.leading:
            return
        self.leading = False
        s = self._settings
        try:
            lease = await self._kube.read(API_VERSION, "Lease", self._namespace, s.lease_name)
            if lease is not None and holder(lease) == s.identity:
                await self._kube.write(
                    released(lease, datetime.datetime.now(datetime.UTC)), create=False
                )
                logger.info("released the lease")
        except (KubeError, OSError) as exc:
            logger.warning("could not release the lease (it will expire): %s", exc)


def lease_namespace(settings: OperatorSettings) -> str:
    if settings.lease_namespace:
        return settings.lease_namespace
    if SERVICE_ACCOUNT_NAMESPACE.exists():
        return SERVICE_ACCOUNT_NAMESPACE.read_text().strip()
    return "default"


async def _answer_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # Any request: a standby is alive as long as its event loop answers.
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
        body = b"standby\n"
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
        pass
    finally:
        writer.close()


async def _until(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Runs `work` until it ends (True) or `stop` is set first (False)."""
    working = asyncio.create_task(work)
    stopping = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (working, stopping):
        task.cancel()
    if working in done:
        await working
        return True
    return False


async def lead(
    settings: OperatorSettings,
    reconcile: Callable[[asyncio.Event], Awaitable[None]],
    stop: asyncio.Event,
) -> None:
    """Stands by until this replica holds the Lease, then runs `reconcile(its_stop_flag)`
    while renewing it. Returns when `stop` is set (releasing the Lease); raises LeadershipLost
    once reconciling has stopped after the Lease was lost."""
    client = Kube(kube.login, settings.field_manager)
    elector = Elector(client, settings, lease_namespace(settings))
    try:
        # While standing by, the liveness probe needs an answer; Kopf serves it once leading.
        server = await asyncio.start_server(_answer_alive, "0.0.0.0", settings.liveness_port)
        try:
            if not await _until(elector.acquire(), stop):
                return
        finally:
            server.close()
            await server.wait_closed()
        await _reconcile_while_leading(settings, elector, reconcile, stop)
    finally:
        await elector.release()
        await client.close()


async def _reconcile_while_leading(
    settings: OperatorSettings,
    elector: Elector,
    reconcile: Callable[[asyncio.Event], Awaitable[None]],
    stop: asyncio.Event,
) -> None:
    stop_reconciling = asyncio.Event()
    reconciling = asyncio.ensure_future(reconcile(stop_reconciling))
    holding = asyncio.create_task(elector.hold())
    stopping = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait(
        {reconciling, holding, stopping}, return_when=asyncio.FIRST_COMPLETED
    )
    stop_reconciling.set()
    stopping.cancel()
    if holding not in done:
        holding.cancel()
        await reconciling
        return
    # A standby may take over once the Lease expires: stop writing before that, or exit.
    grace = settings.lease_duration_seconds - settings.renew_deadline_seconds
    finished, _ = await asyncio.wait({reconciling}, timeout=grace)
    if not finished:
        logger.critical("reconciling did not stop within %.0f s of losing the lease", grace)
        os._exit(1)
    raise LeadershipLost(f"lost the lease {settings.lease_name}")
