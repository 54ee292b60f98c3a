"""The level-based driver every kind shares.

On create, update, resume and every `resync_seconds`, the driver runs its steps in order:
`pause` (a paused resource is left alone), `parse` (an invalid spec is reported once,
`Ready=False, InvalidSpec`, and not retried until it changes), `resolve` (the Platform a
resource runs against), `apply` (the Secret and ConfigMap keys the handler's workloads read
are resolved, a missing one ending the pass as `Ready=False, ConfigMissing`; then the handler's
manifests, when they changed or a child is missing), `observe` (the handler's external work
and its conditions from the children) and `report` (conditions, status, Events and the
finalizer). An outage is a temporary error that Kopf retries with backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar, cast

import kopf
from pydantic import BaseModel, ValidationError

from reach.operator import conditions as cond
from reach.operator.api.common import GROUP, VERSION, CustomResource, PlatformBound, StoreRef
from reach.operator.api.platform import PlatformSpec
from reach.operator.builders.common import (
    ConfigDigests,
    Manifest,
    Owner,
    Reference,
    Runtime,
    digest,
)
from reach.operator.configuring import MissingConfig, resolve_config
from reach.operator.kube import Kube
from reach.operator.settings import OperatorSettings
from reach.operator.topology import Connections, TopologyError

log = logging.getLogger(__name__)

ANNOTATION_PAUSED = f"{GROUP}/paused"
INDEXED_KINDS = {"Deployment", "Job", "CronJob", "Service", "ConfigMap"}

SpecT = TypeVar("SpecT", bound=BaseModel)


@dataclass
class Request(Generic[SpecT]):
    """One pass over one resource: what the handler gets."""

    owner: Owner
    body: kopf.Body
    spec: SpecT
    generation: int
    platform: PlatformSpec | None
    children: dict[str, dict[str, Any]]  # "Kind/name" -> summary from the indexes
    status: Mapping[str, Any]
    kube: Kube
    conns: Connections
    now: datetime
    settings: OperatorSettings
    # Value hashes of the keys `KindHandler.references` named, resolved before `manifests`.
    config: ConfigDigests = field(default_factory=dict)
    # The flows ScrapeFlows bound to this resource (as their Platform) run on a schedule.
    scheduled_flows: frozenset[str] = frozenset()

    def runtime(self) -> Runtime:
        stores = self.spec.stores if isinstance(self.spec, PlatformBound) else None
        return Runtime.resolve(stores, self.platform)

    def child(self, kind: str, name: str) -> dict[str, Any] | None:
        return self.children.get(f"{kind}/{name}")

    async def secret(self, ref: StoreRef) -> str:
        """The value of a store's SecretKeyRef; a missing one is a temporary error."""
        value = await self.kube.read_secret_key(
            self.owner.namespace, ref.secret_key_ref.name, ref.secret_key_ref.key
        )
        if value is None:
            raise kopf.TemporaryError(
                f"Secret {ref.secret_key_ref.name!r} has no key {ref.secret_key_ref.key!r}",
                delay=30,
            )
        return value


@dataclass
class Report:
    """What a handler found: conditions (Ready is derived from them unless given) and extra
    status fields."""

    conditions: list[cond.Condition] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message)
    finalizer: str | None = None  # held while set; released when a pass reports None


class KindHandler(Protocol[SpecT]):
    """Everything the driver asks of a kind's handler."""

    @property
    def kind(self) -> type[CustomResource]: ...

    @property
    def needs_platform(self) -> bool:
        """Whether a resource without stores of its own waits for its Platform."""
        ...

    @property
    def finalizer(self) -> str | None:
        """The finalizer the handler's reports may hold; None when it never holds one."""
        ...

    def references(self, request: Request[SpecT]) -> set[Reference]:
        """The Secret and ConfigMap keys whose values roll the workloads that read them; the
        driver resolves them into `request.config` (a missing one is Ready=False)."""
        ...

    def manifests(self, request: Request[SpecT]) -> list[Manifest]: ...

    async def observe(self, request: Request[SpecT]) -> Report: ...

    def register(self, registry: kopf.OperatorRegistry) -> None:
        """Kopf handlers of its own beyond the driver's (EventSink's deletion cleanup)."""
        ...


class NoExtras:
    """The members most handlers leave at their defaults: no finalizer, no handlers of their
    own."""

    finalizer: str | None = None

    def references(self, request: Request[Any]) -> set[Reference]:
        return set()

    def register(self, registry: kopf.OperatorRegistry) -> None:
        return None


class PassEnded(Exception):
    """A step ended the pass after writing why into the status (paused, invalid spec, no
    Platform)."""


@dataclass
class StatusWriter:
    """Writes one pass's conditions and status fields into Kopf's patch."""

    patch: kopf.Patch
    current: list[dict[str, Any]]
    generation: int
    now: datetime

    def write(self, updates: list[cond.Condition], extra: Mapping[str, Any] | None = None) -> None:
        self.patch.status["conditions"] = cond.merge(
            self.current, updates, self.generation, self.now
        )
        self.patch.status["observedGeneration"] = self.generation
        for key, value in (extra or {}).items():
            self.patch.status[key] = value

    def condition(self, type_: str) -> dict[str, Any]:
        return cond.get(self.current, type_) or {}


def deployment_available(summary: dict[str, Any] | None) -> tuple[bool, str]:
    if summary is None:
        return False, "not created yet"
    want = summary.get("replicas") or 0
    if not summary.get("current"):
        return False, "rollout not observed yet"
    if summary.get("available", 0) < want:
        return False, f"{summary.get('available', 0)}/{want} replicas available"
    return True, f"{want} replicas available"


class Driver(Generic[SpecT]):
    def __init__(self, handler: KindHandler[SpecT], settings: OperatorSettings) -> None:
        self.handler = handler
        self.settings = settings
        self.kind = handler.kind

    def register(self, registry: kopf.OperatorRegistry) -> None:
        plural = self.kind.plural
        for cause, decorator in (
            ("create", kopf.on.create),
            ("update", kopf.on.update),
            ("resume", kopf.on.resume),
        ):
            decorator(GROUP, VERSION, plural, registry=registry, id=f"reconcile-{cause}")(
                self.on_change
            )
        kopf.timer(
            GROUP,
            VERSION,
            plural,
            registry=registry,
            id="resync",
            interval=self.settings.resync_seconds,
            initial_delay=self.settings.resync_seconds,
        )(self.on_resync)
        self.handler.register(registry)

    async def on_change(self, **kwargs: Any) -> None:
        await self.run(force_apply=True, **kwargs)

    async def on_resync(self, **kwargs: Any) -> None:
        await self.run(force_apply=False, **kwargs)

    async def run(
        self,
        *,
        body: kopf.Body,
        patch: kopf.Patch,
        memo: kopf.Memo,
        force_apply: bool,
        **kwargs: Any,
    ) -> None:
        meta = body["metadata"]
        if meta.get("deletionTimestamp"):
            return
        status = body.get("status", {}) or {}
        writer = StatusWriter(
            patch, list(status.get("conditions", [])), int(meta.get("generation") or 0),
            datetime.now(UTC),
        )  # fmt: skip
        owner = Owner(self.kind.kind, meta["name"], meta["namespace"], meta["uid"])
        try:
            self.pause(body, writer)
            spec = self.parse(body, writer)
            request = Request(
                owner=owner,
                body=body,
                spec=spec,
                generation=writer.generation,
                platform=self.resolve(spec, owner, kwargs, writer),
                children=self._children(owner, kwargs),
                status=status,
                kube=memo["kube"],
                conns=memo["conns"],
                now=writer.now,
                settings=self.settings,
                scheduled_flows=frozenset(
                    (kwargs.get("scheduled_flows") or {}).get((owner.namespace, owner.name), ())
                ),
            )
            applied_hash = await self.apply(request, force_apply, writer)
            report = await self.observe(request, applied_hash, writer)
        except PassEnded:
            return
        self.report(request, report, applied_hash, writer, patch)

    def pause(self, body: kopf.Body, writer: StatusWriter) -> None:
        """Ends the pass while reconciliation is paused by annotation (reported once)."""
        annotations = body["metadata"].get("annotations") or {}
        if annotations.get(ANNOTATION_PAUSED) != "true":
            return
        if writer.condition(cond.PAUSED).get("status") != "True":
            writer.write(
                [cond.Condition(cond.PAUSED, "True", "Paused", f"{ANNOTATION_PAUSED}=true")]
            )
            kopf.event(
                body, type="Normal", reason="Paused", message="reconciliation paused by annotation"
            )
        raise PassEnded

    def parse(self, body: kopf.Body, writer: StatusWriter) -> SpecT:
        """The spec; an invalid one ends the pass (with an Event once per generation)."""
        try:
            parsed = self.kind.spec_model.model_validate(dict(body.get("spec", {})))
        except ValidationError as exc:
            message = "; ".join(
                f"spec.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            previous = writer.condition(cond.READY)
            if (
                previous.get("reason") != "InvalidSpec"
                or previous.get("observedGeneration") != writer.generation
            ):
                kopf.event(body, type="Warning", reason="InvalidSpec", message=message)
            writer.write([cond.Condition(cond.READY, "False", "InvalidSpec", message)])
            raise PassEnded from None
        # The handler was registered for this kind: its spec model is the handler's SpecT.
        return cast(SpecT, parsed)

    def resolve(
        self, spec: SpecT, owner: Owner, kwargs: Mapping[str, Any], writer: StatusWriter
    ) -> PlatformSpec | None:
        """The Platform the resource runs against (None: it runs without one); a missing one
        it needs ends the pass."""
        if not isinstance(spec, PlatformBound):
            return None
        index = kwargs.get("platforms") or {}
        for raw in index.get((owner.namespace, spec.platform_name)) or ():
            try:
                return PlatformSpec.model_validate(raw)
            except ValidationError:
                break
        if self.handler.needs_platform and spec.stores is None:
            writer.write(
                [
                    cond.Condition(
                        cond.READY,
                        "False",
                        "PlatformNotFound",
                        f"Platform {spec.platform_name!r} not found in {owner.namespace}",
                    )
                ]
            )
            raise PassEnded
        return None

    async def apply(self, request: Request[SpecT], force: bool, writer: StatusWriter) -> str:
        """Applies the manifests when forced, changed or a child is missing; returns their
        hash. Manifests the handler refuses to build (an invalid spec) or a Secret or ConfigMap
        key they read that is missing end the pass."""
        try:
            await self.resolve_config(request, writer)
            manifests = self.handler.manifests(request)
        except ValueError as exc:
            writer.write([cond.Condition(cond.READY, "False", "InvalidSpec", str(exc))])
            raise PassEnded from None
        applied_hash = digest(manifests)
        changed = request.status.get("appliedHash") != applied_hash
        names = [f"{m['kind']}/{m['metadata']['name']}" for m in manifests]
        missing = [
            name
            for name, m in zip(names, manifests, strict=True)
            if m["kind"] in INDEXED_KINDS and name not in request.children
        ]
        if not (force or missing or changed):
            return applied_hash
        await request.kube.apply(manifests)
        if changed:
            message = f"applied {', '.join(names)}"[:1000]
            kopf.event(request.body, type="Normal", reason="Applied", message=message)
        elif missing and not force:
            message = f"recreated {', '.join(missing)}"
            kopf.event(request.body, type="Warning", reason="Recreated", message=message)
        return applied_hash

    async def resolve_config(self, request: Request[SpecT], writer: StatusWriter) -> None:
        refs = self.handler.references(request)
        if not refs:
            return
        try:
            request.config = await resolve_config(request.kube, request.owner.namespace, refs)
        except MissingConfig as exc:
            previous = writer.condition(cond.READY)
            if previous.get("reason") != "ConfigMissing" or previous.get("message") != str(exc):
                kopf.event(request.body, type="Warning", reason="ConfigMissing", message=str(exc))
            writer.write([cond.Condition(cond.READY, "False", "ConfigMissing", str(exc))])
            raise PassEnded from None

    async def observe(
        self, request: Request[SpecT], applied_hash: str, writer: StatusWriter
    ) -> Report:
        """The handler's external work and conditions; a refusal by the broker or database
        ends the pass as TopologyRejected."""
        try:
            return await self.handler.observe(request)
        except TopologyError as exc:
            writer.write(
                [cond.Condition(cond.READY, "False", "TopologyRejected", str(exc))],
                {"appliedHash": applied_hash},
            )
            kopf.event(request.body, type="Warning", reason="TopologyRejected", message=str(exc))
            raise PassEnded from None

    def report(
        self,
        request: Request[SpecT],
        report: Report,
        applied_hash: str,
        writer: StatusWriter,
        patch: kopf.Patch,
    ) -> None:
        """Conditions (Ready derived unless reported), Events, status and the finalizer."""
        body = request.body
        updates = list(report.conditions)
        if writer.condition(cond.PAUSED).get("status") == "True":
            updates.insert(0, cond.Condition(cond.PAUSED, "False", "Resumed"))
        if not any(c.type == cond.READY for c in updates):
            updates.append(cond.ready_from(report.conditions))
        ready = next(c for c in updates if c.type == cond.READY)
        if writer.condition(cond.READY).get("status") != ready.status:
            kopf.event(
                body,
                type="Normal" if ready.status == "True" else "Warning",
                reason="Ready" if ready.status == "True" else "NotReady",
                message=ready.message or ready.reason,
            )
        for type_, reason, message in report.events:
            kopf.event(body, type=type_, reason=reason, message=message)
        writer.write(updates, {"appliedHash": applied_hash, **report.status})
        held = list(body["metadata"].get("finalizers") or [])
        owned = self.handler.finalizer
        if owned:
            if report.finalizer and owned not in held:
                patch.metadata["finalizers"] = [*held, owned]
            elif not report.finalizer and owned in held:
                patch.metadata["finalizers"] = [f for f in held if f != owned]

    @staticmethod
    def _children(owner: Owner, kwargs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, index in kwargs.items():
            if key.startswith("children_"):
                for summary in index.get(owner.uid, ()):
                    out[f"{summary['kind']}/{summary['name']}"] = summary
        return out
