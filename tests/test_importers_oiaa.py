"""Online intergroup (OIAA) import: remote meetings anyone can join, in their own time zone, with
durations, languages and communities; a search at an instant equals a brute-force pass."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from tests.conftest import shared_data
from tests.import_reference import assert_entries_or_one_clear_error, json_documents

from navigator.cli.main import main
from navigator.directory.loader import check_directory, load_directory
from navigator.formats.batch import UnreadableSource
from navigator.formats.oiaa import parse_oiaa, read_oiaa
from navigator.formats.runner import run_import
from navigator.search.engine import Query, search

TODAY = dt.date(2026, 11, 30)
MEETING = {
    "slug": "sunrise",
    "name": "Sunrise Online",
    "timezone": "America/Chicago",
    "day": 1,
    "time": "07:00",
    "duration": 60,
    "conference_url": "https://zoom.example/j/123",
    "languages": ["EN"],
    "formats": ["D"],
    "features": [],
    "communities": [],
    "type": "O",
}


def _one(**changes):
    batch = parse_oiaa(json.dumps([{**MEETING, **changes}]), "oiaa.json", TODAY)
    assert len(batch.records) == 1, batch.skipped
    return batch.entries[0]


def test_the_mock_list_imports_whole_as_remote_meetings_anyone_can_join(tmp_path, capsys):
    source = shared_data("oiaa", "mock-meetings.json")

    assert main(["import", "oiaa", str(source), "--out", str(tmp_path)]) == 0

    assert capsys.readouterr().out.splitlines()[-1] == "read 3, imported 3, merged 0, skipped 0"
    entries, report = check_directory(tmp_path)
    assert report.lines() == [] and len(entries) == 3
    second = next(checked.entry for checked in entries if checked.entry["id"] == "oiaa-test-meeting-2")
    assert second["service_area"] == ["national"] and "location" not in second
    assert second["timezone"] == "America/New_York" and second["languages"] == ["es"]
    assert second["meeting"] == {
        "fellowship": "aa", "attendance": "online",
        "times": [{"days": ["wed"], "start": "19:00", "end": "20:00"}],
        "conference_url": "https://us02web.zoom.us", "types": ["C", "D", "AL-AN", "ONL"],
    }  # fmt: skip
    third = next(checked.entry for checked in entries if checked.entry["id"] == "oiaa-test-meeting-3")
    assert third["serves"] == ["men"] and third["listed_from"] == "feed"


@pytest.mark.parametrize(("day", "name"), [(0, "sun"), (1, "mon"), (6, "sat"), (7, "sun"), ("3", "wed")])
def test_days_count_0_or_7_sunday_to_6_saturday(day, name):
    assert _one(day=day)["meeting"]["times"][0]["days"] == [name]


def test_a_time_given_as_a_utc_instant_is_the_local_weekday_and_time():
    entry = _one(day=None, time=None, timeUTC="2026-12-07T01:30:00Z", timezone="America/Los_Angeles", duration=90)

    assert entry["meeting"]["times"] == [{"days": ["sun"], "start": "17:30", "end": "19:00"}]


def test_communities_and_formats_become_who_is_served_and_needs():
    entry = _one(communities=["W", "LGBTQ", "D-HOH"], formats=["A", "BE"], languages=["FR", "xx"])

    assert entry["serves"] == ["women", "lgbtq", "deaf_hard_of_hearing"]
    assert entry["needs"] == ["secular"] and entry["languages"] == ["fr"]


def test_a_duration_that_is_not_a_length_is_repaired_to_the_hour():
    batch = parse_oiaa(json.dumps([{**MEETING, "duration": -5}]), "oiaa.json", TODAY)

    assert "end" not in batch.entries[0]["meeting"]["times"][0]
    assert "duration -5 is not a usable length" in batch.repaired[0].reason


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"timezone": "Mars/Base"}, "is not an IANA time zone"),
        ({"conference_url": "", "conference_phone": ""}, "an online meeting nobody can join"),
        ({"day": 9}, "is not a weekday number"),
        ({"time": "noonish"}, "is not a time of day"),
        ({"slug": ""}, "no slug"),
        ({"name": None}, "no name"),
    ],
)
def test_meetings_that_cannot_be_listed_are_skipped_with_the_reason(changes, reason):
    batch = parse_oiaa(json.dumps([{**MEETING, **changes}]), "oiaa.json", TODAY)

    assert batch.records == [] and reason in batch.skipped[0].reason


@pytest.mark.parametrize(("text", "message"), [("{", "not valid JSON"), ('{"x": 1}', "not a list of meetings")])
def test_a_file_that_is_not_a_meeting_list_is_refused(text, message):
    with pytest.raises(UnreadableSource, match=message):
        parse_oiaa(text, "oiaa.json", TODAY)


def test_a_saved_list_is_listed_as_of_the_day_it_was_saved_never_later_than_today():
    batch = read_oiaa(shared_data("oiaa", "mock-meetings.json"), TODAY)

    assert batch.provenance.listed_from == "feed" and batch.provenance.listed_as_of <= TODAY


# --- search at an instant equals a brute-force pass over the list ---------------------------------


def _in_session(meeting: dict, instant: dt.datetime) -> bool:
    zone = ZoneInfo(meeting["timezone"])
    local = instant.astimezone(zone)
    hour, minute = map(int, meeting["time"].split(":"))
    for back in range(8):
        day = local.date() - dt.timedelta(days=back)
        if day.isoweekday() % 7 != meeting["day"] % 7:
            continue
        start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if start <= local < start + dt.timedelta(minutes=meeting.get("duration") or 60):
            return True
    return False


@pytest.mark.parametrize(
    "instant",
    [
        dt.datetime(2026, 11, 30, 19, 30, tzinfo=ZoneInfo("America/Los_Angeles")),  # Monday: meeting 1
        dt.datetime(2026, 12, 3, 0, 30, tzinfo=dt.UTC),  # Wednesday 19:30 in New York: meeting 2
        dt.datetime(2026, 12, 1, 19, 10, tzinfo=ZoneInfo("America/Denver")),  # Tuesday in Denver: meeting 3
        dt.datetime(2026, 12, 1, 19, 10, tzinfo=ZoneInfo("America/New_York")),  # Tuesday in New York: none
    ],
)
def test_a_search_at_an_instant_returns_the_meetings_in_session_in_their_own_time_zone(tmp_path, instant):
    source = shared_data("oiaa", "mock-meetings.json")
    run_import(read_oiaa(source, TODAY), tmp_path / "dir", today=TODAY, say=lambda line: None)
    directory = load_directory(tmp_path / "dir", cache_dir=tmp_path / "cache", use_cache=False)

    result = search(directory, Query(near="80222", radius=5, open_at=instant, limit=None))
    reference = {row["slug"] for row in json.loads(source.read_text()) if _in_session(row, instant)}

    assert {directory.entries[hit.row]["source_id"] for hit in result.hits if hit.remote} == reference
    assert len(reference) == (0 if instant.tzinfo == ZoneInfo("America/New_York") else 1)


FUZZ_KEYS = (
    "meetings",
    "slug",
    "name",
    "timezone",
    "day",
    "time",
    "timeUTC",
    "duration",
    "conference_url",
    "languages",
    "communities",
    "type",
)
_JSON = json_documents(FUZZ_KEYS)


def _parse_any(text: str):
    return parse_oiaa(text, "oiaa.json", TODAY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_any_json_gives_entries_or_one_clear_error_never_a_traceback(document):
    assert_entries_or_one_clear_error(_parse_any, document)
