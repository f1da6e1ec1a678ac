"""The Find page and About page in a real Chromium: search, deep links, escaping, accessibility.

Every wait is on a condition in the page (Playwright's expect and locators), never on time.
"""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import Page, expect
from tests.browser import open_page, serious_violations, start_app_on, wait_until_drawn
from tests.conftest import write_directory

from navigator.search.maplayers import view_for
from navigator.search.places import resolve_place
from navigator.search.share import RADIUS_CHOICES

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
ATTACK_NAME = "<img src=x onerror=alert(1)>"
ATTACK_DIRECTORY = f"""\
- id: attack-entry
  name: "{ATTACK_NAME}"
  organization: "**x** [y](javascript:alert(1))"
  category: harm_reduction
  description: "<script>alert(2)</script> :red[red] $x^2$"
  needs: [naloxone]
  phones:
    - number: "303-555-0100"
      type: intake
  location:
    address: "<b>1 Main St</b>"
    city: Denver
    state: CO
    zip: "80222"
    latitude: 39.671
    longitude: -104.928
  hours: "24/7"
  last_verified: "2026-10-01"
"""


# The attack entry sits at 39.671,-104.928; the map is centred a little west of it, so the
# searched-place marker does not cover it.
MAP_CENTER = "39.671,-104.930"
ENTRY_POSITION = (39.671, -104.928)


def hover_the_map_point(page: Page, url: str) -> None:
    """Open ``url`` and put the mouse on the entry's marker, placed by Web Mercator arithmetic
    from the view the app chose (deck.gl's 512-pixel tiles)."""
    place = resolve_place(MAP_CENTER)
    view = view_for(place, RADIUS_CHOICES["walk"][1], [])
    page.goto(url)
    chart = page.get_by_test_id("stDeckGlJsonChart")
    expect(chart).to_be_visible()
    wait_until_drawn(page)
    scale = 512 * 2**view.zoom

    def pixels(lat: float, lon: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return scale * (lon + 180) / 360, scale * (1 - y / math.pi) / 2

    center_x, center_y = pixels(view.lat, view.lon)
    entry_x, entry_y = pixels(*ENTRY_POSITION)
    box = chart.bounding_box()
    page.mouse.move(
        box["x"] + box["width"] / 2 + entry_x - center_x,
        box["y"] + box["height"] / 2 + entry_y - center_y,
    )


@pytest.fixture
def page(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": 1280, "height": 900}) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.dialogs = dialogs
        yield page


def wait_until_done(page: Page) -> None:
    """The Find page is complete: its last heading is drawn, and so is everything else."""
    expect(page.get_by_role("heading", name="Your shortlist")).to_be_visible()
    wait_until_drawn(page)


def screenshot(page: Page, folder, name: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as tall
    as the content first."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(max(height, 600), 10_000)})
    wait_until_drawn(page)
    page.screenshot(path=str(folder / name), full_page=True)


def search_box(page: Page):
    return page.get_by_role("textbox", name="ZIP code, city or coordinates")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_search_from_the_home_page_shows_results(running_app, page, browser_output_dir, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(running_app.url)
    expect(page.get_by_role("heading", name="Find resources", level=1)).to_be_visible()
    expect(page.get_by_text("In crisis?")).to_be_visible()
    expect(page.get_by_text("Every choice narrows the list")).to_be_visible()
    search_box(page).fill("80222")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Results", level=2)).to_be_visible()
    wait_until_done(page)
    expect(page).to_have_url(re.compile(r"\?near=80222&lang=en$"))
    expect(page.get_by_text("Every choice narrows the list")).to_be_hidden()  # results in view
    cards = page.locator("[class*='st-key-card-']")
    expect(cards.first).to_be_visible()
    assert cards.count() == 20
    expect(page.get_by_text("Sample (fictional)").first).to_be_visible()
    expect(page.get_by_role("link", name="Directions").first).to_have_attribute(
        "href", re.compile(r"^https://www\.google\.com/maps/dir/\?api=1&destination=")
    )
    expect(page.get_by_role("link", name=re.compile(r"^\d{3}-\d{3}-\d{4}$")).first).to_have_attribute(
        "href", re.compile(r"^tel:\+1\d{10}$")
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a {width}px screen"
    screenshot(page, browser_output_dir, f"find-results-{width}.png")
    assert page.dialogs == []


@pytest.mark.parametrize("width", [375, 1280])
def test_a_crisis_search_lists_988_and_the_real_colorado_line_and_no_fictional_one(running_app, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{running_app.url}/?near=80222&needs=crisis")
    wait_until_done(page)
    cards = page.locator("[class*='st-key-card-']")
    expect(cards.first).to_be_visible()
    names = cards.locator("h3").all_inner_texts()
    assert "988 Suicide & Crisis Lifeline" in names and "Colorado Crisis Services" in names, names
    texts = cards.all_inner_texts()
    assert not [text for text in texts if "555" in text or "Sample (fictional)" in text], "a fictional crisis line"
    colorado = cards.filter(has=page.get_by_role("heading", name="Colorado Crisis Services", exact=True))
    expect(colorado.get_by_role("link", name="1-844-493-8255")).to_have_attribute("href", "tel:+18444938255")
    colorado.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="Colorado Crisis Services", level=1)).to_be_visible()
    expect(page.get_by_text("text TALK to 38255").first).to_be_visible()


def test_a_deep_link_opens_the_same_search(running_app, page, browser_output_dir):
    page.goto(f"{running_app.url}/?near=80222&radius=transit&needs=buprenorphine")
    wait_until_done(page)
    expect(page.get_by_text(re.compile(r"within 5 miles of 80222 Denver, CO"))).to_be_visible()
    expect(search_box(page)).to_have_value("80222")
    expect(page.get_by_text("What do you need? (1 chosen)")).to_be_visible()
    expect(page.locator("[class*='st-key-card-']").first).to_be_visible()
    screenshot(page, browser_output_dir, "find-deep-link.png")


def test_details_link_to_the_suggestion_flow_and_back(running_app, page, browser_output_dir):
    page.goto(f"{running_app.url}/?near=80222&needs=buprenorphine")
    wait_until_done(page)
    first_name = page.locator("[class*='st-key-card-'] h3").first.inner_text()
    page.get_by_role("link", name="Details").first.click()
    expect(page.get_by_role("heading", name=first_name, level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?near=80222&needs=buprenorphine&entry=[a-z0-9-]+&lang=en$"))
    expect(page.get_by_role("heading", name="How to get in", level=2)).to_be_visible()
    screenshot(page, browser_output_dir, "find-detail.png")
    page.get_by_role("link", name="Back to results").click()
    wait_until_done(page)
    expect(page).to_have_url(re.compile(r"\?near=80222&needs=buprenorphine&lang=en$"))
    page.get_by_role("link", name="Details").first.click()
    page.get_by_role("link", name="Report a problem with this listing").click()
    expect(page).to_have_url(re.compile(r"/suggest\?entry=[a-z0-9-]+&kind=report&lang=en$"))


def test_the_shortlist_downloads_a_printable_page_pdf_and_text(running_app, page, browser_output_dir):
    page.goto(f"{running_app.url}/?near=80222&needs=buprenorphine")
    wait_until_done(page)
    page.get_by_role("button", name="Add to shortlist").first.click()
    expect(page.get_by_role("button", name="Download PDF")).to_be_visible()
    for label, start in (
        ("Download printable page", b"<!DOCTYPE html>"),
        ("Download PDF", b"%PDF-"),
        ("Download text", b"Recovery resources"),
    ):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        with open(download.value.path(), "rb") as saved:
            assert saved.read().startswith(start), label


def test_markup_in_a_name_shows_as_text_and_runs_no_script(chromium_browser, tmp_path, browser_output_dir, page):
    directory = write_directory(tmp_path / "directory", {"attack.yaml": ATTACK_DIRECTORY})
    app = start_app_on(directory, tmp_path)
    try:
        page.goto(f"{app.url}/?near=80222")
        wait_until_done(page)
        expect(page.get_by_role("heading", name=ATTACK_NAME, level=3)).to_be_visible()
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        screenshot(page, browser_output_dir, "find-markup-in-a-name.png")
        page.get_by_role("button", name="Add to shortlist").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download printable page").click()
        printable = download.value.path().read_text(encoding="utf-8")
        page.get_by_role("link", name="Details").click()
        expect(page.get_by_role("heading", name=ATTACK_NAME, level=1)).to_be_visible()
        expect(page.get_by_text("**x** [y](javascript:alert(1))")).to_be_visible()
        expect(page.get_by_text("<script>alert(2)</script> :red[red] $x^2$")).to_be_visible()
        assert page.locator("img[src='x'], a[href^='javascript']").count() == 0
        screenshot(page, browser_output_dir, "find-detail-markup-in-a-name.png")
        hover_the_map_point(page, f"{app.url}/?near={MAP_CENTER}&radius=walk")
        expect(page.locator(".deck-tooltip")).to_have_text(re.compile(r"^<img src=x onerror=alert\(1\)>"))
        page.set_content(printable)
        expect(page.get_by_role("heading", name=ATTACK_NAME, level=3)).to_be_visible()
        assert page.locator("img, script").count() == 0
        assert page.dialogs == []
    finally:
        app.stop()


def test_find_and_detail_have_no_serious_accessibility_violations(running_app, page):
    page.goto(f"{running_app.url}/?near=80222&needs=buprenorphine")
    wait_until_done(page)
    assert serious_violations(page) == []
    page.get_by_role("link", name="Details").first.click()
    expect(page.get_by_role("heading", name="About this listing", level=2)).to_be_visible()
    wait_until_drawn(page)
    assert serious_violations(page) == []


def test_about_page_shows_coverage_and_privacy(running_app, page, browser_output_dir):
    page.goto(f"{running_app.url}/about")
    expect(page.get_by_role("heading", name="About & data", level=1)).to_be_visible()
    expect(page.get_by_text("In crisis?")).to_be_visible()
    expect(page.get_by_role("heading", name="Need codes in plain words", level=2)).to_be_visible()
    expect(page.get_by_role("cell", name="Medication for opioid use disorder")).to_be_visible()
    wait_until_drawn(page)
    assert serious_violations(page) == []
    screenshot(page, browser_output_dir, "about.png")
