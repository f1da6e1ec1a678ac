import dataclasses
import datetime as dt

import pytest

from navigator.directory.loader import load_directory
from navigator.i18n import use_language
from navigator.search.engine import Query, search
from navigator.search.maplayers import (
    RGB,
    TOOLTIP_LIMIT,
    hit_points,
    ring_meters,
    search_point,
    tooltip_text,
    view_for,
)

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def result(small_directory):
    directory = load_directory(small_directory, today=TODAY)
    return directory, search(directory, Query(near="80222"))


def test_each_hit_with_a_position_becomes_a_point_coloured_by_category(result):
    directory, found = result
    points = hit_points(found.hits, directory.vocabulary)
    by_tooltip = {point["tooltip"].splitlines()[0]: point for point in points}
    clinic = by_tooltip["Test Clinic Buprenorphine"]
    assert clinic["color"][:3] == list(RGB["blue"])
    assert by_tooltip["Tuesday Night Speaker Meeting"]["color"][:3] == list(RGB["green"])
    assert clinic["tooltip"].splitlines()[1] == "Medication for opioid use disorder"


def test_remote_hits_are_not_on_the_map(result):
    directory, found = result
    remote = dataclasses.replace(found.hits[0], remote=True, lat=None, lon=None, distance_miles=None)
    assert hit_points([remote], directory.vocabulary) == []


def test_a_tooltip_is_plain_text_that_keeps_markup_as_typed():
    text = tooltip_text("<img src=x onerror=alert(1)>", "Crisis\x00 line")
    assert text == "<img src=x onerror=alert(1)>\nCrisis line"


def test_a_tooltip_cannot_become_a_pydeck_expression():
    assert not tooltip_text("@@=alert(1)").startswith("@@")


def test_a_tooltip_is_bounded():
    assert len(tooltip_text("x" * 1000)) == TOOLTIP_LIMIT


def test_the_search_point_says_what_was_searched(result):
    _, found = result
    point = search_point(found.place)
    assert (point["lat"], point["lon"]) == (found.place.lat, found.place.lon)
    assert point["tooltip"] == "Searched place\n80222 Denver, CO"


def test_the_ring_is_the_radius_in_meters():
    assert ring_meters(1) == pytest.approx(1609.344)


def test_a_wider_radius_zooms_out(result):
    _, found = result
    walking = view_for(found.place, 1, [])
    driving = view_for(found.place, 25, [])
    assert walking.zoom > driving.zoom
    assert (walking.lat, walking.lon) == (found.place.lat, found.place.lon)


def test_any_distance_zooms_to_the_farthest_point(result):
    _, found = result
    near = view_for(found.place, None, [{"lat": found.place.lat + 0.05, "lon": found.place.lon}])
    far = view_for(found.place, None, [{"lat": found.place.lat + 2, "lon": found.place.lon}])
    assert near.zoom > far.zoom


def test_a_map_label_is_the_short_plain_name():
    from navigator.search.maplayers import LABEL_LIMIT, map_label

    assert map_label("Sunrise Serenity AA") == "Sunrise Serenity AA"
    long = map_label("Eastside Hospital — Emergency Department Bridge Program")
    assert len(long) == LABEL_LIMIT and long.endswith("…")
    assert map_label("@@=alert(1)").startswith("\u200b")


def test_map_tooltips_speak_the_screens_language_and_keep_the_listings_name(result):
    directory, found = result
    with use_language("es"):
        points = hit_points(found.hits, directory.vocabulary)
        here = search_point(found.place)
    clinic = next(point for point in points if point["tooltip"].startswith("Test Clinic Buprenorphine"))
    name, category, distance = clinic["tooltip"].splitlines()
    assert category == "Medicamentos para el trastorno por consumo de opioides"
    assert distance.endswith(" mi") and "," in distance  # "0,1 mi": a decimal comma
    assert here["tooltip"].splitlines()[0] == "Lugar buscado"


def test_a_wide_view_around_denver_draws_the_state_lines_to_wyoming_and_nebraska(result):
    from navigator.search.maplayers import base_map

    _, found = result
    base = base_map(found.place, 100, [])
    # The Colorado-Wyoming line runs along 41°N; one of the state lines drawn lies on it.
    assert any(all(abs(lat - 41.0) < 0.01 for _, lat in line["path"]) for line in base.state_lines)
    assert base.county_lines


def test_county_lines_are_clipped_to_the_view():
    from navigator.search.basemap import Bounds, boundary_lines

    view = Bounds(39.5, -105.2, 39.9, -104.7)
    lines = boundary_lines(view)["county"]
    assert lines
    for line in lines:
        lons = [lon for lon, _ in line["path"]]
        lats = [lat for _, lat in line["path"]]
        assert min(lons) <= view.east and max(lons) >= view.west
        assert min(lats) <= view.north and max(lats) >= view.south
    everything = boundary_lines(Bounds(18, -180, 72, -60))["county"]
    assert len(lines) < len(everything) / 50


def test_the_base_map_of_a_whole_country_view_is_bounded():
    from navigator.search.basemap import MAX_CITIES, MAX_LINES, Bounds, boundary_lines, city_labels

    lines = boundary_lines(Bounds(-90, -180, 90, 180))
    assert len(lines["state"]) + len(lines["county"]) <= MAX_LINES
    assert len(city_labels(Bounds(-90, -180, 90, 180))) == MAX_CITIES


def test_city_labels_near_denver_are_readable_names_biggest_first(result):
    from navigator.search.maplayers import base_map

    _, found = result
    cities = base_map(found.place, 10, []).cities
    assert cities[0]["label"] == "Denver, CO"
    assert "Aurora, CO" in [city["label"] for city in cities]
    assert all(city["label"] == city["label"].strip() and len(city["label"]) < 40 for city in cities)


def test_a_search_far_from_colorado_gets_its_own_base_map(result):
    import dataclasses

    from navigator.search.maplayers import base_map

    _, found = result
    anchorage = dataclasses.replace(found.place, lat=61.2176, lon=-149.8631)
    cities = [city["label"] for city in base_map(anchorage, 25, []).cities]
    assert cities[0] == "Anchorage, AK"


def _west_by_pixels(lon: float, pixels: float, zoom: float) -> float:
    return lon - pixels * 360 / (512 * 2**zoom)


DENVER_CITY = {"lat": 39.74, "lon": -104.9781, "label": "Denver, CO"}


def test_a_city_name_drawn_on_a_results_dot_is_left_out_and_the_next_biggest_city_takes_its_place(result):
    from navigator.search.basemap import MAX_CITIES
    from navigator.search.maplayers import base_map

    _, found = result
    before = [city["label"] for city in base_map(found.place, 100, []).cities]
    on_denver = [{**DENVER_CITY, "label": "Downtown Methadone"}]
    after = [city["label"] for city in base_map(found.place, 100, on_denver).cities]
    assert "Denver, CO" in before and "Denver, CO" not in after
    assert len(after) == len(before) == MAX_CITIES
    # On this wide view the result's name also covers Denver's neighbours; the rest keep their order.
    kept = [label for label in before if label in after]
    assert after[: len(kept)] == kept and len(kept) < MAX_CITIES


def test_a_city_name_drawn_on_a_results_name_is_left_out_and_one_clear_of_it_stays():
    from navigator.search.maplayers import cities_clear_of

    zoom = 10.0
    # The name starts 10 px right of its dot and runs about 150 px; "Denver, CO" is about 72 px wide.
    under_the_name = {"lat": DENVER_CITY["lat"], "lon": _west_by_pixels(DENVER_CITY["lon"], 50, zoom)}
    point = {**under_the_name, "label": "Downtown Methadone"}
    assert cities_clear_of([DENVER_CITY], [point], zoom) == []
    above_it = {**point, "lat": DENVER_CITY["lat"] - 0.02}  # about 40 px below the city at zoom 10
    assert cities_clear_of([DENVER_CITY], [above_it], zoom) == [DENVER_CITY]
    right_of_the_city = {**DENVER_CITY, "lon": _west_by_pixels(DENVER_CITY["lon"], -60, zoom), "label": "X"}
    assert cities_clear_of([DENVER_CITY], [right_of_the_city], zoom) == [DENVER_CITY]


def test_closer_in_the_same_city_name_and_result_are_far_enough_apart_to_keep_both():
    from navigator.search.maplayers import cities_clear_of

    point = {"lat": DENVER_CITY["lat"], "lon": _west_by_pixels(DENVER_CITY["lon"], 50, 10.0), "label": "Downtown"}
    assert cities_clear_of([DENVER_CITY], [point], 10.0) == []
    assert cities_clear_of([DENVER_CITY], [point], 12.0) == [DENVER_CITY]


def test_each_city_is_placed_on_screen_once_however_many_results_it_is_checked_against(monkeypatch):
    from navigator.search import maplayers

    placed = []
    real_box = maplayers.city_box
    monkeypatch.setattr(maplayers, "city_box", lambda city, zoom: placed.append(city) or real_box(city, zoom))
    far = [{"lat": 10.0 + n, "lon": -150.0, "label": f"Place {n}"} for n in range(20)]
    cities = [{**DENVER_CITY, "label": f"City {n}"} for n in range(5)]
    assert maplayers.cities_clear_of(cities, far, 10.0) == cities
    assert len(placed) == len(cities)
