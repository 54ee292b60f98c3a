"""Settings of the follower scorer job (`reach followers score`); read once at start-up."""

from __future__ import annotations

from pydantic import PositiveInt

from reach.common.settings import StoreSettings


class FollowersSettings(StoreSettings):
    """The stores (ClickHouse) plus the scorer's batch size."""

    followers_batch_rows: PositiveInt = 50_000
    """Followers scored and inserted per batch (rows); large batches amortize the per-insert
    cost, small ones bound the memory of one batch."""
