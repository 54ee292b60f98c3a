"""Settings of the scraper's workers, API and listeners (env prefix `REACH_`), built by the CLI.

The upstream base URLs are settings so that tests and standalone mode point every adapter at
`reach.sandbox` (`reach sandbox serve` prints the values to use).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, SecretStr

from reach.common.settings import PortOrZero, StoreSettings


class ScraperSettings(StoreSettings):
    """Queue tuning, upstreams, rate limits and asset storage. Defaults suit local runs."""

    scraper_api_host: str = "0.0.0.0"
    """Interface `reach scraper api` binds: every one in a pod; tests use 127.0.0.1."""
    scraper_api_port: PortOrZero = 8000
    """Port of the scraper API (the seed's 8000)."""
    scraper_probe_port: PortOrZero = 8080
    """Port of a worker's or listener's /healthz, /readyz, /metrics; 0 serves none."""
    scraper_concurrency: PositiveInt = 8
    """Tasks one worker process runs at once: flows wait on upstreams, so a few per core keep it
    busy without bursting past the upstream limits."""
    scraper_claim_batch: PositiveInt = 50
    """Tasks claimed per transaction at most. Claiming is commit-bound (~2K transactions/s on 2
    cores), so batches are what lets the queue pass 5K tasks/s."""
    scraper_lease_seconds: PositiveFloat = 60.0
    """Seconds a claimed task stays its worker's without a heartbeat; a crashed worker's tasks
    are retried this long after its last heartbeat."""
    scraper_heartbeat_seconds: PositiveFloat = 15.0
    """Seconds between lease renewals; a quarter of the lease rides out a few slow database round
    trips."""
    scraper_poll_seconds: PositiveFloat = 5.0
    """Seconds an idle worker waits for a NOTIFY before looking anyway: catches tasks whose
    run_after came due and notifications lost while reconnecting."""
    scraper_drain_seconds: NonNegativeFloat = 20.0
    """Seconds a stopping worker lets running tasks finish before releasing them; below
    Kubernetes' default 30 s grace period."""
    scraper_max_retries: NonNegativeInt = 3
    """Retries of a failing task before it is FAILED (the seed's)."""
    scraper_retry_backoff_seconds: NonNegativeFloat = 10.0
    """Delay of the first retry; each further retry doubles it, giving upstreams time to recover."""
    scraper_rate_limits_enabled: bool = True
    """Apply the flows' and sources' rate limits; off only for benchmarks against the sandbox."""
    scraper_rate_limit_prefix: str = "reach:ratelimit"
    """Prefix of the rate-limit keys in Redis, so deployments sharing a Redis keep separate
    counts."""
    scraper_rate_limit_max_wait_seconds: NonNegativeFloat = 2.0
    """A task that would exceed a limit sleeps if the window frees within this many seconds, else
    it is deferred (back to PENDING with run_after) to free its slot."""
    scraper_http_timeout_seconds: PositiveFloat = 20.0
    """Timeout of one upstream call, connect to last byte."""
    credential_quota_cooldown_seconds: PositiveFloat = 3600.0
    """Seconds a credential rests after a quota error (platform quotas reset hourly or daily)."""
    credential_auth_cooldown_seconds: PositiveFloat = 86400.0
    """Seconds a credential rests after an auth error: a revoked token needs a person, so it
    stays out for a day unless re-validated."""
    instagram_graph_url: str = "https://graph.facebook.com/v15.0"
    """Instagram Graph API (business_discovery), with its version."""
    rapidapi_instagram_url: str = "https://instagram-scraper-api2.p.rapidapi.com"
    """The RapidAPI-style Instagram source."""
    rapidapi_instagram_host: str = "instagram-scraper-api2.p.rapidapi.com"
    """X-RapidAPI-Host header of that source."""
    rocketapi_instagram_url: str = "https://rocketapi-for-instagram.p.rapidapi.com"
    """RocketAPI for Instagram, the second RapidAPI-style source."""
    instagram_looter_url: str = "https://instagram-looter2.p.rapidapi.com"
    """Instagram Looter, the third RapidAPI-style source."""
    instagram28_url: str = "https://instagram28.p.rapidapi.com"
    """Instagram28, the fourth RapidAPI-style source."""
    instagram_bulk_profile_url: str = "https://instagram-bulk-profile-scrapper.p.rapidapi.com"
    """Instagram Bulk Profile Scrapper, the fifth RapidAPI-style source (profiles)."""
    instagram_statistics_url: str = "https://instagram-statistics-api.p.rapidapi.com"
    """Instagram Statistics API, the sixth RapidAPI-style source (profiles)."""
    instagram_web_url: str = "https://www.instagram.com"
    """Instagram's public web profile endpoint, the last resort."""
    youtube_api_url: str = "https://youtube.googleapis.com/youtube/v3"
    """YouTube Data API v3."""
    invidious_url: str = "https://inv.nadeko.net"
    """An Invidious instance: the YouTube fallback (channels by id, playlists and entries)."""
    llm_url: str = "https://api.openai.com/v1"
    """An OpenAI-compatible API serving /chat/completions."""
    llm_model: str = "gpt-4o-mini"
    """Model for enrichment and sentiment; it must support strict JSON schemas."""
    llm_answer_attempts: PositiveInt = 3
    """Times the model is asked before an answer that is not JSON in the schema fails the task
    (an invalid answer is asked again at once: the next sample usually parses)."""
    llm_usd_per_million_prompt_tokens: NonNegativeFloat = 0.15
    """Price of the model's input tokens (gpt-4o-mini's list price), for the recorded cost."""
    llm_usd_per_million_completion_tokens: NonNegativeFloat = 0.60
    """Price of the model's output tokens (gpt-4o-mini's list price), for the recorded cost."""
    shopify_admin_url: str = "https://{shop}/admin/api/2024-01"
    """Shopify Admin REST API of a connected store, `{shop}` its myshopify.com domain."""
    asset_storage: Literal["local", "s3"] = "local"
    """Where downloaded media go: an S3 bucket in Kubernetes, a folder standalone."""
    asset_dir: Path | None = None
    """Folder of local asset storage; unset: $REACH_DATA_DIR/assets."""
    asset_cdn_url: str | None = None
    """Public base URL the stored assets are served from (a CDN in front of the bucket); recorded
    as asset_log.cdn_url."""
    asset_max_bytes: PositiveInt = 20 * 1024 * 1024
    """Largest media file downloaded; platform images and thumbnails are < 2 MB."""
    s3_bucket: str = "reach-assets"
    """Bucket of S3 asset storage."""
    s3_endpoint_url: str | None = None
    """S3-compatible endpoint (MinIO, Ceph); unset uses AWS's for the region."""
    s3_region: str = "us-east-1"
    """Region of the bucket."""
    s3_access_key_id: SecretStr | None = None
    """Unset: the default AWS chain (IRSA, instance profile)."""
    s3_secret_access_key: SecretStr | None = None
    """Secret of s3_access_key_id."""

    @property
    def asset_folder(self) -> Path:
        return self.asset_dir or self.data_dir / "assets"
