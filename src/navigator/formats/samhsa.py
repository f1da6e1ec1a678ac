"""SAMHSA treatment-locator exports, in every layout they came in: a CSV with a ``Keys`` column of
service codes.

Columns are found by name, under the names different years gave them (``Name1`` or
``Center_name``, ``ZIP_Code``, ``zip`` or ``Postal_code``); ``Keys`` may be slash-, space- or
semicolon-separated. Each row becomes one entry: ``samhsa-<locator id>`` where the export has an
ID column, else an id made from the ZIP code, street and main phone (``samhsa_locator``), so a
renamed program is updated, not listed twice. The codes map to need, payment and who-is-served
codes as ../shared/CONTRACT.md lists them (the locator's legacy vintage in ``findtreatment_codes``);
every code without a mapping is kept in ``tags``.

Odd rows are repaired where the repair is certain and reported either way: phone numbers split
across columns by a stray comma, street addresses in the name column, ZIP codes that lost their
leading zero, swapped or missing coordinates. Rows that a PDF scrape ran together (two programs'
addresses or code lists in one row) are skipped and listed, never merged into one program.
An export is dated by its file name; one without a date says so on every entry.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from navigator.formats import progress
from navigator.formats.batch import EXPORT, ImportBatch, Provenance
from navigator.formats.cleaning import (
    clean_field,
    clean_url,
    entry_id,
    find_phones,
    parse_date,
    slug,
    title_case_shouting,
)
from navigator.formats.findtreatment_codes import LEGACY, is_moud, is_otp, map_codes
from navigator.formats.samhsa_locator import (
    disambiguate_shared_ids,
    location,
    phones,
    program_name,
    stable_id,
    stamped,
    street_lines,
)
from navigator.formats.tables import cell, read_source, read_table

SOURCE = "samhsa"

# Tables of column names read better packed than one per line.
# fmt: off
COLUMNS = {
    "name1": ("name1", "name_1", "name", "facility_name", "facility", "center_name", "centername",
              "program_name"),
    "name2": ("name2", "name_2", "center_name2", "center_name_2", "name_line_2"),
    "name3": ("name3", "name_3"),
    "address1": ("address1", "address_1", "street1", "street_1", "address", "street", "street_address",
                 "address_line_1"),
    "address2": ("address2", "address_2", "street2", "street_2", "address_line_2"),
    "address3": ("address3", "address_3", "street3"), "city": ("city", "city_name"),
    "state": ("state", "st", "state_code", "state_abbreviation"),
    "zip": ("zip_code", "zip", "zipcode", "zip5", "postal_code", "postalcode", "zip_5"),
    "contact": ("contact", "phone", "phone1", "telephone", "main_phone", "phone_number"),
    "intake1": ("intake1", "intake", "intake_phone", "intake_1"),
    "intake2": ("intake2", "intake_2"), "hotline": ("hotline", "hotline1", "crisis_phone"),
    "website": ("website", "url", "web_site", "web"), "note": ("note", "notes"),
    "keys": ("keys", "services", "service_codes", "codes", "key", "service_code"),
    "id": ("id", "frid", "facility_id", "locator_id"),
    "longitude": ("longitude", "lon", "lng", "long", "x"), "latitude": ("latitude", "lat", "y"),
    "updated": ("last_update", "last_updated", "updated", "update_date"),
}
REQUIRED = ("name1", "city", "state", "zip", "keys")
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "needs", "payment", "serves",
    "languages", "moud", "tags", "phones", "website", "location", "source", "source_id",
    "last_verified", "verified_how", "listed_as_of", "listed_from", "last_changed",
})
# fmt: on

_CODE = re.compile(r"[A-Z][A-Z0-9]*\Z")
_PHONE_PIECE = re.compile(r"[\d()\s.x-]+\Z")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})([-_.]?)(\d{2})\2(\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(199\d|20\d\d)(?!\d)")
# A second place inside one cell ("… Springfield, IL 62701"), or a phone number inside a name:
# a PDF scrape that missed where one program ends and the next begins.
_STATE_ZIP_INSIDE = re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")
_PHONE_INSIDE = re.compile(r"\(?\b\d{3}\)?[\s.-]*\d{3}[\s.-]\d{4}\b")
_ZIP_ANYWHERE = re.compile(r"\d{5}")


def read_samhsa(path: Path | str, today: dt.date | None = None) -> ImportBatch:
    """Read a locator export; raises UnreadableSource when it is not one."""
    path = Path(path)
    return parse_samhsa(read_source(path), path.name, today or dt.date.today(), label=str(path))


def source_date(file_name: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """The date a locator export speaks for, from its file name (the rows carry none).

    ``otp-2015.csv`` is data from 2015: its entries are dated the first day of that year, the
    conservative reading, so they never look fresher than they are.
    """
    match = _DATE_IN_NAME.search(file_name)
    if match:
        try:
            day = dt.date(int(match[1]), int(match[3]), int(match[4]))
            if day <= today:
                return day, f"entries dated {day.isoformat()}, the date in the file name"
        except ValueError:
            pass
    match = _YEAR_IN_NAME.search(file_name)
    if match and int(match.group(1)) <= today.year:
        day = dt.date(int(match.group(1)), 1, 1)
        return day, (
            f"entries dated {day.isoformat()}: the file name says {match.group(1)} and the rows carry no dates"
        )
    return None, None


def parse_samhsa(text: str, file_name: str, today: dt.date, label: str | None = None) -> ImportBatch:
    """Entries from the text of a locator CSV export; pure apart from the ZIP table lookups.

    ``file_name`` names the output file and may date the export; ``label`` names the source in errors.
    """
    table = read_table(text, label or file_name)
    columns = table.columns(COLUMNS, REQUIRED, what="SAMHSA locator export")
    batch = ImportBatch(SOURCE, f"samhsa-{slug(Path(file_name).stem) or 'locator'}", fields=FIELDS)
    file_date, date_note = source_date(file_name, today)
    batch.provenance = Provenance(file_date, EXPORT, date_note or "the file name carries no date and the rows none")
    has_ids = "id" in columns
    if not has_ids:
        batch.notes.append(
            "no ID column: ids are made from the ZIP code, the street and the main phone, "
            "so a program renamed in a later export is updated, not added again"
        )
    width = len(table.header)
    for line, cells in table.rows:
        batch.read += 1
        progress.advance()
        label = _row_label(line, cell(cells, columns, "id"))
        extra = [value for value in cells[width:] if value.strip()]
        if extra:
            batch.skip(
                label,
                f"the row has {len(cells)} cells but the header has {width}: "
                "a comma inside a field shifted the columns",
            )
            continue
        _convert_row(batch, label, {name: cell(cells, columns, name) for name in COLUMNS}, today)
    disambiguate_shared_ids(batch, "locator ID" if has_ids else "the ZIP code, street and phone")
    return stamped(batch)


def _row_label(line: int, locator_id: str) -> str:
    locator_id = clean_field(locator_id)
    return f"line {line}" + (f" (ID {locator_id})" if locator_id else "")


def run_together(values: dict, codes: list[str]) -> str | None:
    """Why a row looks like several programs a PDF scrape ran together, or None."""
    for key in ("name1", "name2", "name3", "address1", "address2", "address3", "city"):
        found = _STATE_ZIP_INSIDE.search(values[key] or "")
        if found:
            return f"{key} holds a second place ('{found.group(0)}')"
    for key in ("name1", "name2", "name3", "city"):
        if _PHONE_INSIDE.search(values[key] or ""):
            return f"{key} holds a phone number"
    if len(_ZIP_ANYWHERE.findall(values["zip"] or "")) > 1:
        return f"the ZIP code cell holds several ('{values['zip']}')"
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if len(repeated) >= 2:
        return f"the service codes repeat ({', '.join(repeated[:5])}): two programs' code lists"
    return None


def _convert_row(batch: ImportBatch, label: str, raw: dict[str, str], today) -> None:
    values = {name: clean_field(value) for name, value in raw.items()}
    all_codes, note = _codes_and_note(batch, label, values)
    merged = run_together(values, all_codes)
    if merged:
        batch.skip(label, f"looks like several programs run together by a PDF scrape: {merged}; check the source")
        return
    codes = list(dict.fromkeys(all_codes))

    written = [values[key] for key in ("name1", "name2", "name3") if values[key]]
    names = [title_case_shouting(name) for name in written]
    shouting = names != written
    addresses = [values[key] for key in ("address1", "address2", "address3") if values[key]]
    street, address_2 = street_lines(batch, label, names, addresses)
    if not names:
        if not street:
            batch.skip(label, "no program name and no street address")
            return
        kind = "Opioid treatment program" if is_otp(codes, LEGACY) else "Treatment program"
        names = [f"{kind} at {street}"]
        batch.repair(label, f"no program name in the row: named '{names[0]}'")
    name, organization = program_name(names)
    if shouting:
        batch.repair(label, f"name in capitals written as '{name}'")

    place = location(batch, label, values, street, address_2)
    if place is None:
        return
    numbers = phones(batch, label, values)
    entry = {
        "id": entry_id("samhsa", values["id"]) if values["id"] else stable_id("samhsa", place, numbers),
        "name": name,
        "organization": organization,
        "category": "moud_provider" if is_moud(codes, LEGACY) else "treatment_program",
        "description": note,
    }
    entry.update(map_codes(codes, LEGACY))
    entry["phones"] = numbers
    entry["website"] = clean_url(values["website"])
    entry["location"] = place
    changed = parse_date(values["updated"])
    entry.update(
        source=SOURCE,
        source_id=values["id"],
        last_changed=changed.isoformat() if changed and changed <= today else None,
    )
    batch.add(label, {key: value for key, value in entry.items() if value not in (None, [], {})})


def _codes_and_note(batch: ImportBatch, label: str, values: dict) -> tuple[list[str], str | None]:
    """The service codes (repeats kept, to spot run-together rows), and the note, undoing the
    shift a comma in the phone field causes.

    In such rows the phone's tail lands in Note and the note's words in Keys
    (``Methadone/and/Buprenorphine/Clients/Only/SAF/…``).
    """
    tokens = [token for token in re.split(r"[/;,|\s]+", values["keys"] or "") if token]
    leading_words = []
    while tokens and not _CODE.match(tokens[0]):
        leading_words.append(tokens.pop(0))
    stray = [token for token in tokens if not _CODE.match(token)]
    codes = [token for token in tokens if _CODE.match(token)]
    note = values["note"]
    contact = values["contact"]
    if note and contact and _PHONE_PIECE.match(note) and find_phones(contact)[1]:
        glue = "" if contact.endswith(("-", ")")) else " "
        values["contact"] = f"{contact}{glue}{note}"
        batch.repair(
            label,
            f"a comma in the phone field split a number into the Note column: phones rejoined as '{values['contact']}'",
        )
        note = None
    if leading_words:
        spilled_note = " ".join(leading_words)
        batch.repair(label, f"note words '{spilled_note}' had shifted into Keys: moved to the description")
        note = f"{note} {spilled_note}" if note else spilled_note
    if stray:
        codes.extend(stray)  # kept as tags: never dropped
    return codes, note
