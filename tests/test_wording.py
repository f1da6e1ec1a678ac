import datetime as dt
from zoneinfo import ZoneInfo

from navigator.directory.loader import load_directory
from navigator.search.wording import (
    code_labels,
    day_and_time,
    entry_timing,
    hours_lines,
    is_stale,
    timing_words,
    verified_words,
)

DENVER = ZoneInfo("America/Denver")
NOW = dt.datetime(2026, 11, 24, 18, 20, tzinfo=DENVER)  # a Tuesday evening


def test_an_open_place_says_open_now_and_a_meeting_in_session_says_so():
    assert timing_words(True, None, False, NOW) == "Open now"
    assert timing_words(True, NOW, True, NOW) == "In session now"


def test_a_meeting_starting_within_the_hour_counts_down():
    starts = NOW + dt.timedelta(minutes=40)
    assert timing_words(False, starts, True, NOW) == "Starts in 40 min"
    assert timing_words(False, starts, False, NOW) == "Opens in 40 min"


def test_later_times_name_the_day():
    tomorrow = dt.datetime(2026, 11, 25, 8, 0, tzinfo=DENVER)
    saturday = dt.datetime(2026, 11, 28, 19, 0, tzinfo=DENVER)
    assert timing_words(False, tomorrow, False, NOW) == "Opens tomorrow 8:00 AM"
    assert timing_words(False, saturday, True, NOW) == "Next meeting Sat 7:00 PM"
    assert timing_words(False, NOW.replace(hour=21, minute=0), True, NOW) == "Next meeting today 9:00 PM"


def test_a_time_more_than_a_week_away_names_the_date():
    later = dt.datetime(2026, 12, 9, 12, 0, tzinfo=DENVER)
    assert day_and_time(later, NOW) == "Wed Dec 9 12:00 PM"


def test_open_at_a_later_search_instant_says_when():
    evening = NOW.replace(hour=19, minute=0)
    earlier = NOW.replace(hour=15)
    assert timing_words(True, evening, True, earlier) == "In session today 7:00 PM"


def test_an_unknown_schedule_says_nothing():
    assert timing_words(None, None, False, NOW) is None


def test_entries_outside_a_search_get_the_same_words(small_directory):
    directory = load_directory(small_directory, today=NOW.date())
    clinic = directory.row_of("test-clinic")
    meeting = directory.row_of("test-meeting")
    assert entry_timing(directory, clinic, NOW) == ("Opens tomorrow 8:00 AM", False)
    assert entry_timing(directory, meeting, NOW.replace(hour=19, minute=30)) == ("In session now", True)
    assert entry_timing(directory, meeting, NOW.replace(hour=18, minute=40)) == ("Starts in 20 min", False)


def test_hours_are_described_for_people(small_directory):
    directory = load_directory(small_directory, today=NOW.date())
    clinic = directory.entries[directory.row_of("test-clinic")]
    meeting = directory.entries[directory.row_of("test-meeting")]
    assert hours_lines(clinic) == ["Mon–Fri 8:00 AM–5:00 PM"]
    assert hours_lines(meeting) == ["Tue 7:00 PM–8:00 PM"]


def test_code_labels_group_every_code_an_entry_satisfies(small_directory):
    directory = load_directory(small_directory, today=NOW.date())
    groups = dict(code_labels(directory, directory.row_of("test-clinic")))
    assert groups["Medications (MOUD)"] == ["Buprenorphine (Suboxone, Sublocade)", "Same-day start"]
    assert groups["Treatment"] == ["Outpatient treatment"]
    assert groups["Payment"] == ["Medicaid"]


def test_a_listing_checked_over_a_year_ago_is_stale_and_says_to_call():
    checked = dt.date(2025, 11, 1)
    assert is_stale(checked, dt.date(2026, 11, 24))
    assert not is_stale(checked, dt.date(2026, 10, 1))
    assert verified_words(checked, True).startswith("Last verified Nov 1, 2025, over a year ago")
    assert verified_words(checked, False) == "Last verified Nov 1, 2025"


def test_a_new_york_meeting_is_on_the_viewers_clock_with_both_zones_named():
    from zoneinfo import ZoneInfo

    from navigator.search.wording import weekly_hours

    denver, new_york = ZoneInfo("America/Denver"), ZoneInfo("America/New_York")
    meeting = {
        "category": "support_meeting",
        "meeting": {"fellowship": "na", "attendance": "online", "times": [{"days": ["tue"], "start": "19:00"}]},
    }
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=denver)
    assert weekly_hours(meeting, new_york, denver, now) == ["Tue 5:00 PM–6:00 PM MT (Tue 7:00 PM–8:00 PM ET)"]
    assert weekly_hours(meeting, new_york, new_york, now) == ["Tue 7:00 PM–8:00 PM ET"]
    assert weekly_hours(meeting, denver, None, now) == ["Tue 7:00 PM–8:00 PM MT"]
    starts = dt.datetime(2026, 12, 1, 19, 0, tzinfo=new_york)
    assert timing_words(False, starts, True, now, denver) == "Next meeting today 5:00 PM MT (7:00 PM ET)"
    # A late meeting in New York can be on another day in Honolulu; the summer clock is named too.
    assert day_and_time(starts, now, ZoneInfo("Pacific/Honolulu")) == "today 2:00 PM HT (7:00 PM ET)"
