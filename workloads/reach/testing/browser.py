"""Headless Chromium for the dashboard's browser tests and its bench: Debian's `chromium`
driven by Playwright's driver (Playwright's own browser download does not reach this network;
`scripts/chromium.sh` installs the browser), and a signed-in page of the dashboard."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright


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
