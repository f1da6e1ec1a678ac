import csv
import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.conftest import shared_data, write_directory

from navigator.cli.main import main
from navigator.directory import packing
from navigator.directory.loader import load_directory
from navigator.directory.problems import DirectoryError
from navigator.directory.segment import text_in_arrow
from navigator.search import engine
from navigator.search.engine import Query, UnknownCode, search
from navigator.search.places import PlaceNotFound

DENVER = ZoneInfo("America/Denver")
MILES_PER_DEGREE = math.pi * 3958.8 / 180  # one degree of latitude on the contract's sphere


def entry(entry_id, lat=39.671, lon=-104.928, category="moud_provider", **fields):
    data = {
        "id": entry_id,
        "name": fields.pop("name", entry_id.replace("-", " ").title()),
        "organization": fields.pop("organization", "Org"),
        "category": category,
        "last_verified": fields.pop("last_verified", "2026-10-01"),
    }
    state, zip_code = fields.pop("state", "CO"), fields.pop("zip", "80222")
    if fields.pop("remote", False):
        data["service_area"] = fields.pop("service_area", ["CO"])
    else:
        data["location"] = {"city": "Denver", "state": state, "zip": zip_code, "latitude": lat, "longitude": lon}
    data.update(fields)
    return data


def meeting(entry_id, days, start, end=None, attendance="in_person", **fields):
    times = {"days": days, "start": start, **({"end": end} if end else {})}
    return entry(
        entry_id,
        category="support_meeting",
        meeting={"fellowship": "aa", "attendance": attendance, "times": [times]},
        **fields,
    )


def directory_of(tmp_path, *entries):
    folder = write_directory(tmp_path / "directory", {"entries.yaml": yaml.safe_dump(list(entries), sort_keys=False)})
    try:
        return load_directory(folder, today=dt.date(2026, 11, 23))
    except DirectoryError as error:
        pytest.fail("\n".join(error.report.lines()))


def ids(result):
    return [hit.id for hit in result.hits]


def test_zip_with_leading_zero_finds_entries_near_its_centroid(tmp_path):
    loaded = directory_of(
        tmp_path, entry("allston", lat=42.3535, lon=-71.1329, state="MA", zip="02134"), entry("denver")
    )
    result = search(loaded, Query(near="02134", radius=5))
    assert ids(result) == ["allston"]
    assert result.hits[0].distance_miles == pytest.approx(0, abs=0.01)
    assert result.place.zip == "02134"


def test_city_with_a_two_word_name(tmp_path):
    loaded = directory_of(tmp_path, entry("springs", lat=38.83, lon=-104.82), entry("denver"))
    assert ids(search(loaded, Query(near="Colorado Springs, CO", radius=15))) == ["springs"]


def test_coordinates_are_used_as_given(tmp_path):
    loaded = directory_of(tmp_path, entry("here", lat=39.67, lon=-104.93))
    result = search(loaded, Query(near="39.67, -104.93", radius=1))
    assert ids(result) == ["here"] and result.hits[0].distance_miles == pytest.approx(0, abs=1e-6)


def test_unknown_zip_is_an_error_naming_what_was_typed(tmp_path):
    loaded = directory_of(tmp_path, entry("denver"))
    with pytest.raises(PlaceNotFound, match="99999"):
        search(loaded, Query(near="99999"))


def test_radius_keeps_entries_at_exactly_the_radius(tmp_path):
    # Due north of the search point by 0.1 degree: 0.1 * 69.0933 miles on the contract's sphere.
    loaded = directory_of(tmp_path, entry("north", lat=39.8, lon=-105.0))
    exact = 0.1 * MILES_PER_DEGREE
    assert search(loaded, Query(near="39.7,-105.0", radius=exact + 1e-9)).hits[0].distance_miles == pytest.approx(exact)
    assert ids(search(loaded, Query(near="39.7,-105.0", radius=exact - 1e-6))) == []
    assert ids(search(loaded, Query(near="39.7,-105.0", radius=None))) == ["north"]


def test_every_need_must_hold(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("bup-only", needs=["buprenorphine"]),
        entry("bup-medicaid", needs=["buprenorphine"], payment=["medicaid"]),
        entry("medicaid-only", payment=["medicaid"]),
    )
    result = search(loaded, Query(near="80222", needs=("buprenorphine", "medicaid")))
    assert ids(result) == ["bup-medicaid"]
    assert result.hits[0].matched == ("buprenorphine", "medicaid")


def test_unknown_need_code_names_the_closest_known_code(tmp_path):
    loaded = directory_of(tmp_path, entry("denver"))
    with pytest.raises(UnknownCode, match="did you mean 'methadone'"):
        search(loaded, Query(near="80222", needs=("methadon",)))


def test_overnight_hours_are_open_after_midnight(tmp_path):
    loaded = directory_of(tmp_path, entry("night", hours=[{"days": "daily", "opens": "22:00", "closes": "06:00"}]))
    at_two = dt.datetime(2026, 11, 24, 2, 0, tzinfo=DENVER)
    assert ids(search(loaded, Query(near="80222", open_at=at_two))) == ["night"]
    assert ids(search(loaded, Query(near="80222", open_at=at_two.replace(hour=12)))) == []


def test_open_at_follows_daylight_saving_on_the_change_day(tmp_path):
    loaded = directory_of(tmp_path, entry("sunday", hours=[{"days": "sun", "opens": "08:00", "closes": "09:00"}]))
    # 2026-03-08 is the spring-forward Sunday: 14:30 UTC is 08:30 MDT (it would be 07:30 in MST).
    assert ids(search(loaded, Query(near="80222", open_at=dt.datetime(2026, 3, 8, 14, 30, tzinfo=dt.UTC)))) == [
        "sunday"
    ]
    # 2026-11-01 is the fall-back Sunday: 15:30 UTC is 08:30 MST (it would be 09:30 in MDT).
    assert ids(search(loaded, Query(near="80222", open_at=dt.datetime(2026, 11, 1, 15, 30, tzinfo=dt.UTC)))) == [
        "sunday"
    ]
    assert ids(search(loaded, Query(near="80222", open_at=dt.datetime(2026, 11, 1, 14, 30, tzinfo=dt.UTC)))) == []


def test_meeting_at_half_past_eleven_is_in_session_at_ten_past_midnight(tmp_path):
    loaded = directory_of(tmp_path, meeting("late", ["tue"], "23:30"))
    wednesday_0010 = dt.datetime(2026, 11, 25, 0, 10, tzinfo=DENVER)
    assert ids(search(loaded, Query(near="80222", open_at=wednesday_0010))) == ["late"]
    assert ids(search(loaded, Query(near="80222", open_at=wednesday_0010.replace(minute=40)))) == []


def test_inactive_meetings_and_entries_are_never_shown(tmp_path):
    loaded = directory_of(
        tmp_path,
        meeting("gone", ["mon"], "19:00", attendance="inactive"),
        entry("closed", status="inactive"),
        entry("open"),
    )
    assert ids(search(loaded, Query(near="80222"))) == ["open"]


def test_remote_resources_follow_physical_ones_when_they_serve_the_place(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("near-clinic"),
        meeting("co-online", ["mon"], "19:00", attendance="online", remote=True, service_area=["CO"]),
        entry("national-line", category="crisis_line", remote=True, service_area=["national"], needs=["crisis"]),
        entry("texas-line", category="crisis_line", remote=True, service_area=["TX"]),
    )
    result = search(loaded, Query(near="80222", sort="distance"))
    assert ids(result)[0] == "near-clinic"
    assert set(ids(result)[1:]) == {"co-online", "national-line"}
    assert all(hit.distance_miles is None and hit.remote for hit in result.hits[1:])
    assert set(ids(search(loaded, Query(near="02134")))) == {"national-line"}
    assert ids(search(loaded, Query(near="80222", include_remote=False))) == ["near-clinic"]


def test_distance_sort_is_pure_distance_order(tmp_path):
    loaded = directory_of(
        tmp_path, entry("far", lat=39.9), entry("near", lat=39.68), entry("middle", lat=39.8, hours="24/7")
    )
    assert ids(search(loaded, Query(near="39.67,-104.928", sort="distance"))) == ["near", "middle", "far"]


def test_rank_puts_open_now_and_fresh_before_nearer_closed_or_stale(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("near-closed", lat=39.672, hours=[{"days": "mon", "opens": "08:00", "closes": "09:00"}]),
        entry("far-open", lat=39.8, hours="24/7"),
        entry("near-stale", lat=39.671, hours="24/7", last_verified="2025-01-01"),
    )
    at = dt.datetime(2026, 11, 25, 12, 0, tzinfo=DENVER)
    result = search(loaded, Query(near="39.67,-104.928"), now=at)
    assert ids(result) == ["far-open", "near-stale", "near-closed"]
    stale = result.hits[1]
    assert stale.stale and stale.verified_days_ago == (at.date() - dt.date(2025, 1, 1)).days


def test_real_crisis_and_naloxone_entries_rank_above_sample_ones_even_when_farther_or_remote(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("sample-line", category="crisis_line", remote=True, service_area=["CO"], hours="24/7", sample=True),
        entry("real-line", category="crisis_line", remote=True, service_area=["national"]),
        entry("sample-naloxone", category="harm_reduction", needs=["naloxone"], lat=39.672, sample=True),
        entry("real-naloxone", category="harm_reduction", needs=["naloxone"], lat=39.9),
        entry("sample-clinic", lat=39.672, sample=True, hours="24/7"),
        entry("real-clinic", lat=39.9),
    )
    near = "39.67,-104.928"
    assert ids(search(loaded, Query(near=near, needs=("crisis",)))) == ["real-line", "sample-line"]
    assert ids(search(loaded, Query(near=near, needs=("naloxone",)))) == ["real-naloxone", "sample-naloxone"]
    # Where safety is not at stake, sample entries rank as any other.
    assert ids(search(loaded, Query(near=near, categories=("moud_provider",)))) == ["sample-clinic", "real-clinic"]


def test_preferences_rank_higher_and_are_reported_as_matched(tmp_path):
    loaded = directory_of(tmp_path, entry("plain", lat=39.672), entry("spanish", lat=39.8, payment=["medicaid"]))
    result = search(loaded, Query(near="39.67,-104.928", prefer=("medicaid",)))
    assert ids(result) == ["spanish", "plain"]
    assert result.hits[0].matched == ("medicaid",) and result.hits[1].matched == ()


def test_language_and_text_filters(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("spanish", languages=["es", "en"], description="Clínica de día"),
        entry("english", name="Sunrise Clinic"),
    )
    assert ids(search(loaded, Query(near="80222", language="es"))) == ["spanish"]
    assert set(ids(search(loaded, Query(near="80222", language="en")))) == {"spanish", "english"}
    assert ids(search(loaded, Query(near="80222", text="sunrise CLINIC"))) == ["english"]
    assert ids(search(loaded, Query(near="80222", text="clínica"))) == ["spanish"]


def test_next_meeting_is_reported_in_the_entry_time_zone(tmp_path):
    loaded = directory_of(tmp_path, meeting("evening", ["mon"], "19:00", "20:00"))
    at = dt.datetime(2026, 11, 23, 18, 20, tzinfo=DENVER)
    hit = search(loaded, Query(near="80222"), now=at).hits[0]
    assert hit.open_now is False and hit.minutes_until_open == 40
    assert hit.next_open == dt.datetime(2026, 11, 23, 19, 0, tzinfo=DENVER)
    soon = search(loaded, Query(near="80222", starting_within_hours=1), now=at)
    assert ids(soon) == ["evening"]
    assert ids(search(loaded, Query(near="80222", starting_within_hours=0.5), now=at)) == []


def test_cli_search_json_follows_the_contract(tmp_path, capsys):
    import json

    directory_of(tmp_path, entry("denver", needs=["buprenorphine"]))
    assert (
        main(
            [
                "search",
                "--directory",
                str(tmp_path / "directory"),
                "--near",
                "80222",
                "--need",
                "buprenorphine",
                "--format",
                "json",
            ]
        )
        == 0
    )
    output = json.loads(capsys.readouterr().out)
    assert output["total"] == 1
    assert {"lat", "lon"} <= set(output["query"])
    assert {"id", "name", "category", "distance_miles", "lat", "lon", "matched"} <= set(output["results"][0])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--near", "00000"], "00000"),
        (["--near", "80222", "--need", "bupe"], "did you mean 'buprenorphine'"),
        (["--near", "80222", "--radius", "far"], "'far' is not a number"),
        (["--near", "80222", "--open-at", "tonight"], "'tonight' is not an ISO 8601 time"),
    ],
)
def test_cli_search_wrong_calls_exit_2_with_one_line(tmp_path, capsys, arguments, message):
    directory_of(tmp_path, entry("denver"))
    assert main(["search", "--directory", str(tmp_path / "directory"), *arguments]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def _samhsa_points():
    rows = []
    with open(shared_data("samhsa", "otp-2015.csv"), encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                lat, lon = float(row["Latitude"]), float(row["Longitude"])
            except ValueError:
                continue
            if 17 < lat < 72 and -180 < lon < -64:  # US coordinates the right way round
                rows.append((row["ID"], lat, lon))
    return rows


def _brute_force_miles(lat1, lon1, lat2, lon2):
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 3958.8 * math.asin(math.sqrt(a))


@pytest.mark.parametrize(("zip_code", "radius"), [("10001", 10), ("60614", 25), ("85004", 50)])
def test_radius_results_on_real_samhsa_coordinates_match_a_brute_force_reference(tmp_path, zip_code, radius):
    points = _samhsa_points()
    assert len(points) > 1000
    entries = [
        entry(f"otp-{index}", lat=lat, lon=lon, name=f"OTP {source_id}")
        for index, (source_id, lat, lon) in enumerate(points)
    ]
    loaded = directory_of(tmp_path, *entries)
    result = search(loaded, Query(near=zip_code, radius=radius, limit=None, sort="distance"))
    origin = result.place
    expected = sorted(
        (distance, f"otp-{index}")
        for index, (_, lat, lon) in enumerate(points)
        if (distance := _brute_force_miles(origin.lat, origin.lon, lat, lon)) <= radius
    )
    assert len(expected) > 0
    assert ids(result) == [entry_id for _, entry_id in expected]
    assert [hit.distance_miles for hit in result.hits] == pytest.approx([d for d, _ in expected], abs=1e-6)


def test_next_open_across_the_spring_change_is_in_real_minutes(tmp_path):
    loaded = directory_of(tmp_path, entry("sunday-noon", hours=[{"days": "sun", "opens": "12:00", "closes": "13:00"}]))
    saturday_evening = dt.datetime(2026, 3, 7, 20, 0, tzinfo=DENVER)  # the clocks spring forward overnight
    hit = search(loaded, Query(near="80222"), now=saturday_evening).hits[0]
    assert hit.next_open == dt.datetime(2026, 3, 8, 12, 0, tzinfo=DENVER)
    assert hit.minutes_until_open == 15 * 60  # 16 hours on the wall clock, 15 in real time


def test_coordinates_search_lists_remote_services_of_their_state(tmp_path):
    loaded = directory_of(tmp_path, entry("co-line", category="crisis_line", remote=True, service_area=["CO"]))
    assert ids(search(loaded, Query(near="39.74,-104.97"))) == ["co-line"]


def test_an_offset_builds_only_the_slice_asked_for(tmp_path, monkeypatch):
    directory = directory_of(
        tmp_path, *(entry(f"clinic-{number:02d}", lat=39.671 + number / 1000) for number in range(30))
    )
    everything = search(directory, Query("80222", limit=None, sort="distance"))
    built = []
    real_hits = engine._hits
    monkeypatch.setattr(engine, "_hits", lambda _, __, rows, *rest: built.extend(rows) or real_hits(_, __, rows, *rest))

    page = search(directory, Query("80222", limit=5, offset=20, sort="distance"))

    assert ids(page) == ids(everything)[20:25] and page.total == 30
    assert len(built) == 5


def test_a_search_unpacks_no_entry_its_hits_come_from_the_index_columns(tmp_path, monkeypatch):
    directory = directory_of(
        tmp_path, *(entry(f"clinic-{number:02d}", lat=39.671 + number / 1000) for number in range(12))
    )
    unpacked = []
    real_unpack = packing.unpack
    monkeypatch.setattr(packing, "unpack", lambda *arguments: unpacked.append(1) or real_unpack(*arguments))

    result = search(directory, Query("80222", limit=None))

    assert len(result.hits) == 12 and unpacked == []


def test_a_hit_carries_its_entrys_own_facts(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry(
            "clinic",
            name="Clínica Esperanza",
            organization="Salud Para Todos",
            phones=[{"number": "303-555-0100", "type": "intake"}, {"number": "303-555-0199", "type": "voice"}],
            website="https://example.org/esperanza",
            sample=True,
            last_verified="2026-01-15",
        ),
        entry(
            "undated-line",
            category="crisis_line",
            remote=True,
            service_area=["CO"],
            last_verified=None,
            listed_as_of="unknown",
            hours="24/7",
        ),
    )
    at = dt.datetime(2026, 11, 23, 12, 0, tzinfo=DENVER)
    hits = {hit.id: hit for hit in search(loaded, Query(near="80222"), now=at).hits}

    clinic, line = hits["clinic"], hits["undated-line"]
    assert (clinic.name, clinic.organization, clinic.category) == (
        "Clínica Esperanza",
        "Salud Para Todos",
        "moud_provider",
    )
    assert (clinic.phone, clinic.website, clinic.sample) == ("303-555-0100", "https://example.org/esperanza", True)
    assert clinic.last_verified == dt.date(2026, 1, 15) and clinic.verified_days_ago == 312
    assert (clinic.lat, clinic.lon, clinic.remote) == (39.671, -104.928, False)
    assert line.remote and line.distance_miles is None and line.lat is None
    assert (line.phone, line.website, line.sample) == (None, None, False)
    # Undated: it ages as the oldest listing there is (so it is stale) but shows no age.
    assert line.last_verified is None and line.verified_days_ago is None and line.stale
    assert line.open_now is True


def test_cli_search_table_shows_phone_address_and_plain_words(tmp_path, capsys):
    directory_of(
        tmp_path,
        entry(
            "denver",
            name="Denver Clinic",
            needs=["buprenorphine"],
            phones=[{"number": "303-555-0100", "type": "intake"}],
            hours=[{"days": "daily", "opens": "08:00", "closes": "17:00"}],
            timezone="America/Denver",
        ),
    )
    arguments = ["search", "--directory", str(tmp_path / "directory"), "--near", "80222", "--need", "buprenorphine"]
    assert main([*arguments, "--open-at", "2026-11-24T09:00"]) == 0
    table = capsys.readouterr().out
    assert "Denver Clinic — Medication for opioid use disorder — Open now" in table
    assert "303-555-0100 · Denver, CO 80222" in table
    assert "matches: Buprenorphine (Suboxone, Sublocade)" in table
    assert "moud_provider" not in table and "today 08:00" not in table


def test_a_search_within_a_radius_filters_only_the_rows_of_its_latitude_band(tmp_path, monkeypatch):
    near_denver = [entry(f"denver-{n}", lat=39.671 + n / 1000, needs=["buprenorphine"]) for n in range(5)]
    in_florida = [
        entry(f"miami-{n}", lat=25.76 + n / 1000, lon=-80.19, state="FL", zip="33130", needs=["buprenorphine"])
        for n in range(20)
    ]
    remote = entry("colorado-line", remote=True, service_area=["CO"], needs=["buprenorphine"])
    loaded = directory_of(tmp_path, *in_florida[:10], *near_denver, remote, *in_florida[10:])
    rows_checked = []
    holds_every_need = engine._holds_every_need

    def counting(directory, needs, code_column, rows):
        rows_checked.append(len(rows))
        return holds_every_need(directory, needs, code_column, rows)

    monkeypatch.setattr(engine, "_holds_every_need", counting)
    result = search(loaded, Query(near="80222", radius=25, needs=("buprenorphine",)))
    assert sorted(ids(result)) == sorted([*(f"denver-{n}" for n in range(5)), "colorado-line"])
    assert rows_checked == [5, 1]  # the band's five rows, then the one serving Colorado remotely


# ---------------------------------------------------------------------------------------------
# Time of day (the Find page's "Time of day", from navigator.search.share)


def time_of_day(loaded, now, when="any", time="evening", near="80222"):
    from navigator.search.places import resolve_place
    from navigator.search.share import SearchSettings, to_query

    place = resolve_place(near)
    query, at = to_query(SearchSettings(near, when=when, time=time), place, now, limit=None)
    return search(loaded, query, now=at, place=place)


def daily_meetings(tmp_path):
    return directory_of(
        tmp_path,
        *(meeting(f"daily-{start[:2]}{start[3:]}", ["daily"], start) for start in ("02:00", "07:00", "16:30", "22:00")),
        entry("clinic", hours=[{"days": "daily", "opens": "00:00", "closes": "23:59"}]),
    )


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("morning", {"daily-0700"}),
        ("midday", {"daily-1630"}),
        ("evening", {"daily-1630"}),  # Meeting Guide's windows overlap: 4:30 PM is midday and evening
        ("night", {"daily-2200", "daily-0200"}),  # the night runs past midnight
    ],
)
def test_a_time_of_day_on_any_day_keeps_the_meetings_that_start_in_its_window_and_no_other_service(
    tmp_path, time, expected
):
    result = time_of_day(daily_meetings(tmp_path), dt.datetime(2026, 11, 24, 12, 0, tzinfo=DENVER), time=time)
    assert set(ids(result)) == expected


def test_saturday_night_is_saturday_evening_on_to_five_on_sunday_morning(tmp_path):
    loaded = directory_of(
        tmp_path,
        meeting("saturday-late", ["sat"], "23:00"),
        meeting("sunday-after-midnight", ["sun"], "00:30"),
        meeting("saturday-small-hours", ["sat"], "02:00"),
        meeting("sunday-dawn", ["sun"], "05:30"),
    )
    result = time_of_day(loaded, dt.datetime(2026, 11, 24, 12, 0, tzinfo=DENVER), when="saturday", time="night")
    assert ids(result) == ["saturday-late", "sunday-after-midnight"]  # in order of their start
    assert [hit.next_open for hit in result.hits] == [
        dt.datetime(2026, 11, 28, 23, 0, tzinfo=DENVER),
        dt.datetime(2026, 11, 29, 0, 30, tzinfo=DENVER),
    ]


def test_a_meetings_card_time_is_its_first_start_inside_the_window(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry(
            "twice",
            category="support_meeting",
            meeting={
                "fellowship": "aa",
                "attendance": "in_person",
                "times": [{"days": ["tue"], "start": "07:00"}, {"days": ["wed"], "start": "18:00"}],
            },
        ),
    )
    (hit,) = time_of_day(loaded, dt.datetime(2026, 11, 23, 12, 0, tzinfo=DENVER), time="evening").hits
    assert hit.next_open == dt.datetime(2026, 11, 25, 18, 0, tzinfo=DENVER) and hit.open_now is False


def daily_online_meeting(entry_id, start, zone):
    """A daily online meeting for the whole country, starting at ``start`` on ``zone``'s clock."""
    return meeting(
        entry_id, ["daily"], start, attendance="online", remote=True, service_area=["national"], timezone=zone
    )


def test_an_online_meeting_in_another_zone_is_judged_on_the_searched_places_clock(tmp_path):
    loaded = directory_of(tmp_path, daily_online_meeting("new-york-nine-thirty", "21:30", "America/New_York"))
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=DENVER)
    # 9:30 PM in New York is night there, and 7:30 PM, evening, in Denver.
    assert ids(time_of_day(loaded, noon, time="evening")) == ["new-york-nine-thirty"]
    assert ids(time_of_day(loaded, noon, time="night")) == []
    assert ids(time_of_day(loaded, noon, time="night", near="10001")) == ["new-york-nine-thirty"]


def test_a_meeting_in_a_zone_without_daylight_saving_moves_window_when_the_searched_place_changes_clocks(tmp_path):
    loaded = directory_of(tmp_path, daily_online_meeting("phoenix-three-thirty", "15:30", "America/Phoenix"))
    # 3:30 PM in Phoenix is 4:30 PM in Denver in summer (evening), 3:30 PM in winter (midday only).
    assert ids(time_of_day(loaded, dt.datetime(2026, 7, 14, 9, 0, tzinfo=DENVER))) == ["phoenix-three-thirty"]
    assert ids(time_of_day(loaded, dt.datetime(2026, 12, 15, 9, 0, tzinfo=DENVER))) == []


def test_a_meeting_in_session_counts_when_it_started_in_the_window_under_way(tmp_path):
    loaded = directory_of(
        tmp_path,
        meeting("started-at-six", ["tue"], "18:00", "19:30"),
        meeting("started-at-three", ["tue"], "15:00", "19:30"),
        meeting("at-eight", ["tue"], "20:00"),
    )
    result = time_of_day(loaded, dt.datetime(2026, 11, 24, 18, 30, tzinfo=DENVER), when="today")
    assert ids(result) == ["started-at-six", "at-eight"]
    assert result.hits[0].open_now is True and result.hits[1].open_now is False
    in_session = time_of_day(loaded, dt.datetime(2026, 11, 24, 18, 30, tzinfo=DENVER), when="open_now")
    assert ids(in_session) == ["started-at-six"]


def test_a_week_of_windows_costs_one_schedule_pass_per_window_whatever_the_directory_size(tmp_path, monkeypatch):
    from navigator.search.schedule_table import ScheduleTable

    passes = []
    real = ScheduleTable.minutes_until_start
    monkeypatch.setattr(ScheduleTable, "minutes_until_start", lambda *arguments: passes.append(1) or real(*arguments))
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=DENVER)
    counts = []
    for size in (1, 300):
        passes.clear()
        loaded = directory_of(
            tmp_path / str(size), *(meeting(f"m-{number}", ["daily"], "18:00") for number in range(size))
        )
        assert len(time_of_day(loaded, noon, time="evening").hits) == size
        counts.append(len(passes))
    assert counts[0] == counts[1] <= 8  # seven windows of the week, and the search's own "next start"


def test_text_reads_the_same_whether_pandas_keeps_text_in_arrow_or_as_objects(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("hope", name="Hope House", website="https://example.org/hope"),
        entry("other", organization="Esperanza Clinic", description="Hope for all, en español"),
        entry("plain", phones=[{"number": "303-555-0100", "type": "intake"}]),
        entry("signs", description="Open 24/7 (walk-ins) for c++ coders at a.b street; \\d? [x]* {2} ^$ | #~&-"),
    )
    as_objects = loaded.frame.astype({name: object for name in [*engine.HIT_TEXT_COLUMNS, "text"]})
    rows = np.array([2, 0, 1])
    assert text_in_arrow()  # the index's own frame is the Arrow side of the comparison
    arrow_texts, object_texts = engine._Texts(loaded.frame), engine._Texts(as_objects)

    assert object_texts.at(rows) == arrow_texts.at(rows)
    assert object_texts.at(rows)["website"] == [None, "https://example.org/hope", None]
    for words in (["hope"], ["hope", "español"], ["nowhere"]):
        assert object_texts.containing(rows, words).tolist() == arrow_texts.containing(rows, words).tolist()
    assert arrow_texts.containing(rows, ["hope", "español"]).tolist() == [False, False, True]
    # Words are literal text, never patterns.
    signs = np.array([3, 0])
    for word in ("24/7", "(walk-ins)", "c++", "a.b", "\\d?", "[x]*", "{2}", "^$", "|", "#~&-"):
        assert arrow_texts.containing(signs, [word]).tolist() == [True, False], word
        assert object_texts.containing(signs, [word]).tolist() == [True, False], word
    for pattern in ("walk.ins", "24.7", "o.en 24", "wal?k", "(walk|run)"):  # each would match as a regex
        assert arrow_texts.containing(signs, [pattern]).tolist() == [False, False], pattern


@settings(max_examples=400, deadline=None)
@given(
    latitude=st.floats(-89.9, 89.9),
    longitude=st.floats(-180, 180),
    radius=st.floats(0.01, 4000),
    bearing=st.floats(0, 2 * math.pi),
    share=st.floats(0, 1),
)
def test_no_point_within_the_radius_is_farther_in_longitude_than_the_box_reaches(
    latitude, longitude, radius, bearing, share
):
    # The point ``share`` of the radius away on ``bearing`` (the sphere's destination formula).
    angle, lat1, lon1 = share * radius / 3958.8, math.radians(latitude), math.radians(longitude)
    lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1), math.cos(angle) - math.sin(lat1) * math.sin(lat2)
    )
    point_latitude, point_longitude = math.degrees(lat2), (math.degrees(lon2) + 180) % 360 - 180
    assume(engine.haversine_miles(latitude, longitude, point_latitude, point_longitude) <= radius)

    reach = engine.longitude_reach(latitude, radius)
    difference = abs(point_longitude - longitude)
    if reach is not None:
        assert min(difference, 360 - difference) <= reach + 1e-6


def test_the_box_finds_what_the_circle_holds_across_the_antimeridian_and_near_a_pole(tmp_path):
    loaded = directory_of(
        tmp_path,
        entry("east", lat=51.8, lon=179.95, state="AK", zip="99546", timezone="America/Adak"),
        entry("west", lat=51.8, lon=-179.95, state="AK", zip="99546", timezone="America/Adak"),
        entry("far", lat=51.8, lon=-178.0, state="AK", zip="99546", timezone="America/Adak"),
        entry("north", lat=89.99, lon=10.0, state="AK", zip="99546", timezone="America/Adak"),
        entry("north-opposite", lat=89.99, lon=-170.0, state="AK", zip="99546", timezone="America/Adak"),
    )
    assert sorted(ids(search(loaded, Query(near="51.8,179.99", radius=10)))) == ["east", "west"]
    assert sorted(ids(search(loaded, Query(near="89.99,100", radius=5)))) == ["north", "north-opposite"]
