"""Credential validation against the sandbox: accepted credentials are stored enabled, refused
ones disabled with the upstream's reason."""

from __future__ import annotations

import asyncpg
import pytest

from reach.scraper.flows.instagram import RAPIDAPI_STYLE
from reach.scraper.queue.models import Complete, Fail
from reach.scraper.running import Runtime

from ..conftest import run_task

pytestmark = pytest.mark.service


@pytest.mark.parametrize(
    ("source", "good", "bad"),
    [
        ("graphapi", {"access_token": "sandbox-token", "user_id": "1"}, {"access_token": "x"}),
        *((source, {"key": "sandbox-token"}, {"key": "x"}) for source in RAPIDAPI_STYLE),
        ("youtube", {"key": "sandbox-token"}, {"key": "x"}),
        ("openai", {"api_key": "sandbox-token"}, {"api_key": "x"}),
    ],
)
async def test_validation_stores_the_verdict(
    runtime: Runtime, pool: asyncpg.Pool, source: str, good: dict[str, str], bad: dict[str, str]
) -> None:
    _, ok = await run_task(
        runtime, "validate_credential", {"source": source, "name": "new", "secrets": good}
    )
    assert isinstance(ok, Complete) and ok.result["valid"] is True
    _, refused = await run_task(
        runtime, "validate_credential", {"source": source, "name": "old", "secrets": bad}
    )
    assert isinstance(refused, Complete) and refused.result["valid"] is False
    rows = {
        r["name"]: r for r in await pool.fetch("SELECT * FROM credential WHERE source = $1", source)
    }
    assert rows["new"]["enabled"] and rows["new"]["credentials"] == good
    assert not rows["old"]["enabled"] and rows["old"]["disabled_reason"]


async def test_a_source_without_credentials_is_refused(runtime: Runtime) -> None:
    _, outcome = await run_task(
        runtime, "validate_credential", {"source": "cdn", "name": "x", "secrets": {}}
    )
    assert isinstance(outcome, Fail) and "takes no credentials" in outcome.error
