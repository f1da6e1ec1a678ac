"""A search hit as an option for the coach: what it matched, how it fits them, how to get in.

An ``Option`` holds codes, numbers and the directory's own text (a house's cost, a clinic's
intake process); the UI words the rest (``ui/intake_copy.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from navigator.directory.index import Directory
from navigator.plan.answers import IntakeAnswers
from navigator.plan.needs import Fit, NeedSpec, Requirement
from navigator.search.engine import Hit
from navigator.search.links import address_text, directions_url
from navigator.search.places import Place

# How entries' required documents name an ID or a proof of address (the directory is in English).
ID_WORDS = ("id", "identification", "license", "passport")
ADDRESS_WORDS = ("address", "residence", "utility bill", "lease")
# Codes too general to explain a match ("Any support group meeting" under a meetings heading).
GENERAL_CODES = frozenset({"meeting"})


@dataclass(frozen=True)
class Note:
    """A fact about getting in, as a code the UI words.

    ``code`` is one of ``same_day``, ``walk_in``, ``beds`` (``beds`` free, counted on ``counted``),
    ``cost`` and ``application`` (``text``: the entry's own words), ``hybrid``, and
    ``asks_for_id`` / ``asks_for_address`` (``text``: the document the entry asks for).
    """

    code: str
    text: str | None = None
    beds: int | None = None
    counted: dt.date | None = None


@dataclass(frozen=True)
class Option:
    """One resource offered for a need, with what a coach says about it (as codes)."""

    id: str
    name: str
    organization: str
    hit: Hit  # on the participant's clock: ``next_open`` is in the searched place's zone
    matched: tuple[str, ...]  # the need codes it meets (general ones such as ``meeting`` left out)
    met: tuple[Requirement, ...]  # the rules beyond need codes it was checked for and meets
    fit: tuple[str, ...]  # the participant's payment and served-group codes it matches
    speaks: str | None  # the participant's language, when it offers services in it
    notes: tuple[Note, ...]  # how to get in: same-day start, beds free, ID asked for, the process
    has_rooms: bool  # recovery housing: with no hours listed, one calls to ask about a room
    phone: str | None
    address: str | None
    directions_url: str | None
    role: str | None = None  # in the safety section: what this one is for, one of safety.ROLES

    @property
    def is_meeting(self) -> bool:
        return self.hit.is_meeting


def option_for(
    directory: Directory,
    hit: Hit,
    speaks: bool,
    spec: NeedSpec,
    fit: Fit,
    answers: IntakeAnswers,
    place: Place,
    role: str | None = None,
) -> Option:
    """The option for ``hit``, found by ``spec``'s search; ``speaks``: it offers their language."""
    if hit.next_open is not None and place.timezone:
        # On the participant's clock: an online meeting run from New York starts at 5 PM in Denver.
        hit = replace(hit, next_open=hit.next_open.astimezone(ZoneInfo(place.timezone)))
    entry = directory.entries[hit.row]
    vocabulary = directory.vocabulary
    matched, fits = [], []
    for code in hit.matched:
        if code in GENERAL_CODES:
            continue
        (fits if vocabulary.field_of(code) in ("payment", "serves") else matched).append(code)
    location = entry.get("location")
    return Option(
        id=hit.id,
        name=hit.name,
        organization=hit.organization,
        hit=hit,
        matched=tuple(matched),
        met=tuple(condition.requirement for condition in spec.conditions),
        fit=tuple(fits),
        speaks=fit.language if speaks else None,
        notes=_notes(entry, answers),
        has_rooms=bool(entry.get("housing")),
        phone=hit.phone,
        address=address_text(location),
        directions_url=directions_url(location),
        role=role,
    )


def _mentions(items: Iterable[str], words: Sequence[str]) -> str | None:
    for item in items:
        lowered = f" {item.casefold()} "
        if any(f" {word}" in lowered or f"{word} " in lowered.replace(",", " ") for word in words):
            return item
    return None


def _notes(entry: dict, answers: IntakeAnswers) -> tuple[Note, ...]:
    notes = []
    moud = entry.get("moud") or {}
    if moud.get("same_day_start"):
        notes.append(Note("same_day"))
    if moud.get("walk_in"):
        notes.append(Note("walk_in"))
    housing = entry.get("housing") or {}
    if housing.get("beds_available") is not None:
        counted = dt.date.fromisoformat(housing["beds_counted"])
        notes.append(Note("beds", beds=housing["beds_available"], counted=counted))
    if housing.get("cost"):
        notes.append(Note("cost", housing["cost"]))
    meeting = entry.get("meeting") or {}
    if meeting.get("attendance") == "hybrid":
        notes.append(Note("hybrid"))
    if entry.get("application_process"):
        notes.append(Note("application", entry["application_process"].strip()))
    documents = entry.get("required_documents") or ()
    if answers.no_id and (asked := _mentions(documents, ID_WORDS)):
        notes.append(Note("asks_for_id", asked))
    if answers.no_address and (asked := _mentions(documents, ADDRESS_WORDS)):
        notes.append(Note("asks_for_address", asked))
    return tuple(notes)
