"""Suggest an update in a real Chromium, on its own server and a small directory: required fields
marked, a problem report that needs only a way to reach the reporter, problems in plain words with a
summary right by Send, and every phone of a listing editable.

Every wait is on a condition in the page (Playwright's expect), never on time.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from tests.browser import open_page, start_app_on, wait_until_drawn
from tests.conftest import CLINIC, MEETING, write_directory

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
TWO_PHONES = """\
- id: two-phones
  name: Two Phones Clinic
  organization: Test Health
  category: treatment_program
  needs: [outpatient]
  phones:
    - number: "303-555-0101"
      type: intake
    - number: "303-555-0102"
      type: hotline
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2026-10-01"
"""
# Codes of the directory that an organization must never have to read.
CODES = ("AL, AK", "in_person", "in-person", "one of", "service_area", "required field")


@pytest.fixture(scope="module")
def suggest_app(tmp_path_factory):
    work = tmp_path_factory.mktemp("suggest")
    folder = write_directory(work / "directory", {"clinics.yaml": CLINIC + TWO_PHONES, "meetings.yaml": MEETING})
    app = start_app_on(folder, work)
    yield app
    app.stop()


@pytest.fixture(params=[375, 1280], ids=["phone", "laptop"])
def page(chromium_browser, request):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": request.param, "height": 800}) as page:
        yield page


def open_suggest(page: Page, url: str, query: str) -> None:
    page.goto(f"{url}/suggest?{query}")
    expect(page.get_by_role("heading", name="Suggest an update")).to_be_visible()
    wait_until_drawn(page)


def choose(page: Page, box: str | re.Pattern, option: str | re.Pattern, typed: str = "") -> None:
    """Open the box (typing ``typed`` to narrow a long list) and pick ``option``. A run that redraws
    the form (the choice before this one) can close an open list or cover it while the click lands,
    so the list is closed, the page let settle and the pick tried again (conditions, not waits for time)."""
    combobox = page.get_by_role("combobox", name=box)
    wanted = page.get_by_role("option", name=option)
    for _attempt in range(5):
        wait_until_drawn(page)
        combobox.click()
        if typed:
            combobox.fill(typed)
        try:
            wanted.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        pytest.fail(f"could not pick {option!r} in {box!r}")
    wait_until_drawn(page)


def send(page: Page) -> None:
    page.get_by_role("button", name="Send suggestion").click()
    wait_until_drawn(page)


def test_a_change_marks_the_fields_it_requires_in_words(suggest_app, page):
    open_suggest(page, suggest_app.url, "entry=test-clinic&kind=change")
    for label in ("Service name (required)", "Your name (required)", "Your organization (required)"):
        expect(page.get_by_role("textbox", name=label, exact=True)).to_be_visible()
    for label in ("Your e-mail", "Your phone", "Website"):
        expect(page.get_by_role("textbox", name=label, exact=True)).to_be_visible()


def test_a_problem_report_is_sent_with_only_a_way_to_reach_the_reporter(suggest_app, page):
    open_suggest(page, suggest_app.url, "entry=test-meeting&kind=report")
    expect(page.get_by_role("textbox", name="Your organization", exact=True)).to_be_visible()
    choose(page, re.compile("^What is wrong"), re.compile("closed", re.IGNORECASE))
    page.get_by_role("textbox", name="Your e-mail", exact=True).fill("neighbour@example.org")
    send(page)
    expect(page.get_by_text(re.compile("^Thank you! Your reference number is"))).to_be_visible()


def test_problems_are_said_in_plain_words_and_summed_up_right_above_send(suggest_app, page):
    open_suggest(page, suggest_app.url, "kind=new")
    choose(page, "Kind of service", "Support group meeting")
    choose(page, "Fellowship", re.compile(r"\(AA\)"), typed="Alcoholics")
    choose(page, "Attendance", re.compile("^In.person", re.IGNORECASE))
    # Labels by their start, so the same form is filled whether or not it marks what is required.
    for label, text in {
        "Service name": "Noon Group",
        "Organization": "AA",
        "City": "Denver",
        "ZIP code": "80203",
        "Monday": "12:00",
        "Your name": "Ana Ruiz",
        "Your organization": "Test Health",
        "Your e-mail": "ana@example.org",
    }.items():
        page.get_by_role("textbox", name=re.compile(f"^{label}( \\(required\\))?$")).fill(text)
    send(page)

    said = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert not [text for text in said for code in CODES if code in text], said
    summary = page.get_by_text("Not sent yet. Please fix: State.")
    expect(summary).to_be_visible()
    expect(page.get_by_text(re.compile("is required: choose one"))).to_be_visible()
    # Right by Send: the summary is the last thing above the button.
    summary_box = summary.bounding_box()
    button_box = page.get_by_role("button", name="Send suggestion").bounding_box()
    gap = button_box["y"] - (summary_box["y"] + summary_box["height"])
    assert 0 <= gap < 80, gap


def test_every_phone_of_a_listing_is_editable_with_an_empty_one_to_add(suggest_app, page):
    open_suggest(page, suggest_app.url, "entry=two-phones&kind=change")
    expect(page.get_by_role("textbox", name="Phone number", exact=True)).to_have_value("303-555-0101")
    expect(page.get_by_role("textbox", name="Second phone number", exact=True)).to_have_value("303-555-0102")
    expect(page.get_by_role("textbox", name="Third phone number", exact=True)).to_have_value("")
    page.get_by_role("textbox", name="Second phone number", exact=True).fill("303-555-0177")
    for label, text in {
        "Your name (required)": "Ana Ruiz",
        "Your organization (required)": "Test Health",
        "Your e-mail": "ana@example.org",
    }.items():
        page.get_by_role("textbox", name=label, exact=True).fill(text)
    send(page)
    expect(page.get_by_text(re.compile("^Thank you! Your reference number is"))).to_be_visible()
    expect(page.get_by_text("Second phone number: 303-555-0102 → 303-555-0177")).to_be_visible()
