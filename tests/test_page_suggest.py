"""Suggest an update, under AppTest: the three kinds end to end, errors beside their fields, abuse
limits, and hostile text shown back as plain text; and the words the model's codes are shown in."""

from __future__ import annotations

import errno
import json

import pytest
from pandas.core.strings.accessor import StringMethods
from streamlit.testing.v1 import AppTest
from tests.pages_support import app_on, shown
from tests.test_submissions import NASTY_STRINGS
from ui import suggest_flow
from ui.suggest_copy import field_label, problem_text

from navigator.directory.loader import load_directory
from navigator.review.file_store import FileSuggestionStore
from navigator.review.form import FieldProblem
from navigator.review.limits import Limit
from navigator.search.listing import SEARCH_LIMIT, WORD_LIMIT, find_listings
from navigator.text import clean_text

SUGGEST = "pages/suggest.py"
CONTACT = {"name": "Ana Ruiz", "organization": "Test Health", "email": "ana@example.org"}


def open_suggest(directory, monkeypatch, tmp_path, **params) -> AppTest:
    """The app opened at Suggest an update with ``params`` in its address (as a listing links there)."""
    app = app_on(directory, monkeypatch, tmp_path).run()
    app.switch_page(SUGGEST)
    app.query_params.clear()
    app.query_params.update(params)
    app.run()
    assert not app.exception
    return app


def queue(tmp_path) -> FileSuggestionStore:
    return FileSuggestionStore(tmp_path / "data")


def fill(app: AppTest, prefix: str, contact: dict = CONTACT, **fields) -> AppTest:
    for name, value in {
        **{f"contact_{key}": text for key, text in contact.items()},
        **fields,
    }.items():
        key = f"{prefix}{name}"
        for kind in ("text_input", "text_area"):
            found = [element for element in getattr(app, kind) if element.key == key]
            if found:
                found[0].input(value)
                break
        else:
            raise KeyError(key)
    return app


def send(app: AppTest) -> AppTest:
    [button] = [button for button in app.button if button.label == "Send suggestion"]
    button.click().run()
    assert not app.exception
    return app


def errors(app: AppTest) -> list[str]:
    """The page's error messages as read, without the crisis lines every page starts with."""
    return [shown(error.value) for error in app.error if "988" not in error.value]


def flat(node) -> list:
    """Every element on the page in the order a reader meets them."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [element for child in children.values() for element in flat(child)]


def new_in_person_meeting(directory, monkeypatch, tmp_path) -> tuple[AppTest, str]:
    """The form for a new listing, as an in-person AA meeting: the app and its fields' key prefix."""
    app = open_suggest(directory, monkeypatch, tmp_path, kind="new")
    app.selectbox(key="sg_category_new").select("support_meeting").run()
    prefix = "sg_new_new_"
    app.selectbox(key=f"{prefix}meeting_fellowship").select("aa")
    app.selectbox(key=f"{prefix}meeting_attendance").select("in_person")
    return app, prefix


def test_a_new_listing_is_sent_and_confirmed_with_a_reference_number(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, kind="new")
    app.selectbox(key="sg_category_new").select("treatment_program").run()
    prefix = "sg_new_new_"
    fill(
        app,
        prefix,
        name="Hope Outpatient",
        organization="Hope",
        city="Denver",
        zip="80203",
        phone_number="303-555-0111",
        hours_mon="08:00-17:00",
    )
    app.selectbox(key=f"{prefix}state").select("CO")
    app.multiselect(key=f"{prefix}needs").select("outpatient")

    send(app)

    [pending] = queue(tmp_path).pending()[0]
    assert pending.kind == "new" and pending.contact.email == "ana@example.org"
    assert pending.changes["location"] == {"city": "Denver", "state": "CO", "zip": "80203"}
    assert pending.changes["needs"] == ["outpatient"]
    assert f"Your reference number is **{pending.reference}**" in shown(app.success[0].value)
    assert "Service name: Hope Outpatient" in [text.value for text in app.text]


def test_a_change_link_opens_the_listing_prefilled_and_sends_only_what_changed(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"
    assert app.text_input(key=f"{prefix}name").value == "Test Clinic Buprenorphine"
    assert app.text_input(key=f"{prefix}hours_mon").value == "08:00-17:00"

    send(fill(app, prefix, phone_number="303-555-0199"))

    [pending] = queue(tmp_path).pending()[0]
    assert pending.entry_id == "test-clinic"
    assert pending.changes == {"phones": [{"number": "303-555-0199", "type": "intake"}]}
    assert "Phone number: 303-555-0100 → 303-555-0199" in [text.value for text in app.text]


def test_a_problem_report_from_a_listing_is_sent_with_what_it_proposes(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-meeting", kind="report")
    prefix = "sg_report_test-meeting_"
    app.selectbox(key=f"{prefix}problem").select("closed")

    send(fill(app, prefix, details="The church hall closed in October."))

    [pending] = queue(tmp_path).pending()[0]
    assert (pending.kind, pending.problem, pending.changes) == (
        "report",
        "closed",
        {"status": "inactive"},
    )
    assert pending.details == "The church hall closed in October."


def test_a_problem_report_needs_only_a_way_to_reach_the_reporter(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-meeting", kind="report")
    prefix = "sg_report_test-meeting_"
    labels = [element.label for element in app.text_input if element.key.startswith(f"{prefix}contact_")]
    assert labels == ["Your name", "Your organization", "Your e-mail", "Your phone"]
    assert app.selectbox(key=f"{prefix}problem").label == "What is wrong? (required)"
    app.selectbox(key=f"{prefix}problem").select("closed")

    send(fill(app, prefix, contact={"email": "neighbour@example.org"}))

    assert errors(app) == []
    [pending] = queue(tmp_path).pending()[0]
    assert pending.kind == "report" and pending.contact.organization == ""


def test_a_change_marks_the_fields_it_requires_in_words(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"
    labels = {element.key: element.label for element in app.text_input}
    assert labels[f"{prefix}name"] == "Service name (required)"
    assert labels[f"{prefix}contact_name"] == "Your name (required)"
    assert labels[f"{prefix}contact_organization"] == "Your organization (required)"
    assert labels[f"{prefix}contact_email"] == "Your e-mail"


def test_problems_are_said_in_plain_words_and_summed_up_right_above_send(small_directory, monkeypatch, tmp_path):
    app, prefix = new_in_person_meeting(small_directory, monkeypatch, tmp_path)

    send(fill(app, prefix, name="Noon Group", organization="AA", city="Denver", zip="80203", times_mon="12:00"))

    said = errors(app)
    assert "is required: choose one" in said  # the state, not "one of AL, AK, …"
    assert not [text for text in said if "AL, AK" in text or "in_person" in text or "in-person" in text]
    elements = flat(app.main)
    send_at = next(
        index for index, element in enumerate(elements) if getattr(element, "label", "") == "Send suggestion"
    )
    assert shown(elements[send_at - 1].value) == "Not sent yet. Please fix: State."
    assert queue(tmp_path).pending() == ([], [])


def test_a_meeting_in_person_with_no_place_is_told_where_to_say_it(small_directory, monkeypatch, tmp_path):
    app, prefix = new_in_person_meeting(small_directory, monkeypatch, tmp_path)

    send(fill(app, prefix, name="Noon Group", organization="AA", times_mon="12:00"))

    said = " ".join(errors(app))
    assert said.startswith("say where it is (city, state and ZIP code)")
    assert said.endswith("Not sent yet. Please fix: City.")
    assert "in_person" not in said and "in-person" not in said and "service_area" not in said


def test_choosing_the_kind_and_listing_on_the_page_keeps_the_link_up_to_date(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path)
    app.radio(key="suggest_kind").set_value("report").run()
    app.text_input(key="suggest_search").input("speaker").run()
    app.selectbox(key="suggest_entry").select("test-meeting").run()

    assert app.query_params == {"kind": "report", "entry": "test-meeting", "lang": "en"}
    assert app.selectbox(key="sg_report_test-meeting_problem")


def test_a_change_can_add_a_second_phone(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"
    labels = [element.label for element in app.text_input if element.key.startswith(f"{prefix}phone")]
    assert labels == ["Phone number", "Second phone number"]
    app.selectbox(key=f"{prefix}phone_2_type").select("hotline")

    send(fill(app, prefix, phone_2_number="303-555-0177"))

    [pending] = queue(tmp_path).pending()[0]
    assert pending.changes == {
        "phones": [{"number": "303-555-0100", "type": "intake"}, {"number": "303-555-0177", "type": "hotline"}]
    }


def test_each_problem_shows_right_below_its_field_and_nothing_is_stored(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"

    send(
        fill(
            app,
            prefix,
            contact={**CONTACT, "email": "nobody"},
            zip="123",
            website="javascript:alert(1)",
        )
    )

    elements = flat(app.main)
    for key, message in (
        (f"{prefix}zip", "'123' is not a 5-digit ZIP code"),
        (f"{prefix}website", "'javascript:alert(1)' is not a web address starting with https\u200b://"),
        (f"{prefix}contact_email", "is not an e-mail address"),
    ):
        position = next(index for index, element in enumerate(elements) if getattr(element, "key", None) == key)
        assert shown(elements[position + 1].value) == message
    assert queue(tmp_path).pending() == ([], [])


def test_a_hundred_kilobyte_text_sent_past_the_browser_is_cut_to_the_fields_limit(
    small_directory, monkeypatch, tmp_path
):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"
    fill(app, prefix)
    # input() would refuse it as the browser does; set_value sends it the way a crafted client would.
    app.text_area(key=f"{prefix}description").set_value("A" * 100_000)

    send(app)

    [pending] = queue(tmp_path).pending()[0]
    assert pending.changes["description"] == "A" * 5000


def test_hostile_text_is_stored_and_shown_back_as_plain_text(small_directory, monkeypatch, tmp_path):
    for nasty in NASTY_STRINGS:
        app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
        prefix = "sg_change_test-clinic_"

        send(fill(app, prefix, contact={**CONTACT, "name": nasty[:120]}, description=nasty, note=nasty))

        stored = json.loads(next((tmp_path / "data" / "submissions" / "pending").glob("*.json")).read_text())
        assert stored["changes"]["description"] == clean_text(nasty, multiline=True)
        texts = [text.value for text in app.text]
        assert f"Description: — → {clean_text(nasty, multiline=True)}" in texts, nasty
        assert f"Note: {clean_text(nasty, multiline=True)}" in texts
        # Markdown on the page (the thanks) never carries the typed text.
        assert not [block for block in app.markdown if clean_text(nasty) in block.value]
        for path in (tmp_path / "data" / "submissions" / "pending").glob("*.json"):
            path.unlink()


def test_a_filled_honeypot_is_thanked_but_nothing_is_stored(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"
    app.text_input(key="suggest_fax_number").input("+1 303 555 0100")

    send(fill(app, prefix, fees="Free"))

    assert app.success[0].value == "Thank you. Your suggestion was received."
    assert queue(tmp_path).pending() == ([], [])


def test_one_session_may_send_five_suggestions_an_hour(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    prefix = "sg_change_test-clinic_"
    for number in range(6):
        send(fill(app, prefix, fees=f"Fee {number}"))
        if number < 5:
            app.button[-1].click().run()  # "Suggest something else"

    assert len(queue(tmp_path).pending()[0]) == 5
    assert "Please try again in 60 minutes" in errors(app)[-1]


def test_the_limit_is_per_client_across_its_sessions_and_never_refuses_everyone(small_directory, monkeypatch, tmp_path):
    monkeypatch.setattr(suggest_flow, "SUGGESTIONS_PER_CLIENT", Limit("suggestions per client", 1, 3600.0))
    sent = {}
    for client, fee in (("203.0.113.9", "Free"), ("203.0.113.9", "Sliding"), ("198.51.100.7", "Medicaid")):
        monkeypatch.setattr(suggest_flow, "client_address", lambda client=client: client)
        app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
        send(fill(app, "sg_change_test-clinic_", fees=fee))
        sent[fee] = errors(app)

    assert [submission.changes["fees"] for submission in queue(tmp_path).pending()[0]] == ["Free", "Medicaid"]
    assert "Many suggestions have come from here" in sent["Sliding"][-1]
    assert "call or e-mail the directory's team" in sent["Sliding"][-1]
    assert sent["Medicaid"] == []


def test_a_full_queue_tells_the_organization_what_to_do_and_keeps_what_it_typed(small_directory, monkeypatch, tmp_path):
    monkeypatch.setattr(suggest_flow, "QUEUE_LIMIT", 1)
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    send(fill(app, "sg_change_test-clinic_", fees="Free"))
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    send(fill(app, "sg_change_test-clinic_", fees="Sliding"))

    assert len(queue(tmp_path).pending()[0]) == 1
    assert "try again tomorrow" in errors(app)[-1]
    assert app.text_input(key="sg_change_test-clinic_fees").value == "Sliding"


@pytest.mark.parametrize("write", ["add", "attempt"])
def test_a_full_or_read_only_disk_is_said_in_words_not_a_crash(small_directory, monkeypatch, tmp_path, write):
    def no_space(*arguments, **keywords):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSuggestionStore, write, no_space)
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="test-clinic", kind="change")
    send(fill(app, "sg_change_test-clinic_", fees="Free"))

    assert "could not be saved just now" in errors(app)[-1]
    assert app.text_input(key="sg_change_test-clinic_fees").value == "Free"


def test_an_unknown_listing_in_the_link_is_named_as_text(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, entry="**nope**", kind="change")
    assert shown(app.warning[0].value).startswith("There is no listing **nope** in the directory")
    assert app.info[-1].value == "Choose the listing this is about."


# --- the words of the model's codes ------------------------------------------------------------


def test_each_problem_code_is_said_in_words():
    said = [
        ("too_long", {"length": 100_000, "limit": 5000}, "is 100,000 characters long; the limit is 5,000"),
        ("too_many_lines", {"count": 21, "limit": 20}, "has 21 lines; the limit is 20"),
        ("not_whole_number", {"low": 0, "high": 10_000}, "must be a whole number from 0 to 10,000"),
        (
            "not_time_range",
            {"text": "9 to 5", "end_required": True},
            "'9 to 5' is not a time range like \"08:00-17:00\"",
        ),
        (
            "not_time_range",
            {"text": "7pm", "end_required": False},
            '\'7pm\' is not a time range like "19:00" or "19:00-20:00"',
        ),
        (
            "closing_time_required",
            {"text": "09:00", "start": "09:00"},
            "'09:00' needs a closing time, like \"09:00-17:00\"",
        ),
        ("directory_rule", {"message": "'123' is not a 5-digit ZIP code"}, "'123' is not a 5-digit ZIP code"),
        ("contact_required", {}, "is required, so the reviewer can follow up"),
        ("not_email", {}, "is not an e-mail address"),
        ("not_phone", {}, "is not a phone number"),
        ("contact_missing", {}, "give an e-mail address or a phone number, so the reviewer can follow up"),
        ("listing_required", {}, "choose the listing this is about"),
        ("problem_required", {}, "choose what is wrong"),
        ("details_required", {}, "say what is wrong"),
        ("nothing_changed", {}, "nothing was changed: change a field above, or report a problem instead"),
        (
            "too_many_suggestions",
            {"minutes": 60},
            "Many suggestions have come from here in the last hour. Please try again in 60 minutes. Nothing you "
            "typed is lost while this page stays open; if it cannot wait, call or e-mail the directory's team and "
            "quote the listing.",
        ),
    ]
    assert [problem_text(FieldProblem(code, params)) for code, params, _ in said] == [words for _, _, words in said]


def test_field_labels_name_nested_fields_in_words():
    assert [field_label(name) for name in ("phones[0].number", "location.zip", "hours", "tags")] == [
        "Phone number",
        "ZIP code",
        "Opening hours",
        "Tags",
    ]


def test_finding_the_listing_scans_a_bounded_number_of_cells_whatever_is_typed(small_directory, monkeypatch, tmp_path):
    app = open_suggest(small_directory, monkeypatch, tmp_path, kind="change")
    assert app.text_input(key=suggest_flow.SEARCH_KEY).max_chars == SEARCH_LIMIT
    scanned = []
    real_contains = StringMethods.contains
    monkeypatch.setattr(
        StringMethods, "contains", lambda self, *a, **k: scanned.append(len(self._data)) or real_contains(self, *a, **k)
    )
    # 600 characters of distinct words, sent past the browser's limit.
    app.text_input(key=suggest_flow.SEARCH_KEY).input(" ".join(f"w{number:03d}" for number in range(150))).run()

    assert not app.exception
    rows = 2
    assert sum(scanned) <= 2 * WORD_LIMIT * rows  # the search text and the city, for at most five words


def test_the_listing_is_found_by_any_of_its_words_or_its_city(small_directory):
    directory = load_directory(small_directory)

    assert find_listings(directory, "clinic TEST") == ["test-clinic"]
    assert find_listings(directory, "denver") == ["test-clinic", "test-meeting"]
    assert find_listings(directory, "speaker   denver tuesday") == ["test-meeting"]
