"""A search as URL query parameters, so a coach can text a link that opens the same search.

Only the search goes into the URL: the place, the distance, the needs and the filters. Nothing
about a person does (no names, no notes, no intake answers).

    ?near=80222&radius=transit&needs=buprenorphine,medicaid&language=vi&when=saturday&time=evening&remote=0

``lang`` is the interface's language (``?lang=es``), which every link keeps; the language a resource
speaks is ``language``. Older links put that in ``lang``: a ``lang`` that is no interface language is
still read as the spoken language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from navigator.directory.vocabulary import Vocabulary
from navigator.i18n import LANGUAGES, N_, Words, _
from navigator.search.engine import Query, StartWindow
from navigator.search.places import Place

MAX_PLACE_LENGTH = 100
RADIUS_CHOICES: dict[str, tuple[str, float | None]] = {
    "walk": (N_("Walking distance (1 mile)"), 1.0),
    "transit": (N_("Bus or train (5 miles)"), 5.0),
    "drive": (N_("Driving (25 miles)"), 25.0),
    "any": (N_("Any distance"), None),
}
DEFAULT_RADIUS = "drive"
WHEN_CHOICES = Words(
    {
        "any": N_("Any day"),
        "open_now": N_("Open now (meetings: in session now)"),
        "today": N_("Meetings the rest of today"),
        "tonight": N_("Meetings tonight (5 PM to midnight)"),
        # Any day of the week, as Meeting Guide offers: a coach plans Saturday's meeting on a Tuesday.
        "monday": N_("Meetings on Monday"),
        "tuesday": N_("Meetings on Tuesday"),
        "wednesday": N_("Meetings on Wednesday"),
        "thursday": N_("Meetings on Thursday"),
        "friday": N_("Meetings on Friday"),
        "saturday": N_("Meetings on Saturday"),
        "sunday": N_("Meetings on Sunday"),
    }
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
EVENING_STARTS = dt.time(17, 0)
# The time of day a meeting starts, with Meeting Guide's windows: TSML UI (code4recovery/tsml-ui,
# load-meeting-data.ts) files a meeting under morning 4:00-11:59, midday 11:00-16:59, evening
# 16:00-20:59 and night 20:00-4:59 by its start, overlapping as there. Minutes from the day's
# midnight; the night runs on to 5 AM of the next day: "Saturday night" is the one that begins on
# Saturday evening.
TIME_CHOICES = Words(
    {
        "any": N_("Any time of day"),
        "morning": N_("Morning (4 AM to noon)"),
        "midday": N_("Midday (11 AM to 5 PM)"),
        "evening": N_("Evening (4 PM to 9 PM)"),
        "night": N_("Night (8 PM to 5 AM)"),
    }
)
TIME_WINDOWS = {"morning": (4 * 60, 12 * 60), "midday": (11 * 60, 17 * 60), "evening": (16 * 60, 21 * 60)}
TIME_WINDOWS["night"] = (20 * 60, 29 * 60)
# Codes a resource has only one of (a meeting has one fellowship, one format; a house has one
# NARR level): the form offers each set as a single choice, since every need must hold.
EXCLUSIVE_CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "fellowship": (
        N_("Fellowship"),
        ("aa", "na", "smart", "recovery_dharma", "celebrate_recovery", "al_anon", "nar_anon"),
    ),
    "format": (N_("Meeting format"), ("in_person", "online", "hybrid")),
    "narr": (N_("NARR level (recovery housing)"), ("narr_1", "narr_2", "narr_3", "narr_4")),
}
LANGUAGE_PARAMETER = "language"  # the language a resource speaks; ``lang`` is the interface's


def radius_label(radius: str) -> str:
    """A distance choice in words, in the current language."""
    return _(RADIUS_CHOICES[radius][0])


def choice_label(choice: str) -> str:
    """The name of an EXCLUSIVE_CHOICES set, in the current language."""
    return _(EXCLUSIVE_CHOICES[choice][0])


@dataclass(frozen=True)
class SearchSettings:
    """What the Find page searches for; everything in it may go into a shared link."""

    near: str = ""
    radius: str = DEFAULT_RADIUS  # a key of RADIUS_CHOICES
    needs: tuple[str, ...] = ()  # codes of any group (needs, payment, who is served); all must hold
    language: str | None = None  # ISO 639-1
    when: str = "any"  # a key of WHEN_CHOICES
    remote: bool = True  # include phone, online and telehealth services
    time: str = "any"  # a key of TIME_CHOICES: when in the day a meeting starts

    @property
    def radius_miles(self) -> float | None:
        return RADIUS_CHOICES[self.radius][1]


def to_params(settings: SearchSettings) -> dict[str, str]:
    """The URL query parameters of ``settings``; defaults are left out to keep links short."""
    params = {}
    if settings.near:
        params["near"] = settings.near
    if settings.radius != DEFAULT_RADIUS:
        params["radius"] = settings.radius
    if settings.needs:
        params["needs"] = ",".join(settings.needs)
    if settings.language:
        params[LANGUAGE_PARAMETER] = settings.language
    if settings.when != "any":
        params["when"] = settings.when
    if settings.time != "any":
        params["time"] = settings.time
    if not settings.remote:
        params["remote"] = "0"
    return params


_PLAIN_PLACE = re.compile(r"\d{5}(-\d{4})?|[+-]?\d{1,3}(\.\d+)?\s*,\s*[+-]?\d{1,3}(\.\d+)?|[^\d]*")


def is_plain_place(near: str) -> bool:
    """A ZIP code, coordinates, or words with no numbers ("Denver, CO"): fit for a link. Anything
    else may be a street address, which never goes into a URL (and so into browser history)."""
    return bool(_PLAIN_PLACE.fullmatch(near.strip()))


def public_near(near: str, place: Place) -> str:
    """What a link may hold for ``near``: itself when plain, else the ZIP code it was placed in,
    else its position to two decimals (about a kilometre: a neighbourhood, not a house)."""
    if is_plain_place(near):
        return near
    return place.zip or f"{place.lat:.2f},{place.lon:.2f}"


def query_string(settings: SearchSettings, **extra: str) -> str:
    """``near=…&radius=…`` (with ``extra`` parameters, e.g. ``entry``), ready to follow a ``?``."""
    return urlencode({**to_params(settings), **extra})


def _single(value) -> str:
    """One value of a parameter; a repeated parameter counts by its last value, as browsers do."""
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else ""
    return str(value)


def from_params(
    params: Mapping[str, object],
    vocabulary: Vocabulary,
    languages: set[str] | frozenset[str] | None = None,
) -> tuple[SearchSettings, list[str]]:
    """The search a link asks for, and one plain sentence per part of it that was left out.

    A link may be old or mistyped: an unknown need, distance or filter is dropped (with a
    sentence saying so, naming the closest known need), never an error. ``languages`` limits
    ``lang`` to languages the directory knows; None accepts any two-letter code.
    """
    notices: list[str] = []
    near = " ".join(_single(params.get("near", "")).split())
    if len(near) > MAX_PLACE_LENGTH:
        notices.append(
            _("The place in the link was longer than {limit} characters and was cut.").format(limit=MAX_PLACE_LENGTH)
        )
        near = near[:MAX_PLACE_LENGTH]

    radius = _single(params.get("radius", DEFAULT_RADIUS)).strip().lower() or DEFAULT_RADIUS
    if radius not in RADIUS_CHOICES:
        notices.append(
            _('The distance "{radius}" is not one of {choices}; showing {default}.').format(
                radius=radius, choices=", ".join(RADIUS_CHOICES), default=radius_label(DEFAULT_RADIUS).lower()
            )
        )
        radius = DEFAULT_RADIUS

    needs: list[str] = []
    for code in _single(params.get("needs", "")).split(","):
        code = code.strip()
        if not code or code in needs:
            continue
        if code in vocabulary.labels:
            needs.append(code)
        else:
            suggestion = vocabulary.suggest(code)
            if suggestion:
                notice = _(
                    'The need "{code}" is not one this directory knows, so it was left out (did you mean "{label}"?).'
                )
                notices.append(notice.format(code=code, label=vocabulary.label(suggestion)))
            else:
                notices.append(
                    _('The need "{code}" is not one this directory knows, so it was left out.').format(code=code)
                )
    needs = _one_per_exclusive_choice(needs, vocabulary, notices)

    language = _single(params.get(LANGUAGE_PARAMETER, "")).strip().lower() or None
    old_style = _single(params.get("lang", "")).strip().lower()
    if language is None and old_style and old_style not in LANGUAGES:  # a link from before ?lang= meant the screen
        language = old_style
    if language is not None and not (
        len(language) == 2 and language.isalpha() and (languages is None or language in languages)
    ):
        notices.append(
            _('No resource in this directory lists the language "{language}", so it was left out.').format(
                language=language
            )
        )
        language = None

    when = _choice_or_any(
        params, "when", WHEN_CHOICES, notices, N_('The time "{when}" is not one of {choices}, so it was left out.')
    )
    time = _choice_or_any(
        params,
        "time",
        TIME_CHOICES,
        notices,
        N_('The time of day "{time}" is not one of {choices}, so it was left out.'),
    )
    remote = _single(params.get("remote", "1")).strip().lower() not in ("0", "false", "no", "off")
    settings = SearchSettings(near, radius, tuple(needs), language, when, remote, time)
    return settings, notices


def _choice_or_any(params: Mapping, name: str, choices: Words, notices: list[str], unknown: str) -> str:
    """The link's ``name`` when it is one of ``choices``, else "any" and a notice (``unknown``, a
    message id translated only then, whose placeholders are the parameter's own name and ``choices``)."""
    value = _single(params.get(name, "any")).strip().lower() or "any"
    if value in choices:
        return value
    notices.append(_(unknown).format(**{name: value}, choices=", ".join(choices)))
    return "any"


def _one_per_exclusive_choice(needs: list[str], vocabulary: Vocabulary, notices: list[str]) -> list[str]:
    kept = []
    chosen: dict[str, str] = {}
    for code in needs:
        choice = exclusive_choice_of(code)
        if choice is not None and choice in chosen:
            notices.append(
                _(
                    '"{label}" was left out: a resource has one {choice}, and the link already asks for "{chosen}".'
                ).format(
                    label=vocabulary.label(code),
                    choice=choice_label(choice).lower(),
                    chosen=vocabulary.label(chosen[choice]),
                )
            )
            continue
        if choice is not None:
            chosen[choice] = code
        kept.append(code)
    return kept


def exclusive_choice_of(code: str) -> str | None:
    """The key of the EXCLUSIVE_CHOICES set ``code`` belongs to, or None."""
    for choice, (_label, codes) in EXCLUSIVE_CHOICES.items():
        if code in codes:
            return choice
    return None


def to_query(
    settings: SearchSettings, place: Place, now: dt.datetime, limit: int | None, offset: int = 0
) -> tuple[Query, dt.datetime]:
    """The engine's query for ``settings`` at ``place``, and the instant to search at.

    "Today" and "tonight" are judged on the clock of the searched place. Tonight, asked before
    5 PM, searches from 5 PM: meetings in session then, or starting before midnight. A day of the
    week is its next occurrence there (today, from now, when it is that day): meetings in session
    at its start, or starting before its midnight. A time of day narrows any of these to meetings
    that start in that window (see ``_time_of_day``); like the day filters it is about meetings,
    so other services are left out, with "open now" too.
    """
    query = Query(
        near=settings.near,
        radius=settings.radius_miles,
        needs=settings.needs,
        language=settings.language,
        include_remote=settings.remote,
        limit=limit,
        offset=offset,
    )
    if settings.time in TIME_WINDOWS:
        return _time_of_day(query, settings, place, now)
    if settings.when == "open_now":
        return replace(query, open_at=now), now
    if settings.when in ("today", "tonight", *WEEKDAYS):
        local_now = now.astimezone(ZoneInfo(place.timezone or "UTC"))
        start = local_now
        if settings.when == "tonight":
            start = max(local_now, dt.datetime.combine(local_now.date(), EVENING_STARTS, local_now.tzinfo))
        if settings.when in WEEKDAYS:
            days_ahead = (WEEKDAYS.index(settings.when) - local_now.weekday()) % 7
            if days_ahead:
                start = dt.datetime.combine(
                    local_now.date() + dt.timedelta(days=days_ahead), dt.time(0), local_now.tzinfo
                )
        midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0), local_now.tzinfo)
        # Through UTC: a plain difference of two local times would miss a daylight-saving change.
        hours = (midnight.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 3600
        return replace(query, starting_within_hours=hours), start
    return query, now


def _window_on(day: dt.date, time: str, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The ``time`` window that begins on ``day``, as wall-clock instants of ``zone`` (the night's
    end falls on the next day)."""

    def clock(minutes: int) -> dt.datetime:
        hour, minute = divmod(minutes % (24 * 60), 60)
        return dt.datetime.combine(day + dt.timedelta(days=minutes // (24 * 60)), dt.time(hour, minute), zone)

    first, last = TIME_WINDOWS[time]
    return clock(first), clock(last)


def _time_of_day(query: Query, settings: SearchSettings, place: Place, now: dt.datetime) -> tuple[Query, dt.datetime]:
    """Meetings that start in the time of day's window, on the days ``when`` asks for, judged on
    the searched place's clock (the engine converts each meeting's own zone, daylight saving
    included, since windows are instants).

    Each day's window is whole, the night running past midnight to 5 AM; the day filter only
    moves where it begins: today and a day of the week that is today from now, tonight from
    5 PM, and open now at this instant (meetings in session that started in the window). Where a
    window is already under way, meetings in session that started in it still count, as "today"
    counts meetings in session now. Any day is the coming week: every window from now to a week
    from now, which holds each day's window once. A day of the week is its next window not yet
    over ("Tuesday morning" asked on a Tuesday afternoon is next week's).
    """
    zone = ZoneInfo(place.timezone or "UTC")
    local_now = now.astimezone(zone)
    today = local_now.date()
    yesterday = today - dt.timedelta(days=1)
    when, time = settings.when, settings.time
    begin, until = local_now, None  # where windows are cut: from ``begin``, before ``until``
    if when == "open_now":
        days, until = (yesterday, today), local_now
    elif when == "today":
        days = (yesterday, today)
    elif when == "tonight":
        days = (today,)
        begin = max(local_now, dt.datetime.combine(today, EVENING_STARTS, zone))
    elif when in WEEKDAYS:
        day = today + dt.timedelta(days=(WEEKDAYS.index(when) - local_now.weekday()) % 7)
        if _window_on(day, time, zone)[1].astimezone(dt.UTC) <= now.astimezone(dt.UTC):
            day += dt.timedelta(days=7)
        days = (day,)
    else:  # any day: the week from now (the same wall-clock time a week on, across a clock change too)
        days = tuple(yesterday + dt.timedelta(days=ahead) for ahead in range(9))
        until = local_now + dt.timedelta(days=7)
    # In UTC from here: aware times of one zone compare by the wall clock, not the instant.
    begin = begin.astimezone(dt.UTC)
    until = None if until is None else until.astimezone(dt.UTC)
    windows = []
    for day in days:
        start, end = (moment.astimezone(dt.UTC) for moment in _window_on(day, time, zone))
        cut_start, cut_end = max(start, begin), end if until is None else min(end, until)
        if when == "open_now":
            if start <= begin < end:  # in session now, in a session that began in this window
                windows.append(StartWindow(begin, begin, start))
        elif cut_start < cut_end:
            windows.append(StartWindow(cut_start, cut_end, start if start < cut_start else None))
    if when in WEEKDAYS and windows:
        return replace(query, starting_in=tuple(windows)), windows[0].begin.astimezone(zone)
    return replace(query, starting_in=tuple(windows)), begin.astimezone(zone)
