"""HSDS data packages as directory entries: ``read_hsds`` is the importer behind ``import hsds``.

One entry per service at a location, ``hsds-<service id>-<location id>``; a service with no
location becomes a remote entry when its service areas name states or the nation. A service
matching no recovery category (``classify``) is skipped with its terms named.

Packages written by ``navigator export hsds`` carry a marker and an ``x_navigator`` column holding
what HSDS has no place for (category blocks, time zone); reading one back restores the entries
exactly, ids included.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from navigator.directory.vocabulary import load_vocabulary
from navigator.formats.batch import EXPORT, ImportBatch, Provenance
from navigator.formats.cleaning import (
    clean_email,
    clean_field,
    clean_url,
    entry_id,
    parse_date,
    slug,
    title_case_shouting,
    verified_date,
)
from navigator.formats.hsds.api import looks_like_json, read_api_json
from navigator.formats.hsds.classify import Labels, coded_texts, map_terms, map_terms_cached, service_terms
from navigator.formats.hsds.details import (
    accessibility_text,
    accreditations,
    entry_status,
    html_to_text,
    readable_name,
    service_description,
    service_languages,
    service_phones,
    signs_asl,
)
from navigator.formats.hsds.locations import place_of, service_areas
from navigator.formats.hsds.package import EXTENSION_COLUMN, TABLE_FILES, Package, Tables, open_package
from navigator.formats.hsds.schedules import opening_hours, weekly_periods
from navigator.formats.tables import JsonTooDeep, load_json
from navigator.settings import load_settings

SOURCE = "hsds"
# The entry fields an import may write; a table of words reads better packed than one per line.
# fmt: off
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "status", "needs", "payment", "serves",
    "eligibility", "languages", "accessibility", "application_process", "required_documents",
    "fees", "website", "email", "phones", "location", "service_area", "hours", "moud", "meeting",
    "housing", "employment", "timezone", "tags", "source", "source_id", "last_verified",
    "verified_how", "sample", "listed_as_of", "listed_from", "last_changed",
})
# What an export of ours carries in x_navigator so that importing it gives the same entries back.
ROUND_TRIP_FIELDS = ("source", "source_id", "verified_how", "listed_as_of", "listed_from", "last_changed")
CALL_FOR_TIMES = "Call for meeting times: the source lists none."
# fmt: on


def read_hsds(path: Path | str, today: dt.date | None = None, source_url: str | None = None) -> ImportBatch:
    """Read a data package (folder or .zip) or HSDS 3.0 API JSON; raises UnreadableSource when it is neither.

    A package is an export: its entries are listed as of the package's own date. API JSON is live:
    listed as of its fetch (for a file, when it was saved). ``source_url``: where API JSON came
    from, so the further pages of a paginated list are fetched too.
    """
    path = Path(path)
    name = path.name
    if path.is_file() and (name.lower().endswith(".json") or looks_like_json(path)):
        package, listed = read_api_json(path, source_url)
        return convert_package(package, path.stem, today or dt.date.today(), listed)
    package = open_package(path)
    if name.lower().endswith(".zip"):
        name = name[:-4]
    return convert_package(package, name, today or dt.date.today())


def convert_package(package: Package, name: str, today: dt.date, listed: Provenance | None = None) -> ImportBatch:
    """Entries from an opened package; pure apart from the ZIP table lookups."""
    vocabulary = load_vocabulary(load_settings().directory)
    tables = Tables(package)
    batch = ImportBatch(SOURCE, f"hsds-{slug(name) or 'package'}", fields=FIELDS)
    batch.notes.extend(tables.notes)
    if package.from_navigator:
        # Each entry keeps the dates, source and ids it was exported with (a lossless round trip).
        batch.notes.append("a package written by navigator export hsds: entries keep their ids")
    else:
        batch.provenance = listed or package_date(package, tables)
    missing = [
        table
        for table in TABLE_FILES
        if not package.has(table)
        and table in ("location", "service_at_location", "physical_address", "taxonomy", "service_taxonomy")
    ]
    if missing:
        batch.notes.append(f"the package has no {', '.join(missing)} table{'s' if len(missing) > 1 else ''}")
    labels = Labels(vocabulary)
    located: set[str] = set()
    for row in tables.at_location:
        service_id, location_id = row["service_id"].strip(), row["location_id"].strip()
        located.add(service_id)
        service = tables.services.get(service_id)
        location = tables.locations.get(location_id)
        batch.read += 1
        record = (
            f"service {service_id!r}"
            + (f" ({clean_field(service['name'])})" if service else "")
            + f" at location {location_id!r}"
        )
        if service is None:
            batch.skip(record, "services_at_location names a service the services table does not have")
            continue
        if location is None:
            batch.skip(record, "services_at_location names a location the locations table does not have")
            continue
        _convert(batch, record, tables, labels, package, service, location, row, today)
    for service_id, service in tables.services.items():
        if service_id in located:
            continue
        batch.read += 1
        record = f"service {service_id!r} ({clean_field(service['name'])})"
        _convert(batch, record, tables, labels, package, service, None, None, today)
    return batch


def _convert(
    batch: ImportBatch,
    record: str,
    tables: Tables,
    labels: Labels,
    package: Package,
    service: dict,
    location: dict | None,
    at_location: dict | None,
    today: dt.date,
) -> None:
    service_id = service["id"].strip()
    name = clean_field(service.get("name"))
    if not name:
        batch.skip(record, "the service has no name")
        return
    organization_row = tables.organizations.get((service.get("organization_id") or "").strip())
    organization = clean_field(organization_row.get("name")) if organization_row else None
    if not package.from_navigator:
        organization = title_case_shouting(organization) if organization else None
        name = readable_name(name, organization)
    extension = _extension(batch, record, service) if package.from_navigator else {}

    terms = service_terms(tables, service)
    mapped = map_terms_cached(terms, labels, package.from_navigator)
    if mapped["category"] is None:
        by_name = map_terms([{"name": name}], labels, False)
        if by_name["category"]:
            mapped = {**by_name, "tags": mapped["tags"]}
            batch.repair(
                record,
                f"no taxonomy term maps to a category: '{by_name['category']}' read from the service name",
            )
    if mapped["category"] is None:
        shown = ", ".join(repr(term.get("name") or term.get("id")) for term in terms) or "none"
        batch.skip(
            record,
            f"not a recovery service: no taxonomy term or name maps to a category (terms: {shown})",
        )
        return

    place = place_of(batch, record, tables, location) if location is not None else None
    entry: dict = {
        "id": extension["id"]
        if package.from_navigator and _valid_id(str(extension.get("id") or ""))
        else service_id
        if package.from_navigator and _valid_id(service_id)
        else entry_id("hsds", service_id, (location or {}).get("id", "").strip()),
        "name": name,
        "organization": organization or name,
        "category": mapped["category"],
        "description": service_description(service, location, at_location, name, organization),
        "status": entry_status(batch, record, service.get("status")),
        "needs": mapped["needs"],
    }
    payment, unknown_payments = coded_texts(tables.payments.get(service_id, ()), "payment", labels.payment)
    serves, eligibility_texts = coded_texts(tables.eligibility.get(service_id, ()), "eligibility", labels.serves)
    eligibility_texts = [*eligibility_texts, *filter(None, [html_to_text(service.get("eligibility_description"))])]
    entry.update(
        payment=list(dict.fromkeys([*payment, *mapped["payment"]])),
        serves=list(dict.fromkeys([*serves, *mapped["serves"]])),
        eligibility="; ".join(eligibility_texts) or None,
    )
    entry["languages"] = service_languages(batch, record, tables, service_id, location, package.from_navigator)
    if signs_asl(tables, service_id, location):
        entry["serves"] = list(dict.fromkeys([*entry["serves"], "deaf_hard_of_hearing"]))
    entry["accessibility"] = [
        text
        for row in tables.accessibility.get((location or {}).get("id", "").strip(), ())
        if (text := accessibility_text(row))
    ]
    entry["application_process"] = html_to_text(service.get("application_process"))
    entry["required_documents"] = [
        text for row in tables.documents.get(service_id, ()) if (text := clean_field(row.get("document")))
    ]
    entry["fees"] = html_to_text(service.get("fees_description")) or html_to_text(service.get("fees"))
    entry["website"] = (
        clean_url(service.get("url"))
        or clean_url((organization_row or {}).get("url"))
        or clean_url((organization_row or {}).get("website"))
    )
    entry["email"] = clean_email(service.get("email")) or clean_email((organization_row or {}).get("email"))
    entry["phones"] = service_phones(
        batch, record, tables, service, location, at_location, extension, package.from_navigator
    )
    areas = service_areas(tables.areas.get(service_id, ()))
    if place is not None and place.get("location"):
        entry["location"] = place["location"]
    elif not areas:
        reason = place["reason"] if place else "no location"
        batch.skip(record, f"{reason}, and no service area names a state or the nation")
        return
    elif place:
        batch.repair(record, f"{place['reason']}: listed as a remote service for {', '.join(areas)}")
    entry["service_area"] = areas
    periods = weekly_periods(batch, record, tables, service_id, location, at_location)
    entry["tags"] = list(dict.fromkeys([*mapped["tags"], *unknown_payments, *accreditations(service)]))
    if mapped["category"] == "support_meeting" and "meeting" not in extension:
        if not periods:
            # Kept, as a group to call for its times: skipping it would lose a real group.
            batch.repair(record, "a support group with no meeting times: listed as a group to call for times")
            entry["description"] = "\n\n".join(filter(None, [entry.get("description"), CALL_FOR_TIMES]))
        extension["meeting"] = {
            "fellowship": mapped["fellowship"] or "other",
            "attendance": "in_person" if "location" in entry else "online",
            "times": [
                {"days": days, "start": opens, **({"end": closes} if closes else {})} for days, opens, closes in periods
            ],
        }
    elif periods and "meeting" not in extension:
        entry["hours"] = opening_hours(batch, record, periods)
    if mapped["category"] == "moud_provider" and "moud" not in extension and mapped["medications"]:
        extension["moud"] = {
            "medications": mapped["medications"],
            **({"setting": "otp"} if mapped["otp"] else {}),
        }
    if mapped["employment"] and "employment" not in extension:
        extension["employment"] = {"services": mapped["employment"]}
    for key in ("timezone", "moud", "meeting", "housing", "employment", "sample", "accessibility"):
        if key in extension:
            entry[key] = extension[key]
    changed = _updated(tables, service, location)
    entry.update(
        source=SOURCE,
        source_id=service_id,
        last_verified=verified_date(changed, today),
        verified_how="import",
        last_changed=changed.isoformat() if changed and changed <= today else None,
    )
    if package.from_navigator:
        for key in ROUND_TRIP_FIELDS:  # as exported: the entry's own source, ids and dates
            entry[key] = extension.get(key)
        if "last_verified" in extension:  # None: undated; say so, do not date it by the import
            entry["last_verified"] = extension["last_verified"]
        if "source" not in extension:  # an export from before provenance rode along
            entry.update(source=SOURCE, source_id=service_id, verified_how="import")
    batch.add(record, {key: value for key, value in entry.items() if value not in (None, "", [], {})})


def _valid_id(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,119}", text))


def _extension(batch: ImportBatch, record: str, service: dict) -> dict:
    text = (service.get(EXTENSION_COLUMN) or "").strip()
    if not text:
        return {}
    try:
        value = load_json(text)
    except (json.JSONDecodeError, JsonTooDeep):
        batch.repair(record, f"the {EXTENSION_COLUMN} column is not valid JSON: left out")
        return {}
    return value if isinstance(value, dict) else {}


def package_date(package: Package, tables: Tables) -> Provenance:
    """A package is an export: listed as of its own date (datapackage.json's ``created`` or
    ``last_modified``), else the newest date it holds, else undated. Never the day of the import."""
    for key in ("last_modified", "lastModified", "last_updated", "created"):
        day = parse_date(package.descriptor.get(key)) if isinstance(package.descriptor.get(key), str) else None
        if day:
            return Provenance(day, EXPORT, f"the package's {key} in datapackage.json")
    if tables.newest:
        return Provenance(tables.newest, EXPORT, "the newest change the package records (it has no date of its own)")
    return Provenance(None, EXPORT, "the package has no date of its own and records none")


def _updated(tables: Tables, service: dict, location: dict | None) -> dt.date | None:
    days = [tables.changed.get(service["id"].strip())]
    days += [tables.updated.get(key) for key in (service["id"].strip(), (location or {}).get("id", "").strip())]
    days = [day for day in days if day]
    return max(days) if days else None
