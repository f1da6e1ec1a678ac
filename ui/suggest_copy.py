"""The words of suggesting an update: labels of the form's fields and choices, and every problem the
checks report, in plain words (the kinds of suggestion and of problem, shared with the command line,
are in ``navigator.review.words``).

The review model works in codes (``navigator.review.form`` and ``suggestion``); this module is the
one place their words live, as gettext message ids translated when shown (``Words``), so the
interface is translated without touching the model.
"""

from __future__ import annotations

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import NATIONAL
from navigator.directory.vocabulary import Vocabulary
from navigator.i18n import N_, Words, _, language_label
from navigator.review.form import FIELDS, FieldProblem, FormField, choice_codes, difference_name

STATUS_LABELS = Words(
    {"active": N_("Open"), "temporarily_closed": N_("Temporarily closed"), "inactive": N_("Closed for good")}
)
FIELD_LABELS = Words(
    {
        "name": N_("Service name"),
        "organization": N_("Organization"),
        "status": N_("Status"),
        "description": N_("Description"),
        "eligibility": N_("Who can come"),
        "application_process": N_("How to get in"),
        "required_documents": N_("Documents to bring (one per line)"),
        "fees": N_("Fees"),
        "needs": N_("Services offered"),
        "payment": N_("Payment accepted"),
        "serves": N_("Who is served"),
        "languages": N_("Languages spoken"),
        "accessibility": N_("Accessibility (one per line)"),
        "website": N_("Website"),
        "email": N_("E-mail"),
        "phone_number": N_("Phone number"),
        "phone_type": N_("Phone type"),
        "phone_2_number": N_("Second phone number"),
        "phone_2_type": N_("Second phone type"),
        "phone_3_number": N_("Third phone number"),
        "phone_3_type": N_("Third phone type"),
        "phone_4_number": N_("Fourth phone number"),
        "phone_4_type": N_("Fourth phone type"),
        "address": N_("Street address"),
        "address_2": N_("Suite, floor"),
        "city": N_("City"),
        "state": N_("State"),
        "zip": N_("ZIP code"),
        "service_area": N_("Serves remotely (states, or the whole country)"),
        "moud_medications": N_("Medications offered"),
        "moud_setting": N_("Setting"),
        "moud_same_day_start": N_("Same-day starts"),
        "moud_walk_in": N_("Walk-ins welcome"),
        "moud_telehealth": N_("By telehealth"),
        "moud_accepts_transfers": N_("Takes transfers already on medication"),
        "meeting_fellowship": N_("Fellowship"),
        "meeting_attendance": N_("Attendance"),
        "meeting_conference_url": N_("Online meeting link"),
        "meeting_conference_phone": N_("Dial-in number"),
        "housing_narr_level": N_("NARR level"),
        "housing_gender": N_("Residents"),
        "housing_children": N_("Children may live with a parent"),
        "housing_cost": N_("Cost"),
        "housing_beds_available": N_("Beds available now"),
        "housing_buprenorphine": N_("Residents on buprenorphine"),
        "housing_methadone": N_("Residents on methadone"),
        "housing_naltrexone": N_("Residents on naltrexone"),
        "employment_services": N_("Employment services"),
        "employment_recovery_friendly_employer": N_("Recovery-friendly employer"),
        "employment_second_chance_employer": N_("Second-chance employer"),
    }
)
FIELD_HELP = Words(
    {
        "name": N_("The service as people say it"),
        "website": N_("https://…"),
        "service_area": N_("For hotlines, online meetings and telehealth"),
    }
)
SECTION_TITLES = Words(
    {
        "about": N_("About the service"),
        "services": N_("Services and who is served"),
        "contact": N_("How to reach it"),
        "place": N_("Where it is"),
        "hours": N_("Opening hours"),
        "times": N_("Meeting times"),
        "moud": N_("Medication for opioid use disorder"),
        "meeting": N_("The meeting"),
        "housing": N_("Recovery housing"),
        "employment": N_("Work and training"),
    }
)
SCHEDULE_HELP = Words(
    {
        "hours": N_(
            'Type the hours of each day like "08:00-17:00" (24-hour clock); several with commas; '
            "leave a day empty when closed."
        ),
        "times": N_(
            'Type each day\'s meeting like "19:00-20:00", or just "19:00"; several with commas; '
            "leave a day empty when there is none."
        ),
    }
)
DAY_NAMES = Words(
    {
        "mon": N_("Monday"),
        "tue": N_("Tuesday"),
        "wed": N_("Wednesday"),
        "thu": N_("Thursday"),
        "fri": N_("Friday"),
        "sat": N_("Saturday"),
        "sun": N_("Sunday"),
    }
)
FLAG_WORDS = Words({None: N_("Not said"), True: N_("Yes"), False: N_("No")})
CONTACT_LABELS = Words(
    {
        "name": N_("Your name"),
        "organization": N_("Your organization"),
        "email": N_("Your e-mail"),
        "phone": N_("Your phone"),
    }
)

# Fields of a difference between entries that no form field names.
_LABEL_OF_FIELD = Words(
    {
        **{difference_name(spec.path): FIELD_LABELS.message(spec.name) for spec in FIELDS},
        "id": N_("Listing id"),
        "category": N_("Kind of service"),
        "hours": N_("Opening hours"),
        "meeting.times": N_("Meeting times"),
        "location.latitude": N_("Latitude"),
        "location.longitude": N_("Longitude"),
        "housing.beds_counted": N_("Beds counted on"),
        "last_verified": N_("Last verified"),
        "verified_how": N_("Verified how"),
        "source": N_("Source"),
        "source_id": N_("Source id"),
    }
)


def field_label(name: str) -> str:
    """A field of a difference ("phones[0].number") in words ("Phone number")."""
    return _LABEL_OF_FIELD[name] if name in _LABEL_OF_FIELD else name.replace("_", " ").capitalize()


# The choices whose codes are words of their own: medications, attendance, employment services and
# medication policies (codes a newer schema adds show as the code, in words, until translated here).
CODE_WORDS = Words(
    {
        "buprenorphine": N_("Buprenorphine"),
        "methadone": N_("Methadone"),
        "naltrexone": N_("Naltrexone"),
        "in_person": N_("In person"),
        "online": N_("Online"),
        "hybrid": N_("Hybrid"),
        "inactive": N_("Inactive"),
        "job_training": N_("Job training"),
        "job_placement": N_("Job placement"),
        "resume_help": N_("Resume help"),
        "career_counseling": N_("Career counseling"),
        "supported_employment": N_("Supported employment"),
        "record_clearing": N_("Record clearing"),
        "allowed": N_("Allowed"),
        "not_allowed": N_("Not allowed"),
        "unknown": N_("Unknown"),
        "other": N_("Other"),
    }
)
PHONE_TYPE_LABELS = Words(
    {
        "intake": N_("Intake"),
        "hotline": N_("Hotline"),
        "text": N_("Text"),
        "voice": N_("Voice"),
        "fax": N_("Fax"),
        "tty": N_("TTY"),
    }
)


def _as_words(code: str) -> str:
    return CODE_WORDS[code] if code in CODE_WORDS else code.replace("_", " ").capitalize()


_FIXED_CHOICE_LABELS = {
    "status": STATUS_LABELS,
    "moud_setting": Words(
        {
            "otp": N_("Opioid treatment program"),
            "office_based": N_("Office-based"),
            "hospital": N_("Hospital"),
            "telehealth": N_("Telehealth"),
        }
    ),
    "housing_gender": Words({"women": N_("Women"), "men": N_("Men"), "any": N_("Anyone")}),
}


def _choice_label(spec: FormField, code, vocabulary: Vocabulary) -> str:
    if spec.name in _FIXED_CHOICE_LABELS:
        return _FIXED_CHOICE_LABELS[spec.name][code]
    if spec.name in ("needs", "payment", "serves"):
        return vocabulary.label(code)
    if spec.name == "languages":
        return language_label(code, LANGUAGE_NAMES)
    if spec.name.startswith("phone") and spec.name.endswith("_type"):
        return PHONE_TYPE_LABELS[code] if code in PHONE_TYPE_LABELS else code.capitalize()
    if spec.name == "state":
        return code
    if spec.name == "service_area":
        return _("The whole country") if code == NATIONAL else code
    if spec.name == "meeting_fellowship":
        return vocabulary.label(code) if code in vocabulary.labels else _as_words(code)
    if spec.name == "housing_narr_level":
        return _("Level {level}").format(level=code)
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
PROBLEM_WORDS = Words(
    {
        "too_long": N_("is {length:,} characters long; the limit is {limit:,}"),
        "too_many_lines": N_("has {count} lines; the limit is {limit}"),
        "not_whole_number": N_("must be a whole number from {low:,} to {high:,}"),
        "not_time_range": N_("'{text}' is not a time range like {example}"),
        "closing_time_required": N_("'{text}' needs a closing time, like \"{start}-17:00\""),
        "directory_rule": N_("{message}"),
        "contact_required": N_("is required, so the reviewer can follow up"),
        "required": N_("is required"),
        "choose_one": N_("is required: choose one"),
        "not_a_choice": N_("'{value}' is not one of the choices"),
        "not_format": N_("'{value}' is not {format}"),
        "times_required": N_("say on which days and at what time the meeting meets"),
        "meeting_needs_place": N_(
            'a meeting people attend in person needs where it is: the city, state and ZIP code under "Where it is"'
        ),
        "place_or_area": N_(
            "say where it is (city, state and ZIP code), or, for a service by phone or online, the states it serves"
        ),
        "unknown_zip": N_("ZIP code {zip} is not one we know, so the listing cannot be shown on the map"),
        "not_email": N_("is not an e-mail address"),
        "not_phone": N_("is not a phone number"),
        "contact_missing": N_("give an e-mail address or a phone number, so the reviewer can follow up"),
        "listing_required": N_("choose the listing this is about"),
        "problem_required": N_("choose what is wrong"),
        "details_required": N_("say what is wrong"),
        "nothing_changed": N_("nothing was changed: change a field above, or report a problem instead"),
        "too_many_suggestions": N_(
            "Many suggestions have come from here in the last hour. Please try again in "
            "{minutes} minutes. Nothing you typed is lost while this page stays open; if it cannot wait, call or "
            "e-mail the directory's team and quote the listing."
        ),
        "queue_full": N_(
            "So many suggestions are waiting for review that we cannot take new ones right now. Please "
            "try again tomorrow; nothing you typed is lost while this page stays open. If it cannot wait, call or "
            "e-mail the directory's team."
        ),
        "not_saved": N_(
            "Your suggestion could not be saved just now (the server's storage is full or read-only). "
            "Nothing you typed is lost while this page stays open: please try again later."
        ),
        "cannot_save_now": N_(
            "Your suggestion can't be saved right now: our database is not answering. Nothing you "
            "typed is lost: it is still in the form. Please try Send again in a few minutes."
        ),
    }
)
# What a typed value should have been (the "{format}" of not_format).
FORMAT_WORDS = Words(
    {
        "phone": N_("a phone number, like 303-555-0100"),
        "zip": N_("a 5-digit ZIP code"),
        "web": N_("a web address starting with https://"),
        "email": N_("an e-mail address, like name@example.org"),
        "date": N_("a date"),
    }
)
# A time range like the ones a day takes: opening hours need an end, meetings may give only a start.
TIME_RANGE_EXAMPLES = Words({True: N_('"08:00-17:00"'), False: N_('"19:00" or "19:00-20:00"')})


def problem_text(problem: FieldProblem) -> str:
    """A problem the checks found, in words (beside its field, or after the field's label)."""
    params = dict(problem.params)
    if problem.code == "not_time_range":
        params["example"] = TIME_RANGE_EXAMPLES[params["end_required"]]
    if problem.code == "not_format":
        params["format"] = FORMAT_WORDS[params["format"]]
    return PROBLEM_WORDS[problem.code].format(**params)


def required(label: str) -> str:
    """A field's label marked as one that must be filled (the mark is words, read aloud too)."""
    return _("{label} (required)").format(label=label)


# Fields the form keeps beside the entry's own, by the name their problems are filed under.
_OTHER_FIELDS = Words(
    {
        "problem": N_("What is wrong?"),
        "details": N_("Details"),
        "note": N_("Note"),
        "hours_always": N_("Opening hours"),
        "hours": N_("Opening hours"),
        "times": N_("Meeting times"),
    }
)


def error_field_label(name: str) -> str | None:
    """The label of the field a problem is filed under, for the summary by Send; None for the
    problems of no single field (shown there in full)."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("contact_") and name[len("contact_") :] in CONTACT_LABELS:
        return CONTACT_LABELS[name[len("contact_") :]]
    if name in _OTHER_FIELDS:
        return _OTHER_FIELDS[name]
    section, _sep, day = name.partition("_")
    if section in ("hours", "times") and day in DAY_NAMES:
        return _("{section}, {day}").format(section=SECTION_TITLES[section], day=DAY_NAMES[day])
    return None
