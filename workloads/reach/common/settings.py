"""What every settings model shares: its base, the field types whose limits recur, the stores'
connection settings, and the one way to load any settings model.

Each package has its own settings model on `ReachSettings` (env prefix `REACH_`); those that talk
to the stores extend `StoreSettings`. A field's common limits come with its type: `Port` and
`PortOrZero` here, pydantic's `PositiveFloat`, `NonNegativeInt`, ... for durations and counts, so
a port or a duration is checked the same way in every workload. `load_settings` is how the CLI
builds them, so a malformed value stops the process at start-up with the environment variable's
name in the message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AmqpDsn,
    Field,
    HttpUrl,
    PositiveInt,
    PostgresDsn,
    RedisDsn,
    ValidationError,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "REACH_"

# The limits settings fields share, declared once. Ports: a listener's port is 1-65535; where 0
# is allowed the field says what it means (no listener, or any free port).
Port = Annotated[int, Field(ge=1, le=65535)]
PortOrZero = Annotated[int, Field(ge=0, le=65535)]


def _check_clickhouse_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "chdb":
        if not parts.path or parts.netloc:
            raise ValueError("chdb URLs name an absolute folder: chdb:///path/to/dir")
        return url
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError("http(s) ClickHouse URLs need a host")
        try:
            parts.port  # noqa: B018 - raises on a non-numeric port
        except ValueError as exc:
            raise ValueError(f"bad port: {exc}") from None
        return url
    raise ValueError(f"scheme must be chdb, http or https, not {parts.scheme!r}")


ClickHouseUrl = Annotated[str, AfterValidator(_check_clickhouse_url)]


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "reach"


class ReachSettings(BaseSettings):
    """Base of every settings model: read from `REACH_*` variables (unknown ones ignored, as
    one environment serves several workloads), frozen once built."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", frozen=True, use_attribute_docstrings=True
    )


class StoreSettings(ReachSettings):
    """Where the stores are. Defaults are the local servers `make services` starts."""

    data_dir: Path = Field(default_factory=_default_data_dir)
    """Local state: the embedded ClickHouse folder, media assets in standalone mode."""
    postgres_dsn: PostgresDsn = PostgresDsn("postgresql://reach:reach@127.0.0.1:5432/reach")
    """PostgreSQL for transactional data and the scrape task queue."""
    clickhouse_url: ClickHouseUrl | None = None
    """`http(s)://user:pass@host:8123/` for a server; unset means the embedded engine at
    chdb://$REACH_DATA_DIR/clickhouse."""
    redis_url: RedisDsn = RedisDsn("redis://127.0.0.1:6379/0")
    """Redis for rate limits, sessions and the L2 profile cache."""
    amqp_url: AmqpDsn = AmqpDsn("amqp://guest:guest@127.0.0.1:5672/")
    """RabbitMQ; guest only works over loopback, which is what local runs use."""
    postgres_statement_timeout_ms: PositiveInt = 30_000
    """Milliseconds before PostgreSQL cancels a statement; long enough for a sync swap, short
    enough that a stuck query frees its connection."""
    amqp_prefetch: PositiveInt = 256
    """Messages a consumer holds unacked; each carries many events, so a few hundred keep a batch
    full without hoarding the queue."""

    @property
    def clickhouse_dsn(self) -> str:
        return self.clickhouse_url or f"chdb://{(self.data_dir / 'clickhouse').resolve()}"


class ScraperApiClientSettings(ReachSettings):
    """For the workloads that hand work to the scraper through its API (the REST API's refreshes,
    the pipelines' enqueues): one variable, so one value points them all at it."""

    scraper_api_url: HttpUrl = HttpUrl("http://127.0.0.1:8000")
    """Base URL of `reach scraper api` (its default port is 8000, the seed's)."""


class SettingsError(ValueError):
    """A setting from the environment is malformed; the message names the variable."""


S = TypeVar("S", bound=BaseSettings)


def load_settings(model: type[S]) -> S:
    """Builds `model` from the environment, naming the offending variable on failure."""
    try:
        return model()
    except ValidationError as exc:
        prefix = str(model.model_config.get("env_prefix", "")).upper()
        lines = [
            f"{prefix}{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
