"""Finding a ZIP code or a state for a record that has coordinates or a city but not those.

Every directory location needs a ZIP code. Sources sometimes give only coordinates or only a
city; the nearest ZIP centre (within the record's state) then stands in, and the importer says
so. The offline ``zipcodes`` data is indexed once into arrays so a lookup costs a millisecond.
Only standard (street-delivery) ZIP codes stand in: a meeting is not held at a PO box.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import zipcodes

from navigator.places import PlaceNotFound, resolve_place

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class _ZipTable:
    codes: np.ndarray
    states: np.ndarray
    latitudes: np.ndarray  # radians
    longitudes: np.ndarray  # radians
    cities: dict[str, str]  # zip -> the post office's city name
    city_states: dict[str, Counter]  # lowercase city -> Counter of (state, time zone)


@lru_cache(maxsize=1)
def _zip_table() -> _ZipTable:
    codes, states, latitudes, longitudes, cities = [], [], [], [], {}
    city_states: dict[str, Counter] = {}
    for record in zipcodes.list_all():
        cities[record["zip_code"]] = record["city"]
        latitude, longitude = float(record["lat"] or 0), float(record["long"] or 0)
        if (
            not (latitude or longitude)
            or not record["active"]
            or record["zip_code_type"] != "STANDARD"
        ):
            continue
        codes.append(record["zip_code"])
        states.append(record["state"])
        latitudes.append(latitude)
        longitudes.append(longitude)
        city_states.setdefault(record["city"].lower(), Counter())[
            (record["state"], record["timezone"])
        ] += 1
    return _ZipTable(
        np.array(codes),
        np.array(states),
        np.radians(np.array(latitudes)),
        np.radians(np.array(longitudes)),
        cities,
        city_states,
    )


def nearest_zip(
    latitude: float, longitude: float, state: str | None = None, within_miles: float = 30.0
) -> str | None:
    """The standard ZIP code nearest the point (in ``state`` when given), if one is close."""
    table = _zip_table()
    codes, latitudes, longitudes = table.codes, table.latitudes, table.longitudes
    if state:
        chosen = table.states == state
        if not chosen.any():
            return None
        codes, latitudes, longitudes = codes[chosen], latitudes[chosen], longitudes[chosen]
    lat, lon = np.radians(latitude), np.radians(longitude)
    half_chord = (
        np.sin((latitudes - lat) / 2) ** 2
        + np.cos(lat) * np.cos(latitudes) * np.sin((longitudes - lon) / 2) ** 2
    )
    distances = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(half_chord, 1.0)))
    nearest = int(np.argmin(distances))
    return str(codes[nearest]) if distances[nearest] <= within_miles else None


def zip_city(zip_code: str) -> str | None:
    """The post office's name for the city of a ZIP code."""
    return _zip_table().cities.get(zip_code)


def city_zip(city: str, state: str) -> str | None:
    """A ZIP code standing for a whole city: the one nearest the centre of its ZIP codes."""
    try:
        place = resolve_place(f"{city}, {state}")
    except PlaceNotFound:
        return None
    return nearest_zip(place.lat, place.lon, state)


def state_of_city(city: str, timezone: str | None = None) -> str | None:
    """The state a city name without one most likely means: of the states with a city of that
    name (in ``timezone`` when given), the one where it has the most ZIP codes."""
    found = _zip_table().city_states.get(city.strip().lower())
    if not found:
        return None
    counts: Counter[str] = Counter()
    for (state, zone), count in found.items():
        if timezone is None or zone == timezone:
            counts[state] += count
    return counts.most_common(1)[0][0] if counts else None
