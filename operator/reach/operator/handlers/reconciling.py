"""The level-based driver every kind shares.

On create, update, resume and every `resync_seconds`, the driver parses the spec, resolves the
Platform, asks the kind's handler for the manifests, applies them when they changed (or a child
is missing), lets the handler do its external work and compute its conditions from the
children, then writes status. An invalid spec is reported once (`Ready=False, InvalidSpec`)
and not retried until it changes; an outage is a temporary error that Kopf retries with backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import kopf
from pydantic import BaseModel, ValidationError

from reach.operator import conditions as cond
from reach.operator.api.common import GROUP, VERSION, CustomResource, PlatformBound
from reach.operator.api.platform import PlatformSpec
from reach.operator.builders.common import Manifest, Owner, Runtime, digest
from reach.operator.kube import Kube
from reach.operator.settings import OperatorSettings
from reach.operator.topology import Connections, TopologyError

log = logging.getLogger(__name__)

ANNOTATION_PAUSED = f"{GROUP}/paused"
ANNOTATION_APPLIED = f"{GROUP}/applied-hash"
INDEXED_KINDS = {"Deployment", "Job", "CronJob", "Service", "ConfigMap"}


class PlatformMissing(Exception):
    pass


@dataclass
class Request:
    """One pass over one resource: what the handler gets."""

    owner: Owner
    body: kopf.Body
    spec: Any
    generation: int
    platform: PlatformSpec | None
    children: dict[str, dict[str, Any]]  # "Kind/name" -> summary from the indexes
    status: Mapping[str, Any]
    kube: Kube
    conns: Connections
    now: datetime
    settings: OperatorSettings

    def runtime(self) -> Runtime:
        stores = self.spec.stores if isinstance(self.spec, PlatformBound) else None
        return Runtime.resolve(stores, self.platform)

    def child(self, kind: str, name: str) -> dict[str, Any] | None:
        return self.children.get(f"{kind}/{name}")

    async def secret(self, ref: Any) -> str:
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


class KindHandler(Protocol):
    @property
    def kind(self) -> type[CustomResource]: ...

    @property
    def needs_platform(self) -> bool: ...

    def manifests(self, request: Request) -> list[Manifest]: ...

    async def observe(self, request: Request, applied: bool) -> Report: ...


def deployment_available(summary: dict[str, Any] | None) -> tuple[bool, str]:
    if summary is None:
        return False, "not created yet"
    want = summary.get("replicas") or 0
    if not summary.get("current"):
        return False, "rollout not observed yet"
    if summary.get("available", 0) < want:
        return False, f"{summary.get('available', 0)}/{want} replicas available"
    return True, f"{want} replicas available"


class Driver:
    def __init__(self, handler: KindHandler, settings: OperatorSettings) -> None:
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
        extra = getattr(self.handler, "register", None)
        if extra is not None:
            extra(registry, self)

    async def on_change(self, **kwargs: Any) -> None:
        await self.run(force_apply=True, **kwargs)

    async def on_resync(self, **kwargs: Any) -> None:
        await self.run(force_apply=False, **kwargs)

    def parse(self, body: kopf.Body) -> BaseModel:
        return self.kind.spec_model.model_validate(dict(body.get("spec", {})))

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
        generation = int(meta.get("generation") or 0)
        status = body.get("status", {}) or {}
        now = datetime.now(UTC)
        current_conditions = list(status.get("conditions", []))

        def write(updates: list[cond.Condition], extra: dict[str, Any] | None = None) -> None:
            patch.status["conditions"] = cond.merge(current_conditions, updates, generation, now)
            patch.status["observedGeneration"] = generation
            for key, value in (extra or {}).items():
                patch.status[key] = value

        if (meta.get("annotations") or {}).get(ANNOTATION_PAUSED) == "true":
            if (cond.get(current_conditions, cond.PAUSED) or {}).get("status") != "True":
                write([cond.Condition(cond.PAUSED, "True", "Paused", f"{ANNOTATION_PAUSED}=true")])
                kopf.event(
                    body,
                    type="Normal",
                    reason="Paused",
                    message="reconciliation paused by annotation",
                )
            return
        paused_before = (cond.get(current_conditions, cond.PAUSED) or {}).get("status") == "True"
        resume = [cond.Condition(cond.PAUSED, "False", "Resumed")] if paused_before else []

        try:
            spec = self.parse(body)
        except ValidationError as exc:
            message = "; ".join(
                f"spec.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            previous = cond.get(current_conditions, cond.READY) or {}
            if (
                previous.get("reason") != "InvalidSpec"
                or previous.get("observedGeneration") != generation
            ):
                kopf.event(body, type="Warning", reason="InvalidSpec", message=message)
            write([cond.Condition(cond.READY, "False", "InvalidSpec", message)])
            return

        owner = Owner(self.kind.kind, meta["name"], meta["namespace"], meta["uid"])
        platform = self._platform(spec, owner, kwargs)
        if platform is None and self.handler.needs_platform and not getattr(spec, "stores", None):
            name = getattr(spec, "platform_name", "default")
            write(
                [
                    cond.Condition(
                        cond.READY,
                        "False",
                        "PlatformNotFound",
                        f"Platform {name!r} not found in {owner.namespace}",
                    )
                ]
            )
            return

        request = Request(
            owner=owner,
            body=body,
            spec=spec,
            generation=generation,
            platform=platform,
            children=self._children(owner, kwargs),
            status=status,
            kube=memo["kube"],
            conns=memo["conns"],
            now=now,
            settings=self.settings,
        )
        try:
            manifests = self.handler.manifests(request)
        except ValueError as exc:
            write([cond.Condition(cond.READY, "False", "InvalidSpec", str(exc))])
            return
        applied_hash = digest(manifests)
        missing = [
            f"{m['kind']}/{m['metadata']['name']}"
            for m in manifests
            if m["kind"] in INDEXED_KINDS
            and f"{m['kind']}/{m['metadata']['name']}" not in request.children
        ]
        applied = False
        if force_apply or missing or status.get("appliedHash") != applied_hash:
            await request.kube.apply(manifests)
            applied = True
            if force_apply or status.get("appliedHash") != applied_hash:
                names = ", ".join(f"{m['kind']}/{m['metadata']['name']}" for m in manifests)
                if status.get("appliedHash") != applied_hash:
                    kopf.event(
                        body, type="Normal", reason="Applied", message=f"applied {names}"[:1000]
                    )
            elif missing:
                kopf.event(
                    body,
                    type="Warning",
                    reason="Recreated",
                    message=f"recreated {', '.join(missing)}",
                )
        try:
            report = await self.handler.observe(request, applied)
        except TopologyError as exc:
            write(
                [cond.Condition(cond.READY, "False", "TopologyRejected", str(exc))],
                {"appliedHash": applied_hash},
            )
            kopf.event(body, type="Warning", reason="TopologyRejected", message=str(exc))
            return
        updates = [*resume, *report.conditions]
        if not any(c.type == cond.READY for c in updates):
            updates.append(cond.ready_from(report.conditions))
        before = (cond.get(current_conditions, cond.READY) or {}).get("status")
        ready = next(c for c in updates if c.type == cond.READY)
        if before != ready.status:
            kopf.event(
                body,
                type="Normal" if ready.status == "True" else "Warning",
                reason="Ready" if ready.status == "True" else "NotReady",
                message=ready.message or ready.reason,
            )
        for type_, reason, message in report.events:
            kopf.event(body, type=type_, reason=reason, message=message)
        write(updates, {"appliedHash": applied_hash, **report.status})
        held = list(meta.get("finalizers") or [])
        owned = getattr(self.handler, "finalizer", None)
        if owned:
            if report.finalizer and owned not in held:
                patch.metadata["finalizers"] = [*held, owned]
            elif not report.finalizer and owned in held:
                patch.metadata["finalizers"] = [f for f in held if f != owned]

    def _platform(self, spec: Any, owner: Owner, kwargs: Mapping[str, Any]) -> PlatformSpec | None:
        if not isinstance(spec, PlatformBound):
            return None
        index = kwargs.get("platforms") or {}
        found = index.get((owner.namespace, spec.platform_name))
        for raw in found or ():
            try:
                return PlatformSpec.model_validate(raw)
            except ValidationError:
                return None
        return None

    @staticmethod
    def _children(owner: Owner, kwargs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, index in kwargs.items():
            if key.startswith("children_"):
                for summary in index.get(owner.uid, ()):
                    out[f"{summary['kind']}/{summary['name']}"] = summary
        return out
