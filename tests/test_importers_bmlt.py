"""BMLT (NA's meeting server) import: the real upstate New York search results, weekday 1 = Sunday,
durations, VM/HY/TC formats, nearest ZIP from coordinates, and a search equal to a brute-force pass."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from tests.conftest import shared_data
from tests.feed_server import FeedServer
from tests.import_reference import assert_entries_or_one_clear_error, json_documents, miles

from navigator.cli.main import main
from navigator.directory.loader import check_directory, load_directory
from navigator.formats.batch import UnreadableSource
from navigator.formats.bmlt import parse_bmlt, read_bmlt
from navigator.formats.runner import run_import
from navigator.search.engine import Query, search
from navigator.search.places import resolve_place

TODAY = dt.date(2026, 11, 30)
MEETING = {
    "id_bigint": "900",
    "weekday_tinyint": "2",
    "start_time": "19:00:00",
    "duration_time": "01:30:00",
    "formats": "O,D",
    "longitude": "-77.1205486",
    "latitude": "42.9613734",
    "meeting_name": "Test Group",
    "location_text": "Grace Church",
    "location_info": "",
    "location_street": "128 Main street",
    "location_municipality": "Clifton Springs",
    "location_province": "NY",
    "virtual_meeting_link": "",
    "phone_meeting_number": "",
}
FORMATS = [
    {"key_string": "O", "name_string": "Open", "world_id": "OPEN", "format_type_enum": "O", "lang": "en"},
    {"key_string": "D", "name_string": "Discussion", "world_id": "DISC", "format_type_enum": "FC1", "lang": "en"},
    {"key_string": "VM", "name_string": "Virtual Meeting", "world_id": "VM", "format_type_enum": "FC2", "lang": "en"},
    {"key_string": "HY", "name_string": "Hybrid", "world_id": "HYBR", "format_type_enum": "FC2", "lang": "en"},
    {"key_string": "TC", "name_string": "Closed", "world_id": "TC", "format_type_enum": "FC2", "lang": "en"},
    {"key_string": "W", "name_string": "Women", "world_id": "W", "format_type_enum": "FC3", "lang": "en"},
    {"key_string": "ES", "name_string": "Espanol", "world_id": "LANG", "format_type_enum": "FC3", "lang": "en"},
    {"key_string": "BT", "name_string": "Basic Text", "world_id": "BT", "format_type_enum": "FC1", "lang": "en"},
]  # fmt: skip


def _parse(*meetings: dict, formats=FORMATS):
    return parse_bmlt(json.dumps({"meetings": list(meetings), "formats": formats}), "na-region.json", TODAY)


def _one(**changes):
    batch = _parse({**MEETING, **changes})
    assert len(batch.records) == 1, batch.skipped
    return batch.entries[0]


@pytest.fixture(scope="module")
def real_batch():
    return read_bmlt(
        shared_data("bmlt", "search-results-day2.json"), TODAY, formats=shared_data("bmlt", "formats.json")
    )


def test_every_meeting_of_the_real_search_results_is_imported_and_placed_at_its_nearest_zip(real_batch):
    assert real_batch.read == 53 and len(real_batch.records) == 53 and real_batch.skipped == []
    first = real_batch.entries[0]
    assert first["id"] == "bmlt-search-results-day2-2566"
    assert first["name"] == "Step up and Be Free" and first["organization"] == "Narcotics Anonymous"
    assert first["location"] == {
        "address": "128 Main street", "city": "Clifton Springs", "state": "NY", "zip": "14432",
        "latitude": 42.961373, "longitude": -77.120549,
    }  # fmt: skip
    assert first["meeting"] == {
        "fellowship": "na", "attendance": "in_person", "times": [{"days": ["mon"], "start": "19:00"}],
        "types": ["O"],
    }  # fmt: skip
    assert (
        first["description"]
        == "At Clifton springs Hospital, Admin Conference Room.\n\nFormats: Open, Rotating Format, Topic."
    )
    assert first["tags"] == ["RF", "To"] and first["timezone"] == "America/New_York"
    assert first["listed_from"] == "feed"
    assert "meeting 1 (id 2566): no postal code: used 14432, the ZIP code nearest its coordinates" in map(
        str, real_batch.repaired
    )


def test_the_real_search_results_import_into_a_folder_that_validates(tmp_path, capsys):
    source = shared_data("bmlt", "search-results-day2.json")
    formats = shared_data("bmlt", "formats.json")

    assert main(["import", "bmlt", str(source), "--formats", str(formats), "--out", str(tmp_path)]) == 0

    assert capsys.readouterr().out.splitlines()[-1] == "read 53, imported 53, merged 0, skipped 0"
    entries, report = check_directory(tmp_path)
    assert report.lines() == [] and len(entries) == 53


@pytest.mark.parametrize(("number", "day"), [("1", "sun"), ("2", "mon"), ("4", "wed"), ("7", "sat")])
def test_weekday_tinyint_counts_from_sunday(number, day):
    assert _one(weekday_tinyint=number)["meeting"]["times"][0]["days"] == [day]


@pytest.mark.parametrize("number", ["0", "8", "", "Monday"])
def test_a_weekday_outside_1_to_7_is_skipped_with_the_reason(number):
    batch = _parse({**MEETING, "weekday_tinyint": number})

    assert batch.records == [] and "is not 1 (Sunday) to 7" in batch.skipped[0].reason


def test_the_duration_gives_the_end_time_and_a_wrong_one_is_repaired():
    assert _one()["meeting"]["times"] == [{"days": ["mon"], "start": "19:00", "end": "20:30"}]
    assert _one(start_time="23:30:00", duration_time="01:00:00")["meeting"]["times"][0]["end"] == "00:30"
    batch = _parse({**MEETING, "duration_time": "14:00:00"})
    assert "end" not in batch.entries[0]["meeting"]["times"][0]
    assert any("duration_time '14:00:00' is not a usable length" in note.reason for note in batch.repaired)


def test_formats_become_types_serves_languages_and_the_rest_tags():
    entry = _one(formats="O,W,ES,BT,ZZ")

    assert entry["meeting"]["types"] == ["O", "W", "S"]
    assert entry["serves"] == ["women"] and entry["languages"] == ["es"]
    assert entry["tags"] == ["BT", "ZZ"]
    assert "Formats: Open, Women, Espanol, Basic Text, ZZ." in entry["description"]


def test_a_virtual_meeting_without_a_street_is_an_online_meeting_serving_its_state():
    entry = _one(formats="VM", location_street="", virtual_meeting_link="https://zoom.example/j/1")

    assert entry["meeting"]["attendance"] == "online" and "location" not in entry
    assert entry["service_area"] == ["NY"] and entry["meeting"]["conference_url"] == "https://zoom.example/j/1"


def test_a_virtual_meeting_with_a_street_or_the_hybrid_format_is_hybrid():
    assert _one(formats="VM", virtual_meeting_link="https://zoom.example/j/1")["meeting"]["attendance"] == "hybrid"
    assert _one(formats="HY")["meeting"]["attendance"] == "hybrid"


def test_venue_type_wins_over_the_formats():
    entry = _one(venue_type="2", formats="O", phone_meeting_number="+1 646 558 8656")

    assert entry["meeting"]["attendance"] == "online" and entry["meeting"]["conference_phone"] == "646-558-8656"


def test_a_temporarily_closed_place_is_inactive_unless_it_meets_online():
    closed = _one(formats="TC")
    moved_online = _one(formats="TC", virtual_meeting_link="https://zoom.example/j/2")

    assert closed["status"] == "temporarily_closed" and closed["meeting"]["attendance"] == "inactive"
    assert moved_online["meeting"]["attendance"] == "online" and "status" not in moved_online


def test_an_online_meeting_with_no_state_serves_the_whole_country_in_its_time_zone():
    entry = _one(
        venue_type="2", location_province="", latitude="0", longitude="0", location_street="",
        time_zone="America/Chicago", virtual_meeting_link="https://zoom.example/j/3",
    )  # fmt: skip

    assert entry["service_area"] == ["national"] and entry["timezone"] == "America/Chicago"


def test_a_postal_code_and_a_state_written_out_are_used_as_given():
    entry = _one(location_postal_code_1="14432", location_province="New York")

    assert entry["location"]["zip"] == "14432" and entry["location"]["state"] == "NY"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"published": "0"}, "not published on the server"),
        ({"id_bigint": ""}, "no id_bigint"),
        ({"meeting_name": " "}, "no meeting_name"),
        ({"location_nation": "Canada"}, "outside the United States (Canada)"),
        ({"start_time": "7 o'clock"}, "is not a time of day"),
    ],
)
def test_meetings_that_cannot_be_listed_are_skipped_with_the_reason(changes, reason):
    batch = _parse({**MEETING, **changes})

    assert batch.records == [] and reason in batch.skipped[0].reason


@pytest.mark.parametrize(
    ("text", "message"),
    [("<html>", "not valid JSON"), ('{"data": []}', "not BMLT search results"), ("42", "not BMLT search results")],
)
def test_a_reply_that_is_not_search_results_is_refused(text, message):
    with pytest.raises(UnreadableSource, match=message):
        parse_bmlt(text, "x.json", TODAY)


def test_the_command_refuses_a_broken_reply_with_exit_1_and_writes_nothing(tmp_path, capsys):
    source = tmp_path / "results.json"
    source.write_text("[{", encoding="utf-8")

    assert main(["import", "bmlt", str(source), "--out", str(tmp_path / "out")]) == 1

    error = capsys.readouterr().err
    assert error.startswith("navigator: ") and "not valid JSON" in error and not (tmp_path / "out").exists()


def test_a_server_imported_from_a_url_is_listed_as_of_the_fetch(tmp_path, capsys):
    body = shared_data("bmlt", "search-results-day2.json").read_bytes()
    server = FeedServer(files={"/main_server/client_interface/json/": body}).start()
    try:
        url = server.url("/main_server/client_interface/json/")
        code = main(["import", "bmlt", url, "--out", str(tmp_path)])
    finally:
        server.stop()

    output = capsys.readouterr()
    assert code == 0, output.err
    assert f"listed as of {dt.datetime.now(dt.UTC).date()}: fetched from {url}" in output.out
    entries, report = check_directory(tmp_path)
    assert report.lines() == [] and len(entries) == 53


def test_the_format_list_may_be_the_servers_getformats_url(tmp_path, capsys):
    results = json.loads(shared_data("bmlt", "search-results-day2.json").read_text())["meetings"]
    server = FeedServer(
        files={
            "/results.json": json.dumps(results).encode(),  # results without their formats
            "/GetFormats": shared_data("bmlt", "formats.json").read_bytes(),
        }
    ).start()
    try:
        args = ["import", "bmlt", server.url("/results.json"), "--formats", server.url("/GetFormats")]
        code = main([*args, "--out", str(tmp_path)])
    finally:
        server.stop()

    assert code == 0, capsys.readouterr().err
    entries, report = check_directory(tmp_path)
    first = next(checked.entry for checked in entries if checked.entry["source_id"] == "2566")
    assert report.lines() == [] and "Formats: Open, Rotating Format, Topic." in first["description"]


# --- search over the import equals a brute-force pass over the server's rows ---------------------

NEW_YORK = ZoneInfo("America/New_York")


def _in_session(meeting: dict, instant: dt.datetime) -> bool:
    """Written from the BMLT fields alone: weekday 1 = Sunday, start, an hour without a duration."""
    local = instant.astimezone(NEW_YORK)
    hour, minute = map(int, meeting["start_time"].split(":")[:2])
    for weeks in (-1, 0):
        day = local.date() - dt.timedelta(days=(local.isoweekday() % 7 + 1 - int(meeting["weekday_tinyint"])) % 7)
        start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK) + dt.timedelta(weeks=weeks)
        if start <= local < start + dt.timedelta(hours=1):
            return True
    return False


@pytest.mark.parametrize(
    ("near", "radius", "instant", "some"),
    [
        ("14424", 30, None, True),
        ("13021", 15, None, True),
        ("14424", 50, dt.datetime(2026, 11, 30, 19, 30, tzinfo=NEW_YORK), True),  # a Monday evening
        ("14607", 40, dt.datetime(2026, 12, 1, 0, 15, tzinfo=dt.UTC), True),  # the same evening, 19:15 in New York
        ("14424", 50, dt.datetime(2026, 12, 1, 19, 30, tzinfo=NEW_YORK), False),  # Tuesday: none meets
    ],
)
def test_a_search_over_the_import_returns_what_a_brute_force_pass_over_the_results_returns(
    tmp_path, real_batch, near, radius, instant, some
):
    run_import(real_batch, tmp_path / "dir", today=TODAY, say=lambda line: None)
    directory = load_directory(tmp_path / "dir", cache_dir=tmp_path / "cache", use_cache=False)
    place = resolve_place(near)

    result = search(directory, Query(near=near, radius=radius, open_at=instant, limit=None, include_remote=False))
    rows = json.loads(shared_data("bmlt", "search-results-day2.json").read_text())["meetings"]
    reference = {
        row["id_bigint"]
        for row in rows
        if miles(place.lat, place.lon, float(row["latitude"]), float(row["longitude"])) <= radius
        and (instant is None or _in_session(row, instant))
    }

    assert {directory.entries[hit.row]["source_id"] for hit in result.hits} == reference
    assert bool(reference) is some


FUZZ_KEYS = (
    "meetings",
    "formats",
    "id_bigint",
    "meeting_name",
    "weekday_tinyint",
    "start_time",
    "duration_time",
    "latitude",
    "longitude",
    "location_province",
    "key_string",
    "world_id",
    "venue_type",
)
_JSON = json_documents(FUZZ_KEYS)


def _parse_any(text: str):
    return parse_bmlt(text, "results.json", TODAY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_any_json_gives_entries_or_one_clear_error_never_a_traceback(document):
    assert_entries_or_one_clear_error(_parse_any, document)
