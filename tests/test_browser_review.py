"""Suggest and review in a real Chromium: an organization sends a change, a reviewer signs in and
approves it, and the Find page shows it. The app runs on a copy of the bundled directory with its
own data folder and a secrets file of its own (Streamlit's ``secrets.files`` option).

Every wait is on a condition in the page (Playwright's expect and locators), never on time.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.browser import open_page, start_app_with_reviewer, wait_until_drawn

from navigator.review.file_store import FileSuggestionStore
from navigator.review.suggestion import Contact, Submission

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
ENTRY = "co-den-moud-front-range-bup"
OLD_PHONE, NEW_PHONE = "303-555-0142", "303-555-0187"
PASSWORD = "correct horse battery"


@pytest.fixture
def review_app(tmp_path):
    app = start_app_with_reviewer(tmp_path, PASSWORD)
    app.data_dir = tmp_path / "data"
    yield app
    app.stop()


@pytest.fixture
def page(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": 1280, "height": 1000}) as page:
        yield page


def screenshot(page: Page, folder, name: str) -> None:
    wait_until_drawn(page)
    page.screenshot(path=str(folder / name), full_page=True)


def test_an_organizations_change_is_approved_by_a_reviewer_and_shows_on_find(review_app, page, browser_output_dir):
    # The organization finds its listing and follows "Suggest a change".
    page.goto(f"{review_app.url}/?entry={ENTRY}")
    expect(page.get_by_role("heading", name="Front Range Recovery — Buprenorphine Clinic")).to_be_visible()
    page.get_by_role("link", name="Suggest a change").click()
    phone = page.get_by_role("textbox", name="Phone number", exact=True)
    expect(phone).to_have_value(OLD_PHONE)
    phone.fill(NEW_PHONE)
    page.get_by_role("textbox", name="Your name").fill("Dana Front")
    page.get_by_role("textbox", name="Your organization").fill("Front Range Recovery")
    page.get_by_role("textbox", name="Your e-mail").fill("dana@example.org")
    # The honeypot is in the form for bots, but off-screen for people.
    expect(page.get_by_role("textbox", name="Fax number (leave this empty)")).to_be_attached()
    page.wait_for_function(
        "() => document.querySelector('.st-key-suggest_fax_number')?.getBoundingClientRect().right < 0"
    )
    screenshot(page, browser_output_dir, "suggest-change.png")
    page.get_by_role("button", name="Send suggestion").click()
    confirmation = page.get_by_text(re.compile(r"Your reference number is S-\d{8}-[A-Z0-9]{6}"))
    expect(confirmation).to_be_visible()
    reference = re.search(r"S-\d{8}-[A-Z0-9]{6}", confirmation.inner_text()).group()
    expect(page.get_by_text(f"Phone number: {OLD_PHONE} → {NEW_PHONE}")).to_be_visible()
    screenshot(page, browser_output_dir, "suggest-confirmation.png")

    # Nobody else gets the review page, not even by its address.
    page.goto(f"{review_app.url}/review")
    not_found = page.get_by_role("dialog")
    expect(not_found).to_contain_text("Page not found")
    expect(page.get_by_role("heading", name="Find resources")).to_be_visible()
    expect(page.get_by_role("heading", name="Review suggestions")).to_have_count(0)
    expect(page.get_by_text(reference)).to_have_count(0)
    screenshot(page, browser_output_dir, "review-anonymous.png")
    page.keyboard.press("Escape")
    expect(not_found).to_have_count(0)
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="Reviewer sign-in")).to_be_visible()
    expect(navigation.get_by_role("link", name="Review suggestions")).to_have_count(0)

    # The reviewer signs in, finds it at the head of the queue, and approves it.
    navigation.get_by_role("link", name="Reviewer sign-in").click()
    page.get_by_role("textbox", name="Reviewer name").fill("ana")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review suggestions")).to_be_visible()
    expect(page.get_by_text(f"Reference: {reference}")).to_be_visible()
    screenshot(page, browser_output_dir, "review-queue.png")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text(f"Approved {reference}: the directory is updated.")).to_be_visible()
    expect(page.get_by_text("No suggestions are waiting.")).to_be_visible()
    assert FileSuggestionStore(review_app.data_dir).get(reference).status == "approved"

    # The Find page shows the new number, from the same running app (no restart).
    page.goto(f"{review_app.url}/?entry={ENTRY}")
    expect(page.get_by_role("heading", name="Front Range Recovery — Buprenorphine Clinic")).to_be_visible()
    expect(page.get_by_role("link", name=NEW_PHONE)).to_be_visible()
    expect(page.get_by_text(OLD_PHONE)).to_have_count(0)
    screenshot(page, browser_output_dir, "find-after-approval.png")


def test_the_first_visit_to_a_fresh_server_at_the_review_address_shows_no_queue(review_app, page):
    """Before any session has run app.py, Streamlit may serve pages/review.py by itself (its older
    pages-folder mode): the page's own guard must hold then too."""
    entry = {"fees": "Free"}
    reference = (
        FileSuggestionStore(review_app.data_dir)
        .add(
            Submission(
                "change",
                Contact("Dana", "Front Range Recovery", "dana@example.org"),
                ENTRY,
                entry,
                {"fees": None},
            )
        )
        .reference
    )

    page.goto(f"{review_app.url}/review")

    expect(page.get_by_role("heading").first).to_be_visible()
    wait_until_drawn(page)
    expect(page.get_by_role("heading", name="Review suggestions")).to_have_count(0)
    expect(page.get_by_text(reference)).to_have_count(0)
