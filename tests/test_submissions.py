"""Suggestions: the typed form against the directory's rules, abuse limits, and the queue on disk.

Problems are checked as the codes the model reports; their words are checked in test_page_suggest."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT

from navigator.directory.loader import load_directory
from navigator.directory.vocabulary import load_vocabulary
from navigator.review import file_store
from navigator.review.file_store import FileSuggestionStore
from navigator.review.form import GENERAL, FieldProblem, apply_form, form_values
from navigator.review.limits import Limit, RateLimiter
from navigator.review.storage import UnknownSubmission
from navigator.review.suggestion import (
    APPROVED,
    REJECTED,
    Checked,
    Submission,
    check_suggestion,
    is_reference,
    rule_problem,
)
from navigator.text import clean_text

TODAY = dt.date(2026, 11, 23)
VOCABULARY = load_vocabulary(PROJECT_ROOT / "directory")
CONTACT = {
    "name": "Ana Ruiz",
    "organization": "Test Health",
    "email": "ana@example.org",
    "phone": "",
}
# Hostile text a form must store and show as the plain text it is.
NASTY_STRINGS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ [link](javascript:alert(1)) ![pixel](https://evil.example/p.png)",
    ":red[alarm] :material/home: $x^2$ `code` # heading",
    "Zero\u200bwidth and e\u0301 combining",
    "\u202eevil reversed\u202c and \u2067isolate\u2069",
    "שלום \u200f עולם",
    "Tab\there, bell\x07, null\x00, escape\x1b[31m",
    "' OR 1=1; -- \" DROP TABLE",
    "{{7*7}} ${7*7} %s %n",
]


def clinic() -> dict:
    return yaml.safe_load(CLINIC)[0]


def meeting() -> dict:
    return yaml.safe_load(MEETING)[0]


def check(kind, entry=None, contact=CONTACT, **changes) -> Checked:
    values = {**form_values(entry), **changes}
    return check_suggestion(
        kind,
        contact=contact,
        vocabulary=VOCABULARY,
        today=TODAY,
        values=values,
        entry=entry,
        category=(entry or {}).get("category") or "treatment_program",
    )


# --- plain text --------------------------------------------------------------------------------


def test_clean_text_drops_controls_and_reordering_characters_but_keeps_right_to_left_marks():
    assert clean_text(" Tab\there\x07\x00 \u202eok\u202c ") == "Tab here ok"
    assert clean_text("line one\r\nline two\u2028three", multiline=True) == "line one\nline two\nthree"
    assert clean_text("one\ntwo") == "one two"
    assert clean_text("שלום \u200f עולם") == "שלום \u200f עולם"
    assert clean_text("e\u0301") == "\u00e9"  # one way to write each letter (NFC)


# --- the form against an entry -----------------------------------------------------------------


def test_a_form_filled_from_an_entry_changes_nothing_for_any_bundled_entry():
    directory = load_directory(PROJECT_ROOT / "directory", use_cache=False)
    for entry in directory.entries:
        assert apply_form(entry, form_values(entry), TODAY) == (entry, {}), entry["id"]


def test_a_change_sends_only_the_fields_that_changed_and_keeps_what_the_form_cannot_show():
    entry = clinic()
    entry["phones"].append({"number": "303-555-0101", "type": "fax"})

    checked = check("change", entry, phone_number="303-555-0199", fees="Sliding scale")

    assert checked.errors == {}
    submission = checked.submission
    assert set(submission.changes) == {"phones", "fees"}
    assert submission.changes["phones"] == [
        {"number": "303-555-0199", "type": "intake"},
        {"number": "303-555-0101", "type": "fax"},
    ]
    assert submission.before == {"phones": entry["phones"], "fees": None}
    assert submission.entry_id == "test-clinic"


def test_a_moved_service_loses_its_old_coordinates_and_a_new_bed_count_is_dated():
    entry = clinic()
    entry["housing"] = {"beds_available": 1, "beds_counted": "2026-01-01"}

    checked = check("change", entry, zip="80203", housing_beds_available=3)

    assert checked.submission.changes["location"] == {
        "address": "1 Main St",
        "city": "Denver",
        "state": "CO",
        "zip": "80203",
    }
    assert checked.submission.changes["housing"] == {
        "beds_available": 3,
        "beds_counted": "2026-11-23",
    }


def test_hours_are_typed_per_day_and_grouped_back_into_periods():
    entry = clinic()
    values = {f"hours_{day}": "8:00-17:00" for day in ("mon", "tue", "wed", "thu")}
    values.update(hours_fri="08:00-12:00, 13:00 to 17:00", hours_sat="closed")

    checked = check("change", entry, **values)

    assert checked.submission.changes["hours"] == [
        {"days": ["mon", "tue", "wed", "thu"], "opens": "08:00", "closes": "17:00"},
        {"days": ["fri"], "opens": "08:00", "closes": "12:00"},
        {"days": ["fri"], "opens": "13:00", "closes": "17:00"},
    ]


def test_the_same_hours_written_differently_are_not_a_change():
    entry = clinic()  # "weekdays 08:00-17:00"
    checked = check("change", entry, hours_mon="8:00-17:00", fees="Free")
    assert "hours" not in checked.submission.changes


def test_open_all_week_is_one_tick_and_meeting_times_may_omit_the_end():
    assert check("change", clinic(), hours_always=True).submission.changes["hours"] == "24/7"
    changed = check("change", meeting(), times_tue="", times_fri="18:30").submission.changes
    assert changed["meeting"]["times"] == [{"days": ["fri"], "start": "18:30"}]


def test_each_problem_is_reported_beside_its_field():
    checked = check(
        "change",
        clinic(),
        zip="123",
        website="ftp://x",
        hours_mon="9 to 5",
        hours_tue="09:00",
        name="",
        contact={"name": "", "organization": "", "email": "not-an-address", "phone": ""},
    )

    assert checked.submission is None
    assert checked.errors == {
        "zip": [FieldProblem("not_format", {"value": "123", "format": "zip"})],
        "website": [FieldProblem("not_format", {"value": "ftp://x", "format": "web"})],
        "hours_mon": [FieldProblem("not_time_range", {"text": "9 to 5", "end_required": True})],
        "hours_tue": [FieldProblem("closing_time_required", {"text": "09:00", "start": "09:00"})],
        "name": [FieldProblem("required")],
        "contact_name": [FieldProblem("contact_required")],
        "contact_organization": [FieldProblem("contact_required")],
        "contact_email": [FieldProblem("not_email")],
    }


@pytest.mark.parametrize(
    ("message", "code", "params"),
    [
        ("is required: one of AL, AK, AZ", "choose_one", {}),
        ("must not be empty", "required", {}),
        ("'xx' is not one of in_person, online, hybrid", "not_a_choice", {"value": "xx"}),
        ("a in-person meeting needs a location", "meeting_needs_place", {}),
        ("is required: when the meeting meets", "times_required", {}),
        ("'5' is not a phone number", "not_format", {"value": "5", "format": "phone"}),
        (
            "ZIP 00001 is unknown, so the entry cannot be placed: add latitude and longitude",
            "unknown_zip",
            {"zip": "00001"},
        ),
        (
            "latitude and longitude go together: give both or neither",
            "directory_rule",
            {"message": "latitude and longitude go together: give both or neither"},
        ),
    ],
)
def test_the_directory_rules_reach_the_form_as_codes_it_has_words_for(message, code, params):
    assert rule_problem(message) == (code, params)


def test_a_report_needs_no_name_or_organization_but_a_way_to_reach_the_reporter():
    def report(contact):
        return check_suggestion(
            "report", contact=contact, vocabulary=VOCABULARY, today=TODAY, entry=clinic(), problem="closed"
        )

    nobody = {"name": "", "organization": "", "email": "", "phone": ""}
    assert report(nobody).errors == {"contact_email": [FieldProblem("contact_missing")]}
    reached = report({**nobody, "phone": "303-555-0100"})
    assert reached.errors == {} and reached.submission.kind == "report"


def two_phones() -> dict:
    entry = clinic()
    entry["phones"].append({"number": "303-555-0177", "type": "hotline", "description": "After hours"})
    return entry


def test_every_phone_of_a_listing_is_on_the_form_and_editable():
    values = form_values(two_phones())
    assert (values["phone_2_number"], values["phone_2_type"]) == ("303-555-0177", "hotline")
    changed = check("change", two_phones(), phone_2_number="303-555-0188").submission.changes
    assert changed["phones"] == [
        {"number": "303-555-0100", "type": "intake"},
        {"number": "303-555-0188", "type": "hotline", "description": "After hours"},
    ]


def test_clearing_the_first_phone_keeps_the_second_and_a_new_phone_gets_a_type():
    assert check("change", two_phones(), phone_number="").submission.changes["phones"] == [
        {"number": "303-555-0177", "type": "hotline", "description": "After hours"}
    ]
    added = check("change", clinic(), phone_2_number="303-555-0199").submission.changes["phones"]
    assert added[1] == {"number": "303-555-0199", "type": "voice"}


def test_a_bad_second_phone_is_reported_beside_it():
    errors = check("change", two_phones(), phone_2_number="call us").errors
    assert errors == {"phone_2_number": [FieldProblem("not_format", {"value": "call us", "format": "phone"})]}


def test_a_hundred_kilobyte_text_is_refused_by_length_without_being_echoed():
    checked = check("change", clinic(), description="x" * 100_000)
    assert checked.errors == {"description": [FieldProblem("too_long", {"length": 100_000, "limit": 5000})]}


def test_a_change_that_changes_nothing_is_refused():
    assert check("change", clinic()).errors == {GENERAL: [FieldProblem("nothing_changed")]}


def test_a_new_listing_is_the_whole_entry_checked_with_the_directory_rules():
    values = {
        "name": "Hope House",
        "organization": "Hope",
        "city": "Denver",
        "state": "CO",
        "zip": "80203",
        "needs": ["outpatient"],
        "phone_number": "303-555-0111",
        "hours_mon": "08:00-17:00",
    }

    checked = check("new", None, **values)

    assert checked.errors == {}
    assert checked.submission.changes == {
        "name": "Hope House",
        "organization": "Hope",
        "category": "treatment_program",
        "needs": ["outpatient"],
        "phones": [{"number": "303-555-0111", "type": "intake"}],
        "location": {"city": "Denver", "state": "CO", "zip": "80203"},
        "hours": [{"days": ["mon"], "opens": "08:00", "closes": "17:00"}],
    }
    assert check("new", None, name="Nowhere", organization="Hope").errors == {"city": [FieldProblem("place_or_area")]}


def test_the_reviewer_can_be_reached_by_email_or_phone_but_not_by_neither():
    by_phone = check("change", clinic(), fees="Free", contact=dict(CONTACT, email="", phone="303-555-0123"))
    assert by_phone.errors == {}
    neither = check("change", clinic(), fees="Free", contact=dict(CONTACT, email=""))
    assert neither.errors == {"contact_email": [FieldProblem("contact_missing")]}


def test_a_report_proposes_what_it_can_by_itself():
    def report(problem, **extra):
        return check_suggestion(
            "report",
            contact=CONTACT,
            vocabulary=VOCABULARY,
            today=TODAY,
            entry=clinic(),
            problem=problem,
            **extra,
        )

    assert report("closed").submission.changes == {"status": "inactive"}
    assert report("no_longer_offers", removed_codes=["outpatient"]).submission.changes == {"needs": ["buprenorphine"]}
    wrong_phone = report("wrong_phone", details="It rings a pizza place")
    assert wrong_phone.submission.changes == {} and wrong_phone.submission.details == "It rings a pizza place"
    assert report("wrong_hours").errors == {"details": [FieldProblem("details_required")]}
    assert report(None, details="?").errors == {"problem": [FieldProblem("problem_required")]}


def test_a_filled_honeypot_is_discarded_without_a_word():
    checked = check_suggestion(
        "new",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        values={},
        honeypot="+1 555 0100",
    )
    assert checked.discard and checked.submission is None and checked.errors == {}


def test_a_change_or_report_needs_its_listing():
    assert check_suggestion("report", contact=CONTACT, vocabulary=VOCABULARY, today=TODAY, problem="closed").errors == {
        GENERAL: [FieldProblem("listing_required")]
    }


@pytest.mark.parametrize("nasty", NASTY_STRINGS)
def test_hostile_text_is_stored_as_its_plain_cleaned_self(tmp_path, nasty):
    checked = check("change", clinic(), description=nasty, contact=dict(CONTACT, name=nasty[:120]), note=nasty)
    assert checked.errors == {}
    stored = FileSuggestionStore(tmp_path).add(checked.submission)

    again = FileSuggestionStore(tmp_path).get(stored.reference)

    assert again.changes["description"] == clean_text(nasty, multiline=True)
    assert again.contact.name == clean_text(nasty[:120])


# --- the queue ---------------------------------------------------------------------------------


def suggestion() -> Submission:
    return check("change", clinic(), fees="Free").submission


def test_a_stored_suggestion_is_one_json_file_with_a_reference_number(tmp_path):
    store = FileSuggestionStore(tmp_path)

    stored = store.add(suggestion(), now=dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC))

    assert is_reference(stored.reference) and stored.reference.startswith("S-20261123-")
    files = list((tmp_path / "submissions" / "pending").iterdir())
    assert [path.name for path in files] == [f"{stored.reference}.json"]
    assert json.loads(files[0].read_text())["changes"] == {"fees": "Free"}
    assert store.get(stored.reference) == stored


def test_pending_suggestions_come_oldest_first(tmp_path):
    store = FileSuggestionStore(tmp_path)
    times = [dt.datetime(2026, 11, day, tzinfo=dt.UTC) for day in (22, 20, 21)]
    stored = [store.add(suggestion(), now=moment) for moment in times]

    pending, unreadable = store.pending()

    assert [item.reference for item in pending] == [
        stored[1].reference,
        stored[2].reference,
        stored[0].reference,
    ]
    assert unreadable == []


def test_a_reference_already_taken_is_never_reused(tmp_path, monkeypatch):
    store = FileSuggestionStore(tmp_path)
    first = store.add(suggestion())
    offered = iter([first.reference, "S-20261123-ABCDEF"])
    monkeypatch.setattr(file_store, "new_reference", lambda now: next(offered))

    second = store.add(suggestion())

    assert second.reference == "S-20261123-ABCDEF"
    assert store.get(first.reference) == first


def test_a_decision_moves_the_suggestion_out_of_the_queue_and_only_once(tmp_path):
    store = FileSuggestionStore(tmp_path)
    stored = store.add(suggestion())

    decided = store.decide(stored.reference, REJECTED, {"by": "ana", "reason": "duplicate"})

    assert decided.status == REJECTED and store.get(stored.reference) == decided
    assert store.pending() == ([], [])
    assert [item.reference for item in store.decided()] == [stored.reference]
    with pytest.raises(UnknownSubmission) as raised:
        store.decide(stored.reference, APPROVED, {"by": "ana"})
    assert (raised.value.code, raised.value.status) == ("already_decided", REJECTED)


def test_a_crash_between_the_decided_copy_and_removing_the_pending_one_loses_nothing(tmp_path):
    store = FileSuggestionStore(tmp_path)
    stored = store.add(suggestion())
    pending_copy = (store.pending_dir / f"{stored.reference}.json").read_text()
    store.decide(stored.reference, APPROVED, {"by": "ana"})
    (store.pending_dir / f"{stored.reference}.json").write_text(pending_copy)  # as if the unlink never ran

    assert store.pending() == ([], [])
    assert store.get(stored.reference).status == APPROVED


def test_a_damaged_suggestion_file_is_listed_as_unreadable_not_fatal(tmp_path):
    store = FileSuggestionStore(tmp_path)
    good = store.add(suggestion())
    (store.pending_dir / "S-20261123-BROKEN.json").write_text('{"format": 1, "kind": "ne')

    pending, unreadable = store.pending()

    assert [item.reference for item in pending] == [good.reference]
    assert len(unreadable) == 1 and "S-20261123-BROKEN.json: not JSON" in unreadable[0]


def test_an_unknown_or_malformed_reference_is_refused(tmp_path):
    store = FileSuggestionStore(tmp_path)
    with pytest.raises(UnknownSubmission) as unknown:
        store.get("S-20261123-ABCDEF")
    assert (unknown.value.code, unknown.value.reference) == ("no_such_suggestion", "S-20261123-ABCDEF")
    with pytest.raises(UnknownSubmission) as malformed:
        store.get("../../etc/passwd")
    assert malformed.value.code == "not_a_reference"


# --- rate limits --------------------------------------------------------------------------------


def test_the_rate_limiter_allows_the_limit_per_window_then_says_how_long_to_wait():
    limiter = RateLimiter(limit=2, window=60)
    assert limiter.attempt("a", now=0) == 0 and limiter.attempt("a", now=10) == 0
    assert limiter.attempt("a", now=20) == 40
    assert limiter.attempt("b", now=20) == 0  # each key counts apart
    assert limiter.attempt("a", now=60) == 0  # the first event left the window


def test_the_rate_limiter_remembers_a_bounded_number_of_keys():
    limiter = RateLimiter(limit=1, window=60, max_keys=2)
    for key in ("a", "b", "c"):
        assert limiter.attempt(key, now=0) == 0
    assert limiter.attempt("a", now=1) == 0  # forgotten, the oldest
    assert limiter.attempt("c", now=1) > 0


def test_the_store_counts_suggestions_from_everyone_and_a_new_data_folder_starts_clean(tmp_path):
    limit = Limit("test suggestions", 2, 3600.0)
    store = FileSuggestionStore(tmp_path / "one")
    assert [store.attempt(limit) for _ in range(2)] == [0, 0]
    assert 3599 < store.attempt(limit) <= 3600
    assert FileSuggestionStore(tmp_path / "one").attempt(limit) > 0  # the folder's count, not the object's
    assert store.attempt(Limit("another limit", 2, 3600.0)) == 0  # each limit counts apart
    assert FileSuggestionStore(tmp_path / "two").attempt(limit) == 0
