"""The dashboard's figures: `discovery_load_ms` and `profile_load_ms`, page load to interactive
in headless Chromium (median of `--runs`, 10 by default), and `js_kb`, the bundle's JavaScript
gzipped. Budgets from the issue: <= 1,000 ms each, <= 300 KB.

Runs `reach standalone --demo` (six creators per network, thumbnails stored) on free ports with
its own PostgreSQL server and RabbitMQ vhost, its gateway serving web/dist (`make web` first).
Each load is a fresh browser context (empty cache, a stored token, as a returning analyst who
opens a link): from navigation start until the page's data is on screen and its controls work
(discovery: the results table filled; profile: headline metrics and the recent posts'
thumbnails decoded), read as `performance.now()` in the page. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import Browser

from reach.common.settings import StoreSettings
from reach.testing.dashboard import Demo, chromium, demo_platform

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"


def load_ms(browser: Browser, demo: Demo, path: str, ready: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # The token and plan a signed-in browser keeps, set before the page's own script runs.
    context.add_init_script(
        f"localStorage.setItem('reach.token', {json.dumps(demo.tokens['PRO'])});"
        "localStorage.setItem('reach.plan', 'PRO');"
    )
    try:
        page = context.new_page()
        page.goto(f"{demo.gateway}{path}")
        page.wait_for_function(ready, timeout=30_000)
        elapsed: float = page.evaluate("performance.now()")
        return elapsed
    finally:
        context.close()


DISCOVERY_READY = "document.querySelectorAll('table tbody tr td a').length > 0"
PROFILE_READY = (
    "document.querySelector('.metrics') !== null && "
    "document.querySelectorAll('.posts img').length > 0 && "
    "[...document.querySelectorAll('.posts img')].every(i => i.complete && i.naturalWidth > 0)"
)


def gzipped_kb(suffix: str) -> float:
    files = list(DIST.glob(f"*{suffix}"))
    if not files:
        raise SystemExit(f"no {suffix} in {DIST}: run `make web` first")
    return sum(len(gzip.compress(f.read_bytes(), 9)) for f in files) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="Loads of each page (median).")
    args = parser.parse_args()
    js_kb, css_kb = gzipped_kb(".js"), gzipped_kb(".css")
    base = StoreSettings()
    vhost = f"reach-bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    try:
        subprocess.run(
            ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
            check=True,
        )
        amqp = f"{str(base.amqp_url).rstrip('/')}/{vhost}"
        with tempfile.TemporaryDirectory() as tmp, demo_platform(Path(tmp) / "data", amqp) as demo:
            profile = f"/profile/instagram/{demo.handles[0]}"
            with chromium() as browser:
                # One load each first: the gateway's and the API's caches as in daily use.
                load_ms(browser, demo, "/discovery", DISCOVERY_READY)
                load_ms(browser, demo, profile, PROFILE_READY)
                discovery = [
                    load_ms(browser, demo, "/discovery", DISCOVERY_READY) for _ in range(args.runs)
                ]
                profiles = [
                    load_ms(browser, demo, profile, PROFILE_READY) for _ in range(args.runs)
                ]
                version = browser.version
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)
    print(
        json.dumps(
            {
                "discovery_load_ms": round(statistics.median(discovery)),
                "profile_load_ms": round(statistics.median(profiles)),
                "js_kb": round(js_kb, 1),
                "css_kb": round(css_kb, 1),
                "discovery_load_ms_max": round(max(discovery)),
                "profile_load_ms_max": round(max(profiles)),
                "runs": args.runs,
                "measured": "navigation start to data shown and controls live, headless "
                "Chromium, fresh context per load, standalone demo data via the gateway",
                "browser": f"Chromium {version}",
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
