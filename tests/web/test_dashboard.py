"""The dashboard in headless Chromium against standalone mode with its demo data: every page
loads signed in, search finds a demo creator, a creator Reach lacks goes from "being fetched" to
shown without a reload, "Refresh now" fetches a creator again and shows it, FREE sees gated
fields locked, a collection is created, shared and read signed out, the keyboard reaches every
control, the layout holds at phone width, and errors say what to do. A screenshot of each page
lands in .artifacts/dashboard/."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import uuid
from typing import Any

import jwt
import pytest
from playwright.sync_api import Browser, Page, expect

from reach.testing.dashboard import Demo

from .conftest import Screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def test_every_page_loads_and_a_search_finds_a_demo_creator(
    demo: Demo, page: Page, screenshot: Screenshot
) -> None:
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    screenshot(page, "discovery")
    engagement = page.get_by_role("columnheader", name="Engagement")
    engagement.get_by_role("button").click()
    expect(engagement).to_have_attribute("aria-sort", "descending")
    rates = [demo.profile(h)["engagement_rate"] for h in demo.handles]
    top = demo.profile(demo.handles[rates.index(max(rates))])
    expect(rows.first.get_by_role("link")).to_have_text(top["name"] or top["handle"])

    creator = demo.profile(demo.handles[0])
    page.get_by_label("Followers from").fill(str(creator["followers"]))
    page.get_by_label("Followers to").fill(str(creator["followers"]))
    page.get_by_role("button", name="Apply filters").click()
    found = page.get_by_role("link", name=creator["name"] or creator["handle"], exact=True)
    expect(found).to_be_visible()
    expect(rows).to_have_count(1)

    found.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        creator["name"] or creator["handle"]
    )
    expect(page.get_by_text("Followers", exact=True).first).to_be_visible()
    expect(page.get_by_text("followers scored")).to_be_visible()
    thumbnails = page.locator(".posts img")
    expect(thumbnails.first).to_be_visible()
    assert (thumbnails.first.get_attribute("src") or "").startswith(f"{demo.gateway}/assets/")
    page.wait_for_function("[...document.querySelectorAll('.posts img')].every(i => i.complete)")
    assert thumbnails.first.evaluate("img => img.naturalWidth") > 0
    expect(page.locator(".ranks li").first).to_be_visible()
    year = page.get_by_role("button", name="1 year")
    year.click()
    expect(year).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("img", name="Followers: from")).to_be_visible()
    screenshot(page, "profile")

    page.get_by_role("link", name="Leaderboards").click()
    expect(page.locator("table tbody tr").first).to_be_visible()
    screenshot(page, "leaderboards")
    page.get_by_role("link", name="Usage").click()
    expect(page.get_by_role("cell", name="discovery", exact=True)).to_be_visible()
    screenshot(page, "usage")


def test_a_missing_creator_is_fetched_and_shown_without_a_reload(demo: Demo, page: Page) -> None:
    page.get_by_label("Handle").fill(demo.missing)
    page.get_by_role("button", name="Open profile").click()
    expect(page.get_by_role("status")).to_contain_text("being fetched")
    page.evaluate("window.sameDocument = true")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible(timeout=90_000)
    expect(page.get_by_text(f"@{demo.missing}").first).to_be_visible()
    assert page.evaluate("window.sameDocument === true")
    expect(page.get_by_text("being fetched")).to_have_count(0)


def test_refresh_now_fetches_the_creator_again_and_shows_it(demo: Demo, page: Page) -> None:
    handle = demo.handles[-1]
    before = demo.profile(handle)["refreshed_at"]
    page.goto(f"{demo.gateway}/profile/instagram/{handle}")
    # An idle worker refreshes the creator within milliseconds, before the notice could be seen;
    # holding the workers makes the in-between state last until the page has shown it.
    workers = demo.platform.workload("workers")["pid"]
    os.kill(workers, signal.SIGSTOP)
    try:
        page.get_by_role("button", name="Refresh now").click()
        expect(page.get_by_role("status")).to_contain_text("being fetched")
        expect(page.get_by_role("button", name="Refresh now")).to_be_disabled()
    finally:
        os.kill(workers, signal.SIGCONT)
    expect(page.get_by_text("being fetched")).to_have_count(0, timeout=90_000)
    assert demo.profile(handle)["refreshed_at"] > before
    expect(page.get_by_role("button", name="Refresh now")).to_be_enabled()


def test_free_sees_the_gated_fields_locked(
    demo: Demo, browser: Browser, screenshot: Screenshot
) -> None:
    page = demo.page(browser, "FREE")
    expect(page.locator(".plan")).to_have_text("FREE")
    page.goto(f"{demo.gateway}/profile/instagram/{demo.handles[0]}")
    locked = page.locator("[data-locked]")
    expect(locked).to_have_count(2)
    expect(locked.first).to_contain_text("locked on the FREE plan")
    expect(page.get_by_text("followers scored")).to_have_count(0)
    screenshot(page, "profile-free")


def test_a_collection_is_created_shared_and_read_signed_out(
    demo: Demo, browser: Browser, page: Page, screenshot: Screenshot
) -> None:
    page.get_by_role("link", name="Collections").click()
    expect(page.get_by_role("heading", name="Profile collections", exact=True)).to_be_visible()
    screenshot(page, "collections")
    name = f"Shortlist {uuid.uuid4().hex[:6]}"
    page.get_by_label("New profile collection name").fill(name)
    page.get_by_role("button", name="Create profile collection").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    creator = demo.profile(demo.handles[1])
    page.get_by_label("Profile id").fill(creator["profile_id"])
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".items code")).to_have_text(creator["profile_id"])
    screenshot(page, "collection")
    share = page.locator(".share a").get_attribute("href")
    assert share and "/shared/profile/" in share

    stranger = browser.new_context().new_page()
    stranger.goto(share)
    expect(stranger.get_by_role("heading", name=name)).to_be_visible()
    expect(stranger.locator(".items code")).to_have_text(creator["profile_id"])
    expect(stranger.get_by_label("Gateway token")).to_have_count(0)
    screenshot(stranger, "shared-collection")


def test_collections_are_grouped_and_post_collections_show_their_metrics(
    demo: Demo, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{demo.gateway}/collections")
    suffix = uuid.uuid4().hex[:6]
    page.get_by_label("New profile collection name").fill(f"Brand A {suffix}")
    page.get_by_role("button", name="Create profile collection").click()
    page.get_by_label("New group name").fill(f"Q3 {suffix}")
    page.get_by_role("checkbox", name=f"Brand A {suffix}").check()
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_text(f"Q3 {suffix}: Brand A {suffix}")).to_be_visible()

    profile_id = demo.profile(demo.handles[0])["profile_id"]
    posts = demo.api(f"/content-service/api/profile/instagram/{profile_id}/posts?size=1")
    shortcode = posts["results"][0]["shortcode"]
    page.get_by_label("New post collection name").fill(f"Launch {suffix}")
    page.get_by_role("button", name="Create post collection").click()
    page.get_by_role("link", name=f"Launch {suffix}").click()
    page.get_by_label("Post shortcode").fill(shortcode)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".items code")).to_have_text(shortcode)
    metrics = page.get_by_role("region", name="Post metrics")
    expect(metrics.get_by_text("Likes", exact=True).first).to_be_visible()
    screenshot(page, "post-collection")


FOCUSABLE = "a[href], button:not([disabled]), input, select, textarea"


def _tab_reaches_every_control(page: Page) -> None:
    controls = page.evaluate(
        f"""() => {{
        const all = [...document.querySelectorAll({FOCUSABLE!r})]
            .filter(e => e.offsetParent !== null || e.getClientRects().length);
        all.forEach((e, i) => e.dataset.control = i);
        return all.length;
    }}"""
    )
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(controls * 2 + 5):
        page.keyboard.press("Tab")
        index = page.evaluate("document.activeElement?.dataset?.control ?? null")
        if index is not None:
            reached.add(index)
        if len(reached) == controls:
            break
    missed = page.evaluate(
        "(reached) => [...document.querySelectorAll('[data-control]')]"
        ".filter(e => !reached.includes(e.dataset.control)).map(e => e.outerHTML.slice(0, 120))",
        sorted(reached),
    )
    assert not missed, f"{page.url}: not reachable by Tab: {missed}"


def test_the_keyboard_reaches_every_control_on_every_page(demo: Demo, page: Page) -> None:
    expect(page.locator("table tbody tr").first).to_be_visible()
    _tab_reaches_every_control(page)
    for path, ready in (
        ("/leaderboards", "table tbody tr"),
        ("/collections", "form"),
        ("/usage", "table tbody tr"),
        (f"/profile/instagram/{demo.handles[0]}", ".posts img"),
    ):
        page.goto(f"{demo.gateway}{path}")
        expect(page.locator(ready).first).to_be_visible()
        _tab_reaches_every_control(page)


def test_the_pages_fit_a_phone(demo: Demo, browser: Browser, screenshot: Screenshot) -> None:
    page = demo.page(browser, width=375)
    for path, ready in (
        ("/discovery", "table tbody tr"),
        (f"/profile/instagram/{demo.handles[0]}", ".posts img"),
        ("/leaderboards", "table tbody tr"),
    ):
        page.goto(f"{demo.gateway}{path}")
        expect(page.locator(ready).first).to_be_visible()
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    screenshot(page, "leaderboards-phone")


def _expired(demo: Demo) -> str:
    secrets: dict[str, Any] = json.loads(
        (demo.platform.data_dir / "standalone" / "secrets.json").read_text()
    )
    now = int(time.time())
    claims = {
        "iss": "reach",
        "aud": "reach-gateway",
        "sub": "demo",
        "sid": "expired-session",
        "pid": 1,
        "iat": now - 7200,
        "nbf": now - 7200,
        "exp": now - 3600,
    }
    return jwt.encode(claims, secrets["jwt_secret"], "HS256")


def test_errors_say_what_to_do(demo: Demo, browser: Browser, screenshot: Screenshot) -> None:
    # An expired token: back to sign-in, saying why.
    page = browser.new_context().new_page()
    page.goto(f"{demo.gateway}/")
    page.get_by_label("Gateway token").fill(_expired(demo))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_contain_text("expired")
    expect(page.get_by_role("alert").first).to_contain_text("Sign in again")
    # Signed in, the token then stops being valid: the next request asks to sign in again.
    page = demo.page(browser)
    page.evaluate(f"localStorage.setItem('reach.token', {_expired(demo)!r})")
    page.get_by_role("link", name="Usage").click()
    expect(page.get_by_label("Gateway token")).to_be_visible()
    expect(page.get_by_role("alert").first).to_contain_text("Sign in again")

    # Over the plan's limit: when it resets.
    page = demo.page(browser, "SAAS")
    page.get_by_role("link", name="Leaderboards").click()
    page.get_by_label("Ranked by").select_option("engagement_rate")
    notice = page.locator(".notice-limit")
    expect(notice).to_contain_text("resets")
    screenshot(page, "limit-reached")

    # The API stops answering: retry later, with the request id.
    page = demo.page(browser)
    api = demo.platform.workload("api")["pid"]
    os.kill(api, signal.SIGSTOP)
    try:
        page.get_by_role("link", name="Usage").click()
        notice = page.locator(".notice-unavailable")
        expect(notice).to_contain_text("retry in a minute", timeout=20_000)
        expect(notice.locator("code")).to_have_text(re.compile(r"[A-Za-z0-9-]{8,}"))
        screenshot(page, "upstream-down")
    finally:
        os.kill(api, signal.SIGCONT)
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("cell", name="discovery", exact=True)).to_be_visible()
