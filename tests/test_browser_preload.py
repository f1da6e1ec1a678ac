"""A new visitor's Find page asks for all its scripts from its HTML (serve.py, ui/preload.py):
none waits for the first run's elements to arrive before it is fetched."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect
from tests.browser import open_page, wait_until_drawn

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
ANNOUNCED = re.compile(r'(?:src|href)="\./static/js/([\w.$-]+\.js)"')


def test_every_script_of_a_new_visitor_s_find_page_is_named_in_its_html(running_app, chromium_browser):
    with urllib.request.urlopen(f"{running_app.url}/", timeout=30) as response:
        announced = set(ANNOUNCED.findall(response.read().decode()))
    fetched: list[str] = []

    def record(request) -> None:
        if "/static/js/" in request.url:
            fetched.append(request.url.rsplit("/", 1)[1])

    with open_page(chromium_browser, WAIT_MS, viewport={"width": 1280, "height": 900}) as page:
        page.on("request", record)
        page.goto(running_app.url)
        expect(page.get_by_role("heading", name="Your shortlist")).to_be_attached()
        expect(page.get_by_role("textbox", name="ZIP code, city or coordinates")).to_be_visible()
        wait_until_drawn(page)
    assert any(name.startswith("Multiselect.") for name in fetched)  # the form's widgets were drawn
    assert sorted(set(fetched) - announced) == []
