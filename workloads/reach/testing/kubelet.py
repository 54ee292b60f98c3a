"""A stand-in for the kubelet in the local test cluster, which has no container runtime.

It watches pods and reports them the way a kubelet would once their containers ran: pods of
ReplicaSets become Running and Ready; pods that run to completion (pods of Jobs, and bare pods
with restartPolicy Never such as `helm test`'s) Succeed (or Fail, for the pods `fail` selects).
Such pods that `run` accepts are really run first (e.g. by Podman, see
`reach.testing.containers`) and reported as they ended. The controllers then do the rest for
real: ReplicaSets and Deployments count ready replicas, Jobs complete, CronJobs record their runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kubernetes import client, config, watch


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod_status(pod: Any, *, succeed: bool) -> dict[str, Any] | None:
    """The status a kubelet reports for `pod`, or None when there is nothing to report."""
    owners = {ref.kind for ref in pod.metadata.owner_references or []}
    phase = pod.status.phase if pod.status else None
    if phase not in (None, "Pending"):
        return None
    now = _now()
    names = [c.name for c in pod.spec.containers]
    if "Job" in owners or (not owners and pod.spec.restart_policy == "Never"):
        code = 0 if succeed else 1
        return {
            "phase": "Succeeded" if succeed else "Failed",
            "startTime": now,
            "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": now}],
            "containerStatuses": [
                {
                    "name": name,
                    "image": "fake",
                    "imageID": "",
                    "ready": False,
                    "restartCount": 0,
                    "state": {
                        "terminated": {
                            "exitCode": code,
                            "reason": "Completed" if succeed else "Error",
                            "startedAt": now,
                            "finishedAt": now,
                        }
                    },
                }
                for name in names
            ],
        }
    if "ReplicaSet" in owners:
        ready = ("PodScheduled", "Initialized", "ContainersReady", "Ready")
        return {
            "phase": "Running",
            "startTime": now,
            "conditions": [{"type": t, "status": "True", "lastTransitionTime": now} for t in ready],
            "containerStatuses": [
                {
                    "name": name,
                    "image": "fake",
                    "imageID": "",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": now}},
                }
                for name in names
            ],
        }
    return None


class FakeKubelet:
    """Runs in a thread until `stop()`; `fail(pod)` decides which run-to-completion pods fail;
    `run(pod)` runs one for real and returns whether it succeeded, or None to leave it to `fail`."""

    def __init__(
        self,
        kubeconfig: Path,
        fail: Callable[[Any], bool] = lambda _: False,
        run: Callable[[Any], bool | None] = lambda _: None,
    ) -> None:
        self._api = client.CoreV1Api(config.new_client_from_config(str(kubeconfig)))
        self._fail = fail
        self._run_pod = run
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-kubelet", daemon=True)

    def __enter__(self) -> FakeKubelet:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            stream = watch.Watch()
            try:
                for event in stream.stream(
                    self._api.list_pod_for_all_namespaces, timeout_seconds=1
                ):
                    if self._stop.is_set():
                        break
                    if event["type"] in ("ADDED", "MODIFIED"):
                        self._report(event["object"])
            except client.ApiException as exc:
                # An expired watch (410) is restarted, and so is one the API server ended with
                # a 500 (etcd's "context deadline exceeded" on a loaded machine), as a real
                # kubelet's informer re-lists; anything else is a bug.
                if exc.status not in (410, 500):
                    raise
            finally:
                stream.stop()

    def _report(self, pod: Any) -> None:
        status = pod_status(pod, succeed=not self._fail(pod))
        if status is None:
            return
        if status["phase"] in ("Succeeded", "Failed"):
            ran = self._run_pod(pod)
            if ran is not None:
                status = pod_status(pod, succeed=ran)
                assert status is not None
        try:
            self._api.patch_namespaced_pod_status(
                pod.metadata.name, pod.metadata.namespace, {"status": status}
            )
        except client.ApiException as exc:
            if exc.status != 404:  # the pod went away meanwhile
                raise
