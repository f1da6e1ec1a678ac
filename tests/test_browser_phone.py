"""What a coach meets in a live session on a 375 px phone (and a 1280 px laptop), in real Chromium:
988 within reach on every screen, results in view after Search, a link to share the search.

Every wait is on a condition in the page (Playwright's expect), never on time.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.browser import wait_until_drawn

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def phone(chromium_browser):
    context = chromium_browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def laptop(chromium_browser):
    context = chromium_browser.new_context(viewport=LAPTOP, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def wait_until_done(page: Page) -> None:
    expect(page.get_by_role("heading", name="Your shortlist")).to_be_attached()
    wait_until_drawn(page)


def scroll_to_the_end(page: Page) -> None:
    page.evaluate(
        "() => { const main = document.querySelector('[data-testid=stMain]');"
        " main.scrollTo(0, main.scrollHeight); window.scrollTo(0, document.body.scrollHeight); }"
    )


@pytest.mark.parametrize("path", ["/?near=80222", "/intake", "/suggest", "/about"])
def test_call_and_text_988_stay_on_a_phone_screen_scrolled_to_the_end_of_every_page(running_app, phone, path):
    phone.goto(running_app.url + path)
    wait_until_drawn(phone)
    scroll_to_the_end(phone)
    call = phone.get_by_role("link", name="Call 988")
    expect(call).to_be_in_viewport()
    expect(call).to_have_attribute("href", "tel:988")
    expect(phone.get_by_role("link", name="Text 988")).to_have_attribute("href", "sms:988")
    expect(phone.get_by_role("link", name="Text 988")).to_be_in_viewport()
