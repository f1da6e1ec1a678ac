"""Suggestions applied field by field (review/edits.py): approvals never undo each other, a field
changed since is refused with its value now, and an approval and a rejection of one suggestion
racing in real processes never both happen."""

from __future__ import annotations

import errno
import json
import multiprocessing

import pytest
from tests.conftest import CLINIC, write_directory
from tests.test_review import CHILD_TIMEOUT, suggest_change

from navigator.directory.loader import load_directory
from navigator.review import decisions
from navigator.review.decisions import ReviewDesk, ReviewError
from navigator.review.edits import FieldEdit, apply_edits, conflicts, field_edits
from navigator.review.file_store import FileSuggestionStore, submission_json
from navigator.review.storage import UnknownSubmission
from navigator.review.suggestion import APPROVED, PENDING, REJECTED


@pytest.fixture
def directory(tmp_path):
    return write_directory(tmp_path / "directory", {"clinics.yaml": CLINIC})


@pytest.fixture
def desk(directory, tmp_path) -> ReviewDesk:
    return ReviewDesk(directory, FileSuggestionStore(tmp_path / "data"))


def test_field_edits_name_each_changed_leaf_with_the_value_it_was_made_against():
    before = {"location": {"city": "Denver", "zip": "80222"}, "phones": [{"number": "1", "type": "intake"}]}
    after = {"location": {"city": "Denver", "zip": "80223"}, "phones": [{"number": "2", "type": "intake"}]}

    assert field_edits(before, after) == [
        FieldEdit(("location", "zip"), "80222", "80223"),
        FieldEdit(("phones", 0, "number"), "1", "2"),
    ]


def test_an_edit_already_applied_is_not_a_conflict_and_a_removed_phone_leaves_no_empty_item():
    entry = {"phones": [{"number": "1", "type": "intake"}, {"number": "2", "type": "voice"}]}
    edits = field_edits({"phones": entry["phones"]}, {"phones": entry["phones"][1:]})

    assert conflicts(entry, edits) == []
    assert apply_edits(entry, edits) == {"phones": [{"number": "2", "type": "voice"}]}
    assert conflicts(apply_edits(entry, edits), edits) == []


def test_approving_a_suggestion_whose_field_changed_since_is_refused_with_the_value_now(desk, directory):
    reference = suggest_change(desk, phone_number="303-555-0199")
    desk.approve(suggest_change(desk, phone_number="303-555-0155"), "bo")

    with pytest.raises(ReviewError) as refused:
        desk.approve(reference, "ana")

    assert refused.value.code == "changed_since"
    assert "303-555-0155" in refused.value.params["changed"]
    assert load_directory(directory).entry("test-clinic")["phones"][0]["number"] == "303-555-0155"
    assert desk.store.get(reference).status == PENDING
    desk.approve(reference, "ana", override=True)
    assert load_directory(directory).entry("test-clinic")["phones"][0]["number"] == "303-555-0199"
    assert desk.store.get(reference).decision["overrode"] == ["phones[0].number"]


def test_four_approved_suggestions_on_one_entry_keep_every_change(desk, directory):
    references = [
        suggest_change(desk, address="9 New Rd"),
        suggest_change(desk, phone_number="303-555-0177"),
        suggest_change(desk, phone_type="voice"),
        suggest_change(desk, zip="80223"),
    ]
    for reference in references:
        desk.approve(reference, "ana")

    entry = load_directory(directory).entry("test-clinic")
    assert entry["location"]["address"] == "9 New Rd"
    assert entry["location"]["zip"] == "80223"
    assert entry["phones"] == [{"number": "303-555-0177", "type": "voice"}]
    assert [record["action"] for record in desk.store.audit()] == ["approve"] * 4


def test_suggestions_kept_before_field_edits_are_approved_field_by_field(desk, directory):
    first = desk.store.get(suggest_change(desk, address="9 New Rd"))
    second = desk.store.get(suggest_change(desk, zip="80223"))
    for submission in (first, second):  # as a suggestion file written before edits were kept
        record = json.loads(submission_json(submission))
        del record["edits"]
        path = desk.store.pending_dir / f"{submission.reference}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
    desk.approve(first.reference, "ana")
    desk.approve(second.reference, "ana")

    location = load_directory(directory).entry("test-clinic")["location"]
    assert (location["address"], location["zip"]) == ("9 New Rd", "80223")


def _decide(action: str, data_dir: str, folder: str, reference: str, start) -> None:
    reviewing = ReviewDesk(folder, FileSuggestionStore(data_dir))
    start.wait()
    try:
        if action == "approve":
            reviewing.approve(reference, "ana")
        else:
            reviewing.reject(reference, "bo", "Could not confirm by phone")
    except (ReviewError, UnknownSubmission) as error:
        assert error.code == "already_decided", error


def test_an_approval_and_a_rejection_racing_in_two_processes_never_both_happen(desk, directory):
    folder = directory
    context = multiprocessing.get_context("fork")  # real processes; forking spares their imports
    for trial in range(12):
        reference = suggest_change(desk, "test-clinic", fees=f"Fee {trial}")
        start = context.Barrier(2)
        racers = [
            context.Process(target=_decide, args=(action, str(desk.store.data_dir), str(folder), reference, start))
            for action in (("approve", "reject") if trial % 2 else ("reject", "approve"))
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(CHILD_TIMEOUT)
        assert [racer.exitcode for racer in racers] == [0, 0]

        status = desk.store.get(reference).status
        fees = load_directory(folder).entry("test-clinic").get("fees")
        lines = [record for record in desk.store.audit() if record["submission"] == reference]
        assert status in (APPROVED, REJECTED)
        assert (fees == f"Fee {trial}") == (status == APPROVED), (trial, status, fees)
        assert [line["action"] for line in lines] == ["approve" if status == APPROVED else "reject"]


def test_approving_on_a_full_disk_is_a_clear_refusal_and_decides_nothing(desk, directory, monkeypatch):
    reference = suggest_change(desk, "test-clinic", fees="Free")
    before = (directory / "clinics.yaml").read_bytes()

    def no_space(*arguments, **keywords):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(decisions, "write_bytes_atomic", no_space)
    with pytest.raises(ReviewError) as refused:
        desk.approve(reference, "ana")

    assert refused.value.code == "storage_failed" and refused.value.params["detail"] == "No space left on device"
    assert (directory / "clinics.yaml").read_bytes() == before
    assert desk.store.get(reference).status == PENDING and desk.store.audit() == []
