"""Reviewing: approving into the YAML files, rejecting, verifying, the audit log, and what
concurrent writers and a killed process leave behind (real processes, not mocks)."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import multiprocessing
import os
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT, write_directory

from navigator.cli.main import main
from navigator.directory.loader import check_directory, check_file, load_directory
from navigator.directory.vocabulary import load_vocabulary
from navigator.review.decisions import (
    FieldChange,
    ReviewDesk,
    ReviewError,
    diff_entries,
    file_for_new_entry,
    new_entry_id,
    plain,
    proposal,
    stalest,
)
from navigator.review.file_store import FileSuggestionStore, submission_json
from navigator.review.form import form_values
from navigator.review.storage import UnknownSubmission
from navigator.review.suggestion import APPROVED, PENDING, REJECTED, check_suggestion

TODAY = dt.date.today()
VOCABULARY = load_vocabulary(PROJECT_ROOT / "directory")
CONTACT = {"name": "Ana Ruiz", "organization": "Test Health", "email": "ana@example.org"}
HEADER = "# Clinics of the test region.\n# Every phone number here is fictional.\n\n"
OTHER_CLINIC = CLINIC.replace("test-clinic", "other-clinic").replace("Test Clinic", "Other Clinic")
CHILD_TIMEOUT = 120


@pytest.fixture
def directory(tmp_path) -> Path:
    return write_directory(
        tmp_path / "directory",
        {
            "clinics.yaml": HEADER + CLINIC + "\n# Opened in 2025.\n" + OTHER_CLINIC,
            "meetings.yaml": MEETING,
        },
    )


@pytest.fixture
def desk(directory, tmp_path) -> ReviewDesk:
    return ReviewDesk(directory, FileSuggestionStore(tmp_path / "data"))


def suggest_change(desk: ReviewDesk, entry_id: str = "test-clinic", **changes) -> str:
    entry = load_directory(desk.directory).entry(entry_id)
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


def suggest_new(desk: ReviewDesk, **values) -> str:
    fields = {
        "name": "Hope Outpatient",
        "organization": "Hope",
        "city": "Denver",
        "state": "CO",
        "zip": "80203",
        "needs": ["outpatient"],
        **values,
    }
    checked = check_suggestion(
        "new",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        values={**form_values(None), **fields},
        category="moud_provider",
    )
    assert checked.errors == {}
    return desk.store.add(checked.submission).reference


# --- approving ----------------------------------------------------------------------------------


def test_approving_a_change_rewrites_only_that_entrys_changed_lines(desk, directory):
    path = directory / "clinics.yaml"
    before = path.read_text()
    reference = suggest_change(desk, phone_number="303-555-0199")

    outcome = desk.approve(reference, "ana", today=dt.date(2026, 11, 23))

    after = path.read_text()
    difference = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert [line for line in difference if line.startswith("- ")] == [
        '-     - number: "303-555-0100"',
        '-   last_verified: "2026-10-01"',
    ]
    assert [line for line in difference if line.startswith("+ ")] == [
        '+     - number: "303-555-0199"',
        "+   source: suggestion",
        '+   last_verified: "2026-11-23"',
        "+   verified_how: organization",
    ]
    assert after.startswith(HEADER) and after.endswith("\n# Opened in 2025.\n" + OTHER_CLINIC)
    assert check_file(after.encode(), "clinics.yaml", VOCABULARY, TODAY).problems == ()
    assert outcome.entry_id == "test-clinic" and outcome.file == "clinics.yaml"
    assert FieldChange("phones[0].number", "303-555-0100", "303-555-0199") in outcome.changes


def test_an_approval_is_recorded_in_the_audit_log_and_on_the_suggestion(desk):
    reference = suggest_change(desk, fees="Free")

    desk.approve(reference, "ana")

    [record] = desk.store.audit()
    assert record["reviewer"] == "ana" and record["action"] == "approve" and record["submission"] == reference
    assert record["entry_id"] == "test-clinic" and record["file"] == "clinics.yaml"
    assert {"field": "fees", "before": None, "after": "Free"} in record["changes"]
    decided = desk.store.get(reference)
    assert decided.status == APPROVED and decided.decision["by"] == "ana"
    assert desk.store.pending() == ([], [])


def test_the_loader_sees_an_approved_change_at_once(desk):
    assert load_directory(desk.directory).entry("test-clinic").get("fees") is None
    desk.approve(suggest_change(desk, fees="Free"), "ana")
    assert load_directory(desk.directory).entry("test-clinic")["fees"] == "Free"


def test_approving_a_new_listing_appends_it_to_the_file_of_its_kind_with_a_fresh_id(desk, directory):
    before = (directory / "clinics.yaml").read_text()
    reference = suggest_new(desk, name="Test Clinic Buprenorphine")  # the name of an existing id's entry

    outcome = desk.approve(reference, "ana", today=dt.date(2026, 11, 23))

    after = (directory / "clinics.yaml").read_text()
    assert after.startswith(before)
    assert outcome.entry_id == "co-test-clinic-buprenorphine" and outcome.file == "clinics.yaml"
    added = yaml.safe_load(after)[-1]
    assert added == {
        "id": "co-test-clinic-buprenorphine",
        "name": "Test Clinic Buprenorphine",
        "organization": "Hope",
        "category": "moud_provider",
        "needs": ["outpatient"],
        "location": {"city": "Denver", "state": "CO", "zip": "80203"},
        "source": "suggestion",
        "source_id": reference,
        "last_verified": "2026-11-23",
        "verified_how": "organization",
    }
    assert check_directory(directory)[1].ok


def test_a_new_listing_of_a_kind_no_file_holds_gets_a_file_of_its_own(desk, directory):
    checked = check_suggestion(
        "new",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        category="crisis_line",
        values={
            **form_values(None),
            "name": "Warm Line",
            "organization": "Peers",
            "service_area": ["CO"],
            "phone_number": "303-555-0177",
        },
    )
    reference = desk.store.add(checked.submission).reference

    outcome = desk.approve(reference, "ana")

    assert outcome.file == "suggestions.yaml"
    assert [entry["id"] for entry in yaml.safe_load((directory / "suggestions.yaml").read_text())] == ["co-warm-line"]


def test_new_ids_are_readable_and_never_taken():
    entry = {"name": "Café Recovery — Ñ House!", "location": {"state": "CO"}}
    assert new_entry_id(entry, set()) == "co-cafe-recovery-n-house"
    assert (
        new_entry_id(entry, {"co-cafe-recovery-n-house", "co-cafe-recovery-n-house-2"}) == "co-cafe-recovery-n-house-3"
    )
    assert new_entry_id({"name": "全国", "service_area": ["national"]}, set()) == "us-listing"


def test_new_listings_go_where_most_of_their_kind_in_their_state_are(tmp_path):
    colorado = CLINIC
    kansas = CLINIC.replace("test-clinic", "ks-clinic").replace("state: CO", "state: KS").replace('"80222"', '"66044"')
    folder = write_directory(
        tmp_path / "d",
        {"co.yaml": colorado, "ks.yaml": kansas + kansas.replace("ks-clinic", "ks-clinic-2")},
    )
    directory = load_directory(folder)
    clinic_in = {"category": "moud_provider", "location": {"state": "CO"}}
    assert file_for_new_entry(clinic_in, directory).name == "co.yaml"
    assert file_for_new_entry(dict(clinic_in, location={"state": "NM"}), directory).name == "ks.yaml"


def test_edit_then_approve_writes_the_reviewers_version(desk):
    reference = suggest_change(desk, fees="Free for everyone!!")

    desk.approve(reference, "ana", edits={"fees": "Free"})

    assert load_directory(desk.directory).entry("test-clinic")["fees"] == "Free"
    assert desk.store.audit()[0]["changes"][0] == {"field": "fees", "before": None, "after": "Free"}


def test_an_approval_that_would_break_the_file_writes_nothing(desk, directory):
    before = (directory / "clinics.yaml").read_bytes()
    reference = suggest_change(desk, fees="Free")

    with pytest.raises(ReviewError) as raised:
        desk.approve(reference, "ana", edits={"category": "no_such_category"})

    assert (raised.value.code, raised.value.params) == ("file_invalid", {"file": "clinics.yaml"})
    assert "category" in str(raised.value.problems[0])
    assert (directory / "clinics.yaml").read_bytes() == before
    assert desk.store.get(reference).status == PENDING and desk.store.audit() == []


def test_a_change_to_a_listing_removed_meanwhile_cannot_be_approved(desk, directory):
    reference = suggest_change(desk, fees="Free")
    (directory / "clinics.yaml").write_text(OTHER_CLINIC)

    with pytest.raises(ReviewError) as raised:
        desk.approve(reference, "ana")
    assert (raised.value.code, raised.value.params) == ("entry_gone", {"entry_id": "test-clinic"})


def test_a_listing_changed_since_the_suggestion_shows_the_conflict(desk, directory):
    reference = suggest_change(desk, phone_number="303-555-0199")
    desk.approve(suggest_change(desk, phone_number="303-555-0155"), "bo")
    current = load_directory(directory).entry("test-clinic")

    seen = proposal(desk.store.get(reference), current)

    assert [(conflict.edit.name, conflict.edit.before, conflict.current) for conflict in seen.conflicts] == [
        ("phones[0].number", "303-555-0100", "303-555-0155")
    ]
    assert [change.field for change in seen.changes] == ["phones[0].number"]


def test_a_report_without_changes_closes_without_touching_the_directory(desk, directory):
    before = (directory / "clinics.yaml").read_bytes()
    entry = load_directory(directory).entry("test-clinic")
    checked = check_suggestion(
        "report",
        contact=CONTACT,
        vocabulary=VOCABULARY,
        today=TODAY,
        entry=entry,
        problem="wrong_phone",
        details="Rings a pizza place",
    )
    reference = desk.store.add(checked.submission).reference

    outcome = desk.approve(reference, "ana")

    assert outcome.changes == [] and (directory / "clinics.yaml").read_bytes() == before
    assert desk.store.get(reference).status == APPROVED


# --- rejecting, verifying, the stalest ----------------------------------------------------------


def test_rejecting_needs_a_reason_and_records_it(desk):
    reference = suggest_change(desk, fees="Free")
    with pytest.raises(ReviewError) as no_reason:
        desk.reject(reference, "ana", " \x00 ")
    assert no_reason.value.code == "reason_missing"

    desk.reject(reference, "ana", "Not from the organization")

    assert desk.store.get(reference).decision["reason"] == "Not from the organization"
    assert desk.store.get(reference).status == REJECTED
    assert desk.store.audit()[0]["reason"] == "Not from the organization"
    with pytest.raises(ReviewError) as again:
        desk.approve(reference, "ana")
    assert (again.value.code, again.value.params) == ("already_decided", {"reference": reference, "status": REJECTED})


def test_mark_verified_sets_the_date_and_how(desk):
    outcome = desk.mark_verified("test-meeting", "ana", "phone", on=dt.date(2026, 11, 20), today=dt.date(2026, 11, 23))

    entry = load_directory(desk.directory).entry("test-meeting")
    assert (entry["last_verified"], entry["verified_how"]) == ("2026-11-20", "phone")
    assert outcome.file == "meetings.yaml" and desk.store.audit()[0]["action"] == "verify"
    refusals = []
    for entry_id, how, on in (
        ("test-meeting", "phone", TODAY + dt.timedelta(days=1)),
        ("test-meeting", "guessing", None),
        ("no-such-entry", "phone", None),
    ):
        with pytest.raises(ReviewError) as raised:
            desk.mark_verified(entry_id, "ana", how, on=on)
        refusals.append(raised.value.code)
    assert refusals == ["future_date", "unknown_method", "entry_not_found"]


def test_the_stalest_listings_come_first(desk):
    desk.mark_verified("test-meeting", "ana", "phone", on=dt.date(2025, 1, 1))
    assert stalest(load_directory(desk.directory), 2)["id"].tolist() == [
        "test-meeting",
        "other-clinic",
    ]


def test_the_audit_log_survives_a_torn_last_line(desk):
    desk.store.audit_path.parent.mkdir(parents=True)
    desk.store.audit_path.write_text('{"action": "approve", "entry_id": "x"}\n{"action": "rej')

    desk.reject(suggest_change(desk, fees="Free"), "ana", "duplicate")

    assert [record["action"] for record in desk.store.audit()] == ["reject", "approve"]


def test_differences_are_field_by_field_and_read_in_words():
    before = {
        "name": "A",
        "phones": [{"number": "1", "type": "intake"}],
        "location": {"zip": "80222"},
        "hours": [{"days": "weekdays", "opens": "08:00", "closes": "17:00"}],
    }
    after = {
        "name": "A",
        "phones": [{"number": "2", "type": "intake"}],
        "location": {"zip": "80203"},
        "hours": "24/7",
        "needs": ["naloxone"],
    }

    changes = diff_entries(before, after)

    assert [change.field for change in changes] == [
        "needs",
        "phones[0].number",
        "location.zip",
        "hours",
    ]
    assert plain(changes[-1].before, "hours") == "Mon–Fri 8:00 AM–5:00 PM"
    assert plain(changes[-1].after, "hours") == "Open 24 hours, 7 days"
    assert [plain(value) for value in (None, True, ["a", "b"], {"k": 1})] == [
        "—",
        "yes",
        "a, b",
        "k: 1",
    ]


# --- the command line ---------------------------------------------------------------------------


def test_the_review_commands_list_show_approve_reject_and_verify(desk, directory, capsys):
    first = suggest_change(desk, fees="Free")
    second = suggest_change(desk, fees="Sliding scale")
    common = ["--directory", str(directory), "review"]
    data = ["--data-dir", str(desk.store.data_dir)]

    assert main([*common, "list", *data]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing] == [first, second]
    assert main([*common, "show", first, *data]) == 0
    assert "  fees: — -> Free" in capsys.readouterr().out
    assert main([*common, "approve", first, *data, "--reviewer", "bo"]) == 0
    assert capsys.readouterr().out.startswith(f"approved {first}: test-clinic in clinics.yaml")
    assert main([*common, "reject", second, *data, "--reason", "Superseded"]) == 0
    assert main([*common, "verify", "test-meeting", *data, "--how", "site_visit"]) == 0
    assert main([*common, "stale", *data, "--limit", "1"]) == 0
    assert "other-clinic" in capsys.readouterr().out
    assert main([*common, "approve", second, *data]) == 2
    assert "already rejected" in capsys.readouterr().err
    assert main([*common, "show", "S-20200101-AAAAAA", *data]) == 2


# --- concurrency and crashes, with real processes -----------------------------------------------


def _submit_many(data_dir: str, directory: str, start, count: int) -> None:
    start.wait()
    store = FileSuggestionStore(data_dir)
    loaded = load_directory(directory)
    for number in range(count):
        entry = loaded.entry(f"clinic-{number % 6}")
        checked = check_suggestion(
            "change",
            contact=CONTACT,
            vocabulary=loaded.vocabulary,
            today=TODAY,
            entry=entry,
            values={**form_values(entry), "fees": f"Fee {os.getpid()}-{number}"},
            category=entry["category"],
        )
        store.add(checked.submission)


def _approve_all(data_dir: str, directory: str, start, references: list[str]) -> None:
    start.wait()
    desk = ReviewDesk(directory, FileSuggestionStore(data_dir))
    for reference in references:
        desk.approve(reference, f"reviewer-{os.getpid()}")


def test_twenty_submitters_and_two_reviewers_at_once_lose_nothing(tmp_path):
    clinics = "".join(CLINIC.replace("test-clinic", f"clinic-{number}") + "\n" for number in range(6))
    folder = write_directory(tmp_path / "directory", {"clinics.yaml": clinics})
    desk = ReviewDesk(folder, FileSuggestionStore(tmp_path / "data"))
    # Ten approvals, each to its own field of an entry, all landing in the same file.
    planned = {
        (f"clinic-{number}", field): f"{field} {number}" for number in range(5) for field in ("fees", "eligibility")
    }
    references = [suggest_change(desk, entry_id, **{field: value}) for (entry_id, field), value in planned.items()]
    # Real processes; forking spares each of the 22 a second or more of imports.
    context = multiprocessing.get_context("fork")
    start = context.Barrier(22)
    workers = [
        context.Process(target=_submit_many, args=(str(desk.store.data_dir), str(folder), start, 5)) for _ in range(20)
    ]
    workers += [
        context.Process(
            target=_approve_all,
            args=(str(desk.store.data_dir), str(folder), start, references[half::2]),
        )
        for half in (0, 1)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(CHILD_TIMEOUT)
    assert [worker.exitcode for worker in workers] == [0] * 22

    pending, unreadable = desk.store.pending()
    assert len(pending) == 100 and unreadable == []
    assert len({submission.reference for submission in pending}) == 100
    assert [desk.store.get(reference).status for reference in references] == [APPROVED] * 10
    entries, report = check_directory(folder)
    assert report.ok, report.lines()
    found = {entry.entry["id"]: entry.entry for entry in entries}
    assert len(found) == 6
    for (entry_id, field), value in planned.items():
        assert found[entry_id][field] == value
    assert len(desk.store.audit()) == 10
    assert not [path for path in folder.rglob("*") if path.name.endswith(".tmp")]


CHILD = textwrap.dedent("""\
    import os, signal, sys

    # The test's hook: stop inside the atomic write of the file named by STOP_ON (before or after the
    # rename), tell the test through the pipe, and wait there to be killed.
    stop_at, suffix, signal_fd = os.environ["STOP_AT"], os.environ["STOP_ON"], int(os.environ["SIGNAL_FD"])
    real_replace = os.replace

    def stop():
        os.write(signal_fd, b"!")
        while True:
            signal.pause()

    def hooked_replace(source, target):
        if not str(target).endswith(suffix):
            return real_replace(source, target)
        if stop_at == "before-rename":
            stop()
        real_replace(source, target)
        stop()

    os.replace = hooked_replace
    from navigator.review.decisions import ReviewDesk
    from navigator.review.file_store import FileSuggestionStore, submission_from_json
    action, directory, data_dir, argument = sys.argv[1:]
    store = FileSuggestionStore(data_dir)
    if action == "approve":
        ReviewDesk(directory, store).approve(argument, "crash-test")
    else:
        store.add(submission_from_json(open(argument).read()))
    """)


def _run_until_stopped(tmp_path, stop_at: str, suffix: str, *arguments: str) -> None:
    """Run the child, wait until it says it is inside the write, then SIGKILL it."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    read_end, write_end = os.pipe()
    env = {
        **os.environ,
        "STOP_AT": stop_at,
        "STOP_ON": suffix,
        "SIGNAL_FD": str(write_end),
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "src"), str(PROJECT_ROOT)]),
    }
    child = subprocess.Popen([sys.executable, str(script), *arguments], env=env, pass_fds=(write_end,))
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], CHILD_TIMEOUT)
        assert ready and os.read(read_end, 1) == b"!", "the child never reached the write"
        child.kill()
        assert child.wait(CHILD_TIMEOUT) == -9
    finally:
        os.close(read_end)
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.parametrize("stop_at", ["before-rename", "after-rename"])
def test_an_approval_killed_inside_the_write_leaves_the_old_or_the_new_file(desk, directory, tmp_path, stop_at):
    path = directory / "clinics.yaml"
    before = path.read_bytes()
    reference = suggest_change(desk, phone_number="303-555-0199")

    _run_until_stopped(
        tmp_path,
        stop_at,
        "clinics.yaml",
        "approve",
        str(directory),
        str(desk.store.data_dir),
        reference,
    )

    after = path.read_bytes()
    assert check_file(after, "clinics.yaml", VOCABULARY, TODAY).problems == ()
    phone = yaml.safe_load(after)[0]["phones"][0]["number"]
    if stop_at == "before-rename":
        assert after == before
    else:
        assert phone == "303-555-0199"
    assert desk.store.get(reference).status == PENDING  # decided only after the file is safe
    if stop_at == "after-rename":
        desk.approve(reference, "ana")  # approving again after the crash is harmless
        assert yaml.safe_load(path.read_bytes())[0]["phones"][0]["number"] == "303-555-0199"


@pytest.mark.parametrize("stop_at", ["before-rename", "after-rename"])
def test_a_submission_killed_inside_the_write_leaves_no_broken_file(desk, tmp_path, stop_at):
    reference = suggest_change(desk, fees="Free")
    saved = tmp_path / "suggestion.json"
    saved.write_text(submission_json(desk.store.get(reference)))

    _run_until_stopped(
        tmp_path,
        stop_at,
        ".json",
        "submit",
        str(desk.directory),
        str(desk.store.data_dir),
        str(saved),
    )

    pending, unreadable = desk.store.pending()
    assert unreadable == []
    assert len(pending) == (1 if stop_at == "before-rename" else 2)
    with pytest.raises(UnknownSubmission):
        desk.store.get("S-20000101-AAAAAA")


def test_the_review_page_data_folder_stays_outside_the_directory(desk, directory):
    desk.approve(suggest_change(desk, fees="Free"), "ana")
    assert sorted(path.name for path in directory.iterdir()) == ["clinics.yaml", "meetings.yaml"]
    json.loads(desk.store.audit_path.read_text().splitlines()[0])
