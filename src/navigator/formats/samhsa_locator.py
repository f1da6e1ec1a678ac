"""What SAMHSA's locator exports and FindTreatment.gov's listing share: a facility row's name lines,
street lines, place and phones, and ids made from fields that stay put when a program is renamed.

Both publish a facility as name lines, address lines, city, state, ZIP and phone columns, and
neither reliably carries an id (the 2017 national directory, scraped from a PDF, has none; the
FindTreatment listing has none). An id is then made from the ZIP code, the street address and the
main phone number: a program renamed in next year's export keeps its id and is updated, not
listed twice. Programs sharing all three (several at one address and switchboard) add their name.
"""

from __future__ import annotations

import re
from collections import Counter

from navigator.formats.batch import ImportBatch, ImportedRecord
from navigator.formats.cleaning import check_coordinates, clean_zip, entry_id, find_phones, phone_digits, slug
from navigator.search.places import US_STATE_TIMEZONES, zip_centroid

MIN_CUT_NAME = 20  # the export cuts names at about 36 characters

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


def starts_like_street(text: str) -> bool:
    return bool(_STREET_START.match(text))


def is_street_address(text: str) -> bool:
    return starts_like_street(text) and bool(_STREET_END.search(text))


def street_lines(
    batch: ImportBatch, label: str, names: list[str], addresses: list[str]
) -> tuple[str | None, str | None]:
    """The street address and second address line; moves addresses out of ``names`` in place."""
    if names and is_street_address(names[0]) and not (addresses and starts_like_street(addresses[0])):
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
    if not any(starts_like_street(address) for address in addresses):
        for name in names[1:]:
            if starts_like_street(name):
                names.remove(name)
                addresses.insert(0, name)
                batch.repair(label, f"street address '{name}' was in a name column: used as the address")
                break
    if not addresses:
        return None, None
    street_index = next((index for index, address in enumerate(addresses) if starts_like_street(address)), 0)
    street = addresses.pop(street_index)
    if street_index:
        batch.repair(
            label,
            f"street address '{street}' was on address line {street_index + 1}: "
            "the lines before it kept as the second address line",
        )
    return street, ", ".join(addresses) or None


def program_name(names: list[str]) -> tuple[str, str]:
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


def location(batch: ImportBatch, label: str, values: dict, street, address_2) -> dict | None:
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


def phones(batch: ImportBatch, label: str, values: dict) -> list[dict]:
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


def stable_id(prefix: str, place: dict, numbers: list[dict]) -> str:
    """An id from the ZIP code, the street (the city when there is none) and the main phone."""
    street = place.get("address") or place.get("city") or ""
    main = next((phone["number"] for phone in numbers if phone["type"] == "voice"), None)
    main = main or (numbers[0]["number"] if numbers else "")
    return entry_id(prefix, place["zip"], slug(street, 40), phone_digits(main) if main else "")


def disambiguate_shared_ids(batch: ImportBatch, what: str) -> None:
    """Give rows sharing one id (several programs at one address) distinct, stable ids.

    Each then gets its program name added, which stays the same from one export to the next
    more often than anything else that tells them apart. ``what`` names what they share.
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
        shared_by = f" {entry['source_id']}" if entry.get("source_id") else ""
        batch.repair(record.record, f"{what}{shared_by} is shared by {counts[shared]} programs: id '{unique}'")


def stamped(batch: ImportBatch) -> ImportBatch:
    """``batch`` with its provenance on every entry, so what a reader returns is what is written
    (the runner stamps again, the same way, after a fetch has said when the source was read)."""
    if batch.provenance is not None:
        batch.records = [
            ImportedRecord(record.record, batch.provenance.stamp(record.entry)) for record in batch.records
        ]
    return batch
