"""The coach intake in a real Chromium at phone width: every step, the plan, and its downloads.

Every wait is on a condition in the page (Playwright's expect and locators), never on time.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.browser import open_page

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
PHONE = {"width": 375, "height": 812}
FIRST_NAME = "Zyxwvut"


@pytest.fixture
def page(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport=PHONE, accept_downloads=True) as page:
        yield page


def settled(page: Page, step: str) -> None:
    """The run for ``step`` is drawn in full: its progress text shows and nothing is running."""
    expect(page.get_by_text(re.compile(rf"Step \d of 5: {step}"))).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def screenshot(page: Page, folder, name: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window grows first."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": min(max(height, PHONE["height"]), 10_000)})
    page.screenshot(path=str(folder / name), full_page=True)
    page.set_viewport_size(PHONE)


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def click_next(page: Page, then: str) -> None:
    page.get_by_role("button", name="Next").click()
    settled(page, then)


def _status(address: str) -> int:
    try:
        with urllib.request.urlopen(address, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_coach_completes_an_intake_on_a_phone_and_takes_the_plan_home(running_app, page, browser_output_dir):
    page.goto(f"{running_app.url}/intake")
    expect(page.get_by_role("heading", name="Coach intake")).to_be_visible()
    settled(page, "Safety first")
    expect(page.get_by_text("Nothing you enter here is saved")).to_be_visible()

    page.get_by_text("They are at risk of overdose").click()
    # One answer at a time, as a person clicks: a second click during the first one's rerun can
    # leave a stale copy of the safety lines on screen until the next run.
    expect(page.get_by_text("Never Use Alone Hotline")).to_be_visible()
    settled(page, "Safety first")
    page.get_by_text("Just released from jail or prison").click()
    expect(page.get_by_text("Overdose risk is highest in the first weeks after release")).to_be_visible()
    settled(page, "Safety first")
    # Exactly one: a busy machine can show the previous run's copy for a moment while this one draws;
    # a duplicate that stays is a real fault and still fails here.
    expect(page.get_by_text("Never Use Alone Hotline")).to_have_count(1)
    expect(page.get_by_text("Never Use Alone Hotline")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, browser_output_dir, "intake-1-safety-375.png")

    click_next(page, "Where and how")
    page.get_by_role("textbox", name="ZIP code or city").fill("80222")
    page.get_by_role("textbox", name="ZIP code or city").press("Enter")
    settled(page, "Where and how")
    screenshot(page, browser_output_dir, "intake-2-place-375.png")

    click_next(page, "Needs")
    page.get_by_role("button", name="Start or continue medication").click()
    settled(page, "Needs")
    page.get_by_role("button", name="Meetings and support groups").click()
    settled(page, "Needs")
    page.get_by_role("radio", name="Methadone", exact=True).click()
    settled(page, "Needs")
    assert fits_the_screen(page)
    screenshot(page, browser_output_dir, "intake-3-needs-375.png")

    click_next(page, "What fits them")
    page.get_by_role("button", name="Medicaid").click()
    settled(page, "What fits them")
    screenshot(page, browser_output_dir, "intake-4-fit-375.png")

    click_next(page, "The plan")
    expect(page.get_by_role("heading", name="Safety first")).to_be_visible()
    expect(page.get_by_role("heading", name="Start methadone")).to_be_visible()
    medication_cards = page.locator("[class*='st-key-intake_option_medication_']")
    expect(medication_cards.first).to_be_visible()
    offered = [card.locator("strong").first.inner_text() for card in medication_cards.all()]
    assert 1 <= len(offered) <= 3

    name_box = page.get_by_role("textbox", name="Their first name, for the printout only (optional)")
    name_box.fill(FIRST_NAME)
    name_box.press("Enter")
    settled(page, "The plan")
    message = page.get_by_test_id("stCode").inner_text()
    assert message.startswith("Your recovery plan") and len(message) <= 640
    assert fits_the_screen(page)
    screenshot(page, browser_output_dir, "intake-5-plan-375.png")

    with page.expect_download() as html_download:
        page.get_by_role("button", name="Printable page").click()
    assert html_download.value.suggested_filename == "recovery-plan.html"
    printed = Path(html_download.value.path()).read_text(encoding="utf-8")
    assert f"Prepared for {FIRST_NAME}" in printed
    assert printed.index("Safety first") < printed.index("Never Use Alone Hotline") < printed.index("Start methadone")
    for name in offered:
        assert name in printed

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="PDF").click()
    assert pdf_download.value.suggested_filename == "recovery-plan.pdf"
    assert Path(pdf_download.value.path()).read_bytes()[:5] == b"%PDF-"

    # The address holds the screen's language, and nothing of the intake.
    assert FIRST_NAME not in page.url and page.url.endswith("/intake?lang=en")
    take_homes = [html_download.value.url, pdf_download.value.url]
    assert all(_status(address) == 200 for address in take_homes)
    page.get_by_role("button", name="Finish and forget this intake").click()
    settled(page, "Safety first")
    # Nothing about the participant outlives the intake: the files' addresses are gone at once.
    assert [_status(address) for address in take_homes] == [404, 404]
    page.get_by_role("button", name="Next").click()
    settled(page, "Where and how")
    expect(page.get_by_role("textbox", name="ZIP code or city")).to_have_value("")
