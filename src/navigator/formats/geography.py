"""Finding a ZIP code or a state for a record that has coordinates or a city but not those.

Every directory location needs a ZIP code. Sources sometimes give only coordinates or only a
city; the nearest ZIP centre (within the record's state) then stands in, and the importer says
so. Only standard (street-delivery) ZIP codes stand in: a meeting is not held at a PO box. The
ZIP data is the one index in ``navigator.search.places``.
"""

from __future__ import annotations

from collections import Counter

from navigator.search.places import PlaceNotFound, resolve_place, street_zip_counts_by_city, zip_city
from navigator.search.places import nearest_zip as nearest_zip_place

__all__ = ["city_zip", "nearest_zip", "state_of_city", "zip_city"]


def nearest_zip(latitude: float, longitude: float, state: str | None = None, within_miles: float = 30.0) -> str | None:
    """The standard ZIP code nearest the point (in ``state`` when given), if one is close."""
    near = nearest_zip_place(latitude, longitude, within_miles, state=state, street_delivery_only=True)
    return near.zip if near else None


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
    found = street_zip_counts_by_city().get(city.strip().lower())
    if not found:
        return None
    counts: Counter[str] = Counter()
    for (state, zone), count in found.items():
        if timezone is None or zone == timezone:
            counts[state] += count
    return counts.most_common(1)[0][0] if counts else None
