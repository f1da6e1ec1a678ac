"""The Find page's place box in a real Chromium, on its own server and a small Denver directory: what
it says when a place is not understood (and the nearest matches it offers), a street address with a
ZIP code, and a place far from every listing.

The words a coach meets here are plain: no "LAT,LON", no "geocoder set up by the operator". Every
wait is on a condition in the page (Playwright's expect), never on time.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.browser import open_page, start_app_on, wait_until_drawn
from tests.conftest import CLINIC, MEETING, write_directory

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
JARGON = ("LAT,LON", "operator", "geocoder")
NATIONAL_LINE = """\
- id: national-helpline
  name: Nationwide Treatment Referral Line
  organization: Test Federal Agency
  category: crisis_line
  phones:
    - number: "1-800-662-4357"
      type: hotline
  service_area: [national]
  hours: "24/7"
  last_verified: "2026-10-01"
"""


@pytest.fixture(scope="module")
def find_app(tmp_path_factory):
    work = tmp_path_factory.mktemp("place")
    folder = write_directory(
        work / "directory", {"clinics.yaml": CLINIC, "meetings.yaml": MEETING, "national.yaml": NATIONAL_LINE}
    )
    app = start_app_on(folder, work)
    yield app
    app.stop()


@pytest.fixture(params=[375, 1280], ids=["phone", "laptop"])
def page(chromium_browser, request):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": request.param, "height": 800}) as page:
        yield page


def search_for(page: Page, url: str, typed: str) -> None:
    """Type ``typed`` in the place box and press Search, as a coach does."""
    page.goto(url)
    wait_until_drawn(page)
    page.get_by_role("textbox", name="ZIP code, city or coordinates").fill(typed)
    page.get_by_role("button", name="Search", exact=True).click()
    wait_until_drawn(page)


def the_error(page: Page) -> str:
    """The page's error about the place (every page also shows the crisis lines, which are not it)."""
    message = page.get_by_test_id("stAlertContentError").filter(has_text=re.compile("place|ZIP code"))
    expect(message).to_have_count(1)
    return message.get_by_test_id("stMarkdownContainer").inner_text()  # without the icon's name


def follow_the_suggestion(page: Page, link: str) -> None:
    """The page offers "Did you mean:" links; the one whose name matches ``link`` opens the results,
    with the directory's clinic among them."""
    expect(page.get_by_text("Did you mean:")).to_be_visible()
    page.get_by_role("link", name=re.compile(link)).click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    wait_until_drawn(page)
    expect(page.get_by_role("heading", name="Test Clinic Buprenorphine")).to_be_visible()


def test_an_unknown_zip_is_named_in_plain_words_with_what_to_type_instead(find_app, page):
    search_for(page, find_app.url, "00000")
    message = the_error(page)
    assert message.startswith('"00000" is not a US ZIP code in use.') and "type the city and state" in message
    assert not [word for word in JARGON if word in message]
    expect(page.get_by_role("heading", name="Results")).to_have_count(0)


def test_a_zip_not_in_use_offers_its_neighbours_and_one_opens_its_results(find_app, page):
    search_for(page, find_app.url, "80200")
    message = the_error(page)
    assert message.startswith('"80200" is not a US ZIP code in use.')
    follow_the_suggestion(page, "^80202 Denver, CO")


def test_a_misspelt_city_is_named_and_the_nearest_match_opens_its_results(find_app, page):
    search_for(page, find_app.url, "Denvr")
    message = the_error(page)
    assert message.startswith('"Denvr" was not understood as a place.')
    assert not [word for word in JARGON if word in message]
    follow_the_suggestion(page, "^Denver, CO")


def test_a_city_name_in_many_states_offers_the_matches_in_several_states(find_app, page):
    search_for(page, find_app.url, "Springfield")
    message = the_error(page)
    assert message.startswith('"Springfield" was not understood as a place.')
    assert not [word for word in JARGON if word in message]
    expect(page.get_by_role("link", name=re.compile("^Springfield, IL"))).to_be_visible()
    links = page.get_by_role("link", name=re.compile(r"^Springfield, [A-Z]{2}$")).all_inner_texts()
    states = {link.rsplit(", ", 1)[1] for link in links}
    assert {"IL", "MA", "MO"} <= states, links


def test_a_street_address_falls_back_to_its_zip_and_says_so(find_app, page):
    search_for(page, find_app.url, "1 Main St, Denver, CO 80222")
    expect(
        page.get_by_text("The street address was not looked up: showing results near its ZIP code, 80222 Denver, CO.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Test Clinic Buprenorphine")).to_be_visible()
    assert "Main" not in page.url


def test_a_place_far_from_every_listing_is_told_what_the_directory_covers_and_given_national_help(find_app, page):
    page.goto(f"{find_app.url}/?near=99501&radius=any")
    wait_until_drawn(page)
    notice = page.get_by_text(re.compile("^This directory has in-person listings in CO only"))
    expect(notice).to_be_visible()
    assert "nothing in person within 100 miles of 99501 Anchorage, AK" in notice.inner_text()
    assert "1-800-662-4357" in notice.inner_text()
    expect(page.get_by_role("heading", name="Nationwide Treatment Referral Line")).to_be_visible()
