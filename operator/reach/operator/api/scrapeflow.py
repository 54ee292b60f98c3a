"""ScrapeFlow: one scraping flow's workers, fallback sources, rate limits and schedule.

The flow names, their parameters and the `flow.yaml` the workers read are the scraper's
(`reach.scraper.contract`): `flow` is an enum of its flows, `network` must be the flow's, and a
schedule's `enqueueParams` are checked the way the enqueuer checks them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ConfigDict, Field, model_validator

from reach.common.networks import SOCIAL_NETWORKS, SocialNetwork
from reach.operator.api.cel import cel, cel_list, cel_string, immutable
from reach.operator.api.common import (
    AGE_COLUMN,
    PLATFORM_OR_STORES,
    READY_COLUMN,
    REASON_COLUMN,
    Autoscaling,
    Column,
    CustomResource,
    PlatformBound,
    ScaledStatus,
)
from reach.operator.api.cron import Schedule
from reach.scraper.contract import (
    FLOWS,
    MAX_TASKS,
    REFRESH_FLOWS,
    STALE_AFTER_HOURS,
    EnqueueParamsError,
    FlowConfig,
    FlowName,
    FlowParams,
    RateLimitConfig,
    SourceConfig,
    check_enqueue_params,
)

# The network of each network's flows, as rules the API server checks too.
_NETWORK_RULES = [
    cel(
        f"!has(self.network) || self.network == {cel_string(network)}"
        f" || !(self.flow in {cel_list(str(n) for n, s in FLOWS.items() if s.network == network)})",
        f"the flow scrapes {network}: network must be {network}",
    )
    for network in SOCIAL_NETWORKS
]


_PARAMS = "self.enqueueParams"
_FANOUT: dict[str, dict[str, Any]] = {
    STALE_AFTER_HOURS: {"type": "integer", "minimum": 0},
    MAX_TASKS: {"type": "integer", "minimum": 0},
}
# Strings without a length of their own in the contract: bounded so the rules' cost is.
_MAX_STRING = 256


def _param_schemas(flow: FlowName) -> dict[str, dict[str, Any]]:
    """Each parameter of the flow's tasks and of its stale fan-out, `X | None` reduced to X."""
    props = dict(FLOWS[flow].params.model_json_schema()["properties"])
    if _refreshed_key(flow) is not None:
        props.update(_FANOUT)
    return {
        name: next(b for b in prop.get("anyOf", [prop]) if b.get("type") != "null")
        for name, prop in props.items()
    }


def _refreshed_key(flow: FlowName) -> str | None:
    return next((key for f, key in REFRESH_FLOWS.values() if f == flow), None)


def _before_validated(params: type[FlowParams]) -> set[str]:
    """Fields a `before` validator rewrites (e.g. strips an `@`): their raw value need not
    match the field's pattern, so admission does not judge it by one."""
    found: set[str] = set()
    for decorator in params.__pydantic_decorators__.field_validators.values():
        if decorator.info.mode == "before":
            found.update(decorator.info.fields)
    return found


def _value_rule(schema: dict[str, Any], value: str, *, pattern: bool) -> tuple[str, str] | None:
    """A CEL check of one parameter's value beyond its type, and its words; None when the
    type says it all."""
    if "enum" in schema or "const" in schema:
        allowed = schema.get("enum", [schema.get("const")])
        return f"{value} in {cel_list(allowed)}", f"one of {', '.join(allowed)}"
    checks, words = [], []
    if schema.get("type") == "string":
        if "minLength" in schema:
            checks.append(f"size({value}) >= {schema['minLength']}")
        if "maxLength" in schema:
            checks.append(f"size({value}) <= {schema['maxLength']}")
        if schema.get("minLength") or schema.get("maxLength"):
            words.append(f"{schema.get('minLength', 0)}..{schema.get('maxLength', '')} characters")
        if pattern and "pattern" in schema:
            checks.append(f"{value}.matches({cel_string(schema['pattern'])})")
            words.append(f"matching {schema['pattern']}")
    elif schema.get("type") == "integer":
        if "minimum" in schema:
            checks.append(f"{value} >= {schema['minimum']}")
        if "maximum" in schema:
            checks.append(f"{value} <= {schema['maximum']}")
        words.append(f"{schema.get('minimum', '')}..{schema.get('maximum', '')}")
    if not checks:
        return None
    return " && ".join(checks), " ".join(words)


def _enqueue_rules(flow: FlowName) -> list[dict[str, Any]]:
    """Admission's view of `check_enqueue_params` for one flow, from its contract: which keys,
    which are needed, what each value is. Cross-field rules (one of channel_id and handle)
    stay with the operator, which reports them as InvalidSpec."""
    params = FLOWS[flow].params
    own = list(params.model_fields)
    required = [k for k, f in params.model_fields.items() if f.is_required()]
    others = sorted(set(_ENQUEUE_PARAMS) - set(own))
    when = f"!has(self.schedule) || self.flow != {cel_string(flow)} || "

    def absent(keys: list[str]) -> str:
        return " && ".join(f"!has({_PARAMS}.{k})" for k in keys) or "true"

    keys, keys_words = absent(others), ", ".join(own)
    need = " && ".join(f"has({_PARAMS}.{k})" for k in required) or "true"
    need_words = ", ".join(required)
    refreshed = _refreshed_key(flow)
    if refreshed is not None:
        shared = [k for k in own if k != refreshed]
        stale = f"has({_PARAMS}.{STALE_AFTER_HOURS})"
        keys = f"{stale} ? {absent(sorted(set(_ENQUEUE_PARAMS) - {*shared, *_FANOUT}))} : {keys}"
        keys_words += f"; or {', '.join([*shared, *_FANOUT])}"
        need = f"{stale} || ({need})"
        need_words += f" (or {STALE_AFTER_HOURS})"
    rewritten = _before_validated(params)
    values, words = [], []
    for name, schema in _param_schemas(flow).items():
        rule = _value_rule(schema, f"{_PARAMS}.{name}", pattern=name not in rewritten)
        if rule is not None:
            values.append(f"(!has({_PARAMS}.{name}) || {rule[0]})")
            words.append(f"{name} {rule[1]}")
    rules = [cel(when + f"({keys})", f"enqueueParams of {flow} take {keys_words}")]
    if required:
        rules.append(cel(when + f"({need})", f"enqueueParams of {flow} need {need_words}"))
    if values:
        rules.append(
            cel(when + " && ".join(values), f"enqueueParams of {flow}: " + "; ".join(words))
        )
    return rules


def _union_of_params() -> dict[str, dict[str, Any]]:
    """Every parameter any flow takes, by its type: one schema for enqueueParams, so the API
    server refuses unknown keys and values of the wrong type and CEL can read the rest."""
    union: dict[str, dict[str, Any]] = {}
    for flow in FlowName:
        for name, schema in _param_schemas(flow).items():
            kind = schema.get("type", "string")
            typed: dict[str, Any] = {"type": kind}
            if kind == "string":
                typed["maxLength"] = max(
                    schema.get("maxLength", _MAX_STRING),
                    union.get(name, {}).get("maxLength", 0),
                )
            elif kind == "object":
                typed["x-kubernetes-preserve-unknown-fields"] = True
            if union.get(name, typed)["type"] != kind:
                raise ValueError(f"parameter {name} has two types across flows")
            union[name] = typed
    return union


_ENQUEUE_PARAMS = _union_of_params()


def _enqueue_params_schema(schema: dict[str, Any]) -> None:
    schema.pop("additionalProperties", None)
    schema["properties"] = _ENQUEUE_PARAMS


class ScrapeFlowSpec(PlatformBound):
    model_config = ConfigDict(
        json_schema_extra={
            "x-kubernetes-validations": [
                PLATFORM_OR_STORES,
                *_NETWORK_RULES,
                *(rule for flow in FlowName for rule in _enqueue_rules(flow)),
            ]
        }
    )

    network: SocialNetwork | None = Field(
        default=None, description="The social network scraped: the flow's own, when it has one."
    )
    flow: FlowName = Field(
        description="The scraper flow these workers run.", json_schema_extra=immutable("flow")
    )
    sources: list[SourceConfig] = Field(
        default_factory=list, max_length=10, description="Fallback order: first answers first."
    )
    rate_limits: list[RateLimitConfig] = Field(
        default_factory=list, max_length=8, description="Limits over all sources."
    )
    workers: int = Field(default=1, ge=0, le=500, description="Replicas when not autoscaled.")
    concurrency: int = Field(default=8, ge=1, le=256, description="Tasks in flight per worker.")
    schedule: Schedule | None = Field(
        default=None,
        description="Cron schedule of an enqueuer that adds tasks for this flow.",
    )
    enqueue_params: dict[str, Any] = Field(
        default_factory=dict,
        description="Parameters of the tasks the scheduled enqueuer adds.",
        json_schema_extra=_enqueue_params_schema,
    )
    suspend: bool = False
    autoscaling: Autoscaling | None = None

    @model_validator(mode="after")
    def _the_flows_contract(self) -> ScrapeFlowSpec:
        flow_network = FLOWS[self.flow].network
        if self.network is not None and flow_network is not None and self.network != flow_network:
            raise ValueError(f"the flow scrapes {flow_network}: network must be {flow_network}")
        if self.schedule is not None:
            try:
                check_enqueue_params(self.flow, self.enqueue_params)
            except EnqueueParamsError as exc:
                raise ValueError(f"enqueueParams: {exc}") from None
        return self

    def flow_config(self) -> FlowConfig:
        """What the workers read (`flow.yaml`)."""
        return FlowConfig(flow=self.flow, sources=self.sources, rate_limits=self.rate_limits)


class ScrapeFlow(CustomResource):
    kind = "ScrapeFlow"
    plural = "scrapeflows"
    short_names = ("sflow",)
    description = "A scraping flow: workers, fallback sources, rate limits, schedule."
    spec_model = ScrapeFlowSpec
    status_model = ScaledStatus
    scalable = True
    columns: ClassVar[tuple[Column, ...]] = (
        Column(name="Network", type="string", json_path=".spec.network"),
        Column(name="Flow", type="string", json_path=".spec.flow"),
        Column(name="Workers", type="integer", json_path=".status.replicas"),
        Column(name="Queue", type="integer", json_path=".status.queueDepth"),
        READY_COLUMN,
        REASON_COLUMN,
        AGE_COLUMN,
    )
