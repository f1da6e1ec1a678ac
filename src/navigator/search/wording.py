"""Plain words about entries and search hits, shared by the pages and the printouts.

Everything returns plain text; callers escape it for markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

from navigator.directory.index import Directory, schedule_of
from navigator.directory.provenance import last_changed, vouched_on
from navigator.i18n import N_, Words, _, clock, day_name, month_day, number, short_date
from navigator.search.engine import STALE_AFTER_DAYS, Hit
from navigator.search.schedule import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    WeeklySchedule,
    describe,
    is_open,
    next_open,
    next_start,
)

_SOON_MINUTES = 60


def zone_name(moment: dt.datetime) -> str:
    """The time zone as people in the US say it: "MT", "ET", "AKT" (from MST/MDT, EST/EDT, …);
    elsewhere the zone's own abbreviation."""
    name = moment.tzname() or ""
    if len(name) in (3, 4) and name.isalpha() and name.isupper() and name[-2:] in ("ST", "DT"):
        return name[:-2] + "T"
    return name


def day_and_time(moment: dt.datetime, now: dt.datetime, viewer: ZoneInfo | None = None) -> str:
    """ "today 7:00 PM", "tomorrow 8:00 AM" or "Tue 7:00 PM", in ``moment``'s own time zone.

    With ``viewer`` (the time zone of the person reading), the time is on the viewer's clock with
    the zone named, and the entry's own clock follows when it differs: "today 5:00 PM MT (7:00 PM ET)".
    """
    own = moment
    if viewer is not None:
        moment = moment.astimezone(viewer)
    today = now.astimezone(moment.tzinfo).date()
    if moment.date() == today:
        day = _("today")
    elif moment.date() == today + dt.timedelta(days=1):
        day = _("tomorrow")
    elif moment.date() > today + dt.timedelta(days=6):
        day = f"{day_name(moment.weekday())} {month_day(moment.date())}"
    else:
        day = day_name(moment.weekday())
    text = _("{day} {time}").format(day=day, time=clock(moment))
    if viewer is None:
        return text
    text += f" {zone_name(moment)}"
    if own.utcoffset() != moment.utcoffset():
        text += f" ({clock(own)} {zone_name(own)})"
    return text


def timing_words(
    open_now: bool | None,
    next_time: dt.datetime | None,
    is_meeting: bool,
    now: dt.datetime,
    viewer: ZoneInfo | None = None,
) -> str | None:
    """ "Open now", "In session now", "Starts in 40 min", "Next meeting Tue 7:00 PM", "Opens
    tomorrow 8:00 AM"; None when the schedule is unknown. With ``viewer``, times are on the
    viewer's clock with the zone named (see ``day_and_time``).

    ``next_time`` is when it next opens (for a meeting: starts), or, when ``open_now``, the
    instant it was judged open at, which may be later than ``now`` (a search for tonight).
    """
    if open_now is None:
        return None
    if open_now:
        if next_time is not None and next_time - now > dt.timedelta(minutes=1):
            when = day_and_time(next_time, now, viewer)
            return (_("In session {when}") if is_meeting else _("Open {when}")).format(when=when)
        return _("In session now") if is_meeting else _("Open now")
    if next_time is None:
        return None
    minutes = (next_time - now).total_seconds() / 60
    if 0 <= minutes < _SOON_MINUTES:
        soon = max(1, round(minutes))
        return (_("Starts in {minutes} min") if is_meeting else _("Opens in {minutes} min")).format(minutes=soon)
    when = day_and_time(next_time, now, viewer)
    return (_("Next meeting {when}") if is_meeting else _("Opens {when}")).format(when=when)


def hit_timing(hit: Hit, now: dt.datetime, viewer: ZoneInfo | None = None) -> str | None:
    return timing_words(hit.open_now, hit.next_open, hit.is_meeting, now, viewer)


class EntryTiming(NamedTuple):
    """What an entry's schedule says now, and whether that is open (a page colours it by that)."""

    words: str
    open_now: bool


def entry_timing(
    directory: Directory, row: int, now: dt.datetime, viewer: ZoneInfo | None = None
) -> EntryTiming | None:
    """The same words as ``hit_timing``, for an entry outside a search; None when its schedule is unknown."""
    entry = directory.entries[row]
    schedule = schedule_of(entry)
    if schedule is None:
        return None
    zone = ZoneInfo(directory.timezone_of(row) or "UTC")
    is_meeting = entry["category"] == "support_meeting"
    if is_open(schedule, zone, now):
        return EntryTiming(timing_words(True, None, is_meeting, now, viewer), True)
    upcoming = next_start(schedule, zone, now) if is_meeting else next_open(schedule, zone, now)
    words = timing_words(False, upcoming, is_meeting, now, viewer)
    return EntryTiming(words, False) if words else None


def hours_lines(entry: dict) -> list[str]:
    """The weekly hours (for a meeting: its times) as lines, e.g. "Mon–Fri 8:00 AM–5:00 PM"."""
    schedule = schedule_of(entry)
    return describe(schedule) if schedule is not None else []


def weekly_hours(entry: dict, own: ZoneInfo | None, viewer: ZoneInfo | None, now: dt.datetime) -> list[str]:
    """The weekly hours as absolute days and times with the zone named, for take-homes that are
    read days later: "Tue 7:00 PM–8:00 PM MT". When the reader's zone differs, each line is on
    the reader's clock with the entry's own after it: "Tue 5:00 PM–6:00 PM MT (Tue 7:00 PM–8:00 PM ET)"."""
    schedule = schedule_of(entry)
    if schedule is None:
        return []
    lines = describe(schedule)
    if own is None or schedule.intervals == ((0, MINUTES_PER_WEEK),):  # round the clock: no zone to name
        return lines
    local = now.astimezone(own)
    own_name = zone_name(local)
    if viewer is None or viewer.utcoffset(now.replace(tzinfo=None)) == own.utcoffset(now.replace(tzinfo=None)):
        return [f"{line} {own_name}" for line in lines]
    monday = local.date() - dt.timedelta(days=local.weekday())
    shifted = []
    for start, length in schedule.sessions:
        day, minute = divmod(start, MINUTES_PER_DAY)
        begins = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(minute // 60, minute % 60), own)
        seen = begins.astimezone(viewer)
        shifted.append(((seen.weekday() * MINUTES_PER_DAY + seen.hour * 60 + seen.minute) % MINUTES_PER_WEEK, length))
    viewer_lines = describe(WeeklySchedule(tuple(shifted)))
    viewer_name = zone_name(now.astimezone(viewer))
    if len(viewer_lines) == len(lines):
        return [f"{seen} {viewer_name} ({line} {own_name})" for seen, line in zip(viewer_lines, lines, strict=True)]
    return [f"{seen} {viewer_name}" for seen in viewer_lines] + [f"({line} {own_name})" for line in lines]


# A house for one gender says so wherever it is offered: a women-only house must never read as
# one for anyone (housing.gender "any" or unknown says nothing).
RESIDENTS_ONLY = Words({"women": N_("Women only"), "men": N_("Men only")})


def residents_words(entry: dict) -> str | None:
    """ "Men only" / "Women only" for a single-gender house, else None."""
    gender = (entry.get("housing") or {}).get("gender")
    return RESIDENTS_ONLY.get(gender)


def kind_words(vocabulary, entry: dict) -> str:
    """The entry's category in words, with who a single-gender house takes: "Recovery housing · Men only"."""
    kind = vocabulary.category_label(entry["category"])
    residents = residents_words(entry)
    return f"{kind} · {residents}" if residents else kind


def distance_words(hit: Hit) -> str:
    if hit.remote:
        return _("By phone or online")
    miles = _("{miles} mi").format(miles=number(hit.distance_miles, 1))
    return _("about {miles} (location approximate)").format(miles=miles) if hit.approximate else miles


def is_stale(last_verified: dt.date | None, today: dt.date) -> bool:
    """Not vouched for in over a year (or never dated), as the search judges it."""
    return last_verified is None or (today - last_verified).days > STALE_AFTER_DAYS


def verified_words(last_verified: dt.date | None, stale: bool) -> str:
    if last_verified is None:
        return _("No date from the source: call to confirm before going")
    when = short_date(last_verified)
    if stale:
        return _("Last verified {date}, over a year ago: call to confirm before going").format(date=when)
    return _("Last verified {date}").format(date=when)


def entry_is_stale(entry: dict, today: dt.date) -> bool:
    return is_stale(vouched_on(entry), today)


def provenance_words(entry: dict, today: dt.date) -> str:
    """Whose word the listing rests on and how old it is, never confusing the two dates: when
    the source listed it (a live feed's fetch, an export's own date) and when its row last changed.

    "Listed by its source as of Dec 1, 2026 (its record last changed Mar 4, 2019)",
    "From the source's export of Jun 30, 2019, over a year ago: call to confirm before going",
    "Last verified Oct 1, 2026" (a person confirmed it: the strongest date).
    """
    vouched = vouched_on(entry)
    stale = is_stale(vouched, today)
    changed = last_changed(entry)
    if entry.get("verified_how") != "import" or not entry.get("listed_from"):
        return verified_words(vouched, stale)
    if vouched is None:
        if changed:
            return _(
                "The source gives no date for this listing (its record last changed {date}): "
                "call to confirm before going"
            ).format(date=short_date(changed))
        return _("The source gives no date for this listing: call to confirm before going")
    when = short_date(vouched)
    if entry["listed_from"] == "feed":
        said = _("Listed by its source as of {date}").format(date=when)
    else:
        said = _("From the source's export of {date}").format(date=when)
    if changed:
        said += " " + _("(its record last changed {date})").format(date=short_date(changed))
    return _("{said}, over a year ago: call to confirm before going").format(said=said) if stale else said


def code_labels(directory: Directory, row: int) -> list[tuple[str, list[str]]]:
    """Every code the entry satisfies, in plain words, grouped as the vocabulary groups them."""
    vocabulary = directory.vocabulary
    held = {code for code, has in zip(directory.codes, directory.code_matrix[row], strict=True) if has}
    return [
        (group.label, [vocabulary.label(code) for code in group.codes if code in held])
        for group in vocabulary.groups
        if held.intersection(group.codes)
    ]
