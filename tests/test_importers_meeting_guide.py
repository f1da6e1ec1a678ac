"""Meeting Guide feed import: the real feeds in shared/data, and feeds of other regions."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from tests.conftest import shared_data

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.formats import tables
from navigator.formats.batch import UnreadableSource
from navigator.formats.meeting_guide import (
    infer_fellowship,
    parse_meeting_guide,
    read_meeting_guide,
    split_formatted_address,
)
from navigator.formats.runner import run_import

TODAY = dt.date(2026, 1, 15)
IN_PERSON = {
    "slug": "noon",
    "name": "Noon Group",
    "day": 1,
    "time": "12:00",
    "end_time": "13:00",
    "address": "1234 E Colfax Ave",
    "city": "Denver",
    "state": "CO",
    "postal_code": "80218",
    "latitude": 39.7402,
    "longitude": -104.9701,
    "types": ["O", "D"],
}


def _parse(*meetings, fellowship="aa", name="region.json"):
    return parse_meeting_guide(json.dumps(list(meetings)), name, fellowship, TODAY)


def _only(batch) -> dict:
    assert len(batch.records) == 1, [str(note) for note in batch.skipped]
    return batch.records[0].entry


def _meeting(**changes) -> dict:
    meeting = dict(IN_PERSON)
    meeting.update(changes)
    return {key: value for key, value in meeting.items() if value is not None}


def _reasons(notes) -> str:
    return " | ".join(str(note) for note in notes)


def _feed(name):
    return read_meeting_guide(shared_data("meeting-guide", f"{name}.json"), today=TODAY)


# --- the real feeds -------------------------------------------------------------------------------


def test_the_sussex_feed_imports_every_meeting_with_the_attendance_the_feed_states():
    batch = _feed("sussexaa")

    assert (batch.read, len(batch.records), batch.skipped) == (123, 123, [])
    attendance = Counter(entry["meeting"]["attendance"] for entry in batch.entries)
    assert attendance == {"in_person": 94, "online": 28, "hybrid": 1}
    assert {entry["meeting"]["fellowship"] for entry in batch.entries} == {"aa"}
    assert {entry["timezone"] for entry in batch.entries} == {"America/New_York"}  # the feed has none
    assert all(("location" in entry) == (entry["meeting"]["attendance"] != "online") for entry in batch.entries)
    assert any("fellowship aa" in note for note in batch.notes)


def test_a_known_sussex_meeting_maps_field_by_field():
    entry = next(e for e in _feed("sussexaa").entries if e["id"] == "mg-sussexaa-rehoboth-beach-speaker")

    assert entry == {
        "id": "mg-sussexaa-rehoboth-beach-speaker",
        "name": "Rehoboth Beach Speaker",
        "organization": "Rehoboth Beach Sunday Group",
        "category": "support_meeting",
        "description": "At All Saints' Episcopal Church.\n\nParking is NOT PERMITTED in the church "
        "parking lot. "
        "Anyone parking in the lot will be towed.",
        "website": "https://sussexaa.org/meetings/rehoboth-beach-speaker/",
        "location": {
            "address": "18 Olive Ave",
            "city": "Rehoboth Beach",
            "state": "DE",
            "zip": "19971",
            "latitude": 38.718678,
            "longitude": -75.07802,
        },
        "timezone": "America/New_York",
        "meeting": {
            "fellowship": "aa",
            "attendance": "in_person",
            "times": [{"days": ["sun"], "start": "19:00", "end": "20:00"}],
            "types": ["O", "SP"],
        },
        "source": "meeting_guide",
        "source_id": "rehoboth-beach-speaker",
        "last_verified": "2026-01-15",
        "last_changed": "2022-07-09",
        "verified_how": "import",
    }


def test_a_temporarily_closed_meeting_that_meets_online_is_an_online_remote_entry():
    entry = next(e for e in _feed("sussexaa").entries if e["id"] == "mg-sussexaa-early-birds-absi")

    assert entry["meeting"]["attendance"] == "online"
    assert "location" not in entry and entry["service_area"] == ["DE"]
    assert entry["meeting"]["conference_phone"] == "+1-646-558-8656"
    assert entry["meeting"]["conference_url"].startswith("https://zoom.us/j/976368599")
    assert "temporarily closed" in entry["description"]
    assert "status" not in entry


def test_the_marin_feed_places_every_meeting_and_says_how_where_it_had_to_guess():
    batch = _feed("aasfmarin")
    entries = {entry["id"]: entry for entry in batch.entries}

    assert (batch.read, len(batch.records), batch.skipped) == (658, 658, [])
    assert Counter(entry["meeting"]["attendance"] for entry in batch.entries) == {
        "online": 514,
        "hybrid": 89,
        "in_person": 55,
    }
    assert all(entry["service_area"] == ["CA"] for entry in batch.entries if "service_area" in entry)
    located = [entry for entry in batch.entries if "location" in entry]
    assert sum("latitude" in entry["location"] for entry in located) == 141
    assert entries["mg-aasfmarin-lincoln-park-1081"]["location"]["zip"] == "94121"  # written in the address
    assert entries["mg-aasfmarin-24-hours-a-day-782"]["location"]["zip"] == "94110"  # nearest its coordinates
    assert "latitude" not in entries["mg-aasfmarin-the-headless-horsemen-862"]["location"]  # one coordinate only
    reasons = _reasons(batch.repaired)
    assert "ZIP 94121 taken from the address" in reasons
    assert "only one coordinate given" in reasons


def test_a_known_marin_online_meeting_keeps_its_time_zone_languages_and_dial_in():
    entry = next(e for e in _feed("aasfmarin").entries if e["id"] == "mg-aasfmarin-marin-city-fellowship-speaker-619")

    assert entry["timezone"] == "America/Los_Angeles"
    assert entry["languages"] == ["en"]
    assert entry["meeting"]["times"] == [{"days": ["wed"], "start": "18:30"}]
    assert entry["meeting"]["conference_phone"] == "+1-669-900-9128"
    assert entry["meeting"]["types"] == ["O", "D", "SP", "EN", "ONL"]
    assert "Enter PIN: 085392#" in entry["description"]


def test_the_tiny_feeds_keep_their_explicit_time_zones():
    atlanta = _feed("atlanta")
    zones = _feed("timezones")

    assert len(atlanta.records) == 6
    assert {e["location"]["state"] for e in atlanta.entries} == {"GA"}
    assert {e["source_id"]: e["timezone"] for e in zones.entries} == {
        "sf-meeting": "America/Los_Angeles",
        "pa-meeting": "America/New_York",
    }
    # Only a city: the reference tools list a meeting with no address as inactive, and so do we.
    assert {e["meeting"]["attendance"] for e in zones.entries} == {"inactive"}
    assert {e["service_area"][0] for e in zones.entries} == {"CA", "PA"}


def test_the_broken_feed_is_refused_with_a_clear_error_and_nothing_is_written(tmp_path, capsys):
    out = tmp_path / "out"

    code = main(
        [
            "import",
            "meeting-guide",
            str(shared_data("meeting-guide", "invalid.json")),
            "--out",
            str(out),
        ]
    )

    assert code == 1
    error = capsys.readouterr().err.strip()
    assert "invalid.json: not valid JSON" in error and "line 80" in error and "\n" not in error
    assert not out.exists()


def test_the_real_feeds_import_into_a_folder_that_validates_and_reimports_idempotently(tmp_path, capsys):
    out = tmp_path / "out"
    for name in ("sussexaa", "aasfmarin", "atlanta", "timezones"):
        assert (
            main(
                [
                    "import",
                    "meeting-guide",
                    str(shared_data("meeting-guide", f"{name}.json")),
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
    first = (out / "meeting-guide-sussexaa.yaml").read_bytes()
    capsys.readouterr()

    assert (
        main(
            [
                "import",
                "meeting-guide",
                str(shared_data("meeting-guide", "sussexaa.json")),
                "--out",
                str(out),
            ]
        )
        == 0
    )

    assert capsys.readouterr().out.splitlines()[-1] == "read 123, imported 0, merged 123, skipped 0"
    assert (out / "meeting-guide-sussexaa.yaml").read_bytes() == first
    entries, report = check_directory(out)  # imported today by the command
    assert report.lines() == []
    assert len(entries) == 123 + 658 + 6 + 2


# --- feeds of other regions -----------------------------------------------------------------------


def test_days_may_be_a_list_and_times_may_be_written_with_am_pm():
    entry = _only(_parse(_meeting(day=[1, "3", "Friday"], time="7:30 pm", end_time="8:30 PM")))

    assert entry["meeting"]["times"] == [{"days": ["mon", "wed", "fri"], "start": "19:30", "end": "20:30"}]


def test_day_7_is_read_as_sunday_and_said_so():
    batch = _parse(_meeting(day="7"))

    assert _only(batch)["meeting"]["times"][0]["days"] == ["sun"]
    assert "day 7 read as Sunday" in _reasons(batch.repaired)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"day": None, "time": None}, "by appointment"),
        ({"day": 9}, "not a weekday number"),
        ({"time": "noonish"}, "not a time of day"),
        ({"name": " "}, "no name"),
        ({"country": "Canada"}, "outside the United States"),
    ],
)
def test_a_meeting_that_cannot_be_listed_is_skipped_with_its_reason(changes, reason):
    batch = _parse(_meeting(**changes))

    assert batch.records == []
    assert reason in _reasons(batch.skipped) and "'noon'" in batch.skipped[0].record


def test_a_record_that_is_not_an_object_is_skipped_not_dropped():
    batch = parse_meeting_guide(json.dumps([IN_PERSON, "oops"]), "region.json", "aa", TODAY)

    assert batch.read == 2 and len(batch.records) == 1
    assert "meeting 2: not a meeting" in _reasons(batch.skipped)


def test_types_map_to_who_is_served_languages_accessibility_and_secular():
    entry = _only(_parse(_meeting(types=["W", "Y", "LGBTQ", "S", "EN", "ASL", "X", "A", "BA"])))

    assert entry["serves"] == ["women", "youth", "lgbtq", "deaf_hard_of_hearing"]
    assert entry["languages"] == ["es", "en"]
    assert entry["accessibility"] == ["Wheelchair accessible"]
    assert entry["needs"] == ["secular"]
    assert entry["meeting"]["types"] == ["W", "Y", "LGBTQ", "S", "EN", "ASL", "X", "A", "BA"]


def test_a_spanish_speaker_meeting_is_not_taken_for_spanish():
    assert "languages" not in _only(_parse(_meeting(types=["SP"])))


@pytest.mark.parametrize(
    ("changes", "attendance", "located"),
    [
        ({"types": ["O", "ONL"], "conference_url": "https://zoom.us/j/1"}, "hybrid", True),
        ({"conference_url": "https://zoom.us/j/1"}, "hybrid", True),
        (
            {"address": None, "conference_url": "https://zoom.us/j/1", "postal_code": None},
            "online",
            False,
        ),
        (
            {"approximate": "yes", "types": ["ONL"], "conference_phone": "+13035550100"},
            "online",
            False,
        ),
        ({"types": ["TC", "ONL"], "conference_url": "https://zoom.us/j/1"}, "online", False),
        ({"attendance_option": "online", "conference_url": "https://zoom.us/j/1"}, "online", False),
    ],
)
def test_attendance_is_inferred_as_the_reference_tools_do(changes, attendance, located):
    entry = _only(_parse(_meeting(**changes)))

    assert entry["meeting"]["attendance"] == attendance
    assert ("location" in entry) is located
    assert located or entry["service_area"] == ["CO"]


def test_a_temporarily_closed_meeting_without_a_link_is_inactive_and_marked_closed():
    entry = _only(_parse(_meeting(types=["O", "TC"])))

    assert entry["meeting"]["attendance"] == "inactive"
    assert entry["status"] == "temporarily_closed"


def test_a_formatted_address_is_split_into_its_parts():
    assert split_formatted_address("4953 W Addison St, Suite 2, Chicago, IL 60641, USA") == {
        "country": "US",
        "state": "IL",
        "zip": "60641",
        "city": "Chicago",
        "address": "4953 W Addison St, Suite 2",
    }
    assert split_formatted_address("Sussex County, DE, USA") == {
        "country": "US",
        "state": "DE",
        "zip": None,
        "city": "Sussex County",
        "address": None,
    }


def test_a_meeting_without_coordinates_is_placed_at_its_zip_centroid():
    batch = _parse(_meeting(latitude=None, longitude=None))

    location = _only(batch)["location"]
    assert location["zip"] == "80218" and "latitude" not in location
    assert "ZIP centroid" in _reasons(batch.repaired)


def test_a_meeting_without_a_zip_takes_the_one_nearest_its_city_centre():
    batch = _parse(_meeting(latitude=None, longitude=None, postal_code=None, city="Boulder"))

    assert _only(batch)["location"]["zip"].startswith("803")
    assert "nearest the centre of Boulder, CO" in _reasons(batch.repaired)


def test_the_time_zone_is_inferred_from_the_zip_when_the_feed_has_none():
    phoenix = _meeting(
        address="1 Main St",
        city="Phoenix",
        state="AZ",
        postal_code="85004",
        latitude=None,
        longitude=None,
    )

    assert _only(_parse(phoenix))["timezone"] == "America/Phoenix"
    assert _only(_parse(_meeting(timezone="America/Denver")))["timezone"] == "America/Denver"


def test_a_meeting_without_a_slug_gets_a_stable_id_from_its_name_day_time_and_address():
    first = _only(_parse(_meeting(slug=None)))
    again = _only(_parse(_meeting(slug=None)))

    assert first["id"] == again["id"] == "mg-region-noon-group-1-12-00-1234-e-colfax-ave"


def test_repeated_slugs_get_numbered_ids_and_a_note():
    batch = _parse(_meeting(), _meeting(day=2))

    assert [entry["id"] for entry in batch.entries] == ["mg-region-noon", "mg-region-noon-2"]
    assert "slug used by more than one meeting" in _reasons(batch.repaired)


def test_a_conference_phone_with_dialling_codes_keeps_the_number_and_tells_the_rest():
    entry = _only(_parse(_meeting(conference_phone="+16699009128,,530851127#")))

    assert entry["meeting"]["conference_phone"] == "+1-669-900-9128"
    assert "By phone: +16699009128,,530851127#" in entry["description"]


def test_the_fellowship_is_inferred_from_the_feed_or_else_other_and_said_either_way():
    assert infer_fellowship("feed.json", [{"entity": "Narcotics Anonymous of Chicagoland"}])[0] == "na"
    assert infer_fellowship("sussexaa.json", [])[0] == "aa"
    assert infer_fellowship("meetings.json", [{"url": "https://www.aasfmarin.org/meetings"}])[0] == "aa"
    assert infer_fellowship("atlanta.json", [])[0] == "other"  # "atlanta" ends in "na", which says nothing

    batch = _parse(_meeting(), fellowship=None, name="meetings.json")
    assert _only(batch)["meeting"]["fellowship"] == "other"
    assert any("pass --fellowship" in note for note in batch.notes)


def test_the_fellowship_flag_wins_and_a_wrong_one_is_a_usage_error(tmp_path, capsys):
    feed = tmp_path / "sussexaa.json"
    feed.write_text(json.dumps([IN_PERSON]), encoding="utf-8")
    out = tmp_path / "out"

    assert main(["import", "meeting-guide", str(feed), "--out", str(out), "--fellowship", "al_anon"]) == 0
    assert "fellowship: al_anon" in (out / "meeting-guide-sussexaa.yaml").read_text(encoding="utf-8")
    assert main(["import", "meeting-guide", str(feed), "--out", str(out), "--fellowship", "alanon"]) == 2
    assert "alanon" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"meeting": 1}', "not a list of meetings"),
        ("", "not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_feed_is_refused(text, message):
    with pytest.raises(UnreadableSource, match=message):
        parse_meeting_guide(text, "feed.json", "aa", TODAY)


def test_a_feed_wrapped_in_an_object_with_a_meetings_list_is_read():
    assert len(parse_meeting_guide(json.dumps({"meetings": [IN_PERSON]}), "f.json", "aa", TODAY).records) == 1


def test_imported_meetings_pass_the_directory_checks(tmp_path):
    online = _meeting(slug="online", address=None, postal_code=None, conference_url="https://zoom.us/j/1")
    run_import(
        _parse(IN_PERSON, online, _meeting(slug="closed", types=["TC"])),
        tmp_path,
        today=TODAY,
        say=lambda line: None,
    )

    entries, report = check_directory(tmp_path, today=TODAY)
    assert report.lines() == [] and len(entries) == 3


# --- issue 18: long slugs, web addresses, whole addresses, online anywhere, v2, end times ---------


def test_long_slugs_that_differ_only_at_their_ends_get_different_ids_within_the_limit():
    stem = "a-very-long-meeting-slug-" * 8
    batch = _parse(_meeting(slug=stem + "tuesday"), _meeting(slug=stem + "thursday"), _meeting(slug=stem + "thursday"))

    ids = [entry["id"] for entry in batch.entries]
    assert len(set(ids)) == 3 and all(len(entry_id) <= 120 for entry_id in ids)
    assert ids[2].endswith("-2")


def test_a_web_address_written_with_a_capital_h_is_a_web_address():
    assert _only(_parse(_meeting(url="Http://Example.org/Meeting")))["website"] == "http://Example.org/Meeting"


def test_a_whole_address_in_the_address_field_is_split_like_a_formatted_address():
    entry = _only(_parse(_meeting(address="1234 E Colfax Ave, Denver, CO 80218, USA", city=None, state=None)))

    assert entry["location"]["address"] == "1234 E Colfax Ave"
    assert (entry["location"]["city"], entry["location"]["state"], entry["location"]["zip"]) == (
        "Denver",
        "CO",
        "80218",
    )


def test_an_online_meeting_with_no_state_is_a_remote_meeting_anyone_can_join():
    online = {
        "slug": "night-owls",
        "name": "Night Owls",
        "day": 3,
        "time": "23:00",
        "conference_url": "https://zoom.us/j/123",
        "types": ["ONL"],
        "timezone": "America/Chicago",
    }
    entry = _only(_parse(online))

    assert entry["service_area"] == ["national"] and entry["meeting"]["attendance"] == "online"


def test_a_meeting_with_only_regions_is_placed_in_its_narrowest_region():
    batch = _parse(
        _meeting(
            address="12 Main St",
            city=None,
            postal_code=None,
            latitude=None,
            longitude=None,
            regions=["Colorado", "Denver"],
        )
    )

    assert _only(batch)["location"]["city"] == "Denver"


def test_the_version_2_proposal_reads_day_lists_languages_and_the_organization():
    batch = read_meeting_guide(shared_data("meeting-guide", "spec-examples", "version-2-proposal.json"), "aa", TODAY)

    assert (batch.read, len(batch.records), batch.skipped) == (2, 2, [])
    first, second = batch.entries
    assert first["meeting"]["times"] == [{"days": ["mon", "wed", "fri"], "start": "06:00", "end": "07:00"}]
    assert second["languages"] == ["es"] and second["meeting"]["times"][0]["days"] == ["tue", "thu"]
    assert first["location"] == {"address": "1234 Union Ave", "city": "San Jose", "state": "CA", "zip": "95051"}
    assert first["organization"] == "Santa Clara County Central Office"
    assert first["phones"][0]["number"] == "408-374-8511"


def test_every_spec_example_imports_whole_each_meeting_listed_or_skipped_with_a_reason():
    for name in ("schema-example", "kansas-city-data-sample", "version-2-proposal"):
        batch = read_meeting_guide(shared_data("meeting-guide", "spec-examples", f"{name}.json"), "aa", TODAY)
        assert batch.read == len(batch.records) + len(batch.skipped) > 0
        assert all(note.reason for note in batch.skipped)


@pytest.mark.parametrize(
    ("start", "end", "kept", "said"),
    [
        ("12:15", "01:15", "13:15", "would make a 13-hour meeting: read as 13:15"),
        ("19:00", "08:30", "20:30", "read as 20:30"),
        ("19:00", "06:00", None, "left out"),
        ("23:30", "00:30", "00:30", None),  # past midnight, an hour: as written
        ("07:00", "08:00", "08:00", None),
    ],
)
def test_an_end_time_that_makes_an_implausible_meeting_is_repaired_and_listed(start, end, kept, said):
    batch = _parse(_meeting(time=start, end_time=end))

    assert _only(batch)["meeting"]["times"][0].get("end") == kept
    if said:
        assert said in _reasons(batch.repaired)
    else:
        assert batch.repaired == []


def test_a_feed_is_listed_as_of_when_it_was_saved_and_its_rows_keep_their_own_edits(tmp_path, capsys):
    feed = tmp_path / "region.json"
    feed.write_text(json.dumps([_meeting(updated="2019-03-04 10:00:00")]))
    saved = dt.datetime.fromtimestamp(feed.stat().st_mtime, dt.UTC).date().isoformat()

    assert main(["import", "meeting-guide", str(feed), "--out", str(tmp_path / "out"), "--fellowship", "aa"]) == 0

    entries, report = check_directory(tmp_path / "out")
    assert report.lines() == []
    entry = entries[0].entry
    assert (entry["last_verified"], entry["listed_as_of"], entry["listed_from"]) == (saved, saved, "feed")
    assert entry["last_changed"] == "2019-03-04"
    assert f"listed as of {saved}" in capsys.readouterr().out


def test_a_feed_imported_from_a_url_is_listed_as_of_the_fetch(feed_server, tmp_path, capsys):
    feed_server.files["/tsml/region.json"] = json.dumps([_meeting(updated="2019-03-04")]).encode()
    fetched_on = dt.datetime.now(dt.UTC).date().isoformat()

    code = main(
        ["import", "meeting-guide", feed_server.url("/tsml/region.json"), "--out", str(tmp_path), "--fellowship", "aa"]
    )

    assert code == 0
    entries, report = check_directory(tmp_path)
    entry = entries[0].entry
    assert report.lines() == [] and entry["id"] == "mg-region-noon"
    assert entry["listed_as_of"] == fetched_on and entry["last_changed"] == "2019-03-04"
    assert "fetched from http://127.0.0.1:" in capsys.readouterr().out


def test_a_url_that_cannot_be_fetched_exits_1_naming_it_and_writes_nothing(feed_server, tmp_path, capsys):
    code = main(["import", "meeting-guide", feed_server.url("/missing.json"), "--out", str(tmp_path / "out")])

    assert code == 1 and not (tmp_path / "out").exists()
    error = capsys.readouterr().err
    assert "/missing.json" in error and "404" in error and error.endswith("\n") and error.count("\n") == 1


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_deeply_nested_feed_is_a_clear_error_never_a_traceback(tmp_path, capsys, depth):
    feed = tmp_path / "deep.json"
    feed.write_text("[" * depth + "]" * depth, encoding="utf-8")

    assert main(["import", "meeting-guide", str(feed), "--out", str(tmp_path / "out")]) == 1
    assert "deep.json: is nested more than 32 levels deep" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_source_over_the_size_limit_is_refused_with_its_size_before_it_is_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(tables, "MAX_SOURCE_BYTES", 1000)
    feed = tmp_path / "huge.json"
    feed.write_text("[" + ",".join(["{}"] * 1000) + "]", encoding="utf-8")

    assert main(["import", "meeting-guide", str(feed), "--out", str(tmp_path / "out")]) == 1
    assert "huge.json: is 3,001 bytes; sources are read up to 1,000 bytes" in capsys.readouterr().err
