"""Failure alerts of the pipelines: one Slack message (incoming webhook) per failed run. The
Airflow DAGs post from their failure callback; without Airflow (the operator's CronJobs,
standalone mode) `reach pipelines` posts when one of its commands fails. An unreachable Slack
is logged, never raised: the alert must not mask the failure it reports."""

from __future__ import annotations

import logging

import httpx

log = logging.getLogger(__name__)


def post_failure(webhook_url: str | None, text: str) -> bool:
    """Posts `text` to the webhook; False when there is none or it did not take it."""
    if not webhook_url:
        return False
    try:
        httpx.post(webhook_url, json={"text": text}, timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("Slack alert not delivered (%s): %s", text[:200], exc)
        return False
    return True
