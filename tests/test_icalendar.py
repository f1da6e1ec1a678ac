import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from navigator.formats.ics import (
    PRODUCT_ID,
    Event,
    appointment_event,
    calendar,
    meeting_events,
    vtimezone,
)

DENVER = ZoneInfo("America/Denver")
TUESDAY = dt.date(2026, 11, 17)
STAMP = dt.datetime(2026, 11, 17, 12, 0, tzinfo=dt.UTC)


def parsed(text: str) -> icalendar.Calendar:
    """The calendar read back by icalendar, after checking every line ends CRLF."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return icalendar.Calendar.from_ical(text)


def events_of(text: str) -> list[icalendar.Event]:
    return parsed(text).walk("VEVENT")


def meeting_entry(times, **fields):
    return {
        "id": "tuesday-aa",
        "name": "Tuesday Night AA",
        "description": "Open meeting, all welcome.",
        "meeting": {"fellowship": "aa", "attendance": "in_person", "times": times},
        **fields,
    }


def test_text_with_commas_semicolons_backslashes_and_newlines_reads_back_as_written():
    awkward = "Room 4, back door; ring\\knock\nthen wait"
    event = Event(
        awkward,
        dt.datetime(2026, 11, 17, 9, tzinfo=DENVER),
        dt.datetime(2026, 11, 17, 10, tzinfo=DENVER),
        location=awkward,
        description=awkward,
    )
    text = calendar([event], STAMP)
    assert "Room 4\\, back door\\; ring\\\\knock\\nthen wait" in text.replace("\r\n ", "")
    [read] = events_of(text)
    assert str(read["SUMMARY"]) == str(read["LOCATION"]) == str(read["DESCRIPTION"]) == awkward


def test_a_weekly_meeting_repeats_on_its_days_at_its_local_time():
    entry = meeting_entry([{"days": ["tue", "thu"], "start": "19:00", "end": "20:30"}])
    text = calendar(meeting_events(entry, "America/Denver", TUESDAY, "1 Main St, Denver"), STAMP)
    document = parsed(text)
    assert str(document["VERSION"]) == "2.0" and str(document["PRODID"]) == PRODUCT_ID
    [event] = document.walk("VEVENT")
    assert event.start == dt.datetime(2026, 11, 17, 19, 0, tzinfo=DENVER)
    assert event.end == dt.datetime(2026, 11, 17, 20, 30, tzinfo=DENVER)
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "America/Denver"
    assert event["RRULE"] == {"FREQ": ["WEEKLY"], "BYDAY": ["TU", "TH"]}
    assert str(event["LOCATION"]) == "1 Main St, Denver"
    assert str(event["SUMMARY"]) == "Tuesday Night AA"
    assert event["DTSTAMP"].dt == STAMP
    assert str(event["UID"]).endswith("@recovery-navigator")
    assert "DTSTART;TZID=America/Denver:20261117T190000" in text.split("\r\n")


def test_a_meeting_starts_on_its_first_day_from_today():
    entry = meeting_entry([{"days": ["mon"], "start": "12:00"}])  # no end: an hour
    [event] = meeting_events(entry, "America/Denver", TUESDAY)
    assert event.start == dt.datetime(2026, 11, 23, 12, 0, tzinfo=DENVER)
    assert event.end - event.start == dt.timedelta(hours=1)


def test_a_meeting_past_midnight_ends_the_next_day():
    entry = meeting_entry([{"days": ["sat"], "start": "23:30", "end": "00:30"}])
    [event] = meeting_events(entry, "America/Denver", TUESDAY)
    assert (event.start.day, event.end.day) == (21, 22)
    [read] = events_of(calendar([event], STAMP))
    assert (read.start, read.end) == (event.start, event.end)


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
    read = events_of(calendar(first, STAMP))
    assert [event["RRULE"]["BYDAY"] for event in read] == [["MO"], ["SA"]]
    assert [str(event["UID"]) for event in read] == [event.uid for event in first]


def test_an_around_the_clock_listing_is_no_calendar_event():
    entry = meeting_entry([{"days": ["daily"], "start": "00:00", "end": "24:00"}])
    assert meeting_events(entry, "America/New_York", TUESDAY) == []


def test_the_time_zone_carries_both_daylight_saving_changes_for_years_ahead():
    zone = parsed(vtimezone("America/Denver", dt.datetime(2026, 11, 17, 19, tzinfo=DENVER)).to_ical().decode())
    assert str(zone["TZID"]) == "America/Denver"
    [daylight] = zone.walk("DAYLIGHT")
    assert (dt.timedelta(hours=-7), dt.timedelta(hours=-6)) == (daylight.TZOFFSETFROM, daylight.TZOFFSETTO)
    assert str(daylight["TZNAME"]) == "MDT"
    changes = [standard for standard in zone.walk("STANDARD") if standard.TZOFFSETFROM != standard.TZOFFSETTO]
    assert [(standard.TZOFFSETFROM, standard.TZOFFSETTO) for standard in changes] == [
        (dt.timedelta(hours=-6), dt.timedelta(hours=-7))
    ]
    # Read with its own definitions rather than the IANA name, the zone keeps Denver's clock
    # on both sides of every change through 2035 (TIMEZONE_YEARS after 2026, the year it starts in).
    written = zone.to_tz(lookup_tzid=False)
    for year in (2026, 2027, 2035):
        for moment in (
            dt.datetime(year, 3, 1, 12),
            dt.datetime(year, 3, 20, 12),
            dt.datetime(year, 10, 30, 12),
            dt.datetime(year, 11, 15, 12),
        ):
            assert moment.replace(tzinfo=written).utcoffset() == moment.replace(tzinfo=DENVER).utcoffset()


def test_a_zone_without_daylight_saving_has_one_fixed_observance():
    zone = vtimezone("America/Phoenix", dt.datetime(2026, 11, 17, tzinfo=ZoneInfo("America/Phoenix")))
    assert zone.walk("DAYLIGHT") == []
    [standard] = zone.walk("STANDARD")
    assert standard.TZOFFSETFROM == standard.TZOFFSETTO == dt.timedelta(hours=-7)


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
    document = parsed(calendar(events, STAMP))
    assert [zone.tz_name for zone in document.timezones] == ["America/Denver", "America/New_York"]
    assert document.get_missing_tzids() == set()


def test_an_event_without_a_named_zone_is_written_in_utc():
    start = dt.datetime(2026, 11, 19, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    text = calendar([Event("Call", start, start + dt.timedelta(hours=1))], STAMP)
    document = parsed(text)
    assert document.timezones == []
    [event] = document.walk("VEVENT")
    assert event.start == dt.datetime(2026, 11, 19, 16, 30, tzinfo=dt.UTC)
    assert "DTSTART:20261119T163000Z" in text.split("\r\n")


def test_an_appointment_is_one_event_at_the_place_with_the_number_to_call():
    entry = {
        "id": "clinic",
        "name": "Front Range Clinic",
        "phones": [{"number": "303-555-0142", "type": "intake"}],
        "application_process": "Bring ID, if you have one.",
        "website": "https://example.org/clinic",
    }
    start = dt.datetime(2026, 11, 19, 9, 30, tzinfo=DENVER)
    [event] = events_of(calendar([appointment_event(entry, start, "1234 E Colfax Ave, Denver, CO 80218")], STAMP))
    assert str(event["SUMMARY"]) == "Appointment: Front Range Clinic"
    assert event.start == start and event.end == dt.datetime(2026, 11, 19, 10, 30, tzinfo=DENVER)
    assert str(event["DESCRIPTION"]) == "Call 303-555-0142 if you need to change it.\nBring ID, if you have one."
    assert str(event["LOCATION"]) == "1234 E Colfax Ave, Denver, CO 80218"
    assert str(event["URL"]) == "https://example.org/clinic"
    assert "RRULE" not in event


@pytest.mark.parametrize("zone", ["America/Denver", "Europe/London", "Australia/Lord_Howe"])
def test_every_folded_line_of_a_calendar_is_at_most_75_octets(zone):
    entry = meeting_entry(
        [{"days": ["weekdays"], "start": "18:00", "end": "19:00"}],
        description="Una reuni\u00f3n abierta, en espa\u00f1ol; todos bienvenidos. " * 6,
    )
    text = calendar(meeting_events(entry, zone, TUESDAY), STAMP)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    [event] = events_of(text)
    assert str(event["DESCRIPTION"]) == entry["description"].strip()
    assert event["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
