"""The naive reference search the benchmark compares against: a Python loop over records, calling geopy
per entry, as a typical app would. Same answers as ``search`` (the benchmark checks), much slower."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from geopy.distance import distance as geopy_distance
from geopy.distance import great_circle

from navigator.directory.index import Directory
from navigator.search.engine import EARTH_RADIUS_MILES, Query
from navigator.search.places import Place
from navigator.search.schedule import is_open, parse_hours, parse_meeting_times

KILOMETRES_PER_MILE = 1.609344


@dataclass(frozen=True)
class NaiveRecord:
    """One entry as a typical app would hold it: a record with its codes, place and schedule."""

    id: str
    active: bool
    remote: bool
    lat: float
    lon: float
    areas: tuple[str, ...]
    codes: frozenset[str]
    text: str
    schedule: object | None
    timezone: str | None


def naive_records(directory: Directory) -> list[NaiveRecord]:
    frame = directory.frame
    columns = zip(
        frame["status"].to_numpy(),
        frame["remote"].to_numpy(),
        frame["lat"].to_numpy(),
        frame["lon"].to_numpy(),
        frame["text"].to_numpy(),
        frame["timezone"].to_numpy(),
        strict=True,
    )
    records = []
    for row, (entry, (status, remote, lat, lon, text, timezone)) in enumerate(
        zip(directory.entries, columns, strict=True)
    ):
        meeting = entry.get("meeting")
        if meeting:
            schedule = None if meeting.get("attendance") == "inactive" else parse_meeting_times(meeting["times"])
        else:
            schedule = parse_hours(entry["hours"]) if entry.get("hours") else None
        records.append(
            NaiveRecord(
                id=entry["id"],
                active=status == "active",
                remote=bool(remote),
                lat=float(lat),
                lon=float(lon),
                areas=tuple(entry.get("service_area") or ()),
                codes=frozenset(directory.codes[column] for column in np.flatnonzero(directory.code_matrix[row])),
                # Only "24/7" goes without a zone (NaN in the frame), and any zone fits it.
                text=text,
                schedule=schedule,
                timezone=timezone if isinstance(timezone, str) else "UTC",
            )
        )
    return records


def geopy_distance_miles(origin: tuple[float, float], point: tuple[float, float]) -> float:
    """What a typical app calls: geopy's ``distance`` (geodesic, on the WGS-84 ellipsoid)."""
    return geopy_distance(origin, point).miles


# The contract's payment codes (the vocabulary's payment group).
PAYMENT_CODES = frozenset(
    ("medicaid", "medicare", "private_insurance", "self_pay", "sliding_fee", "free", "military_insurance", "ihs_tribal")
)


def great_circle_miles(origin: tuple[float, float], point: tuple[float, float]) -> float:
    """geopy's faster great circle, on the same sphere as ``search`` (so both agree exactly)."""
    return great_circle(origin, point, radius=EARTH_RADIUS_MILES * KILOMETRES_PER_MILE).miles


def naive_search(
    records: list[NaiveRecord], query: Query, place: Place, at: dt.datetime, miles=great_circle_miles
) -> tuple[int, list[str]]:
    """The reference: ``miles`` from the place to every entry, then filters in Python.

    The same semantics as ``search``: returns the number of matches and the ids of the first
    ``query.limit`` by distance.
    """
    words = query.text.casefold().split() if query.text else ()
    origin = (place.lat, place.lon)
    matches = []
    for record in records:
        distance = None if record.remote else miles(origin, (record.lat, record.lon))
        if not record.active:
            continue
        if record.remote:
            if not query.include_remote or not ("national" in record.areas or place.state in record.areas):
                continue
        elif query.radius is not None and distance > query.radius:
            continue
        # As the search does: a payment need is also met by a free service.
        if not all(code in record.codes or (code in PAYMENT_CODES and "free" in record.codes) for code in query.needs):
            continue
        if words and not all(word in record.text for word in words):
            continue
        if query.open_at is not None and (record.schedule is None or not is_open(record.schedule, record.timezone, at)):
            continue
        matches.append((record.remote, distance or 0.0, record.id))
    matches.sort()
    return len(matches), [entry_id for _, _, entry_id in matches[: query.limit]]
