"""What the results map draws: the search point, the radius ring and the hits shown, as plain data.

The page hands this to pydeck. Tooltips are plain text shown through the map's text tooltip
(set as the tooltip's text, never parsed as HTML), so a name holding markup stays text. City
names of the base map are left out where they would be drawn on a result's dot or name at the
view's zoom: the results are what the coach is looking for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from navigator.directory.vocabulary import Vocabulary
from navigator.i18n import _
from navigator.search.basemap import MAX_CITIES, Bounds, boundary_lines_json, city_labels
from navigator.search.engine import Hit, haversine_miles
from navigator.search.places import Place
from navigator.search.wording import distance_words
from navigator.text import plain_text

METERS_PER_MILE = 1609.344
# Colours that read on a light map and match Streamlit's named markdown colours, so the legend
# under the map can be written as ":blue[●] Medication…".
CATEGORY_COLORS: dict[str, str] = {
    "moud_provider": "blue",
    "treatment_program": "violet",
    "support_meeting": "green",
    "recovery_housing": "orange",
    "employment_service": "gray",
    "harm_reduction": "red",
    "crisis_line": "red",
}
OTHER_COLOR = "gray"
RGB: dict[str, tuple[int, int, int]] = {
    "blue": (28, 131, 225),
    "violet": (128, 61, 245),
    "green": (33, 195, 84),
    "orange": (255, 164, 33),
    "gray": (110, 115, 130),
    "red": (255, 75, 75),
}
SEARCH_POINT_RGB = (20, 20, 20)
TOOLTIP_LIMIT = 200
# Web Mercator with deck.gl's 512-pixel tiles: metres per pixel at zoom 0 on the equator, and
# the narrowest the map is drawn (its column beside the list, or a phone), for the zoom that
# fits the radius.
_METERS_PER_PIXEL_AT_ZOOM_0 = 78_271.52
_MAP_PIXELS = 320


@dataclass(frozen=True)
class MapView:
    lat: float
    lon: float
    zoom: float


def tooltip_text(*parts: str) -> str:
    """Lines of plain text for a tooltip: no control characters, bounded length.

    A leading "@@" is broken up: pydeck's JSON converter reads strings starting with it as
    expressions.
    """
    text = "\n".join(plain_text(part) for part in parts if part)[:TOOLTIP_LIMIT]
    return "\u200b" + text if text.startswith("@@") else text


LABEL_LIMIT = 22

# How the map draws (ui/map.py draws with these): results' dots at most DOT_MAX_PIXELS across the
# radius, their names NAME_OFFSET_PIXELS right of the dot; city names centred on the city.
DOT_MAX_PIXELS = 12
NAME_OFFSET_PIXELS = 10
# Text sizes in screen pixels, as the list's small print: a name beside its dot, a city smaller.
NAME_SIZE = 14
CITY_SIZE = 12
MAP_FONT = "Arial, Helvetica, sans-serif"
# How big Chromium draws map text in MAP_FONT, per pixel of size: "Downtown Methadone" at 13 is
# 127 by 9 pixels of ink (0.54 wide a character); rounded up, with room for descenders, so a
# name's box holds all of it.
CHAR_WIDTH_PER_SIZE = 0.6
LINE_HEIGHT_PER_SIZE = 1.0
CLEARANCE_PIXELS = 3


def map_label(name: str) -> str:
    """ "Front Range Recovery…": the name, short enough to sit beside its dot. Plain text, drawn
    by the map as text (a leading "@@" broken up, as in tooltips)."""
    label = plain_text(name)
    if len(label) > LABEL_LIMIT:
        label = label[: LABEL_LIMIT - 1].rstrip() + "…"
    return "\u200b" + label if label.startswith("@@") else label


def category_color(category: str) -> str:
    return CATEGORY_COLORS.get(category, OTHER_COLOR)


def hit_points(hits: Iterable[Hit], vocabulary: Vocabulary) -> list[dict]:
    """One point per hit with a position (remote services have none)."""
    points = []
    for hit in hits:
        if hit.remote or hit.lat is None or hit.lon is None:
            continue
        label = vocabulary.category_label(hit.category)
        points.append(
            {
                "lat": hit.lat,
                "lon": hit.lon,
                "color": [*RGB[category_color(hit.category)], 220],
                "tooltip": tooltip_text(hit.name, label, distance_words(hit)),
                "label": map_label(hit.name),
            }
        )
    return points


def search_point(place: Place) -> dict:
    return {
        "lat": place.lat,
        "lon": place.lon,
        "tooltip": tooltip_text(_("Searched place"), place.label),
    }


def ring_meters(radius_miles: float) -> float:
    return radius_miles * METERS_PER_MILE


def _reach_miles(place: Place, radius_miles: float | None, points: list[dict]) -> float:
    reach = radius_miles
    if reach is None:
        reach = max(
            (float(haversine_miles(place.lat, place.lon, point["lat"], point["lon"])) for point in points),
            default=25.0,
        )
    return max(reach, 0.5)


def view_for(place: Place, radius_miles: float | None, points: list[dict]) -> MapView:
    """Centred on the searched place, zoomed to show the radius (with no radius: the points)."""
    reach = _reach_miles(place, radius_miles, points)
    meters_across = 2.2 * reach * METERS_PER_MILE
    scale = _METERS_PER_PIXEL_AT_ZOOM_0 * math.cos(math.radians(place.lat)) * _MAP_PIXELS
    zoom = math.log2(scale / meters_across)
    return MapView(place.lat, place.lon, round(min(max(zoom, 1.0), 15.0), 2))


def view_bounds(place: Place, radius_miles: float | None, points: list[dict]) -> Bounds:
    """The box the base map is drawn for: twice the reach shown each way, so a little panning or
    zooming out still finds lines, while a Denver search never carries the whole country."""
    reach = 2 * _reach_miles(place, radius_miles, points)
    dlat = reach / 69.0  # miles per degree of latitude
    dlon = reach / (69.0 * max(math.cos(math.radians(place.lat)), 0.05))
    return Bounds(place.lat - dlat, place.lon - dlon, place.lat + dlat, place.lon + dlon)


@dataclass(frozen=True)
class BaseMap:
    state_lines_json: str  # a JSON array of {"path": [[lon, lat], ...]}, as the map is sent
    county_lines_json: str
    cities: list[dict]

    @property
    def state_lines(self) -> list[dict]:
        return json.loads(self.state_lines_json)

    @property
    def county_lines(self) -> list[dict]:
        return json.loads(self.county_lines_json)


def base_map(place: Place, radius_miles: float | None, points: list[dict]) -> BaseMap:
    """State and county lines and city names around the search, drawn without any outside request.
    No city name sits on a result's dot or name at the view's zoom: the next biggest cities take
    the places of those left out."""
    bounds = view_bounds(place, radius_miles, points)
    lines = boundary_lines_json(bounds)
    zoom = view_for(place, radius_miles, points).zoom
    # More than are drawn, so those left out are replaced (on a wide view one result covers several).
    candidates = city_labels(bounds, limit=4 * MAX_CITIES)
    return BaseMap(lines["state"], lines["county"], cities_clear_of(candidates, points, zoom)[:MAX_CITIES])


Box = tuple[float, float, float, float]  # left, top, right, bottom, in pixels at one zoom


def _pixels(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """Web Mercator with deck.gl's 512-pixel tiles: where a position is drawn at ``zoom``."""
    scale = 512 * 2**zoom
    y = math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))
    return scale * (lon + 180) / 360, scale * (1 - y / math.pi) / 2


def _text_box(text: str, size: float, left: float, middle: float) -> Box:
    width = len(text) * size * CHAR_WIDTH_PER_SIZE
    half = size * LINE_HEIGHT_PER_SIZE / 2
    return left, middle - half, left + width, middle + half


def result_boxes(points: list[dict], zoom: float) -> list[Box]:
    """Each result's dot and its name as drawn at ``zoom``."""
    boxes = []
    radius = DOT_MAX_PIXELS
    for point in points:
        x, y = _pixels(point["lat"], point["lon"], zoom)
        boxes.append((x - radius, y - radius, x + radius, y + radius))
        boxes.append(_text_box(point.get("label", ""), NAME_SIZE, x + NAME_OFFSET_PIXELS, y))
    return boxes


def city_box(city: dict, zoom: float) -> Box:
    x, y = _pixels(city["lat"], city["lon"], zoom)
    left, top, right, bottom = _text_box(city["label"], CITY_SIZE, x, y)
    shift = (right - left) / 2  # centred on the city
    return left - shift, top, right - shift, bottom


def _overlap(one: Box, other: Box, clearance: float) -> bool:
    return (
        one[0] - clearance < other[2]
        and other[0] - clearance < one[2]
        and one[1] - clearance < other[3]
        and other[1] - clearance < one[3]
    )


def cities_clear_of(cities: list[dict], points: list[dict], zoom: float) -> list[dict]:
    """The city names that sit on no result's dot or name at ``zoom``, in their order. Names are
    drawn at a fixed size on screen, so closer in than ``zoom`` they only move further apart."""
    taken = result_boxes(points, zoom)
    return [city for city in cities if not _overlaps_any(city_box(city, zoom), taken)]


def _overlaps_any(box: Box, taken: list[Box]) -> bool:
    # The city's box is worked out once, not once per result's box: 56 cities against 40 boxes
    # projected every city again 2,240 times a map.
    return any(_overlap(box, other, CLEARANCE_PIXELS) for other in taken)
