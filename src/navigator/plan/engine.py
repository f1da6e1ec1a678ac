"""The coach intake's plan: a participant's answers turned into searches, ranked options and gaps.

``build_plan(directory, answers, now)`` runs one small set of searches per need (each a vectorised
``search``), merges them into ranked options that say why they matched, names every gap in plain
words with the radius that would fill it (found by searching wider, not guessed), and, at a
high-risk moment, puts the overdose-prevention resources first.

Privacy: the answers live only in the caller's memory. Nothing here writes, logs or caches them,
and places are resolved offline (ZIP, "City, ST"), so no typed text leaves the process.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import numpy as np

from navigator.directory.index import Directory
from navigator.directory.languages import LANGUAGE_NAMES
from navigator.plan.takehome import ResourceSummary
from navigator.plan.takehome import Section as PrintSection
from navigator.search.engine import OPEN_BUCKET_LIMITS, Hit, Query, search
from navigator.search.links import address_text, directions_url
from navigator.search.places import Place, resolve_place
from navigator.search.schedule import WEEKDAYS, closes_at, parse_meeting_times
from navigator.search.wording import distance_words, hit_timing
from navigator.text import plain_text

OPTIONS_SHOWN = 3
CANDIDATES = 8  # ranked per need, so "swap" has somewhere to go
TRAVEL_RADII = {"walk": 2.0, "transit": 10.0, "drive": 25.0}
TRAVEL_LABELS = {
    "walk": "On foot (about 2 miles)",
    "transit": "Bus or train (about 10 miles)",
    "drive": "Car or a ride (about 25 miles)",
}
# Somewhere to live (or stay for a while) is worth a longer trip than a daily appointment.
STAY_RADIUS = 25.0
WIDER_RADII = (5.0, 10.0, 25.0, 50.0, 100.0, 250.0)
# A filter the index cannot answer (a house's policy for one medication) looks at more and more
# hits; past this many it stops, so a gap costs a few searches, never the whole country's hits.
MOST_HITS_CHECKED = 1024
TEXT_MESSAGE_LIMIT = 640  # four SMS segments: most phones join them into one message

NEEDS = ("medication", "treatment", "meetings", "housing", "work", "harm_reduction")
NEED_LABELS = {
    "medication": "Start or continue medication",
    "treatment": "Treatment",
    "meetings": "Meetings and support groups",
    "housing": "Recovery housing",
    "work": "Work and training",
    "harm_reduction": "Harm reduction supplies",
}
MEDICATIONS = ("buprenorphine", "methadone", "naltrexone")
MEDICATION_STATUSES = {
    "start": "Start (or restart) medication",
    "transfer": "Already on it: needs a new place to get it",
}
TREATMENT_LEVELS = ("outpatient", "intensive_outpatient", "residential", "detox")
TREATMENT_SUBJECTS = {
    "outpatient": "outpatient program",
    "intensive_outpatient": "intensive outpatient program",
    "residential": "residential program",
    "detox": "detox program",
}
STAY_LEVELS = ("residential", "detox")
FELLOWSHIP_NAMES = {
    "aa": "AA",
    "na": "NA",
    "smart": "SMART Recovery",
    "recovery_dharma": "Recovery Dharma",
    "celebrate_recovery": "Celebrate Recovery",
    "secular": "secular",
    "al_anon": "Al-Anon",
    "nar_anon": "Nar-Anon",
}
FELLOWSHIPS = tuple(FELLOWSHIP_NAMES)
MEETING_FORMATS = {
    "either": "In person or online",
    "in_person": "In person only",
    "online": "Online only",
}
WORK_KINDS = {
    "job_training": "job training",
    "job_placement": "job placement",
    "second_chance": "second-chance hiring",
}
SUPPLIES = {
    "naloxone": "naloxone",
    "fentanyl_test_strips": "fentanyl test strips",
    "syringe_services": "syringe services",
}
HOUSING_TIMING = {"now": "Now", "soon": "Soon"}
# "Who they are" choices: the served groups a coach asks about (``adults`` says nothing).
IDENTITIES = (
    "women",
    "men",
    "pregnant_postpartum",
    "veterans",
    "justice_involved",
    "lgbtq",
    "youth",
    "seniors",
    "deaf_hard_of_hearing",
)
LANGUAGE_REQUIRED = "language"  # in ``must_have``: the language is a must, not a preference

HIGH_RISK_MOMENTS = {
    "released": "Just released from jail or prison",
    "detox": "Just left detox",
    "hospital_overdose": "Just left a hospital after an overdose",
}
HIGH_RISK_REASONS = {
    "released": (
        "Overdose risk is highest in the first weeks after release from jail or prison: "
        "tolerance drops while inside, so a usual amount can stop someone's breathing."
    ),
    "detox": (
        "Overdose risk is highest in the first weeks after detox: tolerance drops within days, "
        "so a usual amount can stop someone's breathing."
    ),
    "hospital_overdose": (
        "Overdose risk is highest in the weeks after an overdose: the best protection is "
        "naloxone close by, never using alone, and starting medication now."
    ),
}
EMERGENCY_GUIDANCE = (
    "If someone is in immediate danger, unresponsive or not breathing, call 911. "
    "Give naloxone if you have it, stay with them, and lay them on their side."
)
NALOXONE_GUIDANCE = (
    "Naloxone (Narcan) reverses an opioid overdose. The nasal spray is sold without a "
    "prescription at most pharmacies, and many programs give it out free."
)
AT_RISK_REASON = "They may be at risk of overdose: keep these close."

PAYMENT_CLAUSES = {
    "free": "is free of charge",
    "sliding_fee": "has a sliding fee scale",
    "self_pay": "takes self-pay",
}
ID_WORDS = ("id", "identification", "license", "passport")
ADDRESS_WORDS = ("address", "residence", "utility bill", "lease")
# Codes too general to explain a match ("Any support group meeting" under a meetings heading).
GENERAL_CODES = frozenset({"meeting"})
# Where no place was given (the first step): remote services only, national ones.
NATIONWIDE = Place(math.nan, math.nan, "anywhere in the United States")


@dataclass(frozen=True)
class FreeTime:
    """Days and hours the participant is free, on their own clock (the searched place's zone)."""

    days: tuple[str, ...]  # mon … sun
    start: dt.time
    end: dt.time  # at or before ``start``: runs past midnight


@dataclass(frozen=True)
class IntakeAnswers:
    """What the coach entered. Held in memory only: never written, logged, cached or in a URL."""

    in_danger: bool = False
    overdose_risk: bool = False
    high_risk_moment: str | None = None  # a key of HIGH_RISK_MOMENTS
    near: str = ""  # ZIP, "City, ST" or "LAT,LON"
    travel: str = "transit"  # a key of TRAVEL_RADII
    remote_ok: bool = True  # can join online or by phone
    needs: tuple[str, ...] = ()  # keys of NEED_LABELS
    medication: str | None = None  # one of MEDICATIONS; None: not sure yet
    medication_status: str = "start"  # a key of MEDICATION_STATUSES
    same_day: bool = False
    treatment_levels: tuple[str, ...] = ()
    fellowships: tuple[str, ...] = ()  # empty: any meeting
    meeting_format: str = "either"  # a key of MEETING_FORMATS
    housing_timing: str = "now"
    housing_medication: str | None = None  # the house must allow this medication
    housing_for: str | None = None  # "women" or "men": the house must take them
    housing_single_gender: bool = False  # and be a women's (men's) house only
    housing_children: bool = False
    work: tuple[str, ...] = ()  # keys of WORK_KINDS
    supplies: tuple[str, ...] = ()  # keys of SUPPLIES
    payment: tuple[str, ...] = ()  # payment codes
    language: str | None = None  # ISO 639-1
    identities: tuple[str, ...] = ()  # served-group codes
    must_have: tuple[str, ...] = ()  # payment/serves codes that must hold, or LANGUAGE_REQUIRED
    free_times: tuple[FreeTime, ...] = ()
    no_id: bool = False
    no_address: bool = False
    # Section key -> the radius the coach widened it to.
    widened: Mapping[str, float] = field(default_factory=dict)

    @property
    def at_risk(self) -> bool:
        return self.in_danger or self.overdose_risk or self.high_risk_moment is not None

    @property
    def radius(self) -> float:
        return TRAVEL_RADII.get(self.travel, TRAVEL_RADII["transit"])


@dataclass(frozen=True)
class Option:
    """One resource offered for a need, with what a coach says about it."""

    id: str
    name: str
    organization: str
    hit: Hit
    matched: tuple[str, ...]  # the need it meets, in plain words
    # Which of the participant's fit it matched: payment, language, who they are.
    fit: tuple[str, ...]
    # How to get in: same-day start, beds free, ID asked for, the intake process.
    notes: tuple[str, ...]
    when: str  # "Open now", "Opens Mon 8:00 AM", "Next meeting Tue 7:00 PM", "Call for hours"
    distance: str  # "2.4 mi" or "By phone or online"
    phone: str | None
    address: str | None
    directions_url: str | None
    role: str | None = None  # in the safety section: what this one is for ("Naloxone")

    @property
    def is_meeting(self) -> bool:
        return self.hit.is_meeting

    @property
    def chips(self) -> tuple[str, ...]:
        return self.matched + self.fit


@dataclass(frozen=True)
class Section:
    key: str  # stable name, e.g. "housing", "treatment-detox"
    heading: str
    # Ranked: the first OPTIONS_SHOWN are offered, the rest wait for swaps.
    options: tuple[Option, ...]
    radius: float


@dataclass(frozen=True)
class Gap:
    key: str  # the section's key
    sentence: str  # "No recovery housing within 25 miles allows methadone."
    radius: float
    nearest_miles: float | None  # the nearest match within the widest radius, when there is one
    wider_radius: float | None  # the smallest step of WIDER_RADII that reaches it

    @property
    def suggestion(self) -> str:
        if self.wider_radius is None:
            return f"None in the directory within {WIDER_RADII[-1]:g} miles either."
        nearest, wider = f"{self.nearest_miles:.0f}", f"{self.wider_radius:g}"
        return f"The nearest is {nearest} miles away: widen to {wider} miles?"


@dataclass(frozen=True)
class SafetyFirst:
    heading: str
    reason: str | None  # why these come first (the high-risk moment)
    emergency: str
    naloxone: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Plan:
    place: Place
    made_at: dt.datetime
    urgent: SafetyFirst | None
    sections: tuple[Section, ...]
    gaps: tuple[Gap, ...]

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)

    def gap(self, key: str) -> Gap | None:
        return next((gap for gap in self.gaps if gap.key == key), None)


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


# ---------------------------------------------------------------------------------------------
# From answers to searches


@dataclass(frozen=True)
class _Condition:
    """A rule the index has no code for (a house's policy for one medication)."""

    clause: str  # for gap sentences: "allows methadone"
    chip: str  # for options: "Allows methadone"
    test: Callable[[dict], bool]


@dataclass(frozen=True)
class _NeedSpec:
    key: str
    heading: str
    subject: str  # "No {subject} within 25 miles …"
    alternatives: tuple[tuple[str, ...], ...]  # need codes: every code of one alternative must hold
    radius: float
    clauses: tuple[str, ...] = ()  # what the alternatives require, for gap sentences
    wanted: tuple[str, ...] = ()  # codes that rank higher (several of the participant's choices)
    conditions: tuple[_Condition, ...] = ()
    categories: tuple[str, ...] = ()
    include_remote: bool = True
    payment_applies: bool = True
    free_times: tuple[FreeTime, ...] = ()  # meetings: only those starting in these
    beds_first: bool = False


@dataclass(frozen=True)
class _Fit:
    must: tuple[str, ...]
    prefer: tuple[str, ...]
    language: str | None
    language_required: bool
    clauses: tuple[str, ...]  # the must-haves, for gap sentences


def or_words(words: Sequence[str]) -> str:
    """Words joined as people say them: "a", "a or b", "a, b or c"."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _fit_for(directory: Directory, answers: IntakeAnswers, payment_applies: bool) -> _Fit:
    vocabulary = directory.vocabulary
    # Payment is no question for meetings, work programs or harm reduction (nearly all free).
    must = tuple(
        code
        for code in answers.must_have
        if code != LANGUAGE_REQUIRED and (payment_applies or vocabulary.field_of(code) != "payment")
    )
    payments = answers.payment if payment_applies else ()
    prefer = tuple(code for code in (*payments, *answers.identities) if code not in must)
    clauses = []
    for code in must:
        if vocabulary.field_of(code) == "payment":
            clauses.append(PAYMENT_CLAUSES.get(code, f"takes {vocabulary.label(code)}"))
        else:
            clauses.append(f"serves {_lower_first(vocabulary.label(code))}")
    required = bool(answers.language) and LANGUAGE_REQUIRED in answers.must_have
    if required:
        clauses.append(f"offers services in {LANGUAGE_NAMES.get(answers.language, answers.language)}")
    return _Fit(must, prefer, answers.language, required, tuple(clauses))


def _radius(answers: IntakeAnswers, key: str, base: float) -> float:
    return float(answers.widened.get(key, base))


def _housing_policy(medication: str) -> _Condition:
    return _Condition(
        f"allows {medication}",
        f"Allows {medication}",
        lambda entry: ((entry.get("housing") or {}).get("medication_policy") or {}).get(medication) == "allowed",
    )


def _need_specs(directory: Directory, answers: IntakeAnswers) -> list[_NeedSpec]:
    """One search plan per need the participant named, in the order of NEEDS."""
    labels = directory.vocabulary.labels
    radius = answers.radius
    stay_radius = max(radius, STAY_RADIUS)
    specs: list[_NeedSpec] = []
    for need in (need for need in NEEDS if need in answers.needs):
        if need == "medication":
            specs.append(_medication_spec(answers, radius))
        elif need == "treatment":
            for level in answers.treatment_levels or ("outpatient",):
                base = stay_radius if level in STAY_LEVELS else radius
                key = f"treatment-{level}"
                specs.append(
                    _NeedSpec(
                        key,
                        labels.get(level, level),
                        TREATMENT_SUBJECTS.get(level, level),
                        ((level,),),
                        _radius(answers, key, base),
                        include_remote=answers.remote_ok,
                    )
                )
        elif need == "meetings":
            specs.append(_meetings_spec(answers, radius))
        elif need == "housing":
            specs.append(_housing_spec(answers, stay_radius))
        elif need == "work":
            kinds = answers.work or tuple(WORK_KINDS)
            words = or_words([WORK_KINDS[kind] for kind in kinds])
            specs.append(
                _NeedSpec(
                    "work",
                    "Work and training",
                    "work program",
                    tuple((kind,) for kind in kinds),
                    _radius(answers, "work", radius),
                    clauses=(f"offers {words}",),
                    wanted=kinds if len(kinds) > 1 else (),
                    payment_applies=False,
                    include_remote=answers.remote_ok,
                )
            )
        elif need == "harm_reduction":
            supplies = answers.supplies or ("naloxone",)
            words = or_words([SUPPLIES[supply] for supply in supplies])
            specs.append(
                _NeedSpec(
                    "harm_reduction",
                    "Harm reduction supplies",
                    "harm reduction program",
                    tuple((supply,) for supply in supplies),
                    _radius(answers, "harm_reduction", radius),
                    clauses=(f"offers {words}",),
                    wanted=supplies if len(supplies) > 1 else (),
                    payment_applies=False,
                    include_remote=answers.remote_ok,
                )
            )
    return specs


def _medication_spec(answers: IntakeAnswers, radius: float) -> _NeedSpec:
    medication = answers.medication
    medications = (medication,) if medication else MEDICATIONS
    same_day = ("same_day",) if answers.same_day and answers.medication_status == "start" else ()
    clauses = ["starts medication the same day"] if same_day else []
    conditions: tuple[_Condition, ...] = ()
    if answers.medication_status == "transfer":
        # A methadone dose comes from an opioid treatment program; a transfer must be accepted.
        alternatives = tuple((code, "otp") if code == "methadone" else (code,) for code in medications)
        conditions = (
            _Condition(
                "takes transfers from another clinic",
                "Takes transfers",
                lambda entry: (entry.get("moud") or {}).get("accepts_transfers") is True,
            ),
        )
        heading = f"A new place to get {medication or 'their medication'}"
        subject = "methadone clinic" if medication == "methadone" else f"{medication or 'medication'} provider"
    else:
        alternatives = tuple((code, *same_day) for code in medications)
        heading = f"Start {medication}" if medication else "Start medication"
        subject = f"{medication} provider" if medication else f"{or_words(list(MEDICATIONS))} provider"
    return _NeedSpec(
        "medication",
        heading + (" the same day" if same_day else ""),
        subject,
        alternatives,
        _radius(answers, "medication", radius),
        clauses=tuple(clauses),
        conditions=conditions,
        include_remote=answers.remote_ok,
    )


def _meetings_spec(answers: IntakeAnswers, radius: float) -> _NeedSpec:
    attendance = {"in_person": ("in_person",), "online": ("online",)}.get(answers.meeting_format, ())
    if not answers.remote_ok:
        attendance = ("in_person",)
    fellowships = answers.fellowships
    alternatives = tuple(("meeting", code, *attendance) for code in fellowships) or (("meeting", *attendance),)
    names = or_words([FELLOWSHIP_NAMES.get(code, code) for code in fellowships]) if fellowships else ""
    kind = {"in_person": "in-person ", "online": "online "}.get(attendance[0] if attendance else "", "")
    subject = f"{kind}{names + ' ' if names else ''}meeting"
    clauses = ("meets in their free time",) if answers.free_times else ()
    heading = f"{names} meetings" if names else "Meetings"
    return _NeedSpec(
        "meetings",
        heading,
        subject,
        alternatives,
        _radius(answers, "meetings", radius),
        clauses=clauses,
        payment_applies=False,
        include_remote=answers.remote_ok,
        free_times=answers.free_times,
    )


def _housing_spec(answers: IntakeAnswers, radius: float) -> _NeedSpec:
    conditions = []
    if answers.housing_medication:
        conditions.append(_housing_policy(answers.housing_medication))
    gender = answers.housing_for
    codes: tuple[str, ...] = ("recovery_housing",)
    clauses = []
    if gender and answers.housing_single_gender:
        codes += (gender,)
        clauses.append(f"is for {gender} only")
    elif gender:
        conditions.append(
            _Condition(
                f"takes {gender}",
                f"Takes {gender}",
                lambda entry: (entry.get("housing") or {}).get("gender") in (gender, "any", None),
            )
        )
    if answers.housing_children:
        conditions.append(
            _Condition(
                "takes children",
                "Children welcome",
                lambda entry: (entry.get("housing") or {}).get("children") is True,
            )
        )
    return _NeedSpec(
        "housing",
        "Recovery housing",
        "recovery housing",
        (codes,),
        _radius(answers, "housing", radius),
        clauses=tuple(clauses),
        conditions=tuple(conditions),
        include_remote=False,
        beds_first=answers.housing_timing == "now",
    )


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


@dataclass
class _Found:
    key: tuple
    hit: Hit
    speaks: bool  # offers the participant's language


def _collect(
    directory: Directory,
    place: Place,
    spec: _NeedSpec,
    fit: _Fit,
    now: dt.datetime,
    radius: float | None,
    want: int,
    order: str = "rank",
) -> list[_Found]:
    """Each alternative (and free-time window) searched, merged, filtered, ranked; ``want`` kept."""
    if spec.free_times:
        windows = free_windows(spec.free_times, ZoneInfo(place.timezone or "UTC"), now)
    else:
        windows = [(now, None)]
    # A wanted (not required) language: those who speak it first, the rest only to fill up.
    languages = [fit.language] if fit.language else [None]
    if fit.language and not fit.language_required:
        languages.append(None)
    speaking = directory.language_rows.get(fit.language, np.empty(0, dtype=np.int64)) if fit.language else None
    found: dict[str, _Found] = {}
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
                        found[hit.id] = _Found(key, hit, speaks)
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
    conditions: Sequence[_Condition],
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


def _rank_key(hit: Hit, spec: _NeedSpec, fit: _Fit, speaks: bool, now: dt.datetime, order: str) -> tuple:
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
# Options in plain words


def _aware(now: dt.datetime | None, place: Place) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        return now.replace(tzinfo=ZoneInfo(place.timezone or "UTC"))
    return now


def _mentions(items: Iterable[str], words: Sequence[str]) -> str | None:
    for item in items:
        lowered = f" {item.casefold()} "
        if any(f" {word}" in lowered or f"{word} " in lowered.replace(",", " ") for word in words):
            return item
    return None


def _notes(entry: dict, answers: IntakeAnswers) -> tuple[str, ...]:
    notes = []
    moud = entry.get("moud") or {}
    if moud.get("same_day_start"):
        notes.append("Same-day start")
    if moud.get("walk_in"):
        notes.append("Walk-ins welcome")
    housing = entry.get("housing") or {}
    if housing.get("beds_available") is not None:
        counted = dt.date.fromisoformat(housing["beds_counted"])
        beds = housing["beds_available"]
        notes.append(f"{beds} bed{'s' if beds != 1 else ''} free (counted {counted:%b} {counted.day})")
    if housing.get("cost"):
        notes.append(housing["cost"])
    meeting = entry.get("meeting") or {}
    if meeting.get("attendance") == "hybrid":
        notes.append("In person or online")
    if entry.get("application_process"):
        notes.append(entry["application_process"].strip())
    documents = entry.get("required_documents") or ()
    if answers.no_id and (asked := _mentions(documents, ID_WORDS)):
        notes.append(f"Asks for: {asked}. Call ahead about other proof")
    if answers.no_address and (asked := _mentions(documents, ADDRESS_WORDS)):
        notes.append(f"Asks for: {asked}. Call ahead if they have no address")
    return tuple(notes)


def _option(
    directory: Directory,
    found: _Found,
    spec: _NeedSpec,
    fit: _Fit,
    answers: IntakeAnswers,
    now: dt.datetime,
    place: Place,
    role: str | None = None,
) -> Option:
    hit = found.hit
    if hit.next_open is not None and place.timezone:
        # On the participant's clock: an online meeting run from New York starts at 5 PM in Denver.
        hit = replace(hit, next_open=hit.next_open.astimezone(ZoneInfo(place.timezone)))
    entry = directory.entries[hit.row]
    vocabulary = directory.vocabulary
    matched, fits = [], []
    for code in hit.matched:
        if code in GENERAL_CODES:
            continue
        (fits if vocabulary.field_of(code) in ("payment", "serves") else matched).append(vocabulary.label(code))
    matched += [condition.chip for condition in spec.conditions]
    if found.speaks:
        fits.append(f"In {LANGUAGE_NAMES.get(fit.language, fit.language)}")
    when = hit_timing(hit, now)
    if when is None:
        when = (
            "Call to ask about a room"
            if entry.get("housing")
            else "Call for meeting times"
            if hit.is_meeting
            else "Call for hours"
        )
    location = entry.get("location")
    return Option(
        id=hit.id,
        name=hit.name,
        organization=hit.organization,
        hit=hit,
        matched=tuple(dict.fromkeys(matched)),
        fit=tuple(dict.fromkeys(fits)),
        notes=_notes(entry, answers),
        when=when,
        distance=distance_words(hit),
        phone=hit.phone,
        address=address_text(location),
        directions_url=directions_url(location),
        role=role,
    )


# ---------------------------------------------------------------------------------------------
# Safety first


_NATIONAL_LINE = _Condition(
    "answers anywhere in the country",
    "Nationwide",
    lambda entry: not entry.get("location") and "national" in (entry.get("service_area") or ()),
)


def safety_first(
    directory: Directory,
    answers: IntakeAnswers,
    place: Place | None = None,
    now: dt.datetime | None = None,
) -> SafetyFirst | None:
    """What comes before anything else for someone at risk; None when step 1 said no risk.

    Without a place (the first step) only national lines and services come back.
    """
    if not answers.at_risk:
        return None
    place = place or NATIONWIDE
    now = _aware(now, place)
    fit = _Fit((), tuple(answers.identities), None, False, ())
    local_radius = max(answers.radius, STAY_RADIUS)

    def pick(spec: _NeedSpec, want: int, role: str, why: str, order: str = "rank") -> list[Option]:
        found = _collect(directory, place, spec, fit, now, spec.radius, want, order)
        options = [_option(directory, item, spec, fit, answers, now, place, role) for item in found]
        return [replace(option, notes=(why, *option.notes)) for option in options]

    crisis_lines = pick(
        _NeedSpec(
            "crisis",
            "",
            "crisis line",
            (("crisis",),),
            local_radius,
            conditions=(_NATIONAL_LINE,),
            categories=("crisis_line",),
        ),
        2,
        "Crisis line",
        "Call or text any hour, free and confidential.",
    )
    never_alone = pick(
        _NeedSpec(
            "never-alone",
            "",
            "overdose line",
            (("crisis",),),
            local_radius,
            conditions=(_NATIONAL_LINE,),
            categories=("harm_reduction",),
        ),
        1,
        "Never use alone",
        "Using alone? Call first: they send help if you stop answering.",
    )
    naloxone = pick(
        _NeedSpec("naloxone", "", "naloxone", (("naloxone",),), local_radius),
        1,
        "Naloxone",
        "Naloxone reverses an opioid overdose: get some and keep it close.",
    )
    reason = HIGH_RISK_REASONS.get(answers.high_risk_moment or "")
    if reason:
        medication_radius = _radius(answers, "medication", answers.radius)
        fastest = pick(
            _NeedSpec(
                "fastest-start",
                "",
                "same-day start",
                (("buprenorphine", "same_day"), ("methadone", "same_day")),
                medication_radius,
                include_remote=answers.remote_ok,
            ),
            1,
            "Fastest medication start",
            "Buprenorphine or methadone, started the same day.",
            order="soonest",
        )
        ordered = naloxone + never_alone + fastest + crisis_lines
    else:
        reason = AT_RISK_REASON if answers.overdose_risk else None
        ordered = crisis_lines + naloxone + never_alone
    unique = tuple({option.id: option for option in reversed(ordered)}.values())[::-1]
    return SafetyFirst("Safety first", reason, EMERGENCY_GUIDANCE, NALOXONE_GUIDANCE, unique)


# ---------------------------------------------------------------------------------------------
# The plan


def build_plan(
    directory: Directory,
    answers: IntakeAnswers,
    now: dt.datetime | None = None,
    place: Place | None = None,
) -> Plan:
    """The plan for ``answers``; raises PlaceNotFound for an ``answers.near`` not placed offline."""
    place = place or resolve_place(answers.near)
    now = _aware(now, place)
    sections, gaps = [], []
    for spec in _need_specs(directory, answers):
        fit = _fit_for(directory, answers, spec.payment_applies)
        found = _collect(directory, place, spec, fit, now, spec.radius, CANDIDATES)
        options = tuple(_option(directory, item, spec, fit, answers, now, place) for item in found)
        sections.append(Section(spec.key, spec.heading, options, spec.radius))
        if not options:
            gaps.append(_gap(directory, place, spec, fit, now))
    return Plan(place, now, safety_first(directory, answers, place, now), tuple(sections), tuple(gaps))


def _gap(directory: Directory, place: Place, spec: _NeedSpec, fit: _Fit, now: dt.datetime) -> Gap:
    """The gap said plainly, and how far one must look to fill it (found by searching wider)."""
    clauses = (*spec.clauses, *(condition.clause for condition in spec.conditions), *fit.clauses)
    sentence = (
        f"No {spec.subject} within {spec.radius:g} miles" + (f" {' and '.join(clauses)}" if clauses else "") + "."
    )
    nearest = _collect(
        directory,
        place,
        replace(spec, include_remote=False),
        fit,
        now,
        WIDER_RADII[-1],
        1,
        order="distance",
    )
    nearest_miles = nearest[0].hit.distance_miles if nearest else None
    wider = None
    if nearest_miles is not None:
        wider = next(
            (radius for radius in WIDER_RADII if radius > spec.radius and nearest_miles <= radius),
            None,
        )
    return Gap(spec.key, sentence, spec.radius, nearest_miles, wider)


def widen(answers: IntakeAnswers, gap: Gap) -> IntakeAnswers:
    """The answers with the gap's section searched as far as the gap said would fill it."""
    if gap.wider_radius is None:
        return answers
    return replace(answers, widened={**answers.widened, gap.key: gap.wider_radius})


# ---------------------------------------------------------------------------------------------
# Taking it home: the text message


def chosen_options(plan: Plan, picks: Mapping[str, Picks]) -> dict[str, tuple[Option, ...]]:
    """Section key -> the options the coach kept (pinned first)."""
    chosen = {}
    for section in plan.sections:
        section_picks = picks.get(section.key) or Picks()
        shown = shown_options(section, section_picks)
        chosen[section.key] = tuple(sorted(shown, key=lambda option: option.id not in section_picks.pinned))
    return chosen


def _message_line(label: str, option: Option) -> str:
    """ "Naloxone: Elati Street Pharmacy, 303-555-0155" (meetings add when and where)."""
    how = option.phone or (option.hit.website or "")
    when = option.when if option.is_meeting or not option.when.startswith("Call") else ""
    parts = [option.name, how, when]
    if option.is_meeting and option.address:
        parts.append(option.address.split(",")[0])
    return f"{label}: " + ", ".join(part for part in parts if part)


def text_message(plan: Plan, picks: Mapping[str, Picks] | None = None, limit: int = TEXT_MESSAGE_LIMIT) -> str:
    """The plan short enough to text: the first choice per need, with what to call and when.

    Lines that do not fit within ``limit`` characters are left for the printout, which says so.
    """
    chosen = chosen_options(plan, picks or {})
    lines = ["Your recovery plan"]
    candidates = []
    if plan.urgent is not None:
        candidates.append("Emergency: call 911.")
        # One per kind: the second crisis line can wait for the printout.
        firsts = {option.role: option for option in reversed(plan.urgent.options)}
        candidates += [
            _message_line(option.role or "Safety", option)
            for option in plan.urgent.options
            if firsts[option.role] is option
        ]
    for section in plan.sections:
        options = chosen.get(section.key) or ()
        if options:
            candidates.append(_message_line(section.heading, options[0]))
    more = "More on your printed plan."
    left_out = False
    for line in candidates:
        if len("\n".join([*lines, line, more])) <= limit:
            lines.append(line)
        else:
            left_out = True
    if left_out:
        lines.append(more)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Taking it home: the printout

PRINT_TITLE = "Recovery plan"
PRINT_FOOTER = (
    "Made with your recovery coach on Recovery Navigator. Hours and services change: call "
    "before you go. Listings marked Sample are fictional demo data."
)
FIRST_NAME_LIMIT = 40


def _summary(directory: Directory, option: Option, now: dt.datetime) -> ResourceSummary:
    summary = ResourceSummary.from_entry(directory, option.id, hit=option.hit, now=now)
    why = ((option.role,) if option.role else ()) + option.chips
    return replace(summary, matched=why, timing=option.when, how_to_get_in=" · ".join(option.notes) or None)


def printout(
    directory: Directory, plan: Plan, picks: Mapping[str, Picks] | None = None, first_name: str = ""
) -> tuple[str, list[PrintSection], str]:
    """(title, sections, subtitle) for ``printable``: safety first, then each need's kept options.

    ``first_name`` (the only personal detail, typed by the coach) appears in the subtitle only.
    """
    chosen = chosen_options(plan, picks or {})
    sections = []
    if plan.urgent is not None:
        note = " ".join(part for part in (plan.urgent.reason, plan.urgent.emergency) if part)
        sections.append(
            PrintSection(
                plan.urgent.heading,
                note,
                [_summary(directory, option, plan.made_at) for option in plan.urgent.options],
            )
        )
    for section in plan.sections:
        gap = plan.gap(section.key)
        sections.append(
            PrintSection(
                section.heading,
                gap.sentence if gap else None,
                [_summary(directory, option, plan.made_at) for option in chosen[section.key]],
            )
        )
    name = plain_text(first_name)[:FIRST_NAME_LIMIT]
    made = f"{plan.made_at:%b} {plan.made_at.day}, {plan.made_at.year}"
    subtitle = " · ".join(
        part
        for part in (
            f"Prepared for {name}" if name else None,
            f"Made {made}",
            f"Distances from {plan.place.label}",
        )
        if part
    )
    return PRINT_TITLE, sections, subtitle
