"""The Find page's cards and what the page says about a search, in real Chromium on a small directory
of its own: meeting times on the viewer's clock, the filter that emptied a list, what a meeting or
a house card says, the need boxes and the results line, and city names kept off the results on the map.

The directory is written by the module into a temporary folder, one server for the whole module, so
the same tests run on older commits whose bundled demo directory differed. Every wait is on a
condition in the page (Playwright's expect, or a picture of the map taken until it is drawn), never
on time.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from tests.browser import open_page, start_app_on, wait_until_drawn
from tests.conftest import write_directory

from navigator.search.maplayers import view_for
from navigator.search.places import resolve_place

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
WIDTHS = [375, 1280]
NEW_YORK = ZoneInfo("America/New_York")
DENVER = ZoneInfo("America/Denver")


def _next_new_york_hour() -> dt.datetime:
    """A start three hours ahead on New York's clock, on the hour: the card then names a time
    (never "In session now" or "Starts in 20 min") whenever the test runs."""
    start = dt.datetime.now(NEW_YORK) + dt.timedelta(hours=3)
    return start.replace(minute=0, second=0, microsecond=0)


NY_START = _next_new_york_hour()


def clock(moment: dt.datetime) -> str:
    """ "7:00 PM", as the app writes a time."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


# Entries of this module's directory. Only the Spanish NA meeting is in Spanish or NA, and it meets
# in the morning, so "Spanish + NA + tonight" finds nothing and only "tonight" is to blame.
ENTRIES = f"""\
- id: ny-online-aa
  name: New York Online AA
  organization: NY Area Intergroup
  category: support_meeting
  service_area: [national]
  timezone: America/New_York
  meeting:
    fellowship: aa
    attendance: online
    times:
      - days: [daily]
        start: "{NY_START:%H}:00"
        end: "{(NY_START + dt.timedelta(hours=1)):%H}:00"
    conference_url: https://example.org/ny
  last_verified: "2026-10-01"
- id: closed-hybrid-aa
  name: Capitol Hill Closed AA
  organization: Denver Intergroup
  category: support_meeting
  location:
    address: 1 Pearl St
    city: Denver
    state: CO
    zip: "80218"
  meeting:
    fellowship: aa
    attendance: hybrid
    types: [C]
    times:
      - days: [daily]
        start: "19:00"
        end: "20:00"
    conference_url: https://example.org/zoom
    conference_phone: "+1-720-555-0100"
  last_verified: "2026-10-01"
- id: spanish-na
  name: Grupo Mañanero NA
  organization: Area Hispana
  category: support_meeting
  languages: [es]
  location:
    address: 2 Federal Blvd
    city: Denver
    state: CO
    zip: "80219"
  meeting:
    fellowship: na
    attendance: in_person
    times:
      - days: [daily]
        start: "07:00"
        end: "08:00"
  last_verified: "2026-10-01"
- id: men-house
  name: Harbor House for Men
  organization: Harbor Recovery
  category: recovery_housing
  housing:
    gender: men
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2026-10-01"
- id: women-house
  name: Willow House for Women
  organization: Willow Recovery
  category: recovery_housing
  housing:
    gender: women
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2026-10-01"
- id: bup-clinic
  name: Southeast Buprenorphine Clinic
  organization: Southeast Health
  category: moud_provider
  needs: [buprenorphine, outpatient]
  payment: [medicaid, private_insurance]
  location:
    address: 3 Colorado Blvd
    city: Denver
    state: CO
    zip: "80222"
  moud:
    medications: [buprenorphine]
    setting: office_based
    same_day_start: true
  last_verified: "2026-10-01"
- id: sample-warmline
  name: Sample Neighborhood Warmline
  organization: Sample Org
  category: crisis_line
  phones:
    - number: "303-555-0142"
      type: hotline
  location:
    city: Denver
    state: CO
    zip: "80222"
  hours: "24/7"
  last_verified: "2026-10-01"
  sample: true
- id: statewide-line
  name: Statewide Crisis Line
  organization: State Behavioral Health
  category: crisis_line
  phones:
    - number: "1-844-493-8255"
      type: hotline
  service_area: [CO]
  hours: "24/7"
  last_verified: "2026-10-01"
"""

# A methadone clinic right where the base map writes "Denver, CO" (the middle of Denver's ZIP codes,
# as navigator.search.basemap places city names), and the only one: a methadone search shows it alone.
DENVER_LABEL = (39.74, -104.9781)
ENGLEWOOD_LABEL = (39.6199, -104.9379)  # a city name no result is near: it stays
MAP_CENTER = (39.68, -104.955)
MAP_CLINIC = f"""\
- id: map-clinic
  name: Downtown Methadone
  organization: Downtown Health
  category: moud_provider
  needs: [methadone]
  location:
    address: 4 Broadway
    city: Denver
    state: CO
    zip: "80202"
    latitude: {DENVER_LABEL[0]}
    longitude: {DENVER_LABEL[1]}
  last_verified: "2026-10-01"
"""


WARM_UP_MS = 120_000


@pytest.fixture(scope="module")
def cards_app(tmp_path_factory, chromium_browser):
    """The app on this module's directory, its first search done: that one loads the directory,
    the place data and the base map, which on a busy machine takes longer than a page may."""
    work = tmp_path_factory.mktemp("cards")
    directory = write_directory(work / "directory", {"entries.yaml": ENTRIES, "map.yaml": MAP_CLINIC})
    app = start_app_on(directory, work)
    with open_page(chromium_browser, WAIT_MS) as page:
        page.goto(f"{app.url}/?near=80222")
        expect(page.get_by_role("heading", name="Your shortlist")).to_be_attached(timeout=WARM_UP_MS)
        expect(page.get_by_test_id("stDeckGlJsonChart")).to_be_visible(timeout=WARM_UP_MS)
    yield app
    app.stop()


@pytest.fixture(params=WIDTHS, ids=[f"{width}px" for width in WIDTHS])
def page(chromium_browser, request):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": request.param, "height": 900}) as page:
        yield page


def open_find(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Your shortlist")).to_be_attached()
    wait_until_drawn(page)


def card(page: Page, entry_id: str):
    return page.locator(f".st-key-card-{entry_id}")


def test_a_real_crisis_line_comes_before_a_sample_one_even_when_the_sample_is_nearer(cards_app, page):
    open_find(page, f"{cards_app.url}/?near=80222&needs=crisis")
    names = page.locator("[class*='st-key-card-'] h3").all_inner_texts()
    assert names.index("Statewide Crisis Line") < names.index("Sample Neighborhood Warmline"), names


def test_an_online_meeting_elsewhere_shows_on_the_viewers_clock_with_its_own_zone_on_card_and_details(cards_app, page):
    open_find(page, f"{cards_app.url}/?near=80222&needs=aa")
    denver_start = NY_START.astimezone(DENVER)
    both_clocks = f"{clock(denver_start)} MT ({clock(NY_START)} ET)"
    meeting = card(page, "ny-online-aa")
    expect(meeting).to_contain_text(re.compile(rf"Next meeting (today|tomorrow) {re.escape(both_clocks)}"))
    meeting.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="New York Online AA", level=1)).to_be_visible()
    denver_end = denver_start + dt.timedelta(hours=1)
    ny_end = NY_START + dt.timedelta(hours=1)
    expect(page.get_by_text(re.compile(re.escape(f"{clock(denver_start)}–{clock(denver_end)} MT")))).to_be_visible()
    expect(page.get_by_text(re.compile(re.escape(f"{clock(NY_START)}–{clock(ny_end)} ET)")))).to_be_visible()


def test_zero_results_name_the_one_filter_that_emptied_the_list_and_the_link_drops_exactly_it(cards_app, page):
    open_find(page, f"{cards_app.url}/?near=80222&needs=na&language=es&when=tonight")
    expect(page.get_by_text(re.compile("^Nothing matches this search"))).to_contain_text(
        'The filter that emptied the list: "Meetings tonight (5 PM to midnight)".'
    )
    drops = page.get_by_role("link", name=re.compile("^Drop "))
    expect(drops).to_have_count(1)
    drop = page.get_by_role("link", name='Drop "Meetings tonight (5 PM to midnight)" (1 result)')
    expect(drop).to_have_attribute("href", re.compile(r"\?near=80222&needs=na&language=es$"))
    drop.click()
    expect(card(page, "spanish-na")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?near=80222&needs=na&language=es&lang=en$"))


def test_an_insurance_filter_never_empties_the_list_of_free_meetings(cards_app, page):
    open_find(page, f"{cards_app.url}/?near=80222&needs=meeting,private_insurance")
    expect(page.get_by_text(re.compile("^Nothing matches"))).to_have_count(0)
    expect(card(page, "closed-hybrid-aa")).to_be_visible()
    expect(card(page, "spanish-na")).to_be_visible()
    expect(card(page, "bup-clinic")).to_have_count(0)  # not a meeting: the meeting filter still holds


def test_a_meeting_card_names_its_fellowship_open_or_closed_and_carries_the_join_link_and_dial_in(cards_app, page):
    open_find(page, f"{cards_app.url}/?near=80218&needs=aa")
    meeting = card(page, "closed-hybrid-aa")
    expect(meeting).to_contain_text("Alcoholics Anonymous (AA) meeting")
    expect(meeting).to_contain_text("Closed: for people who want to stop drinking or using")
    expect(meeting).not_to_contain_text("Any support group meeting")
    expect(meeting.get_by_role("link", name="Join online")).to_have_attribute("href", "https://example.org/zoom")
    expect(meeting.get_by_role("link", name="Dial in +1-720-555-0100")).to_have_attribute(
        "href", re.compile(r"^tel:\+17205550100")
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def test_housing_cards_say_men_only_or_women_only(cards_app, page):
    open_find(page, f"{cards_app.url}/?near=80222&needs=recovery_housing")
    expect(card(page, "men-house")).to_contain_text("Recovery housing · Men only")
    expect(card(page, "women-house")).to_contain_text("Recovery housing · Women only")


def choose(page: Page, box_label: str, option: str) -> None:
    """Pick ``option`` in the form's select or multiselect box labelled ``box_label``, from the
    keyboard: a click on a box right after another box's list closed does not open it, and the
    list is drawn again while it filters, so its options are not held still for a click."""
    box = page.get_by_label(box_label, exact=True)
    box.fill(option)
    expect(page.get_by_role("option")).to_have_text([option])
    box.press("Enter")
    close_the_list(page)


def close_the_list(page: Page) -> None:
    """Escape closes an open list of options; the next box is clicked once it is gone."""
    page.keyboard.press("Escape")
    expect(page.get_by_role("option")).to_have_count(0)


def options_of(page: Page, box_label: str) -> list[str]:
    """Every option a box offers, its list opened from the keyboard (see ``choose``)."""
    box = page.get_by_label(box_label, exact=True)
    options = page.get_by_role("option")
    for _attempt in range(5):  # a key pressed while the page redraws may not open the list (seen in CI)
        box.press("ArrowDown")
        try:
            options.first.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        pytest.fail(f"the list of {box_label!r} never opened")
    names = [name.strip() for name in options.all_inner_texts()]
    close_the_list(page)
    return names


def test_same_day_start_is_a_medication_and_after_search_the_folded_needs_and_the_results_line_say_what_was_chosen(
    cards_app, page
):
    open_find(page, cards_app.url)
    assert "Same-day start" in options_of(page, "Medications (MOUD)")
    assert "Same-day start" not in options_of(page, "Treatment")
    page.get_by_role("textbox", name="ZIP code, city or coordinates").fill("80222")
    choose(page, "Medications (MOUD)", "Same-day start")
    page.get_by_role("button", name="Search", exact=True).click()
    results_line = page.get_by_text(re.compile(r"^Found \d+ results? "))
    expect(results_line).to_contain_text("Filters: Same-day start.")
    wait_until_drawn(page)
    # Folded on the run that answers Search, it still says how many choices narrow the list.
    expect(page.get_by_text("What do you need? (1 chosen)")).to_be_visible()
    expect(page.get_by_text("Every choice narrows the list")).to_be_hidden()
    expect(card(page, "bup-clinic")).to_be_visible()


def map_picture(page: Page) -> Image.Image:
    chart = page.get_by_test_id("stDeckGlJsonChart")
    return Image.open(io.BytesIO(chart.screenshot())).convert("RGB")


def inked(picture: Image.Image, x: float, y: float) -> int:
    """Pixels drawn on the plain background in the left half of a name centred on (x, y), beyond
    a result's dot there (a result's own name is drawn right of its dot, never here)."""
    box = picture.crop((round(x - 30), round(y - 5), round(x - 9), round(y + 5)))
    return sum(1 for pixel in box.get_flattened_data() if max(pixel) < 225)


def settled_map(page: Page, url: str, dot: tuple[float, float]) -> Image.Image:
    """The map of ``url`` once WebGL has drawn it: the same picture twice in a row with the
    result's dot at ``dot`` (a bounded number of pictures, no sleeping)."""
    page.goto(url)
    expect(page.get_by_test_id("stDeckGlJsonChart")).to_be_visible()
    expect(page.get_by_role("heading", name="Your shortlist")).to_be_attached()
    wait_until_drawn(page)
    page.get_by_test_id("stDeckGlJsonChart").scroll_into_view_if_needed()
    previous = None
    for _attempt in range(100):
        picture = map_picture(page)
        red, _green, blue = picture.getpixel((round(dot[0]), round(dot[1])))
        if previous is not None and picture.tobytes() == previous.tobytes() and blue > 180 and red < 100:
            return picture
        previous = picture
    pytest.fail(f"the map of {url} never settled with a result's dot at {dot}")


def map_position(page: Page, lat: float, lon: float) -> tuple[float, float]:
    """Where the map around MAP_CENTER (5 miles) draws ``lat``, ``lon``, in pixels of its picture."""
    view = view_for(resolve_place(f"{MAP_CENTER[0]},{MAP_CENTER[1]}"), 5.0, [])
    scale = 512 * 2**view.zoom  # Web Mercator with deck.gl's 512-pixel tiles

    def pixels(lat: float, lon: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return scale * (lon + 180) / 360, scale * (1 - y / math.pi) / 2

    (x, y), (center_x, center_y) = pixels(lat, lon), pixels(view.lat, view.lon)
    box = page.get_by_test_id("stDeckGlJsonChart").bounding_box()
    return box["width"] / 2 + x - center_x, box["height"] / 2 + y - center_y


@pytest.fixture
def map_page(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": 1280, "height": 900}) as page:
        yield page


def map_url(cards_app) -> str:
    return f"{cards_app.url}/?near={MAP_CENTER[0]},{MAP_CENTER[1]}&radius=transit&remote=0"


def test_a_city_name_of_the_base_map_is_not_drawn_on_a_result_or_its_name(cards_app, map_page, browser_output_dir):
    """Two maps of the same view: with the result right where "Denver, CO" is written, and with
    another result elsewhere. Denver's name is drawn on the second only."""
    page = map_page
    base = map_url(cards_app)
    page.goto(base)
    expect(page.get_by_test_id("stDeckGlJsonChart")).to_be_visible()
    denver = map_position(page, *DENVER_LABEL)
    elsewhere = settled_map(page, base + "&needs=buprenorphine", map_position(page, 39.671, -104.928))
    on_denver = settled_map(page, base + "&needs=methadone", denver)
    elsewhere.save(browser_output_dir / "find-map-city-name-drawn.png")
    on_denver.save(browser_output_dir / "find-map-city-name-left-out.png")
    assert inked(elsewhere, *denver) >= 5, "the Denver name is drawn where no result is"
    assert inked(on_denver, *denver) < inked(elsewhere, *denver) - 4, "the Denver name is drawn on the result"


def test_a_results_name_on_the_map_is_drawn_as_big_as_the_lists_small_print(cards_app, map_page, browser_output_dir):
    """The name beside a dot is read without hovering: its letters at least 9 pixels tall (they
    were 6, whatever size the map asked for, while pydeck turned the font's name into code)."""
    page = map_page
    page.goto(map_url(cards_app))
    expect(page.get_by_test_id("stDeckGlJsonChart")).to_be_visible()
    x, y = map_position(page, 39.671, -104.928)
    picture = settled_map(page, map_url(cards_app) + "&needs=buprenorphine", (x, y))
    picture.save(browser_output_dir / "find-map-result-name.png")
    # Within the picture: what a crop takes from beyond its edge comes out black.
    beside_the_dot = picture.crop((round(x + 8), round(y - 20), picture.width, round(y + 20)))
    width = beside_the_dot.width
    # The name is drawn in near-black; county and state lines are lighter greys.
    ink = [(n % width, n // width) for n, pixel in enumerate(beside_the_dot.get_flattened_data()) if max(pixel) < 70]
    assert ink, "no name beside the dot"
    rows = [row for _column, row in ink]
    columns = [column for column, _row in ink]
    assert max(rows) - min(rows) + 1 >= 9, f"the name is {max(rows) - min(rows) + 1} pixels tall"
    assert max(columns) - min(columns) + 1 >= 60, f"the name is {max(columns) - min(columns) + 1} pixels wide"
