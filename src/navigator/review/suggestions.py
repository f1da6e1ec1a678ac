"""Suggestions from organizations: the typed form, its checks, abuse limits and the queue on disk.

A suggestion is one of three kinds: a new listing, a change to an existing one, or a report of a
problem. The form is a fixed set of typed fields (never uploaded YAML); each maps to a place in an
entry, and a suggestion is checked with the directory's own rules (``schema.check_entry``) so a
reviewer only ever sees data the directory could hold. Every text is cleaned of control and
bidirectional-override characters and held to a length limit; it is stored and shown as text.

Pending suggestions are JSON files, one per suggestion, in ``<data>/submissions/pending``; a
decided one moves to ``<data>/submissions/decided``. Every write is atomic and made under the
queue's lock, so concurrent submitters and reviewers never lose or tear a file.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import (
    ATTENDANCE,
    EMAIL_PATTERN,
    EMPLOYMENT_SERVICES,
    FELLOWSHIPS,
    MEDICATION_POLICIES,
    MEDICATIONS,
    NATIONAL,
    PHONE_PATTERN,
    PHONE_TYPES,
    check_entry,
)
from navigator.directory.vocabulary import Vocabulary
from navigator.files import locked, write_text_atomic
from navigator.search.places import US_STATE_TIMEZONES
from navigator.search.schedule import ALWAYS_OPEN, DAY_WORDS, WEEKDAYS
from navigator.settings import load_settings
from navigator.text import clean_text

KINDS = ("new", "change", "report")
KIND_LABELS = {
    "new": "A new listing",
    "change": "A change to a listing",
    "report": "Report a problem",
}
PROBLEMS = {
    "closed": "It has closed or no longer operates",
    "wrong_phone": "The phone number is wrong",
    "wrong_address": "The address is wrong",
    "wrong_hours": "The hours are wrong",
    "no_longer_offers": "It no longer offers a service listed here",
    "other": "Something else",
}
STATUS_LABELS = {
    "active": "Open",
    "temporarily_closed": "Temporarily closed",
    "inactive": "Closed for good",
}
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
FORMAT = 1
# A placeholder id lets a new listing pass the id rule; the reviewer's approval assigns the real one.
NEW_ENTRY_PLACEHOLDER_ID = "new-listing"

# Limits on what one submitter writes; the directory's own limits apply on top.
CONTACT_LIMITS = {"name": 120, "organization": 300, "email": 254, "phone": 40}
NOTE_LIMIT = 2000
DETAILS_LIMIT = 2000
SCHEDULE_DAY_LIMIT = 120
MAX_LINES = 20

# Categories whose entries carry a block of their own, and which block.
BLOCK_OF_CATEGORY = {
    "moud_provider": "moud",
    "treatment_program": "moud",
    "support_meeting": "meeting",
    "recovery_housing": "housing",
    "employment_service": "employment",
}


@dataclass(frozen=True)
class FormField:
    """One typed field of the suggestion form and the place in an entry it fills.

    ``kind`` is text, long_text, lines (one item per line), choice, codes (several choices),
    flag (yes / no / not said) or number.
    """

    name: str
    label: str
    kind: str
    path: tuple
    limit: int = 300
    section: str = "about"
    help: str = ""


FIELDS = (
    FormField("name", "Service name", "text", ("name",), 300, help="The service as people say it"),
    FormField("organization", "Organization", "text", ("organization",), 300),
    FormField("status", "Status", "choice", ("status",), 40),
    FormField("description", "Description", "long_text", ("description",), 5000),
    FormField("eligibility", "Who can come", "long_text", ("eligibility",), 1000),
    FormField("application_process", "How to get in", "long_text", ("application_process",), 2000),
    FormField(
        "required_documents",
        "Documents to bring (one per line)",
        "lines",
        ("required_documents",),
        2000,
    ),
    FormField("fees", "Fees", "text", ("fees",), 500),
    FormField("needs", "Services offered", "codes", ("needs",), section="services"),
    FormField("payment", "Payment accepted", "codes", ("payment",), section="services"),
    FormField("serves", "Who is served", "codes", ("serves",), section="services"),
    FormField("languages", "Languages spoken", "codes", ("languages",), section="services"),
    FormField(
        "accessibility",
        "Accessibility (one per line)",
        "lines",
        ("accessibility",),
        2000,
        section="services",
    ),
    FormField("website", "Website", "text", ("website",), 500, section="contact", help="https://…"),
    FormField("email", "E-mail", "text", ("email",), 254, section="contact"),
    FormField("phone_number", "Phone number", "text", ("phones", 0, "number"), 40, section="contact"),
    FormField("phone_type", "Phone type", "choice", ("phones", 0, "type"), section="contact"),
    FormField("address", "Street address", "text", ("location", "address"), 300, section="place"),
    FormField("address_2", "Suite, floor", "text", ("location", "address_2"), 300, section="place"),
    FormField("city", "City", "text", ("location", "city"), 100, section="place"),
    FormField("state", "State", "choice", ("location", "state"), section="place"),
    FormField("zip", "ZIP code", "text", ("location", "zip"), 10, section="place"),
    FormField(
        "service_area",
        "Serves remotely (states, or the whole country)",
        "codes",
        ("service_area",),
        section="place",
        help="For hotlines, online meetings and telehealth",
    ),
    FormField("moud_medications", "Medications offered", "codes", ("moud", "medications"), section="moud"),
    FormField("moud_setting", "Setting", "choice", ("moud", "setting"), section="moud"),
    FormField("moud_same_day_start", "Same-day starts", "flag", ("moud", "same_day_start"), section="moud"),
    FormField("moud_walk_in", "Walk-ins welcome", "flag", ("moud", "walk_in"), section="moud"),
    FormField("moud_telehealth", "By telehealth", "flag", ("moud", "telehealth"), section="moud"),
    FormField(
        "moud_accepts_transfers",
        "Takes transfers already on medication",
        "flag",
        ("moud", "accepts_transfers"),
        section="moud",
    ),
    FormField("meeting_fellowship", "Fellowship", "choice", ("meeting", "fellowship"), section="meeting"),
    FormField("meeting_attendance", "Attendance", "choice", ("meeting", "attendance"), section="meeting"),
    FormField(
        "meeting_conference_url",
        "Online meeting link",
        "text",
        ("meeting", "conference_url"),
        500,
        section="meeting",
    ),
    FormField(
        "meeting_conference_phone",
        "Dial-in number",
        "text",
        ("meeting", "conference_phone"),
        40,
        section="meeting",
    ),
    FormField("housing_narr_level", "NARR level", "choice", ("housing", "narr_level"), section="housing"),
    FormField("housing_gender", "Residents", "choice", ("housing", "gender"), section="housing"),
    FormField(
        "housing_children",
        "Children may live with a parent",
        "flag",
        ("housing", "children"),
        section="housing",
    ),
    FormField("housing_cost", "Cost", "text", ("housing", "cost"), 200, section="housing"),
    FormField(
        "housing_beds_available",
        "Beds available now",
        "number",
        ("housing", "beds_available"),
        section="housing",
    ),
    *(
        FormField(
            f"housing_{medication}",
            f"Residents on {medication}",
            "choice",
            ("housing", "medication_policy", medication),
            section="housing",
        )
        for medication in MEDICATIONS
    ),
    FormField(
        "employment_services",
        "Employment services",
        "codes",
        ("employment", "services"),
        section="employment",
    ),
    FormField(
        "employment_recovery_friendly_employer",
        "Recovery-friendly employer",
        "flag",
        ("employment", "recovery_friendly_employer"),
        section="employment",
    ),
    FormField(
        "employment_second_chance_employer",
        "Second-chance employer",
        "flag",
        ("employment", "second_chance_employer"),
        section="employment",
    ),
)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}

# Weekly schedules are typed one day per field: "08:00-17:00", several ranges with commas.
HOURS_ALWAYS = "hours_always"
SCHEDULES = {
    "hours": (("hours",), "opens", "closes"),
    "times": (("meeting", "times"), "start", "end"),
}
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_RANGE = re.compile(r"([0-9]{1,2}):([0-5][0-9])(?:\s*(?:-|–|—|to)\s*([0-9]{1,2}):([0-5][0-9]))?\Z")

GENERAL = "general"  # the key of problems that belong to no single field


def choices(spec: FormField, vocabulary: Vocabulary) -> dict:
    """The values a choice or codes field offers, with their labels in plain words."""
    group_codes = {group.field: {} for group in vocabulary.groups}
    for group in vocabulary.groups:
        group_codes[group.field].update((code, vocabulary.label(code)) for code in group.codes)
    states = {state: state for state in sorted(US_STATE_TIMEZONES)}
    plain = {
        "status": STATUS_LABELS,
        "needs": group_codes.get("needs", {}),
        "payment": group_codes.get("payment", {}),
        "serves": group_codes.get("serves", {}),
        "languages": dict(sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])),
        "phone_type": {kind: kind.upper() if kind == "tty" else kind.capitalize() for kind in PHONE_TYPES},
        "state": states,
        "service_area": {NATIONAL: "The whole country", **states},
        "moud_medications": {medication: medication.capitalize() for medication in MEDICATIONS},
        "moud_setting": {
            "otp": "Opioid treatment program",
            "office_based": "Office-based",
            "hospital": "Hospital",
            "telehealth": "Telehealth",
        },
        "meeting_fellowship": {
            fellowship: vocabulary.label(fellowship) if fellowship in vocabulary.labels else fellowship.capitalize()
            for fellowship in FELLOWSHIPS
        },
        "meeting_attendance": {attendance: attendance.replace("_", " ").capitalize() for attendance in ATTENDANCE},
        "housing_narr_level": {level: f"Level {level}" for level in (1, 2, 3, 4)},
        "housing_gender": {"women": "Women", "men": "Men", "any": "Anyone"},
        "employment_services": {service: service.replace("_", " ").capitalize() for service in EMPLOYMENT_SERVICES},
    }
    if spec.name in plain:
        return plain[spec.name]
    if spec.name.startswith("housing_") and spec.path[1] == "medication_policy":
        return {policy: policy.replace("_", " ").capitalize() for policy in MEDICATION_POLICIES}
    raise KeyError(f"{spec.name} offers no choices")


def category_choices(vocabulary: Vocabulary) -> dict:
    return {category.id: category.label for category in vocabulary.categories.values()}


def sections_for(category: str | None, entry: dict | None = None) -> tuple[str, ...]:
    """The form's sections for a category (and any block the entry already has)."""
    sections = ["about", "services", "contact", "place"]
    blocks = {BLOCK_OF_CATEGORY.get(category)} | {
        block for block in ("moud", "meeting", "housing", "employment") if entry and entry.get(block)
    }
    sections.append("times" if "meeting" in blocks else "hours")
    sections.extend(block for block in ("moud", "meeting", "housing", "employment") if block in blocks)
    return tuple(sections)


# --------------------------------------------------------------------------------------------
# Entry <-> form values


def _get(entry, path):
    for step in path:
        if isinstance(step, int):
            if not isinstance(entry, list) or step >= len(entry):
                return None
        elif not isinstance(entry, dict):
            return None
        entry = entry[step] if isinstance(step, int) else entry.get(step)
    return entry


def _set(entry: dict, path: tuple, value) -> None:
    holder = entry
    for step, following in zip(path, path[1:], strict=False):
        if isinstance(following, int):
            items = holder.setdefault(step, [])
            while len(items) <= following:
                items.append({})
            holder = items
        else:
            holder = holder[step] if isinstance(holder, list) else holder.setdefault(step, {})
    if isinstance(holder, list):
        holder[path[-1]] = value
    elif value is None:
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = value


def _pruned(value):
    """``value`` without nulls, empty texts, empty lists and empty mappings."""
    if isinstance(value, dict):
        pruned = {key: _pruned(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        pruned = [_pruned(item) for item in value]
        return [item for item in pruned if item not in (None, "", [], {})]
    return value


def _days_of(value) -> list[str]:
    """The weekdays a `days:` value names (a word or a list of words), in week order."""
    named = {day for word in (value if isinstance(value, list) else [value]) for day in DAY_WORDS[word.lower()]}
    return [day for day in WEEKDAYS if day in named]


def _day_ranges(periods, start_key: str, end_key: str) -> dict[str, list[str]] | None:
    """Each weekday's ranges ("08:00-17:00") from a list of periods; None when unreadable."""
    ranges: dict[str, list[str]] = {day: [] for day in WEEKDAYS}
    try:
        for period in periods:
            shown = period[start_key] + (f"-{period[end_key]}" if period.get(end_key) else "")
            for day in _days_of(period["days"]):
                ranges[day].append(shown)
    except (KeyError, TypeError, AttributeError):
        return None
    return {day: sorted(found) for day, found in ranges.items()}


def form_values(entry: dict | None) -> dict:
    """The form's values for ``entry`` (a blank form for None): what a change form starts from."""
    entry = entry or {}
    values = {}
    for spec in FIELDS:
        value = _get(entry, spec.path)
        if spec.kind in ("text", "long_text"):
            values[spec.name] = "" if value is None else str(value)
        elif spec.kind == "lines":
            values[spec.name] = "\n".join(str(item) for item in value or ())
        elif spec.kind == "codes":
            values[spec.name] = list(value or ())
        else:
            values[spec.name] = value
    if not entry:
        values["phone_type"] = "intake"
        values["status"] = "active"
    hours = entry.get("hours")
    values[HOURS_ALWAYS] = hours == ALWAYS_OPEN
    for schedule, (path, start_key, end_key) in SCHEDULES.items():
        periods = _get(entry, path)
        ranges = _day_ranges(periods if isinstance(periods, list) else [], start_key, end_key)
        for day in WEEKDAYS:
            values[f"{schedule}_{day}"] = ", ".join(ranges[day]) if ranges else ""
    return values


def _parse_day(text: str, end_required: bool) -> list[tuple[str, str | None]]:
    """ "08:00-12:00, 13:00-17:00" as (start, end) pairs; raises ValueError with a message."""
    ranges = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        if part.lower() == "closed":
            continue
        match = _RANGE.match(part)
        if not match:
            example = '"08:00-17:00"' if end_required else '"19:00" or "19:00-20:00"'
            raise ValueError(f"'{part}' is not a time range like {example}")
        start = f"{int(match[1]):02d}:{match[2]}"
        end = f"{int(match[3]):02d}:{match[4]}" if match[3] else None
        if end is None and end_required:
            raise ValueError(f"'{part}' needs a closing time, like \"{start}-17:00\"")
        ranges.append((start, end))
    return ranges


def _schedule_from_days(day_ranges: dict[str, list[tuple[str, str | None]]], start_key: str, end_key: str):
    """Periods grouping the days that share the same ranges, in week order."""
    days_by_ranges: dict[tuple, list[str]] = {}
    for day in WEEKDAYS:
        if day_ranges[day]:
            days_by_ranges.setdefault(tuple(sorted(day_ranges[day], key=lambda pair: pair[0])), []).append(day)
    periods = []
    for ranges, days in days_by_ranges.items():
        for start, end in ranges:
            period = {"days": list(days), start_key: start}
            if end is not None:
                period[end_key] = end
            periods.append(period)
    return periods or None


@dataclass
class _Problems:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)


def _typed(spec: FormField, raw, problems: _Problems):
    """A form value as the entry holds it, or None after noting a problem (or for blank)."""
    if spec.kind in ("text", "long_text", "lines"):
        text = clean_text(raw, multiline=spec.kind != "text")
        if len(text) > spec.limit:
            problems.add(spec.name, f"is {len(text):,} characters long; the limit is {spec.limit:,}")
            return None
        if spec.kind != "lines":
            return text or None
        items = [line.strip() for line in text.split("\n") if line.strip()]
        if len(items) > MAX_LINES:
            problems.add(spec.name, f"has {len(items)} lines; the limit is {MAX_LINES}")
            return None
        return items or None
    if spec.kind == "codes":
        return list(dict.fromkeys(raw or ())) or None
    if spec.kind == "flag":
        return raw if isinstance(raw, bool) else None
    if spec.kind == "number":
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw != int(raw) or not 0 <= raw <= 10000:
            problems.add(spec.name, "must be a whole number from 0 to 10,000")
            return None
        return int(raw)
    return None if raw in (None, "") else raw


def _same_schedule(first, second, start_key: str, end_key: str) -> bool:
    first_days = _day_ranges(first if isinstance(first, list) else [], start_key, end_key)
    return first_days is not None and first_days == _day_ranges(
        second if isinstance(second, list) else [], start_key, end_key
    )


def apply_form(base: dict, values: dict, today: dt.date) -> tuple[dict, dict[str, list[str]]]:
    """``base`` with the form fields that differ from its own form values applied.

    Only changed fields are applied, so what the form cannot show (a second phone, a phone's
    description, coordinates) is kept. Returns the new entry and the problems by field name.
    """
    problems = _Problems()
    entry = copy.deepcopy(base)
    before = form_values(base)
    changed = {name for name, value in values.items() if name in before and _normal(value) != _normal(before[name])}
    touched = set()
    for name in changed & set(FIELD_BY_NAME):
        spec = FIELD_BY_NAME[name]
        _set(entry, spec.path, _typed(spec, values[name], problems))
        touched.add(spec.path[0])

    location_fields = {"address", "address_2", "city", "state", "zip"}
    if changed & location_fields and isinstance(entry.get("location"), dict):
        # A moved service's old coordinates would be wrong: its ZIP places it until someone adds new ones.
        entry["location"].pop("latitude", None)
        entry["location"].pop("longitude", None)
    if "housing_beds_available" in changed and isinstance(entry.get("housing"), dict):
        entry["housing"]["beds_counted"] = (
            today.isoformat() if entry["housing"].get("beds_available") is not None else None
        )
    phones = entry.get("phones")
    if isinstance(phones, list) and phones and isinstance(phones[0], dict):
        if not phones[0].get("number"):
            del phones[0]  # the form's phone was cleared: the whole phone goes
        elif not phones[0].get("type"):
            phones[0]["type"] = values.get("phone_type") or "voice"  # a new phone, its type left as offered

    for schedule, (path, start_key, end_key) in SCHEDULES.items():
        day_fields = [f"{schedule}_{day}" for day in WEEKDAYS]
        always = schedule == "hours" and HOURS_ALWAYS in changed
        if not (changed & set(day_fields)) and not always:
            continue
        if schedule == "hours" and values.get(HOURS_ALWAYS):
            _set(entry, path, ALWAYS_OPEN)
            continue
        day_ranges = {}
        for day, name in zip(WEEKDAYS, day_fields, strict=True):
            text = clean_text(values.get(name))
            try:
                if len(text) > SCHEDULE_DAY_LIMIT:
                    raise ValueError(f"is {len(text):,} characters long; the limit is {SCHEDULE_DAY_LIMIT}")
                day_ranges[day] = _parse_day(text, end_required=schedule == "hours")
            except ValueError as error:
                problems.add(name, str(error))
                day_ranges[day] = []
        periods = _schedule_from_days(day_ranges, start_key, end_key)
        if not _same_schedule(periods, _get(base, path), start_key, end_key):
            _set(entry, path, periods)
            touched.add(path[0])
    for key in touched:  # only what the form changed is tidied: the rest stays exactly as it was
        value = _pruned(entry.get(key))
        if value in (None, "", [], {}):
            entry.pop(key, None)
        else:
            entry[key] = value
    return entry, problems.by_field


def _normal(value):
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    if isinstance(value, list):
        return list(value)
    return value


# Where a problem at an entry path is shown on the form (longest matching prefix wins).
_FIELD_OF_PATH = {spec.path: spec.name for spec in FIELDS} | {
    ("phones",): "phone_number",
    ("location",): "city",
    ("hours",): "hours",
    ("meeting",): "times",
    ("meeting", "times"): "times",
    ("housing", "beds_counted"): "housing_beds_available",
    ("id",): GENERAL,
}


_LABEL_OF_FIELD = {
    **{re.sub(r"\.(\d+)", r"[\1]", ".".join(map(str, spec.path))): spec.label for spec in FIELDS},
    "id": "Listing id",
    "category": "Kind of service",
    "hours": "Opening hours",
    "meeting.times": "Meeting times",
    "location.latitude": "Latitude",
    "location.longitude": "Longitude",
    "housing.beds_counted": "Beds counted on",
    "last_verified": "Last verified",
    "verified_how": "Verified how",
    "source": "Source",
    "source_id": "Source id",
}


def field_label(name: str) -> str:
    """A field of a difference ("phones[0].number") in words ("Phone number")."""
    return _LABEL_OF_FIELD.get(name, name.replace("_", " ").capitalize())


def field_of_path(path: tuple) -> str:
    for length in range(len(path), 0, -1):
        name = _FIELD_OF_PATH.get(tuple(path[:length]))
        if name:
            return name
    return GENERAL


# --------------------------------------------------------------------------------------------
# A suggestion and its checks


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Submission:
    """One suggestion. ``changes`` maps top-level entry fields to their new value (None: remove);
    for a new listing it is the whole entry. ``before`` holds the changed fields as they were."""

    kind: str
    contact: Contact
    entry_id: str | None = None
    changes: dict = field(default_factory=dict)
    before: dict = field(default_factory=dict)
    problem: str | None = None
    details: str = ""
    note: str = ""
    reference: str = ""
    submitted_at: str = ""
    status: str = PENDING
    decision: dict | None = None

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Submission:
        """A stored suggestion; ValueError names what is wrong with a damaged or foreign file."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"not JSON: {error}") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError(f"not a suggestion file of format {FORMAT}")
        contact = raw.get("contact")
        if (
            raw.get("kind") not in KINDS
            or not isinstance(contact, dict)
            or raw.get("status") not in (PENDING, APPROVED, REJECTED)
            or not isinstance(raw.get("changes"), dict)
        ):
            raise ValueError("kind, status, contact or changes is missing or wrong")
        try:
            return cls(
                kind=raw["kind"],
                contact=Contact(
                    **{key: str(contact.get(key) or "") for key in ("name", "organization", "email", "phone")}
                ),
                entry_id=raw.get("entry_id"),
                changes=raw["changes"],
                before=raw.get("before") or {},
                problem=raw.get("problem"),
                details=str(raw.get("details") or ""),
                note=str(raw.get("note") or ""),
                reference=str(raw["reference"]),
                submitted_at=str(raw["submitted_at"]),
                status=raw["status"],
                decision=raw.get("decision"),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"a field is missing or wrong: {error}") from None


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a form: a submission ready to queue, or the problems by field.

    ``discard`` is set when the honeypot field was filled: a bot, to be thanked and ignored.
    """

    submission: Submission | None
    errors: dict[str, list[str]]
    discard: bool = False


def _check_contact(name: str, organization: str, email: str, phone: str, problems: _Problems) -> Contact:
    values = {}
    for key, raw in (
        ("name", name),
        ("organization", organization),
        ("email", email),
        ("phone", phone),
    ):
        text = clean_text(raw)
        if len(text) > CONTACT_LIMITS[key]:
            problems.add(
                f"contact_{key}",
                f"is {len(text):,} characters long; the limit is {CONTACT_LIMITS[key]}",
            )
            text = ""
        values[key] = text
    for key in ("name", "organization"):
        if not values[key] and f"contact_{key}" not in problems.by_field:
            problems.add(f"contact_{key}", "is required, so the reviewer can follow up")
    if values["email"] and not EMAIL_PATTERN.match(values["email"]):
        problems.add("contact_email", "is not an e-mail address")
    if values["phone"] and not PHONE_PATTERN.match(values["phone"]):
        problems.add("contact_phone", "is not a phone number")
    if not values["email"] and not values["phone"] and not {"contact_email", "contact_phone"} & set(problems.by_field):
        problems.add(
            "contact_email",
            "give an e-mail address or a phone number, so the reviewer can follow up",
        )
    return Contact(**values)


def _limited(raw, limit: int, name: str, problems: _Problems, required: str = "") -> str:
    text = clean_text(raw, multiline=True)
    if len(text) > limit:
        problems.add(name, f"is {len(text):,} characters long; the limit is {limit:,}")
        return ""
    if required and not text:
        problems.add(name, required)
    return text


def check_suggestion(
    kind: str,
    *,
    contact: dict,
    vocabulary: Vocabulary,
    today: dt.date,
    values: dict | None = None,
    entry: dict | None = None,
    category: str | None = None,
    problem: str | None = None,
    details: str = "",
    note: str = "",
    removed_codes=(),
    honeypot: str = "",
) -> Checked:
    """Check a filled form with the directory's rules.

    ``entry`` is the current entry for a change or a report; ``values`` the form's field values
    (see ``form_values``); ``category`` the category chosen for a new listing or a change.
    ``contact`` holds name, organization, email and phone of the submitter.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}'")
    if honeypot:
        return Checked(None, {}, discard=True)
    problems = _Problems()
    who = _check_contact(
        contact.get("name", ""),
        contact.get("organization", ""),
        contact.get("email", ""),
        contact.get("phone", ""),
        problems,
    )
    note = _limited(note, NOTE_LIMIT, "note", problems)
    if kind != "new" and not entry:
        problems.add(GENERAL, "choose the listing this is about")
        return Checked(None, problems.by_field)

    if kind == "report":
        if problem not in PROBLEMS:
            problems.add("problem", "choose what is wrong")
        details = _limited(
            details,
            DETAILS_LIMIT,
            "details",
            problems,
            required="" if problem == "closed" or removed_codes else "say what is wrong",
        )
        changes = _report_changes(entry, problem, removed_codes)
        if problems.by_field:
            return Checked(None, problems.by_field)
        submission = Submission(
            kind,
            who,
            entry["id"],
            changes,
            {key: entry.get(key) for key in changes},
            problem=problem,
            details=details,
            note=note,
        )
        return Checked(submission, {})

    base = entry or {}
    changes, form_problems = check_entry_form(values or {}, base, category, vocabulary, today, new=kind == "new")
    for name, messages in form_problems.items():
        for message in messages:
            problems.add(name, message)
    if kind != "new" and not changes and not problems.by_field:
        problems.add(GENERAL, "nothing was changed: change a field above, or report a problem instead")
    if problems.by_field:
        return Checked(None, problems.by_field)
    before = {key: base.get(key) for key in changes} if kind != "new" else {}
    return Checked(Submission(kind, who, base.get("id"), changes, before, note=note), {})


def check_entry_form(
    values: dict,
    base: dict,
    category: str | None,
    vocabulary: Vocabulary,
    today: dt.date,
    new: bool = False,
) -> tuple[dict, dict[str, list[str]]]:
    """What a filled entry form changes in ``base``, checked with the directory's rules.

    Returns the changed top-level fields (None: removed; for a ``new`` listing, the whole entry)
    and the problems by form field name. Used for suggestions and for a reviewer's edits.
    """
    problems = _Problems()
    candidate, field_problems = apply_form(base, values, today)
    for name, messages in field_problems.items():
        for message in messages:
            problems.add(name, message)
    if category is not None and category != base.get("category"):
        candidate["category"] = category
    if new:
        candidate = {
            "id": NEW_ENTRY_PLACEHOLDER_ID,
            **{key: value for key, value in candidate.items() if key != "id"},
        }
    checked = dict(candidate, last_verified=candidate.get("last_verified") or today.isoformat())
    for path, message in check_entry(checked, vocabulary, today)[0]:
        name = field_of_path(path)
        if name not in problems.by_field:  # a field already refused is not refused twice
            problems.add(name, message)
    if new:
        changes = {key: value for key, value in candidate.items() if key != "id"}
    else:
        changes = {
            key: candidate.get(key) for key in sorted(set(base) | set(candidate)) if candidate.get(key) != base.get(key)
        }
    return changes, problems.by_field


def _report_changes(entry: dict, problem: str | None, removed_codes) -> dict:
    """What a report proposes by itself: a closed service inactive, a dropped service removed."""
    if problem == "closed":
        return {"status": "inactive"}
    if problem == "no_longer_offers":
        needs = [code for code in entry.get("needs") or () if code not in set(removed_codes)]
        if needs != list(entry.get("needs") or ()):
            return {"needs": needs or None}
    return {}


# --------------------------------------------------------------------------------------------
# The queue on disk


def default_data_dir() -> Path:
    return load_settings().data_dir


_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I/L to misread on the phone
_REFERENCE = re.compile(r"S-[0-9]{8}-[" + _REFERENCE_ALPHABET + r"]{6}\Z")


def new_reference(now: dt.datetime) -> str:
    return f"S-{now:%Y%m%d}-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def is_reference(text: str) -> bool:
    return bool(_REFERENCE.match(text))


class UnknownSubmission(LookupError):
    pass


class SubmissionQueue:
    """The suggestions in ``data_dir``: pending ones oldest first, decided ones kept for the record."""

    def __init__(self, data_dir: Path | str | None = None):
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.pending_dir = self.data_dir / "submissions" / PENDING
        self.decided_dir = self.data_dir / "submissions" / "decided"

    def lock(self):
        """The queue's lock: held for every write of a suggestion file."""
        return locked(self.data_dir / "submissions")

    def add(self, submission: Submission, now: dt.datetime | None = None) -> Submission:
        """Store ``submission`` as pending, with a new reference number; returns it as stored."""
        now = now or dt.datetime.now(dt.UTC)
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        self.decided_dir.mkdir(parents=True, exist_ok=True)
        with self.lock():
            while True:
                reference = new_reference(now)
                if not self._path(reference, PENDING).exists() and not self._path(reference, "decided").exists():
                    break
            stored = replace(
                submission,
                reference=reference,
                submitted_at=now.isoformat(),
                status=PENDING,
                decision=None,
            )
            write_text_atomic(self._path(reference, PENDING), stored.to_json())
        return stored

    def _path(self, reference: str, where: str) -> Path:
        return (self.pending_dir if where == PENDING else self.decided_dir) / f"{reference}.json"

    def get(self, reference: str) -> Submission:
        """The suggestion ``reference``, decided or not; UnknownSubmission when there is none."""
        if not is_reference(reference):
            raise UnknownSubmission(f"'{reference}' is not a reference number like S-20261120-7KQ3XM")
        for where in ("decided", PENDING):  # a decided copy wins over a pending one left by a crash
            try:
                return Submission.from_json(self._path(reference, where).read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
        raise UnknownSubmission(f"there is no suggestion {reference}")

    def pending(self) -> tuple[list[Submission], list[str]]:
        """Pending suggestions, oldest first, and one line for each file that could not be read."""
        found, unreadable = [], []
        for path in sorted(self.pending_dir.glob("S-*.json")) if self.pending_dir.is_dir() else ():
            if self._path(path.stem, "decided").exists():
                continue  # decided, but the crash came before the pending copy was removed
            try:
                found.append(Submission.from_json(path.read_text(encoding="utf-8")))
            except FileNotFoundError:
                continue  # decided while we were listing
            except (OSError, UnicodeDecodeError, ValueError) as error:
                unreadable.append(f"{path}: {error}")
        found.sort(key=lambda submission: (submission.submitted_at, submission.reference))
        return found, unreadable

    def decided(self) -> list[Submission]:
        """Decided suggestions, most recent decision first (unreadable files are skipped)."""
        found = []
        for path in self.decided_dir.glob("S-*.json") if self.decided_dir.is_dir() else ():
            try:
                found.append(Submission.from_json(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
        return sorted(found, key=lambda submission: (submission.decision or {}).get("at", ""), reverse=True)

    def decide(self, reference: str, status: str, decision: dict) -> Submission:
        """Record the decision on a pending suggestion: the decided copy first, then the pending one goes.

        A crash between the two leaves both; the decided copy wins everywhere, so nothing is lost.
        """
        if status not in (APPROVED, REJECTED):
            raise ValueError(f"a decision is {APPROVED} or {REJECTED}, not {status}")
        with self.lock():
            submission = self.get(reference)
            if submission.status != PENDING:
                raise UnknownSubmission(f"{reference} was already {submission.status}")
            decided = replace(submission, status=status, decision=decision)
            self.decided_dir.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self._path(reference, "decided"), decided.to_json())
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path(reference, PENDING))
        return decided


# --------------------------------------------------------------------------------------------
# Rate limits


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key, remembering at most ``max_keys``.

    Thread-safe (Streamlit runs sessions in threads). Memory is bounded: the least recently seen
    keys are forgotten first.
    """

    def __init__(self, limit: int, window: float, max_keys: int = 10_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._events: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def attempt(self, key: str = "", now: float | None = None) -> float:
        """Record an event and return 0, or return the seconds to wait when over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [moment for moment in self._events.pop(key, []) if now - moment < self.window]
            if len(recent) >= self.limit:
                self._events[key] = recent
                return max(recent[0] + self.window - now, 0.001)
            recent.append(now)
            self._events[key] = recent
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            return 0.0

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
