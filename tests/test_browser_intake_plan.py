"""The coach intake in a real Chromium, on its own server and directory: the safety slots take real
entries only, the house follows the medication chosen, the travel distances are the Find page's,
and the take-homes (text message, printable page, PDF) stay true on paper and speak to the participant.

The directory is tests/intake_directory.py's, with a fictional (sample) naloxone spot nearer than any
real one and a fictional crisis line: the safety slots must pass over both. Every wait is on a
condition in the page (Playwright's expect and locators), never on time.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from tests.browser import open_page, start_app_on, wait_until_drawn
from tests.intake_directory import national, place, write_intake_directory

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 900}
SAMPLE_NALOXONE = "Sample Naloxone Spot"
SAMPLE_CRISIS_LINE = "Sample Crisis Line"
SAMPLES = [
    place(
        "sample-naloxone",
        "harm_reduction",
        0.3,  # nearer than the real pharmacy (1.2 miles)
        title=SAMPLE_NALOXONE,
        hours="24/7",
        needs=["naloxone"],
        phones=[{"number": "303-555-0142", "type": "intake"}],
        sample=True,
    ),
    national(
        "sample-crisis-line",
        "crisis_line",
        title=SAMPLE_CRISIS_LINE,
        phones=[{"number": "303-555-0143", "type": "hotline"}],
        sample=True,
    ),
]
# The Find form's distances: one set, in the same words, on both screens (search/share.py).
DISTANCES = ["Walking distance (1 mile)", "Bus or train (5 miles)", "Driving (25 miles)"]
# Said on a take-home, these are wrong by the time the participant reads it.
RELATIVE_TIMES = ("Open now", "In session now", "today", "Today", "tomorrow", "Starts in", "Next meeting")
# A weekly time with the zone named: "Tue 7:00 PM–8:00 PM MT".
ABSOLUTE_TIME = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Daily)\S* [^;\n]*\d:\d\d [AP]M[–-]\d{1,2}:\d\d [AP]M MT\b")


@pytest.fixture(scope="module")
def intake_app(tmp_path_factory):
    work = tmp_path_factory.mktemp("intake")
    folder = write_intake_directory(work / "directory", extra=SAMPLES)
    app = start_app_on(folder, work)
    yield app
    app.stop()


@pytest.fixture
def phone(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport=PHONE, accept_downloads=True) as page:
        yield page


@pytest.fixture
def laptop(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport=LAPTOP, accept_downloads=True) as page:
        yield page


def settled(page: Page, step: str) -> None:
    """The run for ``step`` is drawn in full: its progress text shows and nothing is running."""
    expect(page.get_by_text(re.compile(rf"Step \d of 5: {step}"))).to_be_visible()
    wait_until_drawn(page)


def click(page: Page, locator, step: str) -> None:
    """One answer at a time, as a person clicks, and its run drawn before the next."""
    locator.click()
    settled(page, step)


def open_intake(page: Page, url: str) -> None:
    page.goto(f"{url}/intake")
    settled(page, "Safety first")


def next_step(page: Page, then: str) -> None:
    click(page, page.get_by_role("button", name="Next"), then)


def enter_place(page: Page, travel: str | None = None) -> None:
    box = page.get_by_role("textbox", name="ZIP code or city")
    box.fill("80222")
    box.press("Enter")
    settled(page, "Where and how")
    if travel:
        click(page, page.get_by_role("radio", name=travel, exact=True), "Where and how")


def choose_need(page: Page, need: str) -> None:
    click(page, page.get_by_role("button", name=need, exact=True), "Needs")


def house_medication(page: Page):
    return page.get_by_role("combobox", name="The house must allow their medication")


def plan_card(page: Page, section: str, entry_id: str):
    return page.locator(f".st-key-intake_option_{section}_{entry_id}")


def pdf_text(path: Path) -> str:
    return "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_the_safety_slots_offer_real_crisis_lines_and_naloxone_never_sample_ones(intake_app, phone):
    open_intake(phone, intake_app.url)
    click(phone, phone.get_by_text("They are at risk of overdose"), "Safety first")
    expect(phone.get_by_text("988 Lifeline").first).to_be_visible()
    expect(phone.get_by_text(SAMPLE_CRISIS_LINE)).to_have_count(0)

    next_step(phone, "Where and how")
    enter_place(phone)
    next_step(phone, "Needs")
    choose_need(phone, "Meetings and support groups")
    next_step(phone, "What fits them")
    next_step(phone, "The plan")

    expect(phone.get_by_role("heading", name="Safety first")).to_be_visible()
    # The nearest naloxone is the real pharmacy, 1.2 miles out, not the fictional spot at 0.3.
    expect(phone.get_by_text(SAMPLE_NALOXONE)).to_have_count(0)
    expect(phone.get_by_text(SAMPLE_CRISIS_LINE)).to_have_count(0)
    expect(phone.get_by_text("Corner Pharmacy Naloxone").first).to_be_visible()
    expect(phone.get_by_text("988 Lifeline").first).to_be_visible()
    message = phone.get_by_test_id("stCode").inner_text()
    assert "Corner Pharmacy Naloxone" in message
    assert SAMPLE_NALOXONE not in message and SAMPLE_CRISIS_LINE not in message


def test_the_intake_offers_the_find_pages_distances_in_its_words_and_plans_with_them(intake_app, laptop):
    laptop.goto(intake_app.url)
    wait_until_drawn(laptop)
    laptop.get_by_role("combobox", name="Distance").click()
    assert laptop.get_by_role("option").all_inner_texts()[:3] == DISTANCES

    open_intake(laptop, intake_app.url)
    next_step(laptop, "Where and how")
    offered = laptop.get_by_test_id("stButtonGroup").filter(has_text="How far can they travel?")
    assert offered.get_by_role("radio").all_inner_texts() == DISTANCES
    enter_place(laptop, travel=DISTANCES[0])
    next_step(laptop, "Needs")
    choose_need(laptop, "Start or continue medication")
    click(laptop, laptop.get_by_role("radio", name="Methadone", exact=True), "Needs")
    next_step(laptop, "What fits them")
    next_step(laptop, "The plan")
    # The plan looked as far as one walks on the Find page (1 mile): the methadone clinics are 2 and
    # 3 miles out (the intake's walk used to reach 2 miles).
    expect(
        laptop.get_by_text(re.compile(r"^No methadone provider within 1 mile\. The nearest is 2 miles"))
    ).to_be_visible()


def test_the_house_must_allow_the_medication_chosen_above_it_and_follows_a_change(intake_app, laptop):
    open_intake(laptop, intake_app.url)
    next_step(laptop, "Where and how")
    enter_place(laptop)
    next_step(laptop, "Needs")
    choose_need(laptop, "Start or continue medication")
    click(laptop, laptop.get_by_role("radio", name="Methadone", exact=True), "Needs")
    choose_need(laptop, "Recovery housing")
    # Housing asked after the medication: the house must allow methadone, the medication chosen.
    expect(house_medication(laptop)).to_have_value("Methadone")
    click(laptop, laptop.get_by_role("radio", name=re.compile("^Naltrexone")), "Needs")
    expect(house_medication(laptop)).to_have_value(re.compile("^Naltrexone"))
    click(laptop, laptop.get_by_role("radio", name="Methadone", exact=True), "Needs")
    expect(house_medication(laptop)).to_have_value("Methadone")
    next_step(laptop, "What fits them")
    next_step(laptop, "The plan")
    expect(laptop.get_by_text(re.compile("^No recovery housing within 25 miles allows methadone"))).to_be_visible()


def test_take_homes_say_days_and_times_mark_the_choice_speak_to_the_participant_and_name_a_womens_house(
    intake_app, phone
):
    open_intake(phone, intake_app.url)
    click(phone, phone.get_by_text("They are at risk of overdose"), "Safety first")
    next_step(phone, "Where and how")
    enter_place(phone)  # a house is looked for as far as a stay goes (25 miles), whatever the travel
    next_step(phone, "Needs")
    choose_need(phone, "Start or continue medication")
    click(phone, phone.get_by_role("radio", name="Buprenorphine (Suboxone, Sublocade)", exact=True), "Needs")
    choose_need(phone, "Meetings and support groups")
    choose_need(phone, "Recovery housing")
    click(phone, phone.get_by_role("radio", name="Women", exact=True), "Needs")
    click(phone, phone.get_by_text("Only a women's or men's house"), "Needs")
    next_step(phone, "What fits them")
    next_step(phone, "The plan")

    booked = plan_card(phone, "medication", "bup-booked")
    click(phone, booked.get_by_role("button", name="Pin"), "The plan")
    # The step's text was on screen before the click too: the pin's own mark says its run has
    # come, and the take-homes below are then taken from it once nothing is left stale.
    expect(booked.get_by_text("Chosen")).to_be_visible()
    wait_until_drawn(phone)

    message = phone.get_by_test_id("stCode").inner_text()
    with phone.expect_download() as html_download:
        phone.get_by_role("button", name="Printable page").click()
    printed = Path(html_download.value.path()).read_text(encoding="utf-8")
    with phone.expect_download() as pdf_download:
        phone.get_by_role("button", name="PDF").click()
    pdf = pdf_text(Path(pdf_download.value.path()))

    for name, text in {"text message": message, "printable page": printed, "PDF": pdf}.items():
        said = [word for word in RELATIVE_TIMES if word in text]
        assert not said, f"the {name} says {said}"
        assert "they may be" not in text.lower(), f"the {name} speaks of the participant to the coach"
        assert ABSOLUTE_TIME.search(text), f"the {name} gives no weekly day and time with the zone"
    # The pinned option is marked as the participant's choice on paper, and leads in the message.
    for text in (printed, pdf):
        assert text.count("Your first choice") == 1
        assert text.index("Booked Bup Office") < text.index("Your first choice")
    assert "Start buprenorphine: Booked Bup Office" in message
    expect(booked.get_by_text("Chosen")).to_be_visible()
    # A women's house says so wherever it is offered: its card, the printouts, the text message too.
    expect(plan_card(phone, "housing", "house-women").get_by_text("Women only")).to_be_visible()
    assert "Recovery housing: Womens House (Women only)" in message
    assert "Women only" in printed and "Women only" in pdf
