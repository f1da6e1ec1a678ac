"""Meeting Guide JSON feeds (the format behind the 12-step-meeting-list tools) → meeting entries.

One meeting becomes one entry ``mg-<feed>-<slug>``. Attendance follows the reference tools:
an explicit ``attendance_option`` wins; otherwise ``ONL`` or a conference link means online,
hybrid when the meeting also has a real street address, and ``TC`` (location temporarily closed)
makes an in-person meeting inactive. Online-only meetings are remote entries serving their state.
Meetings without coordinates are placed at their ZIP centroid (approximate). Every meeting is
imported or listed as skipped with its reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import available_timezones

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import MAX_TEXT, NATIONAL
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
    parse_date,
    parse_time,
    slug,
    unique_ids,
    without_empty,
)
from navigator.formats.geography import city_zip, nearest_zip, state_of_city, zip_city
from navigator.formats.tables import read_json, read_source
from navigator.search.places import US_STATE_TIMEZONES, timezone_for, zip_centroid

SOURCE = "meeting_guide"
# Tables of codes read better packed than one per line.
# fmt: off
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "status", "needs", "serves",
    "languages", "accessibility", "website", "phones", "location", "service_area", "timezone",
    "meeting", "source", "source_id", "last_verified", "verified_how",
})

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
DAY_NAMES = {name: DAYS[index] for index, name in enumerate(
    ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"))}
ATTENDANCE_OPTIONS = ("in_person", "hybrid", "online", "inactive")

SERVES = {
    "W": "women", "M": "men", "Y": "youth", "SEN": "seniors", "LGBTQ": "lgbtq",
    "LGBTQIAA+": "lgbtq", "G": "lgbtq", "L": "lgbtq", "T": "lgbtq", "BI": "lgbtq", "NB": "lgbtq",
    "ASL": "deaf_hard_of_hearing", "D-HOH": "deaf_hard_of_hearing",
}
NEEDS = {"A": "secular"}
LANGUAGES = {
    "EN": "en", "S": "es", "AF": "af", "AM": "am", "AR": "ar", "BG": "bg", "DA": "da", "DE": "de",
    "EL": "el", "FA": "fa", "FI": "fi", "FR": "fr", "HE": "he", "HI": "hi", "HR": "hr", "HU": "hu",
    "IS": "is", "ITA": "it", "JA": "ja", "KA": "ka", "KOR": "ko", "LT": "lt", "ML": "ml",
    "MT": "mt", "NE": "ne", "NL": "nl", "NO": "no", "POL": "pl", "POR": "pt", "PUN": "pa",
    "RUS": "ru", "SK": "sk", "SL": "sl", "SV": "sv", "TH": "th", "TL": "tl", "TUR": "tr",
    "UK": "uk",
}
ACCESSIBILITY = {"X": "Wheelchair accessible", "XB": "Wheelchair-accessible bathroom"}
ONLINE, TEMPORARILY_CLOSED = "ONL", "TC"

FELLOWSHIP_NAMES = {
    "aa": "Alcoholics Anonymous", "na": "Narcotics Anonymous", "al_anon": "Al-Anon",
    "nar_anon": "Nar-Anon", "smart": "SMART Recovery", "recovery_dharma": "Recovery Dharma",
    "celebrate_recovery": "Celebrate Recovery", "other": "Support group",
}
# fmt: on
_FELLOWSHIP_WORDS = (
    (re.compile(r"alcoholics\s+anonymous", re.IGNORECASE), "aa"),
    (re.compile(r"narcotics\s+anonymous", re.IGNORECASE), "na"),
    (re.compile(r"al-?anon|alateen", re.IGNORECASE), "al_anon"),
    (re.compile(r"nar-?anon", re.IGNORECASE), "nar_anon"),
    (re.compile(r"smart\s*recovery", re.IGNORECASE), "smart"),
    (re.compile(r"recovery\s*dharma", re.IGNORECASE), "recovery_dharma"),
    (re.compile(r"celebrate\s*recovery", re.IGNORECASE), "celebrate_recovery"),
)
# Service bodies name their sites and feeds like sussexaa.org, aasfmarin.org or na-district9.
_NAME_PATTERNS = (
    (re.compile(r"al-?anon", re.IGNORECASE), "al_anon"),
    (re.compile(r"nar-?anon", re.IGNORECASE), "nar_anon"),
    (re.compile(r"(?:^|[^a-z])aa|aa(?:$|[^a-z])", re.IGNORECASE), "aa"),
    (re.compile(r"(?:^|[^a-z])na(?:$|[^a-z])", re.IGNORECASE), "na"),
)
_TRAILING_ZIP = re.compile(r"(?:^|[\s,#])(\d{5})(?:-\d{4})?\s*\Z")
_STATE_ZIP = re.compile(r"([A-Za-z]{2})(?:\s+(\d{5})(?:-\d{4})?)?\Z")
_TRAILING_COUNTRY = re.compile(r"(?<=\d)\s+([A-Za-z.]{2,6})\Z")


def read_meeting_guide(path: Path | str, fellowship: str | None = None, today: dt.date | None = None) -> ImportBatch:
    """Read a feed file; raises UnreadableSource when it is not a Meeting Guide feed.

    A feed is live data its service body maintains: its meetings are listed as of when it was
    fetched. For a file that is when it was saved (its modification time); an import from a URL
    replaces that with the moment of the fetch (``fetch.with_fetch_time``).
    """
    path = Path(path)
    text = read_source(path)
    batch = parse_meeting_guide(text, path.name, fellowship, today or dt.date.today(), label=str(path))
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    batch.provenance = Provenance(saved.date(), FEED, f"the feed file was saved {saved:%Y-%m-%d %H:%M} UTC")
    return batch


def load_feed(text: str, label: str) -> list:
    """The feed's list of meetings; raises UnreadableSource for anything else."""
    feed = read_json(text, label)
    if isinstance(feed, dict) and isinstance(feed.get("meetings"), list):
        organization = feed.get("organization") if isinstance(feed.get("organization"), dict) else {}
        feed = [_with_organization(meeting, organization) for meeting in feed["meetings"]]
    elif isinstance(feed, dict) and "name" in feed and ("day" in feed or "days" in feed):
        feed = [feed]  # one meeting on its own, as the specification's example
    if not isinstance(feed, list):
        raise UnreadableSource(f"{label}: not a Meeting Guide feed: the JSON is not a list of meetings")
    return feed


def _with_organization(meeting, organization: dict):
    """A v2 meeting with what its feed's ``organization`` says filled in as v1 entity fields."""
    if not isinstance(meeting, dict) or not organization:
        return meeting
    contacts = organization.get("contacts") if isinstance(organization.get("contacts"), dict) else {}
    filled = dict(meeting)
    for key, value in (
        ("entity", organization.get("name")),
        ("entity_url", organization.get("url")),
        ("entity_phone", contacts.get("helpline")),
    ):
        if value and not filled.get(key):
            filled[key] = value
    return filled


def parse_meeting_guide(
    text: str, file_name: str, fellowship: str | None, today: dt.date, label: str | None = None
) -> ImportBatch:
    """Entries from the text of a feed; pure apart from the ZIP and time-zone table lookups.

    ``file_name`` names the output file and the ids; ``label`` names the source in errors.
    """
    meetings = load_feed(text, label or file_name)
    feed = slug(Path(file_name).stem) or "feed"
    batch = ImportBatch(SOURCE, f"meeting-guide-{feed}", fields=FIELDS)
    if fellowship is None:
        fellowship, how = infer_fellowship(file_name, [m for m in meetings if isinstance(m, dict)])
        batch.notes.append(f"fellowship {fellowship}: {how}")
    labels, ids = [], []
    for index, meeting in enumerate(meetings):
        key = _meeting_key(meeting) if isinstance(meeting, dict) else None
        labels.append(f"meeting {index + 1}" + (f" ('{key}')" if key else ""))
        ids.append(entry_id("mg", feed, key) if key else "")
    unique = unique_ids([entry for entry in ids if entry])
    numbered = iter(unique)
    for index, meeting in enumerate(meetings):
        batch.read += 1
        label = labels[index]
        if not isinstance(meeting, dict):
            batch.skip(label, "not a meeting (a JSON object was expected)")
            continue
        if not ids[index]:
            ids[index] = entry_id(
                "mg",
                feed,
                slug(
                    " ".join(
                        str(meeting.get(key) or "")
                        for key in ("name", "day", "days", "time", "address", "formatted_address")
                    ),
                    80,
                ),
            )
            batch.repair(label, f"no slug or id: id '{ids[index]}' made from the name, day, time and address")
        else:
            assigned = next(numbered)
            if assigned != ids[index]:
                batch.repair(label, f"slug used by more than one meeting: id '{assigned}'")
                ids[index] = assigned
        _convert(batch, label, ids[index], meeting, fellowship, today)
    return batch


def _meeting_key(meeting: dict) -> str | None:
    for key in ("slug", "id"):
        value = meeting.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def infer_fellowship(file_name: str, meetings: list[dict]) -> tuple[str, str]:
    """The fellowship a feed serves, and how it was found (say it: a guess must be visible)."""
    votes: Counter[str] = Counter()
    for meeting in meetings:
        for key in ("entity", "group"):
            value = meeting.get(key)
            if isinstance(value, str):
                votes.update({code for pattern, code in _FELLOWSHIP_WORDS if pattern.search(value)})
    if votes:
        code = votes.most_common(1)[0][0]
        return (
            code,
            f"the feed's entity and group names say {FELLOWSHIP_NAMES[code]} (override with --fellowship)",
        )
    names = [Path(file_name).stem]
    hosts = Counter()
    for meeting in meetings:
        for key in ("url", "entity_url"):
            value = meeting.get(key)
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                hosts[urlparse(value).hostname or ""] += 1
    names.extend(host.removeprefix("www.").rsplit(".", 1)[0] for host, _ in hosts.most_common(3) if host)
    for name in names:
        for pattern, code in _NAME_PATTERNS:
            if pattern.search(name):
                return code, f"inferred from the name '{name}' (override with --fellowship)"
    return "other", "not given and not evident from the feed: using other (pass --fellowship)"


def _convert(batch: ImportBatch, label: str, identifier: str, meeting: dict, fellowship: str, today: dt.date) -> None:
    name = clean_field(meeting.get("name"))
    if not name:
        batch.skip(label, "no name")
        return
    times = _times(batch, label, meeting)
    if times is None:
        return
    types = _types(meeting.get("types"))
    place = _place(batch, label, meeting)
    if place is None:
        return
    conference_url = clean_url(meeting.get("conference_url"))
    if meeting.get("conference_url") and not conference_url:
        batch.repair(label, f"conference_url '{meeting['conference_url']}' is not a web address: left out")
    conference_phone, dial_string = _conference_phone(batch, label, meeting.get("conference_phone"))
    attendance = _attendance(meeting, types, conference_url or conference_phone, place["approximate"])
    closed = TEMPORARILY_CLOSED in types

    entry: dict = {
        "id": identifier,
        "name": name,
        "organization": clean_field(meeting.get("group"))
        or clean_field(meeting.get("entity"))
        or FELLOWSHIP_NAMES[fellowship],
        "category": "support_meeting",
        "description": _description(meeting, attendance, closed, dial_string),
    }
    if attendance == "inactive":
        entry["status"] = "temporarily_closed" if closed else "inactive"
    entry["needs"] = list(dict.fromkeys(NEEDS[code] for code in types if code in NEEDS))
    entry["serves"] = list(dict.fromkeys(SERVES[code] for code in types if code in SERVES))
    entry["languages"] = list(
        dict.fromkeys([*(LANGUAGES[code] for code in types if code in LANGUAGES), *_languages(batch, label, meeting)])
    )
    entry["accessibility"] = [ACCESSIBILITY[code] for code in types if code in ACCESSIBILITY]
    entry["website"] = (
        clean_url(meeting.get("url")) or clean_url(meeting.get("website")) or clean_url(meeting.get("entity_url"))
    )
    entity_phone = clean_phone(meeting.get("entity_phone"))
    if entity_phone:
        entry["phones"] = [
            {
                "number": entity_phone,
                "type": "voice",
                "description": clean_field(meeting.get("entity")) or "Service office",
            }
        ]

    remote = attendance == "online" or (attendance == "inactive" and place["location"] is None)
    if remote:
        # An online meeting is open to anyone who can connect; a state only says where its group is.
        entry["service_area"] = [place["state"]] if place["state"] else [NATIONAL]
    else:
        if place["location"] is None:
            batch.skip(
                label,
                f"an {attendance.replace('_', '-')} meeting without an address, ZIP code or "
                "coordinates: it cannot be placed",
            )
            return
        entry["location"] = place["location"]
        for note in place["notes"]:
            batch.repair(label, note)
    entry["timezone"] = _timezone(batch, label, meeting, place)
    entry["meeting"] = {
        "fellowship": fellowship,
        "attendance": attendance,
        "times": times,
        "conference_url": conference_url,
        "conference_phone": conference_phone,
        "types": types,
    }
    entry.update(
        source=SOURCE,
        source_id=_meeting_key(meeting),
        # Until the runner stamps the feed's date; the row's own edit is only its last change.
        last_verified=today.isoformat(),
        last_changed=_last_changed(meeting.get("updated"), today),
        verified_how="import",
    )
    batch.add(label, without_empty(entry))


def _days(batch: ImportBatch, label: str, value) -> list[str] | None:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        text = str(item).strip().lower() if item is not None and not isinstance(item, bool) else ""
        if text in DAY_NAMES:
            days.append(DAY_NAMES[text])
        elif text.isdigit() and int(text) <= 6:
            days.append(DAYS[int(text)])
        elif text == "7":
            days.append("sun")
            batch.repair(label, "day 7 read as Sunday (the feed format counts 0 = Sunday to 6 = Saturday)")
        else:
            return None
    return list(dict.fromkeys(days))


def _times(batch: ImportBatch, label: str, meeting: dict) -> list[dict] | None:
    day, time = meeting.get("day"), meeting.get("time")
    if day in (None, "", []) and meeting.get("days") not in (None, "", []):
        day = meeting.get("days")  # the v2 proposal's name
    if day in (None, "", []) and not clean_field(time):
        batch.skip(label, "no day and time (a meeting by appointment): the directory lists weekly meetings")
        return None
    days = _days(batch, label, day) if day not in (None, "", []) else None
    if not days:
        batch.skip(label, f"day {json.dumps(day)} is not a weekday number 0 (Sunday) to 6 (Saturday)")
        return None
    start = parse_time(time)
    if start is None or start == "24:00":
        batch.skip(label, f'time {json.dumps(time)} is not a time of day like "19:00"')
        return None
    period = {"days": days, "start": start}
    if meeting.get("end_time") not in (None, ""):
        end = _end_time(batch, label, start, meeting.get("end_time"))
        if end:
            period["end"] = end
    return [period]


LONGEST_MEETING_MINUTES = 8 * 60  # longer is a slip of the clock (12:15 to 01:15), not a meeting
_USUAL_MEETING_MINUTES = 4 * 60


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _end_time(batch: ImportBatch, label: str, start: str, value) -> str | None:
    """The end time, repaired when it makes an implausible meeting: an end written on a 12-hour
    clock (start 12:15, end 01:15 meaning 13:15) is moved by twelve hours, else left out."""
    end = parse_time(value)
    shown = json.dumps(value)
    if end is None or end == start:
        batch.repair(label, f"end_time {shown} is not a usable end time: left out (the meeting counts as an hour)")
        return None
    length = (_minutes(end) - _minutes(start)) % (24 * 60)
    if length <= LONGEST_MEETING_MINUTES:
        return end
    shifted = (_minutes(end) + 12 * 60) % (24 * 60)
    if 0 < (shifted - _minutes(start)) % (24 * 60) <= _USUAL_MEETING_MINUTES:
        repaired = f"{shifted // 60:02d}:{shifted % 60:02d}"
        batch.repair(
            label,
            f"end_time {shown} after start {start} would make a {length // 60}-hour meeting: read as {repaired}",
        )
        return repaired
    batch.repair(
        label,
        f"end_time {shown} after start {start} would make a {length // 60}-hour meeting: "
        "left out (the meeting counts as an hour)",
    )
    return None


def _last_changed(value, today: dt.date) -> str | None:
    day = parse_date(value)
    return day.isoformat() if day and dt.date(1990, 1, 1) <= day <= today else None


def _languages(batch: ImportBatch, label: str, meeting: dict) -> list[str]:
    """The v2 ``languages`` list of ISO 639-1 codes."""
    given = meeting.get("languages")
    if not isinstance(given, list):
        return []
    codes = []
    for item in given:
        code = str(item).strip().lower() if isinstance(item, str) else ""
        if code in LANGUAGE_NAMES:
            codes.append(code)
        else:
            batch.repair(label, f"language {json.dumps(item)} is not an ISO 639-1 code: left out")
    return codes


def _types(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))


def _attendance(meeting: dict, types: list[str], conference, approximate: bool) -> str:
    """The attendance option as the 12-step-meeting-list plugin computes it (feed has none)."""
    given = meeting.get("attendance_option")
    if isinstance(given, str) and given.strip().lower() in ATTENDANCE_OPTIONS:
        return given.strip().lower()
    online = ONLINE in types or bool(conference)
    if TEMPORARILY_CLOSED in types:
        return "online" if online else "inactive"
    if online:
        return "online" if approximate else "hybrid"
    return "inactive" if approximate else "in_person"


def split_formatted_address(text: str) -> dict:
    """``"18 Olive Ave, Rehoboth Beach, DE 19971, USA"`` → address, city, state, zip, country."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    found: dict = {}
    if parts and (match := _TRAILING_COUNTRY.search(parts[-1])) and match[1].lower() in US_COUNTRY_NAMES:
        parts[-1] = parts[-1][: match.start()].strip()  # "CA 95051 USA": the country without its comma
    if parts and parts[-1].lower() in US_COUNTRY_NAMES:
        found["country"] = "US"
        parts.pop()
    if parts and (match := _STATE_ZIP.match(parts[-1])) and match[1].upper() in US_STATE_TIMEZONES:
        found["state"], found["zip"] = match[1].upper(), match[2]
        parts.pop()
    elif len(parts) >= 3 and not re.search(r"\d", parts[-1]):
        found["country"] = parts.pop()
    if parts and "state" in found:
        found["city"] = parts.pop()
    found["address"] = ", ".join(parts) or None
    return found


def _place(batch: ImportBatch, label: str, meeting: dict) -> dict | None:
    """Where the meeting is: a location (None when it cannot be placed), its state, and notes."""
    parts = {
        "address": clean_field(meeting.get("address")),
        "city": clean_field(meeting.get("city")),
        "state": (clean_field(meeting.get("state")) or "").upper() or None,
        "zip": meeting.get("postal_code"),
        "country": clean_field(meeting.get("country")),
    }
    formatted = clean_field(meeting.get("formatted_address"))
    if not formatted and parts["address"] and "," in parts["address"] and not (parts["city"] and parts["state"]):
        # The whole address written in `address` ("1234 Union Ave, San Jose, CA 95051 USA").
        formatted, parts["address"] = parts["address"], None
    if formatted:
        for key, value in split_formatted_address(formatted).items():
            if not parts.get(key) and value:
                parts[key] = value
    if not parts["city"] and not clean_field(parts["zip"]):
        parts["city"] = _region(meeting)  # the feed's narrowest region, often the town
    country = (parts["country"] or "US").lower()
    if country not in US_COUNTRY_NAMES:
        batch.skip(label, f"outside the United States ({parts['country']})")
        return None
    notes = []
    if not clean_field(parts["zip"]) and parts["address"] and (match := _TRAILING_ZIP.search(parts["address"])):
        parts["zip"] = match[1]
        notes.append(f"ZIP {match[1]} taken from the address")
    zip_code, zip_note = clean_zip(parts["zip"])
    if zip_note and zip_code:
        notes.append(zip_note)
    centroid = zip_centroid(zip_code) if zip_code else None
    if zip_code and centroid is None:
        notes.append(f"ZIP {zip_code} is not a known ZIP code: left out")
        zip_code = None
    state = parts["state"] if parts["state"] in US_STATE_TIMEZONES else (centroid.state if centroid else None)
    if state is None and parts["city"]:
        zone = clean_field(meeting.get("timezone"))
        state = state_of_city(parts["city"], zone)
        if state:
            batch.repair(
                label,
                f"no state: '{parts['city']}' taken to be in {state}, the state with the "
                f"most ZIP codes of a city of that name" + (f" in {zone}" if zone else ""),
            )
    latitude, longitude, coordinate_note = check_coordinates(meeting.get("latitude"), meeting.get("longitude"))
    approximate = str(meeting.get("approximate") or "").lower() == "yes" or not parts["address"]
    place = {
        "state": state,
        "approximate": approximate,
        "location": None,
        "notes": notes,
        "zip": zip_code,
    }
    if approximate or not state:
        return place
    if zip_code is None:
        if latitude is not None:
            zip_code = nearest_zip(latitude, longitude, state)
            how = "the ZIP code nearest its coordinates"
        else:
            zip_code = city_zip(parts["city"], state) if parts["city"] else None
            how = f"the ZIP code nearest the centre of {parts['city']}, {state} (approximate)"
        if zip_code is None:
            return place
        notes.append(f"no ZIP code: used {zip_code}, {how}")
    elif coordinate_note:
        notes.append(coordinate_note)
    city = parts["city"] or zip_city(zip_code)
    place["zip"] = zip_code
    place["location"] = {
        key: value
        for key, value in {
            "address": parts["address"],
            "city": city,
            "state": state,
            "zip": zip_code,
            "latitude": latitude,
            "longitude": longitude,
        }.items()
        if value is not None
    }
    return place


def _region(meeting: dict) -> str | None:
    """The most specific region a feed names (``regions`` runs from the widest to the narrowest)."""
    regions = meeting.get("regions")
    if isinstance(regions, list):
        for region in reversed(regions):
            if text := clean_field(region if isinstance(region, str) else None):
                return text
    sub_region = clean_field(meeting.get("sub_region"))
    return sub_region or clean_field(meeting.get("region"))


def _timezone(batch: ImportBatch, label: str, meeting: dict, place: dict) -> str | None:
    given = clean_field(meeting.get("timezone"))
    if given and given in _time_zones():
        return given
    if given:
        batch.repair(label, f"timezone '{given}' is not an IANA time zone: inferred from the place instead")
    return timezone_for(place["zip"], place["state"])


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _conference_phone(batch: ImportBatch, label: str, value) -> tuple[str | None, str | None]:
    """The number to dial, and the whole one-tap string when it carries more (meeting id, PIN)."""
    text = clean_field(value)
    if not text:
        return None, None
    match = re.match(r"\+?[\d\s().-]{7,20}", text)
    digits = re.sub(r"\D", "", match.group(0)) if match else ""
    if len(digits) == 10 or (len(digits) == 11 and digits.startswith("1")):
        digits = digits[-10:]
        number = f"+1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    elif 8 <= len(digits) <= 15 and text.startswith("+"):
        number = f"+{digits}"
    else:
        batch.repair(label, f"conference_phone '{text}' is not a phone number: left out")
        return None, None
    rest = text[match.end() :].strip()
    return number, (text if rest else None)


def _description(meeting: dict, attendance: str, closed: bool, dial_string: str | None) -> str | None:
    paragraphs = []
    location = clean_field(meeting.get("location"))
    if location and attendance in ("in_person", "hybrid"):
        paragraphs.append(f"At {location}.")
    if closed and attendance == "online":
        paragraphs.append("The meeting place is temporarily closed; the meeting meets online.")
    for key, prefix in (
        ("notes", ""),
        ("location_notes", ""),
        ("group_notes", ""),
        ("conference_url_notes", "Online: "),
        ("conference_phone_notes", "By phone: "),
    ):
        text = meeting.get(key)
        if isinstance(text, str) and text.strip():
            paragraphs.append(prefix + text.strip())
    if dial_string and not meeting.get("conference_phone_notes"):
        paragraphs.append(f"By phone: {dial_string}")
    return description_from(paragraphs, MAX_TEXT)
