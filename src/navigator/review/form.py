"""The typed suggestion form: its fields, the entry place each fills, and form values <-> entries.

The form is a fixed set of typed fields (never uploaded YAML). Each ``FormField`` maps to a place in
an entry; ``form_values`` fills the form from an entry and ``apply_form`` writes a filled form back,
changing only what the form changed. Problems are reported per form field as ``FieldProblem`` codes
with their parameters: the UI (``ui/suggest_copy.py``) says them in words, as it does every label.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import (
    ATTENDANCE,
    EMPLOYMENT_SERVICES,
    FELLOWSHIPS,
    HOUSING_GENDERS,
    MEDICATION_POLICIES,
    MEDICATIONS,
    MOUD_SETTINGS,
    NATIONAL,
    PHONE_TYPES,
)
from navigator.directory.vocabulary import Vocabulary
from navigator.search.places import US_STATE_TIMEZONES
from navigator.search.schedule import ALWAYS_OPEN, DAY_WORDS, WEEKDAYS
from navigator.text import clean_text

GENERAL = "general"  # the key of problems that belong to no single field
MAX_LINES = 20
SCHEDULE_DAY_LIMIT = 120
NUMBER_RANGE = (0, 10_000)
# Phones the form edits, each a number and a type; an entry's phones past these are kept as they are.
MAX_FORM_PHONES = 4


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one form field: a ``code`` and the facts its words need (``params``).

    Codes: too_long (length, limit), too_many_lines (count, limit), not_whole_number (low, high),
    not_time_range (text, end_required), closing_time_required (text, start), directory_rule
    (message: the directory's own check, in its words), and those of ``suggestion.check_suggestion``.
    """

    code: str
    params: dict = field(default_factory=dict)


@dataclass
class FormProblems:
    """Problems collected while checking a form, by form field name."""

    by_field: dict[str, list[FieldProblem]] = field(default_factory=dict)

    def add(self, name: str, code: str, **params) -> None:
        self.by_field.setdefault(name, []).append(FieldProblem(code, params))

    def extend(self, found: dict[str, list[FieldProblem]]) -> None:
        for name, problems in found.items():
            self.by_field.setdefault(name, []).extend(problems)


def phone_field(index: int, part: str) -> str:
    """The form field of the ``index``-th phone's ``part`` (number or type): phone_number, phone_2_type, …"""
    return f"phone_{part}" if index == 0 else f"phone_{index + 1}_{part}"


@dataclass(frozen=True)
class FormField:
    """One typed field of the suggestion form and the place in an entry it fills.

    ``kind`` is text, long_text, lines (one item per line), choice, codes (several choices),
    flag (yes / no / not said) or number; ``section`` is the part of the form it shows in.
    """

    name: str
    kind: str
    path: tuple
    limit: int = 300
    section: str = "about"


FIELDS = (
    FormField("name", "text", ("name",), 300),
    FormField("organization", "text", ("organization",), 300),
    FormField("status", "choice", ("status",), 40),
    FormField("description", "long_text", ("description",), 5000),
    FormField("eligibility", "long_text", ("eligibility",), 1000),
    FormField("application_process", "long_text", ("application_process",), 2000),
    FormField("required_documents", "lines", ("required_documents",), 2000),
    FormField("fees", "text", ("fees",), 500),
    FormField("needs", "codes", ("needs",), section="services"),
    FormField("payment", "codes", ("payment",), section="services"),
    FormField("serves", "codes", ("serves",), section="services"),
    FormField("languages", "codes", ("languages",), section="services"),
    FormField("accessibility", "lines", ("accessibility",), 2000, section="services"),
    FormField("website", "text", ("website",), 500, section="contact"),
    FormField("email", "text", ("email",), 254, section="contact"),
    *(
        field
        for index in range(MAX_FORM_PHONES)
        for field in (
            FormField(phone_field(index, "number"), "text", ("phones", index, "number"), 40, section="contact"),
            FormField(phone_field(index, "type"), "choice", ("phones", index, "type"), section="contact"),
        )
    ),
    FormField("address", "text", ("location", "address"), 300, section="place"),
    FormField("address_2", "text", ("location", "address_2"), 300, section="place"),
    FormField("city", "text", ("location", "city"), 100, section="place"),
    FormField("state", "choice", ("location", "state"), section="place"),
    FormField("zip", "text", ("location", "zip"), 10, section="place"),
    FormField("service_area", "codes", ("service_area",), section="place"),
    FormField("moud_medications", "codes", ("moud", "medications"), section="moud"),
    FormField("moud_setting", "choice", ("moud", "setting"), section="moud"),
    FormField("moud_same_day_start", "flag", ("moud", "same_day_start"), section="moud"),
    FormField("moud_walk_in", "flag", ("moud", "walk_in"), section="moud"),
    FormField("moud_telehealth", "flag", ("moud", "telehealth"), section="moud"),
    FormField("moud_accepts_transfers", "flag", ("moud", "accepts_transfers"), section="moud"),
    FormField("meeting_fellowship", "choice", ("meeting", "fellowship"), section="meeting"),
    FormField("meeting_attendance", "choice", ("meeting", "attendance"), section="meeting"),
    FormField("meeting_conference_url", "text", ("meeting", "conference_url"), 500, section="meeting"),
    FormField("meeting_conference_phone", "text", ("meeting", "conference_phone"), 40, section="meeting"),
    FormField("housing_narr_level", "choice", ("housing", "narr_level"), section="housing"),
    FormField("housing_gender", "choice", ("housing", "gender"), section="housing"),
    FormField("housing_children", "flag", ("housing", "children"), section="housing"),
    FormField("housing_cost", "text", ("housing", "cost"), 200, section="housing"),
    FormField("housing_beds_available", "number", ("housing", "beds_available"), section="housing"),
    *(
        FormField(f"housing_{medication}", "choice", ("housing", "medication_policy", medication), section="housing")
        for medication in MEDICATIONS
    ),
    FormField("employment_services", "codes", ("employment", "services"), section="employment"),
    FormField(
        "employment_recovery_friendly_employer",
        "flag",
        ("employment", "recovery_friendly_employer"),
        section="employment",
    ),
    FormField(
        "employment_second_chance_employer",
        "flag",
        ("employment", "second_chance_employer"),
        section="employment",
    ),
)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}
# Fields every listing must have (the directory's own rules); the form marks them. Others are
# required only with another (a place needs its city, state and ZIP; a meeting its times), and
# their problems say so.
REQUIRED_FIELDS = frozenset({"name", "organization", "meeting_fellowship", "meeting_attendance"})

# Weekly schedules are typed one day per field: "08:00-17:00", several ranges with commas.
HOURS_ALWAYS = "hours_always"
SCHEDULES = {
    "hours": (("hours",), "opens", "closes"),
    "times": (("meeting", "times"), "start", "end"),
}
_RANGE = re.compile(r"([0-9]{1,2}):([0-5][0-9])(?:\s*(?:-|–|—|to)\s*([0-9]{1,2}):([0-5][0-9]))?\Z")

# Categories whose entries carry a block of their own, and which block.
BLOCK_OF_CATEGORY = {
    "moud_provider": "moud",
    "treatment_program": "moud",
    "support_meeting": "meeting",
    "recovery_housing": "housing",
    "employment_service": "employment",
}
# The statuses a form offers, in the order it offers them.
STATUS_CHOICES = ("active", "temporarily_closed", "inactive")
NARR_LEVELS = (1, 2, 3, 4)


def choice_codes(spec: FormField, vocabulary: Vocabulary) -> tuple:
    """The codes a choice or codes field offers, in the order the form offers them."""
    states = tuple(sorted(US_STATE_TIMEZONES))
    fixed = {
        "status": STATUS_CHOICES,
        "languages": tuple(LANGUAGE_NAMES),
        **{name: PHONE_TYPES for name, _index, part in _PHONE_FIELDS if part == "type"},
        "state": states,
        "service_area": (NATIONAL, *states),
        "moud_medications": MEDICATIONS,
        "moud_setting": MOUD_SETTINGS,
        "meeting_fellowship": FELLOWSHIPS,
        "meeting_attendance": ATTENDANCE,
        "housing_narr_level": NARR_LEVELS,
        "housing_gender": HOUSING_GENDERS,
        "employment_services": EMPLOYMENT_SERVICES,
    }
    if spec.name in fixed:
        return fixed[spec.name]
    if spec.name in ("needs", "payment", "serves"):
        codes = (code for group in vocabulary.groups if group.field == spec.name for code in group.codes)
        return tuple(dict.fromkeys(codes))
    if spec.name.startswith("housing_") and spec.path[1] == "medication_policy":
        return MEDICATION_POLICIES
    raise KeyError(f"{spec.name} offers no choices")


_PHONE_FIELDS = [
    (phone_field(index, part), index, part) for index in range(MAX_FORM_PHONES) for part in ("number", "type")
]


def phone_fields_shown(entry: dict | None) -> set[str]:
    """The phone fields the form shows for ``entry``: one for each phone it has, and one empty to
    add another (up to MAX_FORM_PHONES)."""
    phones = (entry or {}).get("phones")
    # A new listing starts with two (an intake line and a hotline are common).
    count = min(MAX_FORM_PHONES, len(phones) + 1 if isinstance(phones, list) else 2 if not entry else 1)
    return {name for name, index, _part in _PHONE_FIELDS if index < count}


def hidden_phone_field(name: str, entry: dict | None) -> bool:
    """Whether ``name`` is a phone field the form leaves out for ``entry`` (a slot not needed yet)."""
    return any(name == phone for phone, _index, _part in _PHONE_FIELDS) and name not in phone_fields_shown(entry)


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
# Entry -> form values


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


# --------------------------------------------------------------------------------------------
# Form values -> entry


class _DayProblem(ValueError):
    """A day's text that is not a list of time ranges: the problem's code and parameters."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def _parse_day(text: str, end_required: bool) -> list[tuple[str, str | None]]:
    """ "08:00-12:00, 13:00-17:00" as (start, end) pairs; raises _DayProblem."""
    ranges = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        if part.lower() == "closed":
            continue
        match = _RANGE.match(part)
        if not match:
            raise _DayProblem("not_time_range", text=part, end_required=end_required)
        start = f"{int(match[1]):02d}:{match[2]}"
        end = f"{int(match[3]):02d}:{match[4]}" if match[3] else None
        if end is None and end_required:
            raise _DayProblem("closing_time_required", text=part, start=start)
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


def _typed(spec: FormField, raw, problems: FormProblems):
    """A form value as the entry holds it, or None after noting a problem (or for blank)."""
    if spec.kind in ("text", "long_text", "lines"):
        text = clean_text(raw, multiline=spec.kind != "text")
        if len(text) > spec.limit:
            problems.add(spec.name, "too_long", length=len(text), limit=spec.limit)
            return None
        if spec.kind != "lines":
            return text or None
        items = [line.strip() for line in text.split("\n") if line.strip()]
        if len(items) > MAX_LINES:
            problems.add(spec.name, "too_many_lines", count=len(items), limit=MAX_LINES)
            return None
        return items or None
    if spec.kind == "codes":
        return list(dict.fromkeys(raw or ())) or None
    if spec.kind == "flag":
        return raw if isinstance(raw, bool) else None
    if spec.kind == "number":
        if raw is None or raw == "":
            return None
        low, high = NUMBER_RANGE
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw != int(raw) or not low <= raw <= high:
            problems.add(spec.name, "not_whole_number", low=low, high=high)
            return None
        return int(raw)
    return None if raw in (None, "") else raw


def _same_schedule(first, second, start_key: str, end_key: str) -> bool:
    first_days = _day_ranges(first if isinstance(first, list) else [], start_key, end_key)
    return first_days is not None and first_days == _day_ranges(
        second if isinstance(second, list) else [], start_key, end_key
    )


def apply_form(base: dict, values: dict, today: dt.date) -> tuple[dict, dict[str, list[FieldProblem]]]:
    """``base`` with the form fields that differ from its own form values applied.

    Only changed fields are applied, so what the form cannot show (a second phone, a phone's
    description, coordinates) is kept. Returns the new entry and the problems by field name.
    """
    problems = FormProblems()
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
    if isinstance(phones, list):
        kept = []
        for index, phone in enumerate(phones):
            if index < MAX_FORM_PHONES and isinstance(phone, dict):
                if not phone.get("number"):
                    continue  # a phone whose number was cleared (or never typed) goes whole
                if not phone.get("type"):  # a new phone, its type left as offered
                    phone["type"] = values.get(phone_field(index, "type")) or "voice"
            kept.append(phone)
        if kept:
            entry["phones"] = kept
        else:
            entry.pop("phones", None)

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
            day_ranges[day] = []
            if len(text) > SCHEDULE_DAY_LIMIT:
                problems.add(name, "too_long", length=len(text), limit=SCHEDULE_DAY_LIMIT)
                continue
            try:
                day_ranges[day] = _parse_day(text, end_required=schedule == "hours")
            except _DayProblem as problem:
                problems.add(name, problem.code, **problem.params)
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


def field_of_path(path: tuple) -> str:
    """The form field that shows a problem found at ``path`` in an entry (GENERAL when none does)."""
    for length in range(len(path), 0, -1):
        name = _FIELD_OF_PATH.get(tuple(path[:length]))
        if name:
            return name
    return GENERAL


def difference_name(path: tuple) -> str:
    """How a field at ``path`` is named in a difference between entries: ("phones", 0, "number")
    is "phones[0].number" (see ``decisions.diff_entries``)."""
    return re.sub(r"\.(\d+)", r"[\1]", ".".join(map(str, path)))
