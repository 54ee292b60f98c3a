"""The manifests the operator would apply for given custom resources, without a cluster: each
document parsed with its kind's spec model, then the same pure builders the handlers call.

`reach operator render -f FILE...` calls `render()`, so a platform team can review and diff
what a resource turns into, as `helm template` does for a chart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from reach.operator.api import KINDS
from reach.operator.api.common import API_VERSION, GROUP, PlatformBound
from reach.operator.api.platform import PlatformSpec
from reach.operator.api.scrapeflow import ScrapeFlowSpec
from reach.operator.builders import eventsink, followeranalysis, platform, scheduled, scrapeflow
from reach.operator.builders.common import Manifest, Owner, Runtime

DEFAULT_NAMESPACE = "default"

# What a render cannot know, said at the top of its output.
ASSUMPTIONS = (
    "Rendered by `reach operator render` without a cluster. Assumed:",
    "- owner UIDs are empty (the API server assigns them): ownerReferences[].uid and the",
    "  owner-uid label are blank, so this output is for review, not for `kubectl apply`;",
    "- referenced Secrets and ConfigMaps are not read: their values stay references and any",
    "  hash of their contents is not resolved;",
    "- work done through the stores (RabbitMQ queues, ClickHouse tables) and the replicas set",
    "  by autoscaling are not shown;",
    "- resources without a namespace are in `{namespace}`; documents of other API groups",
    "  (such as Secrets beside the resources) are skipped.",
)

# Each kind's builder, as its handler calls it: a Platform's takes no Runtime, a ScrapeFlow's
# also its Platform's settings (see `render`).
Builder = Callable[[Owner, Any, Runtime], list[Manifest]]
BUILDERS: dict[str, Builder] = {
    "EventSink": eventsink.build,
    "Leaderboard": scheduled.leaderboard,
    "TableSync": scheduled.tablesync,
    "FollowerAnalysis": followeranalysis.build,
}
SPEC_MODELS: dict[str, type[BaseModel]] = {kind.kind: kind.spec_model for kind in KINDS}


class RenderError(ValueError):
    """Input that cannot be rendered; the message names the source, document and field."""


@dataclass(frozen=True)
class Resource:
    """One custom resource read from the input."""

    source: str  # "FILE#INDEX", INDEX counting documents from 0
    owner: Owner
    spec: BaseModel


@dataclass(frozen=True)
class Rendered:
    resource: Resource
    manifests: list[Manifest]


def _where(path: str, index: int) -> str:
    return f"{path}#{index}"


def _field(loc: Iterable[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def parse(path: str, text: str, namespace: str = DEFAULT_NAMESPACE) -> list[Resource]:
    """The Reach custom resources in one YAML stream (documents of other API groups are
    skipped); RenderError on the first invalid one."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not YAML: {exc}") from None
    except RecursionError:
        raise RenderError(f"{path}: not YAML this reader takes: nested too deeply") from None
    resources = []
    for index, doc in enumerate(documents):
        where = _where(path, index)
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise RenderError(f"{where}: a document must be a mapping (a custom resource)")
        kind, api_version = doc.get("kind"), str(doc.get("apiVersion"))
        if not api_version.startswith(f"{GROUP}/"):
            # Secrets and the like beside the resources, as the samples hold: not ours.
            continue
        if api_version != API_VERSION or kind not in SPEC_MODELS:
            raise RenderError(
                f"{where}: {api_version} {kind} is not a Reach custom resource (apiVersion "
                f"{API_VERSION}, kind one of {', '.join(SPEC_MODELS)})"
            )
        meta = doc.get("metadata") or {}
        name = meta.get("name") if isinstance(meta, dict) else None
        if not isinstance(name, str) or not name:
            raise RenderError(f"{where}: metadata.name: required")
        try:
            spec = SPEC_MODELS[kind].model_validate(doc.get("spec") or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"spec.{_field(e['loc'])}: {e['msg']}" if e["loc"] else f"spec: {e['msg']}"
                for e in exc.errors()
            )
            raise RenderError(f"{where} ({kind} {name}): {problems}") from None
        owner = Owner(kind, name, str(meta.get("namespace") or namespace), "")
        resources.append(Resource(where, owner, spec))
    return resources


def render(resources: list[Resource]) -> list[Rendered]:
    """Each resource's manifests; a resource on a Platform finds it among `resources`."""
    platforms = {
        (r.owner.namespace, r.owner.name): r.spec
        for r in resources
        if isinstance(r.spec, PlatformSpec)
    }
    out = []
    for resource in resources:
        spec, owner = resource.spec, resource.owner
        if isinstance(spec, PlatformSpec):
            flows = _scheduled_flows(resources, owner)
            out.append(Rendered(resource, platform.build(owner, spec, {}, flows)))
            continue
        assert isinstance(spec, PlatformBound), owner.kind
        found = platforms.get((owner.namespace, spec.platform_name))
        if spec.stores is None and found is None:
            raise RenderError(
                f"{resource.source} ({owner.kind} {owner.name}): runs on Platform "
                f"{spec.platform_name!r} in namespace {owner.namespace!r} (spec.platformRef), "
                "which is not in the input: pass its file too, or give spec.stores"
            )
        on = found if isinstance(found, PlatformSpec) else None
        runtime = Runtime.resolve(spec.stores, on)
        if isinstance(spec, ScrapeFlowSpec):
            settings = platform.scraper_env(on) if on else []
            manifests = scrapeflow.build(owner, spec, runtime, settings, {})
        else:
            manifests = BUILDERS[owner.kind](owner, spec, runtime)
        out.append(Rendered(resource, manifests))
    return out


def _scheduled_flows(resources: list[Resource], platform_owner: Owner) -> frozenset[str]:
    """The flows the input's ScrapeFlows schedule on this Platform, as the operator's
    `scheduled_flows` index finds them in a cluster."""
    return frozenset(
        str(r.spec.flow)
        for r in resources
        if isinstance(r.spec, ScrapeFlowSpec)
        and r.owner.namespace == platform_owner.namespace
        and r.spec.platform_name == platform_owner.name
        and r.spec.enqueues_for_its_platform
    )


def to_yaml(rendered: list[Rendered], namespace: str = DEFAULT_NAMESPACE) -> str:
    """YAML documents as `helm template` prints them: a `# Source:` comment on each."""
    header = "".join(f"# {line.format(namespace=namespace)}\n" for line in ASSUMPTIONS)
    parts = [header]
    for item in rendered:
        r = item.resource
        for manifest in item.manifests:
            parts.append(
                f"---\n# Source: {r.source} {r.owner.kind}/{r.owner.name}\n"
                + yaml.safe_dump(manifest, sort_keys=False)
            )
    return "".join(parts)
