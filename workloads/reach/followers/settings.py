"""Settings of the follower scorer job (`reach followers score`); read once at start-up."""

from __future__ import annotations

from pydantic import Field

from reach.common.settings import StoreSettings


class FollowersSettings(StoreSettings):
    """The stores (ClickHouse) plus the scorer's batch size."""

    followers_batch_rows: int = Field(
        default=50_000,
        ge=1,
        description="Followers scored and inserted per batch (rows); large batches amortize "
        "the per-insert cost, small ones bound the memory of one batch.",
    )
