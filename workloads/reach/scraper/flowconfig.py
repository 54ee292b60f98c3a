"""A worker's flow configuration: the fallback order of sources and the rate limits, from the
flow's defaults, or from the file the operator mounts for a ScrapeFlow (`--config flow.yaml`,
`reach.scraper.contract.FlowConfig`, the model the ScrapeFlow spec embeds)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reach.common.configfiles import ConfigFileError, read_yaml
from reach.scraper.contract import FlowConfig, RateLimitConfig
from reach.scraper.flows.base import Flow
from reach.scraper.ratelimiting import RateLimit

# Each source's own windows unless a ScrapeFlow says otherwise: the Graph API's 200 calls an
# hour per user token, each RapidAPI-style provider's own rule for the plan we assume (its rate,
# and where the plan counts requests a month, that month spread over its days; a ScrapeFlow
# sets those of the plan bought), the web endpoint's tolerance, what a public Invidious
# instance bears from one address.
DEFAULT_SOURCE_LIMITS: Mapping[str, tuple[RateLimit, ...]] = {
    "graphapi": (RateLimit(200, "hour"),),
    "rapidapi-instagram": (RateLimit(60, "minute"),),
    "rocketapi-instagram": (RateLimit(5, "second"), RateLimit(30_000, "day")),
    "instagram-looter": (RateLimit(10, "second"), RateLimit(10_000, "day")),
    "instagram28": (RateLimit(30, "minute"),),
    "instagram-bulk-profile": (RateLimit(20, "minute"), RateLimit(3_000, "day")),
    "instagram-statistics": (RateLimit(10, "minute"), RateLimit(1_000, "day")),
    "lastresort": (RateLimit(10, "minute"),),
    "invidious": (RateLimit(30, "minute"), RateLimit(2, "second")),
    "openai": (RateLimit(60, "minute"),),
}


class FlowConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Resolved:
    sources: list[str]
    source_limits: dict[str, list[RateLimit]]
    flow_limits: list[RateLimit]


def _limit(config: RateLimitConfig) -> RateLimit:
    return RateLimit(config.limit, config.per, config.scope)


def load(path: Path) -> FlowConfig:
    try:
        return FlowConfig.model_validate(read_yaml(path))
    except ConfigFileError as exc:
        raise FlowConfigError(str(exc)) from None
    except ValidationError as exc:
        raise FlowConfigError(f"{path}: {exc}") from None


def resolve(flow: Flow[Any], config: FlowConfig | None, known: Sequence[str]) -> Resolved:
    """The sources (in order) and limits a worker of `flow` uses."""
    if config is not None and config.flow != flow.name:
        raise FlowConfigError(f"config is for flow {config.flow.value!r}, not {flow.name.value!r}")
    if config is not None and config.sources:
        names = [s.name for s in config.sources]
        limits = {s.name: [_limit(r) for r in s.rate_limits] for s in config.sources}
    else:
        names = list(flow.sources)
        limits = {n: list(DEFAULT_SOURCE_LIMITS.get(n, ())) for n in names}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise FlowConfigError(f"unknown source(s) {unknown}; known: {sorted(known)}")
    if config is not None and config.rate_limits:
        flow_limits = [_limit(r) for r in config.rate_limits]
    else:
        flow_limits = list(flow.rate_limits)
    return Resolved(sources=names, source_limits=limits, flow_limits=flow_limits)
