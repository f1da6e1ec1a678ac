"""The words of suggesting an update: labels of the form's fields and choices, and every problem the
checks report, in plain English (the kinds of suggestion and of problem, shared with the command line,
are in ``navigator.review.words``).

The review model works in codes (``navigator.review.form`` and ``suggestion``); this module is the
one place their English lives, so the interface can be translated without touching the model.
"""

from __future__ import annotations

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import MEDICATIONS, NATIONAL
from navigator.directory.vocabulary import Vocabulary
from navigator.review.form import FIELDS, FieldProblem, FormField, choice_codes, difference_name

STATUS_LABELS = {
    "active": "Open",
    "temporarily_closed": "Temporarily closed",
    "inactive": "Closed for good",
}
FIELD_LABELS = {
    "name": "Service name",
    "organization": "Organization",
    "status": "Status",
    "description": "Description",
    "eligibility": "Who can come",
    "application_process": "How to get in",
    "required_documents": "Documents to bring (one per line)",
    "fees": "Fees",
    "needs": "Services offered",
    "payment": "Payment accepted",
    "serves": "Who is served",
    "languages": "Languages spoken",
    "accessibility": "Accessibility (one per line)",
    "website": "Website",
    "email": "E-mail",
    "phone_number": "Phone number",
    "phone_type": "Phone type",
    "address": "Street address",
    "address_2": "Suite, floor",
    "city": "City",
    "state": "State",
    "zip": "ZIP code",
    "service_area": "Serves remotely (states, or the whole country)",
    "moud_medications": "Medications offered",
    "moud_setting": "Setting",
    "moud_same_day_start": "Same-day starts",
    "moud_walk_in": "Walk-ins welcome",
    "moud_telehealth": "By telehealth",
    "moud_accepts_transfers": "Takes transfers already on medication",
    "meeting_fellowship": "Fellowship",
    "meeting_attendance": "Attendance",
    "meeting_conference_url": "Online meeting link",
    "meeting_conference_phone": "Dial-in number",
    "housing_narr_level": "NARR level",
    "housing_gender": "Residents",
    "housing_children": "Children may live with a parent",
    "housing_cost": "Cost",
    "housing_beds_available": "Beds available now",
    **{f"housing_{medication}": f"Residents on {medication}" for medication in MEDICATIONS},
    "employment_services": "Employment services",
    "employment_recovery_friendly_employer": "Recovery-friendly employer",
    "employment_second_chance_employer": "Second-chance employer",
}
FIELD_HELP = {
    "name": "The service as people say it",
    "website": "https://…",
    "service_area": "For hotlines, online meetings and telehealth",
}
SECTION_TITLES = {
    "about": "About the service",
    "services": "Services and who is served",
    "contact": "How to reach it",
    "place": "Where it is",
    "hours": "Opening hours",
    "times": "Meeting times",
    "moud": "Medication for opioid use disorder",
    "meeting": "The meeting",
    "housing": "Recovery housing",
    "employment": "Work and training",
}
SCHEDULE_HELP = {
    "hours": 'Type the hours of each day like "08:00-17:00" (24-hour clock); several with commas; '
    "leave a day empty when closed.",
    "times": 'Type each day\'s meeting like "19:00-20:00", or just "19:00"; several with commas; '
    "leave a day empty when there is none.",
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
FLAG_WORDS = {None: "Not said", True: "Yes", False: "No"}
CONTACT_LABELS = {
    "name": "Your name",
    "organization": "Your organization",
    "email": "Your e-mail",
    "phone": "Your phone",
}

# Fields of a difference between entries that no form field names.
_LABEL_OF_FIELD = {
    **{difference_name(spec.path): FIELD_LABELS[spec.name] for spec in FIELDS},
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


def _as_words(code: str) -> str:
    return code.replace("_", " ").capitalize()


_FIXED_CHOICE_LABELS = {
    "status": STATUS_LABELS,
    "moud_setting": {
        "otp": "Opioid treatment program",
        "office_based": "Office-based",
        "hospital": "Hospital",
        "telehealth": "Telehealth",
    },
    "housing_gender": {"women": "Women", "men": "Men", "any": "Anyone"},
}


def _choice_label(spec: FormField, code, vocabulary: Vocabulary) -> str:
    if spec.name in _FIXED_CHOICE_LABELS:
        return _FIXED_CHOICE_LABELS[spec.name][code]
    if spec.name in ("needs", "payment", "serves"):
        return vocabulary.label(code)
    if spec.name == "languages":
        return LANGUAGE_NAMES[code]
    if spec.name == "phone_type":
        return code.upper() if code == "tty" else code.capitalize()
    if spec.name == "state":
        return code
    if spec.name == "service_area":
        return "The whole country" if code == NATIONAL else code
    if spec.name == "meeting_fellowship":
        return vocabulary.label(code) if code in vocabulary.labels else code.capitalize()
    if spec.name == "housing_narr_level":
        return f"Level {code}"
    return _as_words(code)  # medications, attendance, employment services, medication policies


def choices(spec: FormField, vocabulary: Vocabulary) -> dict:
    """The values a choice or codes field offers, with their labels in plain words."""
    offered = {code: _choice_label(spec, code, vocabulary) for code in choice_codes(spec, vocabulary)}
    if spec.name == "languages":  # a long list: alphabetical by name, as people look for one
        return dict(sorted(offered.items(), key=lambda item: item[1]))
    return offered


def category_choices(vocabulary: Vocabulary) -> dict:
    """Each kind of service (category) a listing may be, in words."""
    return {category.id: category.label for category in vocabulary.categories.values()}


# What a problem the checks report says, by its code; the braces take the problem's parameters.
PROBLEM_WORDS = {
    "too_long": "is {length:,} characters long; the limit is {limit:,}",
    "too_many_lines": "has {count} lines; the limit is {limit}",
    "not_whole_number": "must be a whole number from {low:,} to {high:,}",
    "not_time_range": "'{text}' is not a time range like {example}",
    "closing_time_required": "'{text}' needs a closing time, like \"{start}-17:00\"",
    "directory_rule": "{message}",  # the directory's own check, already in words
    "contact_required": "is required, so the reviewer can follow up",
    "not_email": "is not an e-mail address",
    "not_phone": "is not a phone number",
    "contact_missing": "give an e-mail address or a phone number, so the reviewer can follow up",
    "listing_required": "choose the listing this is about",
    "problem_required": "choose what is wrong",
    "details_required": "say what is wrong",
    "nothing_changed": "nothing was changed: change a field above, or report a problem instead",
    "too_many_suggestions": "Many suggestions have come from here in the last hour. Please try again in "
    "{minutes} minutes. Nothing you typed is lost while this page stays open; if it cannot wait, call or "
    "e-mail the directory's team and quote the listing.",
    "queue_full": "So many suggestions are waiting for review that we cannot take new ones right now. Please "
    "try again tomorrow; nothing you typed is lost while this page stays open. If it cannot wait, call or "
    "e-mail the directory's team.",
    "not_saved": "Your suggestion could not be saved just now (the server's storage is full or read-only). "
    "Nothing you typed is lost while this page stays open: please try again later.",
    "cannot_save_now": "Your suggestion can't be saved right now: our database is not answering. Nothing you "
    "typed is lost: it is still in the form. Please try Send again in a few minutes.",
}
# A time range like the ones a day takes: opening hours need an end, meetings may give only a start.
TIME_RANGE_EXAMPLES = {True: '"08:00-17:00"', False: '"19:00" or "19:00-20:00"'}


def problem_text(problem: FieldProblem) -> str:
    """A problem the checks found, in words (beside its field, or after the field's label)."""
    params = dict(problem.params)
    if problem.code == "not_time_range":
        params["example"] = TIME_RANGE_EXAMPLES[params["end_required"]]
    return PROBLEM_WORDS[problem.code].format(**params)
