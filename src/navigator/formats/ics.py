"""Calendar files (RFC 5545 iCalendar) for meetings a participant chose and appointments they made.

A meeting repeats weekly on its own local clock: DTSTART carries a TZID and the file carries the
matching VTIMEZONE, so the meeting stays at 7:00 PM across daylight saving time in any calendar
app. The ``icalendar`` package writes the file: it builds each VTIMEZONE from the IANA database
through zoneinfo, escapes text and folds long lines at 75 octets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from navigator.i18n import _
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


def _zone_name(moment: dt.datetime) -> str | None:
    """The IANA name of an aware datetime's zone; None for UTC or a bare offset."""
    return getattr(moment.tzinfo, "key", None)


def vtimezone(zone_name: str, first: dt.datetime) -> icalendar.Timezone:
    """The VTIMEZONE for ``zone_name``, covering ``first`` and TIMEZONE_YEARS years after it."""
    return icalendar.Timezone.from_tzid(
        zone_name,
        first_date=dt.date(first.year - 1, 1, 1),
        last_date=dt.date(first.year + TIMEZONE_YEARS, 1, 1),
    )


def _vevent(event: Event, stamp: dt.datetime) -> icalendar.Event:
    start, end = event.start, event.end
    if _zone_name(start):
        end = end.astimezone(start.tzinfo)  # both ends on the same local clock, under one TZID
    else:  # no named zone to carry: the instants in UTC
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    vevent = icalendar.Event()
    vevent.add("uid", event.uid or f"{uuid.uuid4()}@recovery-navigator")
    vevent.add("dtstamp", stamp.astimezone(dt.UTC))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", event.summary)
    if event.weekly_on:
        vevent.add("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[day] for day in event.weekly_on]})
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    return vevent


def calendar(events: Iterable[Event], stamp: dt.datetime | None = None) -> str:
    """A whole VCALENDAR, CRLF line endings, one VTIMEZONE per zone the events use."""
    events = list(events)
    stamp = stamp or dt.datetime.now(dt.UTC)
    document = icalendar.Calendar()
    document.add("version", "2.0")
    document.add("prodid", PRODUCT_ID)
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    first_by_zone: dict[str, dt.datetime] = {}
    for event in events:
        zone_name = _zone_name(event.start)
        if zone_name and (zone_name not in first_by_zone or event.start < first_by_zone[zone_name]):
            first_by_zone[zone_name] = event.start
    for zone_name, first in first_by_zone.items():
        document.add_component(vtimezone(zone_name, first))
    for event in events:
        document.add_component(_vevent(event, stamp))
    return document.to_ical().decode("utf-8")


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
            _("Call {phone} if you need to change it.").format(phone=phones[0]["number"]) if phones else None,
            (entry.get("application_process") or "").strip() or None,
        )
        if part
    )
    return Event(
        summary=_("Appointment: {name}").format(name=entry["name"]),
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        location=location,
        description=description or None,
        url=entry.get("website"),
    )
