"""Review, under AppTest: only signed-in reviewers reach it; the queue; approve, edit, reject;
mark verified; and the Find page showing an approved change on the next run."""

from __future__ import annotations

import datetime as dt
import errno
import re

import pytest
from streamlit.testing.v1 import AppTest
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT, write_directory
from tests.pages_support import app_on, shown
from ui import auth

from navigator.directory.loader import load_directory
from navigator.review.accounts import Reviewer, hash_password
from navigator.review.file_store import FileSuggestionStore
from navigator.review.form import form_values
from navigator.review.suggestion import APPROVED, REJECTED, check_suggestion

REVIEW, SIGN_IN, FIND = "pages/review.py", "pages/sign_in.py", "pages/find.py"
PASSWORD = "correct horse battery"
CONTACT = {"name": "Ana Ruiz", "organization": "Test Health", "email": "ana@example.org"}


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


def suggest(directory, tmp_path, when: dt.datetime, **changes) -> str:
    loaded = load_directory(directory)
    entry = loaded.entry("test-clinic")
    checked = check_suggestion(
        "change",
        contact=CONTACT,
        vocabulary=loaded.vocabulary,
        today=dt.date.today(),
        entry=entry,
        values={**form_values(entry), **changes},
        category=entry["category"],
    )
    return FileSuggestionStore(tmp_path / "data").add(checked.submission, now=when).reference


def open_app(directory, monkeypatch, tmp_path, password_hash, reviewer: Reviewer | None = None) -> AppTest:
    app = app_on(directory, monkeypatch, tmp_path)
    app.secrets["reviewers"] = {"passwords": {"ana": password_hash}}
    if reviewer:
        app.session_state["reviewer"] = reviewer
    app.run()
    assert not app.exception
    return app


def open_review(directory, monkeypatch, tmp_path, password_hash) -> AppTest:
    app = open_app(directory, monkeypatch, tmp_path, password_hash, Reviewer("ana", "password"))
    app.switch_page(REVIEW).run()
    assert not app.exception
    return app


def errors(app: AppTest) -> list[str]:
    """The page's error messages as read, without the crisis lines every page starts with."""
    return [shown(error.value) for error in app.error if "988" not in error.value]


def everything_shown(app: AppTest) -> str:
    parts = [
        element.value
        for kind in ("title", "markdown", "text", "caption", "success", "error", "info")
        for element in getattr(app, kind)
    ]
    return "\n".join(shown(str(part)) for part in parts)


def test_an_anonymous_visitor_is_never_offered_review_and_its_address_shows_no_queue(
    small_directory, monkeypatch, tmp_path, password_hash
):
    reference = suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), fees="Free")
    app = open_app(small_directory, monkeypatch, tmp_path, password_hash)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(REVIEW)

    # A reviewer's session on the review page signs out elsewhere: the same address, now anonymous.
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    assert reference in everything_shown(app)
    del app.session_state["reviewer"]
    app.run()

    assert reference not in everything_shown(app)
    assert "Review suggestions" not in [title.value for title in app.title]


def test_the_review_page_run_by_itself_refuses_an_anonymous_visitor(small_directory, monkeypatch, tmp_path):
    reference = suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), fees="Free")
    monkeypatch.setenv("NAVIGATOR_DIRECTORY", str(small_directory))
    monkeypatch.setenv("NAVIGATOR_DATA_DIR", str(tmp_path / "data"))
    app = AppTest.from_file(str(PROJECT_ROOT / REVIEW), default_timeout=60)
    app.secrets["reviewers"] = {"passwords": {}}
    app.run()

    assert [title.value for title in app.title] == ["Reviewers only"]
    assert reference not in everything_shown(app) and not app.dataframe


def test_a_wrong_password_is_throttled_even_before_the_right_one(small_directory, monkeypatch, tmp_path, password_hash):
    app = open_app(small_directory, monkeypatch, tmp_path, password_hash)
    app.switch_page(SIGN_IN).run()

    def sign_in(password: str) -> list[str]:
        app.text_input[0].input("ana")
        app.text_input[1].input(password)
        app.button[-1].click().run()
        return errors(app)

    for _ in range(3):
        assert sign_in("not the password") == ["That name and password do not match a reviewer account."]
    [refused] = sign_in(PASSWORD)
    assert re.fullmatch(r"Too many failed sign-ins\. Try again in [1-5] seconds\.", refused)
    assert "reviewer" not in app.session_state


def test_a_strangers_wrong_guesses_never_lock_the_reviewer_out_from_their_own_client(
    small_directory, monkeypatch, tmp_path, password_hash
):
    def sign_in_from(client: str, password: str) -> AppTest:
        monkeypatch.setattr(auth, "client_address", lambda: client)
        app = open_app(small_directory, monkeypatch, tmp_path, password_hash)
        app.switch_page(SIGN_IN).run()
        app.text_input[0].input("ana")
        app.text_input[1].input(password)
        app.button[-1].click().run()
        return app

    for _ in range(6):
        stranger = sign_in_from("203.0.113.9", "not the password")
    assert errors(stranger)[0].startswith("Too many failed sign-ins")

    reviewer = sign_in_from("198.51.100.7", PASSWORD)
    assert reviewer.session_state["reviewer"] == Reviewer("ana", "password")


def test_a_reviewer_signs_in_and_lands_on_the_queue(small_directory, monkeypatch, tmp_path, password_hash):
    reference = suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), fees="Free")
    app = open_app(small_directory, monkeypatch, tmp_path, password_hash)
    app.switch_page(SIGN_IN).run()
    app.text_input[0].input("Ana")
    app.text_input[1].input(PASSWORD)
    app.button[-1].click().run()

    assert app.session_state["reviewer"] == Reviewer("ana", "password")
    assert [title.value for title in app.title] == ["Review suggestions"]
    assert reference in everything_shown(app)


def test_the_queue_is_oldest_first_with_each_field_against_the_listing(
    small_directory, monkeypatch, tmp_path, password_hash
):
    newer = suggest(small_directory, tmp_path, dt.datetime(2026, 11, 22, tzinfo=dt.UTC), fees="Free")
    older = suggest(
        small_directory,
        tmp_path,
        dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        phone_number="303-555-0199",
    )
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)

    picker = app.selectbox(key="review_pick")
    assert picker.options[0].startswith("2026-11-20") and picker.options[1].startswith("2026-11-22")
    assert picker.value == older
    assert app.dataframe[0].value.to_dict("records") == [
        {"Field": "Phone number", "Now": "303-555-0100", "Suggested": "303-555-0199"}
    ]
    picker.select(newer).run()
    assert app.dataframe[0].value.to_dict("records") == [{"Field": "Fees", "Now": "—", "Suggested": "Free"}]


def test_after_approving_the_queue_picker_moves_to_the_next_suggestion_the_page_shows(
    small_directory, monkeypatch, tmp_path, password_hash
):
    first, middle, last = (
        suggest(small_directory, tmp_path, dt.datetime(2026, 11, day, tzinfo=dt.UTC), fees=f"Fee {day}")
        for day in (20, 21, 22)
    )
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    app.selectbox(key="review_pick").select(middle).run()
    app.button(key=f"approve_{middle}").click().run()

    assert app.selectbox(key="review_pick").value == last
    assert app.dataframe[0].value.to_dict("records") == [{"Field": "Fees", "Now": "Fee 21", "Suggested": "Fee 22"}]
    # Decided elsewhere (another reviewer): the picker moves to the first still waiting, explicitly.
    FileSuggestionStore(tmp_path / "data").decide(last, REJECTED, {"by": "bo", "at": "2026-11-23", "reason": "x"})
    app.run()
    assert app.selectbox(key="review_pick").value == first
    assert app.session_state["review_pick"] == first
    assert app.dataframe[0].value.to_dict("records") == [{"Field": "Fees", "Now": "Fee 21", "Suggested": "Fee 20"}]
    assert app.button(key=f"approve_{first}").label == "Approve anyway"  # Fees changed since it was sent


def test_an_approved_change_shows_on_the_find_page_on_the_next_run(
    small_directory, monkeypatch, tmp_path, password_hash
):
    reference = suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), phone_number="303-555-0199")
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    app.switch_page(FIND)
    app.query_params.update(entry="test-clinic")
    app.run()
    assert "303-555-0100" in everything_shown(app)  # the directory is loaded (and cached) before

    app.switch_page(REVIEW).run()
    app.button(key=f"approve_{reference}").click().run()
    assert shown(app.success[0].value) == f"Approved {reference}: the directory is updated."
    app.switch_page(FIND)
    app.query_params.update(entry="test-clinic")
    app.run()

    page = everything_shown(app)
    assert "303-555-0199" in page and "303-555-0100" not in page
    assert FileSuggestionStore(tmp_path / "data").get(reference).status == APPROVED


def test_edit_then_approve_writes_the_reviewers_version(small_directory, monkeypatch, tmp_path, password_hash):
    reference = suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), fees="Free for all!!")
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    prefix = f"rv_{reference}_"
    assert app.text_input(key=f"{prefix}fees").value == "Free for all!!"
    app.text_input(key=f"{prefix}fees").input("Free")
    app.text_input(key=f"{prefix}zip").input("123")
    [button] = [button for button in app.button if button.label == "Approve with these edits"]
    button.click().run()
    assert "'123' is not a 5-digit ZIP code" in errors(app)
    assert FileSuggestionStore(tmp_path / "data").get(reference).status != APPROVED

    app.text_input(key=f"{prefix}zip").input("80222")
    [button] = [button for button in app.button if button.label == "Approve with these edits"]
    button.click().run()

    assert load_directory(small_directory).entry("test-clinic")["fees"] == "Free"
    assert FileSuggestionStore(tmp_path / "data").get(reference).status == APPROVED


def test_rejecting_asks_for_a_reason_then_records_it(small_directory, monkeypatch, tmp_path, password_hash):
    reference = suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), fees="Free")
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    [reject] = [button for button in app.button if button.label == "Reject"]
    reject.click().run()
    assert errors(app)[0].startswith("give a reason")

    app.text_area(key=f"reject_reason_{reference}").input("<b>Not</b> from the organization")
    [reject] = [button for button in app.button if button.label == "Reject"]
    reject.click().run()

    decided = FileSuggestionStore(tmp_path / "data").get(reference)
    assert decided.status == REJECTED and decided.decision["reason"] == "<b>Not</b> from the organization"
    assert app.info[0].value == "No suggestions are waiting."
    assert app.dataframe[-1].value["Reason"].tolist() == ["<b>Not</b> from the organization"]


def test_the_stale_table_says_no_date_for_a_listing_whose_source_gives_none(tmp_path, monkeypatch, password_hash):
    undated = MEETING.replace('  last_verified: "2026-10-01"\n', "  listed_as_of: unknown\n  listed_from: export\n")
    directory = write_directory(tmp_path / "directory", {"clinics.yaml": CLINIC, "meetings.yaml": undated})
    app = open_review(directory, monkeypatch, tmp_path, password_hash)

    table = app.dataframe[0].value
    assert table["Id"].tolist() == ["test-meeting", "test-clinic"]  # the undated one first, as the oldest
    assert table["Last verified"].tolist() == ["no date", "2026-10-01"]


def test_a_listing_confirmed_by_phone_is_marked_verified(small_directory, monkeypatch, tmp_path, password_hash):
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    assert app.dataframe[0].value["Id"].tolist() == [
        "test-clinic",
        "test-meeting",
    ]  # the stalest first
    app.selectbox(key="verify_entry").select("test-meeting")
    app.selectbox(key="verify_how").select("phone")
    [mark] = [button for button in app.button if button.label == "Mark verified"]
    mark.click().run()

    entry = load_directory(small_directory).entry("test-meeting")
    assert (entry["last_verified"], entry["verified_how"]) == (dt.date.today().isoformat(), "phone")
    assert shown(app.success[0].value) == "Marked test-meeting verified."


def test_a_provider_identity_on_the_reviewer_list_gets_review_and_others_do_not(small_directory, monkeypatch, tmp_path):
    for email, offered in (("ana@example.org", True), ("eve@example.org", False)):
        app = app_on(small_directory, monkeypatch, tmp_path)
        app.secrets["auth"] = {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": "x" * 32,
        }
        app.secrets["reviewers"] = {"emails": ["ana@example.org"]}
        app.user = {"is_logged_in": True, "email": email, "email_verified": True, "name": "Someone"}
        app.run()
        assert not app.exception
        if offered:
            app.switch_page(REVIEW).run()
            assert [title.value for title in app.title] == ["Review suggestions"]
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                app.switch_page(REVIEW)


def test_one_bad_entry_keeps_the_last_good_directory_served_and_tells_reviewers_in_relative_paths(
    small_directory, monkeypatch, tmp_path, password_hash
):
    app = open_review(small_directory, monkeypatch, tmp_path, password_hash)
    clinics = small_directory / "clinics.yaml"
    clinics.write_text(clinics.read_text().replace('zip: "80222"', 'zip: "8022"'))

    app.switch_page(FIND)
    app.query_params.update(entry="test-clinic")
    app.run()
    assert not app.exception
    assert "Test Clinic Buprenorphine" in everything_shown(app)
    assert "The directory has problems" not in everything_shown(app)

    app.switch_page(REVIEW).run()
    [notice] = [warning.value for warning in app.warning if "last version that loaded" in warning.value]
    [problems] = [block.value for block in app.code if "clinics.yaml" in block.value]
    assert problems.startswith("clinics.yaml:") and str(small_directory) not in problems


def test_signing_in_on_a_full_or_read_only_disk_is_refused_in_words(
    small_directory, monkeypatch, tmp_path, password_hash
):
    def no_space(*arguments, **keywords):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(FileSuggestionStore, "sign_in_wait", no_space)
    app = open_app(small_directory, monkeypatch, tmp_path, password_hash)
    app.switch_page(SIGN_IN).run()
    app.text_input[0].input("ana")
    app.text_input[1].input(PASSWORD)
    app.button[-1].click().run()

    assert not app.exception
    assert errors(app)[0].startswith("Signing in is not possible right now (the server cannot save its records)")
    assert "reviewer" not in app.session_state
