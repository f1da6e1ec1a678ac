"""The directory as an Open Referral HSDS 3.0 data package (the current specification).

Each entry becomes a 3.0 ``service_full`` object (``service_objects``): its organization, phones,
weekly schedules (RFC 5545 ``WEEKLY`` with ``byday``), languages, service areas, a service at a
location with its address and accessibility, its codes as attributes linking taxonomy terms of the
"Recovery Navigator" taxonomy, and its verification as metadata. Ids are UUIDs (the specification
asks for them), derived from the entry ids so that an export is the same every time. The objects
are flattened into the 3.0 CSV tables with a datapackage.json. What HSDS has no place for (the
entry's own id, category blocks, time zone, provenance) rides in ``x_navigator`` on the service, so
``import hsds`` reads the package back into the same entries. Tests check every table with
frictionless against the specification's own data package (its schemas, keys and formats).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections import defaultdict
from pathlib import Path

from navigator.directory.languages import language_name
from navigator.directory.vocabulary import Vocabulary
from navigator.formats.hsds.api import _service as flatten_service
from navigator.formats.hsds.export import (
    _EXTENSION,
    EXTENSION_FIELDS,
    HSDS_PHONE_TYPES,
    PROVENANCE_FIELDS,
    _schedule,
    inert_cell,
)
from navigator.formats.hsds.package import (
    CATEGORY_TERM_PREFIX,
    EXTENSION_COLUMN,
    NAVIGATOR_PROFILE,
    NAVIGATOR_TAG_VOCABULARY,
    NAVIGATOR_VOCABULARY,
)

NAMESPACE = uuid.UUID("8f4d2b0e-6f55-4a51-9b8e-6b1f3f6a2c11")  # Recovery Navigator's, for stable ids
RRULE_DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
STATUS = {"active": "active", "inactive": "inactive", "temporarily_closed": "temporarily closed"}
# 3.0 table -> file, in the specification's order.
FILES = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "attribute": "attributes.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "phone": "phones.csv",
    "address": "addresses.csv",
    "schedule": "schedules.csv",
    "service_area": "service_areas.csv",
    "required_document": "required_documents.csv",
    "language": "languages.csv",
    "accessibility_for_disabilities": "accessibility.csv",
    "taxonomy": "taxonomy_terms.csv",
    "metadata": "metadata.csv",
}
RESOURCE_NAMES = {"accessibility_for_disabilities": "accessibility", "taxonomy": "taxonomy_term"}


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def _term(kind: str, name: str, description: str) -> dict:
    return {
        "id": _id("term", kind, name),
        "code": name,
        "name": name,
        "description": description,
        "taxonomy": kind,
        "vocabulary": kind,  # what the 1.x reader calls the taxonomy
    }


def service_objects(entries: list[dict], vocabulary: Vocabulary) -> list[dict]:
    """Every entry as an HSDS 3.0 service_full object."""
    return [_service(entry, vocabulary) for entry in entries]


def _service(entry: dict, vocabulary: Vocabulary) -> dict:
    entry_id = entry["id"]
    service_id = _id("service", entry_id)
    extension = {key: entry[key] for key in EXTENSION_FIELDS if entry.get(key) is not None}
    extension.update({key: entry.get(key) for key in PROVENANCE_FIELDS})
    extension.update(id=entry_id, last_verified=entry.get("last_verified"))
    if entry.get("accessibility") and not entry.get("location"):
        extension["accessibility"] = entry["accessibility"]
    phone_types = [phone.get("type") for phone in entry.get("phones") or ()]
    if any(HSDS_PHONE_TYPES.get(kind) != kind for kind in phone_types):
        extension["phone_types"] = phone_types
    changed = entry.get("last_changed") or entry.get("last_verified")
    service = {
        "id": service_id,
        "organization_id": _id("organization", entry["organization"]),
        "name": entry["name"],
        "description": entry.get("description") or "",
        "status": STATUS[entry.get("status") or "active"],
        "application_process": entry.get("application_process") or "",
        "fees_description": entry.get("fees") or "",
        "eligibility_description": entry.get("eligibility") or "",
        # The specification requires an organization's description; the directory keeps none of
        # its own, and its name is the one true thing to say (the importer reads only the name).
        "organization": {
            "id": _id("organization", entry["organization"]),
            "name": entry["organization"],
            "description": entry["organization"],
        },
        "phones": [_phone(entry_id, index, phone) for index, phone in enumerate(entry.get("phones") or ())],
        "schedules": _schedules(entry),
        "languages": [
            {"id": _id("language", entry_id, code), "name": language_name(code), "code": code}
            for code in entry.get("languages") or ()
        ],
        "service_areas": [
            {"id": _id("area", entry_id, area), "name": area} for area in entry.get("service_area") or ()
        ],
        "required_documents": [
            {"id": _id("document", entry_id, index), "document": text}
            for index, text in enumerate(entry.get("required_documents") or ())
        ],
        "service_at_locations": _at_location(entry),
        "attributes": _attributes(entry, vocabulary),
        EXTENSION_COLUMN: json.dumps(extension, ensure_ascii=False, sort_keys=True),
    }
    if entry.get("website"):
        service["url"] = entry["website"]
    if entry.get("email"):
        service["email"] = entry["email"]
    if changed:
        service["last_modified"] = f"{changed}T00:00:00Z"
    if entry.get("last_verified"):
        service["metadata"] = [
            {
                "id": _id("verified", entry_id),
                "resource_id": service_id,
                "resource_type": "service",
                "last_action_date": entry["last_verified"],
                "last_action_type": "verified",
                "field_name": "last_verified",
                # Both values are required; the directory keeps no earlier date than the last one.
                "previous_value": "not recorded",
                "replacement_value": entry.get("verified_how") or entry["last_verified"],
                "updated_by": "Recovery Navigator",
            }
        ]
    return service


def _phone(entry_id: str, index: int, phone: dict) -> dict:
    split = _EXTENSION.match(phone["number"])
    number, extension = (split[1], split[2]) if split else (phone["number"], None)
    made = {
        "id": _id("phone", entry_id, index),
        "number": number,
        "type": HSDS_PHONE_TYPES.get(phone["type"], "voice"),
        "description": phone.get("description") or "",
    }
    if extension:
        made["extension"] = int(extension)
    return made


def _schedules(entry: dict) -> list[dict]:
    grouped: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for day, opens, closes in _schedule(entry):
        grouped[(opens, closes)].append(day)
    schedules = []
    for (opens, closes), days in grouped.items():
        schedule = {
            "id": _id("schedule", entry["id"], opens, closes),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(RRULE_DAYS[day] for day in days),
            "opens_at": _clock(opens),
        }
        if closes:
            schedule["closes_at"] = _clock(closes)
        schedules.append(schedule)
    return schedules


def _clock(time: str) -> str:
    """A directory time ("09:30") as the specification's time type writes it ("09:30:00"); the
    directory's "24:00" (open to midnight) is the last second of the day, which a time can hold."""
    return "23:59:59" if time == "24:00" else f"{time}:00"


def _at_location(entry: dict) -> list[dict]:
    location = entry.get("location")
    if not location:
        return []
    entry_id = entry["id"]
    place = {
        "id": _id("location", entry_id),
        "location_type": "physical",
        "name": entry["name"],
        "addresses": [
            {
                "id": _id("address", entry_id),
                "address_1": location.get("address") or "",
                "address_2": location.get("address_2") or "",
                "city": location["city"],
                "state_province": location["state"],
                "postal_code": location["zip"],
                "country": "US",
                "address_type": "physical",
            }
        ],
        "accessibility": [
            {"id": _id("accessibility", entry_id, index), "description": text}
            for index, text in enumerate(entry.get("accessibility") or ())
        ],
    }
    for key in ("latitude", "longitude"):
        if location.get(key) is not None:
            place[key] = float(location[key])
    return [{"id": _id("at-location", entry_id), "location": place}]


def _attributes(entry: dict, vocabulary: Vocabulary) -> list[dict]:
    terms = [_term(NAVIGATOR_VOCABULARY, f"{CATEGORY_TERM_PREFIX}{entry['category']}", "category")]
    for field in ("needs", "payment", "serves"):
        terms += [_term(NAVIGATOR_VOCABULARY, code, vocabulary.label(code)) for code in entry.get(field) or ()]
    terms += [_term(NAVIGATOR_TAG_VOCABULARY, tag, "tag") for tag in entry.get("tags") or ()]
    return [
        {
            "id": _id("attribute", entry["id"], index),
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term": term,
        }
        for index, term in enumerate(terms)
    ]


def build_package_3(entries: list[dict], vocabulary: Vocabulary, now: dt.datetime | None = None) -> dict[str, str]:
    """File name -> text of every file of the 3.0 package."""
    now = now or dt.datetime.now(dt.UTC)
    tables: dict[str, list[dict]] = defaultdict(list)
    for service in service_objects(entries, vocabulary):
        flatten_service(tables, service)
    for table in ("organization", "taxonomy"):  # shared rows, once each
        tables[table] = list({row["id"]: row for row in tables[table]}.values())
    files = {FILES[table]: _csv(tables.get(table, [])) for table in FILES}
    descriptor = {
        "name": "recovery-navigator-directory",
        "title": "Recovery Navigator directory",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "created": now.isoformat(timespec="seconds"),
        "profile_navigator": NAVIGATOR_PROFILE,
        "resources": [
            {"name": RESOURCE_NAMES.get(table, table), "path": file_name, "format": "csv", "mediatype": "text/csv"}
            for table, file_name in FILES.items()
        ],
    }
    files["datapackage.json"] = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    return files


def _csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row)) or ["id"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        # As the 1.1 export: no cell a spreadsheet would run as a formula (import hsds undoes it).
        writer.writerow({column: inert_cell(row.get(column, "")) for column in columns})
    return buffer.getvalue()


def write_package_3(entries: list[dict], vocabulary: Vocabulary, out: Path) -> None:
    from navigator.files import SHARED, write_bytes_atomic

    out.mkdir(parents=True, exist_ok=True)
    for file_name, text in build_package_3(entries, vocabulary).items():
        write_bytes_atomic(out / file_name, text.encode("utf-8"), SHARED)
