"""The Online Intergroup of AA's meeting list (the JSON behind oiaa-direct) → remote meeting entries.

Each meeting is online: a remote entry anyone in the country can join (``service_area:
[national]``), at its own ``timezone``. When it meets is ``day`` (0 or 7 = Sunday, 1 = Monday …
6 = Saturday: the Meeting Guide count, and luxon's for Sunday) and ``time``, or the newer
``timeUTC`` (an instant, turned into the local weekday and time in ``timezone``); ``duration``
in minutes gives the end. ``languages`` are ISO 639-1 codes in either case; ``type`` (O/C),
``formats``, ``features`` and ``communities`` are Meeting Guide codes, kept in ``meeting.types``,
with women, men, LGBTQ, seniors, young people and deaf/hard-of-hearing becoming who-is-served and
secular (A) a need. A meeting with no link or phone to join by is skipped: it cannot be attended.

The list is a live source: listed as of the fetch (``import oiaa URL``), or, for a saved file, as
of the day it was saved.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import FELLOWSHIPS, MAX_TEXT, NATIONAL
from navigator.formats import progress
from navigator.formats.batch import FEED, ImportBatch, Provenance, UnreadableSource
from navigator.formats.cleaning import (
    clean_field,
    clean_phone,
    clean_url,
    description_from,
    entry_id,
    parse_time,
    slug,
    unique_ids,
    without_empty,
)
from navigator.formats.samhsa_locator import stamped
from navigator.formats.tables import read_json, read_source

SOURCE = "oiaa"
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "needs", "serves", "languages", "website",
    "service_area", "timezone", "meeting", "source", "source_id", "last_verified", "verified_how",
    "listed_as_of", "listed_from", "last_changed",
})  # fmt: skip
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
SERVES = {
    "W": "women", "M": "men", "LGBTQ": "lgbtq", "BI": "lgbtq", "G": "lgbtq", "L": "lgbtq", "T": "lgbtq",
    "NB": "lgbtq", "SEN": "seniors", "Y": "youth", "D-HOH": "deaf_hard_of_hearing", "ASL": "deaf_hard_of_hearing",
}  # fmt: skip
NEEDS = {"A": "secular"}
ORGANIZATION = "Online Intergroup of Alcoholics Anonymous"
MAX_MINUTES = 12 * 60


def read_oiaa(path: Path | str, today: dt.date | None = None, fellowship: str = "aa") -> ImportBatch:
    path = Path(path)
    today = today or dt.date.today()
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date() if path.exists() else None
    return parse_oiaa(read_source(path), path.name, today, saved, fellowship=fellowship, label=str(path))


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_oiaa(
    text: str,
    file_name: str,
    today: dt.date,
    saved: dt.date | None = None,
    fellowship: str = "aa",
    label: str | None = None,
) -> ImportBatch:
    label = label or file_name
    if fellowship not in FELLOWSHIPS:
        raise UnreadableSource(f"fellowship '{fellowship}' is not one of {', '.join(FELLOWSHIPS)}")
    document = read_json(text, label)
    if isinstance(document, dict) and isinstance(document.get("meetings"), list):
        document = document["meetings"]
    if not isinstance(document, list):
        raise UnreadableSource(f"{label}: not an online intergroup meeting list: the JSON is not a list of meetings")
    feed = slug(Path(file_name).stem) or "meetings"
    batch = ImportBatch(SOURCE, f"oiaa-{feed}", fields=FIELDS)
    day = min(saved, today) if saved else today
    batch.provenance = Provenance(day, FEED, f"a saved meeting list, listed as of the day it was saved ({day})")
    keys = [_key(meeting) for meeting in document]
    ids = iter(unique_ids([entry_id("oiaa", key) for key in keys if key]))
    for index, meeting in enumerate(document):
        batch.read += 1
        progress.advance()
        record = f"meeting {index + 1}" + (f" ('{keys[index]}')" if keys[index] else "")
        if not isinstance(meeting, dict):
            batch.skip(record, "not a meeting (a JSON object was expected)")
            continue
        if not keys[index]:
            batch.skip(record, "no slug: the meeting cannot be matched on the next import")
            continue
        _convert(batch, record, next(ids), keys[index], meeting, fellowship)
    return stamped(batch)


def _key(meeting) -> str | None:
    if not isinstance(meeting, dict):
        return None
    for name in ("slug", "id", "_id"):
        value = meeting.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def _codes(meeting: dict, key: str) -> list[str]:
    value = meeting.get(key)
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [str(item).strip() for item in value if isinstance(item, (str, int)) and str(item).strip()]


def _convert(batch: ImportBatch, record: str, identifier: str, key: str, meeting: dict, fellowship: str) -> None:
    name = clean_field(meeting.get("name") if isinstance(meeting.get("name"), str) else None)
    if not name:
        batch.skip(record, "no name")
        return
    zone = clean_field(meeting.get("timezone")) if isinstance(meeting.get("timezone"), str) else None
    if not zone or zone not in _zones():
        batch.skip(record, f"timezone {json.dumps(meeting.get('timezone'))} is not an IANA time zone: times unknown")
        return
    period = _period(batch, record, meeting, zone)
    if period is None:
        return
    conference_url = clean_url(
        meeting.get("conference_url") if isinstance(meeting.get("conference_url"), str) else None
    )
    phone = meeting.get("conference_phone")
    conference_phone = clean_phone(phone if isinstance(phone, str) else None)
    if not (conference_url or conference_phone):
        batch.skip(record, "no conference link or phone number: an online meeting nobody can join")
        return
    communities, features, formats = (
        _codes(meeting, "communities"),
        _codes(meeting, "features"),
        _codes(meeting, "formats"),
    )
    kind = meeting.get("type") if isinstance(meeting.get("type"), str) else None
    codes = [*([kind.strip()] if kind and kind.strip() else []), *formats, *features, *communities]
    languages = [code.lower() for code in _codes(meeting, "languages") if code.lower() in LANGUAGE_NAMES]
    entry = {
        "id": identifier,
        "name": name,
        "organization": clean_field(meeting.get("group") if isinstance(meeting.get("group"), str) else None)
        or ORGANIZATION,
        "category": "support_meeting",
        "description": _description(meeting),
        "needs": list(dict.fromkeys(NEEDS[code] for code in codes if code in NEEDS)),
        "serves": list(dict.fromkeys(SERVES[code] for code in codes if code in SERVES)),
        "languages": list(dict.fromkeys(languages)),
        "website": clean_url(meeting.get("groupWebsite") if isinstance(meeting.get("groupWebsite"), str) else None),
        "service_area": [NATIONAL],
        "timezone": zone,
        "meeting": {
            "fellowship": fellowship,
            "attendance": "online",
            "times": [period],
            "conference_url": conference_url,
            "conference_phone": conference_phone,
            "types": list(dict.fromkeys([*(code[:20] for code in codes), "ONL"])),
        },
        "source": SOURCE,
        "source_id": key,
    }
    batch.add(record, without_empty(entry))


def _period(batch: ImportBatch, record: str, meeting: dict, zone: str) -> dict | None:
    """{days, start, end?} in the meeting's own time zone."""
    instant = meeting.get("timeUTC")
    if isinstance(instant, str) and instant.strip():
        try:
            moment = dt.datetime.fromisoformat(instant.strip().replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            batch.skip(record, f"timeUTC {json.dumps(instant)} is not a UTC instant")
            return None
        local = moment.astimezone(ZoneInfo(zone))
        day, start = DAYS[local.isoweekday() % 7], f"{local.hour:02d}:{local.minute:02d}"
    else:
        number = meeting.get("day")
        text = str(number).strip() if isinstance(number, (int, str)) and not isinstance(number, bool) else ""
        if not text.isdigit() or int(text) > 7:
            batch.skip(record, f"day {json.dumps(number)} is not a weekday number (0 or 7 Sunday to 6 Saturday)")
            return None
        day = DAYS[int(text) % 7]
        start = parse_time(meeting.get("time") if isinstance(meeting.get("time"), str) else None)
        if start is None or start == "24:00":
            batch.skip(record, f'time {json.dumps(meeting.get("time"))} is not a time of day like "19:00"')
            return None
    period = {"days": [day], "start": start}
    duration = meeting.get("duration")
    if duration not in (None, ""):
        minutes = duration if isinstance(duration, int) and not isinstance(duration, bool) else None
        if isinstance(duration, str) and duration.strip().isdigit():
            minutes = int(duration.strip())
        if minutes is None or not 0 < minutes <= MAX_MINUTES:
            batch.repair(
                record, f"duration {json.dumps(duration)} is not a usable length: the meeting counts as an hour"
            )
        else:
            hour, minute = map(int, start.split(":"))
            end = (hour * 60 + minute + minutes) % (24 * 60)
            period["end"] = f"{end // 60:02d}:{end % 60:02d}"
    return period


def _description(meeting: dict) -> str | None:
    paragraphs = []
    notes = meeting.get("notes")
    for note in notes if isinstance(notes, list) else [notes]:
        if isinstance(note, str) and note.strip():
            paragraphs.append(note.strip())
    for key, prefix in (
        ("conference_notes", "Online: "),
        ("conference_url_notes", "Online: "),
        ("conference_phone_notes", "By phone: "),
    ):
        text = meeting.get(key)
        if isinstance(text, str) and text.strip():
            paragraphs.append(prefix + text.strip())
    return description_from(paragraphs, MAX_TEXT)
