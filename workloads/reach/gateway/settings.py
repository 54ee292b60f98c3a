"""Settings of `reach gateway serve` and `reach gateway session`; read once at start-up by the
CLI. Secrets are `SecretStr` so they never reach a log line or a repr."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    HttpUrl,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    model_validator,
)

from reach.common.settings import Port, StoreSettings


class GatewaySettings(StoreSettings):
    """The stores (Redis for sessions and the L2 cache, PostgreSQL for partners) plus the
    gateway's listener, tokens, caches, CORS and upstream."""

    gateway_host: str = "0.0.0.0"
    """Address the gateway listens on."""
    gateway_port: Port = 8009
    """Port of the gateway."""
    gateway_upstream_url: HttpUrl = HttpUrl("http://127.0.0.1:7179")
    """The REST API every service prefix is proxied to."""
    gateway_upstream_connect_seconds: PositiveFloat = 2
    """Seconds to open an upstream connection: one that hangs answers 504, one refused answers
    502."""
    gateway_upstream_response_seconds: PositiveFloat = 30
    """Seconds the upstream may take to start its answer before a 504; above the API's slowest
    analytics queries, below a browser's patience."""
    gateway_upstream_idle_seconds: PositiveFloat = 30
    """Seconds a streamed body may stall before it is cut."""

    # Tokens. HS256 with a shared secret by default; RS256 verifies with a JWKS file or URL.
    gateway_jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    """The one algorithm tokens may use (pinned: no alg from the token is trusted)."""
    gateway_jwt_secret: SecretStr | None = None
    """HS256 key shared with whoever issues tokens (>= 32 bytes)."""
    gateway_jwks: str | None = None
    """RS256: a JWKS file path or https URL holding the verification keys."""
    gateway_jwt_private_key_file: Path | None = None
    """RS256: a PEM private key, only for `reach gateway session create` to issue tokens itself
    (usually the identity provider does)."""
    gateway_jwt_issuer: str = "reach"
    """Required `iss` claim."""
    gateway_jwt_audience: str = "reach-gateway"
    """Required `aud`."""
    gateway_jwt_leeway_seconds: float = Field(default=10, ge=0, le=300)
    """Clock skew allowed on exp/nbf/iat."""
    gateway_max_token_bytes: int = Field(default=4096, ge=256)
    """Longer bearer tokens are refused unparsed."""

    # Caches. L1 is per process; L2 is Redis, shared by the replicas.
    gateway_l1_seconds: PositiveFloat = 10
    """In-process TTL of token, session and partner lookups; also the longest a revoked session
    or a suspended partner can still get through."""
    gateway_l1_size: PositiveInt = 100_000
    """Entries per L1 cache."""
    gateway_l2_seconds: PositiveInt = 60
    """Redis TTL of partner lookups (plan and status)."""
    gateway_negative_size: PositiveInt = 10_000
    """Invalid tokens remembered (bounded: a flood of garbage evicts the oldest)."""
    gateway_session_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    """Default lifetime of a new session and token."""
    gateway_key_prefix: str = "reach:gateway"
    """Redis key prefix."""

    # Headers for the API.
    gateway_signing_secret: SecretStr | None = None
    """HMAC key for the x-bb-* headers; the API checks them with the same value
    (REACH_API_SIGNING_SECRET)."""

    gateway_cors_origins: list[str] = Field(default_factory=list)
    """Allowed browser origins: exact (`https://app.example.com`) or with one `*` for a subdomain
    label (`https://*.example.com`). Empty refuses cross-origin calls."""
    gateway_cors_max_age_seconds: NonNegativeInt = 600
    """How long browsers may cache a preflight answer."""
    gateway_assets_dir: Path | None = None
    """A local folder of stored media served at /assets/ (standalone mode, where assets are kept
    on disk); in a cluster a CDN in front of the bucket serves them."""
    gateway_dashboard_dir: Path | None = None
    """The brand dashboard's build (`make web` writes it to web/dist), served at / for browsers;
    off when unset (standalone mode sets it)."""
    gateway_sentry_dsn: SecretStr | None = None
    """Report unhandled errors to Sentry; off when unset."""
    gateway_environment: Literal["development", "production"] = "development"
    """`production` refuses to start without a signing secret for the API."""

    @model_validator(mode="after")
    def _keys_fit_the_algorithm(self) -> GatewaySettings:
        if self.gateway_jwt_algorithm == "HS256":
            secret = self.gateway_jwt_secret
            if secret is None:
                raise ValueError("HS256 needs gateway_jwt_secret (at least 32 bytes)")
            if len(secret.get_secret_value().encode()) < 32:
                raise ValueError("gateway_jwt_secret must be at least 32 bytes for HS256")
        elif self.gateway_jwks is None:
            raise ValueError("RS256 needs gateway_jwks (a JWKS file or URL)")
        if self.gateway_environment == "production" and self.gateway_signing_secret is None:
            raise ValueError("production needs gateway_signing_secret")
        return self
