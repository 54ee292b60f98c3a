"""The dashboard's test bed, for its browser tests and `bench/dashboard.py`: standalone mode with
its demo data (on a PostgreSQL server of its own: the platform holds a connection pool per
workload, more than a shared server busy with other suites may have left) with stored
thumbnails, sessions on each plan, and headless Chromium: Debian's `chromium` driven by
Playwright's driver (Playwright's own browser download does not reach this network;
`scripts/chromium.sh` installs the browser)."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from reach.testing.polling import eventually_sync
from reach.testing.postgres import PrivatePostgres
from reach.testing.standalone import Standalone

SEEDED = 6
# The SAAS partner may read one leaderboard a month: the second shows what a 429 looks like.
PLAN_LIMITS = {"FREE": {"discovery": 1000, "leaderboard": 500}, "SAAS": {"leaderboard": 1}}


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("chromium is not installed: run `bash scripts/chromium.sh`")
    return found


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # --no-sandbox: tests run as root here, where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, gateway: str, token: str) -> None:
    """Opens the dashboard at `gateway` and signs in with `token`, as a person would."""
    page.goto(f"{gateway}/")
    page.get_by_label("Gateway token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Discovery").wait_for()


@dataclass
class Demo:
    platform: Standalone
    dsn: str
    # Session tokens by plan: PRO of the demo partner, FREE and SAAS of partners of their own.
    tokens: dict[str, str]
    # Instagram handles the demo seeded, and one the sandbox has that it did not.
    handles: list[str]
    missing: str

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
        profile: dict[str, Any] = found["profile"]
        return profile

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


async def _partner_ids(dsn: str) -> tuple[int, int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        insert = "INSERT INTO partner (name, plan_type) VALUES ($1, $2) RETURNING id"
        return (
            await conn.fetchval("SELECT id FROM partner WHERE name = 'demo'"),
            await conn.fetchval(insert, "web-free", "FREE"),
            await conn.fetchval(insert, "web-saas", "SAAS"),
        )
    finally:
        await conn.close()


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


@contextmanager
def demo_platform(data_dir: Path, amqp_url: str) -> Iterator[Demo]:
    """Standalone mode with `SEEDED` demo creators per network, its thumbnails stored, until
    the block ends. Its gateway serves the dashboard from this checkout's web/dist."""
    postgres = PrivatePostgres()
    platform: Standalone | None = None
    try:
        postgres.start()
        dsn = postgres.dsn()
        platform = Standalone(
            data_dir,
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
        platform.start()
        _wait_seeded(platform)
        pro, free, saas = asyncio.run(_partner_ids(dsn))
        tokens = {
            "PRO": platform.session_token(pro, "PRO"),
            "FREE": platform.session_token(free, "FREE"),
            "SAAS": platform.session_token(saas, "SAAS"),
        }
        sandbox = platform.url("sandbox")
        handles = httpx.get(f"{sandbox}/_sandbox/creators", params={"limit": SEEDED + 1}).json()
        demo = Demo(platform, dsn, tokens, handles[:SEEDED], handles[SEEDED])
        # Pictures and thumbnails are stored by the asset flow, which the schedule would start.
        platform.run_pipeline("upload_assets")
        eventually_sync(lambda: demo.stored_thumbnails(handles[0]), "thumbnails to be stored")
        yield demo
    finally:
        if platform is not None:
            platform.stop()
        postgres.close()
