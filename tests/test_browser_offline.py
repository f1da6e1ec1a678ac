"""The app makes no request to any host but its own: no map tiles, fonts or scripts from outside.

A coach may work where the network is poor or watched; every request the browser makes is
recorded, and any that leaves 127.0.0.1 fails the test.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from tests.browser import open_page, wait_until_drawn

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_find_page_with_its_map_asks_no_outside_host_for_anything(running_app, chromium_browser, width):
    outside: list[str] = []

    def record(request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    with open_page(chromium_browser, WAIT_MS, viewport={"width": width, "height": 900}) as page:
        page.on("request", record)
        page.goto(f"{running_app.url}/?near=80222")
        expect(page.get_by_test_id("stDeckGlJsonChart")).to_be_visible()
        expect(page.get_by_role("heading", name="Your shortlist")).to_be_attached()
        wait_until_drawn(page)
        page.get_by_test_id("stDeckGlJsonChart").hover()
        page.get_by_role("link", name="Details").first.click()
        expect(page.get_by_role("heading", name="How to get in", level=2)).to_be_visible()
        wait_until_drawn(page)
        page.goto(f"{running_app.url}/intake")
        wait_until_drawn(page)
    assert outside == [], "\n".join(outside)
