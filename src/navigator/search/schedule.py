"""Weekly opening hours and meeting times: open now, next open, next start, in local wall time.

A schedule is a week of local wall-clock time: minute 0 is Monday 00:00 and a week is 10,080
minutes. Its *sessions* are what the data says (a start and a length: Fri 22:00 for 8 hours); its
*intervals* are the minutes it covers, merged, with a session that runs past Sunday midnight split
into two.

This module parses and describes schedules and answers for one entry at a time; ``schedule_table``
answers the same questions for every entry at once, from the offset stretches worked out here.

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
from zoneinfo import ZoneInfo

from navigator.i18n import _, clock, day_name

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

_UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_ONE_MINUTE = dt.timedelta(minutes=1)
# Far enough ahead for any weekly schedule: a week, plus an hour skipped or repeated by DST.
_SEARCH_DAYS = 8


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
    """``meeting.times:``: a list of {days, start, end?}; a meeting without an end lasts an hour.
    An empty list is a group whose times the source does not give (call for them): no sessions."""
    if isinstance(times, list) and not times:
        return WeeklySchedule(())
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
    """Lines for people: "Mon–Fri 8:00 AM–5:00 PM", or "Open 24 hours, 7 days" (in the current language)."""
    if schedule.intervals == ((0, MINUTES_PER_WEEK),):
        return [_("Open 24 hours, 7 days")]
    ranges_by_day: dict[int, list[str]] = {}
    for start, length in schedule.sessions:
        day, minute = divmod(start, MINUTES_PER_DAY)
        if minute == 0 and length == MINUTES_PER_DAY:
            shown = _("Open 24 hours")
        else:
            shown = f"{_clock_time(minute)}–{_clock_time((minute + length) % MINUTES_PER_DAY)}"
        ranges_by_day.setdefault(day, []).append(shown)
    days_by_ranges: dict[tuple[str, ...], list[int]] = {}
    for day in sorted(ranges_by_day):
        days_by_ranges.setdefault(tuple(ranges_by_day[day]), []).append(day)
    return [f"{_day_span(days)} {', '.join(ranges)}" for ranges, days in days_by_ranges.items()]


def _clock_time(minute_of_day: int) -> str:
    hour, minute = divmod(minute_of_day, 60)
    return clock(dt.time(hour, minute))


def _day_span(days: list[int]) -> str:
    if len(days) == 7:
        return _("Daily")
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        f"{day_name(run[0])}–{day_name(run[-1])}" if len(run) > 2 else ", ".join(day_name(day) for day in run)
        for run in runs
    )


# ---------------------------------------------------------------------------------------------
# Time zones: the stretches of constant UTC offset around an instant


def zone_info(tz: str | ZoneInfo) -> ZoneInfo:
    """The zone itself, or the zone of an IANA name; ValueError for a name that is no zone."""
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


def epoch_minutes(at: dt.datetime) -> tuple[int, float]:
    """Whole minutes since the Unix epoch (UTC) at or before ``at``, and the fraction past it."""
    whole, rest = divmod(_aware(at) - _EPOCH, _ONE_MINUTE)
    return whole, rest / _ONE_MINUTE


def utc_offset_minutes(zone: ZoneInfo, minute: int) -> int:
    """The zone's UTC offset, in minutes, at a minute since the epoch."""
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
    stretches = [(first, utc_offset_minutes(zone, first))]
    before, before_offset = first, stretches[0][1]
    for sample in range(first + MINUTES_PER_DAY // 2, last + MINUTES_PER_DAY // 2, MINUTES_PER_DAY // 2):
        offset = utc_offset_minutes(zone, sample)
        if offset != before_offset:
            low, high = before, sample
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if utc_offset_minutes(zone, middle) == before_offset else (low, middle)
            stretches.append((high, offset))
        before, before_offset = sample, offset
    return tuple(stretches)


def offset_stretches_from(zone: ZoneInfo, minute: int) -> tuple[list[tuple[int, int]], int]:
    """The offset stretches from ``minute`` on (the first starting at ``minute``), and the highest
    wall-clock minute the clock approached before ``minute``: usually the wall time at ``minute``,
    more just after a fall back, less at the very instant of a jump forward."""
    stretches = _offset_stretches(zone.key, minute // 60)
    current = bisect.bisect_right(stretches, (minute, float("inf"))) - 1
    approached = [stretches[index + 1][0] + stretches[index][1] for index in range(current)]
    if stretches[current][0] < minute:
        approached.append(minute + stretches[current][1])
    return [(minute, stretches[current][1]), *stretches[current + 1 :]], max(approached)


# ---------------------------------------------------------------------------------------------
# One entry at a time (for display); ``schedule_table`` answers the same questions for all at once


def is_open(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> bool:
    """Whether the local wall clock of ``tz`` at ``at`` reads a time the schedule covers."""
    local = _aware(at).astimezone(zone_info(tz))
    return schedule.covers(local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute)


# A meeting is in session exactly when its schedule of times is "open".
in_session = is_open


def next_open(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> dt.datetime | None:
    """The earliest instant at or after ``at`` when the entry is open, in the entry's zone;
    ``at`` itself when open now; None when the schedule never opens."""
    zone = zone_info(tz)
    if is_open(schedule, zone, at):
        return at.astimezone(zone)
    edges = _wall_clock_instants(zone, at, [start for start, _ in schedule.intervals])
    edges += _offset_changes(zone, at)
    return _earliest((edge for edge in edges if edge >= at and is_open(schedule, zone, edge)), zone)


def closes_at(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> dt.datetime | None:
    """When an entry open at ``at`` next closes, in its zone; None: closed now, or never closes."""
    zone = zone_info(tz)
    if not is_open(schedule, zone, at):
        return None
    edges = _wall_clock_instants(zone, at, [end for _, end in schedule.intervals])
    edges += _offset_changes(zone, at)
    return _earliest((edge for edge in edges if edge > at and not is_open(schedule, zone, edge)), zone)


def next_start(schedule: WeeklySchedule, tz: str | ZoneInfo, at: dt.datetime) -> dt.datetime | None:
    """When a session next begins at or after ``at``, in the entry's zone (see the module notes
    for starts that daylight saving skips or repeats); None when nothing ever starts."""
    zone = zone_info(tz)
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
    minute, _ = epoch_minutes(before_jump)
    jump = next(start for start, _ in offset_stretches_from(zone, minute)[0][1:])
    return _EPOCH + jump * _ONE_MINUTE


def _wall_clock_instants(zone: ZoneInfo, at: dt.datetime, minutes_of_week: Iterable[int]) -> list[dt.datetime]:
    return [instant for wall in _wall_times(zone, at, minutes_of_week) for instant in _readings(zone, wall)]


def _offset_changes(zone: ZoneInfo, at: dt.datetime) -> list[dt.datetime]:
    minute, _ = epoch_minutes(at)
    return [_EPOCH + start * _ONE_MINUTE for start, _ in offset_stretches_from(zone, minute)[0][1:]]


def _earliest(instants: Iterable[dt.datetime], zone: ZoneInfo) -> dt.datetime | None:
    found = min(instants, default=None)
    return None if found is None else found.astimezone(zone)
