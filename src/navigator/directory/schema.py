"""The rules of a directory entry, and what an entry implies (its codes, place and time zone: ``implied``).

``check_entry`` returns every problem in an entry as ``(path, message)`` pairs, where ``path`` is
the key/index path inside the entry, so the caller can name the field and find its line. A plainly
valid entry is recognised by ``schemafast`` first; the rules here (``_check_fully``) find and word
every problem, and are what the fast path is tested against. The fields and their allowed values
live in ``fields`` (shared by both) and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import marshal

# The fields' rules, used here and read from here by the rest of the code as before they moved.
from navigator.directory.fields import (
    ATTENDANCE,
    DATE_PATTERN,
    EMAIL_PATTERN,
    EMPLOYMENT_FIELDS,
    EMPLOYMENT_SERVICES,
    FELLOWSHIPS,
    HOUSING_FIELDS,
    HOUSING_GENDERS,
    ID_PATTERN,
    LISTED_FROM,
    LOCATION_FIELDS,
    MAX_TEXT,
    MEDICATION_POLICIES,
    MEDICATIONS,
    MEETING_FIELDS,
    MOUD_FIELDS,
    MOUD_SETTINGS,
    NATIONAL,
    PHONE_FIELDS,
    PHONE_PATTERN,
    PHONE_TYPES,
    SOURCES,
    STATUSES,
    TOP_FIELDS,
    UNDATED,
    URL_PATTERN,
    VERIFIED_HOW,
    ZIP_PATTERN,
    time_zones,
)
from navigator.directory.implied import Implied, implied_codes, made_implied, remembered_implied_codes
from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schemafast import valid_parts
from navigator.directory.vocabulary import Vocabulary
from navigator.search.places import US_STATE_TIMEZONES, timezone_for, zip_centroid
from navigator.search.schedule import ALWAYS_OPEN, ScheduleError, WeeklySchedule, parse_hours, parse_meeting_times


class _Choices(tuple):
    """Choices in their order (for messages and suggestions) that answer ``in`` from a set: a
    national directory asks each entry's fields dozens of times."""

    known: frozenset

    def __new__(cls, values):
        choices = super().__new__(cls, values)
        choices.known = frozenset(values)
        return choices

    def __contains__(self, value) -> bool:
        try:
            return value in self.known
        except TypeError:  # unhashable (a list, a mapping): never one of them
            return False


_TOP = _Choices(TOP_FIELDS)
_LOCATION = _Choices(LOCATION_FIELDS)
_PHONE = _Choices(PHONE_FIELDS)
_MOUD = _Choices(MOUD_FIELDS)
_MEETING = _Choices(MEETING_FIELDS)
_HOUSING = _Choices(HOUSING_FIELDS)
_EMPLOYMENT = _Choices(EMPLOYMENT_FIELDS)
_MEDICATIONS = _Choices(MEDICATIONS)
_STATES = _Choices(US_STATE_TIMEZONES)


# Weeks parsed without a problem, per parser, by marshalled value: see ``_week``.
_PARSED_WEEKS: dict = {}  # {parse: {marshalled value: WeeklySchedule}}
_PARSED_WEEKS_KEPT = 20_000


def _week(parse, value, path) -> WeeklySchedule:
    """``parse(value, path)``; raises its ``ScheduleError``.

    A directory repeats a few weeks many times over: a week already parsed without a problem
    is looked up by its marshalled value (exact: True and 1 marshal differently). The path is
    no part of the key: it only words problems, and a week with one is not kept."""
    weeks = _PARSED_WEEKS.get(parse)
    if weeks is None:
        weeks = _PARSED_WEEKS[parse] = {}
    try:
        key = marshal.dumps(value)
    except ValueError:  # a value marshal cannot write (not from a YAML file): parsed as it is
        return parse(value, path)
    known = weeks.get(key)
    if known is not None:
        return known
    parsed = parse(value, path)
    if len(weeks) >= _PARSED_WEEKS_KEPT:
        weeks.clear()
    weeks[key] = parsed
    return parsed


# Per vocabulary (by identity, holding it so the id is not reused): its categories as choices.
_VOCABULARY_CATEGORIES: dict[int, tuple[Vocabulary, _Choices]] = {}


def _categories_of(vocabulary: Vocabulary) -> _Choices:
    known = _VOCABULARY_CATEGORIES.get(id(vocabulary))
    if known is None or known[0] is not vocabulary:
        if len(_VOCABULARY_CATEGORIES) >= 16:
            _VOCABULARY_CATEGORIES.clear()
        known = _VOCABULARY_CATEGORIES[id(vocabulary)] = (vocabulary, _Choices(vocabulary.categories))
    return known[1]


class _Checker:
    def __init__(self, vocabulary: Vocabulary, today: dt.date):
        self.vocabulary = vocabulary
        self.categories = _categories_of(vocabulary)
        self.field_of = vocabulary.field_by_code  # read for every code of every entry: a dict, not a call
        self.today = today
        self.problems: list[tuple[tuple, str]] = []
        self.schedules: dict[str, WeeklySchedule] = {}  # "hours" or "meeting": the week parsed

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append((path, message))

    # --- scalar rules -------------------------------------------------------------------------

    def text(self, value, path, required=False, limit=MAX_TEXT) -> bool:
        if value is None:
            if required:
                self.problem(path, "is required")
            return False
        if not isinstance(value, str):
            if isinstance(value, bool):
                self.problem(path, f"must be text, not {str(value).lower()}")
            else:
                self.problem(path, f'must be text: write "{value}" in quotes')
            return False
        if required and not value.strip():
            self.problem(path, "must not be empty")
            return False
        if len(value) > limit:
            self.problem(path, f"is {len(value)} characters long; the limit is {limit}")
            return False
        return True

    def pattern(self, value, path, regex, what, required=False) -> bool:
        if not self.text(value, path, required):
            return False
        if not regex.match(value):
            self.problem(path, f"'{value}' is not {what}")
            return False
        return True

    def choice(self, value, path, choices, required=False) -> bool:
        if value is None:
            if required:
                self.problem(path, f"is required: one of {', '.join(choices)}")
            return False
        if value not in choices:
            hint = self.vocabulary.suggest(str(value), choices)
            self.problem(
                path, f"'{value}' is not one of {', '.join(choices)}" + (f"; did you mean '{hint}'?" if hint else "")
            )
            return False
        return True

    def boolean(self, value, path) -> None:
        if value is not None and not isinstance(value, bool):
            self.problem(path, "must be true or false")

    def date(self, value, path, required=False) -> dt.date | None:
        if not self.pattern(value, path, DATE_PATTERN, "a date (YYYY-MM-DD)", required):
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.problem(path, f"'{value}' is not a real date")
            return None
        if day > self.today + dt.timedelta(days=1):
            self.problem(path, f"{value} is in the future")
        return day

    def number(self, value, path, low, high, integer=False) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.problem(path, f"must be {'a whole number' if integer else 'a number'}")
            return False
        if not low <= value <= high:
            self.problem(path, f"{value} is outside {low} to {high}")
            return False
        return True

    def listing(self, value, path) -> list:
        """A list field: also accepts a single value written without brackets."""
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.problem(path, "must be a list, like [a, b]")
        return []

    def mapping(self, value, path, fields) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return {}
        for key in value:
            if key not in fields:
                hint = self.vocabulary.suggest(key, fields)
                self.problem((*path, key), f"unknown field '{key}'" + (f"; did you mean '{hint}'?" if hint else ""))
        return value

    # --- composite rules ----------------------------------------------------------------------

    def codes(self, value, field) -> list[str]:
        found = []
        for index, code in enumerate(self.listing(value, (field,))):
            path = (field, index)
            if not isinstance(code, str):
                self.problem(path, f"'{code}' is not a code")
                continue
            home = self.field_of.get(code)
            if home == field:
                found.append(code)
            elif home is not None:
                self.problem(
                    path, f"'{code}' is a {self.vocabulary.group_of(code).label.lower()} code: list it under {home}"
                )
            else:
                kind = {"needs": "need", "payment": "payment", "serves": "who-is-served"}[field]
                candidates = [c for c in self.vocabulary.codes if self.vocabulary.field_of(c) == field]
                hint = self.vocabulary.suggest(code, candidates)
                self.problem(path, f"unknown {kind} code '{code}'" + (f"; did you mean '{hint}'?" if hint else ""))
        return found

    def schedule(self, parse, value, path) -> None:
        """Hours and meeting times are checked by the parser the index uses, so they never disagree."""
        try:
            self.schedules[path[0]] = _week(parse, value, path)
        except ScheduleError as error:
            self.problems.extend(error.problems)

    def phones(self, value) -> None:
        for index, phone in enumerate(self.listing(value, ("phones",))):
            path = ("phones", index)
            phone = self.mapping(phone, path, _PHONE)
            if not phone:
                continue
            self.pattern(phone.get("number"), (*path, "number"), PHONE_PATTERN, "a phone number", required=True)
            self.choice(phone.get("type"), (*path, "type"), PHONE_TYPES, required=True)
            self.text(phone.get("description"), (*path, "description"))

    def location(self, value) -> dict:
        location = self.mapping(value, ("location",), _LOCATION)
        if not location:
            return {}
        for key in ("address", "address_2"):
            self.text(location.get(key), ("location", key))
        self.text(location.get("city"), ("location", "city"), required=True)
        self.choice(location.get("state"), ("location", "state"), _STATES, required=True)
        self.pattern(location.get("zip"), ("location", "zip"), ZIP_PATTERN, "a 5-digit ZIP code", required=True)
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if (latitude is None) != (longitude is None):
            self.problem(
                ("location", "latitude" if latitude is None else "longitude"),
                "latitude and longitude go together: give both or neither",
            )
        elif latitude is not None:
            self.number(latitude, ("location", "latitude"), -90, 90)
            self.number(longitude, ("location", "longitude"), -180, 180)
        return location

    def service_area(self, value) -> None:
        for index, area in enumerate(self.listing(value, ("service_area",))):
            if area != NATIONAL and area not in US_STATE_TIMEZONES:
                self.problem(("service_area", index), f"'{area}' is not a state code or 'national'")

    def moud(self, value) -> None:
        moud = self.mapping(value, ("moud",), _MOUD)
        for index, medication in enumerate(self.listing(moud.get("medications"), ("moud", "medications"))):
            self.choice(medication, ("moud", "medications", index), MEDICATIONS)
        if moud.get("setting") is not None:
            self.choice(moud.get("setting"), ("moud", "setting"), MOUD_SETTINGS)
        for key in ("same_day_start", "walk_in", "telehealth", "accepts_transfers"):
            self.boolean(moud.get(key), ("moud", key))

    def meeting(self, value) -> dict:
        meeting = self.mapping(value, ("meeting",), _MEETING)
        if not meeting:
            self.problem(("meeting",), "a support meeting needs a meeting block with fellowship, attendance and times")
            return {}
        self.choice(meeting.get("fellowship"), ("meeting", "fellowship"), FELLOWSHIPS, required=True)
        self.choice(meeting.get("attendance"), ("meeting", "attendance"), ATTENDANCE, required=True)
        if meeting.get("times") is None:
            self.problem(("meeting", "times"), "is required: when the meeting meets")
        else:
            self.schedule(parse_meeting_times, meeting["times"], ("meeting", "times"))
        self.pattern(meeting.get("conference_url"), ("meeting", "conference_url"), URL_PATTERN, "a web address")
        self.pattern(meeting.get("conference_phone"), ("meeting", "conference_phone"), PHONE_PATTERN, "a phone number")
        for index, code in enumerate(self.listing(meeting.get("types"), ("meeting", "types"))):
            self.text(code, ("meeting", "types", index), limit=20)
        return meeting

    def housing(self, value) -> dict:
        housing = self.mapping(value, ("housing",), _HOUSING)
        if housing.get("narr_level") is not None:
            self.number(housing["narr_level"], ("housing", "narr_level"), 1, 4, integer=True)
        policy = self.mapping(housing.get("medication_policy"), ("housing", "medication_policy"), _MEDICATIONS)
        for medication, rule in policy.items():
            if medication in MEDICATIONS:
                self.choice(rule, ("housing", "medication_policy", medication), MEDICATION_POLICIES)
        if housing.get("gender") is not None:
            self.choice(housing["gender"], ("housing", "gender"), HOUSING_GENDERS)
        self.boolean(housing.get("children"), ("housing", "children"))
        self.text(housing.get("cost"), ("housing", "cost"))
        if housing.get("beds_available") is not None:
            self.number(housing["beds_available"], ("housing", "beds_available"), 0, 10000, integer=True)
            self.date(housing.get("beds_counted"), ("housing", "beds_counted"), required=True)
        return housing

    def employment(self, value) -> dict:
        employment = self.mapping(value, ("employment",), _EMPLOYMENT)
        for index, service in enumerate(self.listing(employment.get("services"), ("employment", "services"))):
            self.choice(service, ("employment", "services", index), EMPLOYMENT_SERVICES)
        for key in ("recovery_friendly_employer", "second_chance_employer"):
            self.boolean(employment.get(key), ("employment", key))
        return employment


def check_entry(entry, vocabulary: Vocabulary, today: dt.date) -> tuple[list[tuple[tuple, str]], Implied | None]:
    """Every problem in ``entry``, and what it implies when it has none."""
    return _check_fast(entry, vocabulary, today) or _check_fully(entry, vocabulary, today)


def _check_fast(entry, vocabulary: Vocabulary, today: dt.date) -> tuple[list[tuple[tuple, str]], Implied | None] | None:
    """``check_entry`` for an entry ``schemafast.valid_parts`` vouches for, else None.

    A national directory's cold load checks 100,000 entries, nearly all valid: recognising those
    inline costs about 40 % of the full check's work (callgrind, a synthetic file of 100 entries:
    19.5 M instructions, 8.3 M this way, remembering the code lists, dates and implied codes
    entries share). Anything it does not vouch for is checked in full, which finds and words
    every problem; either way the answer is the same."""
    parts = valid_parts(entry, vocabulary.categories, vocabulary.field_by_code, today)
    if parts is None:
        return None
    codes, location, meeting, housing, employment = parts
    hours_week = meeting_week = None
    try:
        # In the full check's order, so that both fill the cache of weeks alike.
        if (hours := entry.get("hours")) is not None:
            hours_week = _week(parse_hours, hours, ("hours",))
        if meeting:
            meeting_week = _week(parse_meeting_times, meeting["times"], ("meeting", "times"))
    except ScheduleError:
        return None  # the full check reports its problems
    implied = remembered_implied_codes(entry, vocabulary, meeting, housing, employment)
    return _conclude(
        [], entry, vocabulary, codes, location, meeting, housing, employment, hours_week, meeting_week, implied
    )


def _check_fully(entry, vocabulary: Vocabulary, today: dt.date) -> tuple[list[tuple[tuple, str]], Implied | None]:
    """``check_entry`` by the rules that find and word every problem: the reference the fast path
    (``schemafast``) must agree with, and what every entry it does not vouch for goes through."""
    checker = _Checker(vocabulary, today)
    if not isinstance(entry, dict):
        checker.problem((), "an entry must be a mapping of fields starting with `- id:`")
        return checker.problems, None
    for key in entry:
        if key not in _TOP:
            hint = vocabulary.suggest(key, TOP_FIELDS)
            checker.problem((key,), f"unknown field '{key}'" + (f"; did you mean '{hint}'?" if hint else ""))

    if checker.text(entry.get("id"), ("id",), required=True) and not ID_PATTERN.match(entry["id"]):
        checker.problem(("id",), f"'{entry['id']}' must be lowercase letters, digits, '.', '_' or '-'")
    checker.text(entry.get("name"), ("name",), required=True, limit=300)
    checker.text(entry.get("organization"), ("organization",), required=True, limit=300)
    category = entry.get("category")
    checker.choice(category, ("category",), checker.categories, required=True)
    for key in ("description", "eligibility", "application_process", "fees", "source_id"):
        checker.text(entry.get(key), (key,))
    if entry.get("status") is not None:
        checker.choice(entry["status"], ("status",), STATUSES)
    codes = set()
    for field in ("needs", "payment", "serves"):
        codes.update(checker.codes(entry.get(field), field))
    for index, language in enumerate(checker.listing(entry.get("languages"), ("languages",))):
        if language not in LANGUAGE_NAMES:
            hint = vocabulary.suggest(str(language), list(LANGUAGE_NAMES))
            checker.problem(
                ("languages", index),
                f"'{language}' is not an ISO 639-1 language code" + (f"; did you mean '{hint}'?" if hint else ""),
            )
    for key in ("accessibility", "required_documents", "tags"):
        for index, item in enumerate(checker.listing(entry.get(key), (key,))):
            checker.text(item, (key, index), limit=500)
    checker.pattern(entry.get("website"), ("website",), URL_PATTERN, "a web address (https://…)")
    checker.pattern(entry.get("email"), ("email",), EMAIL_PATTERN, "an e-mail address")
    checker.phones(entry.get("phones"))
    location = checker.location(entry.get("location"))
    checker.service_area(entry.get("service_area"))
    if not location and not entry.get("service_area"):
        checker.problem(("location",), "give a location, or a service_area for a remote service")
    if entry.get("timezone") is not None and entry["timezone"] not in time_zones():
        checker.problem(("timezone",), f"'{entry['timezone']}' is not an IANA time zone like America/Denver")
    if entry.get("hours") is not None:
        checker.schedule(parse_hours, entry["hours"], ("hours",))
    if entry.get("moud") is not None:
        checker.moud(entry["moud"])
    meeting = checker.meeting(entry.get("meeting")) if category == "support_meeting" or "meeting" in entry else {}
    if meeting and meeting.get("attendance") in ("in_person", "hybrid") and not location:
        checker.problem(("location",), f"a {meeting['attendance'].replace('_', '-')} meeting needs a location")
    housing = checker.housing(entry["housing"]) if entry.get("housing") is not None else {}
    employment = checker.employment(entry["employment"]) if entry.get("employment") is not None else {}
    if entry.get("source") is not None:
        checker.choice(entry["source"], ("source",), SOURCES)
    listed = entry.get("listed_as_of")
    if listed != UNDATED:
        checker.date(listed, ("listed_as_of",))
    # An undated source's entry has no date anyone vouched for; every other entry has one.
    checker.date(entry.get("last_verified"), ("last_verified",), required=listed != UNDATED)
    checker.date(entry.get("last_changed"), ("last_changed",))
    if entry.get("listed_from") is not None:
        checker.choice(entry["listed_from"], ("listed_from",), LISTED_FROM)
    if entry.get("verified_how") is not None:
        checker.choice(entry["verified_how"], ("verified_how",), VERIFIED_HOW)
    checker.boolean(entry.get("sample"), ("sample",))
    return _conclude(
        checker.problems,
        entry,
        vocabulary,
        codes,
        location,
        meeting,
        housing,
        employment,
        checker.schedules.get("hours"),
        checker.schedules.get("meeting"),
    )


def _conclude(
    problems: list,
    entry: dict,
    vocabulary: Vocabulary,
    codes: set,
    location,
    meeting,
    housing,
    employment,
    hours_week: WeeklySchedule | None,
    meeting_week: WeeklySchedule | None,
    implied: frozenset | None = None,
) -> tuple[list[tuple[tuple, str]], Implied | None]:
    """The end of every check: ``problems`` found so far, else where the entry is (its ZIP's centre
    when it gives no coordinates), its codes, its clock and its week, or why those cannot be had.
    ``implied``: ``implied_codes`` of the entry, when the caller has them."""
    latitude = longitude = None
    approximate = False
    if location and not problems:
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if latitude is None:
            centroid = zip_centroid(location["zip"])
            if centroid is None:
                problems.append(
                    (
                        ("location", "zip"),
                        f"ZIP {location['zip']} is unknown, so the entry cannot be placed: add latitude and longitude",
                    )
                )
            else:
                latitude, longitude, approximate = centroid.lat, centroid.lon, True
    if problems:
        return problems, None

    codes.update(implied_codes(entry, vocabulary, meeting, housing, employment) if implied is None else implied)
    timezone = (
        entry.get("timezone")
        or timezone_for(location.get("zip"), location.get("state"))
        or _area_timezone(entry.get("service_area"))
    )
    if timezone is None and (meeting or entry.get("hours") not in (None, ALWAYS_OPEN)):
        field = "meeting" if meeting else "hours"
        return [
            (
                (field,),
                "times are local: give a timezone (like America/New_York), as the service area does not imply one",
            )
        ], None
    if meeting:
        # No times (a group to call for them) is no schedule, as an inactive meeting has none.
        schedule = None if meeting.get("attendance") == "inactive" or not meeting.get("times") else meeting_week
    else:
        schedule = hours_week
    return [], made_implied(frozenset(codes), latitude, longitude, approximate, timezone, not location, schedule)


def _area_timezone(service_area) -> str | None:
    states = [area for area in service_area or () if area != NATIONAL]
    return timezone_for(None, states[0]) if len(states) == 1 else None
