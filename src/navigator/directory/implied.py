"""What a valid directory entry implies beyond its literal fields (``Implied``): the search codes its
category, blocks and flags add, where it is, its clock and its week.

``schema`` concludes every check with one. The fast path of the check (``schema._check_fast``)
asks for the implied codes of plainly valid entries, which repeat a few thousand combinations
across a national directory, so it takes them from ``remembered_implied_codes``.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass

from navigator.directory.vocabulary import Vocabulary
from navigator.search.schedule import WeeklySchedule


@dataclass(frozen=True)
class Implied:
    """What an entry implies beyond its literal fields: search codes, where it is and its clock."""

    codes: frozenset[str]
    latitude: float | None
    longitude: float | None
    approximate: bool
    timezone: str | None
    remote: bool
    # The week the index answers open-now from: the meeting times (none for an inactive
    # meeting), else the hours; parsed once, while checking them.
    schedule: WeeklySchedule | None = None


_new_object = object.__new__


def made_implied(codes, latitude, longitude, approximate, timezone, remote, schedule) -> Implied:
    """``Implied(...)`` without its frozen ``__init__``, which sets each of the seven fields through
    ``object.__setattr__`` (a twentieth of the fast check's work): the same fields in the same
    order, so it compares, hashes and pickles alike."""
    made = _new_object(Implied)
    fields = made.__dict__  # filled in the dataclass's order, as __init__ would
    fields["codes"] = codes
    fields["latitude"] = latitude
    fields["longitude"] = longitude
    fields["approximate"] = approximate
    fields["timezone"] = timezone
    fields["remote"] = remote
    fields["schedule"] = schedule
    return made


def implied_codes(entry: dict, vocabulary: Vocabulary, meeting: dict, housing: dict, employment: dict) -> set[str]:
    # What this reads of an entry is the key ``remembered_implied_codes`` keeps its answer by:
    # keep the two alike.
    codes = set(vocabulary.categories[entry["category"]].adds)
    moud = entry.get("moud") or {}
    codes.update(moud.get("medications") or ())
    if moud.get("setting") == "otp":
        codes.add("otp")
    if moud.get("same_day_start"):
        codes.add("same_day")
    if moud.get("telehealth"):
        codes.add("telehealth")
    if meeting:
        if meeting.get("fellowship") in vocabulary.labels:
            codes.add(meeting["fellowship"])
        attendance = meeting.get("attendance")
        if attendance == "hybrid":
            codes.update(("hybrid", "in_person", "online"))
        elif attendance in ("in_person", "online"):
            codes.add(attendance)
    if housing:
        if housing.get("narr_level"):
            codes.add(f"narr_{housing['narr_level']}")
        policy = housing.get("medication_policy") or {}
        if policy.get("buprenorphine") == "allowed" and policy.get("methadone") == "allowed":
            codes.add("moud_friendly")
        if housing.get("gender") in ("women", "men"):
            codes.add(housing["gender"])
    if employment:
        codes.update(service for service in employment.get("services") or () if service in vocabulary.labels)
        if employment.get("recovery_friendly_employer"):
            codes.add("recovery_friendly_employer")
        if employment.get("second_chance_employer"):
            codes.add("second_chance")
    return vocabulary.labels.keys() & codes  # the known ones: in C, looking up each of the few codes


# ``implied_codes`` by what it reads of an entry, for one vocabulary (held, so its id is not
# reused): a directory repeats a few thousand combinations. Bounded: past that, worked out each time.
_IMPLIED_FOR: list = [None, {}]  # [vocabulary, {key: frozenset of codes}]
_IMPLIED_KEPT = 20_000


def remembered_implied_codes(
    entry: dict, vocabulary: Vocabulary, meeting: dict, housing: dict, employment: dict
) -> frozenset[str]:
    """``implied_codes`` of an entry ``schemafast.valid_parts`` vouched for. Its values have exact
    types there (a flag is a bool, a level an int), so the values read make an exact key."""
    moud = entry.get("moud")
    key = (
        entry["category"],
        (tuple(moud.get("medications") or ()), moud.get("setting"), moud.get("same_day_start"), moud.get("telehealth"))
        if moud
        else None,
        (meeting.get("fellowship"), meeting.get("attendance")) if meeting else None,
        _housing_key(housing) if housing else None,
        (
            tuple(employment.get("services") or ()),
            employment.get("recovery_friendly_employer"),
            employment.get("second_chance_employer"),
        )
        if employment
        else None,
    )
    known = _IMPLIED_FOR[1] if _IMPLIED_FOR[0] is vocabulary else _remember_for(vocabulary)
    codes = known.get(key)
    if codes is None:
        codes = frozenset(implied_codes(entry, vocabulary, meeting, housing, employment))
        if len(known) < _IMPLIED_KEPT:
            codes = detached(codes)
            known[detached(key)] = codes
    return codes


def detached(value):
    """An equal copy of ``value`` (text, numbers and containers of them) sharing no object with
    it, for what a check remembers: an entry's packed bytes must not depend on what was
    remembered before it. Marshal marks a string that something else also holds, so an entry
    whose text a cache held packed to other bytes in the loading worker than in the loading
    process, which had remembered other files."""
    return marshal.loads(marshal.dumps(value))


def _housing_key(housing: dict) -> tuple:
    policy = housing.get("medication_policy") or {}
    return housing.get("narr_level"), policy.get("buprenorphine"), policy.get("methadone"), housing.get("gender")


def _remember_for(vocabulary: Vocabulary) -> dict:
    _IMPLIED_FOR[:] = [vocabulary, {}]
    return _IMPLIED_FOR[1]
