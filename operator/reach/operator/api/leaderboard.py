"""Leaderboard: a ranking rebuilt by dbt on a schedule and synced to PostgreSQL."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from reach.common.networks import SocialNetwork
from reach.operator.api.cel import cel
from reach.operator.api.common import (
    Column,
    CustomResource,
    ScheduledSpec,
    ScheduledStatus,
)
from reach.pipelines import contract


class LeaderboardSpec(ScheduledSpec):
    network: Literal[SocialNetwork, "cross_platform"] = Field(
        description="The network ranked, or cross_platform: every creator on both networks."
    )
    metric: Literal["followers", "engagement_rate", "views"] = "followers"
    dimensions: list[Literal["category", "language", "country"]] = Field(
        default_factory=list, max_length=3, json_schema_extra={"x-kubernetes-list-type": "set"}
    )
    target_table: str = Field(
        default=contract.LEADERBOARD_TABLE,
        max_length=63,
        pattern=r"^[a-z_][a-z0-9_]*$",
        description=(
            "The PostgreSQL table the ranking is synced into; immutable (a ranking under another"
            " table is another Leaderboard). Leaderboards may share one: each sync replaces only"
            " the rows of its own leaderboard (column `leaderboard`). The API serves the"
            f" leaderboards of `{contract.LEADERBOARD_TABLE}`."
        ),
        json_schema_extra={
            "x-kubernetes-validations": [
                cel(
                    "self == oldSelf",
                    "targetTable is immutable: create another Leaderboard for another table "
                    "(and delete this one)",
                )
            ]
        },
    )

    @field_validator("target_table")
    @classmethod
    def _not_the_core_table(cls, table: str) -> str:
        if table == contract.CORE_LEADERBOARD_TABLE:
            raise ValueError(
                f"{table} holds the core schedule's monthly ranks, replaced as a whole by its"
                f" sync; sync this Leaderboard into {contract.LEADERBOARD_TABLE} (the default)"
                " or a table of its own"
            )
        return table


class Leaderboard(CustomResource):
    """A ranking rebuilt by dbt on a schedule and synced to PostgreSQL."""

    short_names = ("lboard",)
    spec_model = LeaderboardSpec
    status_model = ScheduledStatus
    columns = (
        Column(name="Network", type="string", json_path=".spec.network"),
        Column(name="Metric", type="string", json_path=".spec.metric"),
    )
