"""Calendar files (RFC 5545 iCalendar) for meetings a participant chose and appointments they made.

A meeting repeats weekly on its own local clock: DTSTART carries a TZID and the file carries the
matching VTIMEZONE (its transitions worked out from the IANA database), so the meeting stays at
7:00 PM across daylight saving time in any calendar app. Text is escaped and long lines are
folded at 75 octets, as the RFC asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from navigator.search.schedule import MINUTES_PER_DAY, WEEKDAYS, parse_meeting_times

PRODUCT_ID = "-//Recovery Navigator//Coach intake//EN"
ICAL_DAYS = {
    "mon": "MO",
    "tue": "TU",
    "wed": "WE",
    "thu": "TH",
    "fri": "FR",
    "sat": "SA",
    "sun": "SU",
}
APPOINTMENT_MINUTES = 60
TIMEZONE_YEARS = 10  # transitions written out ahead; calendar apps know IANA names beyond that
MAX_LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    summary: str
    start: dt.datetime  # aware, in the zone the event keeps its wall-clock time in
    end: dt.datetime
    location: str | None = None
    description: str | None = None
    url: str | None = None
    weekly_on: tuple[str, ...] = ()  # mon … sun: repeats weekly on these days
    uid: str | None = None


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces, current, size = [], "", 0
    for character in line:
        width = len(character.encode("utf-8"))
        limit = MAX_LINE_OCTETS if not pieces else MAX_LINE_OCTETS - 1  # a continuation starts with a space
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{minutes:02d}"


def _offset_at(zone: ZoneInfo, minute: int) -> dt.timedelta:
    return dt.datetime.fromtimestamp(minute * 60, tz=zone).utcoffset()


def _transitions(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Each instant (UTC, to the minute) in [start, end) when the zone's UTC offset changes.

    Days are probed one by one (offsets never change twice in a day), then the change is halved
    down to its minute.
    """
    found = []
    minute, last = int(start.timestamp() // 60), int(end.timestamp() // 60)
    offset = _offset_at(zone, minute)
    while minute < last:
        probe = minute + 24 * 60
        if _offset_at(zone, probe) != offset:
            low, high = minute, probe  # the change lies in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _offset_at(zone, middle) == offset else (low, middle)
            found.append(dt.datetime.fromtimestamp(high * 60, tz=dt.UTC))
            offset = _offset_at(zone, probe)
        minute = probe
    return found


def vtimezone(zone_name: str, first: dt.datetime) -> list[str]:
    """The VTIMEZONE for ``zone_name``, covering ``first`` and TIMEZONE_YEARS years after it."""
    zone = ZoneInfo(zone_name)
    start = dt.datetime(first.year - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(first.year + TIMEZONE_YEARS, 1, 1, tzinfo=dt.UTC)
    transitions = _transitions(zone, start, end)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone_name}"]
    if not transitions:
        at = first.astimezone(zone)
        offset = _offset(at.utcoffset())
        return [
            *lines,
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
            f"TZNAME:{at.tzname()}",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    # Changes with the same (from, to, name) share one observance: its first onset and RDATEs.
    observances: dict[tuple[str, str, str, bool], list[str]] = {}
    for instant in transitions:
        old, new = (instant - dt.timedelta(minutes=1)).astimezone(zone), instant.astimezone(zone)
        onset = instant + old.utcoffset()  # the wall clock the change happens at, in the old offset
        key = (
            _offset(old.utcoffset()),
            _offset(new.utcoffset()),
            new.tzname() or zone_name,
            bool(new.dst()),
        )
        observances.setdefault(key, []).append(_local(onset.replace(tzinfo=None)))
    for (offset_from, offset_to, name, daylight), onsets in observances.items():
        kind = "DAYLIGHT" if daylight else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{onsets[0]}",
            f"TZOFFSETFROM:{offset_from}",
            f"TZOFFSETTO:{offset_to}",
        ]
        if len(onsets) > 1:
            lines.append(f"RDATE:{','.join(onsets[1:])}")
        lines += [f"TZNAME:{name}", f"END:{kind}"]
    return [*lines, "END:VTIMEZONE"]


def _uid(event: Event) -> str:
    if event.uid:
        return event.uid
    return f"{uuid.uuid4()}@recovery-navigator"


def _event_lines(event: Event, stamp: dt.datetime) -> list[str]:
    zone_name = getattr(event.start.tzinfo, "key", None)
    if zone_name:
        start = f"DTSTART;TZID={zone_name}:{_local(event.start)}"
        end = f"DTEND;TZID={zone_name}:{_local(event.end.astimezone(event.start.tzinfo))}"
    else:
        start, end = f"DTSTART:{_utc(event.start)}", f"DTEND:{_utc(event.end)}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_uid(event)}",
        f"DTSTAMP:{_utc(stamp)}",
        start,
        end,
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.weekly_on:
        lines.append("RRULE:FREQ=WEEKLY;BYDAY=" + ",".join(ICAL_DAYS[day] for day in event.weekly_on))
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    return [*lines, "END:VEVENT"]


def calendar(events: Iterable[Event], stamp: dt.datetime | None = None) -> str:
    """A whole VCALENDAR, CRLF line endings, one VTIMEZONE per zone the events use."""
    events = list(events)
    stamp = stamp or dt.datetime.now(dt.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    first_by_zone: dict[str, dt.datetime] = {}
    for event in events:
        zone_name = getattr(event.start.tzinfo, "key", None)
        if zone_name and (zone_name not in first_by_zone or event.start < first_by_zone[zone_name]):
            first_by_zone[zone_name] = event.start
    for zone_name, first in first_by_zone.items():
        lines += vtimezone(zone_name, first)
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def meeting_events(entry: dict, zone_name: str, today: dt.date, location: str | None = None) -> list[Event]:
    """Weekly events for a meeting entry's times, each starting on its first day from ``today``.

    Sessions at the same time of day and length share one event (BYDAY lists their days).
    Around-the-clock listings (an online room open all day) are not events, so give none.
    """
    meeting = entry.get("meeting") or {}
    zone = ZoneInfo(zone_name)
    days_by_time: dict[tuple[int, int], list[int]] = {}
    for start, length in parse_meeting_times(meeting.get("times") or []).sessions:
        if length < MINUTES_PER_DAY:
            day, minute = divmod(start, MINUTES_PER_DAY)
            days_by_time.setdefault((minute, length), []).append(day)
    description = "\n".join(
        part
        for part in (
            (entry.get("description") or "").strip(),
            meeting.get("conference_url"),
            meeting.get("conference_phone"),
        )
        if part
    )
    events = []
    for (minute, length), days in sorted(days_by_time.items()):
        first_day = min(today + dt.timedelta(days=(day - today.weekday()) % 7) for day in days)
        start = dt.datetime.combine(first_day, dt.time(minute // 60, minute % 60), zone)
        # The same meeting downloaded again updates the calendar's copy rather than adding one.
        uid_seed = f"{entry['id']}|{minute}|{length}"
        events.append(
            Event(
                summary=entry["name"],
                start=start,
                end=start + dt.timedelta(minutes=length),
                location=location or meeting.get("conference_url"),
                description=description or None,
                url=meeting.get("conference_url") or entry.get("website"),
                weekly_on=tuple(WEEKDAYS[day] for day in sorted(days)),
                uid=hashlib.sha256(uid_seed.encode()).hexdigest()[:32] + "@recovery-navigator",
            )
        )
    return events


def appointment_event(
    entry: dict, start: dt.datetime, location: str | None = None, minutes: int = APPOINTMENT_MINUTES
) -> Event:
    """One appointment at a resource; ``start`` is aware, in the resource's (or place's) zone."""
    phones = entry.get("phones") or ()
    description = "\n".join(
        part
        for part in (
            f"Call {phones[0]['number']} if you need to change it." if phones else None,
            (entry.get("application_process") or "").strip() or None,
        )
        if part
    )
    return Event(
        summary=f"Appointment: {entry['name']}",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        location=location,
        description=description or None,
        url=entry.get("website"),
    )
