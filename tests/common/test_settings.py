from __future__ import annotations

from pathlib import Path

import pytest

from reach.common.settings import SettingsError, StoreSettings, load_settings

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
