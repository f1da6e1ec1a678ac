"""The coach intake page, driven through Streamlit's AppTest on a directory the tests build."""

import datetime as dt
import logging
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from tests.intake_directory import write_intake_directory

from navigator.text import markdown_text

APP = Path(__file__).resolve().parents[1] / "app.py"
UNIQUE_NAME = "Zyxwvut"
UNIQUE_PLACE = "39.67123,-104.92871"  # typed coordinates: a free-text answer found nowhere else


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """The app's directory, data and cache folders, all inside this test's own folder."""
    folders = {
        "directory": write_intake_directory(tmp_path / "directory"),
        "data": tmp_path / "data",
        "cache": tmp_path / "cache",
    }
    monkeypatch.setenv("NAVIGATOR_DIRECTORY", str(folders["directory"]))
    monkeypatch.setenv("NAVIGATOR_DATA_DIR", str(folders["data"]))
    monkeypatch.setenv("NAVIGATOR_CACHE_DIR", str(folders["cache"]))
    return folders


@pytest.fixture
def downloads(monkeypatch):
    """Every file the page offers for download, as (file name, bytes): those handed to Streamlit's
    in-memory media storage, and those built only on click (run here at once)."""
    offered = []
    real_load = MemoryMediaFileStorage.load_and_get_id
    real_defer = MediaFileManager.add_deferred

    def recording_load(self, path_or_data, mimetype, kind, filename=None):
        offered.append((filename, path_or_data))
        return real_load(self, path_or_data, mimetype, kind, filename)

    def recording_defer(self, data_callable, mimetype, coordinates, file_name=None, **options):
        offered.append((file_name, data_callable()))
        return real_defer(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording_load)
    monkeypatch.setattr(MediaFileManager, "add_deferred", recording_defer)
    return offered


def open_intake(folders) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("pages/intake.py").run()
    assert not app.exception
    return app


def step_text(app: AppTest) -> str:
    return app.get("progress")[0].proto.text


def press(app: AppTest, key: str) -> None:
    app.button(key=key).click().run()
    assert not app.exception, app.exception


def texts(app: AppTest) -> list[str]:
    elements = (*app.subheader, *app.markdown, *app.warning, *app.error, *app.info, *app.caption)
    return [element.value for element in elements]


def shown(app: AppTest, words: str) -> bool:
    needle = markdown_text(words)
    return any(needle in text for text in texts(app))


def fill_place(app: AppTest, near: str = "80222", travel: str = "transit") -> None:
    app.text_input(key="intake_near").input(near).run()
    app.segmented_control(key="intake_travel").set_value(travel).run()


def intake_to_plan(app: AppTest, needs, *, near="80222", at_risk=False, moment=None, **choices) -> None:
    """Steps 1 to 4 with Next, answering what is given; ends on the plan."""
    if at_risk:
        app.checkbox(key="intake_overdose_risk").check().run()
    if moment:
        app.radio(key="intake_moment").set_value(moment).run()
    press(app, "intake_next")
    fill_place(app, near)
    press(app, "intake_next")
    app.pills(key="intake_needs").set_value(list(needs)).run()
    for name, value in choices.items():
        widget = next(
            widget
            for kind in ("segmented_control", "selectbox", "pills", "radio")
            for widget in getattr(app, kind)
            if widget.key == f"intake_{name}"
        )
        widget.set_value(value).run()
    press(app, "intake_next")
    press(app, "intake_next")
    assert step_text(app) == "Step 5 of 5: The plan"


def test_back_and_next_keep_every_answer(folders):
    app = open_intake(folders)
    assert step_text(app) == "Step 1 of 5: Safety first"
    app.checkbox(key="intake_overdose_risk").check().run()
    press(app, "intake_next")
    fill_place(app, "80222", "drive")
    press(app, "intake_next")
    app.pills(key="intake_needs").set_value(["medication", "housing"]).run()
    app.segmented_control(key="intake_medication").set_value("methadone").run()
    press(app, "intake_next")
    app.pills(key="intake_payment").set_value(["medicaid"]).run()
    press(app, "intake_next")
    assert step_text(app) == "Step 5 of 5: The plan"

    press(app, "intake_back")
    assert app.pills(key="intake_payment").value == ["medicaid"]
    press(app, "intake_back")
    assert app.pills(key="intake_needs").value == ["medication", "housing"]
    assert app.segmented_control(key="intake_medication").value == "methadone"
    press(app, "intake_back")
    assert app.text_input(key="intake_near").value == "80222"
    assert app.segmented_control(key="intake_travel").value == "drive"
    press(app, "intake_back")
    assert app.checkbox(key="intake_overdose_risk").value is True
    for _ in range(4):
        press(app, "intake_next")
    assert shown(app, "Start methadone") and shown(app, "Transfers Welcome OTP")


def test_the_house_must_allow_the_medication_chosen_above_it_and_follows_a_change(folders):
    app = open_intake(folders)
    press(app, "intake_next")
    fill_place(app)
    press(app, "intake_next")
    app.pills(key="intake_needs").set_value(["medication", "housing"]).run()
    assert app.selectbox(key="intake_housing_medication").value == "not_sure"
    app.segmented_control(key="intake_medication").set_value("methadone").run()
    assert app.selectbox(key="intake_housing_medication").value == "methadone"
    app.segmented_control(key="intake_medication").set_value("buprenorphine").run()
    assert app.selectbox(key="intake_housing_medication").value == "buprenorphine"
    app.selectbox(key="intake_housing_medication").set_value("not_sure").run()  # the coach may still say otherwise
    assert app.selectbox(key="intake_housing_medication").value == "not_sure"
    app.pills(key="intake_needs").set_value(["medication"]).run()
    app.segmented_control(key="intake_medication").set_value("naltrexone").run()
    app.pills(key="intake_needs").set_value(["medication", "housing"]).run()  # housing asked after the medication
    assert app.selectbox(key="intake_housing_medication").value == "naltrexone"
    assert not app.warning and not app.exception


def test_a_women_only_house_in_the_plan_says_women_only(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["housing"])
    assert shown(app, "Womens House") and shown(app, "Women only")


def test_a_place_that_cannot_be_found_keeps_the_coach_on_that_step(folders):
    app = open_intake(folders)
    press(app, "intake_next")
    fill_place(app, "Atlantis, ZZ")
    press(app, "intake_next")
    assert step_text(app) == "Step 2 of 5: Where and how"
    assert any("Atlantis" in error.value for error in app.error)


def test_at_risk_the_first_step_shows_the_national_lines_before_anything_else(folders):
    app = open_intake(folders)
    assert not shown(app, "988 Lifeline")
    app.checkbox(key="intake_in_danger").check().run()
    assert shown(app, "988 Lifeline") and shown(app, "Never Alone Line")
    assert any("call 911" in error.value for error in app.error)
    assert not shown(app, "Corner Pharmacy Naloxone")  # no place yet: national lines only


def test_just_released_the_plan_starts_with_naloxone_never_use_alone_and_the_fastest_start(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["housing"], moment="released")
    markdown = [element.value for element in app.markdown]
    reason = next(index for index, text in enumerate(markdown) if "after release from jail or prison" in text)
    order = [
        next(index for index, text in enumerate(markdown) if markdown_text(name) in text)
        for name in (
            "Corner Pharmacy Naloxone",
            "Never Alone Line",
            "Same Day Bup Clinic",
            "988 Lifeline",
        )
    ]
    assert reason < order[0] < order[1] < order[2] < order[3]
    headings = [header.value for header in app.subheader]
    assert headings[:3] == ["The plan", "Safety first", markdown_text("Recovery housing")]


def test_a_gap_is_said_plainly_and_its_button_plans_that_need_further_out(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["housing"], housing_medication="methadone")
    assert [warning.value for warning in app.warning] == [
        markdown_text("No recovery housing within 25 miles allows methadone.")
        + " "
        + markdown_text("The nearest is 40 miles away: widen to 50 miles?")
    ]
    assert not shown(app, "Faraway Methadone House")
    press(app, "intake_widen_housing")
    assert not app.warning
    assert shown(app, "Faraway Methadone House") and shown(app, "Searched within 50 miles")
    assert shown(app, "2 beds free (counted Nov 10)")


def test_swap_pin_and_drop_change_what_the_plan_offers(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["medication"])
    names = [
        "Booked Bup Office",
        "Same Day Bup Clinic",
        "No Transfers OTP",
        "Transfers Welcome OTP",
    ]
    offered = [name for name in names if shown(app, name)]
    assert len(offered) == 3
    waiting = next(name for name in names if name not in offered)
    ids = {
        "Booked Bup Office": "bup-booked",
        "Same Day Bup Clinic": "bup-same-day",
        "No Transfers OTP": "otp-no-transfers",
        "Transfers Welcome OTP": "otp-transfers",
    }
    press(app, f"intake_swap_medication_{ids[offered[0]]}")
    assert not shown(app, offered[0]) and shown(app, waiting)
    press(app, f"intake_drop_medication_{ids[offered[1]]}")
    assert not shown(app, offered[1])
    press(app, f"intake_pin_medication_{ids[offered[2]]}")
    assert app.button(key=f"intake_pin_medication_{ids[offered[2]]}").label == "Unpin"
    press(app, "intake_restore_medication")
    assert all(shown(app, name) for name in offered[:2])
    assert app.button(key=f"intake_pin_medication_{ids[offered[2]]}").label == "Unpin"  # pins stay


def test_the_plan_says_what_each_option_matched_and_how_to_reach_it(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["medication"], medication="buprenorphine")
    markdown = " ".join(element.value for element in app.markdown)
    assert markdown_text("Same Day Bup Clinic") in markdown
    assert "[303\\-555\\-0100](tel:+13035550100)" in markdown
    assert ":blue-badge[" + markdown_text("Buprenorphine (Suboxone, Sublocade)") + "]" in markdown
    assert "maps/dir/?api=1&destination=101+Test+St" in markdown


def test_the_text_message_is_short_enough_to_send(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["medication", "housing", "meetings", "work", "harm_reduction"], moment="detox")
    [message] = [code.value for code in app.code]
    assert len(message) <= 640
    assert message.startswith("Your recovery plan\nEmergency: call 911.")


def test_finish_forgets_every_answer(folders):
    app = open_intake(folders)
    intake_to_plan(app, ["medication", "housing"], moment="released", housing_medication="methadone")
    app.text_input(key="intake_first_name").input(UNIQUE_NAME).run()
    press(app, "intake_widen_housing")
    press(app, "intake_finish")
    state = app.session_state.to_dict()
    kept = {name: value for name, value in state.items() if name.startswith("intake_")}
    for answer in (
        "intake_near",
        "intake_needs",
        "intake_first_name",
        "intake_picks",
        "intake_plan",
        "intake_widened",
        "intake_housing_medication",
        "intake_step",
    ):
        assert answer not in kept
    # What is left are the first screen's widgets, back at their defaults.
    assert kept.get("intake_moment", "none") == "none" and not kept.get("intake_overdose_risk")
    assert step_text(app) == "Step 1 of 5: Safety first"


def test_start_over_forgets_every_answer_from_any_step(folders):
    app = open_intake(folders)
    press(app, "intake_next")
    fill_place(app, UNIQUE_PLACE)
    press(app, "intake_next")
    press(app, "intake_start_over")
    assert step_text(app) == "Step 1 of 5: Safety first"
    assert UNIQUE_PLACE not in repr(app.session_state.to_dict())


def test_a_full_intake_leaves_no_trace_on_disk_in_logs_or_in_the_url(folders, downloads, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    streamlit_records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = streamlit_records.append
    logging.getLogger("streamlit").addHandler(handler)
    try:
        app = open_intake(folders)
        intake_to_plan(
            app,
            ["medication", "housing", "meetings"],
            near=UNIQUE_PLACE,
            at_risk=True,
            moment="hospital_overdose",
            housing_medication="methadone",
        )
        app.text_input(key="intake_first_name").input(UNIQUE_NAME).run()
        assert UNIQUE_NAME in repr(app.session_state.to_dict())  # the test would see it if it leaked
        press(app, "intake_widen_housing")
        query_string = dict(app.query_params)
        urls = [button.proto.url for button in app.download_button]
        press(app, "intake_finish")
    finally:
        logging.getLogger("streamlit").removeHandler(handler)

    secrets = (UNIQUE_NAME, UNIQUE_PLACE, UNIQUE_PLACE.replace(",", ", "))
    # The address holds the screen's language only, never an answer.
    assert query_string == {"lang": "en"} and dict(app.query_params) == {"lang": "en"}
    assert urls and not any(secret in url for url in urls for secret in secrets)
    # The first name is on the printout, as asked, and in no download's file name.
    assert any(
        name == "recovery-plan.html" and f"Prepared for {UNIQUE_NAME}".encode() in data for name, data in downloads
    )
    assert any(name == "recovery-plan.pdf" and data.startswith(b"%PDF") for name, data in downloads)
    assert not any(secret in (name or "") for name, _ in downloads for secret in secrets)
    logged = caplog.text + "\n".join(record.getMessage() for record in streamlit_records)
    printed = "".join(capfd.readouterr())
    for secret in secrets:
        assert secret not in logged and secret not in printed
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.is_relative_to(folders["cache"]) for path in files)  # the cache folder is in use
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{secret} found in {path}"


def test_the_printable_plan_holds_the_options_shown_with_their_directory_details(folders, downloads):
    app = open_intake(folders)
    intake_to_plan(
        app,
        ["medication", "housing"],
        moment="released",
        medication="methadone",
        medication_status="transfer",
        housing_medication="methadone",
    )
    press(app, "intake_widen_housing")
    app.text_input(key="intake_first_name").input("Ana").run()
    page = next(data for name, data in reversed(downloads) if name == "recovery-plan.html").decode()
    assert "Prepared for Ana" in page
    order = [
        page.index(text)
        for text in (
            "Safety first",
            "Corner Pharmacy Naloxone",
            "Never Alone Line",
            "A new place to get methadone",
            "Transfers Welcome OTP",
            "Recovery housing",
            "Faraway Methadone House",
        )
    ]
    assert order == sorted(order)
    assert "No Transfers OTP" not in page
    assert "tel:+13035550100" in page and "4001 Test St, Denver, CO 80222" in page  # from the directory
    assert "2 beds free (counted Nov 10)" in page


def test_calendar_files_for_a_meeting_and_for_an_appointment_the_coach_makes(folders, downloads):
    app = open_intake(folders)
    intake_to_plan(app, ["medication", "meetings"], medication="methadone", medication_status="transfer")
    meeting_files = [data.decode() for name, data in downloads if name == "meeting.ics"]
    assert any(
        "SUMMARY:Tuesday Evening AA" in text
        and "RRULE:FREQ=WEEKLY;BYDAY=TU" in text
        and "DTSTART;TZID=America/Denver:" in text
        for text in meeting_files
    )
    assert not any("Around The Clock AA Online" in text for text in meeting_files)  # an all-day room

    app.selectbox(key="intake_appointment_place").set_value("otp-transfers").run()
    app.date_input(key="intake_appointment_day").set_value(dt.date(2031, 3, 4)).run()
    app.time_input(key="intake_appointment_time").set_value(dt.time(9, 30)).run()
    [appointment] = [data.decode() for name, data in downloads if name == "appointment.ics" and b"20310304" in data][
        -1:
    ]
    assert "SUMMARY:Appointment: Transfers Welcome OTP" in appointment
    assert "DTSTART;TZID=America/Denver:20310304T093000" in appointment
    assert "LOCATION:301 Test St\\, Denver\\, CO 80222" in appointment
