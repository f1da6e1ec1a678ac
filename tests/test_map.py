"""The results map as sent to the browser: deck.gl's JSON, written by ``ui.map`` without pydeck's set-up."""

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest
from ui.map import TOOLTIP, deck_json

from navigator.directory.loader import load_directory
from navigator.search.engine import Query, search
from navigator.search.maplayers import base_map, hit_points

TODAY = dt.date(2026, 11, 24)
LAYERS = ["county-lines", "state-lines", "city-labels", "radius-ring", "results", "searched-place", "result-labels"]


@pytest.fixture
def found(small_directory):
    directory = load_directory(small_directory, today=TODAY)
    return directory, search(directory, Query(near="80222", radius=25.0))


def test_the_map_draws_the_base_map_under_the_ring_the_results_and_their_names(found):
    directory, result = found
    points = hit_points(result.hits, directory.vocabulary)
    spec = json.loads(deck_json(result.place, 25.0, points))
    assert [layer["id"] for layer in spec["layers"]] == LAYERS
    layers = {layer["id"]: layer for layer in spec["layers"]}
    base = base_map(result.place, 25.0, points)
    assert layers["county-lines"]["data"] == base.county_lines
    assert layers["state-lines"]["data"] == base.state_lines
    assert layers["city-labels"]["data"] == base.cities
    assert layers["results"]["data"] == points
    assert layers["county-lines"]["getPath"] == "@@=path"
    assert spec["views"] == [{"@@type": "MapView", "controller": True}]


def test_without_a_radius_the_map_has_no_ring(found):
    directory, result = found
    spec = json.loads(deck_json(result.place, None, hit_points(result.hits, directory.vocabulary)))
    assert [layer["id"] for layer in spec["layers"]] == [name for name in LAYERS if name != "radius-ring"]


def test_the_map_is_sent_without_indenting(found):
    """pydeck indented its JSON with Python's slowest encoder: 35 KB a map at 10,000 entries, not 14 KB."""
    directory, result = found
    text = deck_json(result.place, 25.0, hit_points(result.hits, directory.vocabulary))
    assert text == json.dumps(json.loads(text), separators=(",", ":"))


def _map_page(directory_path: str) -> None:
    import datetime as dt

    from ui.map import results_map

    from navigator.directory.loader import load_directory
    from navigator.search.engine import Query, search

    directory = load_directory(directory_path, today=dt.date(2026, 11, 24))
    result = search(directory, Query(near="80222", radius=25.0))
    results_map(result.place, 25.0, result.hits, directory.vocabulary)


def test_streamlit_sends_the_written_json_with_the_tooltip(found, small_directory):
    directory, result = found
    app = AppTest.from_function(_map_page, args=(str(small_directory),), default_timeout=60).run()
    assert not app.exception
    (chart,) = app.get("deck_gl_json_chart")
    assert chart.proto.json == deck_json(result.place, 25.0, hit_points(result.hits, directory.vocabulary))
    assert json.loads(chart.proto.tooltip) == TOOLTIP
    assert chart.proto.alt.startswith("Map of the searched place and")
