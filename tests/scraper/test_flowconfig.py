"""Resolving a worker's sources and limits from a flow's defaults or a ScrapeFlow's file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.scraper.contract import RAPIDAPI_PROVIDERS
from reach.scraper.credentials import CredentialStore
from reach.scraper.flowconfig import (
    DEFAULT_SOURCE_LIMITS,
    FlowConfig,
    FlowConfigError,
    load,
    resolve,
)
from reach.scraper.flows import FLOWS, get_flow
from reach.scraper.flows.instagram import INSTAGRAM_SOURCES, RAPIDAPI_STYLE
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.running import build_sources
from reach.scraper.settings import ScraperSettings
from reach.testing import fuzzing
from reach.testing.operating import load_samples

pytestmark = pytest.mark.unit
KNOWN = [
    *INSTAGRAM_SOURCES,
    "youtube",
    "invidious",
    "openai",
    "shopify",
    "cdn",
]

# The file the operator renders for its sample ScrapeFlow (tests/operator/golden/scrapeflow.yaml).
OPERATOR_FILE = """\
flow: refresh_instagram_profile
rateLimits:
- limit: 20000
  per: day
  scope: global
- limit: 1
  per: second
  scope: handle
sources:
- name: graphapi
  rateLimits:
  - limit: 200
    per: hour
    scope: global
- name: lastresort
  rateLimits: []
"""


def test_defaults_come_from_the_flow() -> None:
    resolved = resolve(get_flow("refresh_instagram_profile"), None, KNOWN)
    assert resolved.sources == ["graphapi", *RAPIDAPI_STYLE, "lastresort"]
    assert resolved.source_limits["graphapi"] == [RateLimit(200, "hour")]
    # Each RapidAPI-style provider has its own rule.
    rules = [tuple(resolved.source_limits[n]) for n in RAPIDAPI_STYLE]
    assert all(rules) and len(set(rules)) == len(RAPIDAPI_STYLE)
    assert RateLimit(1, "second", "handle") in resolved.flow_limits


def test_the_operators_file_overrides(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(OPERATOR_FILE)
    resolved = resolve(get_flow("refresh_instagram_profile"), load(path), KNOWN)
    assert resolved.sources == ["graphapi", "lastresort"]
    assert resolved.source_limits == {"graphapi": [RateLimit(200, "hour")], "lastresort": []}
    assert resolved.flow_limits == [RateLimit(20000, "day"), RateLimit(1, "second", "handle")]


@pytest.mark.parametrize(
    "config",
    [
        FlowConfig(flow="refresh_youtube_channel"),
        FlowConfig.model_validate(
            {"flow": "refresh_instagram_profile", "sources": [{"name": "x"}]}
        ),
    ],
)
def test_mismatches_are_errors(config: FlowConfig) -> None:
    with pytest.raises(FlowConfigError):
        resolve(get_flow("refresh_instagram_profile"), config, KNOWN)


def test_unreadable_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("flow: [")
    with pytest.raises(FlowConfigError):
        load(tmp_path / "bad.yaml")
    with pytest.raises(FlowConfigError):
        load(tmp_path / "missing.yaml")


async def test_every_flows_default_sources_exist() -> None:
    credentials = CredentialStore(None, quota_cooldown_s=1, auth_cooldown_s=1)  # type: ignore[arg-type]
    async with httpx.AsyncClient() as client:
        built = build_sources(ScraperSettings(), client, credentials)
    assert sorted(built) == sorted(KNOWN)
    for flow in FLOWS.values():
        assert set(flow.sources) <= set(built), flow.name


_KEYS = st.sampled_from(["flow", "platform", "sources", "rateLimits", "name", "limit", "per",
                         "scope", "other"])  # fmt: skip
# Documents shaped like a ScrapeFlow's file (its keys, at two levels, any values) and any other.
_FLOW_FILES = st.one_of(
    st.dictionaries(
        _KEYS,
        fuzzing.JSON_VALUES
        | st.lists(st.dictionaries(_KEYS, fuzzing.JSON_VALUES | st.lists(
            st.dictionaries(_KEYS, fuzzing.JSON_VALUES, max_size=3), max_size=3), max_size=3),
            max_size=3),
        max_size=5,
    ),
    fuzzing.JSON_VALUES,
).map(fuzzing.json_bytes)  # fmt: skip


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=_FLOW_FILES, flow=st.sampled_from(sorted(FLOWS)))
def test_any_flow_file_resolves_or_is_refused_with_a_reason(
    tmp_path: Path, content: bytes, flow: str
) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(content)
    try:
        resolve(get_flow(flow), load(path), KNOWN)
    except FlowConfigError as exc:
        assert str(exc)


def test_each_rapidapi_provider_has_its_url_setting_and_the_sample_its_default_limits(
    repo_root: Path,
) -> None:
    """The sample profile ScrapeFlow lists every RapidAPI-style provider with the rate limits
    the scraper defaults to (a changed default changes the sample)."""
    assert all(setting in ScraperSettings.model_fields for setting in RAPIDAPI_PROVIDERS.values())
    sample = load_samples(repo_root / "crds" / "samples")["ScrapeFlow"]["spec"]
    assert sample["flow"] == "refresh_instagram_profile"
    listed = {
        s["name"]: [
            RateLimit(r["limit"], r["per"], r.get("scope", "global")) for r in s["rateLimits"]
        ]
        for s in sample["sources"]
        if s["name"] in RAPIDAPI_STYLE
    }
    assert listed == {name: list(DEFAULT_SOURCE_LIMITS[name]) for name in RAPIDAPI_STYLE}
