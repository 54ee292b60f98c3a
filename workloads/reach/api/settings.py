"""Settings of `reach api serve`; read once at start-up by the CLI."""

from __future__ import annotations

from pydantic import Field, HttpUrl, SecretStr

from reach.common.settings import StoreSettings


class ApiSettings(StoreSettings):
    """The stores plus the API's port, caches, freshness and plan limits."""

    api_host: str = Field(default="0.0.0.0", description="Address the API listens on.")
    api_port: int = Field(default=7179, ge=1, le=65535, description="Port of the API.")
    scraper_api_url: HttpUrl = Field(
        default=HttpUrl("http://127.0.0.1:8000"),
        description="Base URL of the scraper API that missing or stale profiles are sent to.",
    )
    profile_stale_after_hours: float = Field(
        default=72, gt=0, description="A profile refreshed longer ago is refreshed on lookup."
    )
    profile_l1_size: int = Field(default=10_000, ge=1, description="Profiles in each process.")
    profile_l1_seconds: float = Field(default=60, gt=0, description="In-process cache TTL.")
    profile_l2_seconds: int = Field(default=600, ge=1, description="Redis cache TTL.")
    analytics_database: str = Field(
        default="dbt",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="ClickHouse database of the dbt marts the analytics routes read.",
    )
    cache_prefix: str = Field(default="reach:api", description="Prefix of the API's Redis keys.")
    retry_after_seconds: int = Field(
        default=30, ge=1, description="The retry hint of a 202 (a refresh takes about this long)."
    )
    usage_flush_seconds: float = Field(
        default=1,
        gt=0,
        description="Seconds between writes of the usage counts (and reads of other replicas'); "
        "also how long replicas may together overshoot a limit.",
    )
    # Requests per calendar month (UTC) per partner and metered module; a plan or module not
    # listed is unlimited.
    plan_limits: dict[str, dict[str, int]] = Field(
        default={
            "FREE": {"discovery": 1_000, "leaderboard": 500},
            "SAAS": {"discovery": 100_000, "leaderboard": 50_000},
        },
        description="Monthly request limits per plan and module (JSON).",
    )
    api_signing_secret: SecretStr | None = Field(
        default=None,
        description="The gateway's header-signing key (REACH_GATEWAY_SIGNING_SECRET); when set, "
        "requests without its fresh signature are refused with 401.",
    )
    api_signing_max_skew_seconds: float = Field(
        default=30,
        gt=0,
        description="How old a gateway signature may be: covers clock skew between pods and "
        "bounds how long a captured request can be replayed.",
    )

    @property
    def signing(self) -> tuple[bytes, float] | None:
        secret = self.api_signing_secret
        if secret is None:
            return None
        return secret.get_secret_value().encode(), self.api_signing_max_skew_seconds
