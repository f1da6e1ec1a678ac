"""Every entry's weekly schedule at once: open now, minutes until open, minutes until a session starts.

The vectorised counterpart of ``schedule``'s per-entry ``is_open``, ``next_open`` and
``next_start``, giving the same answers (daylight saving time read the same way, see that
module's notes) for a whole directory in a few numpy passes, so a search never loops over
entries in Python. Each distinct time zone's clock is worked out once per call, as the stretches
of constant UTC offset from the asked instant on (at most a couple within the search window);
schedules are int16 minutes of the week.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, islice
from zoneinfo import ZoneInfo

import numpy as np

from navigator.search.schedule import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    WeeklySchedule,
    epoch_minutes,
    offset_stretches_from,
    utc_offset_minutes,
    zone_info,
)

_EPOCH_MINUTE_OF_WEEK = 3 * MINUTES_PER_DAY  # 1970-01-01 was a Thursday
_NEVER = 1 << 30  # "no such time" in the vectorised sums: far beyond any answer, far from overflow


# ---------------------------------------------------------------------------------------------
# Each zone's offset stretches, as the table reads them


def _minute_of_week(wall_minute):
    return (wall_minute + _EPOCH_MINUTE_OF_WEEK) % MINUTES_PER_WEEK


def _open_windows(zone: ZoneInfo, minute: int) -> list[tuple[int, int, int]]:
    """Per offset stretch from ``minute`` on: (its first minute counted from ``minute``, its length
    in minutes, ``_NEVER`` for the last, and the wall minute of the week it starts at)."""
    stretches, _ = offset_stretches_from(zone, minute)
    return [
        (
            begin - minute,
            stretches[k + 1][0] - begin if k + 1 < len(stretches) else _NEVER,
            _minute_of_week(begin + offset),
        )
        for k, (begin, offset) in enumerate(stretches)
    ]


def _start_windows(zone: ZoneInfo, minute: int) -> list[tuple[int, int, int, int]]:
    """Per offset stretch from ``minute`` on, the wall-clock readings that come for the first
    time in it: (the stretch's first minute counted from ``minute``, the wall minute of the week
    of the first new reading, how many new readings, counted from ``minute`` the instant that
    first reading would have at the stretch's offset). Readings skipped by a jump forward count
    as new at the jump; a repeated hour has none."""
    stretches, reached = offset_stretches_from(zone, minute)
    windows = []
    for k, (begin, offset) in enumerate(stretches):
        end_wall = stretches[k + 1][0] + offset if k + 1 < len(stretches) else None
        room = _NEVER if end_wall is None else max(end_wall - reached, 0)
        windows.append((begin - minute, _minute_of_week(reached), room, reached - offset - minute))
        if end_wall is not None:
            reached = max(reached, end_wall)
    return windows


def _by_stretch(windows_per_zone: list[list[tuple]], padding: tuple) -> list[tuple[np.ndarray, ...]]:
    """Turn per-zone lists of stretch windows into, per stretch index, one array per field over
    the zones; a zone with fewer stretches gets ``padding``, which must never match."""
    count = max((len(windows) for windows in windows_per_zone), default=0)
    padded = [windows + [padding] * (count - len(windows)) for windows in windows_per_zone]
    return [
        tuple(np.array(field, dtype=np.int32) for field in zip(*(zone[k] for zone in padded), strict=True))
        for k in range(count)
    ]


# ---------------------------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class _Columns:
    """Schedules with the same number of slots (intervals or starts), one column per slot.

    Rows are schedules sorted by time zone code, ``zone_counts[code]`` of them per zone, so one
    value per zone spreads to the rows with ``np.repeat``. A schedule with fewer slots than the
    width repeats its first slot: a duplicate changes no minimum.
    """

    starts: np.ndarray  # (width, schedules) int16 minute of week
    lengths: np.ndarray  # (width, schedules) int16 minutes; zero for session starts
    zone_counts: np.ndarray

    def __post_init__(self):
        for array in (self.starts, self.lengths, self.zone_counts):
            array.flags.writeable = False

    def __setstate__(self, state):
        # Unpickled arrays come back writeable; a shared cache needs them read-only again.
        self.__dict__.update(state)
        self.__post_init__()

    def __len__(self) -> int:
        return self.starts.shape[1]

    # Each method answers every schedule, or only those at ``rows`` (sorted positions among them):
    # a search asks about the few hundred kinds of schedule its rows have, of tens of thousands.

    @cached_property
    def zone_of_row(self) -> np.ndarray:
        # Made when a search first asks about some rows only; lives with the (shared) table.
        return np.repeat(np.arange(len(self.zone_counts), dtype=np.int32), self.zone_counts)

    def spread(self, per_zone: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        if rows is None:
            return np.repeat(per_zone, self.zone_counts)
        return per_zone[self.zone_of_row[rows]]

    def _slots(self, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        return (self.starts, self.lengths) if rows is None else (self.starts[:, rows], self.lengths[:, rows])

    def covering(self, wall: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Whether some interval of each schedule covers its zone's wall minute of the week."""
        wall = self.spread(wall, rows)
        all_starts, all_lengths = self._slots(rows)
        covered = np.zeros(all_starts.shape[1], dtype=bool)
        for starts, lengths in zip(all_starts, all_lengths, strict=True):
            covered |= _week_distance(wall, starts) < lengths
        return covered

    def wait_to_cover(self, wall: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Wall-clock minutes from each zone's wall minute of the week until an interval of each
        schedule covers it (0 when one does now)."""
        wall = self.spread(wall, rows)
        wait = None
        for starts, lengths in zip(*self._slots(rows), strict=True):
            past_start = _week_distance(wall, starts)
            slot_wait = (MINUTES_PER_WEEK - past_start) * (past_start >= lengths)
            wait = slot_wait if wait is None else np.minimum(wait, slot_wait, out=wait)
        return wait.astype(np.int32)

    def wait_to_start(self, wall: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Wall-clock minutes from each zone's wall minute of the week to each schedule's start."""
        wall = self.spread(wall, rows)
        wait = None
        for starts in self._slots(rows)[0]:
            slot_wait = _week_distance(starts, wall)
            wait = slot_wait if wait is None else np.minimum(wait, slot_wait, out=wait)
        return wait.astype(np.int32)


def _week_distance(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """(later - earlier) mod a week, for int16 minutes of the week, without a slow division."""
    difference = later - earlier
    difference += (difference >> 15) & MINUTES_PER_WEEK
    return difference


@dataclass(frozen=True)
class _Slots:
    """Kinds of schedule, (zone code, slots), as arrays: per kind its zone code and how many
    slots it has; every kind's slots' starts and lengths back to back, in the kinds' order."""

    zones: np.ndarray
    counts: np.ndarray
    starts: np.ndarray  # int16 minutes of the week
    lengths: np.ndarray  # int16 minutes; zero for session starts

    def __len__(self) -> int:
        return len(self.zones)


def _open_slots(kinds: list[tuple[int, tuple[tuple[int, int], ...]]]) -> _Slots:
    """Open hours' kinds, (zone code, [start, end) intervals), as slots (start, length)."""
    zones, counts = _zones_and_counts(kinds)
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(intervals) for _, intervals in kinds),
        dtype=np.int32,
        count=2 * int(counts.sum()),
    ).reshape(-1, 2)
    return _Slots(zones, counts, flat[:, 0].astype(np.int16), (flat[:, 1] - flat[:, 0]).astype(np.int16))


def _start_slots(kinds: list[tuple[int, tuple[int, ...]]]) -> _Slots:
    """Session starts' kinds, (zone code, starts), as slots (start, 0)."""
    zones, counts = _zones_and_counts(kinds)
    flat = np.fromiter(chain.from_iterable(starts for _, starts in kinds), dtype=np.int16, count=int(counts.sum()))
    return _Slots(zones, counts, flat, np.zeros(len(flat), dtype=np.int16))


def _zones_and_counts(kinds: list) -> tuple[np.ndarray, np.ndarray]:
    zones = np.fromiter((code for code, _ in kinds), dtype=np.int64, count=len(kinds))
    counts = np.fromiter((len(values) for _, values in kinds), dtype=np.int64, count=len(kinds))
    return zones, counts


def _columns_of(slots: _Slots, zone_count: int) -> tuple[tuple[_Columns, ...], np.ndarray]:
    """Group distinct schedules into columns by width (a power of two, so few groups and at most
    half padding), each group's schedules by zone code and then kind, a schedule with fewer slots
    than its width padded with its first slot; also where each schedule's answer lands in their
    order. Done with numpy over the slots' arrays: a loop over the kinds' tuples took a cold load
    of 100,000 entries 0.2 s after its last file."""
    count = len(slots)
    if not count:
        return (), np.zeros(0, dtype=np.int32)
    widths = np.ones(count, dtype=np.int64)
    while (short := widths < slots.counts).any():  # the least power of two at least each count
        widths[short] *= 2
    firsts = np.cumsum(slots.counts) - slots.counts  # where each kind's slots start
    groups, order = [], []
    for width in np.unique(widths).tolist():
        members = np.flatnonzero(widths == width)
        members = members[np.lexsort((members, slots.zones[members]))]
        steps = np.arange(width)
        at = firsts[members, None] + np.where(steps < slots.counts[members, None], steps, 0)
        groups.append(
            _Columns(
                slots.starts[at].T.copy(),
                slots.lengths[at].T.copy(),
                np.bincount(slots.zones[members], minlength=zone_count),
            )
        )
        order.append(members)
    position = np.empty(count, dtype=np.int32)
    position[np.concatenate(order)] = np.arange(count, dtype=np.int32)
    return tuple(groups), position


@dataclass(frozen=True)
class _Layout:
    """Where one side's numbered kinds (distinct (zone code, slots)) sit among its column groups.

    Kinds 0 to ``base_kinds`` - 1 fill the first ``base_groups`` groups, built at once; each
    splice lays the kinds it numbers in a few groups of their own after them, so a splice costs
    its new kinds, never the others. ``position``: each kind's row in the groups' concatenation.
    """

    base_kinds: int
    base_groups: int
    position: np.ndarray

    def __post_init__(self):
        self.position.flags.writeable = False

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()


# A splice lays out only its new kinds, in groups of their own; past this many such groups (each
# one a few more numpy passes per search) the added kinds are laid out again together.
_MAX_ADDED_GROUPS = 24
# The whole table is laid out afresh (dropping kinds no entry has any more) when the kinds added
# since, or no longer used, exceed this share of the kinds laid out at once (and a few hundred):
# rarely enough that its cost, about that of a build, spreads thin over the splices before it.
_RELAYOUT_SHARE = 4
_RELAYOUT_MIN = 512


@dataclass(frozen=True)
class ScheduleTable:
    """Every entry's weekly schedule, answered for all entries at once with numpy.

    Entries with the same schedule in the same zone share one row (directories repeat schedules
    a lot), and rows sit in column groups by how many intervals or starts they have. Per call,
    each distinct zone's wall clock is worked out once; the rest is a few passes over int16
    columns, then one lookup from entries to their rows. Arrays are read-only: the table is
    shared between users through caches.
    """

    size: int
    zones: tuple[str, ...]
    open_columns: tuple[_Columns, ...]
    start_columns: tuple[_Columns, ...]
    entry_open_row: np.ndarray  # per entry, its row among open_columns; one past the last: none
    entry_start_row: np.ndarray
    # What ``spliced`` needs to change some entries' schedules without reading the others again:
    # each distinct (zone code, intervals or starts) numbered, and each entry's number (-1: none).
    open_kinds: dict = field(default_factory=dict, repr=False)
    start_kinds: dict = field(default_factory=dict, repr=False)
    open_kind_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32), repr=False)
    start_kind_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32), repr=False)
    # Where each side's kinds sit among its column groups (``_of_sides`` always sets them).
    open_layout: _Layout | None = field(default=None, repr=False)
    start_layout: _Layout | None = field(default=None, repr=False)

    def __post_init__(self):
        for values in (self.entry_open_row, self.entry_start_row, self.open_kind_of, self.start_kind_of):
            values.flags.writeable = False

    def __getstate__(self):
        # The kinds' dicts (some 25,000 tuples of tuples at 100,000 entries) go marshalled, and
        # come back only when a splice needs them: unpickled, they took a fifth of a warm load.
        state = self.__dict__.copy()
        for name in ("open_kinds", "start_kinds"):
            state[name] = _MarshalledKinds.of(state[name])
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, WeeklySchedule]], size: int) -> ScheduleTable:
        """``rows``: (entry index, IANA time zone, schedule); entries without a row: no schedule."""
        zone_codes: dict[str, int] = {}
        open_kinds: dict[tuple, int] = {}
        start_kinds: dict[tuple, int] = {}
        open_kind_of = np.full(size, -1, dtype=np.int32)
        start_kind_of = np.full(size, -1, dtype=np.int32)
        _number_kinds(rows, size, 0, zone_codes, open_kinds, start_kinds, open_kind_of, start_kind_of)
        return cls.of_kinds(tuple(zone_codes), open_kinds, start_kinds, open_kind_of, start_kind_of)

    def spliced(self, start: int, end: int, rows: Iterable[tuple[int, str, WeeklySchedule]], count: int):
        """This table with entries ``start`` to ``end`` replaced by ``count`` entries with ``rows``
        (entry indexes counted from ``start``); the entries after them move along. Only the new
        entries and the kinds of schedule first seen among them are looked at; the rest is
        numpy over the per-entry kind numbers (and, now and then, a layout afresh)."""
        zone_codes = {zone: code for code, zone in enumerate(self.zones)}
        rows = list(rows)
        open_kinds, start_kinds = _dict_of(self.open_kinds), _dict_of(self.start_kinds)
        if _brings_new_kinds(rows, zone_codes, open_kinds, start_kinds):  # numbered on copies: this table stays
            open_kinds, start_kinds = dict(open_kinds), dict(start_kinds)
        new_open = np.full(count, -1, dtype=np.int32)
        new_start = np.full(count, -1, dtype=np.int32)
        _number_kinds(rows, count, 0, zone_codes, open_kinds, start_kinds, new_open, new_start)
        if (
            open_kinds is _dict_of(self.open_kinds)  # no new kind numbered
            and count == end - start
            and np.array_equal(new_open, self.open_kind_of[start:end])
            and np.array_equal(new_start, self.start_kind_of[start:end])
        ):
            return self  # the same schedules (an edit to other fields): this very table
        open_kind_of = np.concatenate([self.open_kind_of[:start], new_open, self.open_kind_of[end:]])
        start_kind_of = np.concatenate([self.start_kind_of[:start], new_start, self.start_kind_of[end:]])
        zones = tuple(zone_codes)
        open_side = _laid_out(open_kinds, open_kind_of, len(zones), _open_slots, self.open_columns, self.open_layout)
        start_side = _laid_out(
            start_kinds, start_kind_of, len(zones), _start_slots, self.start_columns, self.start_layout
        )
        return self._of_sides(zones, open_side, start_side)

    @classmethod
    def of_kinds(cls, zones, open_kinds, start_kinds, open_kind_of, start_kind_of) -> ScheduleTable:
        """The table of kinds numbered (as ``build`` numbers them; see also ``schedule_kinds``):
        the zones by code, each side's kinds (zone code, intervals or starts) -> number, and
        each entry's number per side (-1: none)."""
        return cls._of_sides(
            zones,
            _laid_out(open_kinds, open_kind_of, len(zones), _open_slots),
            _laid_out(start_kinds, start_kind_of, len(zones), _start_slots),
        )

    @classmethod
    def _of_sides(cls, zones, open_side, start_side) -> ScheduleTable:
        open_kinds, open_kind_of, open_columns, open_layout = open_side
        start_kinds, start_kind_of, start_columns, start_layout = start_side
        return cls(
            len(open_kind_of),
            zones,
            open_columns,
            start_columns,
            _rows_of_entries(open_kind_of, open_layout.position),
            _rows_of_entries(start_kind_of, start_layout.position),
            open_kinds,
            start_kinds,
            open_kind_of,
            start_kind_of,
            open_layout,
            start_layout,
        )

    def open_mask(self, at: dt.datetime, entries: np.ndarray | None = None) -> np.ndarray:
        """Which entries (of ``entries``, when given) are open (meetings: in session) at ``at``."""
        minute, _ = epoch_minutes(at)
        asked = _Asked.of(self.open_columns, self.entry_open_row, entries)
        wall = np.array(
            [
                _minute_of_week(minute + utc_offset_minutes(zone_info(name), minute)) if asked.needs(code) else 0
                for code, name in enumerate(self.zones)
            ],
            dtype=np.int16,
        )
        covered = asked.answers(lambda columns, rows: columns.covering(wall, rows))
        return np.concatenate([*covered, [False]])[asked.where]

    def minutes_until_open(self, at: dt.datetime, entries: np.ndarray | None = None) -> np.ndarray:
        """Minutes from ``at`` until each entry (of ``entries``, when given) is open: 0 when open,
        inf without a schedule."""
        minute, fraction = epoch_minutes(at)
        asked = _Asked.of(self.open_columns, self.entry_open_row, entries)
        windows = _by_stretch(
            [
                _open_windows(zone_info(name), minute) if asked.needs(code) else []
                for code, name in enumerate(self.zones)
            ],
            padding=(0, -1, 0),
        )

        def wait_to_open(columns: _Columns, rows: np.ndarray | None) -> np.ndarray:
            if len(windows) == 1:  # no zone changes its clocks soon: the wall clock's wait is all
                return columns.wait_to_cover(windows[0][2].astype(np.int16), rows)
            best = None
            for begin, length, wall in windows:
                wait = columns.wait_to_cover(wall.astype(np.int16), rows)
                found = np.where(wait < columns.spread(length, rows), columns.spread(begin, rows) + wait, _NEVER)
                best = found if best is None else np.minimum(best, found, out=best)
            return best

        minutes = _minutes_or_never(asked.answers(wait_to_open))
        # Counted from the start of the current minute; an opening still to come is ``fraction``
        # of a minute nearer than that.
        np.subtract(minutes, fraction, out=minutes, where=minutes > 0)
        return minutes[asked.where]

    def minutes_until_start(self, at: dt.datetime, entries: np.ndarray | None = None) -> np.ndarray:
        """Minutes from ``at`` until each entry's (of ``entries``, when given) next session
        begins; inf when none does."""
        minute, fraction = epoch_minutes(at)
        if fraction:
            minute += 1  # sessions begin on whole minutes: the first one that can still come
        asked = _Asked.of(self.start_columns, self.entry_start_row, entries)
        windows = _by_stretch(
            [
                _start_windows(zone_info(name), minute) if asked.needs(code) else []
                for code, name in enumerate(self.zones)
            ],
            padding=(0, 0, 0, 0),
        )

        def wait_to_start(columns: _Columns, rows: np.ndarray | None) -> np.ndarray:
            best = None
            for begin, first_new, room, first_new_at in windows:
                delay = columns.wait_to_start(first_new.astype(np.int16), rows)
                found = np.maximum(columns.spread(begin, rows), columns.spread(first_new_at, rows) + delay)
                found = np.where(delay < columns.spread(room, rows), found, _NEVER)
                best = found if best is None else np.minimum(best, found, out=best)
            return best

        minutes = _minutes_or_never(asked.answers(wait_to_start))
        if fraction:
            minutes += 1 - fraction
        return minutes[asked.where]


@dataclass(frozen=True)
class _Asked:
    """What one call asks of a side's column groups: each group with the rows of it to answer
    (None: all of them), where each entry's answer is in the answers' concatenation followed by
    one more value (the answer for "no schedule", which the caller appends), and the zones those
    rows are in (None: every zone), so that only their clocks are worked out."""

    parts: tuple[tuple[_Columns, np.ndarray | None], ...]
    where: np.ndarray
    zones: frozenset[int] | None

    @classmethod
    def of(cls, groups: tuple[_Columns, ...], entry_row: np.ndarray, entries: np.ndarray | None) -> _Asked:
        """When there are fewer entries than rows (a search's few thousand, among some 13,000
        kinds of schedule at 100,000 entries), only their distinct rows are answered: about 1 ms
        of a search at 100,000 entries was answering every kind of schedule to read a few
        hundred. And only their zones' clocks are worked out: a search near one place asks about
        a zone or two of the dozens a national directory has (their clocks were a fifth of a
        search's schedule work)."""
        total = sum(len(group) for group in groups)
        if entries is None or len(entries) >= total:
            where = entry_row if entries is None else entry_row[entries]
            return cls(tuple((group, None) for group in groups), where, None)
        rows, where = np.unique(entry_row[entries], return_inverse=True)  # "no schedule" (== total) sorts last
        parts, zones, first = [], set(), 0
        for group in groups:
            low, high = np.searchsorted(rows, (first, first + len(group)))
            if low < high:
                group_rows = rows[low:high] - first
                parts.append((group, group_rows))
                zones.update(np.unique(group.zone_of_row[group_rows]).tolist())
            first += len(group)
        return cls(tuple(parts), where, frozenset(zones))

    def needs(self, zone_code: int) -> bool:
        return self.zones is None or zone_code in self.zones

    def answers(self, answer) -> list[np.ndarray]:
        """``answer(group, rows)`` for each part, in the groups' order."""
        return [answer(group, rows) for group, rows in self.parts]


class _MarshalledKinds(Mapping):
    """A side's kinds (see ``ScheduleTable``) as an unpickled table keeps them: marshalled, and
    unmarshalled once, when first read."""

    def __init__(self, packed: bytes):
        self._packed = packed
        self._kinds: dict | None = None

    @classmethod
    def of(cls, kinds: Mapping) -> _MarshalledKinds:
        return kinds if isinstance(kinds, _MarshalledKinds) else cls(marshal.dumps(dict(kinds)))

    def __getstate__(self):
        return {"_packed": self._packed, "_kinds": None}

    def dict(self) -> dict:
        kinds = self._kinds
        if kinds is None:  # two threads may both unmarshal it: equal dicts, never changed
            kinds = self._kinds = marshal.loads(self._packed)
        return kinds

    def __getitem__(self, kind):
        return self.dict()[kind]

    def __iter__(self):
        return iter(self.dict())

    def __len__(self) -> int:
        return len(self.dict())


def _dict_of(kinds: Mapping) -> dict:
    """A side's kinds as a dict, to be read and never changed (``spliced`` numbers new ones on copies)."""
    return kinds.dict() if isinstance(kinds, _MarshalledKinds) else kinds


def _laid_out(kinds: dict, kind_of: np.ndarray, zone_count: int, slots_of, columns=(), layout: _Layout | None = None):
    """One side's (kinds, kind_of, column groups, layout) with every kind in ``kinds`` laid out:
    after a splice (``columns`` and ``layout`` as they were), only the kinds numbered since, in
    groups of their own; now and then (see ``_RELAYOUT_SHARE``), or without a layout, all of them
    afresh, without the kinds no entry has any more."""
    if layout is not None:
        laid = len(layout.position)
        added = len(kinds) - layout.base_kinds
        limit = max(_RELAYOUT_MIN, layout.base_kinds // _RELAYOUT_SHARE)
        unused = len(kinds) - _kinds_in_use(kind_of, len(kinds))
        if added <= limit and unused <= limit:
            groups = tuple(_with_zones(group, zone_count) for group in columns)
            if len(groups) - layout.base_groups >= _MAX_ADDED_GROUPS:  # the added kinds laid out again together
                groups, laid = groups[: layout.base_groups], layout.base_kinds
            if laid == len(kinds):
                return kinds, kind_of, groups, layout
            more, position = _columns_of(slots_of(list(islice(kinds, laid, None))), zone_count)
            position = np.concatenate([layout.position[:laid], position + laid]).astype(np.int32)
            return kinds, kind_of, groups + more, _Layout(layout.base_kinds, layout.base_groups, position)
        kinds, kind_of = _compacted(kinds, kind_of)
    groups, position = _columns_of(slots_of(list(kinds)), zone_count)
    return kinds, kind_of, groups, _Layout(len(kinds), len(groups), position)


def _kinds_in_use(kind_of: np.ndarray, kind_count: int) -> int:
    return int(np.count_nonzero(np.bincount(kind_of[kind_of >= 0], minlength=kind_count)))


def _compacted(kinds: dict, kind_of: np.ndarray) -> tuple[dict, np.ndarray]:
    """``kinds`` without those no entry has, numbered again in the same order, and ``kind_of`` so renumbered."""
    if not kinds:
        return kinds, kind_of
    used = np.bincount(kind_of[kind_of >= 0], minlength=len(kinds)) > 0
    number = np.cumsum(used, dtype=np.int32) - 1
    kept = {kind: int(number[old]) for kind, old in kinds.items() if used[old]}
    return kept, np.where(kind_of >= 0, number[kind_of], -1).astype(np.int32)


def _with_zones(group: _Columns, zone_count: int) -> _Columns:
    """``group`` counting rows for ``zone_count`` zones (a splice may bring new zones, which it has none of)."""
    missing = zone_count - len(group.zone_counts)
    if not missing:
        return group
    counts = np.concatenate([group.zone_counts, np.zeros(missing, dtype=group.zone_counts.dtype)])
    return _Columns(group.starts, group.lengths, counts)


def _brings_new_kinds(rows: list, zone_codes: dict, open_kinds: dict, start_kinds: dict) -> bool:
    """Whether some row has a zone, or a (zone, intervals or starts), that the dicts have not numbered."""
    for _, tz, schedule in rows:
        code = zone_codes.get(tz)
        if code is None:
            return True
        if schedule.intervals and (code, schedule.intervals) not in open_kinds:
            return True
        if schedule.starts and (code, schedule.starts) not in start_kinds:
            return True
    return False


def _number_kinds(rows, size, first, zone_codes, open_kinds, start_kinds, open_kind_of, start_kind_of) -> None:
    """Numbers each row's (zone, intervals) and (zone, starts), adding new ones to the dicts."""
    seen = set()
    for entry, tz, schedule in rows:
        if not 0 <= entry < size:
            raise ValueError(f"entry index {entry} is outside the table of {size} entries")
        if entry in seen:
            raise ValueError(f"entry index {entry} has two schedules")
        seen.add(entry)
        if tz not in zone_codes:
            zone_info(tz)
            zone_codes[tz] = len(zone_codes)
        code = zone_codes[tz]
        if schedule.intervals:
            open_kind_of[first + entry] = open_kinds.setdefault((code, schedule.intervals), len(open_kinds))
        if schedule.starts:
            start_kind_of[first + entry] = start_kinds.setdefault((code, schedule.starts), len(start_kinds))


def _minutes_or_never(per_row: list[np.ndarray]) -> np.ndarray:
    """All rows' whole minutes as floats, inf for ``_NEVER``, then a last row (no schedule): inf."""
    minutes = np.concatenate([*per_row, [_NEVER]]).astype(float)
    minutes[minutes >= _NEVER] = np.inf
    return minutes


def _rows_of_entries(kind_of_entry: np.ndarray, position: np.ndarray) -> np.ndarray:
    # Kind -1 (no schedule) takes the last element: one past the last row. One pass over the entries.
    return np.append(position, len(position)).astype(np.int32)[kind_of_entry]
