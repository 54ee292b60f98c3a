"""Settings of `reach api serve`; read once at start-up by the CLI."""

from __future__ import annotations

from pydantic import Field, PositiveFloat, PositiveInt, SecretStr

from reach.common.settings import Port, ScraperApiClientSettings, StoreSettings


class ApiSettings(StoreSettings, ScraperApiClientSettings):
    """The stores plus the API's port, caches, freshness and plan limits."""

    api_host: str = "0.0.0.0"
    """Address the API listens on."""
    api_port: Port = 7179
    """Port of the API."""
    profile_stale_after_hours: PositiveFloat = 72
    """A profile refreshed longer ago is refreshed on lookup."""
    profile_l1_size: PositiveInt = 10_000
    """Profiles in each process."""
    profile_l1_seconds: PositiveFloat = 60
    """In-process cache TTL."""
    profile_l2_seconds: PositiveInt = 600
    """Redis cache TTL."""
    analytics_database: str = Field(default="dbt", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """ClickHouse database of the dbt marts the analytics routes read."""
    cache_prefix: str = "reach:api"
    """Prefix of the API's Redis keys."""
    retry_after_seconds: PositiveInt = 30
    """The retry hint of a 202 (a refresh takes about this long)."""
    usage_flush_seconds: PositiveFloat = 1
    """Seconds between writes of the usage counts (and reads of other replicas'); also how long
    replicas may together overshoot a limit."""
    # Requests per calendar month (UTC) per partner and metered module; a plan or module not
    # listed is unlimited.
    plan_limits: dict[str, dict[str, int]] = Field(
        default_factory=lambda: {
            "FREE": {"discovery": 1_000, "leaderboard": 500},
            "SAAS": {"discovery": 100_000, "leaderboard": 50_000},
        }
    )
    """Monthly request limits per plan and module (JSON)."""
    api_signing_secret: SecretStr | None = None
    """The gateway's header-signing key (REACH_GATEWAY_SIGNING_SECRET); when set, requests
    without its fresh signature are refused with 401."""
    api_signing_max_skew_seconds: PositiveFloat = 30
    """How old a gateway signature may be: covers clock skew between pods and bounds how long a
    captured request can be replayed."""

    @property
    def signing(self) -> tuple[bytes, float] | None:
        secret = self.api_signing_secret
        if secret is None:
            return None
        return secret.get_secret_value().encode(), self.api_signing_max_skew_seconds
