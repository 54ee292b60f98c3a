"""ScrapeFlow: one scraping flow's workers, fallback sources, rate limits and schedule.

The flow names, their parameters and the `flow.yaml` the workers read are the scraper's
(`reach.scraper.contract`): `flow` is an enum of its flows, `network` must be the flow's, and a
schedule's `enqueueParams` are checked the way the enqueuer checks them (at admission too:
`enqueueing`).
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from reach.common.networks import SOCIAL_NETWORKS, SocialNetwork
from reach.operator.api.cel import cel, cel_list, cel_string, immutable
from reach.operator.api.common import (
    PLATFORM_OR_STORES,
    Autoscaling,
    Column,
    CustomResource,
    PlatformBound,
    ScaledStatus,
)
from reach.operator.api.cron import Schedule
from reach.operator.api.enqueueing import enqueue_params_schema, enqueue_rules
from reach.scraper.contract import (
    FLOWS,
    EnqueueParamsError,
    FlowConfig,
    FlowName,
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


class ScrapeFlowSpec(PlatformBound):
    model_config = ConfigDict(
        json_schema_extra={
            "x-kubernetes-validations": [
                PLATFORM_OR_STORES,
                *_NETWORK_RULES,
                *(rule for flow in FlowName for rule in enqueue_rules(flow)),
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
        json_schema_extra=enqueue_params_schema,
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

    @property
    def enqueues_for_its_platform(self) -> bool:
        """Its schedule adds tasks to its Platform's queue (stores of its own are another
        queue): what the Platform's own periodic enqueue of the same flow would add."""
        return self.schedule is not None and not self.suspend and self.stores is None

    def flow_config(self) -> FlowConfig:
        """What the workers read (`flow.yaml`)."""
        return FlowConfig(flow=self.flow, sources=self.sources, rate_limits=self.rate_limits)


class ScrapeFlow(CustomResource):
    """A scraping flow: workers, fallback sources, rate limits, schedule."""

    short_names = ("sflow",)
    spec_model = ScrapeFlowSpec
    status_model = ScaledStatus
    columns = (
        Column(name="Network", type="string", json_path=".spec.network"),
        Column(name="Flow", type="string", json_path=".spec.flow"),
    )
