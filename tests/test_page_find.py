"""The Find page under AppTest: search, errors, deep links, details and the shortlist."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import yaml
from streamlit.testing.v1 import AppTest
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT, write_directory
from tests.pages_support import app_on, assert_headings_in_order, markdown_headings, shown
from ui.shortlist import printout

from navigator.directory.loader import load_directory
from navigator.formats.printable import render_html
from navigator.plan.takehome import CRISIS_SHORT, ResourceSummary
from navigator.search import engine

ATTACK_NAME = "<img src=x onerror=alert(1)>"
EXTRA = f"""\
- id: attack-entry
  name: "{ATTACK_NAME}"
  organization: "**x** [y](javascript:alert(1))"
  category: harm_reduction
  needs: [naloxone]
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2026-10-01"
- id: old-house
  name: Old House
  organization: Old House Inc
  category: recovery_housing
  housing:
    narr_level: 2
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2024-01-01"
- id: state-line
  name: Colorado Recovery Line
  organization: State Line Org
  category: crisis_line
  phones:
    - number: "303-555-0199"
      type: hotline
  service_area: [CO]
  hours: "24/7"
  last_verified: "2026-10-01"
"""


@pytest.fixture
def directory(tmp_path):
    return write_directory(
        tmp_path / "directory",
        {"clinics.yaml": CLINIC, "meetings.yaml": MEETING, "more.yaml": EXTRA},
    )


def names(app) -> list[str]:
    """The result cards' names in order: each card's text opens with its name as a heading."""
    return [shown(text) for block in app.markdown for _level, text in markdown_headings(block.value)]


def page_links(app) -> dict[str, str]:
    """The page's links as the coach reads them: shown label -> the address's query string."""
    return {shown(link.proto.label): link.proto.query_string for link in app.get("page_link")}


def test_the_find_page_opens_with_the_crisis_lines_and_an_invitation_to_search(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path).run()
    assert not app.exception
    assert "988" in app.error[0].value
    assert app.title[0].value == "Find resources"
    assert "ZIP code or a city" in app.info[0].value
    assert app.text_input(key="find-near").label == "ZIP code, city or coordinates"
    assert_headings_in_order(app)


def _blocks_and_elements(node) -> list:
    """Everything under ``node``, depth first."""
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child)
        if type(child).__name__ in ("Block", "Column"):
            found.extend(_blocks_and_elements(child))
    return found


def test_a_result_card_is_one_text_opening_with_its_name_and_its_two_actions(directory, monkeypatch, tmp_path):
    """Every element is a message Streamlit builds, hashes and sends on each page run, and 20
    sessions' runs take turns on one process: a card was nine (each line of text its own), then
    seven (its name, text, date and actions row apart), and 20 cards were most of a search's
    messages."""
    app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="buprenorphine,medicaid").run()
    blocks = [node for node in _blocks_and_elements(app.main) if type(node).__name__ == "Block"]
    cards = [block for block in blocks if markdown_headings(getattr(next(iter(block.children.values())), "value", ""))]
    kinds = [[type(element).__name__ for element in _blocks_and_elements(card)] for card in cards]
    assert kinds == [["Markdown", "PageLink", "Button"]]
    text = cards[0].children[0].value
    assert text.startswith("### ")
    assert text.splitlines()[-1].startswith(":gray[:small[Last verified ")


def test_the_need_boxes_are_three_columns_read_top_to_bottom_in_the_vocabularys_order(directory, monkeypatch, tmp_path):
    """A row of three boxes was four blocks (the row and its columns) to build and send on every
    page run; three columns filled top to bottom are four in all, and a phone still stacks the
    boxes in the vocabulary's order."""
    app = app_on(directory, monkeypatch, tmp_path).run()
    (expander,) = app.expander
    found = _blocks_and_elements(expander)
    rows = [node for node in found if type(node).__name__ == "Block" and node.type == "flex_container"]
    assert len(rows) == 2  # the need boxes, then language, day and time of day
    need_labels = [
        node.label for node in _blocks_and_elements(rows[0]) if type(node).__name__ in ("Multiselect", "Selectbox")
    ]
    vocabulary = load_directory(directory, use_cache=False).vocabulary
    group_labels = [group.label for group in vocabulary.groups]
    assert [label for label in need_labels if label in group_labels] == group_labels


def test_a_search_unpacks_each_shown_entry_from_the_index_once(directory, monkeypatch, tmp_path):
    """The card reads the entry its hit was made from: unpacking it again cost a deflate a card."""
    from navigator.directory.lookups import PackedEntries

    unpacked = []
    real = PackedEntries.__getitem__
    monkeypatch.setattr(PackedEntries, "__getitem__", lambda entries, row: unpacked.append(row) or real(entries, row))
    app = app_on(directory, monkeypatch, tmp_path, near="80222").run()
    assert not app.exception
    assert len(names(app)) == len(unpacked) == len(set(unpacked))


def test_the_cards_details_links_name_the_registered_page_without_looking_up_its_file(directory, monkeypatch, tmp_path):
    """A link given a file name is resolved on disk (getcwd, realpath) and against every page, each time."""
    from streamlit.elements.widgets import button

    looked_up = []
    real = button.get_main_script_directory
    monkeypatch.setattr(button, "get_main_script_directory", lambda script: looked_up.append(script) or real(script))
    app = app_on(directory, monkeypatch, tmp_path, near="80222").run()
    details = [link.proto for link in app.get("page_link") if link.proto.label == "Details"]
    assert len(details) == len(names(app)) > 0 and looked_up == []
    assert {link.page for link in details} == {""}  # the Find page, the app's default


def test_a_zip_search_with_needs_lists_only_what_offers_every_need(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="buprenorphine,medicaid").run()
    assert not app.exception
    assert names(app) == ["Test Clinic Buprenorphine"]
    page = "\n".join(shown(block.value) for block in app.markdown)
    assert "Found **1** result within 25 miles of 80222 Denver, CO (1 in person)." in page
    assert ":blue-badge[Buprenorphine (Suboxone, Sublocade)] :blue-badge[Medicaid]" in page
    assert ":orange-badge[Sample (fictional)]" in page
    assert "[303-555-0100](tel:+13035550100)" in page
    assert "[Directions](https://www.google.com/maps/dir/?api=1&destination=1+Main+St" in page
    assert_headings_in_order(app)


def test_the_form_runs_the_search_and_puts_it_in_the_url(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path).run()
    app.text_input(key="find-near").input("80222")
    app.multiselect(key="find-needs-medications").select("buprenorphine")
    app.button(key="find-submit").click().run()
    assert not app.exception
    assert names(app) == ["Test Clinic Buprenorphine"]
    assert app.query_params == {"near": "80222", "needs": "buprenorphine", "lang": "en"}


def test_same_day_start_is_offered_under_medications_not_treatment(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path).run()
    assert "Same-day start" in app.multiselect(key="find-needs-medications").options
    assert "Same-day start" not in app.multiselect(key="find-needs-treatment").options


MEN_HOUSE = """\
- id: men-house
  name: Mens House
  organization: Mens House Inc
  category: recovery_housing
  housing:
    gender: men
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2026-10-01"
"""


def test_a_men_only_house_says_men_only_on_its_card_and_in_take_homes(tmp_path, monkeypatch):
    folder = write_directory(tmp_path / "directory", {"house.yaml": MEN_HOUSE})
    app = app_on(folder, monkeypatch, tmp_path, near="80222").run()
    assert not app.exception
    page = "\n".join(shown(block.value) for block in app.markdown)
    assert "Recovery housing · Men only" in page
    summary = ResourceSummary.from_entry(load_directory(folder), "men-house")
    assert summary.category == "Recovery housing · Men only"


def test_an_unknown_zip_names_what_was_typed_and_shows_no_results(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="00000").run()
    assert not app.exception
    message = shown(app.error[1].value)
    assert message == '"00000" is not a US ZIP code in use. Check the five digits, or type the city and state.'
    assert not [header for header in app.header if header.value == "Results"]
    assert "Did you mean:" not in [shown(text.value) for text in app.markdown]


def test_a_zip_not_in_use_offers_the_nearest_zip_codes_of_its_area_as_links(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80200").run()
    assert not app.exception
    assert shown(app.error[1].value).startswith('"80200" is not a US ZIP code in use.')
    links = page_links(app)
    assert links["80201 Denver, CO"] == "near=80201"
    assert links["80202 Denver, CO"] == "near=80202"


def test_zero_results_name_the_filter_that_emptied_the_list_and_offer_to_drop_exactly_it(
    directory, monkeypatch, tmp_path
):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", radius="walk", needs="buprenorphine,na").run()
    assert not app.exception
    warning = shown(app.warning[0].value)
    assert warning.startswith("Nothing matches this search within 1 mile of 80222 Denver, CO.")
    assert 'The filter that emptied the list: "Narcotics Anonymous (NA)".' in warning
    links = page_links(app)
    assert links['Drop "Narcotics Anonymous (NA)" (1 result)'] == "near=80222&radius=walk&needs=buprenorphine"
    assert not any(label.startswith('Drop "Buprenorphine') for label in links)


def test_zero_results_with_no_single_filter_to_blame_offer_to_search_wider(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="methadone,na", remote="0").run()
    assert "dropping any one filter does not help" in shown(app.warning[0].value)
    links = {link.proto.label: link.proto.query_string for link in app.get("page_link")}
    assert links["Search with no filters"] == "near=80222"


def test_an_insurance_filter_never_hides_free_meetings(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="meeting,private_insurance").run()
    assert not app.exception
    assert "Tuesday Night Speaker Meeting" in names(app)


def test_a_deep_link_fills_the_form_and_reproduces_the_search(directory, monkeypatch, tmp_path):
    app = app_on(
        directory,
        monkeypatch,
        tmp_path,
        near="80222",
        radius="transit",
        needs="aa,online",
        language="en",
        remote="0",
    ).run()
    assert not app.exception
    assert app.text_input(key="find-near").value == "80222"
    assert app.selectbox(key="find-radius").value == "transit"
    assert app.selectbox(key="find-choice-fellowship").value == "aa"
    assert app.selectbox(key="find-choice-format").value == "online"
    assert app.selectbox(key="find-language").value == "en"
    assert app.toggle(key="find-remote").value is False
    assert names(app) == ["Tuesday Night Speaker Meeting"]
    assert app.query_params == {
        "near": "80222",
        "radius": "transit",
        "needs": "aa,online",
        "language": "en",
        "remote": "0",
        "lang": "en",
    }


def test_a_link_with_an_unknown_need_says_what_it_left_out(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="bupe,naloxone").run()
    assert not app.exception
    assert '"bupe" is not one this directory knows' in shown(app.info[0].value)
    assert names(app) == [ATTACK_NAME]
    assert app.query_params == {"near": "80222", "needs": "naloxone", "lang": "en"}


def test_names_from_data_are_escaped_before_they_reach_markdown(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="naloxone").run()
    heading = next(text for block in app.markdown for _level, text in markdown_headings(block.value) if "img" in text)
    assert heading == "\\<img src\\=x onerror\\=alert\\(1\\)\\>"


def test_remote_services_follow_the_local_ones_and_stale_listings_warn(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222").run()
    listed = names(app)
    assert listed[-1] == "Colorado Recovery Line"
    page = "\n".join(shown(block.value) for block in app.markdown)
    assert ":orange[:material/warning: Last verified Jan 1, 2024, over a year ago" in page
    assert not [
        name
        for name in names(app_on(directory, monkeypatch, tmp_path, near="80222", remote="0").run())
        if name == "Colorado Recovery Line"
    ]


def test_the_detail_view_shows_everything_and_links_to_the_suggestion_flow(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", entry="test-clinic").run()
    assert not app.exception
    assert app.title[0].value == "Test Clinic Buprenorphine"
    assert [header.value for header in app.header] == [
        "Contact and location",
        "Hours",
        "How to get in",
        "Services and who is served",
        "Medication details",
        "About this listing",
    ]
    links = {link.proto.label: (link.proto.page, link.proto.query_string) for link in app.get("page_link")}
    assert links["Report a problem with this listing"] == (
        "suggest",
        "entry=test-clinic&kind=report",
    )
    assert links["Suggest a change"] == ("suggest", "entry=test-clinic&kind=change")
    assert links["Back to results"] == ("", "near=80222")
    page = "\n".join(shown(block.value) for block in app.markdown)
    assert "Mon–Fri 8:00 AM–5:00 PM" in page
    assert "**Same-day start:** yes" in page
    assert app.query_params == {"near": "80222", "entry": "test-clinic", "lang": "en"}
    assert_headings_in_order(app)


@pytest.mark.parametrize(("lang", "words"), [("en", "Open now"), ("es", "Abierto ahora")])
def test_the_detail_view_colours_an_open_entry_green_in_either_language(directory, monkeypatch, tmp_path, lang, words):
    app = app_on(directory, monkeypatch, tmp_path, entry="state-line", lang=lang).run()
    assert not app.exception
    page = "\n".join(shown(block.value) for block in app.markdown)
    assert f":green-badge[{words}]" in page


def test_a_detail_link_to_a_removed_entry_says_so(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, entry="gone-entry").run()
    assert not app.exception
    assert app.title[0].value == "Listing not found"
    assert "gone-entry" in shown(app.warning[0].value)


def test_the_shortlist_collects_cards_and_offers_printable_pdf_and_text(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="80222").run()
    assert not app.code
    assert "Use **Add to shortlist** on a result" in app.markdown[-1].value
    app.button(key="shortlist-card-test-clinic").click().run()
    app.button(key="shortlist-card-test-meeting").click().run()
    assert not app.exception
    assert app.button(key="shortlist-card-test-clinic").label == "Remove from shortlist"
    downloads = [button.label for button in app.get("download_button")]
    assert downloads == ["Download printable page", "Download PDF", "Download text"]
    text = app.code[0].value
    assert "1. Test Clinic Buprenorphine (sample); 303-555-0100; 1 Main St, Denver, CO 80222" in text
    assert "2. Tuesday Night Speaker Meeting" in text
    assert text.rstrip().endswith(CRISIS_SHORT)
    app.button(key="shortlist-list-test-clinic").click().run()
    assert "Test Clinic" not in app.code[0].value


def test_the_shortlist_printout_is_what_the_downloads_hold(directory):
    loaded = load_directory(directory)
    title, sections, subtitle = printout(
        loaded,
        {"test-clinic": ("buprenorphine",), "gone": ()},
        dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
    )
    assert [resource.id for resource in sections[0].resources] == ["test-clinic"]
    assert sections[0].resources[0].matched == ("Buprenorphine (Suboxone, Sublocade)",)
    assert subtitle == "Made Nov 24, 2026."
    assert "Test Clinic Buprenorphine" in render_html(title, sections, subtitle)


def test_results_come_a_page_at_a_time(tmp_path, monkeypatch):
    entries = [
        {
            "id": f"clinic-{number:02d}",
            "name": f"Clinic {number:02d}",
            "organization": "Org",
            "category": "treatment_program",
            "needs": ["outpatient"],
            "location": {
                "city": "Denver",
                "state": "CO",
                "zip": "80222",
                "latitude": 39.67 + number / 10000,
                "longitude": -104.93,
            },
            "last_verified": "2026-10-01",
        }
        for number in range(45)
    ]
    folder = write_directory(tmp_path / "many", {"many.yaml": yaml.safe_dump(entries, sort_keys=False)})
    app = app_on(folder, monkeypatch, tmp_path, near="80222").run()
    assert len(names(app)) == 20
    assert any(shown(block.value).startswith("Showing 1–20 of **45** results") for block in app.markdown)
    built = []
    real_hits = engine._hits
    monkeypatch.setattr(engine, "_hits", lambda _, __, rows, *rest: built.extend(rows) or real_hits(_, __, rows, *rest))
    app.get("pagination")[0].set_value(3).run()
    assert not app.exception
    assert names(app) == [f"Clinic {number:02d}" for number in range(40, 45)]
    assert len(built) == 5  # the last page builds its own five results, not all 45 before them


def test_a_page_served_on_its_own_still_shows_the_crisis_lines_once():
    # A fresh server serves pages/ files on their own until a session has run app.py.
    standalone = AppTest.from_file(str(PROJECT_ROOT / "pages" / "find.py"), default_timeout=60).run()
    assert not standalone.exception
    assert sum("In crisis?" in element.value for element in standalone.error) == 1
    framed = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert sum("In crisis?" in element.value for element in framed.error) == 1


def test_after_search_the_folded_needs_keep_their_count_and_the_results_line_repeats_the_filters(
    directory, monkeypatch, tmp_path
):
    app = app_on(directory, monkeypatch, tmp_path).run()
    app.text_input(key="find-near").input("80222")
    app.multiselect(key="find-needs-medications").select("buprenorphine")
    app.selectbox(key="find-language").select("es")
    app.button(key="find-submit").click().run()
    assert not app.exception
    assert [expander.label for expander in app.expander] == ["What do you need? (2 chosen)"]
    summary = next(shown(text.value) for text in app.markdown if "result" in text.value and "Found" in text.value)
    assert summary.endswith("Filters: Buprenorphine (Suboxone, Sublocade) · Spanish spoken.")


def test_a_meeting_card_names_the_fellowship_and_carries_the_join_link(tmp_path, monkeypatch):
    meeting = MEETING.replace(
        "    conference_url:", '    types: [C]\n    conference_phone: "+1-720-555-0100"\n    conference_url:'
    )
    folder = write_directory(tmp_path / "directory", {"meetings.yaml": meeting})
    app = app_on(folder, monkeypatch, tmp_path, near="80218").run()
    assert not app.exception
    card = " ".join(shown(text.value) for text in app.markdown)
    assert "Alcoholics Anonymous (AA) meeting · Closed: for people who want to stop drinking or using" in card
    assert "[Join online](https://example.org/zoom)" in card
    assert "Dial in +1-720-555-0100" in card
    assert "Support group meeting ·" not in card


NEW_YORK_MEETING = """\
- id: ny-online-na
  name: New York Online NA
  organization: NY Area
  category: support_meeting
  service_area: [national]
  timezone: America/New_York
  meeting:
    fellowship: na
    attendance: online
    times:
      - days: [daily]
        start: "19:00"
        end: "20:00"
    conference_url: https://example.org/ny
  last_verified: "2026-10-01"
"""


def test_an_online_meeting_elsewhere_shows_on_the_viewers_clock_with_both_zones_named(tmp_path, monkeypatch):
    folder = write_directory(tmp_path / "directory", {"meetings.yaml": NEW_YORK_MEETING})
    app = app_on(folder, monkeypatch, tmp_path, near="80222").run()
    assert not app.exception
    card = " ".join(shown(text.value) for text in app.markdown)
    # The card's timing depends on the hour the test runs; when it names a time, it is this one.
    assert "5:00 PM MT (7:00 PM ET)" in card or "In session now" in card or "Starts in" in card
    app.query_params["entry"] = "ny-online-na"
    app.run()
    detail = " ".join(shown(text.value) for text in app.markdown)
    assert "Daily 5:00 PM–6:00 PM MT (Daily 7:00 PM–8:00 PM ET)" in detail


@pytest.mark.parametrize(
    ("typed", "offered"),
    [("Denvr", "Denver, CO"), ("Springfield", "Springfield, IL"), ("Springfield", "Springfield, MA")],
)
def test_a_place_not_understood_says_so_plainly_and_offers_the_nearest_matches(
    directory, monkeypatch, tmp_path, typed, offered
):
    app = app_on(directory, monkeypatch, tmp_path, near=typed).run()
    assert not app.exception
    message = shown(app.error[1].value)
    assert message == f'"{typed}" was not understood as a place.'
    assert "LAT,LON" not in message and "operator" not in message
    links = page_links(app)
    assert links[offered] == f"near={offered.replace(' ', '+').replace(',', '%2C')}"


def test_a_street_address_falls_back_to_its_zip_and_stays_out_of_the_url(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path).run()
    app.text_input(key="find-near").input("1 Main St, Denver, CO 80222")
    app.button(key="find-submit").click().run()
    assert not app.exception
    assert "showing results near its ZIP code, 80222 Denver, CO" in shown(app.info[0].value)
    # Not necessarily first: on Tuesday evenings in Denver the 7 PM meeting ranks above it (open soon).
    assert "Test Clinic Buprenorphine" in names(app)
    assert app.query_params["near"] == ["80222"] or app.query_params["near"] == "80222"
    links = [link.proto.query_string for link in app.get("page_link")]
    assert links and not any("Main" in link for link in links)
    assert app.text_input(key="find-near").value == "1 Main St, Denver, CO 80222"


def test_a_place_far_from_every_listing_is_told_what_the_directory_covers(directory, monkeypatch, tmp_path):
    app = app_on(directory, monkeypatch, tmp_path, near="99501", radius="any").run()
    assert not app.exception
    notice = " ".join(shown(info.value) for info in app.info)
    assert "This directory has in-person listings in CO only: nothing in person within 100 miles of 99501" in notice


def test_a_listing_that_speaks_spanish_says_se_habla_espanol_in_either_language(directory, monkeypatch, tmp_path):
    for language in ("en", "es"):
        app = app_on(directory, monkeypatch, tmp_path, near="80222", needs="buprenorphine", lang=language).run()
        assert not app.exception
        card = " ".join(shown(block.value) for block in app.markdown)
        assert ":violet-badge[Se habla español]" in card
    app = app_on(directory, monkeypatch, tmp_path, entry="test-clinic", lang="es").run()
    page = " ".join(shown(block.value) for block in app.markdown)
    assert ":violet-badge[Se habla español]" in page and "**Organización:** Test Health" in page


def test_the_page_address_keeps_the_screen_language_apart_from_the_spoken_language_filter(
    directory, monkeypatch, tmp_path
):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", language="es", lang="es").run()
    assert not app.exception
    assert app.title[0].value == "Buscar recursos"
    assert app.selectbox(key="find-language").value == "es"
    assert app.query_params == {"near": "80222", "language": "es", "lang": "es"}


def test_the_meetings_filter_offers_any_day_of_the_week(tmp_path, monkeypatch):
    # The meeting is held the day after tomorrow on Denver's clock, so "that day" is never today.
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    held = weekdays[(dt.datetime.now(ZoneInfo("America/Denver")).weekday() + 2) % 7]
    other = weekdays[(weekdays.index(held) + 1) % 7]
    meeting = MEETING.replace("days: [tue]", f"days: [{held[:3]}]")
    folder = write_directory(tmp_path / "directory", {"meetings.yaml": meeting, "clinics.yaml": CLINIC})
    app = app_on(folder, monkeypatch, tmp_path).run()
    app.text_input(key="find-near").input("80222")
    app.selectbox(key="find-when").select(held)
    app.button(key="find-submit").click().run()
    assert not app.exception
    assert names(app) == ["Tuesday Night Speaker Meeting"]  # the clinic is no meeting
    assert app.query_params == {"near": "80222", "when": held, "lang": "en"}
    app.selectbox(key="find-when").select(other)
    app.button(key="find-submit").click().run()
    assert names(app) == []


def test_a_time_of_day_beside_the_day_finds_meetings_starting_then_and_zero_results_offer_to_drop_it(
    tmp_path, monkeypatch
):
    folder = write_directory(tmp_path / "directory", {"meetings.yaml": MEETING, "clinics.yaml": CLINIC})
    app = app_on(folder, monkeypatch, tmp_path).run()
    assert app.selectbox(key="find-time").options == [
        "Any time of day",
        "Morning (4 AM to noon)",
        "Midday (11 AM to 5 PM)",
        "Evening (4 PM to 9 PM)",
        "Night (8 PM to 5 AM)",
    ]
    app.text_input(key="find-near").input("80222")
    app.selectbox(key="find-time").select("evening")
    app.button(key="find-submit").click().run()
    assert not app.exception
    assert names(app) == ["Tuesday Night Speaker Meeting"]  # 7 PM on Tuesdays; the clinic is no meeting
    assert app.query_params == {"near": "80222", "time": "evening", "lang": "en"}
    assert [expander.label for expander in app.expander] == ["What do you need? (1 chosen)"]
    summary = next(shown(text.value) for text in app.markdown if "Found" in text.value)
    assert summary.endswith("Filters: Evening (4 PM to 9 PM).")

    app.selectbox(key="find-time").select("morning")
    app.button(key="find-submit").click().run()
    assert names(app) == []
    assert 'The filter that emptied the list: "Morning (4 AM to noon)".' in shown(app.warning[0].value)
    links = page_links(app)
    assert links['Drop "Morning (4 AM to noon)" (2 results)'] == "near=80222"


def test_a_link_with_a_day_and_a_time_of_day_fills_both_boxes_and_an_unknown_time_is_named(
    directory, monkeypatch, tmp_path
):
    app = app_on(directory, monkeypatch, tmp_path, near="80222", when="tuesday", time="evening").run()
    assert not app.exception
    assert (app.selectbox(key="find-when").value, app.selectbox(key="find-time").value) == ("tuesday", "evening")
    assert names(app) == ["Tuesday Night Speaker Meeting"]
    app = app_on(directory, monkeypatch, tmp_path, near="80222", time="teatime").run()
    assert 'The time of day "teatime" is not one of' in shown(app.info[0].value)
    assert app.selectbox(key="find-time").value == "any"


def deck_spec(app) -> dict:
    (chart,) = app.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def test_the_map_names_are_drawn_in_a_font_at_a_size_a_reader_can_read(directory, monkeypatch, tmp_path):
    """pydeck reads a plain string as a JavaScript expression: "Arial, sans-serif" became the
    expression ``Arial, sans-serif``, the browser got no font it knew, and every name on the map
    came out about 6 pixels tall however big its size."""
    app = app_on(directory, monkeypatch, tmp_path, near="80222").run()
    assert not app.exception
    text_layers = [layer for layer in deck_spec(app)["layers"] if layer["@@type"] == "TextLayer"]
    assert {layer["id"] for layer in text_layers} == {"city-labels", "result-labels"}
    for layer in text_layers:
        assert layer["fontFamily"] == "Arial, Helvetica, sans-serif", layer["id"]
        drawn_pixels = layer["getSize"] * layer.get("sizeScale", 1)
        assert 11 <= drawn_pixels <= 16, layer["id"]
