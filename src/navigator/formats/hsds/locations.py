"""Where an HSDS service is: a location's address, ZIP code and coordinates made into an entry's
location (repairing what can be repaired), and the states or nation its service areas name.
"""

from __future__ import annotations

import re

from navigator.directory.schema import NATIONAL
from navigator.formats.batch import ImportBatch
from navigator.formats.cleaning import US_COUNTRY_NAMES, check_coordinates, clean_field, clean_zip
from navigator.formats.geography import nearest_zip, zip_city
from navigator.formats.hsds.package import Tables
from navigator.search.places import US_STATE_TIMEZONES, zip_centroid

# fmt: off
STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
    "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
    "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "puerto rico": "PR", "guam": "GU", "virgin islands": "VI", "u.s. virgin islands": "VI",
    "american samoa": "AS", "northern mariana islands": "MP",
}
NATION_WORDS = frozenset({
    NATIONAL, "nationwide", "united states", "usa", "us", "u.s.", "entire us", "all states",
})
# fmt: on


def place_of(batch: ImportBatch, record: str, tables: Tables, location: dict) -> dict:
    """{'location': dict} when the location can be placed, else {'reason': why not}."""
    location_id = location["id"].strip()
    addresses = tables.addresses.get(location_id, [])
    address = next(
        (row for row in addresses if (row.get("country") or "").strip().lower() in US_COUNTRY_NAMES),
        None,
    )
    if addresses and address is None:
        return {"reason": f"location {location_id!r} is outside the United States"}
    latitude, longitude, coordinate_note = check_coordinates(location.get("latitude"), location.get("longitude"))
    name = clean_field(location.get("name")) or location_id
    if address is None and latitude is None:
        return {"reason": f"location '{name}' has no address and no coordinates"}
    state = zip_code = city = street = street_2 = None
    if address is not None:
        state_text = clean_field(address.get("state_province")) or ""
        state = state_text.upper() if state_text.upper() in US_STATE_TIMEZONES else STATE_NAMES.get(state_text.lower())
        zip_code, zip_note = clean_zip(address.get("postal_code"))
        if zip_note and zip_code:
            batch.repair(record, zip_note)
        if zip_code and zip_centroid(zip_code) is None:
            batch.repair(record, f"ZIP {zip_code} is not a known ZIP code: left out")
            zip_code = None
        city = clean_field(address.get("city"))
        street = clean_field(address.get("address_1"))
        street_2 = (
            ", ".join(
                part for key in ("address_2", "address_3", "address_4") if (part := clean_field(address.get(key)))
            )
            or None
        )
        if state is None and zip_code:
            state = zip_centroid(zip_code).state
    if zip_code is None and latitude is not None:
        zip_code = nearest_zip(latitude, longitude, state)
        if zip_code is None:
            return {"reason": f"location '{name}': no ZIP code, and its coordinates are not near a US ZIP code"}
        state = state or zip_centroid(zip_code).state
        batch.repair(record, f"no ZIP code: used {zip_code}, the ZIP code nearest its coordinates")
    if zip_code is None or state is None:
        return {"reason": f"location '{name}' has no usable ZIP code or state"}
    if latitude is None or coordinate_note:
        batch.repair(record, coordinate_note)
    placed = {
        "address": street,
        "address_2": street_2,
        "city": city or zip_city(zip_code),
        "state": state,
        "zip": zip_code,
        "latitude": latitude,
        "longitude": longitude,
    }
    return {"location": {key: value for key, value in placed.items() if value is not None}}


def service_areas(rows) -> list[str]:
    areas = []
    for row in rows:
        text = (clean_field(row.get("service_area")) or clean_field(row.get("name")) or "").strip()
        for part in re.split(r"[,;]", text):
            part = part.strip()
            if part.lower() in NATION_WORDS:
                areas.append(NATIONAL)
            elif part.upper() in US_STATE_TIMEZONES:
                areas.append(part.upper())
            elif part.lower() in STATE_NAMES:
                areas.append(STATE_NAMES[part.lower()])
    return [NATIONAL] if NATIONAL in areas else list(dict.fromkeys(areas))
