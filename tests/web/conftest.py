"""One standalone platform with its demo data for the dashboard's browser tests (starting and
seeding it is the slow part, so the module shares it): a PRO session of the demo partner, a
FREE and a SAAS partner with sessions of their own, seeded creators and one the sandbox has but
the demo did not fetch. Plus headless Chromium and a folder for the pages' screenshots."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.sync_api import Browser, Page

from reach.testing.browser import chromium, sign_in
from reach.testing.polling import eventually_sync
from reach.testing.postgres import PrivatePostgres
from reach.testing.standalone import Standalone

SEEDED = 6
# The SAAS partner may read one leaderboard a month: the second shows what a 429 looks like.
PLAN_LIMITS = {"FREE": {"discovery": 1000, "leaderboard": 500}, "SAAS": {"leaderboard": 1}}


@dataclass
class Demo:
    platform: Standalone
    dsn: str
    tokens: dict[str, str]
    handles: list[str]
    missing: str
    artifacts: Path

    @property
    def gateway(self) -> str:
        return self.platform.url("gateway")

    def api(self, path: str, plan: str = "PRO") -> Any:
        answer = httpx.get(
            f"{self.gateway}{path}",
            headers={"Authorization": f"Bearer {self.tokens[plan]}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    def profile(self, handle: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api(f"/discovery-service/api/profile/instagram/{handle}")
        return found["profile"]

    def stored_thumbnails(self, handle: str) -> bool:
        """Whether every recent post of `handle` has its thumbnail stored (served by Reach)."""
        profile_id = self.profile(handle)["profile_id"]
        posts = self.api(f"/content-service/api/profile/instagram/{profile_id}/posts?size=12")
        urls = [post["thumbnail_url"] or "" for post in posts["results"]]
        return bool(urls) and all(f"{self.gateway}/assets/" in url for url in urls)

    def page(self, browser: Browser, plan: str = "PRO", width: int = 1280) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, self.gateway, self.tokens[plan])
        return page

    def screenshot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)


def _partner(dsn: str, name: str, plan: str) -> int:
    async def insert() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            found: int = await conn.fetchval(
                "INSERT INTO partner (name, plan_type) VALUES ($1, $2) RETURNING id", name, plan
            )
            return found
        finally:
            await conn.close()

    return asyncio.run(insert())


def _demo_partner(dsn: str) -> int:
    async def find() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            found: int = await conn.fetchval("SELECT id FROM partner WHERE name = 'demo'")
            return found
        finally:
            await conn.close()

    return asyncio.run(find())


def _wait_seeded(platform: Standalone, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = platform.log()
        if "demo: seeded" in log:
            return
        if "demo: not seeded" in log:
            raise RuntimeError(f"the demo was not seeded:\n{log[-3000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"the demo not seeded after {timeout:.0f} s:\n{platform.log()[-3000:]}")


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, amqp_url: str, repo_root_session: Path
) -> Iterator[Demo]:
    # A PostgreSQL server of its own: the platform holds a connection pool per workload, more
    # than a shared server busy with other suites may have left.
    postgres = PrivatePostgres()
    platform: Standalone | None = None
    try:
        postgres.start()
        dsn = postgres.dsn()
        platform = Standalone(
            tmp_path_factory.mktemp("standalone") / "data",
            dsn,
            amqp_url,
            demo=True,
            env={
                "REACH_STANDALONE_DEMO_CREATORS": str(SEEDED),
                "REACH_PLAN_LIMITS": json.dumps(PLAN_LIMITS),
                # An upstream that stops answering is reported within seconds, not half a minute.
                "REACH_GATEWAY_UPSTREAM_RESPONSE_SECONDS": "3",
            },
        )
        artifacts = repo_root_session / ".artifacts" / "dashboard"
        artifacts.mkdir(parents=True, exist_ok=True)
        platform.start()
        _wait_seeded(platform)
        tokens = {
            "PRO": platform.session_token(_demo_partner(dsn), "PRO"),
            "FREE": platform.session_token(_partner(dsn, "web-free", "FREE"), "FREE"),
            "SAAS": platform.session_token(_partner(dsn, "web-saas", "SAAS"), "SAAS"),
        }
        sandbox = platform.url("sandbox")
        handles = httpx.get(f"{sandbox}/_sandbox/creators", params={"limit": SEEDED + 1}).json()
        found = Demo(platform, dsn, tokens, handles[:SEEDED], handles[SEEDED], artifacts)
        # Pictures and thumbnails are stored by the asset flow, which the schedule would start.
        platform.run_pipeline("upload_assets")
        eventually_sync(lambda: found.stored_thumbnails(handles[0]), "thumbnails to be stored")
        yield found
    finally:
        if platform is not None:
            platform.stop()
        postgres.close()


@pytest.fixture(scope="module")
def browser(demo: Demo) -> Iterator[Browser]:
    # After the platform, and closed before it: while Playwright's sync API is open it runs an
    # event loop in this thread, and the platform's set-up and tear-down call asyncio.run.
    with chromium() as running:
        yield running


@pytest.fixture(autouse=True)
def closing(browser: Browser) -> Iterator[None]:
    """Each test opens the contexts (windows) it needs; they are closed after it."""
    yield
    for context in browser.contexts:
        context.close()
