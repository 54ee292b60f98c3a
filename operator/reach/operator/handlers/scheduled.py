"""Leaderboard and TableSync: a CronJob, its run history in status, and run-now requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from reach.operator.api.common import GROUP, CustomResource, ScheduledSpec
from reach.operator.api.leaderboard import Leaderboard, LeaderboardSpec
from reach.operator.api.tablesync import TableSync, TableSyncSpec
from reach.operator.builders import scheduled as build
from reach.operator.builders.common import Manifest, Owner, Runtime, digest
from reach.operator.conditions import Condition
from reach.operator.handlers.reconciling import NoExtras, Report, Request

ANNOTATION_RUN_NOW = f"{GROUP}/run-now"
RECENT_RUNS = 5
S = TypeVar("S", bound=ScheduledSpec)


def run_history(jobs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Condition | None]:
    """The last runs, newest first, and LastRunSucceeded from the newest finished one."""
    jobs = sorted(jobs, key=lambda j: j.get("creationTimestamp") or "", reverse=True)
    runs = []
    for j in jobs[:RECENT_RUNS]:
        finished = j.get("complete") or j.get("failedCondition")
        runs.append(
            {
                "job": j["name"],
                "startedAt": j.get("startTime"),
                "finishedAt": j.get("completionTime") if finished else None,
                "succeeded": bool(j.get("complete")) if finished else None,
            }
        )
    last = next((j for j in jobs if j.get("complete") or j.get("failedCondition")), None)
    if last is None:
        return runs, None
    if last.get("complete"):
        return runs, Condition.of("LastRunSucceeded", True, "JobSucceeded", last["name"])
    return runs, Condition.of("LastRunSucceeded", False, "JobFailed", last["name"])


class ScheduledHandler(NoExtras, Generic[S]):
    """A kind whose work is a CronJob; `builder` makes its manifests."""

    needs_platform = True

    def __init__(
        self, kind: type[CustomResource], builder: Callable[[Owner, S, Runtime], list[Manifest]]
    ) -> None:
        self.kind = kind
        self._builder = builder

    def manifests(self, request: Request[S]) -> list[Manifest]:
        return self._builder(request.owner, request.spec, request.runtime())

    def cron(self, request: Request[S]) -> Manifest:
        return next(m for m in self.manifests(request) if m["kind"] == "CronJob")

    async def observe(self, request: Request[S]) -> Report:
        cron = self.cron(request)
        found = request.child("CronJob", cron["metadata"]["name"])
        report = Report()
        report.conditions.append(
            Condition.of(
                "Scheduled",
                found is not None,
                "Suspended" if request.spec.suspend else "Scheduled",
                f"{request.spec.schedule}" + (" (suspended)" if request.spec.suspend else ""),
            )
        )
        jobs = [c for c in request.children.values() if c["kind"] == "Job"]
        runs, last = run_history(jobs)
        report.status["recentRuns"] = runs
        if last is not None:
            report.status["lastSuccessfulTime"] = (found or {}).get("lastSuccessfulTime")
        if found:
            report.status["lastScheduleTime"] = found.get("lastScheduleTime")
            report.status["lastSuccessfulTime"] = found.get("lastSuccessfulTime")
        token = (request.body["metadata"].get("annotations") or {}).get(ANNOTATION_RUN_NOW)
        if token and token != request.status.get("lastRunNow"):
            made = build.run_now(request.owner, cron, digest(token, 8))
            await request.kube.apply([made])
            report.status["lastRunNow"] = token[:63]
            report.events.append(
                (
                    "Normal",
                    "RunNow",
                    f"started job {made['metadata']['name']} ({ANNOTATION_RUN_NOW})",
                )
            )
        ready = Condition.of("Ready", found is not None, "Scheduled" if found else "CronJobMissing")
        report.conditions.append(ready)
        if last is not None:
            report.conditions.append(last)
        return report


def leaderboard_handler() -> ScheduledHandler[LeaderboardSpec]:
    return ScheduledHandler(Leaderboard, build.leaderboard)


def tablesync_handler() -> ScheduledHandler[TableSyncSpec]:
    return ScheduledHandler(TableSync, build.tablesync)
