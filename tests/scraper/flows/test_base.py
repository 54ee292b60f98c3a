"""How a worker runs a flow's task (reach.scraper.flows.base), for every network's flows against
the sandbox: an entity the network does not know is a failure for good, with the network's
reason, not a retry."""

from __future__ import annotations

from typing import Any

import pytest

from reach.scraper.queue.models import Fail
from reach.scraper.running import Runtime

from ..conftest import run_task

pytestmark = pytest.mark.service


@pytest.mark.parametrize(
    ("flow", "params", "reason"),
    [
        ("refresh_instagram_profile", {"handle": "nobody.here"}, "not_found"),
        ("refresh_youtube_video", {"video_id": "vzzzzzzzzzz"}, "no video"),
    ],
)
async def test_an_unknown_entity_fails_for_good(
    runtime: Runtime, flow: str, params: dict[str, Any], reason: str
) -> None:
    _, outcome = await run_task(runtime, flow, params)
    assert isinstance(outcome, Fail) and reason in outcome.error
