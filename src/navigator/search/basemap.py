"""The offline base map under the results: state and county lines and city names, as plain data.

Lines come from the U.S. Census Bureau's boundaries as packaged by us-atlas (TopoJSON, shipped
in navigator/search/basemap/, see its README); city names from the ``zipcodes`` data (a city's
position is the middle of its ZIP centroids, its size the number of its ZIPs). Both are parsed
once per process into immutable tuples; each map then takes only what lies in its view, so the
page never carries the whole country. Each line is also written as JSON once, when the atlas is
parsed: a map's lines are then those texts joined, not thousands of points encoded on every page run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

from navigator.search.places import positioned_zips

_ATLAS = "basemap/counties-10m.json"
# Bounded page size whatever the view: a wide view keeps the longest lines and the biggest cities.
MAX_LINES = 4000
MAX_CITIES = 14


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def widened(self, fraction: float) -> Bounds:
        dlat = (self.north - self.south) * fraction
        dlon = (self.east - self.west) * fraction
        return Bounds(self.south - dlat, self.west - dlon, self.north + dlat, self.east + dlon)


@dataclass(frozen=True)
class _Lines:
    paths: tuple[tuple[tuple[float, float], ...], ...]
    boxes: np.ndarray  # one row per path: west, south, east, north (read-only)
    state: np.ndarray  # True where the path is a state line (or the coast), else a county line
    json: tuple[str, ...]  # each path as the map draws it: '{"path":[[lon,lat],...]}'


def _arc_indexes(geometry: dict) -> set[int]:
    found: set[int] = set()

    def walk(node) -> None:
        if isinstance(node, int):
            found.add(node if node >= 0 else ~node)  # a negative index is the arc reversed
        else:
            for child in node:
                walk(child)

    walk(geometry.get("arcs", []))
    return found


@lru_cache(maxsize=1)
def _lines() -> _Lines:
    topology = json.loads(files("navigator.search").joinpath(_ATLAS).read_text(encoding="utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    state_arcs: set[int] = set()
    for geometry in topology["objects"]["states"]["geometries"]:
        state_arcs |= _arc_indexes(geometry)
    paths, boxes = [], []
    for arc in topology["arcs"]:
        # Quantized TopoJSON: each position is the sum of the deltas before it.
        steps = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        lon = np.round(steps[:, 0] * scale_x + shift_x, 4)
        lat = np.round(steps[:, 1] * scale_y + shift_y, 4)
        paths.append(tuple(zip(lon.tolist(), lat.tolist(), strict=True)))
        boxes.append((lon.min(), lat.min(), lon.max(), lat.max()))
    box_array = np.asarray(boxes, dtype=np.float64)
    box_array.setflags(write=False)
    state = np.asarray([index in state_arcs for index in range(len(paths))])
    state.setflags(write=False)
    # About 1 MB for the 9,869 lines, written in 0.2 s, once per process (the server's warm-up
    # parses the atlas): encoding a map's lines on each page run took 3-4 ms of a search's run.
    texts = tuple(json.dumps({"path": path}, separators=(",", ":")) for path in paths)
    return _Lines(tuple(paths), box_array, state, texts)


def _in_view(boxes: np.ndarray, bounds: Bounds) -> np.ndarray:
    return (
        (boxes[:, 0] <= bounds.east)
        & (boxes[:, 2] >= bounds.west)
        & (boxes[:, 1] <= bounds.north)
        & (boxes[:, 3] >= bounds.south)
    )


def boundary_lines_json(bounds: Bounds) -> dict[str, str]:
    """{"state": "[...]", "county": "[...]"}: each a JSON array of {"path": [[lon, lat], ...]},
    the lines crossing the view."""
    lines = _lines()
    chosen = np.flatnonzero(_in_view(lines.boxes, bounds))
    if len(chosen) > MAX_LINES:
        extent = (lines.boxes[chosen, 2] - lines.boxes[chosen, 0]) + (lines.boxes[chosen, 3] - lines.boxes[chosen, 1])
        chosen = np.sort(chosen[np.argsort(-extent, kind="stable")[:MAX_LINES]])
    state = lines.state[chosen]
    return {
        kind: "[" + ",".join(lines.json[index] for index in chosen[of_kind].tolist()) + "]"
        for kind, of_kind in (("state", state), ("county", ~state))
    }


def boundary_lines(bounds: Bounds) -> dict[str, list[dict]]:
    """{"state": [...], "county": [...]}: each a {"path": [[lon, lat], ...]} crossing the view."""
    return {kind: json.loads(text) for kind, text in boundary_lines_json(bounds).items()}


@dataclass(frozen=True)
class City:
    name: str
    state: str
    lat: float
    lon: float
    zips: int


@lru_cache(maxsize=1)
def _cities() -> tuple[City, ...]:
    totals: dict[tuple[str, str], list[float]] = {}
    # From the ZIP index places.py keeps for the process: the zipcodes data is read once.
    for row in positioned_zips():
        if not row.standard:
            continue
        entry = totals.setdefault((row.city, row.state), [0.0, 0.0, 0])
        entry[0] += row.lat
        entry[1] += row.lon
        entry[2] += 1
    cities = [
        City(name, state, round(lat / count, 4), round(lon / count, 4), int(count))
        for (name, state), (lat, lon, count) in totals.items()
        if count >= 2  # a one-ZIP place is a town the county lines already frame
    ]
    cities.sort(key=lambda city: (-city.zips, city.name))
    return tuple(cities)


@lru_cache(maxsize=1)
def _city_positions() -> tuple[np.ndarray, np.ndarray]:
    """The cities' latitudes and longitudes, in ``_cities()``'s order (read-only)."""
    lat = np.asarray([city.lat for city in _cities()], dtype=np.float64)
    lon = np.asarray([city.lon for city in _cities()], dtype=np.float64)
    lat.setflags(write=False)
    lon.setflags(write=False)
    return lat, lon


def city_labels(bounds: Bounds, limit: int = MAX_CITIES) -> list[dict]:
    """The biggest cities inside the view, biggest first: {"lat", "lon", "label"} ("Denver, CO")."""
    lat, lon = _city_positions()
    # One pass over the 1,311 cities in numpy, not a Python loop on every map.
    inside = (bounds.south <= lat) & (lat <= bounds.north) & (bounds.west <= lon) & (lon <= bounds.east)
    cities = _cities()
    return [
        {"lat": city.lat, "lon": city.lon, "label": f"{city.name.title()}, {city.state}"}
        for city in (cities[index] for index in np.flatnonzero(inside)[:limit].tolist())
    ]
