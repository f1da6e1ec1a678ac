import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from navigator.formats.ics import (
    Event,
    appointment_event,
    calendar,
    escape_text,
    fold,
    meeting_events,
    vtimezone,
)

DENVER = ZoneInfo("America/Denver")
TUESDAY = dt.date(2026, 11, 17)
STAMP = dt.datetime(2026, 11, 17, 12, 0, tzinfo=dt.UTC)


def unfolded(text: str) -> list[str]:
    """The content lines of an iCalendar text, continuation lines joined back (RFC 5545 3.1)."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def component(lines: list[str], name: str) -> list[list[str]]:
    found, current = [], None
    for line in lines:
        if line == f"BEGIN:{name}":
            current = []
        elif line == f"END:{name}":
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def meeting_entry(times, **fields):
    return {
        "id": "tuesday-aa",
        "name": "Tuesday Night AA",
        "description": "Open meeting, all welcome.",
        "meeting": {"fellowship": "aa", "attendance": "in_person", "times": times},
        **fields,
    }


def test_text_values_escape_backslashes_semicolons_commas_and_newlines():
    assert (
        escape_text("Room 4, back door; ring\\knock\nthen wait") == "Room 4\\, back door\\; ring\\\\knock\\nthen wait"
    )


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "Caf\u00e9 y reuni\u00f3n " * 20
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line


def test_a_weekly_meeting_repeats_on_its_days_at_its_local_time():
    entry = meeting_entry([{"days": ["tue", "thu"], "start": "19:00", "end": "20:30"}])
    text = calendar(meeting_events(entry, "America/Denver", TUESDAY, "1 Main St, Denver"), STAMP)
    lines = unfolded(text)
    [event] = component(lines, "VEVENT")
    assert "DTSTART;TZID=America/Denver:20261117T190000" in event
    assert "DTEND;TZID=America/Denver:20261117T203000" in event
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" in event
    assert "LOCATION:1 Main St\\, Denver" in event
    assert "SUMMARY:Tuesday Night AA" in event
    assert "DTSTAMP:20261117T120000Z" in event
    assert any(line.startswith("UID:") for line in event)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines


def test_a_meeting_starts_on_its_first_day_from_today():
    entry = meeting_entry([{"days": ["mon"], "start": "12:00"}])  # no end: an hour
    [event] = meeting_events(entry, "America/Denver", TUESDAY)
    assert event.start == dt.datetime(2026, 11, 23, 12, 0, tzinfo=DENVER)
    assert event.end - event.start == dt.timedelta(hours=1)


def test_a_meeting_past_midnight_ends_the_next_day():
    entry = meeting_entry([{"days": ["sat"], "start": "23:30", "end": "00:30"}])
    [event] = meeting_events(entry, "America/Denver", TUESDAY)
    assert (event.start.day, event.end.day) == (21, 22)


def test_times_at_different_hours_give_separate_events_and_the_same_meeting_keeps_its_uid():
    entry = meeting_entry(
        [
            {"days": ["mon"], "start": "07:00", "end": "08:00"},
            {"days": ["sat"], "start": "10:00", "end": "11:00"},
        ]
    )
    first = meeting_events(entry, "America/Denver", TUESDAY)
    a_week_later = meeting_events(entry, "America/Denver", TUESDAY + dt.timedelta(days=7))
    assert [event.weekly_on for event in first] == [("mon",), ("sat",)]
    assert [event.uid for event in first] == [event.uid for event in a_week_later]


def test_an_around_the_clock_listing_is_no_calendar_event():
    entry = meeting_entry([{"days": ["daily"], "start": "00:00", "end": "24:00"}])
    assert meeting_events(entry, "America/New_York", TUESDAY) == []


def test_the_time_zone_carries_both_daylight_saving_changes_for_years_ahead():
    lines = vtimezone("America/Denver", dt.datetime(2026, 11, 17, 19, tzinfo=DENVER))
    [daylight] = component(lines, "DAYLIGHT")
    [standard] = component(lines, "STANDARD")
    assert "TZOFFSETFROM:-0700" in daylight and "TZOFFSETTO:-0600" in daylight and "TZNAME:MDT" in daylight
    assert "TZOFFSETFROM:-0600" in standard and "TZOFFSETTO:-0700" in standard
    onsets = [line.split(":", 1)[1] for line in daylight if line.startswith(("DTSTART", "RDATE"))]
    assert "20270314T020000" in ",".join(onsets)  # spring forward 2027, 2:00 local standard time
    assert any("20271107T020000" in line for line in standard)  # fall back 2027, 2:00 local daylight time
    assert lines[:2] == ["BEGIN:VTIMEZONE", "TZID:America/Denver"]


def test_a_zone_without_daylight_saving_has_one_fixed_observance():
    lines = vtimezone("America/Phoenix", dt.datetime(2026, 11, 17, tzinfo=ZoneInfo("America/Phoenix")))
    assert component(lines, "DAYLIGHT") == []
    [standard] = component(lines, "STANDARD")
    assert "TZOFFSETFROM:-0700" in standard and "TZOFFSETTO:-0700" in standard


def test_each_zone_used_gets_one_vtimezone():
    events = [
        Event(
            "A",
            dt.datetime(2026, 11, 17, 9, tzinfo=DENVER),
            dt.datetime(2026, 11, 17, 10, tzinfo=DENVER),
        ),
        Event(
            "B",
            dt.datetime(2026, 11, 18, 9, tzinfo=DENVER),
            dt.datetime(2026, 11, 18, 10, tzinfo=DENVER),
        ),
        Event(
            "C",
            dt.datetime(2026, 11, 18, 9, tzinfo=ZoneInfo("America/New_York")),
            dt.datetime(2026, 11, 18, 10, tzinfo=ZoneInfo("America/New_York")),
        ),
    ]
    lines = unfolded(calendar(events, STAMP))
    assert [line for line in lines if line.startswith("TZID:")] == [
        "TZID:America/Denver",
        "TZID:America/New_York",
    ]


def test_an_appointment_is_one_event_at_the_place_with_the_number_to_call():
    entry = {
        "id": "clinic",
        "name": "Front Range Clinic",
        "phones": [{"number": "303-555-0142", "type": "intake"}],
        "application_process": "Bring ID, if you have one.",
    }
    start = dt.datetime(2026, 11, 19, 9, 30, tzinfo=DENVER)
    text = calendar([appointment_event(entry, start, "1234 E Colfax Ave, Denver, CO 80218")], STAMP)
    [event] = component(unfolded(text), "VEVENT")
    assert "SUMMARY:Appointment: Front Range Clinic" in event
    assert "DTSTART;TZID=America/Denver:20261119T093000" in event
    assert "DTEND;TZID=America/Denver:20261119T103000" in event
    assert "DESCRIPTION:Call 303-555-0142 if you need to change it.\\nBring ID\\, if you have one." in event
    assert not any(line.startswith("RRULE") for line in event)
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF


@pytest.mark.parametrize("zone", ["America/Denver", "Europe/London", "Australia/Lord_Howe"])
def test_every_folded_line_of_a_calendar_is_at_most_75_octets(zone):
    entry = meeting_entry(
        [{"days": ["weekdays"], "start": "18:00", "end": "19:00"}],
        description="Una reuni\u00f3n abierta, en espa\u00f1ol; todos bienvenidos. " * 6,
    )
    text = calendar(meeting_events(entry, zone, TUESDAY), STAMP)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
