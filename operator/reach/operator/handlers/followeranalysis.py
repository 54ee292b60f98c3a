"""FollowerAnalysis: runs the indexed scoring Job; shows shard progress, then the result
summary read from the scores table."""

from __future__ import annotations

import asyncio

from reach.common import clickhouse
from reach.operator.api.followeranalysis import AnalysisResult, FollowerAnalysis
from reach.operator.builders import followeranalysis as build
from reach.operator.builders.common import Manifest
from reach.operator.conditions import Condition
from reach.operator.handlers.reconciling import Report, Request

RESULT_QUERY = """
SELECT count(), countIf(fake_class < 0.1), countIf(fake_class >= 0.1 AND fake_class < 0.5),
       countIf(fake_class >= 0.5)
FROM _e.follower_score FINAL
WHERE analysis = {analysis:String}
"""


def summarize(followers: int, real: int, weak: int, fake: int) -> AnalysisResult:
    percent = round(100.0 * fake / followers, 2) if followers else 0.0
    return AnalysisResult(
        followers=followers, real=real, weak_fake=weak, fake=fake, fake_percent=percent
    )


def _read_result(url: str, analysis: str) -> AnalysisResult:
    client = clickhouse.get_client(dsn=url)
    try:
        row = client.query(RESULT_QUERY, parameters={"analysis": analysis}).result_rows[0]
    finally:
        client.close()
    return summarize(*(int(v) for v in row))


class FollowerAnalysisHandler:
    kind = FollowerAnalysis
    needs_platform = True

    def manifests(self, request: Request) -> list[Manifest]:
        return build.build(request.owner, request.spec, request.runtime())

    async def observe(self, request: Request, applied: bool) -> Report:
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
                    result = await asyncio.to_thread(_read_result, url, request.owner.name)
                except Exception as exc:  # the driver raises several unrelated types
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
