"""The storage interface, one suite run against both backends: files (one machine) and PostgreSQL
(several servers). Whatever a page or command relies on must hold on either."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT, write_directory

from navigator.directory.loader import load_directory
from navigator.directory.vocabulary import load_vocabulary
from navigator.review.decisions import ReviewDesk, ReviewError, open_desk
from navigator.review.edits import FieldEdit
from navigator.review.form import form_values
from navigator.review.limits import Limit
from navigator.review.storage import SuggestionStore, UnknownSubmission, open_store
from navigator.review.suggestion import APPROVED, PENDING, REJECTED, check_suggestion, is_reference
from navigator.settings import Settings

TODAY = dt.date.today()
VOCABULARY = load_vocabulary(PROJECT_ROOT / "directory")
CONTACT = {"name": "Ana Ruiz", "organization": "Test Health", "email": "ana@example.org"}
OTHER_CLINIC = CLINIC.replace("test-clinic", "other-clinic").replace("Test Clinic", "Other Clinic")


@pytest.fixture(params=["files", "postgres"])
def settings(request, tmp_path) -> Settings:
    """The settings of one backend: a data folder, or a fresh database."""
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    return Settings(data_dir=tmp_path / "data", database_url=url)


@pytest.fixture
def store(settings) -> SuggestionStore:
    return open_store(settings)


@pytest.fixture
def directory(tmp_path) -> Path:
    return write_directory(tmp_path / "directory", {"clinics.yaml": CLINIC + OTHER_CLINIC, "meetings.yaml": MEETING})


@pytest.fixture
def desk(directory, store) -> ReviewDesk:
    return open_desk(directory, store)


def suggest_change(desk: ReviewDesk, entry_id: str = "test-clinic", **changes) -> str:
    entry = desk.load().entry(entry_id)
    checked = check_suggestion(
        "change",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        entry=entry,
        values={**form_values(entry), **changes},
        category=entry["category"],
    )
    assert checked.errors == {}
    return desk.store.add(checked.submission).reference


def suggest_new(desk: ReviewDesk, name: str = "Hope Outpatient") -> str:
    fields = {"name": name, "organization": "Hope", "city": "Denver", "state": "CO", "zip": "80203"}
    checked = check_suggestion(
        "new",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        values={**form_values(None), **fields, "needs": ["outpatient"]},
        category="moud_provider",
    )
    assert checked.errors == {}
    return desk.store.add(checked.submission).reference


# --- the queue ----------------------------------------------------------------------------------


def test_a_kept_suggestion_reads_back_as_it_was_sent(desk):
    reference = suggest_change(desk, fees="Free", phone_number="303-555-0199")

    kept = desk.store.get(reference)

    assert is_reference(reference) and kept.status == PENDING and kept.decision is None
    assert kept.changes["fees"] == "Free" and kept.before == {"fees": None, "phones": kept.before["phones"]}
    assert kept.changes["phones"][0]["number"] == "303-555-0199"
    assert FieldEdit(("phones", 0, "number"), "303-555-0100", "303-555-0199") in kept.edits
    assert FieldEdit(("fees",), None, "Free") in kept.edits
    assert kept.contact.name == "Ana Ruiz" and kept.entry_id == "test-clinic"
    assert dt.datetime.fromisoformat(kept.submitted_at).tzinfo is not None


def test_pending_suggestions_come_oldest_first(store, desk):
    entry = load_directory(desk.directory).entry("test-clinic")
    submission = check_suggestion(
        "change",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        entry=entry,
        values={**form_values(entry), "fees": "Free"},
        category=entry["category"],
    ).submission
    stored = [store.add(submission, now=dt.datetime(2026, 11, day, tzinfo=dt.UTC)) for day in (22, 20, 21)]

    pending, unreadable = store.pending()

    assert [item.reference for item in pending] == [stored[1].reference, stored[2].reference, stored[0].reference]
    assert unreadable == []
    assert store.get(stored[0].reference) == stored[0]


def test_a_suggestion_is_decided_once(store, desk):
    reference = suggest_change(desk, fees="Free")

    decided = store.decide(reference, REJECTED, {"by": "ana", "reason": "duplicate"})
    with pytest.raises(UnknownSubmission) as raised:
        store.decide(reference, APPROVED, {"by": "ben"})

    assert (raised.value.code, raised.value.status) == ("already_decided", REJECTED)
    assert decided.status == REJECTED and store.get(reference) == decided
    assert store.pending() == ([], []) and store.pending_count() == 0
    assert [item.reference for item in store.decided()] == [reference]


def test_an_unknown_or_malformed_reference_is_refused(store):
    with pytest.raises(UnknownSubmission) as unknown:
        store.get("S-20261123-ABCDEF")
    assert (unknown.value.code, unknown.value.reference) == ("no_such_suggestion", "S-20261123-ABCDEF")
    with pytest.raises(UnknownSubmission) as malformed:
        store.get("../../etc/passwd")
    assert malformed.value.code == "not_a_reference"


# --- limits shared by everyone using the store ---------------------------------------------------


def test_a_limit_counts_for_every_store_object_on_the_same_storage(settings):
    limit = Limit("test suggestions", 2, 3600.0)
    one, two = open_store(settings), open_store(settings)

    assert [one.attempt(limit, "client-a"), two.attempt(limit, "client-a")] == [0, 0]
    assert 3599 < one.attempt(limit, "client-a") <= 3600
    assert two.attempt(limit, "client-a") > 0
    assert two.attempt(limit, "client-b") == 0  # each key counts apart
    assert one.attempt(Limit("another limit", 2, 3600.0), "client-a") == 0  # each limit too


def test_failed_sign_ins_are_counted_for_every_store_object_and_a_success_clears_them(settings):
    one, two = open_store(settings), open_store(settings)
    waits = [one.sign_in_failed("account:ana") if turn % 2 else two.sign_in_failed("account:ana") for turn in range(4)]

    assert waits == [0, 0, 5.0, 10.0]  # the third failure in a row starts a wait, doubling after
    assert 9 < one.sign_in_wait("account:ana") <= 10 and 9 < two.sign_in_wait("account:ana") <= 10
    assert two.sign_in_wait("account:ben") == 0
    one.sign_in_succeeded("account:ana")
    assert two.sign_in_wait("account:ana") == 0


# --- the review desk on either backend -----------------------------------------------------------


def test_an_approved_change_is_in_the_directory_the_desk_loads_with_one_audit_record(desk):
    reference = suggest_change(desk, fees="Free")

    outcome = desk.approve(reference, "ana")

    assert desk.load().entry("test-clinic")["fees"] == "Free"
    assert desk.load().entry("other-clinic").get("fees") is None
    assert outcome.entry_id == "test-clinic" and outcome.file == "clinics.yaml"
    assert desk.store.get(reference).status == APPROVED
    assert desk.store.get(reference).decision["by"] == "ana"
    [record] = desk.store.audit()
    assert (record["action"], record["submission"], record["reviewer"]) == ("approve", reference, "ana")
    assert {"field": "fees", "before": None, "after": "Free"} in record["changes"]


def test_two_approved_changes_to_one_entry_both_hold(desk):
    fees = suggest_change(desk, fees="Free")
    name = suggest_change(desk, name="Test Clinic Renamed")

    desk.approve(fees, "ana")
    desk.approve(name, "ben")

    entry = desk.load().entry("test-clinic")
    assert (entry["fees"], entry["name"]) == ("Free", "Test Clinic Renamed")


def test_an_edit_whose_field_changed_since_is_refused_unless_the_reviewer_overrides(desk):
    first, second = suggest_change(desk, fees="Free"), suggest_change(desk, fees="Sliding scale")
    desk.approve(first, "ana")

    with pytest.raises(ReviewError) as raised:
        desk.approve(second, "ben")
    assert raised.value.code == "changed_since" and desk.store.get(second).status == PENDING
    desk.approve(second, "ben", override=True)

    assert desk.load().entry("test-clinic")["fees"] == "Sliding scale"
    assert desk.store.get(second).decision["overrode"] == ["fees"]


def test_a_rejected_suggestion_changes_nothing_and_cannot_then_be_approved(desk):
    reference = suggest_change(desk, fees="Free")

    desk.reject(reference, "ana", "Could not confirm by phone")

    with pytest.raises((ReviewError, UnknownSubmission)) as raised:
        desk.approve(reference, "ben")
    assert raised.value.code == "already_decided"
    assert desk.load().entry("test-clinic").get("fees") is None
    assert [record["action"] for record in desk.store.audit()] == ["reject"]
    assert desk.store.get(reference).decision["reason"] == "Could not confirm by phone"


def test_a_rejection_needs_a_reason(desk):
    reference = suggest_change(desk, fees="Free")
    with pytest.raises(ReviewError) as raised:
        desk.reject(reference, "ana", "  ")
    assert raised.value.code == "reason_missing"
    assert desk.store.get(reference).status == PENDING and desk.store.audit() == []


def test_an_approved_new_listing_gets_a_free_id_and_is_in_the_directory(desk):
    first, second = suggest_new(desk), suggest_new(desk)

    one, two = desk.approve(first, "ana"), desk.approve(second, "ana")

    assert (one.entry_id, two.entry_id) == ("co-hope-outpatient", "co-hope-outpatient-2")
    loaded = desk.load()
    assert loaded.entry("co-hope-outpatient")["source_id"] == first
    assert loaded.entry("co-hope-outpatient-2")["name"] == "Hope Outpatient"


def test_marking_an_entry_verified_dates_it_and_is_audited(desk):
    outcome = desk.mark_verified("other-clinic", "ana", "phone", on=TODAY - dt.timedelta(days=1))

    entry = desk.load().entry("other-clinic")
    assert entry["last_verified"] == (TODAY - dt.timedelta(days=1)).isoformat() and entry["verified_how"] == "phone"
    assert outcome.file == "clinics.yaml"
    assert [record["action"] for record in desk.store.audit()] == ["verify"]


def test_a_suggestion_breaking_the_directory_rules_leaves_it_pending_and_unaudited(desk):
    reference = suggest_change(desk, fees="Free")

    with pytest.raises(ReviewError) as raised:
        desk.approve(reference, "ana", edits={"needs": ["no-such-need"]})

    assert raised.value.code == "file_invalid"
    assert desk.store.get(reference).status == PENDING and desk.store.audit() == []
    assert desk.load().entry("test-clinic").get("fees") is None
