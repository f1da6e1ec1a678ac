"""SAMHSA treatment-locator exports: a CSV with a slash-separated ``Keys`` column of service codes.

Columns are found by name (other years order them differently and add or drop some). Each row
becomes one entry ``samhsa-<locator id>``; the codes map to need, payment and who-is-served codes
as ../shared/CONTRACT.md lists them, and every code without a mapping is kept in ``tags``.
Odd rows are repaired where the repair is certain and reported either way: phone numbers split
across columns by a stray comma, street addresses in the name column, ZIP codes that lost their
leading zero, swapped or missing coordinates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from navigator.formats.batch import ImportBatch
from navigator.formats.cleaning import (
    check_coordinates,
    clean_field,
    clean_url,
    clean_zip,
    entry_id,
    find_phones,
    parse_date,
    phone_digits,
    slug,
    title_case_shouting,
    verified_date,
)
from navigator.formats.tables import cell, read_source, read_table
from navigator.search.places import US_STATE_TIMEZONES, zip_centroid

SOURCE = "samhsa"

# Tables of codes read better packed than one per line.
# fmt: off
COLUMNS = {
    "name1": ("name1", "name_1", "name", "facility_name", "facility"), "name2": ("name2", "name_2"),
    "name3": ("name3", "name_3"),
    "address1": ("address1", "address_1", "street1", "street_1", "address", "street"),
    "address2": ("address2", "address_2", "street2", "street_2"),
    "address3": ("address3", "address_3", "street3"), "city": ("city",),
    "state": ("state", "st", "state_code"),
    "zip": ("zip_code", "zip", "zipcode", "zip5", "postal_code"),
    "contact": ("contact", "phone", "phone1", "telephone", "main_phone"),
    "intake1": ("intake1", "intake", "intake_phone", "intake_1"),
    "intake2": ("intake2", "intake_2"), "hotline": ("hotline", "hotline1", "crisis_phone"),
    "website": ("website", "url", "web_site", "web"), "note": ("note", "notes"),
    "keys": ("keys", "services", "service_codes", "codes"),
    "id": ("id", "frid", "facility_id", "locator_id"),
    "longitude": ("longitude", "lon", "lng", "long", "x"), "latitude": ("latitude", "lat", "y"),
    "updated": ("last_update", "last_updated", "updated", "update_date"),
}
REQUIRED = ("name1", "city", "state", "zip", "keys")
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "needs", "payment", "serves",
    "languages", "moud", "tags", "phones", "website", "location", "source", "source_id",
    "last_verified", "verified_how",
})

METHADONE = ("MM", "DM", "MMW", "METH")
BUPRENORPHINE = ("BU", "BUM", "BMW", "DB", "BWN", "BWON")
NALTREXONE = ("NXN", "VTRL", "NU", "RPN")
MEDICATION_CODES = {
    **{code: "methadone" for code in METHADONE},
    **{code: "buprenorphine" for code in BUPRENORPHINE},
    **{code: "naltrexone" for code in NALTREXONE},
}
OTP_CODES = frozenset({"OTP", "OTPA"})
NEEDS = {"OP": "outpatient", "RES": "residential", "DT": "detox", "CT": "telehealth",
         "TELE": "telehealth"}
PAYMENT = {
    "MD": "medicaid", "MC": "medicare", "PI": "private_insurance", "SF": "self_pay",
    "SS": "sliding_fee", "NP": "free", "MI": "military_insurance", "ITU": "ihs_tribal",
    "IHS": "ihs_tribal",
}
SERVES = {
    "WN": "women", "MN": "men", "PW": "pregnant_postpartum", "VET": "veterans", "GL": "lgbtq",
    "CJ": "justice_involved", "SE": "seniors", "AH": "deaf_hard_of_hearing", "ADLT": "adults",
    "CHLD": "youth", "YAD": "youth",
}
LANGUAGES = {
    "SP": "es", "F4": "ar", "F17": "zh", "F28": "fr", "F70": "ru", "F81": "tl", "F92": "vi",
    "N23": "nv",
}
# fmt: on
MIN_CUT_NAME = 20  # the export cuts names at about 36 characters
MEDICATION_ORDER = ("buprenorphine", "methadone", "naltrexone")

_CODE = re.compile(r"[A-Z][A-Z0-9]*\Z")
_PHONE_PIECE = re.compile(r"[\d()\s.x-]+\Z")
_STREET_START = re.compile(
    r"(?:\d+[A-Za-z]?(?:-\d+)?(?:\s+\d/\d)?\s+[A-Za-z0-9]|p\.?\s?o\.?\s+box\b"
    r"|(?:carr|carretera|calle|avenida|km)\b)",
    re.IGNORECASE,
)
_STREET_END = re.compile(
    r"\b(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|highway|hwy|court|ct|"
    r"place|pl|parkway|pkwy|pike|turnpike|circle|cir|square|sq|terrace|trail|route|rte|plaza|"
    r"broadway|expressway|freeway)\.?\Z",
    re.IGNORECASE,
)
_NAME_CONTINUES = re.compile(r"(?:\b(?:for|of|at|and|the|de|del|y|in|on|to)|[-/&,])\Z", re.IGNORECASE)
_COMPANY_END = re.compile(r"\b(?:inc|llc|lp|llp|corp|corporation|ltd|pc|pllc)\.?\Z", re.IGNORECASE)
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(199\d|20\d\d)(?!\d)")


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
            day = dt.date(*map(int, match.groups()))
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

    ``file_name`` names the output file and may date the rows; ``label`` names the source in errors.
    """
    table = read_table(text, label or file_name)
    columns = table.columns(COLUMNS, REQUIRED, what="SAMHSA locator export")
    batch = ImportBatch(SOURCE, f"samhsa-{slug(Path(file_name).stem) or 'locator'}", fields=FIELDS)
    file_date, date_note = source_date(file_name, today)
    if date_note:
        batch.notes.append(date_note)
    if "id" not in columns:
        batch.notes.append("no ID column: ids are made from the ZIP code and the program name")
    width = len(table.header)
    for line, cells in table.rows:
        batch.read += 1
        label = _row_label(line, cell(cells, columns, "id"))
        extra = [value for value in cells[width:] if value.strip()]
        if extra:
            batch.skip(
                label,
                f"the row has {len(cells)} cells but the header has {width}: "
                "a comma inside a field shifted the columns",
            )
            continue
        _convert_row(batch, label, {name: cell(cells, columns, name) for name in COLUMNS}, file_date, today)
    _disambiguate_shared_ids(batch)
    return batch


def _row_label(line: int, locator_id: str) -> str:
    locator_id = clean_field(locator_id)
    return f"line {line}" + (f" (ID {locator_id})" if locator_id else "")


def _convert_row(batch: ImportBatch, label: str, raw: dict[str, str], file_date, today) -> None:
    values = {name: clean_field(value) for name, value in raw.items()}
    codes, note = _codes_and_note(batch, label, values)

    written = [values[key] for key in ("name1", "name2", "name3") if values[key]]
    names = [title_case_shouting(name) for name in written]
    shouting = names != written
    addresses = [values[key] for key in ("address1", "address2", "address3") if values[key]]
    street, address_2 = _street(batch, label, names, addresses)
    if not names:
        if not street:
            batch.skip(label, "no program name and no street address")
            return
        kind = "Opioid treatment program" if _is_otp(codes) else "Treatment program"
        names = [f"{kind} at {street}"]
        batch.repair(label, f"no program name in the row: named '{names[0]}'")
    name, organization = _program_name(names)
    if shouting:
        batch.repair(label, f"name in capitals written as '{name}'")

    location = _location(batch, label, values, street, address_2)
    if location is None:
        return

    entry = {
        "id": entry_id("samhsa", values["id"] or f"{location['zip']}-{slug(name, 40)}"),
        "name": name,
        "organization": organization,
        "category": "moud_provider" if _is_moud(codes) else "treatment_program",
        "description": note,
    }
    entry.update(_mapped_codes(codes))
    phones = _phones(batch, label, values)
    if phones:
        entry["phones"] = phones
    website = clean_url(values["website"])
    if website:
        entry["website"] = website
    entry["location"] = location
    entry.update(
        source=SOURCE,
        source_id=values["id"],
        last_verified=verified_date(parse_date(values["updated"]) or file_date, today),
        verified_how="import",
    )
    batch.add(label, {key: value for key, value in entry.items() if value not in (None, [], {})})


def _codes_and_note(batch: ImportBatch, label: str, values: dict) -> tuple[list[str], str | None]:
    """The service codes, and the note, undoing the shift a comma in the phone field causes.

    In such rows the phone's tail lands in Note and the note's words in Keys
    (``Methadone/and/Buprenorphine/Clients/Only/SAF/…``).
    """
    tokens = [token for token in re.split(r"[/;,|\s]+", values["keys"] or "") if token]
    leading_words = []
    while tokens and not _CODE.match(tokens[0]):
        leading_words.append(tokens.pop(0))
    stray = [token for token in tokens if not _CODE.match(token)]
    codes = list(dict.fromkeys(token for token in tokens if _CODE.match(token)))
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


def _starts_like_street(text: str) -> bool:
    return bool(_STREET_START.match(text))


def _is_street_address(text: str) -> bool:
    return _starts_like_street(text) and bool(_STREET_END.search(text))


def _street(batch: ImportBatch, label: str, names: list[str], addresses: list[str]) -> tuple[str | None, str | None]:
    """The street address and second address line; moves addresses out of ``names`` in place."""
    if names and _is_street_address(names[0]) and not (addresses and _starts_like_street(addresses[0])):
        moved = names.pop(0)
        addresses.insert(0, moved)
        batch.repair(label, f"the name column holds the street address '{moved}': used as the address")
    # An address line repeating a name line cut off by the export's column width is that name.
    for address in list(addresses):
        for index, name in enumerate(names):
            shorter, longer = sorted((name.lower(), address.lower()), key=len)
            if len(shorter) >= MIN_CUT_NAME and longer.startswith(shorter):
                names[index] = max(name, address, key=len)
                addresses.remove(address)
                break
    if not any(_starts_like_street(address) for address in addresses):
        for name in names[1:]:
            if _starts_like_street(name):
                names.remove(name)
                addresses.insert(0, name)
                batch.repair(label, f"street address '{name}' was in a name column: used as the address")
                break
    if not addresses:
        return None, None
    street_index = next((index for index, address in enumerate(addresses) if _starts_like_street(address)), 0)
    street = addresses.pop(street_index)
    if street_index:
        batch.repair(
            label,
            f"street address '{street}' was on address line {street_index + 1}: "
            "the lines before it kept as the second address line",
        )
    return street, ", ".join(addresses) or None


def _program_name(names: list[str]) -> tuple[str, str]:
    """(name, organization) from the name lines: a ``DBA`` line names it, cut lines join."""
    name = organization = names[0]
    for part in names[1:]:
        if part.lower().startswith(("dba ", "d/b/a ")):
            name = part.split(" ", 1)[1].strip()
        elif _NAME_CONTINUES.search(name) or part[:1].islower() or part.startswith("(") or _COMPANY_END.search(part):
            joined = f"{name} {part}"
            if organization == name:
                organization = joined
            name = joined
        else:
            name = f"{name} — {part}"
    return name, organization


def _location(batch: ImportBatch, label: str, values: dict, street, address_2) -> dict | None:
    state = (values["state"] or "").upper()
    if state not in US_STATE_TIMEZONES:
        batch.skip(label, f"state '{values['state'] or ''}' is not a US state or territory code")
        return None
    if not values["city"]:
        batch.skip(label, "no city")
        return None
    zip_code, zip_note = clean_zip(values["zip"])
    if not values["zip"]:
        batch.skip(label, "no ZIP code")
        return None
    if zip_code is None or zip_centroid(zip_code) is None:
        batch.skip(
            label,
            f"ZIP '{values['zip']}' is not a known ZIP code" + (f" ({zip_note})" if zip_note and zip_code else ""),
        )
        return None
    if zip_note:
        batch.repair(label, zip_note)
    latitude, longitude, coordinate_note = check_coordinates(values["latitude"], values["longitude"])
    if coordinate_note:
        batch.repair(label, coordinate_note)
    location = {
        "address": street,
        "address_2": address_2,
        "city": values["city"],
        "state": state,
        "zip": zip_code,
        "latitude": latitude,
        "longitude": longitude,
    }
    if not street:
        batch.repair(label, "no street address in the row: only the city and ZIP are known")
    return {key: value for key, value in location.items() if value is not None}


def _is_otp(codes: list[str]) -> bool:
    return bool(OTP_CODES.intersection(codes)) or any(code in METHADONE for code in codes)


def _is_moud(codes: list[str]) -> bool:
    return bool(OTP_CODES.intersection(codes) or any(code in MEDICATION_CODES for code in codes))


def _mapped_codes(codes: list[str]) -> dict:
    needs, payment, serves, languages, medications, tags = [], [], [], [], set(), []
    for code in codes:
        if code in MEDICATION_CODES:
            medications.add(MEDICATION_CODES[code])
        elif code in OTP_CODES:
            medications.add("methadone")  # an opioid treatment program is where methadone is given
        elif code in NEEDS:
            needs.append(NEEDS[code])
        elif code in PAYMENT:
            payment.append(PAYMENT[code])
        elif code in SERVES:
            serves.append(SERVES[code])
        elif code in LANGUAGES:
            languages.append(LANGUAGES[code])
        else:
            tags.append(code)
    mapped = {
        "needs": list(dict.fromkeys(needs)),
        "payment": list(dict.fromkeys(payment)),
        "serves": list(dict.fromkeys(serves)),
        # English is the locator's own language; other languages are listed in addition to it.
        "languages": ["en", *dict.fromkeys(languages)] if languages else [],
    }
    if medications:
        moud = {"medications": [name for name in MEDICATION_ORDER if name in medications]}
        if _is_otp(codes):
            moud["setting"] = "otp"
        mapped["moud"] = moud
    mapped["tags"] = list(dict.fromkeys(tags))
    return mapped


def _phones(batch: ImportBatch, label: str, values: dict) -> list[dict]:
    """Typed phones: the locator's ``Contact`` holds the main number, then ``Intake:`` numbers."""
    phones: list[dict] = []
    seen: set[str] = set()

    def add(number: str, kind: str, description: str | None) -> None:
        key = phone_digits(number)
        if key in seen:
            return
        seen.add(key)
        phone = {"number": number, "type": kind}
        if description:
            phone["description"] = description
        phones.append(phone)

    contact = values["contact"] or ""
    intake_at = re.search(r"intakes?\s*:", contact, re.IGNORECASE)
    found, fragments = find_phones(contact)
    intake_numbers = [number for number, position in found if intake_at and position > intake_at.start()]
    main_numbers = [number for number, position in found if not (intake_at and position > intake_at.start())]
    for key in ("intake1", "intake2"):
        numbers, more_fragments = find_phones(values[key])
        intake_numbers.extend(number for number, _ in numbers)
        fragments.extend(more_fragments)
    for number in intake_numbers:
        add(number, "intake", "Intake")
    for number in main_numbers:
        add(number, "voice", "Main number")
    hotline, more_fragments = find_phones(values["hotline"])
    fragments.extend(more_fragments)
    for number, _ in hotline:
        add(number, "hotline", "Hotline")
    for fragment in fragments:
        batch.repair(label, f"incomplete phone number '{fragment}' left out")
    return phones


def _disambiguate_shared_ids(batch: ImportBatch) -> None:
    """Give rows sharing one locator ID (several programs at one address) distinct, stable ids.

    The locator ID is built from the address, so two programs in one building share it. Each then
    gets the program name added, which stays the same from one export to the next.
    """
    counts = Counter(record.entry["id"] for record in batch.records)
    taken = set(counts)
    for record in batch.records:
        entry = record.entry
        if counts[entry["id"]] < 2:
            continue
        shared = entry["id"]
        candidate = entry_id(shared, slug(entry["name"], 50))
        number = 2
        unique = candidate
        while unique in taken:
            unique = f"{candidate}-{number}"
            number += 1
        taken.add(unique)
        entry["id"] = unique
        batch.repair(
            record.record,
            f"locator ID {entry['source_id']} is shared by {counts[shared]} programs "
            f"at the same address: id '{unique}'",
        )
