"""One standalone platform with its demo data for the dashboard's browser tests (starting and
seeding it is the slow part, so the module shares it), headless Chromium, a page signed in on
the PRO plan, and the folder the pages' screenshots are kept in (.artifacts/dashboard/)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from reach.testing.dashboard import Demo, chromium, demo_platform


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, amqp_url: str) -> Iterator[Demo]:
    with demo_platform(tmp_path_factory.mktemp("standalone") / "data", amqp_url) as running:
        yield running


@pytest.fixture(scope="module")
def chromium_browser(demo: Demo) -> Iterator[Browser]:
    # After the platform, and closed before it: while Playwright's sync API is open it runs an
    # event loop in this thread, and the platform's set-up and tear-down call asyncio.run.
    with chromium() as running:
        yield running


@pytest.fixture
def browser(chromium_browser: Browser) -> Iterator[Browser]:
    """The module's browser; the contexts (windows) a test opens are closed after it."""
    yield chromium_browser
    for context in chromium_browser.contexts:
        context.close()


@pytest.fixture
def page(demo: Demo, browser: Browser) -> Page:
    """A window of the module's browser signed in on the PRO plan (a test wanting another plan
    or width asks `demo.page` itself)."""
    return demo.page(browser)


Screenshot = Callable[[Page, str], None]


@pytest.fixture(scope="session")
def screenshot(repo_root_session: Path) -> Screenshot:
    folder = repo_root_session / ".artifacts" / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take
