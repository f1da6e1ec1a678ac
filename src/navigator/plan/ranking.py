"""Candidates for a need, ranked; the gap when there are none; and the coach's picks among them.

``collect`` runs a spec's searches (each a vectorised ``search``: one per alternative, free-time
window and language) and merges them into one ranking, the way a single search would rank them.
``find_gap`` says how far one must look to fill an empty section, by searching wider rather than
guessing. ``Picks`` are the coach's pins, drops and swaps; ``shown_options`` applies them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import numpy as np

from navigator.directory.index import Directory
from navigator.plan.answers import FreeTime, IntakeAnswers
from navigator.plan.needs import Condition, Fit, NeedSpec, Requirement, Subject
from navigator.plan.options import Option
from navigator.search.engine import OPEN_BUCKET_LIMITS, Hit, Query, search
from navigator.search.places import Place
from navigator.search.schedule import WEEKDAYS, closes_at, parse_meeting_times

OPTIONS_SHOWN = 3
CANDIDATES = 8  # ranked per need, so "swap" has somewhere to go
WIDER_RADII = (5.0, 10.0, 25.0, 50.0, 100.0, 250.0)
# A filter the index cannot answer (a house's policy for one medication) looks at more and more
# hits; past this many it stops, so a gap costs a few searches, never the whole country's hits.
MOST_HITS_CHECKED = 1024


@dataclass(frozen=True)
class Section:
    key: str  # stable name, e.g. "housing", "treatment-detox"
    subject: Subject
    # Ranked: the first OPTIONS_SHOWN are offered, the rest wait for swaps.
    options: tuple[Option, ...]
    radius: float


@dataclass(frozen=True)
class Gap:
    """A section with nothing found, as facts: "No recovery housing within 25 miles allows methadone"."""

    key: str  # the section's key
    subject: Subject
    requirements: tuple[Requirement, ...]  # everything the search required besides the subject
    radius: float
    nearest_miles: float | None  # the nearest match within ``searched_to``, when there is one
    wider_radius: float | None  # the smallest step of WIDER_RADII that reaches it
    searched_to: float  # the widest radius looked in


@dataclass
class Candidate:
    key: tuple  # its place in the ranking: smaller first
    hit: Hit
    speaks: bool  # offers the participant's language


def aware(now: dt.datetime | None, place: Place) -> dt.datetime:
    """``now`` with a time zone: a naive one is on the place's clock; None is this moment."""
    if now is None:
        return dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        return now.replace(tzinfo=ZoneInfo(place.timezone or "UTC"))
    return now


# ---------------------------------------------------------------------------------------------
# Running the searches


def free_windows(free_times: Iterable[FreeTime], zone: ZoneInfo, now: dt.datetime) -> list[tuple[dt.datetime, float]]:
    """Each free time once in the coming week, as (start, hours), soonest first.

    Today's window, when it is already over, is taken a week from today instead; one that has
    begun is cut to start now.
    """
    today = now.astimezone(zone).date()
    windows = []
    for free in free_times:
        for offset in range(8):
            day = today + dt.timedelta(days=offset)
            if WEEKDAYS[day.weekday()] not in free.days:
                continue
            start = dt.datetime.combine(day, free.start, zone)
            end = dt.datetime.combine(day + dt.timedelta(days=free.end <= free.start), free.end, zone)
            if offset == 7 and end - dt.timedelta(days=7) > now:
                continue  # today's window is still ahead: this weekday is already in the week
            start = max(start, now)
            if end > start:
                windows.append((start, (end - start).total_seconds() / 3600))
    return sorted(windows)


def _open_bucket(minutes: float | None, stale: bool) -> int:
    """The search's own open-soon bucket, so merged results rank the way one search would."""
    minutes = math.inf if minutes is None else minutes
    return sum(minutes > limit for limit in OPEN_BUCKET_LIMITS) + 2 * stale


def _in_whole_window(entry: dict, zone_name: str | None, start: dt.datetime, hours: float) -> bool:
    """A meeting already in session when the free time begins counts only if it lasts through it
    (an around-the-clock online room does; one that started half an hour earlier does not)."""
    meeting = entry.get("meeting") or {}
    if not meeting.get("times"):
        return False
    closes = closes_at(parse_meeting_times(meeting["times"]), zone_name or "UTC", start)
    return closes is None or closes >= start + dt.timedelta(hours=hours)


def collect(
    directory: Directory,
    place: Place,
    spec: NeedSpec,
    fit: Fit,
    now: dt.datetime,
    radius: float | None,
    want: int,
    order: str = "rank",
) -> list[Candidate]:
    """Each alternative (and free-time window) searched, merged, filtered, ranked; ``want`` kept.

    ``order``: "rank" (fit, then open soon, then near), "soonest" or "distance".
    """
    if spec.free_times:
        windows = free_windows(spec.free_times, ZoneInfo(place.timezone or "UTC"), now)
    else:
        windows = [(now, None)]
    # A wanted (not required) language: those who speak it first, the rest only to fill up.
    languages = [fit.language] if fit.language else [None]
    if fit.language and not fit.language_required:
        languages.append(None)
    speaking = directory.language_rows.get(fit.language, np.empty(0, dtype=np.int64)) if fit.language else None
    found: dict[str, Candidate] = {}
    for language in languages:
        if language is None and fit.language and len(found) >= want:
            break
        for start, hours in windows:
            for needs in spec.alternatives:
                query = Query(
                    near=place.label,
                    radius=radius,
                    needs=needs + fit.must,
                    prefer=spec.wanted + fit.prefer,
                    language=language,
                    starting_within_hours=hours,
                    sort="distance" if order == "distance" else "rank",
                    limit=want,
                    include_remote=spec.include_remote,
                    categories=spec.categories,
                )
                for hit in _search_kept(directory, place, query, spec.conditions, start, want):
                    if (
                        hours is not None
                        and hit.minutes_until_open == 0
                        and not _in_whole_window(
                            directory.entries[hit.row],
                            directory.timezone_of(hit.row),
                            start,
                            hours,
                        )
                    ):
                        continue
                    speaks = speaking is not None and _holds(speaking, hit.row)
                    key = _rank_key(hit, spec, fit, speaks, now, order)
                    if hit.id not in found or key < found[hit.id].key:
                        found[hit.id] = Candidate(key, hit, speaks)
    ranked = sorted(found.values(), key=lambda item: item.key)
    if spec.beds_first:
        ranked.sort(key=lambda item: not _beds_free(directory.entries[item.hit.row]))
    return ranked[:want]


def _holds(sorted_rows: np.ndarray, row: int) -> bool:
    position = np.searchsorted(sorted_rows, row)
    return bool(position < len(sorted_rows) and sorted_rows[position] == row)


def _search_kept(
    directory: Directory,
    place: Place,
    query: Query,
    conditions: Sequence[Condition],
    now: dt.datetime,
    want: int,
) -> list[Hit]:
    """Hits that pass ``conditions``; asks for more only while too few pass and more exist."""
    limit = want
    while True:
        result = search(directory, replace(query, limit=limit), now=now, place=place)
        kept = [
            hit for hit in result.hits if all(condition.test(directory.entries[hit.row]) for condition in conditions)
        ]
        if len(kept) >= want or result.total <= limit or limit >= MOST_HITS_CHECKED:
            return kept[:want]
        limit = min(limit * 4, MOST_HITS_CHECKED)


def _rank_key(hit: Hit, spec: NeedSpec, fit: Fit, speaks: bool, now: dt.datetime, order: str) -> tuple:
    distance = math.inf if hit.distance_miles is None else hit.distance_miles
    if order == "distance":
        return (hit.remote, distance)
    minutes = hit.minutes_until_open
    if hit.next_open is not None:
        minutes = max((hit.next_open - now).total_seconds() / 60, 0.0)
    if order == "soonest":
        return (math.inf if minutes is None else minutes, distance)
    wanted = set(spec.wanted) | set(fit.prefer)
    score = sum(code in wanted for code in hit.matched) + (speaks and not fit.language_required and bool(fit.language))
    return (hit.remote, -score, _open_bucket(minutes, hit.stale), distance)


def _beds_free(entry: dict) -> bool:
    return ((entry.get("housing") or {}).get("beds_available") or 0) > 0


# ---------------------------------------------------------------------------------------------
# Gaps, and widening a section to fill one


def find_gap(directory: Directory, place: Place, spec: NeedSpec, fit: Fit, now: dt.datetime) -> Gap:
    """The gap of ``spec``'s empty section, and how far one must look to fill it (found by searching wider)."""
    requirements = (*spec.requirements, *(condition.requirement for condition in spec.conditions), *fit.requirements)
    widest = WIDER_RADII[-1]
    nearest = collect(directory, place, replace(spec, include_remote=False), fit, now, widest, 1, order="distance")
    nearest_miles = nearest[0].hit.distance_miles if nearest else None
    wider = None
    if nearest_miles is not None:
        wider = next(
            (radius for radius in WIDER_RADII if radius > spec.radius and nearest_miles <= radius),
            None,
        )
    return Gap(spec.key, spec.subject, requirements, spec.radius, nearest_miles, wider, widest)


def widen(answers: IntakeAnswers, gap: Gap) -> IntakeAnswers:
    """The answers with the gap's section searched as far as the gap said would fill it."""
    if gap.wider_radius is None:
        return answers
    return replace(answers, widened={**answers.widened, gap.key: gap.wider_radius})


# ---------------------------------------------------------------------------------------------
# The coach's picks: swap, pin, drop


@dataclass(frozen=True)
class Picks:
    """The coach's changes to a section: pinned ids stay, dropped ones go, swaps make room."""

    pinned: frozenset[str] = frozenset()
    dropped: frozenset[str] = frozenset()
    swapped: frozenset[str] = frozenset()

    def pin(self, option_id: str) -> Picks:
        pinned = self.pinned - {option_id} if option_id in self.pinned else self.pinned | {option_id}
        return Picks(pinned, self.dropped, self.swapped)

    def drop(self, option_id: str) -> Picks:
        return Picks(self.pinned - {option_id}, self.dropped | {option_id}, self.swapped)

    def swap(self, option_id: str) -> Picks:
        return Picks(self.pinned - {option_id}, self.dropped, self.swapped | {option_id})


def shown_options(section: Section, picks: Picks | None = None, count: int = OPTIONS_SHOWN) -> tuple[Option, ...]:
    """The options offered now, in rank order: pinned ones always, then the best still in play.

    A swap gives its place to the next option; a drop gives it up (the section shows one fewer).
    """
    picks = picks or Picks()
    ids = {option.id for option in section.options}
    slots = max(count - len(picks.dropped & ids), len(picks.pinned & ids))
    pinned = [option for option in section.options if option.id in picks.pinned]
    waiting = [option for option in section.options if option.id not in picks.pinned | picks.dropped | picks.swapped]
    chosen = {option.id for option in pinned + waiting[: max(slots - len(pinned), 0)]}
    return tuple(option for option in section.options if option.id in chosen)


def can_swap(section: Section, picks: Picks | None = None, count: int = OPTIONS_SHOWN) -> bool:
    """Whether a swap would bring in another option (rather than just take one away)."""
    picks = picks or Picks()
    shown = {option.id for option in shown_options(section, picks, count)}
    return any(option.id not in shown and option.id not in picks.dropped | picks.swapped for option in section.options)


def chosen_options(sections: Iterable[Section], picks: Mapping[str, Picks]) -> dict[str, tuple[Option, ...]]:
    """Section key -> the options the coach kept (pinned first)."""
    chosen = {}
    for section in sections:
        section_picks = picks.get(section.key) or Picks()
        shown = shown_options(section, section_picks)
        chosen[section.key] = tuple(sorted(shown, key=lambda option: option.id not in section_picks.pinned))
    return chosen
