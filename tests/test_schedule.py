import datetime as dt
import math
import pickle
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navigator.search.schedule import (
    MINUTES_PER_WEEK,
    ScheduleError,
    WeeklySchedule,
    closes_at,
    describe,
    in_session,
    is_open,
    next_open,
    next_start,
    parse_hours,
    parse_meeting_times,
)
from navigator.search.schedule_table import ScheduleTable

DENVER = ZoneInfo("America/Denver")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC

WEEKDAYS_9_TO_5 = parse_hours([{"days": "weekdays", "opens": "09:00", "closes": "17:00"}])


def minutes_between(earlier: dt.datetime, later: dt.datetime) -> float:
    return (later - earlier) / dt.timedelta(minutes=1)


def one_entry_table(schedule: WeeklySchedule, tz: str) -> ScheduleTable:
    return ScheduleTable.build([(0, tz, schedule)], 1)


# Parsing ------------------------------------------------------------------------------------


def test_weekday_hours_cover_monday_to_friday_only():
    assert WEEKDAYS_9_TO_5.intervals == tuple((day * 1440 + 540, day * 1440 + 1020) for day in range(5))


def test_overnight_hours_run_into_the_next_morning():
    schedule = parse_hours([{"days": ["fri"], "opens": "22:00", "closes": "06:00"}])
    assert schedule.intervals == ((4 * 1440 + 1320, 5 * 1440 + 360),)


def test_overnight_hours_on_sunday_wrap_to_monday_morning():
    schedule = parse_hours([{"days": ["sun"], "opens": "22:00", "closes": "06:00"}])
    assert schedule.intervals == ((0, 360), (6 * 1440 + 1320, MINUTES_PER_WEEK))
    assert schedule.starts == (6 * 1440 + 1320,)


def test_closing_at_24_00_means_midnight():
    schedule = parse_hours([{"days": ["sat"], "opens": "18:00", "closes": "24:00"}])
    assert schedule.intervals == ((5 * 1440 + 1080, 6 * 1440),)


def test_24_7_covers_the_whole_week_and_never_starts():
    schedule = parse_hours("24/7")
    assert schedule.intervals == ((0, MINUTES_PER_WEEK),)
    assert schedule.starts == ()


def test_every_day_around_the_clock_merges_into_the_whole_week():
    schedule = parse_hours([{"days": "daily", "opens": "00:00", "closes": "24:00"}])
    assert schedule.intervals == ((0, MINUTES_PER_WEEK),)


def test_same_opening_and_closing_time_means_open_around_the_clock():
    schedule = parse_hours([{"days": ["mon"], "opens": "07:00", "closes": "07:00"}])
    assert schedule.intervals == ((420, 420 + 1440),)


def test_back_to_back_hours_merge_into_one_interval():
    schedule = parse_hours(
        [
            {"days": ["mon"], "opens": "08:00", "closes": "12:00"},
            {"days": ["mon"], "opens": "12:00", "closes": "17:00"},
        ]
    )
    assert schedule.intervals == ((480, 1020),)


def test_meeting_without_end_lasts_an_hour():
    schedule = parse_meeting_times([{"days": ["tue", "thu"], "start": "19:00"}])
    assert schedule.sessions == ((1440 + 1140, 60), (3 * 1440 + 1140, 60))


def test_meeting_from_midnight_to_midnight_lasts_the_whole_day():
    schedule = parse_meeting_times([{"days": ["sat"], "start": "00:00", "end": "24:00"}])
    assert schedule.sessions == ((5 * 1440, 1440),)


def test_back_to_back_meetings_keep_both_starts():
    schedule = parse_meeting_times(
        [
            {"days": ["mon"], "start": "19:00", "end": "20:00"},
            {"days": ["mon"], "start": "20:00", "end": "21:00"},
        ]
    )
    assert schedule.intervals == ((1140, 1260),)
    assert schedule.starts == (1140, 1200)


def test_bad_hours_report_every_problem_with_its_field():
    with pytest.raises(ScheduleError) as raised:
        parse_hours(
            [
                {"days": ["mon", "funday"], "opens": "9:00", "closes": "25:00", "note": "x"},
                "not a period",
                {"days": "weekends", "opens": "24:00", "closes": "10:00"},
            ]
        )
    fields = [path for path, _ in raised.value.problems]
    assert fields == [
        ("hours", 0, "note"),
        ("hours", 0, "days", 1),
        ("hours", 0, "opens"),
        ("hours", 0, "closes"),
        ("hours", 1),
        ("hours", 2, "opens"),
    ]
    assert "hours[0].days[1]: 'funday' is not a day" in str(raised.value)
    assert '"24:00" can only end a period' in str(raised.value)


def test_meeting_ending_when_it_starts_is_an_error():
    with pytest.raises(ScheduleError, match=r"meeting\.times\[0\]\.end: is the same as start"):
        parse_meeting_times([{"days": ["mon"], "start": "19:00", "end": "19:00"}])


@pytest.mark.parametrize("value", [None, [], "always", {"days": "mon"}])
def test_hours_that_are_not_a_list_of_periods_are_an_error(value):
    with pytest.raises(ScheduleError, match="hours"):
        parse_hours(value)


# Describing ---------------------------------------------------------------------------------


def test_describe_groups_days_with_the_same_hours():
    schedule = parse_hours(
        [
            {"days": "weekdays", "opens": "08:00", "closes": "17:00"},
            {"days": ["sat"], "opens": "10:00", "closes": "14:00"},
        ]
    )
    assert describe(schedule) == ["Mon–Fri 8:00 AM–5:00 PM", "Sat 10:00 AM–2:00 PM"]


def test_describe_lists_separate_days_and_several_ranges():
    schedule = parse_hours(
        [
            {"days": ["mon", "wed", "fri"], "opens": "12:00", "closes": "13:00"},
            {"days": ["mon", "wed", "fri"], "opens": "18:00", "closes": "24:00"},
            {"days": ["sun"], "opens": "22:00", "closes": "06:00"},
        ]
    )
    assert describe(schedule) == [
        "Mon, Wed, Fri 12:00 PM–1:00 PM, 6:00 PM–12:00 AM",
        "Sun 10:00 PM–6:00 AM",
    ]


def test_describe_around_the_clock():
    assert describe(parse_hours("24/7")) == ["Open 24 hours, 7 days"]
    assert describe(parse_hours([{"days": "weekends", "opens": "00:00", "closes": "24:00"}])) == [
        "Sat, Sun Open 24 hours"
    ]
    assert describe(parse_hours([{"days": "daily", "opens": "06:00", "closes": "22:00"}])) == ["Daily 6:00 AM–10:00 PM"]


# One entry: open now, next open, closes at ---------------------------------------------------


def test_weekday_clinic_is_open_at_noon_and_closed_at_night():
    assert is_open(WEEKDAYS_9_TO_5, "America/Denver", dt.datetime(2026, 6, 3, 12, 0, tzinfo=DENVER))
    assert not is_open(WEEKDAYS_9_TO_5, "America/Denver", dt.datetime(2026, 6, 3, 17, 0, tzinfo=DENVER))


def test_open_is_judged_in_the_entry_zone_whatever_the_zone_of_the_instant():
    # 16:30 in Denver is 18:30 in New York: the Denver clinic is open, the New York one closed.
    at = dt.datetime(2026, 6, 3, 18, 30, tzinfo=NEW_YORK)
    assert is_open(WEEKDAYS_9_TO_5, "America/Denver", at)
    assert not is_open(WEEKDAYS_9_TO_5, "America/New_York", at)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        is_open(WEEKDAYS_9_TO_5, "America/Denver", dt.datetime(2026, 6, 3, 12, 0))


def test_next_open_is_now_when_open():
    at = dt.datetime(2026, 6, 3, 18, 0, tzinfo=UTC)
    found = next_open(WEEKDAYS_9_TO_5, "America/Denver", at)
    assert found == at and found.tzinfo == DENVER


def test_next_open_from_friday_evening_is_monday_morning():
    found = next_open(WEEKDAYS_9_TO_5, "America/Denver", dt.datetime(2026, 6, 5, 18, 0, tzinfo=DENVER))
    assert found == dt.datetime(2026, 6, 8, 9, 0, tzinfo=DENVER)


def test_next_open_of_a_weekly_session_just_missed_is_a_week_later():
    schedule = parse_hours([{"days": ["wed"], "opens": "10:00", "closes": "11:00"}])
    found = next_open(schedule, "America/New_York", dt.datetime(2026, 6, 3, 11, 0, tzinfo=NEW_YORK))
    assert found == dt.datetime(2026, 6, 10, 10, 0, tzinfo=NEW_YORK)


def test_overnight_shelter_is_open_before_dawn_and_closes_in_the_morning():
    schedule = parse_hours([{"days": "daily", "opens": "22:00", "closes": "06:00"}])
    at = dt.datetime(2026, 6, 3, 4, 0, tzinfo=DENVER)
    assert is_open(schedule, "America/Denver", at)
    assert closes_at(schedule, "America/Denver", at) == dt.datetime(2026, 6, 3, 6, 0, tzinfo=DENVER)
    assert next_open(schedule, "America/Denver", dt.datetime(2026, 6, 3, 7, 0, tzinfo=DENVER)) == dt.datetime(
        2026, 6, 3, 22, 0, tzinfo=DENVER
    )


def test_sunday_night_hours_are_open_early_monday():
    schedule = parse_hours([{"days": ["sun"], "opens": "22:00", "closes": "06:00"}])
    assert is_open(schedule, "America/Denver", dt.datetime(2026, 6, 8, 5, 59, tzinfo=DENVER))
    assert not is_open(schedule, "America/Denver", dt.datetime(2026, 6, 8, 6, 0, tzinfo=DENVER))


def test_24_7_never_closes_and_a_closed_entry_has_no_closing_time():
    at = dt.datetime(2026, 6, 3, 12, 0, tzinfo=DENVER)
    assert closes_at(parse_hours("24/7"), "America/Denver", at) is None
    assert closes_at(WEEKDAYS_9_TO_5, "America/Denver", at.replace(hour=20)) is None


def test_an_empty_schedule_never_opens():
    empty = WeeklySchedule(())
    at = dt.datetime(2026, 6, 3, 12, 0, tzinfo=DENVER)
    assert next_open(empty, "America/Denver", at) is None
    assert next_start(empty, "America/Denver", at) is None


# Daylight saving time -----------------------------------------------------------------------
# 2026: clocks spring forward on Sunday 8 March (02:00 -> 03:00) and fall back on Sunday
# 1 November (02:00 -> 01:00) in both Denver and New York.


def test_opening_skipped_by_spring_forward_opens_at_the_jump():
    schedule = parse_hours([{"days": ["sun"], "opens": "02:30", "closes": "10:00"}])
    found = next_open(schedule, "America/Denver", dt.datetime(2026, 3, 8, 1, 0, tzinfo=DENVER))
    assert found == dt.datetime(2026, 3, 8, 3, 0, tzinfo=DENVER)
    assert found.utcoffset() == dt.timedelta(hours=-6)


def test_session_entirely_inside_the_skipped_hour_waits_a_week():
    schedule = parse_meeting_times([{"days": ["sun"], "start": "02:10", "end": "02:40"}])
    at = dt.datetime(2026, 3, 8, 1, 0, tzinfo=DENVER)
    assert next_open(schedule, "America/Denver", at) == dt.datetime(2026, 3, 15, 2, 10, tzinfo=DENVER)


def test_meeting_starting_in_the_skipped_hour_starts_at_the_jump():
    schedule = parse_meeting_times([{"days": ["sun"], "start": "02:30"}])
    found = next_start(schedule, "America/New_York", dt.datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK))
    assert found == dt.datetime(2026, 3, 8, 3, 0, tzinfo=NEW_YORK)


def test_clinic_opening_the_day_after_spring_forward_opens_at_eight_local():
    schedule = parse_hours([{"days": "weekdays", "opens": "08:00", "closes": "17:00"}])
    found = next_open(schedule, "America/Denver", dt.datetime(2026, 3, 8, 12, 0, tzinfo=DENVER))
    assert found == dt.datetime(2026, 3, 9, 8, 0, tzinfo=DENVER)
    assert found.astimezone(UTC) == dt.datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def test_clinic_opening_the_day_after_fall_back_opens_at_eight_local():
    found = next_open(WEEKDAYS_9_TO_5, "America/New_York", dt.datetime(2026, 10, 30, 18, 0, tzinfo=NEW_YORK))
    assert found == dt.datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK)
    assert found.astimezone(UTC) == dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_hours_in_the_repeated_hour_are_open_on_both_passes():
    schedule = parse_hours([{"days": ["sun"], "opens": "01:15", "closes": "01:45"}])
    first_pass = dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 01:30 MDT
    second_pass = dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 01:30 MST
    between = dt.datetime(2026, 11, 1, 7, 50, tzinfo=UTC)  # 01:50 MDT
    assert is_open(schedule, "America/Denver", first_pass)
    assert is_open(schedule, "America/Denver", second_pass)
    # Compared in UTC: Python never finds a time in a repeated hour equal to one in another zone.
    assert next_open(schedule, "America/Denver", between).astimezone(UTC) == dt.datetime(2026, 11, 1, 8, 15, tzinfo=UTC)


def test_meeting_in_the_repeated_hour_starts_on_the_first_pass_only():
    schedule = parse_meeting_times([{"days": ["sun"], "start": "01:30"}])
    before = dt.datetime(2026, 11, 1, 0, 0, tzinfo=DENVER)
    assert next_start(schedule, "America/Denver", before).astimezone(UTC) == dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    after_first_pass = dt.datetime(2026, 11, 1, 7, 45, tzinfo=UTC)
    assert next_start(schedule, "America/Denver", after_first_pass) == dt.datetime(2026, 11, 8, 1, 30, tzinfo=DENVER)


def test_fall_back_day_is_an_hour_longer_for_a_closed_clinic():
    at = dt.datetime(2026, 10, 31, 17, 0, tzinfo=DENVER)  # Saturday, closed until Monday 09:00
    table = one_entry_table(WEEKDAYS_9_TO_5, "America/Denver")
    assert table.minutes_until_open(at)[0] == (24 + 16 + 1) * 60


def test_late_meeting_is_in_session_just_after_midnight():
    schedule = parse_meeting_times([{"days": ["sat"], "start": "23:30"}])
    seen = dt.datetime(2026, 6, 7, 0, 10, tzinfo=DENVER)  # Sunday
    assert in_session(schedule, "America/Denver", seen)
    assert not in_session(schedule, "America/Denver", seen.replace(minute=30))
    assert one_entry_table(schedule, "America/Denver").open_mask(seen)[0]


# The vectorised table -----------------------------------------------------------------------


def test_table_answers_for_each_entry_and_leaves_unscheduled_entries_closed():
    meeting = parse_meeting_times([{"days": ["wed"], "start": "19:00"}])
    table = ScheduleTable.build([(2, "America/Denver", WEEKDAYS_9_TO_5), (0, "America/New_York", meeting)], 4)
    at = dt.datetime(2026, 6, 3, 18, 20, 30, tzinfo=NEW_YORK)  # Wednesday; 16:20:30 in Denver
    assert table.open_mask(at).tolist() == [False, False, True, False]
    assert table.minutes_until_open(at).tolist() == [39.5, math.inf, 0.0, math.inf]
    assert table.minutes_until_start(at).tolist() == [
        39.5,
        math.inf,
        24 * 60 - 7 * 60 - 20.5,
        math.inf,
    ]


def test_table_start_exactly_now_is_zero_minutes_away():
    meeting = parse_meeting_times([{"days": ["wed"], "start": "19:00"}])
    table = one_entry_table(meeting, "America/Denver")
    assert table.minutes_until_start(dt.datetime(2026, 6, 3, 19, 0, tzinfo=DENVER))[0] == 0
    assert table.minutes_until_start(dt.datetime(2026, 6, 3, 19, 0, 1, tzinfo=DENVER))[0] == pytest.approx(
        7 * 1440 - 1 / 60
    )


def test_table_arrays_are_read_only_and_stay_so_through_pickling():
    table = ScheduleTable.build([(0, "America/Denver", WEEKDAYS_9_TO_5)], 1)
    copy = pickle.loads(pickle.dumps(table))
    for each in (table, copy):
        arrays = [each.entry_open_row, each.entry_start_row]
        for columns in each.open_columns + each.start_columns:
            arrays += [columns.starts, columns.lengths, columns.zone_counts]
        for array in arrays:
            with pytest.raises(ValueError, match="read-only"):
                array.flat[0] = 1
    at = dt.datetime(2026, 6, 3, 12, 0, tzinfo=DENVER)
    assert copy.minutes_until_open(at).tolist() == table.minutes_until_open(at).tolist()


def test_table_refuses_unknown_zones_and_rows_outside_it():
    with pytest.raises(ValueError, match="IANA"):
        ScheduleTable.build([(0, "Mountain Time", WEEKDAYS_9_TO_5)], 1)
    with pytest.raises(ValueError, match="outside"):
        ScheduleTable.build([(1, "America/Denver", WEEKDAYS_9_TO_5)], 1)


def test_empty_table_answers_with_no_schedules():
    table = ScheduleTable.build([], 2)
    at = dt.datetime(2026, 6, 3, 12, 0, tzinfo=DENVER)
    assert table.open_mask(at).tolist() == [False, False]
    assert np.isinf(table.minutes_until_open(at)).all() and np.isinf(table.minutes_until_start(at)).all()


# The table agrees with the per-entry functions -----------------------------------------------

ZONES = [
    "America/Denver",
    "America/New_York",
    "America/Phoenix",
    "Pacific/Honolulu",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Europe/London",
]
# When clocks change in some of ZONES in 2026 (Lord Howe moves by half an hour), and a quiet
# instant, so that random instants land on the hard cases often.
CLOCK_CHANGES = [
    ("America/Denver", dt.datetime(2026, 3, 8, 9, 0, tzinfo=UTC)),
    ("America/Denver", dt.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    ("America/New_York", dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    ("America/New_York", dt.datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
    ("America/St_Johns", dt.datetime(2026, 11, 1, 4, 30, tzinfo=UTC)),
    ("Australia/Lord_Howe", dt.datetime(2026, 4, 4, 15, 0, tzinfo=UTC)),
    ("Australia/Lord_Howe", dt.datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
    ("Europe/London", dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ("America/Phoenix", dt.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)),
]

# Clocks change early on a Sunday: sessions there, and around 01:00-03:00, come up often.
weekday = st.one_of(st.just(6), st.integers(0, 6))
minute_of_day = st.one_of(st.integers(50, 190), st.sampled_from([0, 1410, 1439]), st.integers(0, 1439))
length = st.one_of(st.sampled_from([1, 30, 60, 90, 1440, MINUTES_PER_WEEK]), st.integers(1, MINUTES_PER_WEEK))
schedules = st.lists(st.tuples(weekday, minute_of_day, length), max_size=6).map(
    lambda sessions: WeeklySchedule(tuple((day * 1440 + minute, span) for day, minute, span in sessions))
)


@st.composite
def zoned_instants(draw):
    """A zone and an instant, usually within hours of a clock change in that zone."""
    zone, change = draw(st.sampled_from(CLOCK_CHANGES))
    seconds = draw(st.one_of(st.integers(-3 * 3600, 3 * 3600), st.integers(-9 * 86400, 9 * 86400)))
    return zone, change + dt.timedelta(seconds=seconds)


def agrees(table_minutes: float, at: dt.datetime, found: dt.datetime | None) -> bool:
    if found is None:
        return table_minutes == math.inf
    return math.isclose(table_minutes, minutes_between(at, found), abs_tol=1e-6)


@settings(max_examples=500, deadline=None)
@given(
    zoned=zoned_instants(),
    schedules=st.lists(schedules, min_size=1, max_size=4),
    other_zones=st.lists(st.sampled_from(ZONES), min_size=4, max_size=4),
    data=st.data(),
)
def test_table_agrees_with_the_per_entry_functions(zoned, schedules, other_zones, data):
    zone_of_change, at = zoned
    zones = [data.draw(st.sampled_from([zone_of_change, other]), label="zone") for other in other_zones]
    entries = list(zip(zones, schedules, strict=False))
    table = ScheduleTable.build(
        [(index, zone, schedule) for index, (zone, schedule) in enumerate(entries)], len(entries)
    )
    mask, until_open, until_start = (
        table.open_mask(at),
        table.minutes_until_open(at),
        table.minutes_until_start(at),
    )
    for index, (zone, schedule) in enumerate(entries):
        assert mask[index] == is_open(schedule, zone, at)
        assert agrees(until_open[index], at, next_open(schedule, zone, at))
        assert agrees(until_start[index], at, next_start(schedule, zone, at))


@settings(max_examples=200, deadline=None)
@given(zoned=zoned_instants(), schedule=schedules)
def test_next_open_is_open_and_nothing_earlier_is(zoned, schedule):
    zone, at = zoned
    found = next_open(schedule, zone, at)
    if found is None:
        assert not schedule.intervals
        return
    # Arithmetic and comparisons in UTC: on local times Python works by the wall clock.
    found = found.astimezone(UTC)
    assert found >= at and is_open(schedule, zone, found)
    probe = at.astimezone(UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    while probe < found and probe - at < dt.timedelta(hours=3):
        assert not is_open(schedule, zone, probe)
        probe += dt.timedelta(minutes=1)
    closing = closes_at(schedule, zone, found)
    if closing is not None:
        closing = closing.astimezone(UTC)
        assert closing > found and not is_open(schedule, zone, closing)
        assert is_open(schedule, zone, closing - dt.timedelta(minutes=1))
