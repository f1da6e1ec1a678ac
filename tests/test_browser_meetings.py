"""Meetings by time of day on a 375 px phone, in real Chromium: the "Time of day" box of the Find
page keeps only meetings that start in its window, on the searched place's clock.

Every wait is on a condition in the page (Playwright's expect), never on time.
"""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import expect
from tests.browser import open_page, start_app_on, wait_until_drawn
from tests.conftest import write_directory

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
PHONE = {"width": 375, "height": 740}
EVENING = (16 * 60, 21 * 60)  # Meeting Guide's evening: 4:00 to 8:59 PM


def daily_meeting(entry_id: str, start: str, zone: str = "America/Denver") -> dict:
    """A daily AA meeting starting at ``start`` on ``zone``'s clock: in person in Denver, or online
    from elsewhere (serving the whole country)."""
    data = {
        "id": entry_id,
        "name": f"{entry_id.replace('-', ' ').title()} ({start} {zone.rsplit('/', 1)[1].replace('_', ' ')})",
        "organization": "Test Intergroup",
        "category": "support_meeting",
        "meeting": {"fellowship": "aa", "times": [{"days": ["daily"], "start": start}]},
        "last_verified": "2026-10-01",
    }
    if zone == "America/Denver":
        data["meeting"]["attendance"] = "in_person"
        data["location"] = {"city": "Denver", "state": "CO", "zip": "80222", "latitude": 39.671, "longitude": -104.928}
    else:
        data["meeting"]["attendance"] = "online"
        data["meeting"]["conference_url"] = "https://example.org/join"
        data["service_area"] = ["national"]
        data["timezone"] = zone
    return data


MEETINGS = [
    daily_meeting("early", "06:30"),
    daily_meeting("lunch", "12:30"),
    daily_meeting("after-work", "17:30"),
    daily_meeting("supper", "18:45"),
    daily_meeting("late", "22:30"),
    daily_meeting("small-hours", "01:30"),
    # Online from New York: 7:30 PM there is 5:30 PM in Denver, 10:30 PM there 8:30 PM (both
    # evening in Denver), and 4:30 PM there is 2:30 PM in Denver (evening only in New York).
    daily_meeting("ny-evening", "19:30", "America/New_York"),
    daily_meeting("ny-late", "22:30", "America/New_York"),
    daily_meeting("ny-afternoon", "16:30", "America/New_York"),
]
EVENING_IN_DENVER = {"after-work", "supper", "ny-evening", "ny-late"}


@pytest.fixture
def meetings_app(tmp_path):
    folder = write_directory(tmp_path / "directory", {"meetings.yaml": yaml.safe_dump(MEETINGS, sort_keys=False)})
    app = start_app_on(folder, tmp_path)
    yield app
    app.stop()


@pytest.fixture
def phone(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport=PHONE) as page:
        yield page


def minutes_of_day(hour: str, minute: str, half: str) -> int:
    return (int(hour) % 12 + (12 if half == "PM" else 0)) * 60 + int(minute)


def test_picking_evening_on_a_phone_lists_only_meetings_starting_in_the_evening_on_denvers_clock(
    meetings_app, phone, browser_output_dir
):
    phone.goto(meetings_app.url)
    phone.get_by_role("textbox", name="ZIP code, city or coordinates").fill("80222")
    time_box = phone.get_by_role("combobox", name=re.compile(r"^Time of day \(meetings\)"))
    time_box.scroll_into_view_if_needed()
    expect(time_box).to_be_visible()
    time_box.click()
    phone.get_by_role("option", name="Evening (4 PM to 9 PM)").click()
    phone.screenshot(path=str(browser_output_dir / "find-time-of-day-375.png"))
    phone.get_by_role("button", name="Search", exact=True).click()
    expect(phone).to_have_url(re.compile(r"[?&]time=evening(&|$)"))
    expect(phone.get_by_text(re.compile(r"Filters: Evening \(4 PM to 9 PM\)"))).to_be_visible()
    expect(phone.get_by_role("heading", name="Your shortlist")).to_be_attached()
    wait_until_drawn(phone)

    cards = phone.locator("[class*='st-key-card-']")
    expect(cards).to_have_count(len(EVENING_IN_DENVER))
    listed = {
        re.search(r"st-key-card-(\S+)", cards.nth(index).get_attribute("class")).group(1)
        for index in range(cards.count())
    }
    assert listed == EVENING_IN_DENVER
    for index in range(cards.count()):
        text = cards.nth(index).inner_text()
        # When the card names its next start (not "Starts in …" or "In session now"), it is in the window.
        for hour, minute, half in re.findall(r"(\d{1,2}):(\d{2}) (AM|PM) MT", text):
            assert EVENING[0] <= minutes_of_day(hour, minute, half) < EVENING[1], text
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 375px screen"
