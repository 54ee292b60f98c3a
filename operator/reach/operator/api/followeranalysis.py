"""FollowerAnalysis: score one creator's followers for authenticity in parallel shards."""

from __future__ import annotations

from pydantic import Field

from reach.common.networks import SocialNetwork
from reach.followers.contract import AnalysisSummary
from reach.operator.api.cel import immutable
from reach.operator.api.common import (
    Column,
    CustomResource,
    PlatformBound,
    Status,
)


class FollowerAnalysisSpec(PlatformBound):
    network: SocialNetwork = Field(default="instagram", json_schema_extra=immutable("network"))
    creator_id: str = Field(
        max_length=128,
        description="The creator whose followers are scored.",
        json_schema_extra=immutable("creatorId"),
    )
    parallelism: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Shards, each scored by one pod of an indexed Job.",
        json_schema_extra=immutable("parallelism"),
    )


class FollowerAnalysisStatus(Status):
    shards: int | None = None
    shards_succeeded: int | None = None
    progress: str | None = Field(default=None, max_length=32)
    result: AnalysisSummary | None = None


class FollowerAnalysis(CustomResource):
    """Scores a creator's followers for authenticity in parallel shards."""

    short_names = ("fanalysis",)
    spec_model = FollowerAnalysisSpec
    status_model = FollowerAnalysisStatus
    columns = (
        Column(name="Creator", type="string", json_path=".spec.creatorId"),
        Column(name="Progress", type="string", json_path=".status.progress"),
        Column(name="Fake %", type="number", json_path=".status.result.fakePercent"),
        Column(
            name="Succeeded",
            type="string",
            json_path='.status.conditions[?(@.type=="Succeeded")].status',
        ),
    )
