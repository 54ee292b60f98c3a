from __future__ import annotations

from pathlib import Path

import pytest

from reach.common.settings import (
    Port,
    PortOrZero,
    ReachSettings,
    ScraperApiClientSettings,
    SettingsError,
    StoreSettings,
    load_settings,
)

pytestmark = pytest.mark.unit


def test_defaults_point_at_local_services_and_embedded_clickhouse(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for var in ("POSTGRES_DSN", "CLICKHOUSE_URL", "REDIS_URL", "AMQP_URL"):
        monkeypatch.delenv(f"REACH_{var}", raising=False)
    monkeypatch.setenv("REACH_DATA_DIR", str(tmp_path))
    settings = load_settings(StoreSettings)
    assert settings.clickhouse_dsn == f"chdb://{tmp_path.resolve()}/clickhouse"
    assert str(settings.postgres_dsn).startswith("postgresql://")
    assert str(settings.redis_url).startswith("redis://")
    assert str(settings.amqp_url).startswith("amqp://")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REACH_POSTGRES_DSN", "mysql://x@y/z"),
        ("REACH_REDIS_URL", "not a url"),
        ("REACH_AMQP_URL", "http://broker"),
        ("REACH_CLICKHOUSE_URL", "ftp://clickhouse"),
        ("REACH_CLICKHOUSE_URL", "chdb://relative/dir"),
        ("REACH_CLICKHOUSE_URL", "http://host:port/"),
        ("REACH_POSTGRES_STATEMENT_TIMEOUT_MS", "0"),
    ],
)
def test_malformed_value_is_rejected_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings(StoreSettings)
    assert variable in str(raised.value)


@pytest.mark.parametrize(
    "url", ["chdb:///var/lib/reach/clickhouse", "http://ch:8123/", "https://u:p@ch.example:8443"]
)
def test_clickhouse_url_accepts_server_and_embedded(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("REACH_CLICKHOUSE_URL", url)
    assert load_settings(StoreSettings).clickhouse_dsn == url


class _Listener(ReachSettings):
    listener_port: Port = 8000
    """A listener's port."""
    listener_probe_port: PortOrZero = 8080
    """Its probes' port; 0 serves none."""


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("REACH_LISTENER_PORT", "1", True),
        ("REACH_LISTENER_PORT", "65535", True),
        ("REACH_LISTENER_PORT", "0", False),
        ("REACH_LISTENER_PORT", "65536", False),
        ("REACH_LISTENER_PROBE_PORT", "0", True),
        ("REACH_LISTENER_PROBE_PORT", "-1", False),
        ("REACH_LISTENER_PROBE_PORT", "65536", False),
    ],
)
def test_port_types_carry_their_limits(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, accepted: bool
) -> None:
    monkeypatch.setenv(variable, value)
    if accepted:
        load_settings(_Listener)
    else:
        with pytest.raises(SettingsError, match=variable):
            load_settings(_Listener)


def _settings_models() -> list[type[ReachSettings]]:
    # Every workload's model, so the checks below cover the fields each one declares.
    import reach.api.settings
    import reach.clickhouse_server.settings
    import reach.followers.settings
    import reach.gateway.settings
    import reach.ingest.settings
    import reach.operator.settings
    import reach.pipelines.settings
    import reach.sandbox.settings
    import reach.scraper.settings
    import reach.standalone.settings

    return [
        StoreSettings,
        reach.api.settings.ApiSettings,
        reach.clickhouse_server.settings.ClickHouseServerSettings,
        reach.followers.settings.FollowersSettings,
        reach.gateway.settings.GatewaySettings,
        reach.ingest.settings.IngestSettings,
        reach.operator.settings.OperatorSettings,
        reach.pipelines.settings.PipelinesSettings,
        reach.sandbox.settings.SandboxSettings,
        reach.scraper.settings.ScraperSettings,
        reach.standalone.settings.StandaloneSettings,
    ]


@pytest.mark.parametrize("model", _settings_models(), ids=lambda m: m.__name__)
def test_every_field_is_described_by_its_docstring(model: type[ReachSettings]) -> None:
    undescribed = [name for name, field in model.model_fields.items() if not field.description]
    assert undescribed == []


def test_one_variable_points_every_client_at_the_scraper_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REACH_GATEWAY_JWT_SECRET", "s" * 32)
    monkeypatch.setenv("REACH_SCRAPER_API_URL", "http://scraper.reach.svc:8000")
    clients = [m for m in _settings_models() if issubclass(m, ScraperApiClientSettings)]
    assert {m.__name__ for m in clients} == {"ApiSettings", "PipelinesSettings"}
    for model in clients:
        assert str(load_settings(model).scraper_api_url) == "http://scraper.reach.svc:8000/"
