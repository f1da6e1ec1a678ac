"""The fast path of ``schema.check_entry``: recognise an entry with no problem at all, in a
fraction of the full check's work.

A national directory's cold load checks 100,000 entries and nearly all are valid; the full check
(``schema._check_fully``) spent a quarter of a loading worker's time on them, most of it in small
method calls and in paths and messages built for problems that were not there. Here each field
is tested inline, and nothing is built for a problem: at the first doubt the answer is None and
the entry goes through the full check, which finds and words every problem.

Every test below is a sufficient condition for the full check to find no problem in that field:
stricter where that is simpler (exact types; no empty mapping or ``null`` item where the full
check tolerates one), never looser. tests/test_schema.py holds the two to that.
"""

from __future__ import annotations

import datetime as dt

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
    time_zones,
)
from navigator.directory.implied import detached
from navigator.directory.languages import LANGUAGE_NAMES
from navigator.search.places import US_STATE_TIMEZONES

# Membership from sets; a value that is not text is never asked (an unhashable one would raise).
_TOP = frozenset(TOP_FIELDS)
_LOCATION = frozenset(LOCATION_FIELDS)
_PHONE = frozenset(PHONE_FIELDS)
_MOUD = frozenset(MOUD_FIELDS)
_MEETING = frozenset(MEETING_FIELDS)
_HOUSING = frozenset(HOUSING_FIELDS)
_EMPLOYMENT = frozenset(EMPLOYMENT_FIELDS)
_STATUSES = frozenset(STATUSES)
_PHONE_TYPES = frozenset(PHONE_TYPES)
_SOURCES = frozenset(SOURCES)
_LISTED_FROM = frozenset(LISTED_FROM)
_VERIFIED_HOW = frozenset(VERIFIED_HOW)
_MEDICATIONS = frozenset(MEDICATIONS)
_MOUD_SETTINGS = frozenset(MOUD_SETTINGS)
_FELLOWSHIPS = frozenset(FELLOWSHIPS)
_ATTENDANCE = frozenset(ATTENDANCE)
_MEDICATION_POLICIES = frozenset(MEDICATION_POLICIES)
_HOUSING_GENDERS = frozenset(HOUSING_GENDERS)
_EMPLOYMENT_SERVICES = frozenset(EMPLOYMENT_SERVICES)
_LANGUAGES = frozenset(LANGUAGE_NAMES)
_STATES = frozenset(US_STATE_TIMEZONES)
_AREAS = _STATES | {NATIONAL}
_NUMBERS = frozenset((int, float))  # not bool: the full check refuses true/false for a number
_MOUD_FLAGS = ("same_day_start", "walk_in", "telehealth", "accepts_transfers")
_EMPLOYMENT_FLAGS = ("recovery_friendly_employer", "second_chance_employer")
# Fields few entries have, checked only when an entry has one of them (one look in C instead of
# a look-up each): texts up to MAX_TEXT, lists of texts up to 500 characters, and the rest.
_RARE_TEXTS = ("eligibility", "fees", "source_id")
_RARE_LISTS = ("required_documents", "tags")
_RARE = frozenset((*_RARE_TEXTS, *_RARE_LISTS, "status", "email", "listed_as_of", "last_changed", "listed_from"))
_CODE_FIELDS = ("needs", "payment", "serves")
_ONE_DAY = dt.timedelta(days=1)

_id = ID_PATTERN.match
_date = DATE_PATTERN.match
_url = URL_PATTERN.match
_email = EMAIL_PATTERN.match
_phone = PHONE_PATTERN.match


def _is_day(value, latest: dt.date) -> bool:
    """A real date written YYYY-MM-DD, not after ``latest`` (the full check's ``date``)."""
    if type(value) is not str or not _date(value):
        return False
    try:
        return dt.date.fromisoformat(value) <= latest
    except ValueError:
        return False


# Dates that passed ``_is_day`` for one ``latest``: an entry has one to three, and a directory
# repeats a few hundred (verification days), so a set look-up stands in for the pattern and
# the parse. Bounded: a hostile file's distinct dates only empty it now and then.
_DAYS_FOR: list = [None, set()]  # [latest, the texts that passed for it]
_DAYS_KEPT = 20_000


def _days_up_to(latest: dt.date) -> set:
    """The set of texts known to pass ``_is_day(text, latest)``, kept for ``latest`` only."""
    _DAYS_FOR[:] = [latest, set()]
    return _DAYS_FOR[1]


def _is_known_day(value, latest: dt.date, known: set) -> bool:
    """``_is_day``, remembering a text that passes in ``known`` (``_days_up_to(latest)``)."""
    if _is_day(value, latest):
        if len(known) < _DAYS_KEPT:
            known.add(detached(value))
        return True
    return False


def _short_texts(values, longest: int = 500) -> bool:
    """Whether ``values`` is a list of texts of at most ``longest`` characters (tags, accessibility …)."""
    return type(values) is list and all(type(value) is str and len(value) <= longest for value in values)


# Code lists (needs, payment, serves) that passed, as tuples, per field, for one vocabulary's
# codes (by identity, held so its id is not reused): a directory repeats a few hundred lists.
_CODE_LISTS: list = [None, {}]  # [field_of, {field: set of tuples}]
_CODE_LISTS_KEPT = 20_000  # per field; lists past these are checked every time


def _code_lists(field_of: dict) -> dict:
    _CODE_LISTS[:] = [field_of, {field: set() for field in _CODE_FIELDS}]
    return _CODE_LISTS[1]


_ZONES: list = [None]  # time_zones(), once asked: read for every entry with a timezone


def _time_zones() -> frozenset:
    _ZONES[0] = time_zones()
    return _ZONES[0]


def valid_parts(entry, categories: dict, field_of: dict, today: dt.date) -> tuple | None:
    """(codes, location, meeting, housing, employment) as the full check would hand them on when
    ``entry`` has no problem (hours and meeting times aside: ``schema`` parses those), or None
    when that is not certain here."""
    # A TypeError (an unhashable value asked whether it is one of a set of choices) is a doubt too.
    try:
        if type(entry) is not dict or not _TOP.issuperset(entry):
            return None
        get = entry.get
        value = get("id")
        if type(value) is not str or not _id(value):  # the pattern's 120 characters start with no space
            return None
        value = get("name")
        if type(value) is not str or len(value) > 300 or not value.strip():
            return None
        value = get("organization")
        if type(value) is not str or len(value) > 300 or not value.strip():
            return None
        category = get("category")
        if type(category) is not str or category not in categories:
            return None
        value = get("description")
        if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
            return None
        value = get("application_process")
        if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
            return None
        latest = today + _ONE_DAY
        days = _DAYS_FOR[1] if _DAYS_FOR[0] == latest else _days_up_to(latest)
        rare = not _RARE.isdisjoint(entry)
        if rare:
            for key in _RARE_TEXTS:
                value = get(key)
                if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
                    return None
            for key in _RARE_LISTS:
                values = get(key)
                if values is not None and not _short_texts(values):
                    return None
            value = get("status")
            if value is not None and (type(value) is not str or value not in _STATUSES):
                return None
            value = get("email")
            if value is not None and (type(value) is not str or len(value) > MAX_TEXT or not _email(value)):
                return None
            value = get("last_changed")
            if value is not None and not (type(value) is str and value in days or _is_known_day(value, latest, days)):
                return None
            value = get("listed_from")
            if value is not None and (type(value) is not str or value not in _LISTED_FROM):
                return None
            listed = get("listed_as_of")
        else:
            listed = None

        codes = set()
        known_lists = _CODE_LISTS[1] if _CODE_LISTS[0] is field_of else _code_lists(field_of)
        for field in _CODE_FIELDS:
            values = get(field)
            if values is not None:
                if type(values) is not list:
                    return None
                # A list seen before is looked up whole (an unhashable item raises); only lists of
                # text codes are remembered, so no look-alike (1 for True) can pass for one.
                listed_codes = tuple(values)
                known = known_lists[field]
                if listed_codes not in known:
                    for code in values:
                        if type(code) is not str or field_of.get(code) != field:
                            return None
                    if len(known) < _CODE_LISTS_KEPT:
                        known.add(detached(listed_codes))
                codes.update(values)
        values = get("languages")
        if values is not None and (type(values) is not list or not _LANGUAGES.issuperset(values)):
            return None
        values = get("accessibility")
        if values is not None and not _short_texts(values):
            return None
        value = get("website")
        if value is not None and (type(value) is not str or len(value) > MAX_TEXT or not _url(value)):
            return None
        values = get("phones")
        if values is not None:
            if type(values) is not list:
                return None
            for phone in values:
                if type(phone) is not dict or not phone or not _PHONE.issuperset(phone):
                    return None
                value = phone.get("number")  # required: the pattern alone would take three spaces
                if type(value) is not str or not _phone(value) or not value.strip():
                    return None
                value = phone.get("type")
                if type(value) is not str or value not in _PHONE_TYPES:
                    return None
                value = phone.get("description")
                if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
                    return None

        location = get("location")
        if location is None:
            location = {}
        elif type(location) is not dict:
            return None
        elif location:  # an empty one is no location, as in the full check
            if not _LOCATION.issuperset(location):
                return None
            value = location.get("address")
            if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
                return None
            value = location.get("address_2")
            if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
                return None
            value = location.get("city")
            if type(value) is not str or len(value) > MAX_TEXT or not value.strip():
                return None
            value = location.get("state")
            if type(value) is not str or value not in _STATES:
                return None
            value = location.get("zip")
            # ZIP_PATTERN, [0-9]{5}, without a match object: five ASCII digits (not ١ or ５).
            if type(value) is not str or len(value) != 5 or not value.isascii() or not value.isdigit():
                return None
            latitude, longitude = location.get("latitude"), location.get("longitude")
            if latitude is not None or longitude is not None:  # both, as numbers on the Earth (not NaN)
                if type(latitude) not in _NUMBERS or type(longitude) not in _NUMBERS:
                    return None
                if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    return None
        values = get("service_area")
        if values is not None and (type(values) is not list or not _AREAS.issuperset(values)):
            return None
        if not location and not values:
            return None
        value = get("timezone")
        zones = _ZONES[0] or _time_zones()
        if value is not None and (type(value) is not str or value not in zones):
            return None

        moud = get("moud")
        if moud is not None:
            if type(moud) is not dict or not _MOUD.issuperset(moud):
                return None
            values = moud.get("medications")
            if values is not None and (type(values) is not list or not _MEDICATIONS.issuperset(values)):
                return None
            value = moud.get("setting")
            if value is not None and (type(value) is not str or value not in _MOUD_SETTINGS):
                return None
            for key in _MOUD_FLAGS:
                value = moud.get(key)
                if value is not None and type(value) is not bool:
                    return None

        if category == "support_meeting" or "meeting" in entry:
            meeting = get("meeting")
            if type(meeting) is not dict or not meeting or not _MEETING.issuperset(meeting):
                return None
            value = meeting.get("fellowship")
            if type(value) is not str or value not in _FELLOWSHIPS:
                return None
            attendance = meeting.get("attendance")
            if type(attendance) is not str or attendance not in _ATTENDANCE:
                return None
            if meeting.get("times") is None:
                return None
            value = meeting.get("conference_url")
            if value is not None and (type(value) is not str or len(value) > MAX_TEXT or not _url(value)):
                return None
            value = meeting.get("conference_phone")
            if value is not None and (type(value) is not str or not _phone(value)):
                return None
            values = meeting.get("types")
            if values is not None and not _short_texts(values, 20):
                return None
            if not location and (attendance == "in_person" or attendance == "hybrid"):
                return None
        else:
            meeting = {}

        housing = get("housing")
        if housing is None:
            housing = {}
        else:
            if type(housing) is not dict or not _HOUSING.issuperset(housing):
                return None
            value = housing.get("narr_level")
            if value is not None and (type(value) is not int or not 1 <= value <= 4):
                return None
            policy = housing.get("medication_policy")
            if policy is not None:
                if type(policy) is not dict or not _MEDICATIONS.issuperset(policy):
                    return None
                for value in policy.values():
                    if type(value) is not str or value not in _MEDICATION_POLICIES:
                        return None
            value = housing.get("gender")
            if value is not None and (type(value) is not str or value not in _HOUSING_GENDERS):
                return None
            value = housing.get("children")
            if value is not None and type(value) is not bool:
                return None
            value = housing.get("cost")
            if value is not None and (type(value) is not str or len(value) > MAX_TEXT):
                return None
            value = housing.get("beds_available")
            if value is not None:
                if type(value) is not int or not 0 <= value <= 10000:
                    return None
                value = housing.get("beds_counted")  # required with a count
                if not (type(value) is str and value in days or _is_known_day(value, latest, days)):
                    return None
        employment = get("employment")
        if employment is None:
            employment = {}
        else:
            if type(employment) is not dict or not _EMPLOYMENT.issuperset(employment):
                return None
            values = employment.get("services")
            if values is not None and (type(values) is not list or not _EMPLOYMENT_SERVICES.issuperset(values)):
                return None
            for key in _EMPLOYMENT_FLAGS:
                value = employment.get(key)
                if value is not None and type(value) is not bool:
                    return None

        value = get("source")
        if value is not None and (type(value) is not str or value not in _SOURCES):
            return None
        value = get("last_verified")
        if listed == UNDATED:  # an undated source's entry may have no verification date
            if value is not None and not (type(value) is str and value in days or _is_known_day(value, latest, days)):
                return None
        elif (
            listed is not None and not (type(listed) is str and listed in days or _is_known_day(listed, latest, days))
        ) or not (type(value) is str and value in days or _is_known_day(value, latest, days)):
            return None
        value = get("verified_how")
        if value is not None and (type(value) is not str or value not in _VERIFIED_HOW):
            return None
        value = get("sample")
        if value is not None and type(value) is not bool:
            return None
        return codes, location, meeting, housing, employment
    except TypeError:
        return None
