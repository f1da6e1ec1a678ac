"""The directory as an Open Referral HSDS 1.1 data package (datapackage.json and CSV tables).

Every entry becomes a service (id = the entry id) of its organization; an entry with a location
gets a location, a physical address and a service-at-location. Codes become taxonomy terms of the
"Recovery Navigator" vocabulary, payment and who-is-served codes their plain labels, opening hours
and meeting times regular schedules, and ``last_verified`` a metadata row. What HSDS has no place
for (the category blocks, the time zone, phone types beyond RFC 6350) rides in an extra
``x_navigator`` column of services.csv, declared in datapackage.json; `import hsds` reads it back,
so an export imports to the same entries.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from navigator.directory.loader import check_directory
from navigator.directory.vocabulary import Vocabulary, load_vocabulary
from navigator.files import SHARED, write_bytes_atomic
from navigator.formats.cleaning import slug, unique_ids
from navigator.formats.hsds.package import (
    CATEGORY_TERM_PREFIX,
    EXTENSION_COLUMN,
    NAVIGATOR_PROFILE,
    NAVIGATOR_TAG_VOCABULARY,
    NAVIGATOR_VOCABULARY,
)
from navigator.search.schedule import ALWAYS_OPEN, DAY_WORDS, WEEKDAYS

ISO_WEEKDAY = {day: str(number) for number, day in enumerate(WEEKDAYS, start=1)}
HSDS_PHONE_TYPES = {
    "voice": "voice",
    "text": "text",
    "fax": "fax",
    "tty": "textphone",
    "intake": "voice",
    "hotline": "voice",
}
HSDS_STATUS = {
    "active": "active",
    "inactive": "inactive",
    "temporarily_closed": "temporarily closed",
}
EXTENSION_FIELDS = ("timezone", "moud", "meeting", "housing", "employment", "sample")
# Where the entry came from and how old its word is: read back as they were (a lossless round trip).
PROVENANCE_FIELDS = ("source", "source_id", "verified_how", "listed_as_of", "listed_from", "last_changed")
_EXTENSION = re.compile(r"(.*?)\s*(?:x|ext\.?)\s*(\d{1,6})\Z")

TABLES = {
    "organization": (
        "organizations.csv",
        (
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "url",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
        ),
    ),
    "service": (
        "services.csv",
        (
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "wait_time",
            "fees",
            "accreditations",
            "licenses",
            EXTENSION_COLUMN,
        ),
    ),
    "location": (
        "locations.csv",
        (
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
        ),
    ),
    "service_at_location": (
        "services_at_location.csv",
        ("id", "service_id", "location_id", "description"),
    ),
    "phone": (
        "phones.csv",
        (
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "language",
            "description",
            "department",
        ),
    ),
    "physical_address": (
        "physical_addresses.csv",
        (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "address_3",
            "address_4",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
        ),
    ),
    "regular_schedule": (
        "regular_schedules.csv",
        (
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "weekday",
            "opens_at",
            "closes_at",
        ),
    ),
    "language": ("languages.csv", ("id", "service_id", "location_id", "language")),
    "eligibility": ("eligibility.csv", ("id", "service_id", "eligibility")),
    "service_area": ("service_areas.csv", ("id", "service_id", "service_area", "description")),
    "payment_accepted": ("payments_accepted.csv", ("id", "service_id", "payment")),
    "accessibility_for_disabilities": (
        "accessibility_for_disabilities.csv",
        ("id", "location_id", "accessibility", "details"),
    ),
    "required_document": ("required_documents.csv", ("id", "service_id", "document")),
    "taxonomy": ("taxonomy.csv", ("id", "name", "parent_id", "parent_name", "vocabulary")),
    "service_taxonomy": (
        "services_taxonomy.csv",
        ("id", "service_id", "taxonomy_id", "taxonomy_detail"),
    ),
    "metadata": (
        "metadata.csv",
        (
            "id",
            "resource_id",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ),
    ),
}


class _Rows:
    """The rows of every table, with ids numbered per table (``<entry id>-phone-2``)."""

    def __init__(self):
        self.tables: dict[str, list[dict]] = {name: [] for name in TABLES}

    def add(self, table: str, row_id: str, **values) -> str:
        self.tables[table].append({"id": row_id, **values})
        return row_id


FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")


def build_package(entries: list[dict], vocabulary: Vocabulary) -> dict[str, str]:
    """File name -> text of every file of the package."""
    rows = _Rows()
    organizations = _organization_ids(entries)
    for name, organization_id in organizations.items():
        rows.add("organization", organization_id, name=name, description="")
    terms: dict[tuple[str, str], str] = {}
    for entry in entries:
        _add_entry(rows, entry, organizations[entry["organization"]], terms, vocabulary)
    files = {file_name: _csv(columns, rows.tables[table]) for table, (file_name, columns) in TABLES.items()}
    files["datapackage.json"] = json.dumps(_descriptor(), indent=2, ensure_ascii=False) + "\n"
    return files


def _organization_ids(entries: list[dict]) -> dict[str, str]:
    names = list(dict.fromkeys(entry["organization"] for entry in entries))
    ids = unique_ids([f"org-{slug(name) or 'organization'}" for name in names])
    return dict(zip(names, ids, strict=True))


def _term(rows: _Rows, terms: dict, vocabulary_name: str, name: str) -> str:
    key = (vocabulary_name, name)
    if key not in terms:
        kind = "tag" if vocabulary_name == NAVIGATOR_TAG_VOCABULARY else "term"
        candidate = f"navigator-{kind}-{slug(name) or 'term'}"
        term_id = candidate
        number = 2
        while term_id in terms.values():
            term_id = f"{candidate}-{number}"
            number += 1
        terms[key] = term_id
        rows.add("taxonomy", term_id, name=name, vocabulary=vocabulary_name)
    return terms[key]


def _add_entry(rows: _Rows, entry: dict, organization_id: str, terms: dict, vocabulary: Vocabulary) -> None:
    service_id = entry["id"]
    location = entry.get("location")
    extension = {key: entry[key] for key in EXTENSION_FIELDS if entry.get(key) is not None}
    extension.update({key: entry.get(key) for key in PROVENANCE_FIELDS})  # null: the entry has none
    if entry.get("last_verified") is None:
        extension["last_verified"] = None  # an undated source: no date anyone vouched for
    if entry.get("accessibility") and not location:  # HSDS ties accessibility to a location
        extension["accessibility"] = entry["accessibility"]
    phone_types = [phone.get("type") for phone in entry.get("phones") or ()]
    if any(HSDS_PHONE_TYPES.get(kind) != kind for kind in phone_types):
        extension["phone_types"] = phone_types
    rows.add(
        "service",
        service_id,
        organization_id=organization_id,
        name=entry["name"],
        description=entry.get("description") or "",
        url=entry.get("website") or "",
        email=entry.get("email") or "",
        status=HSDS_STATUS[entry.get("status") or "active"],
        application_process=entry.get("application_process") or "",
        fees=entry.get("fees") or "",
        **{EXTENSION_COLUMN: json.dumps(extension, ensure_ascii=False, sort_keys=True) if extension else ""},
    )
    location_id = at_location_id = ""
    if location:
        location_id, at_location_id = f"{service_id}-location", f"{service_id}-at-location"
        rows.add(
            "location",
            location_id,
            organization_id=organization_id,
            name=entry["name"],
            latitude=_number(location.get("latitude")),
            longitude=_number(location.get("longitude")),
        )
        rows.add(
            "physical_address",
            f"{service_id}-address",
            location_id=location_id,
            address_1=location.get("address") or "",
            address_2=location.get("address_2") or "",
            city=location["city"],
            state_province=location["state"],
            postal_code=location["zip"],
            country="US",
        )
        rows.add("service_at_location", at_location_id, service_id=service_id, location_id=location_id)
        for index, text in enumerate(entry.get("accessibility") or (), start=1):
            rows.add(
                "accessibility_for_disabilities",
                f"{service_id}-accessibility-{index}",
                location_id=location_id,
                accessibility=text,
            )
    for index, phone in enumerate(entry.get("phones") or (), start=1):
        split = _EXTENSION.match(phone["number"])
        number, extension_digits = (split[1], split[2]) if split else (phone["number"], "")
        rows.add(
            "phone",
            f"{service_id}-phone-{index}",
            service_id=service_id,
            number=number,
            extension=extension_digits,
            type=HSDS_PHONE_TYPES.get(phone["type"], "voice"),
            description=phone.get("description") or "",
        )
    for index, (day, opens, closes) in enumerate(_schedule(entry), start=1):
        rows.add(
            "regular_schedule",
            f"{service_id}-schedule-{index}",
            service_id=service_id,
            location_id=location_id,
            service_at_location_id=at_location_id,
            weekday=ISO_WEEKDAY[day],
            opens_at=opens,
            closes_at=closes or "",
        )
    eligibility = [vocabulary.label(code) for code in entry.get("serves") or ()]
    if entry.get("eligibility"):
        eligibility.append(entry["eligibility"])
    for table, column, values in (
        ("language", "language", entry.get("languages")),
        ("eligibility", "eligibility", eligibility),
        ("service_area", "service_area", entry.get("service_area")),
        (
            "payment_accepted",
            "payment",
            [vocabulary.label(code) for code in entry.get("payment") or ()],
        ),
        ("required_document", "document", entry.get("required_documents")),
    ):
        for index, value in enumerate(values or (), start=1):
            rows.add(table, f"{service_id}-{table}-{index}", service_id=service_id, **{column: value})
    names = [(NAVIGATOR_VOCABULARY, f"{CATEGORY_TERM_PREFIX}{entry['category']}")]
    names += [(NAVIGATOR_VOCABULARY, code) for code in entry.get("needs") or ()]
    names += [(NAVIGATOR_TAG_VOCABULARY, tag) for tag in entry.get("tags") or ()]
    for index, (vocabulary_name, name) in enumerate(names, start=1):
        rows.add(
            "service_taxonomy",
            f"{service_id}-term-{index}",
            service_id=service_id,
            taxonomy_id=_term(rows, terms, vocabulary_name, name),
        )
    if entry.get("last_verified") is None:
        return
    rows.add(
        "metadata",
        f"{service_id}-verified",
        resource_id=service_id,
        last_action_date=entry["last_verified"],
        last_action_type="verified",
        field_name="last_verified",
        previous_value="",
        replacement_value=entry.get("verified_how") or "",
        updated_by="Recovery Navigator",
    )


def _schedule(entry: dict) -> list[tuple[str, str, str | None]]:
    """(weekday, opens, closes) rows: meeting times for a meeting, else its opening hours."""
    meeting = entry.get("meeting")
    if meeting:
        return [
            (day, period["start"], period.get("end"))
            for period in meeting.get("times") or ()
            for day in days_of(period["days"])
        ]
    hours = entry.get("hours")
    if hours == ALWAYS_OPEN:
        return [(day, "00:00", "24:00") for day in WEEKDAYS]
    return [(day, period["opens"], period["closes"]) for period in hours or () for day in days_of(period["days"])]


def days_of(value) -> list[str]:
    """The weekdays a `days:` value names (``weekdays``, ``[tue, thu]``…), in week order."""
    words = value if isinstance(value, list) else [value]
    named = {day for word in words for day in DAY_WORDS[word.lower()]}
    return [day for day in WEEKDAYS if day in named]


def _number(value) -> str:
    return "" if value is None else repr(float(value))


def inert_cell(value):
    """A cell a spreadsheet cannot run: text starting with = + - @ (or a tab or carriage return)
    gets a leading apostrophe, the mark spreadsheets read as "this is text". Numbers stay as they
    are (-104.93 is a longitude, not a formula). ``import hsds`` takes the apostrophe off again;
    text already starting with an apostrophe before one of those gets a second, so nothing is lost."""
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(text):
        return "'" + text
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        return "'" + text
    return text


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="raise", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: inert_cell(row.get(column, "")) for column in columns})
    return buffer.getvalue()


def _descriptor() -> dict:
    resources = []
    for table, (file_name, columns) in TABLES.items():
        fields = [{"name": column, "type": "string"} for column in columns]
        if table == "service":
            fields[-1]["description"] = (
                "Recovery Navigator: a JSON object of the entry fields HSDS has no "
                "place for (moud, meeting, housing, employment, timezone, sample, "
                "phone_types)"
            )
        resources.append(
            {
                "name": table,
                "path": file_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": "recovery-navigator-directory",
        "title": "Recovery Navigator directory",
        "profile": "tabular-data-package",
        "version": "1.1",
        "profile_navigator": NAVIGATOR_PROFILE,
        "resources": resources,
    }


def export_hsds(directory: Path | str, out: Path | str, version: str = "1.1") -> int:
    """Write the package for ``directory`` into ``out``; returns the number of entries written.

    Raises ValueError listing the directory's problems when it does not validate: an export
    of a broken directory would pass the breakage on.
    """
    entries, report = check_directory(directory)
    if not report.ok:
        raise ValueError("\n".join(report.lines()))
    if version == "3.0":
        from navigator.formats.hsds.export3 import build_package_3

        files = build_package_3([checked.entry for checked in entries], load_vocabulary(Path(directory)))
    else:
        files = build_package([checked.entry for checked in entries], load_vocabulary(Path(directory)))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for file_name, text in files.items():
        write_bytes_atomic(out / file_name, text.encode("utf-8"), SHARED)
    return len(entries)
