"""Where a person is: a ZIP code, "City, ST" or "LAT,LON" resolved offline, a street address online.

The offline source is the ``zipcodes`` package, indexed once per process (and kept indexed in the
cache folder, by the package's version, for the next process). Street addresses need
an online geocoder (``geocoder``: Nominatim, through geopy), which the operator switches on by
setting ``NAVIGATOR_GEOCODER_USER_AGENT``; nothing goes over the network otherwise.
"""

from __future__ import annotations

import contextlib
import difflib
import pickle
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import numpy as np
import zipcodes

from navigator.files import write_atomic_with
from navigator.i18n import N_, _
from navigator.settings import load_settings

# The main time zone of each state and territory; a ZIP's own zone, when known, wins over it.
US_STATE_TIMEZONES: dict[str, str] = {
    "AL": "America/Chicago",
    "AK": "America/Anchorage",
    "AZ": "America/Phoenix",
    "AR": "America/Chicago",
    "CA": "America/Los_Angeles",
    "CO": "America/Denver",
    "CT": "America/New_York",
    "DE": "America/New_York",
    "DC": "America/New_York",
    "FL": "America/New_York",
    "GA": "America/New_York",
    "HI": "Pacific/Honolulu",
    "ID": "America/Boise",
    "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago",
    "KS": "America/Chicago",
    "KY": "America/New_York",
    "LA": "America/Chicago",
    "ME": "America/New_York",
    "MD": "America/New_York",
    "MA": "America/New_York",
    "MI": "America/Detroit",
    "MN": "America/Chicago",
    "MS": "America/Chicago",
    "MO": "America/Chicago",
    "MT": "America/Denver",
    "NE": "America/Chicago",
    "NV": "America/Los_Angeles",
    "NH": "America/New_York",
    "NJ": "America/New_York",
    "NM": "America/Denver",
    "NY": "America/New_York",
    "NC": "America/New_York",
    "ND": "America/Chicago",
    "OH": "America/New_York",
    "OK": "America/Chicago",
    "OR": "America/Los_Angeles",
    "PA": "America/New_York",
    "RI": "America/New_York",
    "SC": "America/New_York",
    "SD": "America/Chicago",
    "TN": "America/Chicago",
    "TX": "America/Chicago",
    "UT": "America/Denver",
    "VT": "America/New_York",
    "VA": "America/New_York",
    "WA": "America/Los_Angeles",
    "WV": "America/New_York",
    "WI": "America/Chicago",
    "WY": "America/Denver",
    "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas",
    "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
    "FM": "Pacific/Chuuk",
    "MH": "Pacific/Majuro",
    "PW": "Pacific/Palau",
}

EARTH_RADIUS_MILES = 3958.8
OFFLINE_HINT = N_(
    "Offline, only ZIP codes, cities and coordinates work; street addresses need an "
    "online geocoder set up by the operator."
)

_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")
_ZIP_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
_COORDINATES = re.compile(r"([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)")
_CITY_STATE = re.compile(r"(.+?)\s*(?:,|\s)\s*([A-Za-z]{2})\.?")
# Abbreviations people type for words the ZIP data spells out, and the reverse.
_CITY_WORD_FORMS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str  # what to show, e.g. "80222 Denver, CO"
    state: str | None = None
    zip: str | None = None
    timezone: str | None = None
    approximate: bool = False  # a centroid, not the exact point
    zip_from_text: bool = False  # placed by the ZIP code inside a street address that could not be placed


class PlaceNotFound(ValueError):
    """A place that could not be resolved; the message names what was typed and what works.

    ``kind`` says what went wrong, for callers that word it themselves: "empty", "unknown_zip",
    "off_earth", "unknown" (not a ZIP, city or coordinates known offline) or "not_geocoded" (the
    address geocoder found nothing). ``suggestions`` are the nearest known places, "City, ST".
    """

    def __init__(self, text: str, reason: str | None = None, kind: str = "unknown", suggestions: tuple = ()):
        self.text = text
        self.kind = "empty" if not text.strip() else kind
        self.suggestions = tuple(suggestions)
        if reason is None:
            shown = f'"{text}"' if text.strip() else _("An empty place")
            reason = _('{place} is not a ZIP code, "City, ST" or "LAT,LON" we know.').format(place=shown)
            reason += " " + _(OFFLINE_HINT)
        super().__init__(reason)


class Geocoder(Protocol):
    def geocode(self, text: str) -> tuple[float, float, str] | None:
        """(lat, lon, label) of a street address, or None when nothing was found."""


@dataclass(frozen=True)
class _ZipRow:
    zip: str
    city: str
    state: str
    lat: float
    lon: float
    timezone: str | None
    street_delivery: bool  # active and STANDARD: can stand in for an address (not a PO box)
    standard: bool  # STANDARD, active or not (the base map sizes cities by these)


@dataclass
class _CityTotals:
    """The ZIP codes of one city, summed while the index is built; read-only afterwards."""

    name: str
    named_as_primary: bool
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    count: int = 0
    zone_counts: dict[str, int] = field(default_factory=dict)

    def place(self, state: str) -> Place:
        zone = max(self.zone_counts, key=self.zone_counts.__getitem__) if self.zone_counts else None
        return Place(
            self.lat_sum / self.count,
            self.lon_sum / self.count,
            f"{self.name}, {state}",
            state,
            None,
            zone or US_STATE_TIMEZONES.get(state),
            approximate=True,
        )


_CITY_PUNCTUATION = str.maketrans({"-": " ", ".": " ", "'": " ", "\u2019": " "})


@lru_cache(maxsize=1 << 17)
def _city_key(name: str) -> str:
    words = name.casefold().translate(_CITY_PUNCTUATION).split()
    return " ".join(_CITY_WORD_FORMS.get(word, word) for word in words)


@lru_cache(maxsize=64)
def _known_timezone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):  # the data holds a few non-zones, e.g. a town's name
        return None
    return name


def _positioned_zip_records():
    # A first digit at a time: ``zipcodes.list_all()`` keeps all 42,000 records alive for the
    # rest of the process (about 80 MB more at its peak); each of these lists goes once read.
    for digit in "0123456789":
        for record in zipcodes.similar_to(digit):
            lat, lon = float(record["lat"] or 0), float(record["long"] or 0)
            if lat or lon:  # military mail and a few unique ZIPs carry no position (0, 0)
                yield record, lat, lon


# A ZIP index handed over by another process (``adopt_zip_index``): a directory loader's worker
# processes take their parent's rather than reading the zipcodes package again.
_ADOPTED_ZIP_INDEX: list[dict] = []


def pickled_zip_index() -> bytes | None:
    """This process's ZIP index, pickled, when it is loaded already (else None: reading it just
    to hand it over would cost what it saves)."""
    if not _zip_index.cache_info().currsize:
        return None
    return _pickled_zip_index()


@lru_cache(maxsize=1)
def _pickled_zip_index() -> bytes:
    return pickle.dumps(_zip_index(), protocol=pickle.HIGHEST_PROTOCOL)


def adopt_zip_index(pickled: bytes) -> None:
    """Use the ZIP index ``pickled_zip_index`` gave (in another process of the same code) from
    now on: a fifth of a second instead of most of one."""
    _ADOPTED_ZIP_INDEX[:] = [pickle.loads(pickled)]
    _zip_index.cache_clear()


@lru_cache(maxsize=1)
def _zip_index() -> dict[str, _ZipRow]:
    if _ADOPTED_ZIP_INDEX:
        return _ADOPTED_ZIP_INDEX[0]
    stored = _stored_zip_index()
    if stored is not None:
        return stored
    index = {
        record["zip_code"]: _ZipRow(
            record["zip_code"],
            record["city"],
            record["state"],
            lat,
            lon,
            _known_timezone(record["timezone"]) if record["timezone"] else None,
            bool(record["active"]) and record["zip_code_type"] == "STANDARD",
            record["zip_code_type"] == "STANDARD",
        )
        for record, lat, lon in _positioned_zip_records()
    }
    with contextlib.suppress(OSError):  # a read-only cache folder costs time, never correctness
        path = _zip_index_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic_with(path, lambda handle: pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL))
    return index


# Reading the zipcodes package costs a process most of a second of CPU (the package's own start,
# then 42,000 records as dictionaries) and some 65 MB, and every process that loads or searches a
# directory needs the index: each worker of a cold load, the app, the command line. Read back
# from the cache folder it costs a tenth of a second. A new version of the package (or of this
# index's shape, ZIP_INDEX_FORMAT, or of Python's pickles) is another file.
ZIP_INDEX_FORMAT = 1


def _zip_index_file() -> Path:
    version = f"{zipcodes.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}-{ZIP_INDEX_FORMAT}"
    return load_settings().cache_folder / f"zip-index-{version}.pickle"


def _stored_zip_index() -> dict[str, _ZipRow] | None:
    """The index ``_zip_index`` stored in the cache folder, or None (then it is built again)."""
    try:
        with open(_zip_index_file(), "rb") as handle:
            index = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(index, dict) or not all(isinstance(row, _ZipRow) for row in index.values()):
        return None
    return index


def positioned_zips() -> Iterable[_ZipRow]:
    """Every ZIP code with a position, in the zipcodes data's order (read once per process)."""
    return _zip_index().values()


@lru_cache(maxsize=1)
def _city_index() -> dict[tuple[str, str], _CityTotals]:
    """(normalised city, state) -> the city's active, non-military ZIP codes with a position."""
    cities: dict[tuple[str, str], _CityTotals] = {}
    for record, lat, lon in _positioned_zip_records():
        if not record["active"] or record["zip_code_type"] == "MILITARY":
            continue
        zone = _known_timezone(record["timezone"]) if record["timezone"] else None
        for position, name in enumerate((record["city"], *record["acceptable_cities"])):
            key = (_city_key(name), record["state"])
            totals = cities.get(key)
            if totals is None:
                totals = cities[key] = _CityTotals(name, named_as_primary=position == 0)
            elif position == 0 and not totals.named_as_primary:
                totals.name, totals.named_as_primary = name, True  # the post office's own spelling
            totals.lat_sum += lat
            totals.lon_sum += lon
            totals.count += 1
            if zone:
                totals.zone_counts[zone] = totals.zone_counts.get(zone, 0) + 1
    return cities


def zip_centroid(zip5: str) -> Place | None:
    """The centre of a ZIP code (approximate), or None for a ZIP the offline data does not place."""
    row = _zip_index().get(zip5)
    if row is None:
        return None
    return Place(
        row.lat,
        row.lon,
        f"{row.zip} {row.city}, {row.state}",
        row.state,
        row.zip,
        timezone_for(row.zip, row.state),
        approximate=True,
    )


NEAREST_ZIP_MILES = 30.0  # beyond this a point is offshore or abroad: no state to borrow


@dataclass(frozen=True)
class _ZipPoints:
    rows: tuple[_ZipRow, ...]
    latitudes: np.ndarray  # radians
    longitudes: np.ndarray  # radians
    states: np.ndarray
    street_delivery: np.ndarray


@lru_cache(maxsize=1)
def _zip_points() -> _ZipPoints:
    rows = tuple(_zip_index().values())
    return _ZipPoints(
        rows,
        np.radians(np.fromiter((row.lat for row in rows), dtype=float, count=len(rows))),
        np.radians(np.fromiter((row.lon for row in rows), dtype=float, count=len(rows))),
        np.array([row.state for row in rows]),
        np.fromiter((row.street_delivery for row in rows), dtype=bool, count=len(rows)),
    )


def nearest_zip(
    lat: float,
    lon: float,
    within_miles: float = NEAREST_ZIP_MILES,
    *,
    state: str | None = None,
    street_delivery_only: bool = False,
) -> Place | None:
    """The ZIP whose centre is nearest to a point (one vectorised pass), if it is close enough;
    only in ``state`` when given, and only street-delivery ZIPs when asked (to stand in for an address)."""
    points = _zip_points()
    chosen = np.ones(len(points.rows), dtype=bool)
    if state:
        chosen &= points.states == state
    if street_delivery_only:
        chosen &= points.street_delivery
    candidates = np.flatnonzero(chosen)
    if not len(candidates):
        return None
    latitudes, longitudes = points.latitudes[candidates], points.longitudes[candidates]
    phi, lam = np.radians(lat), np.radians(lon)
    a = np.sin((latitudes - phi) / 2) ** 2 + np.cos(phi) * np.cos(latitudes) * np.sin((longitudes - lam) / 2) ** 2
    best = int(np.argmin(a))
    if 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(min(a[best], 1.0))) > within_miles:
        return None
    return zip_centroid(points.rows[candidates[best]].zip)


def zip_city(zip5: str) -> str | None:
    """The post office's name for the city of a ZIP code."""
    row = _zip_index().get(zip5)
    return row.city if row else None


@lru_cache(maxsize=1)
def street_zip_counts_by_city() -> dict[str, Counter]:
    """Lowercase city name -> how many street-delivery ZIPs it has per (state, time zone)."""
    counts: dict[str, Counter] = {}
    for row in _zip_index().values():
        if row.street_delivery:
            counts.setdefault(row.city.lower(), Counter())[(row.state, row.timezone)] += 1
    return counts


def _point(lat: float, lon: float, label: str) -> Place:
    """A place at a point, with the state and time zone of the nearest ZIP (for remote services and clocks)."""
    near = nearest_zip(lat, lon)
    if near is None:
        return Place(lat, lon, label)
    return Place(lat, lon, label, near.state, None, near.timezone)


def timezone_for(zip5: str | None, state: str | None) -> str | None:
    """The ZIP's own IANA time zone, else its state's main one, else None."""
    row = _zip_index().get(zip5) if zip5 else None
    if row is not None and row.timezone:
        return row.timezone
    return US_STATE_TIMEZONES.get(state.upper()) if state else None


def resolve_place(text: str, geocoder: Geocoder | None = None) -> Place:
    """A ZIP code, "City, ST" or "LAT,LON" offline; anything else goes to ``geocoder``, if any."""
    typed = (text or "").strip()
    if not typed:
        raise PlaceNotFound(text or "")
    if match := _ZIP.fullmatch(typed):
        place = zip_centroid(match.group(1))
        if place is None:
            raise PlaceNotFound(typed, kind="unknown_zip", suggestions=nearest_zips(match.group(1)))
        return place
    if match := _COORDINATES.fullmatch(typed):
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlaceNotFound(
                typed,
                _(
                    '"{place}" is not a position on Earth: latitude goes from -90 '
                    'to 90 and longitude from -180 to 180 (write "LAT,LON").'
                ).format(place=typed),
                kind="off_earth",
            )
        return _point(lat, lon, f"{match.group(1)}, {match.group(2)}")
    if match := _CITY_STATE.fullmatch(typed):
        state = match.group(2).upper()
        totals = _city_index().get((_city_key(match.group(1)), state))
        if totals is not None:
            return totals.place(state)
    found = geocoder.geocode(typed) if geocoder is not None else None
    if found is None:
        # A street address with its ZIP code: placed by that ZIP rather than refused.
        zips = [zip_code for zip_code in _ZIP_IN_TEXT.findall(typed) if zip_centroid(zip_code)]
        if zips:
            return replace(zip_centroid(zips[-1]), zip_from_text=True)
    if geocoder is None:
        raise PlaceNotFound(typed, suggestions=suggest_places(typed))
    if found is None:
        raise PlaceNotFound(
            typed,
            _(
                '"{place}" is not a ZIP code, "City, ST" or "LAT,LON" we know, and '
                "the address geocoder found nothing for it. Check the spelling or "
                "try a ZIP code."
            ).format(place=typed),
            kind="not_geocoded",
            suggestions=suggest_places(typed),
        )
    lat, lon, label = found
    return _point(lat, lon, label)


SUGGESTIONS = 8
ZIP_SUGGESTIONS = 4


def nearest_zips(zip5: str, limit: int = ZIP_SUGGESTIONS) -> tuple[str, ...]:
    """ZIP codes in use nearest in number to ``zip5`` in its area (the same first three digits,
    one mail sorting centre), so a wrong last digit finds its neighbours; none for an area no
    ZIP code is in, such as 00000's."""
    area = _zips_by_area().get(zip5[:3], ())
    return tuple(sorted(area, key=lambda code: (abs(int(code) - int(zip5)), code))[:limit])


@lru_cache(maxsize=1)
def _zips_by_area() -> dict[str, tuple[str, ...]]:
    areas: dict[str, list[str]] = {}
    for code in _zip_index():
        areas.setdefault(code[:3], []).append(code)
    return {area: tuple(codes) for area, codes in areas.items()}


def suggestion_label(suggestion: str) -> str:
    """How a suggested place reads: a ZIP code with its city ("80203 Denver, CO"), else itself."""
    place = zip_centroid(suggestion) if _ZIP.fullmatch(suggestion) else None
    return place.label if place is not None else suggestion


def suggest_places(typed: str, limit: int = SUGGESTIONS) -> tuple[str, ...]:
    """Known places nearest to what was typed, as "City, ST": every state's city of that name
    ("Springfield" has many), else the closest spellings ("Denvr" is "Denver, CO")."""
    match = _CITY_STATE.fullmatch(typed.strip())
    state = match.group(2).upper() if match and match.group(2).upper() in US_STATE_TIMEZONES else None
    name = _city_key(match.group(1) if state else typed)
    if not name or any(character.isdigit() for character in name):
        return ()
    cities = _city_index()
    by_name = _cities_by_name()
    exact = [(city, st) for city, st in by_name.get(name, ()) if state is None or st == state]
    if not exact:
        close = difflib.get_close_matches(name, by_name.keys(), n=limit, cutoff=0.75)
        exact = [(city, st) for key in close for city, st in by_name[key] if state is None or st == state]
        if not exact and state is not None:  # the right spelling in another state
            exact = [(city, st) for key in close for city, st in by_name[key]]
    # The biggest places first: by how many ZIP codes they span.
    exact.sort(key=lambda pair: -cities[pair].count)
    return tuple(f"{cities[pair].name}, {pair[1]}" for pair in exact[:limit])


@lru_cache(maxsize=1)
def _cities_by_name() -> dict[str, list[tuple[str, str]]]:
    names: dict[str, list[tuple[str, str]]] = {}
    for key in _city_index():
        names.setdefault(key[0], []).append(key)
    return names
