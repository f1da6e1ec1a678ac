"""Imported real feeds answer searches exactly as a brute-force reference over the source rows does:
distance (great circle, radius), and for meetings, in session at an instant in the meeting's own
time zone. The reference reads the source's JSON itself; only what the importer had to decide (a
meeting with no coordinates placed at its ZIP centre) is taken from the imported entry."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import re
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import shared_data

from navigator.bench.hsds_source import write_hsds
from navigator.directory.loader import load_directory
from navigator.formats.hsds.entries import read_hsds
from navigator.formats.meeting_guide import read_meeting_guide
from navigator.formats.runner import run_import
from navigator.search.engine import Query, search
from navigator.search.places import resolve_place

TODAY = dt.date(2026, 12, 1)
EARTH_RADIUS_MILES = 3958.8


def _miles(lat1, lon1, lat2, lon2) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _in_session(meeting: dict, zone: str, at: dt.datetime) -> bool:
    """The meeting's weekly session (day 0 = Sunday, time, end_time or an hour) holds ``at``, locally."""
    local = at.astimezone(ZoneInfo(zone))
    now = ((local.weekday() + 1) % 7) * 1440 + local.hour * 60 + local.minute
    start = int(meeting["day"]) * 1440 + _minutes(meeting["time"])
    end_clock = meeting.get("end_time")
    length = 60
    if end_clock:
        length = (_minutes(end_clock) - _minutes(meeting["time"])) % 1440 or 60
    return (now - start) % (7 * 1440) < length


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("feeds") / "directory"
    rows = {}
    for name in ("sussexaa", "aasfmarin"):
        path = shared_data("meeting-guide", f"{name}.json")
        meetings = json.loads(path.read_text(encoding="utf-8"))
        batch = read_meeting_guide(path, "aa", TODAY)
        for record in batch.records:  # "meeting 12 ('slug')": the 12th row of the source
            rows[record.entry["id"]] = meetings[int(re.match(r"meeting (\d+)", record.record)[1]) - 1]
        run_import(batch, out, today=TODAY, say=lambda _: None)
    return load_directory(out, use_cache=False, today=TODAY), rows


PLACES = ("19971", "19958", "19947", "94901", "94941", "38.72,-75.08")


@pytest.mark.parametrize("near", PLACES)
@pytest.mark.parametrize("radius", (3.0, 15.0))
def test_a_radius_search_finds_exactly_the_source_meetings_within_it(imported, near, radius):
    directory, rows = imported
    place = resolve_place(near)

    result = search(
        directory,
        Query(near=near, radius=radius, needs=("meeting",), limit=None, include_remote=False),
        now=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
    )

    expected = set()
    for entry in directory.entries:
        meeting = rows[entry["id"]]
        if "location" not in entry or entry["meeting"]["attendance"] == "inactive":
            continue
        lat, lon = meeting.get("latitude"), meeting.get("longitude")
        if lat in (None, "") or "latitude" not in entry["location"]:  # placed by the importer at a ZIP centre
            lat, lon = directory.frame.loc[directory.row_of(entry["id"]), ["lat", "lon"]]
        if _miles(place.lat, place.lon, float(lat), float(lon)) <= radius:
            expected.add(entry["id"])
    assert {hit.id for hit in result.hits if hit.distance_miles is not None} == expected


def _start_of(meeting: dict, zone: str, minutes_in: int) -> dt.datetime:
    """An instant ``minutes_in`` after the meeting's first start on or after TODAY, in its own zone."""
    local_day = TODAY + dt.timedelta(days=(int(meeting["day"]) - (TODAY.weekday() + 1) % 7) % 7)
    hours, minutes = map(int, meeting["time"].split(":")[:2])
    start = dt.datetime(local_day.year, local_day.month, local_day.day, hours, minutes, tzinfo=ZoneInfo(zone))
    return start + dt.timedelta(minutes=minutes_in)


@pytest.mark.parametrize("near", ("19971", "94901"))
@pytest.mark.parametrize(("pick", "minutes_in"), [(0, 10), (7, 59), (20, 30), (33, 0)])
def test_meetings_in_session_at_an_instant_are_exactly_the_source_s(imported, near, pick, minutes_in):
    directory, rows = imported
    place = resolve_place(near)
    nearby = sorted(
        entry["id"]
        for entry in directory.entries
        if "location" in entry
        and entry["meeting"]["attendance"] != "inactive"
        and _miles(place.lat, place.lon, *directory.frame.loc[directory.row_of(entry["id"]), ["lat", "lon"]]) <= 25
    )
    chosen = directory.entries[directory.row_of(nearby[pick % len(nearby)])]
    at = _start_of(rows[chosen["id"]], chosen["timezone"], minutes_in)  # one meeting is surely in session

    result = search(
        directory,
        Query(near=near, radius=25, needs=("meeting",), open_at=at, limit=None, include_remote=False),
        now=at,
    )

    expected = {
        entry_id
        for entry_id in nearby
        if _in_session(rows[entry_id], directory.entries[directory.row_of(entry_id)]["timezone"], at)
    }
    assert chosen["id"] in expected
    assert {hit.id for hit in result.hits if hit.distance_miles is not None} == expected


# --- an HSDS 3.0 package (a synthetic 211 export): radius, a need and a language -------------------


def _csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def hsds_imported(tmp_path_factory):
    work = tmp_path_factory.mktemp("hsds")
    write_hsds(work / "package", 600, random.Random(7))
    run_import(read_hsds(work / "package", today=TODAY), work / "directory", today=TODAY, say=lambda _: None)
    source = {name: _csv_rows(work / "package" / f"{name}.csv") for name in ("locations", "attributes", "languages")}
    return load_directory(work / "directory", use_cache=False, today=TODAY), source


@pytest.mark.parametrize("pick", (0, 1, 2))
@pytest.mark.parametrize(
    ("needs", "language"), [((), None), (("detox",), None), ((), "es"), (("detox",), "es")], ids=str
)
def test_an_hsds_package_answers_radius_need_and_language_as_its_rows_do(hsds_imported, pick, needs, language):
    directory, source = hsds_imported
    locations = source["locations"]
    detox = {row["link_id"] for row in source["attributes"] if row["taxonomy_term_id"] == "t1"}  # Drug Detoxification
    spanish = {row["service_id"] for row in source["languages"] if row["code"] == "es"}
    # Centred on a Spanish-speaking detox service, so that no combination is vacuous.
    centres = [row for row in locations if "s" + row["id"][1:] in detox & spanish]
    center = centres[pick * 5]
    near = f"{center['latitude']},{center['longitude']}"

    result = search(
        directory,
        Query(near=near, radius=150, needs=needs, language=language, limit=None, include_remote=False),
        now=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
    )

    expected = set()
    for row in locations:  # location l<n> holds service s<n>
        service = "s" + row["id"][1:]
        if _miles(float(center["latitude"]), float(center["longitude"]), float(row["latitude"]),
                  float(row["longitude"])) > 150:  # fmt: skip
            continue
        if ("detox" in needs and service not in detox) or (language and service not in spanish):
            continue
        expected.add(service)
    found = {directory.entries[hit.row]["source_id"] for hit in result.hits}
    assert found == expected and expected
