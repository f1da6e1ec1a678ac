"""Weekly opening hours and meeting times: open now, next open, next start, in local wall time.

A schedule is a week of local wall-clock time: minute 0 is Monday 00:00 and a week is 10,080
minutes. Its *sessions* are what the data says (a start and a length: Fri 22:00 for 8 hours); its
*intervals* are the minutes it covers, merged, with a session that runs past Sunday midnight split
into two.

Daylight saving time, read one consistent way everywhere (per entry and in the vectorised table):

- Open (a meeting: in session) at an instant means the local wall clock then reads a minute
  inside an interval. In the hour that repeats when clocks fall back, both passes count.
- ``next_open`` is the earliest instant at or after ``at`` when the entry is open. An opening the
  clocks skip when they spring forward (02:30 on the day 02:00 becomes 03:00) opens at the jump,
  03:00, if the interval is still running then; otherwise the next day it runs.
- ``next_start`` is when a session next begins: the first instant the wall clock reads its start
  time or later. A start skipped by spring forward begins at the jump; a start inside the repeated
  hour begins on the first pass only.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from zoneinfo import ZoneInfo

import numpy as np

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
ALWAYS_OPEN = "24/7"
MEETING_MINUTES_WITHOUT_END = 60

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_WORDS: dict[str, tuple[str, ...]] = {
    **{day: (day,) for day in WEEKDAYS},
    "monday": ("mon",),
    "tuesday": ("tue",),
    "wednesday": ("wed",),
    "thursday": ("thu",),
    "friday": ("fri",),
    "saturday": ("sat",),
    "sunday": ("sun",),
    "daily": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}
_DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_MINUTE_OF_WEEK = 3 * MINUTES_PER_DAY  # 1970-01-01 was a Thursday
_ONE_MINUTE = dt.timedelta(minutes=1)
# Far enough ahead for any weekly schedule: a week, plus an hour skipped or repeated by DST.
_SEARCH_DAYS = 8
_NEVER = 1 << 30  # "no such time" in the vectorised sums: far beyond any answer, far from overflow


class ScheduleError(ValueError):
    """Every problem found in a schedule value, as ``(path, message)`` pairs inside the entry."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{_dotted(path)}: {message}" for path, message in self.problems))


def _dotted(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True)
class WeeklySchedule:
    """A week of sessions in local wall time: (start minute of week, length in minutes)."""

    sessions: tuple[tuple[int, int], ...]

    def __post_init__(self):
        for start, length in self.sessions:
            if not (0 <= start < MINUTES_PER_WEEK and 0 < length <= MINUTES_PER_WEEK):
                raise ValueError(
                    f"a session must start within the week and last 1 to "
                    f"{MINUTES_PER_WEEK} minutes, not ({start}, {length})"
                )
        object.__setattr__(self, "sessions", tuple(sorted(set(self.sessions))))

    @cached_property
    def intervals(self) -> tuple[tuple[int, int], ...]:
        """The covered minutes as sorted, disjoint [start, end) pairs within one week."""
        return _merged_intervals(self.sessions)

    @cached_property
    def starts(self) -> tuple[int, ...]:
        """Minutes of the week when a session begins (a session lasting all week never begins)."""
        return _session_starts(self.sessions)

    @cached_property
    def _interval_starts(self) -> tuple[int, ...]:
        return tuple(start for start, _ in self.intervals)

    def covers(self, minute_of_week: int) -> bool:
        position = bisect.bisect_right(self._interval_starts, minute_of_week) - 1
        return position >= 0 and minute_of_week < self.intervals[position][1]


@lru_cache(maxsize=4096)  # directories repeat a few schedules many times over
def _merged_intervals(sessions: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    pieces = []
    for start, length in sessions:
        end = start + length
        if end <= MINUTES_PER_WEEK:
            pieces.append((start, end))
        else:
            pieces += [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]
    pieces.sort()
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


@lru_cache(maxsize=4096)
def _session_starts(sessions: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    return tuple(sorted({start for start, length in sessions if length < MINUTES_PER_WEEK}))


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_hours(value, path: tuple = ("hours",)) -> WeeklySchedule:
    """``hours:``: "24/7" or a list of {days, opens, closes}; opens equal to closes: 24 hours."""
    if value == ALWAYS_OPEN:
        return WeeklySchedule(((0, MINUTES_PER_WEEK),))
    return _parse_periods(value, path, "opens", "closes", end_required=True)


def parse_meeting_times(times, path: tuple = ("meeting", "times")) -> WeeklySchedule:
    """``meeting.times:``: a list of {days, start, end?}; a meeting without an end lasts an hour."""
    return _parse_periods(times, path, "start", "end", end_required=False)


def _parse_periods(value, path: tuple, start_key: str, end_key: str, end_required: bool) -> WeeklySchedule:
    problems: list[tuple[tuple, str]] = []
    if not isinstance(value, list) or not value:
        expected = f"a list of {{days, {start_key}, {end_key}}}"
        raise ScheduleError(
            [
                (
                    path,
                    f'must be "{ALWAYS_OPEN}" or {expected}' if end_required else f"must be {expected}",
                )
            ]
        )
    sessions = []
    for index, period in enumerate(value):
        where = (*path, index)
        if not isinstance(period, dict):
            problems.append((where, f"must be a mapping with days, {start_key} and {end_key}"))
            continue
        for key in period.keys() - {"days", start_key, end_key}:
            problems.append(((*where, key), "is not a schedule field"))
        days = _parse_days(period.get("days"), (*where, "days"), problems)
        start = _parse_time(period.get(start_key), (*where, start_key), problems, may_be_midnight_end=False)
        if period.get(end_key) is None and not end_required:
            end = None if start is None else start + MEETING_MINUTES_WITHOUT_END
        else:
            end = _parse_time(period.get(end_key), (*where, end_key), problems, may_be_midnight_end=True)
        if days is None or start is None or end is None:
            continue
        length = (end - start) % MINUTES_PER_DAY
        if length == 0 and (end_required or end == MINUTES_PER_DAY):
            length = MINUTES_PER_DAY  # the same time twice, or 00:00 to 24:00: around the clock
        elif length == 0:
            problems.append(((*where, end_key), f"is the same as {start_key}: a meeting needs a length"))
            continue
        sessions += [(day * MINUTES_PER_DAY + start, length) for day in days]
    if problems:
        raise ScheduleError(problems)
    return WeeklySchedule(tuple(sessions))


def _parse_days(value, path: tuple, problems: list) -> list[int] | None:
    words = value if isinstance(value, list) else [value]
    if value is None or not words:
        problems.append((path, "is required: mon..sun, daily, weekdays or weekends"))
        return None
    days: set[int] = set()
    for index, word in enumerate(words):
        named = DAY_WORDS.get(word.lower()) if isinstance(word, str) else None
        if named is None:
            problems.append(
                (
                    (*path, index) if isinstance(value, list) else path,
                    f"'{word}' is not a day: mon..sun, daily, weekdays or weekends",
                )
            )
            continue
        days.update(WEEKDAYS.index(day) for day in named)
    return sorted(days) if len(days) else None


def _parse_time(value, path: tuple, problems: list, may_be_midnight_end: bool) -> int | None:
    """Minutes after midnight of "HH:MM"; "24:00" only where it ends a period."""
    if value is None:
        problems.append((path, 'is required: a time like "09:30" (24-hour)'))
        return None
    text = value if isinstance(value, str) else ""
    hours, colon, minutes = text.partition(":")
    if not (colon and len(hours) == 2 and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()):
        problems.append((path, f'{value!r} is not a time like "09:30" (24-hour, in quotes)'))
        return None
    total = int(hours) * 60 + int(minutes)
    if total == MINUTES_PER_DAY and may_be_midnight_end:
        return total
    if int(hours) > 23 or int(minutes) > 59:
        problems.append(
            (
                path,
                f'"{value}" is not a time of day'
                + ('; "24:00" can only end a period' if total == MINUTES_PER_DAY else ""),
            )
        )
        return None
    return total


# ---------------------------------------------------------------------------------------------
# Describing


def describe(schedule: WeeklySchedule) -> list[str]:
    """Lines for people: "Mon–Fri 8:00 AM–5:00 PM", or "Open 24 hours, 7 days"."""
    if schedule.intervals == ((0, MINUTES_PER_WEEK),):
        return ["Open 24 hours, 7 days"]
    ranges_by_day: dict[int, list[str]] = {}
    for start, length in schedule.sessions:
        day, minute = divmod(start, MINUTES_PER_DAY)
        if minute == 0 and length == MINUTES_PER_DAY:
            shown = "Open 24 hours"
        else:
            shown = f"{_clock_time(minute)}–{_clock_time((minute + length) % MINUTES_PER_DAY)}"
        ranges_by_day.setdefault(day, []).append(shown)
    days_by_ranges: dict[tuple[str, ...], list[int]] = {}
    for day in sorted(ranges_by_day):
        days_by_ranges.setdefault(tuple(ranges_by_day[day]), []).append(day)
    return [f"{_day_span(days)} {', '.join(ranges)}" for ranges, days in days_by_ranges.items()]


def _clock_time(minute_of_day: int) -> str:
    hour, minute = divmod(minute_of_day, 60)
    return f"{(hour + 11) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _day_span(days: list[int]) -> str:
    if len(days) == 7:
        return "Daily"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        f"{_DAY_LABELS[run[0]]}–{_DAY_LABELS[run[-1]]}" if len(run) > 2 else ", ".join(_DAY_LABELS[day] for day in run)
        for run in runs
    )


# ---------------------------------------------------------------------------------------------
# Time zones: the stretches of constant UTC offset around an instant


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else _zone_named(tz)


@lru_cache(maxsize=1024)
def _zone_named(name: str) -> ZoneInfo:
    # ZoneInfo's own cache keeps only eight zones for sure; past that it may read the file again.
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at} has no time zone: schedules need an aware instant")
    return at


def _epoch_minutes(at: dt.datetime) -> tuple[int, float]:
    """Whole minutes since the Unix epoch (UTC) at or before ``at``, and the fraction past it."""
    whole, rest = divmod(_aware(at) - _EPOCH, _ONE_MINUTE)
    return whole, rest / _ONE_MINUTE


def _utc_offset_minutes(zone: ZoneInfo, minute: int) -> int:
    return int(dt.datetime.fromtimestamp(minute * 60, zone).utcoffset() // _ONE_MINUTE)


@lru_cache(maxsize=2048)
def _offset_stretches(zone_key: str, hour: int) -> tuple[tuple[int, int], ...]:
    """(first minute, UTC offset in minutes) of each stretch of constant offset, from a day before
    ``hour`` (hours since the epoch) to more than a search window after it.

    Offsets are sampled twice a day and each change is bisected to the minute, which assumes no
    zone changes its offset twice within twelve hours (true of the tz database today).
    """
    zone = ZoneInfo(zone_key)
    first = hour * 60 - MINUTES_PER_DAY
    last = hour * 60 + 60 + (_SEARCH_DAYS + 1) * MINUTES_PER_DAY
    stretches = [(first, _utc_offset_minutes(zone, first))]
    before, before_offset = first, stretches[0][1]
    for sample in range(first + MINUTES_PER_DAY // 2, last + MINUTES_PER_DAY // 2, MINUTES_PER_DAY // 2):
        offset = _utc_offset_minutes(zone, sample)
        if offset != before_offset:
            low, high = before, sample
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _utc_offset_minutes(zone, middle) == before_offset else (low, middle)
            stretches.append((high, offset))
        before, before_offset = sample, offset
    return tuple(stretches)


def _stretches_from(zone: ZoneInfo, minute: int) -> tuple[list[tuple[int, int]], int]:
    """The offset stretches from ``minute`` on (the first starting at ``minute``), and the highest
    wall-clock minute the clock approached before ``minute``: usually the wall time at ``minute``,
    more just after a fall back, less at the very instant of a jump forward."""
    stretches = _offset_stretches(zone.key, minute // 60)
    current = bisect.bisect_right(stretches, (minute, float("inf"))) - 1
    approached = [stretches[index + 1][0] + stretches[index][1] for index in range(current)]
    if stretches[current][0] < minute:
        approached.append(minute + stretches[current][1])
    return [(minute, stretches[current][1]), *stretches[current + 1 :]], max(approached)


def _minute_of_week(wall_minute):
    return (wall_minute + _EPOCH_MINUTE_OF_WEEK) % MINUTES_PER_WEEK


def _open_windows(zone: ZoneInfo, minute: int) -> list[tuple[int, int, int]]:
    """Per offset stretch from ``minute`` on: (its first minute counted from ``minute``, its length
    in minutes, ``_NEVER`` for the last, and the wall minute of the week it starts at)."""
    stretches, _ = _stretches_from(zone, minute)
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
    stretches, reached = _stretches_from(zone, minute)
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
# One entry at a time (for display); the table below answers the same questions for all at once


def is_open(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> bool:
    """Whether the local wall clock of ``tz`` at ``at`` reads a time the schedule covers."""
    local = _aware(at).astimezone(_zone(tz))
    return schedule.covers(local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute)


# A meeting is in session exactly when its schedule of times is "open".
in_session = is_open


def next_open(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> dt.datetime | None:
    """The earliest instant at or after ``at`` when the entry is open, in the entry's zone;
    ``at`` itself when open now; None when the schedule never opens."""
    zone = _zone(tz)
    if is_open(schedule, zone, at):
        return at.astimezone(zone)
    edges = _wall_clock_instants(zone, at, [start for start, _ in schedule.intervals])
    edges += _offset_changes(zone, at)
    return _earliest((edge for edge in edges if edge >= at and is_open(schedule, zone, edge)), zone)


def closes_at(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> dt.datetime | None:
    """When an entry open at ``at`` next closes, in its zone; None: closed now, or never closes."""
    zone = _zone(tz)
    if not is_open(schedule, zone, at):
        return None
    edges = _wall_clock_instants(zone, at, [end for _, end in schedule.intervals])
    edges += _offset_changes(zone, at)
    return _earliest((edge for edge in edges if edge > at and not is_open(schedule, zone, edge)), zone)


def next_start(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> dt.datetime | None:
    """When a session next begins at or after ``at``, in the entry's zone (see the module notes
    for starts that daylight saving skips or repeats); None when nothing ever starts."""
    zone = _zone(tz)
    _aware(at)
    begins = (_first_reading(zone, wall) for wall in _wall_times(zone, at, schedule.starts))
    return _earliest((begin for begin in begins if begin >= at), zone)


def _wall_times(zone: ZoneInfo, at: dt.datetime, minutes_of_week: Iterable[int]) -> list[dt.datetime]:
    """Naive local wall times, over the search window around ``at``, at these minutes of the week
    (a minute of 10,080 is next Monday 00:00)."""
    by_weekday: dict[int, list[int]] = {}
    for minute in minutes_of_week:
        day, minute_of_day = divmod(minute, MINUTES_PER_DAY)
        by_weekday.setdefault(day % 7, []).append(minute_of_day)
    today = at.astimezone(zone).date()
    walls = []
    for offset in range(-1, _SEARCH_DAYS + 1):
        date = today + dt.timedelta(days=offset)
        walls += [
            dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute_of_day)
            for minute_of_day in by_weekday.get(date.weekday(), ())
        ]
    return walls


def _readings(zone: ZoneInfo, wall: dt.datetime) -> list[dt.datetime]:
    """The instants (UTC) the clock of ``zone`` reads ``wall``: none in a gap, two in a repeat."""
    instants = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(_UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall and instant not in instants:
            instants.append(instant)
    return instants


def _first_reading(zone: ZoneInfo, wall: dt.datetime) -> dt.datetime:
    """The first instant the clock of ``zone`` reads ``wall`` or later (skipped times: the jump)."""
    readings = _readings(zone, wall)
    if readings:
        return min(readings)
    # Skipped by a jump forward: of the two readings of a skipped time, the one using the later
    # offset falls before the jump and the other after it, so the jump lies between them.
    before_jump = min(wall.replace(tzinfo=zone, fold=fold).astimezone(_UTC) for fold in (0, 1))
    minute, _ = _epoch_minutes(before_jump)
    jump = next(start for start, _ in _stretches_from(zone, minute)[0][1:])
    return _EPOCH + jump * _ONE_MINUTE


def _wall_clock_instants(zone: ZoneInfo, at: dt.datetime, minutes_of_week: Iterable[int]) -> list[dt.datetime]:
    return [instant for wall in _wall_times(zone, at, minutes_of_week) for instant in _readings(zone, wall)]


def _offset_changes(zone: ZoneInfo, at: dt.datetime) -> list[dt.datetime]:
    minute, _ = _epoch_minutes(at)
    return [_EPOCH + start * _ONE_MINUTE for start, _ in _stretches_from(zone, minute)[0][1:]]


def _earliest(instants: Iterable[dt.datetime], zone: ZoneInfo) -> dt.datetime | None:
    found = min(instants, default=None)
    return None if found is None else found.astimezone(zone)


# ---------------------------------------------------------------------------------------------
# All entries at once


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

    def spread(self, per_zone: np.ndarray) -> np.ndarray:
        return np.repeat(per_zone, self.zone_counts)

    def covering(self, wall: np.ndarray) -> np.ndarray:
        """Whether some interval of each schedule covers its zone's wall minute of the week."""
        wall = self.spread(wall)
        covered = np.zeros(self.starts.shape[1], dtype=bool)
        for starts, lengths in zip(self.starts, self.lengths, strict=True):
            covered |= _week_distance(wall, starts) < lengths
        return covered

    def wait_to_cover(self, wall: np.ndarray) -> np.ndarray:
        """Wall-clock minutes from each zone's wall minute of the week until an interval of each
        schedule covers it (0 when one does now)."""
        wall = self.spread(wall)
        wait = None
        for starts, lengths in zip(self.starts, self.lengths, strict=True):
            past_start = _week_distance(wall, starts)
            slot_wait = (MINUTES_PER_WEEK - past_start) * (past_start >= lengths)
            wait = slot_wait if wait is None else np.minimum(wait, slot_wait, out=wait)
        return wait.astype(np.int32)

    def wait_to_start(self, wall: np.ndarray) -> np.ndarray:
        """Wall-clock minutes from each zone's wall minute of the week to each schedule's start."""
        wall = self.spread(wall)
        wait = None
        for starts in self.starts:
            slot_wait = _week_distance(starts, wall)
            wait = slot_wait if wait is None else np.minimum(wait, slot_wait, out=wait)
        return wait.astype(np.int32)


def _week_distance(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """(later - earlier) mod a week, for int16 minutes of the week, without a slow division."""
    difference = later - earlier
    difference += (difference >> 15) & MINUTES_PER_WEEK
    return difference


def _columns_of(
    kinds: list[tuple[int, tuple[tuple[int, int], ...]]], zone_count: int
) -> tuple[tuple[_Columns, ...], np.ndarray]:
    """Group distinct schedules, (zone code, slots), into columns by width (a power of two, so few
    groups and at most half padding); also where each schedule's answer lands in their order."""
    by_width: dict[int, list] = {}
    for kind, (zone_code, slots) in enumerate(kinds):
        by_width.setdefault(1 << (len(slots) - 1).bit_length(), []).append((zone_code, kind, slots))
    groups, order = [], []
    for width in sorted(by_width):
        members = sorted(by_width[width], key=lambda member: member[:2])
        flat = chain.from_iterable(
            chain.from_iterable(slots + slots[:1] * (width - len(slots))) for _, _, slots in members
        )
        padded = np.fromiter(flat, dtype=np.int16, count=len(members) * width * 2).reshape(len(members), width, 2)
        groups.append(
            _Columns(
                padded[:, :, 0].T.copy(),
                padded[:, :, 1].T.copy(),
                np.bincount([zone_code for zone_code, _, _ in members], minlength=zone_count),
            )
        )
        order += [kind for _, kind, _ in members]
    position = np.empty(len(kinds), dtype=np.int32)
    position[order] = np.arange(len(kinds), dtype=np.int32)
    return tuple(groups), position


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

    def __post_init__(self):
        self.entry_open_row.flags.writeable = False
        self.entry_start_row.flags.writeable = False

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, WeeklySchedule]], size: int) -> ScheduleTable:
        """``rows``: (entry index, IANA time zone, schedule); entries without a row: no schedule."""
        zone_codes: dict[str, int] = {}
        open_kinds: dict[tuple, int] = {}
        start_kinds: dict[tuple, int] = {}
        open_kind_of = np.full(size, -1, dtype=np.int64)
        start_kind_of = np.full(size, -1, dtype=np.int64)
        seen = set()
        for entry, tz, schedule in rows:
            if not 0 <= entry < size:
                raise ValueError(f"entry index {entry} is outside the table of {size} entries")
            if entry in seen:
                raise ValueError(f"entry index {entry} has two schedules")
            seen.add(entry)
            if tz not in zone_codes:
                _zone(tz)
                zone_codes[tz] = len(zone_codes)
            code = zone_codes[tz]
            if schedule.intervals:
                open_kind_of[entry] = open_kinds.setdefault((code, schedule.intervals), len(open_kinds))
            if schedule.starts:
                start_kind_of[entry] = start_kinds.setdefault((code, schedule.starts), len(start_kinds))
        open_columns, open_position = _columns_of(
            [(code, tuple((start, end - start) for start, end in intervals)) for code, intervals in open_kinds],
            len(zone_codes),
        )
        start_columns, start_position = _columns_of(
            [(code, tuple((start, 0) for start in starts)) for code, starts in start_kinds],
            len(zone_codes),
        )
        return cls(
            size,
            tuple(zone_codes),
            open_columns,
            start_columns,
            _rows_of_entries(open_kind_of, open_position),
            _rows_of_entries(start_kind_of, start_position),
        )

    def open_mask(self, at: dt.datetime) -> np.ndarray:
        """Which entries are open (meetings: in session) at ``at``."""
        minute, _ = _epoch_minutes(at)
        wall = np.array(
            [_minute_of_week(minute + _utc_offset_minutes(_zone(name), minute)) for name in self.zones],
            dtype=np.int16,
        )
        covered = [columns.covering(wall) for columns in self.open_columns]
        return np.concatenate([*covered, [False]])[self.entry_open_row]

    def minutes_until_open(self, at: dt.datetime) -> np.ndarray:
        """Minutes from ``at`` until each entry is open: 0 when open, inf without a schedule."""
        minute, fraction = _epoch_minutes(at)
        windows = _by_stretch([_open_windows(_zone(name), minute) for name in self.zones], padding=(0, -1, 0))
        per_row = []
        for columns in self.open_columns:
            if len(windows) == 1:  # no zone changes its clocks soon: the wall clock's wait is all
                per_row.append(columns.wait_to_cover(windows[0][2].astype(np.int16)))
                continue
            best = None
            for begin, length, wall in windows:
                wait = columns.wait_to_cover(wall.astype(np.int16))
                found = np.where(wait < columns.spread(length), columns.spread(begin) + wait, _NEVER)
                best = found if best is None else np.minimum(best, found, out=best)
            per_row.append(best)
        minutes = _minutes_or_never(per_row)
        # Counted from the start of the current minute; an opening still to come is ``fraction``
        # of a minute nearer than that.
        np.subtract(minutes, fraction, out=minutes, where=minutes > 0)
        return minutes[self.entry_open_row]

    def minutes_until_start(self, at: dt.datetime) -> np.ndarray:
        """Minutes from ``at`` until each entry's next session begins; inf when none does."""
        minute, fraction = _epoch_minutes(at)
        if fraction:
            minute += 1  # sessions begin on whole minutes: the first one that can still come
        windows = _by_stretch([_start_windows(_zone(name), minute) for name in self.zones], padding=(0, 0, 0, 0))
        per_row = []
        for columns in self.start_columns:
            best = None
            for begin, first_new, room, first_new_at in windows:
                delay = columns.wait_to_start(first_new.astype(np.int16))
                found = np.maximum(columns.spread(begin), columns.spread(first_new_at) + delay)
                found = np.where(delay < columns.spread(room), found, _NEVER)
                best = found if best is None else np.minimum(best, found, out=best)
            per_row.append(best)
        minutes = _minutes_or_never(per_row)
        if fraction:
            minutes += 1 - fraction
        return minutes[self.entry_start_row]


def _minutes_or_never(per_row: list[np.ndarray]) -> np.ndarray:
    """All rows' whole minutes as floats, inf for ``_NEVER``, then a last row (no schedule): inf."""
    minutes = np.concatenate([*per_row, [_NEVER]]).astype(float)
    minutes[minutes >= _NEVER] = np.inf
    return minutes


def _rows_of_entries(kind_of_entry: np.ndarray, position: np.ndarray) -> np.ndarray:
    rows = np.full(len(kind_of_entry), len(position), dtype=np.int32)
    scheduled = kind_of_entry >= 0
    rows[scheduled] = position[kind_of_entry[scheduled]]
    return rows
