"""NA's meeting server (BMLT): ``GetSearchResults`` JSON → meeting entries.

A server answers ``switcher=GetSearchResults`` with a list of meetings, or with
``{"meetings": [...], "formats": [...]}`` when asked for the formats too; the server's whole
format list (``switcher=GetFormats``) may be given separately (``--formats FILE``). Each meeting
becomes ``bmlt-<server>-<id_bigint>``:

- ``weekday_tinyint`` counts 1 = Sunday to 7 = Saturday; ``start_time`` plus ``duration_time``
  gives the end (no duration: the contract's hour).
- Formats are read by their NAWS ``world_id`` (stable across servers and languages): virtual
  (VM), hybrid (HYBR) and temporarily closed (TC) set the attendance as the Meeting Guide importer
  does, ``venue_type`` (1 in person, 2 virtual, 3 hybrid) wins where the server gives it; women,
  men, LGBTQ, young people and sign language become who-is-served; Open, Closed, Discussion,
  Beginners and the like become the Meeting Guide type codes. A format without a mapping is kept
  in ``tags``; all of them are named in the description in the server's words.
- Servers publish no postal code more often than not: the ZIP code nearest the coordinates (in
  the meeting's state) stands in, and the importer says so.
- An online meeting is a remote entry serving its state (the whole country when the server names
  none). An unpublished meeting is skipped.

A meeting server is a live source: its entries are listed as of the fetch (``import bmlt URL``),
or, for a saved file, as of the day it was saved.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from functools import lru_cache
from pathlib import Path
from zoneinfo import available_timezones

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import MAX_TEXT, NATIONAL
from navigator.formats import progress
from navigator.formats.batch import FEED, ImportBatch, Provenance, UnreadableSource
from navigator.formats.cleaning import (
    US_COUNTRY_NAMES,
    check_coordinates,
    clean_field,
    clean_phone,
    clean_url,
    clean_zip,
    description_from,
    entry_id,
    parse_time,
    slug,
    without_empty,
)
from navigator.formats.fetch import FetchError, fetch, is_url
from navigator.formats.geography import nearest_zip
from navigator.formats.hsds.locations import STATE_NAMES
from navigator.formats.samhsa_locator import stamped
from navigator.formats.tables import read_json, read_source
from navigator.search.places import US_STATE_TIMEZONES, timezone_for, zip_centroid

SOURCE = "bmlt"
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "status", "serves", "languages",
    "accessibility", "tags", "location", "service_area", "timezone", "meeting", "source", "source_id",
    "last_verified", "verified_how", "listed_as_of", "listed_from", "last_changed",
})  # fmt: skip
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # weekday_tinyint 1..7
# NAWS world ids → Meeting Guide type codes (what the directory's meeting.types hold).
TYPES = {
    "OPEN": "O", "CLOSED": "C", "DISC": "D", "BEG": "BE", "SPK": "SP", "STEP": "ST", "TRAD": "TR",
    "MED": "MED", "W": "W", "M": "M", "GL": "LGBTQ", "Y": "Y", "WCHR": "X", "LIT": "LIT", "CAN": "CAN",
    "CW": "CF", "QA": "QA",
}  # fmt: skip
SERVES = {"W": "women", "M": "men", "GL": "lgbtq", "Y": "youth", "ASL": "deaf_hard_of_hearing"}
VIRTUAL, HYBRID, CLOSED_FOR_NOW = "VM", "HYBR", "TC"
# Servers that leave world_id blank still use these keys for the formats that matter here.
KEY_WORLD_IDS = {"VM": "VM", "HY": "HYBR", "TC": "TC", "SL": "ASL", "ASL": "ASL", "W": "W", "M": "M"}
MAPPED_WORLDS = frozenset({*TYPES, *SERVES, VIRTUAL, HYBRID, CLOSED_FOR_NOW, "LANG"})
VENUE_TYPES = {"1": "in_person", "2": "online", "3": "hybrid"}
ORGANIZATION = "Narcotics Anonymous"
MAX_MINUTES = 12 * 60  # a longer "duration" is a data-entry slip: the hour stands in


def read_bmlt(path: Path | str, today: dt.date | None = None, formats: str | None = None) -> ImportBatch:
    """Read a GetSearchResults file (and the server's format list, when given separately: a file, or
    the server's ``GetFormats`` URL, fetched)."""
    path = Path(path)
    today = today or dt.date.today()
    format_list = None
    if formats and is_url(formats):
        with tempfile.TemporaryDirectory(prefix="navigator-bmlt-") as scratch:
            try:
                fetched = fetch(formats, Path(scratch) / "formats.json")
            except FetchError as error:
                raise UnreadableSource(f"the format list: {error}") from None
            format_list = _load(read_source(fetched.path), formats)
    elif formats:
        format_list = _load(read_source(Path(formats)), str(formats))
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date() if path.exists() else None
    return parse_bmlt(read_source(path), path.name, today, format_list, saved, label=str(path))


def _load(text: str, label: str):
    return read_json(text, label)


def _format_table(lists) -> dict[str, dict]:
    """key_string → {world_id, name}, from every format list given (the later one wins)."""
    table: dict[str, dict] = {}
    for formats in lists:
        for item in formats if isinstance(formats, list) else []:
            if isinstance(item, dict) and isinstance(item.get("key_string"), str):
                key = item["key_string"].strip()
                world = clean_field(item.get("world_id")) or KEY_WORLD_IDS.get(key.upper())
                if (item.get("format_type_enum") == "LANG" or world == "LANG") and clean_field(item.get("lang")):
                    world = "LANG"
                table[key] = {"world_id": world, "name": clean_field(item.get("name_string")) or key}
    return table


def parse_bmlt(
    text: str,
    file_name: str,
    today: dt.date,
    formats=None,
    saved: dt.date | None = None,
    label: str | None = None,
) -> ImportBatch:
    label = label or file_name
    document = _load(text, label)
    if isinstance(document, dict) and isinstance(document.get("meetings"), list):
        meetings, server_formats = document["meetings"], document.get("formats")
    elif isinstance(document, list):
        meetings, server_formats = document, None
    else:
        raise UnreadableSource(f"{label}: not BMLT search results: neither a list of meetings nor {{'meetings': …}}")
    table = _format_table([server_formats, formats])
    server = slug(Path(file_name).stem) or "server"
    batch = ImportBatch(SOURCE, f"bmlt-{server}", fields=FIELDS)
    day = min(saved, today) if saved else today
    batch.provenance = Provenance(day, FEED, f"a saved server reply, listed as of the day it was saved ({day})")
    for index, meeting in enumerate(meetings):
        batch.read += 1
        progress.advance()
        key = meeting.get("id_bigint") if isinstance(meeting, dict) else None
        record = f"meeting {index + 1}" + (f" (id {key})" if key not in (None, "") else "")
        if not isinstance(meeting, dict):
            batch.skip(record, "not a meeting (a JSON object was expected)")
            continue
        _convert(batch, record, server, meeting, table)
    return stamped(batch)


def _world(key: str, table: dict) -> str | None:
    return (table.get(key) or {}).get("world_id") or KEY_WORLD_IDS.get(key.upper())


def _text(meeting: dict, key: str) -> str | None:
    value = meeting.get(key)
    return clean_field(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _convert(batch: ImportBatch, record: str, server: str, meeting: dict, table: dict) -> None:
    identifier = _text(meeting, "id_bigint")
    name = _text(meeting, "meeting_name")
    if not identifier:
        batch.skip(record, "no id_bigint: the meeting cannot be matched on the next import")
        return
    if not name:
        batch.skip(record, "no meeting_name")
        return
    if _text(meeting, "published") == "0":
        batch.skip(record, "not published on the server")
        return
    times = _times(batch, record, meeting)
    if times is None:
        return
    keys = [key.strip() for key in str(meeting.get("formats") or "").split(",") if key.strip()]
    worlds = list(dict.fromkeys(_world(key, table) for key in keys))  # in the server's order
    conference_url = clean_url(_text(meeting, "virtual_meeting_link"))
    conference_phone = clean_phone(_text(meeting, "phone_meeting_number"))
    place = _place(batch, record, meeting)
    if place is None:
        return
    attendance = _attendance(meeting, worlds, bool(conference_url or conference_phone), place)
    types = list(dict.fromkeys(TYPES[world] for world in worlds if world in TYPES))
    if attendance in ("online", "hybrid"):
        types.append("ONL")
    if CLOSED_FOR_NOW in worlds:
        types.append("TC")
    languages = _languages(meeting, keys, table)
    if "es" in languages:
        types.append("S")
    entry: dict = {
        "id": entry_id("bmlt", server, identifier),
        "name": name,
        "organization": ORGANIZATION,
        "category": "support_meeting",
        "description": _description(meeting, keys, table),
    }
    if attendance == "inactive":
        entry["status"] = "temporarily_closed" if CLOSED_FOR_NOW in worlds else "inactive"
    entry["serves"] = list(dict.fromkeys(SERVES[world] for world in worlds if world in SERVES))
    entry["languages"] = languages
    entry["accessibility"] = ["Wheelchair accessible"] if "WCHR" in worlds else []
    entry["tags"] = [key for key in keys if _world(key, table) not in MAPPED_WORLDS]
    if attendance == "online" or (attendance == "inactive" and place["location"] is None):
        entry["service_area"] = [place["state"] or NATIONAL]
    elif place["location"] is None:
        batch.skip(record, f"an {attendance.replace('_', '-')} meeting without a place: no coordinates, state or ZIP")
        return
    else:
        entry["location"] = place["location"]
        for note in place["notes"]:
            batch.repair(record, note)
    zone = _text(meeting, "time_zone")
    entry["timezone"] = zone if zone and zone in _zones() else timezone_for(place["zip"], place["state"])
    if entry["timezone"] is None and entry.get("service_area") == [NATIONAL]:
        batch.skip(record, "an online meeting with neither a time zone nor a state: its times cannot be read")
        return
    entry["meeting"] = {
        "fellowship": "na",
        "attendance": attendance,
        "times": times,
        "conference_url": conference_url,
        "conference_phone": conference_phone,
        "types": list(dict.fromkeys(types)),
    }
    entry.update(source=SOURCE, source_id=identifier)
    batch.add(record, without_empty(entry))


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _times(batch: ImportBatch, record: str, meeting: dict) -> list[dict] | None:
    day = _text(meeting, "weekday_tinyint")
    if not day or not day.isdigit() or not 1 <= int(day) <= 7:
        batch.skip(record, f"weekday_tinyint {json.dumps(meeting.get('weekday_tinyint'))} is not 1 (Sunday) to 7")
        return None
    start = parse_time(_text(meeting, "start_time"))
    if start is None or start == "24:00":
        batch.skip(record, f"start_time {json.dumps(meeting.get('start_time'))} is not a time of day")
        return None
    period = {"days": [DAYS[int(day) - 1]], "start": start}
    duration = _text(meeting, "duration_time")
    if duration:
        parts = duration.split(":")
        minutes = int(parts[0]) * 60 + int(parts[1]) if len(parts) >= 2 and all(p.isdigit() for p in parts) else None
        if minutes is None or not 0 < minutes <= MAX_MINUTES:
            batch.repair(record, f"duration_time '{duration}' is not a usable length: the meeting counts as an hour")
        else:
            hour, minute = map(int, start.split(":"))
            end = (hour * 60 + minute + minutes) % (24 * 60)
            period["end"] = f"{end // 60:02d}:{end % 60:02d}"
    return [period]


def _state(meeting: dict) -> str | None:
    text = _text(meeting, "location_province") or _text(meeting, "location_sub_province") or ""
    code = text.upper().rstrip(".")
    return code if code in US_STATE_TIMEZONES else STATE_NAMES.get(text.lower())


def _place(batch: ImportBatch, record: str, meeting: dict) -> dict | None:
    """The meeting's state, ZIP and location (None when it is not in the United States)."""
    nation = (_text(meeting, "location_nation") or "").lower()
    if nation and nation not in US_COUNTRY_NAMES:
        batch.skip(record, f"outside the United States ({meeting['location_nation']})")
        return None
    state = _state(meeting)
    latitude, longitude, coordinate_note = check_coordinates(meeting.get("latitude"), meeting.get("longitude"))
    zip_code, zip_note = clean_zip(_text(meeting, "location_postal_code_1"))
    notes = [zip_note] if zip_note and zip_code else []
    if zip_code and zip_centroid(zip_code) is None:
        notes.append(f"postal code {zip_code} is not a known ZIP code: left out")
        zip_code = None
    if state is None and zip_code:
        state = zip_centroid(zip_code).state
    place = {"state": state, "zip": zip_code, "location": None, "notes": notes}
    street = _text(meeting, "location_street")
    if zip_code is None and latitude is not None:
        zip_code = nearest_zip(latitude, longitude, state)
        if zip_code:
            notes.append(f"no postal code: used {zip_code}, the ZIP code nearest its coordinates")
            state = state or zip_centroid(zip_code).state
    if zip_code is None or state is None:
        return place
    if latitude is None and coordinate_note:
        notes.append(coordinate_note)
    city = (
        _text(meeting, "location_municipality")
        or _text(meeting, "location_city_subsection")
        or _text(meeting, "location_neighborhood")
        or zip_centroid(zip_code).city
    )
    location = {
        "address": street,
        "city": city,
        "state": state,
        "zip": zip_code,
        "latitude": latitude,
        "longitude": longitude,
    }
    place.update(state=state, zip=zip_code, location={k: v for k, v in location.items() if v is not None})
    return place


def _attendance(meeting: dict, worlds: set, conference: bool, place: dict) -> str:
    given = VENUE_TYPES.get(_text(meeting, "venue_type") or "")
    has_place = place["location"] is not None and bool(place["location"].get("address"))
    if given == "online" or (given is None and VIRTUAL in worlds and not has_place):
        return "online"
    if given == "hybrid" or (given is None and (HYBRID in worlds or (VIRTUAL in worlds and has_place))):
        return "hybrid" if CLOSED_FOR_NOW not in worlds else ("online" if conference else "inactive")
    if CLOSED_FOR_NOW in worlds:
        return "online" if conference else "inactive"
    return "in_person"


def _languages(meeting: dict, keys: list[str], table: dict) -> list[str]:
    found = []
    lang = (_text(meeting, "lang_enum") or "").lower()[:2]
    if lang in LANGUAGE_NAMES:
        found.append(lang)
    for key in keys:
        if _world(key, table) == "LANG" and key.lower()[:2] in LANGUAGE_NAMES:
            found.append(key.lower()[:2])
    return list(dict.fromkeys(found))


def _description(meeting: dict, keys: list[str], table: dict) -> str | None:
    paragraphs = []
    where = ", ".join(part for part in (_text(meeting, "location_text"), _text(meeting, "location_info")) if part)
    if where:
        paragraphs.append(f"At {where}.")
    names = [(table.get(key) or {}).get("name") or key for key in keys]
    if names:
        paragraphs.append("Formats: " + ", ".join(names) + ".")
    for key, prefix in (("comments", ""), ("virtual_meeting_additional_info", "Online: ")):
        text = meeting.get(key)
        if isinstance(text, str) and text.strip():
            paragraphs.append(prefix + text.strip())
    return description_from(paragraphs, MAX_TEXT)
