"""Search by place and need: the engine behind every page and ``python -m navigator search``.

Everything runs on whole numpy arrays of the index (haversine distance, the need matrix, the
weekly schedule table), so a search over 100,000 entries costs milliseconds, not a Python loop.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import weakref
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from navigator.directory.index import Directory
from navigator.directory.provenance import UNDATED_DAY
from navigator.directory.schema import NATIONAL
from navigator.search.places import EARTH_RADIUS_MILES, Place, resolve_place

MILES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_MILES / 180
STALE_AFTER_DAYS = 365
DEFAULT_RADIUS = 25.0
SORTS = ("rank", "distance")
# Open-soon buckets for ranking: open now, within 3 hours, within a day, later or unknown.
OPEN_BUCKET_LIMITS = (0.0, 180.0, 1440.0)
# Where safety is at stake (a crisis line, an overdose line, naloxone), a real entry always ranks
# above a sample one: fictional demo data must never stand in for help in a crisis.
SAFETY_CATEGORIES = ("crisis_line",)
SAFETY_CODES = ("crisis", "naloxone")
FREE = "free"


@dataclass(frozen=True)
class StartWindow:
    """A span of instants a meeting may start in (a time of day on a day: "Saturday evening").

    A meeting is in the window when a session starts at or after ``begin`` and before ``end``,
    or, with ``since``, when it is in session at ``begin`` in a session that started at or after
    ``since`` (a window already under way: its meetings that started in it and still run).
    """

    begin: dt.datetime
    end: dt.datetime
    since: dt.datetime | None = None


class UnknownCode(ValueError):
    """A need code that is not in the vocabulary; names the closest known code."""

    def __init__(self, code: str, suggestion: str | None):
        self.code = code
        self.suggestion = suggestion
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"unknown need code '{code}'{hint}")


@dataclass(frozen=True)
class Query:
    near: str
    radius: float | None = DEFAULT_RADIUS  # None: any distance
    needs: tuple[str, ...] = ()  # every one must hold
    prefer: tuple[str, ...] = ()  # ranked higher when they hold, never required
    language: str | None = None
    text: str | None = None
    open_at: dt.datetime | None = None  # keep entries open (meetings: in session) then
    starting_within_hours: float | None = None  # meetings that start within this many hours
    # Meetings that start in one of these windows (None: no time of day asked; empty: none can).
    starting_in: tuple[StartWindow, ...] | None = None
    sort: str = "rank"
    limit: int | None = 50
    offset: int = 0  # hits start after this many matches (a later page): only the slice shown is built
    include_remote: bool = True
    categories: tuple[str, ...] = ()  # empty: every category


@dataclass(frozen=True)
class Hit:
    row: int
    id: str
    name: str
    organization: str
    category: str
    distance_miles: float | None
    lat: float | None
    lon: float | None
    approximate: bool
    remote: bool
    matched: tuple[str, ...]
    open_now: bool | None  # None: no schedule known
    next_open: dt.datetime | None  # in the entry's own time zone; for meetings, the next start
    minutes_until_open: float | None
    is_meeting: bool
    stale: bool
    verified_days_ago: int | None  # None, as last_verified: no date to count from
    last_verified: dt.date | None  # None: an imported listing whose source gives no date
    sample: bool
    phone: str | None
    website: str | None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "organization": self.organization,
            "category": self.category,
            "distance_miles": None if self.distance_miles is None else round(self.distance_miles, 2),
            "lat": self.lat,
            "lon": self.lon,
            "approximate": self.approximate,
            "remote": self.remote,
            "matched": list(self.matched),
            "open_now": self.open_now,
            "next_open": self.next_open.isoformat() if self.next_open else None,
            "stale": self.stale,
            "verified_days_ago": self.verified_days_ago,
            "last_verified": self.last_verified.isoformat() if self.last_verified else None,
            "sample": self.sample,
            "phone": self.phone,
            "website": self.website,
        }


@dataclass(frozen=True)
class SearchResult:
    query: Query
    place: Place
    at: dt.datetime
    hits: tuple[Hit, ...]
    total: int  # every match, before the limit
    physical_total: int = 0
    remote_total: int = 0
    unmatched_preferences: tuple[str, ...] = field(default=())

    def as_json(self) -> dict:
        query = self.query
        return {
            "query": {
                "near": query.near,
                "place": self.place.label,
                "lat": self.place.lat,
                "lon": self.place.lon,
                "radius": query.radius,
                "needs": list(query.needs),
                "language": query.language,
                "text": query.text,
                "open_at": self.at.isoformat() if query.open_at else None,
                "sort": query.sort,
                "limit": query.limit,
            },
            "results": [hit.as_json() for hit in self.hits],
            "total": self.total,
        }


def haversine_miles(lat1, lon1, lat2, lon2):
    """Great-circle miles; works elementwise on numpy arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(value) for value in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def longitude_reach(latitude: float, radius: float) -> float | None:
    """The most degrees of longitude a point within ``radius`` miles of a place at ``latitude``
    can be from it (on the sphere ``haversine_miles`` measures), or None when the circle reaches a
    pole, where every longitude is that near."""
    angle = radius / EARTH_RADIUS_MILES
    colatitude = math.pi / 2 - abs(math.radians(latitude))
    if angle >= colatitude:
        return None
    return math.degrees(math.asin(min(1.0, math.sin(angle) / math.sin(colatitude)))) * (1 + 1e-9)


def check_codes(directory: Directory, codes) -> tuple[str, ...]:
    known = set(directory.codes)
    for code in codes:
        if code not in known:
            raise UnknownCode(code, directory.vocabulary.suggest(code))
    return tuple(dict.fromkeys(codes))


def search(
    directory: Directory, query: Query, now: dt.datetime | None = None, geocoder=None, place: Place | None = None
) -> SearchResult:
    """Run ``query``; raises PlaceNotFound or UnknownCode for a call that cannot be answered."""
    if query.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    needs = check_codes(directory, query.needs)
    prefer = tuple(code for code in check_codes(directory, query.prefer) if code not in needs)
    place = place or resolve_place(query.near, geocoder)
    at = _instant(query.open_at or now, place)

    # Per-row facts come from numpy arrays of the index: a pandas text column would turn each of
    # 100,000 cells into a Python object on every search. The rows a search may return are
    # narrowed first (a latitude band from the index's latitude order, the rows serving the
    # place remotely), and every filter runs on those rows only: at 1,000,000 entries a mask
    # over every row for each filter cost more than the rest of the search.
    category_number = {category: number for number, category in enumerate(directory.vocabulary.categories)}
    code_column = {code: column for column, code in enumerate(directory.codes)}
    wanted_categories = (
        [category_number[category] for category in query.categories if category in category_number]
        if query.categories
        else None
    )
    layout = _layout(directory)

    def kept(candidates: np.ndarray) -> np.ndarray:
        """``candidates`` (ascending rows) that are active and meet the categories, needs and language."""
        keep = directory.active[candidates]
        if wanted_categories is not None:
            keep &= np.isin(directory.category_numbers[candidates], wanted_categories)
        if needs:
            keep &= _holds_every_need(directory, needs, code_column, candidates)
        if query.language:
            keep &= _among(candidates, layout.language_rows(directory, query.language))
        return candidates[keep]

    if query.radius is not None:
        # A cheap box first (a latitude band, then the longitudes the circle can reach), so the
        # filters and the trigonometry run on a few rows, not all of them.
        half_band = query.radius / MILES_PER_DEGREE_LATITUDE + 1e-9
        physical_rows = layout.in_box(place.lat, place.lon, half_band, longitude_reach(place.lat, query.radius))
    else:
        physical_rows = layout.physical
    physical_rows = kept(physical_rows)
    latitudes = layout.latitudes_by_row[physical_rows]
    longitudes = layout.longitudes_by_row[physical_rows]
    if query.radius is not None:
        band = np.abs(latitudes - place.lat) <= half_band  # the exact test, as before the index
        physical_rows, latitudes, longitudes = physical_rows[band], latitudes[band], longitudes[band]
    distances = haversine_miles(place.lat, place.lon, latitudes, longitudes)
    if query.radius is not None:
        near = distances <= query.radius
        physical_rows, distances = physical_rows[near], distances[near]

    remote_rows = np.empty(0, dtype=np.int64)
    if query.include_remote:
        remote_rows = kept(layout.serving_remotely(directory, place.state))

    rows = np.concatenate([physical_rows, remote_rows])
    row_distances = np.concatenate([distances, np.full(len(remote_rows), np.nan)])
    if query.text:
        has_text = layout.texts.containing(rows, query.text.casefold().split())
        rows, row_distances = rows[has_text], row_distances[has_text]

    is_meeting = directory.category_numbers[rows] == category_number.get("support_meeting", -1)
    schedules = directory.schedules
    minutes_open = schedules.minutes_until_open(at, rows)
    minutes_start = schedules.minutes_until_start(at, rows)
    if query.open_at is not None:
        open_then = minutes_open == 0
        rows, row_distances, is_meeting = rows[open_then], row_distances[open_then], is_meeting[open_then]
        minutes_open, minutes_start = minutes_open[open_then], minutes_start[open_then]
    if query.starting_within_hours is not None:
        soon = is_meeting & ((minutes_open == 0) | (minutes_start <= query.starting_within_hours * 60))
        rows, row_distances, is_meeting = rows[soon], row_distances[soon], is_meeting[soon]
        minutes_open, minutes_start = minutes_open[soon], minutes_start[soon]
    if query.starting_in is not None:
        # A meeting's timing becomes its first start in a window: its card says when that is,
        # and it ranks by it. One that started in a window under way counts as in session.
        first_start, in_session = _starts_in_windows(schedules, rows, at, query.starting_in)
        inside = is_meeting & (np.isfinite(first_start) | in_session)
        rows, row_distances, is_meeting = rows[inside], row_distances[inside], is_meeting[inside]
        minutes_start = first_start[inside]
        minutes_open = np.where(in_session[inside], 0.0, minutes_start)

    verified = layout.verified_days[rows]
    today = np.datetime64(at.date(), "D")
    age_days = (today - verified).astype(np.int64)
    stale = age_days > STALE_AFTER_DAYS
    preferred_matches = (
        directory.code_matrix[np.ix_(rows, [code_column[c] for c in prefer])]
        if prefer
        else np.zeros((len(rows), 0), dtype=bool)
    )

    remote_flags = np.isnan(row_distances)
    if query.sort == "distance":  # pure distance order, as asked
        order = np.lexsort((np.nan_to_num(row_distances, nan=np.inf), remote_flags))
    else:
        sample_safety = _sample_safety_rows(directory, layout, rows, category_number, code_column)
        bucket = np.searchsorted(OPEN_BUCKET_LIMITS, minutes_open, side="left") + 2 * stale
        order = np.lexsort(
            (
                np.nan_to_num(row_distances, nan=np.inf),
                bucket,
                -preferred_matches.sum(axis=1),
                remote_flags,
                sample_safety,
            )
        )
    total = len(order)
    # Only the slice shown becomes hits: the last page of a national directory built 88,000 of
    # them before (7 s CPU per rerun at page 4,431, when each hit unpacked its entry).
    start = max(query.offset, 0)
    page = order[start : start + query.limit] if query.limit is not None else order[start:]

    hits = _hits(
        directory,
        layout,
        rows[page],
        row_distances[page],
        needs,
        code_column,
        prefer,
        preferred_matches[page],
        minutes_open[page],
        minutes_start[page],
        is_meeting[page],
        stale[page],
        age_days[page],
        verified[page],
        at,
    )
    return SearchResult(query, place, at, hits, total, int((~remote_flags).sum()), int(remote_flags.sum()))


def _holds_every_need(directory: Directory, needs: tuple[str, ...], code_column: dict, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` hold every need. A payment need (Medicaid, private insurance …) is also
    met by a free service: a filter for how to pay must never hide what costs nothing, like a meeting."""
    payment = directory.vocabulary.group_of(FREE)
    columns = [code_column[code] for code in needs]
    if FREE in code_column:
        columns.append(code_column[FREE])
    held = directory.code_matrix[np.ix_(rows, columns)]
    free = held[:, -1] if FREE in code_column else None
    keep = np.ones(len(rows), dtype=bool)
    for number, code in enumerate(needs):
        holds = held[:, number]
        if free is not None and payment is not None and code in payment.codes and code != FREE:
            holds = holds | free
        keep &= holds
    return keep


def _among(rows: np.ndarray, sorted_rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` are in ``sorted_rows`` (ascending), by binary search."""
    if not len(sorted_rows):
        return np.zeros(len(rows), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
    return sorted_rows[at] == rows


class _Layout:
    """What a directory's searches narrow their rows with and read their hits from, worked out
    once per directory on its first search (kept while the directory is): the rows with a place,
    in row order and in latitude order; the frame's columns a search reads, as numpy arrays (a
    pandas column look-up costs some 50 µs, and a search made a dozen); and (as they are asked for)
    each language's rows and the remote services serving each state, in order."""

    def __init__(self, directory: Directory):
        frame = directory.frame
        self.remote = frame["remote"].to_numpy(dtype=bool)
        self.latitudes_by_row = frame["lat"].to_numpy(dtype=float)
        self.longitudes_by_row = frame["lon"].to_numpy(dtype=float)
        self.approximate = frame["approximate"].to_numpy(dtype=bool)
        self.sample = frame["sample"].to_numpy(dtype=bool)
        self.verified_days = frame["last_verified"].to_numpy().astype("datetime64[D]")
        self.texts = _Texts(frame)
        self.physical = np.flatnonzero(~self.remote)
        latitudes = self.latitudes_by_row[self.physical]
        placed = ~np.isnan(latitudes)
        order = np.argsort(latitudes[placed], kind="stable")
        self.by_latitude = self.physical[placed][order]
        self.latitudes = latitudes[placed][order]
        self._languages: dict[str, np.ndarray] = {}
        self._serving: dict[str | None, np.ndarray] = {}

    def in_box(self, latitude: float, longitude: float, half_band: float, reach: float | None) -> np.ndarray:
        """Ascending rows with a latitude within about ``half_band`` of ``latitude`` and, unless
        ``reach`` is None, a longitude within about ``reach`` of ``longitude`` (a little more
        either way: the caller applies the exact test). At 100,000 entries a 25-mile band across
        the country holds up to 7,500 rows, of which the box keeps a fifth."""
        slack = 1e-6
        low, high = np.searchsorted(self.latitudes, [latitude - half_band - slack, latitude + half_band + slack])
        rows = self.by_latitude[low:high]
        if reach is not None:
            difference = np.abs(self.longitudes_by_row[rows] - longitude)
            np.minimum(difference, 360 - difference, out=difference)  # the short way, across the antimeridian too
            rows = rows[difference <= reach + slack]
        return np.sort(rows)

    def serving_remotely(self, directory: Directory, state: str | None) -> np.ndarray:
        """Ascending rows of remote services serving the whole country or ``state``."""
        rows = self._serving.get(state)
        if rows is None:
            areas = [directory.area_rows.get(area, []) for area in (NATIONAL, state) if area]
            rows = np.unique(np.concatenate([np.asarray(area, dtype=np.int64) for area in areas]))
            rows = rows[self.remote[rows]]
            self._serving[state] = rows
        return rows

    def language_rows(self, directory: Directory, language: str) -> np.ndarray:
        rows = self._languages.get(language)
        if rows is None:
            rows = np.unique(np.asarray(directory.language_rows.get(language, []), dtype=np.int64))
            self._languages[language] = rows
        return rows


# The text a hit takes from the index's frame, not from its packed entry: unpacking an entry
# (zstd, then marshal) cost some 25 µs, a third of a search at 100,000 entries for 50 hits.
HIT_TEXT_COLUMNS = ("id", "name", "organization", "category", "phone", "website", "timezone")


class _Texts:
    """The frame's text a search reads: the words it looks for, and the text a hit shows, a page
    of rows at a time. Read in Arrow when pandas keeps the text there (referring to the columns,
    copying nothing: pandas' own ``take`` and ``str.contains`` cost three times as much), else
    from each column's own object array."""

    def __init__(self, frame: pd.DataFrame):
        columns = [frame[name].array for name in (*HIT_TEXT_COLUMNS, "text")]
        if all(hasattr(column, "__arrow_array__") for column in columns):
            import pyarrow  # present whenever pandas keeps text in Arrow

            arrays = [column.__arrow_array__() for column in columns]
            self._table = pyarrow.table(arrays[:-1], names=HIT_TEXT_COLUMNS)
            self._words = arrays[-1]
            self._objects = None
        else:
            self._table = self._words = None
            self._objects = {name: frame[name].to_numpy() for name in HIT_TEXT_COLUMNS}
            self._text = frame["text"]

    def containing(self, rows: np.ndarray, words: list[str]) -> np.ndarray:
        """Which of ``rows`` have every one of ``words`` in their (casefolded) text."""
        has_text = np.ones(len(rows), dtype=bool)
        if self._words is not None:
            import pyarrow.compute

            texts = self._words.take(rows)
            for word in words:
                # RE2 with the word escaped finds it four times faster than match_substring does.
                found = pyarrow.compute.match_substring_regex(texts, re.escape(word))
                has_text &= found.to_numpy(zero_copy_only=False)
            return has_text
        texts = self._text.take(rows)
        for word in words:
            has_text &= texts.str.contains(word, regex=False).to_numpy(dtype=bool)
        return has_text

    def at(self, rows: np.ndarray) -> dict[str, list[str | None]]:
        """Each column's text at ``rows``; None where a row has none (pandas may keep a NaN there)."""
        if self._table is not None:
            return self._table.take(rows).to_pydict()
        return {
            name: [value if isinstance(value, str) else None for value in values[rows].tolist()]
            for name, values in self._objects.items()
        }


_LAYOUTS: dict[int, tuple[weakref.ref, _Layout]] = {}
_LAYOUTS_LOCK = threading.Lock()


def _layout(directory: Directory) -> _Layout:
    with _LAYOUTS_LOCK:
        known = _LAYOUTS.get(id(directory))
        if known is not None and known[0]() is directory:
            return known[1]
        for key, (reference, _) in list(_LAYOUTS.items()):
            if reference() is None:  # that directory is gone (a reload replaced it)
                del _LAYOUTS[key]
        layout = _Layout(directory)
        _LAYOUTS[id(directory)] = (weakref.ref(directory), layout)
        return layout


def _starts_in_windows(schedules, rows, at: dt.datetime, windows) -> tuple[np.ndarray, np.ndarray]:
    """For ``rows``: minutes from ``at`` to their first session start inside one of ``windows``
    (inf: none), and whether one is in session at a window's ``begin`` since its ``since``.

    Each window costs one vectorised pass of the schedule table (two more with ``since``), all
    rows at once: a week of windows is eight passes, never a loop over entries.
    """
    first = np.full(len(rows), np.inf)
    in_session = np.zeros(len(rows), dtype=bool)
    at_utc = at.astimezone(dt.UTC)
    for window in windows:
        begin, end = window.begin.astimezone(dt.UTC), window.end.astimezone(dt.UTC)
        # Minutes through UTC: a window's wall-clock length changes across a daylight-saving change.
        length = (end - begin).total_seconds() / 60
        lead = (begin - at_utc).total_seconds() / 60
        if length > 0:
            wait = schedules.minutes_until_start(begin, rows)
            np.minimum(first, np.where(wait < length, lead + wait, np.inf), out=first)
        if window.since is not None and window.since <= window.begin:
            started = (begin - window.since.astimezone(dt.UTC)).total_seconds() / 60
            open_then = schedules.open_mask(begin, rows)
            in_session |= open_then & (schedules.minutes_until_start(window.since, rows) <= started)
    return first, in_session


def _sample_safety_rows(directory: Directory, layout: _Layout, rows, category_number: dict, code_column: dict):
    """Which of ``rows`` are sample (fictional) entries offering crisis or overdose help."""
    sample = layout.sample[rows]
    safety = np.isin(
        directory.category_numbers[rows],
        [category_number[category] for category in SAFETY_CATEGORIES if category in category_number],
    )
    columns = [code_column[code] for code in SAFETY_CODES if code in code_column]
    if columns:
        safety |= directory.code_matrix[np.ix_(rows, columns)].any(axis=1)
    return sample & safety


def _instant(value: dt.datetime | None, place: Place) -> dt.datetime:
    """An aware instant; a naive one is read in the searched place's own time zone."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(place.timezone or "UTC"))
    return value


def _hits(
    directory: Directory,
    layout: _Layout,
    rows: np.ndarray,
    distances: np.ndarray,
    needs: tuple[str, ...],
    code_column: dict[str, int],
    prefer: tuple[str, ...],
    preferred_matches: np.ndarray,
    minutes_open: np.ndarray,
    minutes_start: np.ndarray,
    is_meeting: np.ndarray,
    stale: np.ndarray,
    age_days: np.ndarray,
    verified: np.ndarray,
    at: dt.datetime,
) -> tuple[Hit, ...]:
    """The hits of ``rows`` (one page, in order). Every fact is gathered for the whole page at
    once from the index's columns, as plain Python values: no entry is unpacked, and no numpy
    scalar is made per hit."""
    texts = layout.texts.at(rows)
    # A payment need met by being free reads "free" (``_holds_every_need`` let it through).
    needs_held = directory.code_matrix[np.ix_(rows, [code_column[code] for code in needs])].tolist()
    preferred = [
        tuple(code for code, hit in zip(prefer, held, strict=True) if hit) for held in preferred_matches.tolist()
    ]
    remote, approximate, sample = (
        layout.remote[rows].tolist(),
        layout.approximate[rows].tolist(),
        layout.sample[rows].tolist(),
    )
    latitudes, longitudes = layout.latitudes_by_row[rows].tolist(), layout.longitudes_by_row[rows].tolist()
    distances, minutes_open, minutes_start = distances.tolist(), minutes_open.tolist(), minutes_start.tolist()
    is_meeting, stale, age_days, days = is_meeting.tolist(), stale.tolist(), age_days.tolist(), verified.tolist()
    at_utc = at.astimezone(dt.UTC)
    hits = []
    for position, row in enumerate(rows.tolist()):
        minutes_now, meeting, day = minutes_open[position], is_meeting[position], days[position]
        # A meeting not in session is next "open" when it next starts.
        minutes_next = minutes_start[position] if meeting and minutes_now != 0 else minutes_now
        next_open = None
        if math.isfinite(minutes_next):
            timezone = texts["timezone"][position]
            zone = ZoneInfo(timezone) if timezone else dt.UTC
            # In UTC: adding minutes to a local time would step by the wall clock across a DST change.
            later = at_utc + dt.timedelta(minutes=minutes_next)
            next_open = later.astimezone(zone).replace(second=0, microsecond=0)
        held = needs_held[position]
        # An undated listing ranks and ages as the oldest there is (the index keeps it as
        # ``UNDATED_DAY``, as every page reading the index does), but has no age to show.
        dated = day != UNDATED_DAY
        on_site = not remote[position]
        hits.append(
            Hit(
                row=row,
                id=texts["id"][position],
                name=texts["name"][position],
                organization=texts["organization"][position],
                category=texts["category"][position],
                distance_miles=distances[position] if on_site else None,
                lat=latitudes[position] if on_site else None,
                lon=longitudes[position] if on_site else None,
                approximate=approximate[position],
                remote=not on_site,
                matched=tuple(dict.fromkeys(code if held[n] else FREE for n, code in enumerate(needs)))
                + preferred[position],
                open_now=(minutes_now == 0) if math.isfinite(minutes_now) else None,
                next_open=next_open,
                minutes_until_open=minutes_next if math.isfinite(minutes_next) else None,
                is_meeting=meeting,
                stale=stale[position],
                verified_days_ago=age_days[position] if dated else None,
                last_verified=day if dated else None,
                sample=sample[position],
                phone=texts["phone"][position],
                website=texts["website"][position],
            )
        )
    return tuple(hits)
