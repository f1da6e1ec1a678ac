"""A suggestion from an organization, and checking a filled form into one.

A suggestion is one of three kinds: a new listing, a change to an existing one, or a report of a
problem. It is checked with the directory's own rules (``schema.check_entry``), so a reviewer only
ever sees data the directory could hold. Every text is cleaned of control and bidirectional-override
characters and held to a length limit; it is stored and shown as text. Problems come back as
``FieldProblem`` codes per form field; the UI says them in words.

Where suggestions are kept is the store's business (``storage.SuggestionStore``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import asdict, dataclass, field

from navigator.directory.schema import EMAIL_PATTERN, PHONE_PATTERN, check_entry
from navigator.directory.vocabulary import Vocabulary
from navigator.review.edits import FieldEdit, field_edits
from navigator.review.form import GENERAL, FieldProblem, FormProblems, apply_form, field_of_path
from navigator.text import clean_text

KINDS = ("new", "change", "report")
# What a report may say is wrong.
PROBLEM_CODES = ("closed", "wrong_phone", "wrong_address", "wrong_hours", "no_longer_offers", "other")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
# A placeholder id lets a new listing pass the id rule; the reviewer's approval assigns the real one.
NEW_ENTRY_PLACEHOLDER_ID = "new-listing"

# Limits on what one submitter writes; the directory's own limits apply on top.
CONTACT_LIMITS = {"name": 120, "organization": 300, "email": 254, "phone": 40}
# Who must say who they are, by kind. A listing's new or changed details are vouched for by a
# named person of an organization; anyone who sees a problem (a coach, a participant, a neighbour)
# may report it with only a way to reach them, so a report asks for no name and no organization.
# Every kind needs an e-mail address or a phone number, for the reviewer's questions.
REQUIRED_CONTACT = {"new": ("name", "organization"), "change": ("name", "organization"), "report": ()}
NOTE_LIMIT = 2000
DETAILS_LIMIT = 2000

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I/L to misread on the phone
_REFERENCE = re.compile(r"S-[0-9]{8}-[" + _REFERENCE_ALPHABET + r"]{6}\Z")


def new_reference(now: dt.datetime) -> str:
    """A fresh reference number like S-20261123-7KQ3XM (the store makes sure it is unused)."""
    return f"S-{now:%Y%m%d}-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def is_reference(text: str) -> bool:
    return bool(_REFERENCE.match(text))


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Submission:
    """One suggestion. ``changes`` maps top-level entry fields to their new value (None: remove);
    for a new listing it is the whole entry. ``before`` holds the changed fields as they were.
    ``edits`` are the same change field by field (``edits.FieldEdit``: path, before, after): what
    approving applies, each refused when its field changed in the directory since."""

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
    edits: tuple[FieldEdit, ...] = ()

    def to_record(self) -> dict:
        """The suggestion as plain data (JSON-ready), for a store to keep."""
        record = asdict(self)
        record["edits"] = [edit.to_record() for edit in self.edits]
        return record

    @classmethod
    def from_record(cls, raw) -> Submission:
        """A kept suggestion; ValueError names what is wrong with a damaged or foreign record."""
        contact = raw.get("contact") if isinstance(raw, dict) else None
        if (
            not isinstance(raw, dict)
            or raw.get("kind") not in KINDS
            or not isinstance(contact, dict)
            or raw.get("status") not in STATUSES
            or not isinstance(raw.get("changes"), dict)
        ):
            raise ValueError("kind, status, contact or changes is missing or wrong")
        try:
            if isinstance(raw.get("edits"), list):
                edits = tuple(FieldEdit.from_record(edit) for edit in raw["edits"])
            else:  # kept before suggestions held their edits field by field
                edits = tuple(field_edits(raw.get("before") or {}, raw["changes"])) if raw["kind"] != "new" else ()
            return cls(
                edits=edits,
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
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"a field is missing or wrong: {error}") from None


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a form: a submission ready to queue, or the problems by field.

    ``discard`` is set when the honeypot field was filled: a bot, to be thanked and ignored.
    """

    submission: Submission | None
    errors: dict[str, list[FieldProblem]]
    discard: bool = False


def _check_contact(
    name: str, organization: str, email: str, phone: str, problems: FormProblems, required: tuple[str, ...]
) -> Contact:
    values = {}
    for key, raw in (("name", name), ("organization", organization), ("email", email), ("phone", phone)):
        text = clean_text(raw)
        if len(text) > CONTACT_LIMITS[key]:
            problems.add(f"contact_{key}", "too_long", length=len(text), limit=CONTACT_LIMITS[key])
            text = ""
        values[key] = text
    for key in required:
        if not values[key] and f"contact_{key}" not in problems.by_field:
            problems.add(f"contact_{key}", "contact_required")
    if values["email"] and not EMAIL_PATTERN.match(values["email"]):
        problems.add("contact_email", "not_email")
    if values["phone"] and not PHONE_PATTERN.match(values["phone"]):
        problems.add("contact_phone", "not_phone")
    if not values["email"] and not values["phone"] and not {"contact_email", "contact_phone"} & set(problems.by_field):
        problems.add("contact_email", "contact_missing")
    return Contact(**values)


def _limited(raw, limit: int, name: str, problems: FormProblems, required: str = "") -> str:
    """``raw`` cleaned, or "" after noting it too long; ``required`` is the code for a blank one."""
    text = clean_text(raw, multiline=True)
    if len(text) > limit:
        problems.add(name, "too_long", length=len(text), limit=limit)
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
    ``contact`` holds name, organization, email and phone of the submitter. Besides the form's
    own codes, problems are contact_required, not_email, not_phone, contact_missing,
    listing_required, problem_required, details_required and nothing_changed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}'")
    if honeypot:
        return Checked(None, {}, discard=True)
    problems = FormProblems()
    who = _check_contact(
        contact.get("name", ""),
        contact.get("organization", ""),
        contact.get("email", ""),
        contact.get("phone", ""),
        problems,
        REQUIRED_CONTACT[kind],
    )
    note = _limited(note, NOTE_LIMIT, "note", problems)
    if kind != "new" and not entry:
        problems.add(GENERAL, "listing_required")
        return Checked(None, problems.by_field)

    if kind == "report":
        if problem not in PROBLEM_CODES:
            problems.add("problem", "problem_required")
        details = _limited(
            details,
            DETAILS_LIMIT,
            "details",
            problems,
            required="" if problem == "closed" or removed_codes else "details_required",
        )
        changes = _report_changes(entry, problem, removed_codes)
        if problems.by_field:
            return Checked(None, problems.by_field)
        before = {key: entry.get(key) for key in changes}
        submission = Submission(
            kind,
            who,
            entry["id"],
            changes,
            before,
            problem=problem,
            details=details,
            note=note,
            edits=tuple(field_edits(before, changes)),
        )
        return Checked(submission, {})

    base = entry or {}
    changes, form_problems = check_entry_form(values or {}, base, category, vocabulary, today, new=kind == "new")
    problems.extend(form_problems)
    if kind != "new" and not changes and not problems.by_field:
        problems.add(GENERAL, "nothing_changed")
    if problems.by_field:
        return Checked(None, problems.by_field)
    before = {key: base.get(key) for key in changes} if kind != "new" else {}
    edits = tuple(field_edits(before, changes)) if kind != "new" else ()
    return Checked(Submission(kind, who, base.get("id"), changes, before, note=note, edits=edits), {})


def check_entry_form(
    values: dict,
    base: dict,
    category: str | None,
    vocabulary: Vocabulary,
    today: dt.date,
    new: bool = False,
) -> tuple[dict, dict[str, list[FieldProblem]]]:
    """What a filled entry form changes in ``base``, checked with the directory's rules.

    Returns the changed top-level fields (None: removed; for a ``new`` listing, the whole entry)
    and the problems by form field name. Used for suggestions and for a reviewer's edits.
    """
    problems = FormProblems()
    candidate, field_problems = apply_form(base, values, today)
    problems.extend(field_problems)
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
            code, params = rule_problem(message)
            problems.add(name, code, **params)
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


# The directory's checks speak to people editing files ("is required: one of AL, AK, …",
# "a in-person meeting needs a location"); the form says the same in its own words, which the UI
# translates. A message with no code here is shown as the directory says it.
_RULE_FORMATS = {
    "a phone number": "phone",
    "a 5-digit ZIP code": "zip",
    "a web address (https://…)": "web",
    "a web address": "web",
    "an e-mail address": "email",
    "a date (YYYY-MM-DD)": "date",
}
_RULES = (
    (re.compile(r"(is required|must not be empty)\Z"), "required"),
    (re.compile(r"is required: one of "), "choose_one"),
    (re.compile(r"'(?P<value>.*)' is not one of "), "not_a_choice"),
    (re.compile(r"is required: when the meeting meets\Z"), "times_required"),
    (re.compile(r"a (in-person|hybrid) meeting needs a location\Z"), "meeting_needs_place"),
    (re.compile(r"give a location, or a service_area for a remote service\Z"), "place_or_area"),
    (re.compile(r"ZIP (?P<zip>\S+) is unknown, so the entry cannot be placed"), "unknown_zip"),
)
_NOT_FORMAT = re.compile(r"'(?P<value>.*)' is not (?P<what>.+)\Z")


def rule_problem(message: str) -> tuple[str, dict]:
    """A directory check's message as a form problem's code and parameters (``directory_rule``
    with the message itself when the form has no words of its own for it)."""
    for pattern, code in _RULES:
        match = pattern.match(message)
        if match:
            return code, match.groupdict()
    match = _NOT_FORMAT.match(message)
    if match and match["what"] in _RULE_FORMATS:
        return "not_format", {"value": match["value"], "format": _RULE_FORMATS[match["what"]]}
    return "directory_rule", {"message": message}
