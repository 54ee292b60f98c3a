"""FollowerAnalysis -> an indexed Job, one pod per shard of the creator's followers."""

from __future__ import annotations

from reach.operator.api.followeranalysis import FollowerAnalysisSpec
from reach.operator.builders.common import (
    Manifest,
    Owner,
    Runtime,
    container,
    job,
    job_spec,
    pod_spec,
)


def build(owner: Owner, spec: FollowerAnalysisSpec, runtime: Runtime) -> list[Manifest]:
    shards = spec.parallelism
    score = container(
        "score",
        runtime,
        [
            "followers",
            "score",
            "--analysis",
            owner.name,
            "--network",
            spec.network,
            "--creator-id",
            spec.creator_id,
            # The Job controller sets JOB_COMPLETION_INDEX in each pod; Kubernetes expands it.
            "--shard",
            f"$(JOB_COMPLETION_INDEX)/{shards}",
        ],
    )
    pod = pod_spec([score], restart_policy="Never")
    spec_body = job_spec(
        pod,
        completionMode="Indexed",
        completions=shards,
        parallelism=shards,
        backoffLimitPerIndex=2,
        maxFailedIndexes=0,
    )
    spec_body.pop("backoffLimit")
    return [job(owner, f"{owner.name}-score", "score", spec_body)]
