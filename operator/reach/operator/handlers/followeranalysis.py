"""FollowerAnalysis: runs the indexed scoring Job; shows shard progress, then the result
summary read from the scores table (the followers contract's query and formula)."""

from __future__ import annotations

from reach.followers.contract import summarize, summary_query
from reach.operator.api.followeranalysis import FollowerAnalysis, FollowerAnalysisSpec
from reach.operator.builders import followeranalysis as build
from reach.operator.builders.common import Manifest
from reach.operator.clickhousing import ClickHouseError
from reach.operator.conditions import Condition
from reach.operator.handlers.reconciling import NoExtras, Report, Request


class FollowerAnalysisHandler(NoExtras):
    kind = FollowerAnalysis
    needs_platform = True

    def manifests(self, request: Request[FollowerAnalysisSpec]) -> list[Manifest]:
        return build.build(request.owner, request.spec, request.runtime())

    async def observe(self, request: Request[FollowerAnalysisSpec]) -> Report:
        job = request.child("Job", f"{request.owner.name}-score")
        shards = request.spec.parallelism
        done = int((job or {}).get("succeeded") or 0)
        report = Report(
            status={"shards": shards, "shardsSucceeded": done, "progress": f"{done}/{shards}"}
        )
        report.conditions.append(
            Condition.of("Ready", job is not None, "JobCreated" if job else "JobMissing")
        )
        if job and job.get("complete"):
            report.conditions.append(Condition.of("Succeeded", True, "JobSucceeded"))
            if not request.status.get("result"):
                url = await request.secret(request.runtime().stores.clickhouse)
                try:
                    rows = await request.conns.clickhouse.run(
                        url, [summary_query(request.owner.name)]
                    )
                    result = summarize({float(c): int(n) for c, n in rows[0]})
                except ClickHouseError as exc:
                    report.conditions.append(
                        Condition.of("ResultRecorded", False, "ScoresUnreadable", str(exc)[:500])
                    )
                    return report
                report.status["result"] = result.model_dump(by_alias=True)
                report.events.append(
                    (
                        "Normal",
                        "Scored",
                        f"{result.followers} followers, {result.fake_percent}% fake",
                    )
                )
            report.conditions.append(Condition.of("ResultRecorded", True, "Recorded"))
        elif job and job.get("failedCondition"):
            report.conditions.append(
                Condition.of("Succeeded", False, "JobFailed", "a shard failed past its retries")
            )
            report.conditions.append(Condition.of("Degraded", True, "JobFailed"))
        else:
            report.conditions.append(
                Condition("Succeeded", "Unknown", "Running", f"{done}/{shards} shards done")
            )
        return report
