"""Settings of `reach pipelines` (dbt runs, syncs, enqueues); read once at start-up by the CLI."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, NonNegativeInt, PositiveInt, SecretStr

from reach.common.settings import ScraperApiClientSettings, StoreSettings


def _default_project_dir() -> Path:
    # workloads/reach/pipelines/settings.py -> the repository's dbt/ (a source checkout or an
    # editable install); images set REACH_DBT_PROJECT_DIR to where they copy the project.
    return Path(__file__).resolve().parents[3] / "dbt"


class PipelinesSettings(StoreSettings, ScraperApiClientSettings):
    """The stores plus where the dbt project is, how syncs batch and lock, and the scraper API."""

    dbt_project_dir: Path = Field(default_factory=_default_project_dir)
    """The dbt project (dbt_project.yml, profiles.yml); default: the repo's dbt/."""
    dbt_work_dir: Path | None = None
    """Where dbt writes target/ and logs/; unset means $REACH_DATA_DIR/dbt, so a read-only
    project folder (an image) works."""
    dbt_schema: str = Field(default="dbt", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """ClickHouse database the models are built in (the design's `dbt`)."""
    dbt_threads: int = Field(default=2, ge=1, le=32)
    """Models dbt builds at once; 2 matches a small node, ClickHouse parallelizes each query
    itself."""
    sync_batch_rows: int = Field(default=100_000, ge=1_000)
    """Rows per block read from ClickHouse and handed to COPY: large enough to amortize per-block
    costs, small enough to bound memory (a few tens of MB)."""
    sync_lock_timeout_ms: int = Field(default=2_000, ge=10)
    """Milliseconds the swap waits for readers' locks before it gives up and retries; readers
    queue behind a waiting swap, so this bounds their stall."""
    sync_swap_attempts: PositiveInt = 5
    """Swap attempts (each bounded by the lock timeout) before the sync fails and leaves the old
    table serving."""
    sync_statement_timeout_ms: NonNegativeInt = 0
    """Statement timeout of the sync's own connection in milliseconds; 0 (none) because a large
    COPY or index build legitimately runs for minutes."""
    slack_webhook_url: SecretStr | None = None
    """Slack incoming webhook that a failed `reach pipelines` command posts to (the variable the
    Airflow DAGs' alerts read too); unset: no alerts."""
    enqueue_concurrency: int = Field(default=16, ge=1, le=256)
    """Enqueue requests in flight at once; the API answers each in milliseconds."""
