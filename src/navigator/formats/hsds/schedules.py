"""When an HSDS service is open: its regular schedules (linked to the service at a location, the
service, or the location) as weekly periods, and those as opening hours.

Weekdays are read as ISO numbers (1 = Monday … 7 = Sunday, 0 also Sunday) or day names.
"""

from __future__ import annotations

from navigator.formats.batch import ImportBatch
from navigator.formats.cleaning import parse_time
from navigator.formats.hsds.package import Tables
from navigator.search.schedule import WEEKDAYS

# fmt: off
DAY_NUMBERS = {
    "0": "sun", "1": "mon", "2": "tue", "3": "wed", "4": "thu", "5": "fri", "6": "sat", "7": "sun",
}
DAY_WORDS = {
    **{day: day for day in WEEKDAYS}, "monday": "mon", "tuesday": "tue", "wednesday": "wed",
    "thursday": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun", "mo": "mon",
    "tu": "tue", "we": "wed", "th": "thu", "fr": "fri", "sa": "sat", "su": "sun",
}
# fmt: on
# A time cannot be 24:00: open until midnight is written as the day's last second (the 3.0 export does).
END_OF_DAY = "23:59:59"


def weekly_periods(
    batch: ImportBatch,
    record: str,
    tables: Tables,
    service_id: str,
    location: dict | None,
    at_location: dict | None,
) -> list[tuple[list[str], str, str | None]]:
    """The weekly periods as (days, opens, closes), most specific table link first."""
    rows = []
    if at_location is not None and (at_location.get("id") or "").strip():
        rows = tables.schedules["service_at_location_id"].get(at_location["id"].strip(), [])
    if not rows:
        rows = [
            row
            for row in tables.schedules["service_id"].get(service_id, [])
            if not (row.get("location_id") or "").strip()
            or location is None
            or row["location_id"].strip() == location["id"].strip()
        ]
    if not rows and location is not None:
        rows = [
            row
            for row in tables.schedules["location_id"].get(location["id"].strip(), [])
            if not (row.get("service_id") or "").strip()
        ]
    periods: dict[tuple[str, str | None], list[str]] = {}
    for row in rows:
        day = DAY_NUMBERS.get((row.get("weekday") or "").strip()) or DAY_WORDS.get(
            (row.get("weekday") or "").strip().lower()
        )
        opens, closes = parse_time(row.get("opens_at")), parse_time(row.get("closes_at"))
        if str(row.get("closes_at") or "").strip().startswith(END_OF_DAY):
            closes = "24:00"
        if day is None or opens is None or opens == "24:00":
            batch.repair(
                record,
                f"schedule row (weekday {row.get('weekday')!r}, opens {row.get('opens_at')!r}) "
                "is not a weekly time: left out",
            )
            continue
        periods.setdefault((opens, closes), []).append(day)
    return [([day for day in WEEKDAYS if day in days], opens, closes) for (opens, closes), days in periods.items()]


def opening_hours(batch: ImportBatch, record: str, periods) -> list[dict] | str | None:
    """The weekly periods as an entry's ``hours``: "24/7", or the periods that have a closing time."""
    if len(periods) == 1 and periods[0][0] == list(WEEKDAYS) and periods[0][1:] == ("00:00", "24:00"):
        return "24/7"
    hours = []
    for days, opens, closes in periods:
        if closes is None:
            batch.repair(
                record,
                f"opening hours from {opens} on {', '.join(days)} have no closing time: left out",
            )
            continue
        hours.append({"days": days, "opens": opens, "closes": closes})
    return hours or None
