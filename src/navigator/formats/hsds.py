"""Open Referral HSDS 1.x data packages (a folder with datapackage.json and CSV tables, or a .zip).

One entry per service at a location, ``hsds-<service id>-<location id>``; a service with no
location becomes a remote entry when its service areas name states or the nation. Tables are
found through datapackage.json or by their usual file names, and any table but services and
organizations may be missing. Taxonomy terms (AIRS/211 LA codes and names, Open Eligibility
names, any vocabulary naming substance use treatment, detox, support groups, recovery housing,
employment or harm reduction) map to need codes and a category; the other terms stay as tags.
A service matching no recovery category is skipped with its terms named.

Packages written by ``navigator export hsds`` carry a marker and an ``x_navigator`` column holding
what HSDS has no place for (category blocks, time zone); reading one back restores the entries
exactly, ids included.

Weekdays are read as ISO numbers (1 = Monday … 7 = Sunday, 0 also Sunday) or day names.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import MAX_TEXT, NATIONAL
from navigator.directory.vocabulary import load_vocabulary
from navigator.formats.batch import ImportBatch, UnreadableSource
from navigator.formats.cleaning import (
    US_COUNTRY_NAMES,
    check_coordinates,
    clean_email,
    clean_field,
    clean_url,
    clean_zip,
    entry_id,
    find_phones,
    parse_date,
    parse_time,
    slug,
    verified_date,
)
from navigator.formats.geography import nearest_zip, zip_city
from navigator.formats.tables import decode, normalize_column, read_table
from navigator.search.places import US_STATE_TIMEZONES, zip_centroid
from navigator.search.schedule import WEEKDAYS
from navigator.settings import load_settings

SOURCE = "hsds"
# Tables of words read better packed than one per line.
# fmt: off
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "status", "needs", "payment", "serves",
    "eligibility", "languages", "accessibility", "application_process", "required_documents",
    "fees", "website", "email", "phones", "location", "service_area", "hours", "moud", "meeting",
    "housing", "employment", "timezone", "tags", "source", "source_id", "last_verified",
    "verified_how", "sample",
})

# What navigator's own export writes, so that reading it back is exact.
NAVIGATOR_PROFILE = "recovery-navigator"
EXTENSION_COLUMN = "x_navigator"
NAVIGATOR_VOCABULARY = "Recovery Navigator"
NAVIGATOR_TAG_VOCABULARY = "Recovery Navigator tag"
CATEGORY_TERM_PREFIX = "category:"

# Table name -> the file names it goes by (datapackage.json names resources in the singular).
TABLE_FILES = {
    "organization": ("organizations.csv", "organization.csv"),
    "service": ("services.csv", "service.csv"), "location": ("locations.csv", "location.csv"),
    "service_at_location": ("services_at_location.csv", "service_at_location.csv",
                            "services_at_locations.csv"),
    "phone": ("phones.csv", "phone.csv"),
    "physical_address": ("physical_addresses.csv", "physical_address.csv"),
    "regular_schedule": ("regular_schedules.csv", "regular_schedule.csv"),
    "language": ("languages.csv", "language.csv"),
    "eligibility": ("eligibility.csv", "eligibilities.csv"),
    "taxonomy": ("taxonomy.csv", "taxonomies.csv", "taxonomy_terms.csv", "taxonomy_term.csv"),
    "service_taxonomy": ("services_taxonomy.csv", "service_taxonomy.csv",
                         "services_taxonomies.csv"),
    "service_area": ("service_areas.csv", "service_area.csv"),
    "payment_accepted": ("payments_accepted.csv", "payment_accepted.csv"),
    "accessibility_for_disabilities": ("accessibility_for_disabilities.csv", "accessibility.csv"),
    "required_document": ("required_documents.csv", "required_document.csv"),
    "metadata": ("metadata.csv",),
}
REQUIRED_COLUMNS = {
    "organization": ("id", "name"), "service": ("id", "name"), "location": ("id",),
    "service_at_location": ("service_id", "location_id"),
}

HSDS_STATUS = {
    "active": None, "inactive": "inactive", "defunct": "inactive",
    "temporarily closed": "temporarily_closed", "temporarily_closed": "temporarily_closed",
}
PHONE_TYPES = {
    "voice": "voice", "cell": "voice", "video": "voice", "pager": "voice", "text": "text",
    "sms": "text", "fax": "fax", "textphone": "tty", "tty": "tty", "intake": "intake",
    "hotline": "hotline",
}
DAY_NUMBERS = {
    "0": "sun", "1": "mon", "2": "tue", "3": "wed", "4": "thu", "5": "fri", "6": "sat", "7": "sun",
}
DAY_WORDS = {
    **{day: day for day in WEEKDAYS}, "monday": "mon", "tuesday": "tue", "wednesday": "wed",
    "thursday": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun", "mo": "mon",
    "tu": "tue", "we": "wed", "th": "thu", "fr": "fri", "sa": "sat", "su": "sun",
}
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
# ISO 639-2 codes some packages use instead of ISO 639-1.
ISO_639_2 = {
    "eng": "en", "spa": "es", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "zho": "zh",
    "chi": "zh", "vie": "vi", "kor": "ko", "rus": "ru", "ara": "ar", "tgl": "tl", "por": "pt",
    "ita": "it", "jpn": "ja", "pol": "pl", "hin": "hi", "fas": "fa", "per": "fa", "hat": "ht",
    "som": "so", "amh": "am", "nav": "nv",
}
LANGUAGE_ALIASES = {
    "chinese (mandarin)": "zh", "mandarin": "zh", "cantonese": "zh", "farsi": "fa",
    "haitian creole": "ht", "creole": "ht", "filipino": "tl",
}

# Payment and eligibility texts that mean a code; the vocabulary's own labels are added at use.
PAYMENT_WORDS = {
    "medicaid": "medicaid", "medi-cal": "medicaid", "medicare": "medicare",
    "private insurance": "private_insurance", "insurance": "private_insurance",
    "commercial insurance": "private_insurance", "self pay": "self_pay", "self-pay": "self_pay",
    "cash": "self_pay", "check": "self_pay", "credit card": "self_pay", "debit card": "self_pay",
    "sliding scale": "sliding_fee", "sliding fee": "sliding_fee",
    "sliding fee scale": "sliding_fee", "free": "free", "no fee": "free", "no cost": "free",
    "tricare": "military_insurance", "military insurance": "military_insurance",
    "ihs": "ihs_tribal", "indian health service": "ihs_tribal",
}
ELIGIBILITY_WORDS = {
    "adult": "adults", "adults": "adults", "veteran": "veterans", "veterans": "veterans",
    "senior": "seniors", "seniors": "seniors", "older adults": "seniors", "youth": "youth",
    "young adults": "youth", "teen": "youth", "teens": "youth", "adolescents": "youth",
    "children": "youth", "child": "youth", "women": "women", "woman": "women", "female": "women",
    "men": "men", "man": "men", "male": "men", "pregnant women": "pregnant_postpartum",
    "pregnant": "pregnant_postpartum", "lgbtq": "lgbtq", "lgbt": "lgbtq", "lgbtq+": "lgbtq",
    "deaf": "deaf_hard_of_hearing", "hard of hearing": "deaf_hard_of_hearing",
    "reentry": "justice_involved", "re-entry": "justice_involved",
    "ex-offenders": "justice_involved", "formerly incarcerated": "justice_involved",
}
# fmt: on


@dataclass(frozen=True)
class TermRule:
    pattern: re.Pattern
    category: str | None = None
    needs: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    otp: bool = False
    employment: tuple[str, ...] = ()
    fellowship: str | None = None
    # Applies only when no other rule gives the term a category ("Substance Use Disorder
    # Support Groups" is a support group, not a treatment program).
    fallback: bool = False


def _rule(pattern: str, **kwargs) -> TermRule:
    return TermRule(re.compile(pattern, re.IGNORECASE), **kwargs)


_SUBSTANCE = r"(?:substance|drug|alcohol|addict|chemical dependenc|opioid|sud\b)"
# Read against each term's code, name and parent name. Every rule that matches contributes; the
# category is the first one found in CATEGORY_ORDER.
TERM_RULES = (
    _rule(r"\bdetox|withdrawal management", category="treatment_program", needs=("detox",)),
    _rule(r"methadone", category="moud_provider", medications=("methadone",), otp=True),
    _rule(
        r"opioid treatment program|\bOTP\b",
        category="moud_provider",
        medications=("methadone",),
        otp=True,
    ),
    _rule(
        r"buprenorphine|suboxone|subutex|sublocade",
        category="moud_provider",
        medications=("buprenorphine",),
    ),
    _rule(r"naltrexone|vivitrol", category="moud_provider", medications=("naltrexone",)),
    _rule(
        r"medication[- ]assisted|medications? for (?:opioid|addiction|alcohol)|\bMOUD\b|\bMAT\b",
        category="moud_provider",
    ),
    _rule(r"intensive outpatient", category="treatment_program", needs=("intensive_outpatient",)),
    _rule(
        rf"(?=.*{_SUBSTANCE})(?=.*residential|.*inpatient)",
        category="treatment_program",
        needs=("residential",),
    ),
    _rule(rf"(?=.*{_SUBSTANCE})(?=.*outpatient)", category="treatment_program", needs=("outpatient",)),
    _rule(
        rf"{_SUBSTANCE}.*(?:treatment|counsel|rehab|program|services|recovery)|addiction|^RX-84",
        category="treatment_program",
        fallback=True,
    ),
    _rule(r"alcoholics anonymous|\bAA\b meeting", category="support_meeting", fellowship="aa"),
    _rule(r"narcotics anonymous", category="support_meeting", fellowship="na"),
    _rule(r"al-?anon|alateen", category="support_meeting", fellowship="al_anon"),
    _rule(r"nar-?anon", category="support_meeting", fellowship="nar_anon"),
    _rule(r"smart recovery", category="support_meeting", fellowship="smart"),
    _rule(r"celebrate recovery", category="support_meeting", fellowship="celebrate_recovery"),
    _rule(r"recovery dharma", category="support_meeting", fellowship="recovery_dharma"),
    _rule(
        r"support groups?|self[- ]help groups?|mutual (?:aid|support)|12[- ]step|^PN-8100",
        category="support_meeting",
    ),
    _rule(
        r"sober living|recovery (?:home|house|residence|housing)|halfway house|oxford house",
        category="recovery_housing",
    ),
    _rule(
        r"job training|vocational (?:training|rehab)|employment training|job readiness"
        r"|skills? training",
        category="employment_service",
        needs=("job_training",),
        employment=("job_training",),
    ),
    _rule(
        r"job (?:placement|search|finding|development|listings)"
        r"|employment (?:services|placement|agencies)",
        category="employment_service",
        needs=("job_placement",),
        employment=("job_placement",),
    ),
    _rule(r"naloxone|narcan", category="harm_reduction", needs=("naloxone",)),
    _rule(r"syringe|needle exchange", category="harm_reduction", needs=("syringe_services",)),
    _rule(r"fentanyl test", category="harm_reduction", needs=("fentanyl_test_strips",)),
    _rule(r"harm reduction", category="harm_reduction"),
    _rule(r"crisis|suicide prevention|suicide hotline", category="crisis_line"),
    _rule(rf"(?=.*{_SUBSTANCE})(?=.*(?:hotline|helpline))", category="crisis_line"),
    _rule(r"telehealth|telemedicine", needs=("telehealth",)),
)
CATEGORY_ORDER = (
    "moud_provider",
    "treatment_program",
    "recovery_housing",
    "support_meeting",
    "harm_reduction",
    "employment_service",
    "crisis_line",
)
MEDICATION_ORDER = ("buprenorphine", "methadone", "naltrexone")


# --- reading the package -------------------------------------------------------------------------


class Package:
    """The tables of one data package, each a list of rows keyed by normalised column name."""

    def __init__(self, label: str, files: dict[str, bytes], descriptor: dict | None):
        self.label = label
        self.descriptor = descriptor or {}
        self._files = files  # path inside the package (posix, lowercase) -> bytes
        self._paths = self._table_paths()

    def _table_paths(self) -> dict[str, str]:
        paths = {}
        for resource in self.descriptor.get("resources") or ():
            if not isinstance(resource, dict):
                continue
            name = normalize_column(str(resource.get("name") or ""))
            path = resource.get("path")
            if isinstance(path, list):
                path = path[0] if path else None
            if isinstance(path, str) and path.lower() in self._files:
                for table, file_names in TABLE_FILES.items():
                    if name == table or f"{name}.csv" in file_names:
                        paths.setdefault(table, path.lower())
        by_depth = sorted(self._files, key=lambda path: (path.count("/"), path))
        for table, file_names in TABLE_FILES.items():
            for file_name in file_names:
                found = next((path for path in by_depth if PurePosixPath(path).name == file_name), None)
                if table not in paths and found:
                    paths[table] = found
        return paths

    @property
    def from_navigator(self) -> bool:
        return self.descriptor.get("profile_navigator") == NAVIGATOR_PROFILE

    def has(self, table: str) -> bool:
        return table in self._paths

    def rows(self, table: str) -> list[dict[str, str]]:
        path = self._paths.get(table)
        if path is None:
            return []
        label = f"{self.label}: {path}"
        parsed = read_table(decode(self._files[path], label), label)
        header = [normalize_column(name) for name in parsed.header]
        missing = [column for column in REQUIRED_COLUMNS.get(table, ()) if column not in header]
        if missing:
            raise UnreadableSource(
                f"{label}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header reads: {','.join(parsed.header)[:60]!r})"
            )
        return [
            {column: (cells[index] if index < len(cells) else "") for index, column in enumerate(header)}
            for _, cells in parsed.rows
        ]


def open_package(path: Path | str) -> Package:
    """The package at ``path`` (folder or zip); raises UnreadableSource when it is none."""
    path = Path(path)
    if path.is_dir():
        files = {
            file.relative_to(path).as_posix().lower(): file.read_bytes()
            for file in path.rglob("*")
            if file.is_file() and file.suffix.lower() in (".csv", ".json")
        }
        label = str(path)
    elif path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                members = [name for name in archive.namelist() if not name.endswith("/")]
                root = _zip_root(members)
                files = {
                    PurePosixPath(name).relative_to(root).as_posix().lower(): archive.read(name)
                    for name in members
                    if PurePosixPath(name).is_relative_to(root) and name.lower().endswith((".csv", ".json"))
                }
        except (zipfile.BadZipFile, OSError) as error:
            raise UnreadableSource(
                f"{path}: not a folder or a readable .zip of an HSDS data package ({error})"
            ) from None
        label = str(path)
    else:
        raise UnreadableSource(f"{path}: no such folder or file")
    descriptor = None
    if "datapackage.json" in files:
        try:
            descriptor = json.loads(decode(files["datapackage.json"], f"{label}: datapackage.json"))
        except json.JSONDecodeError as error:
            raise UnreadableSource(
                f"{label}: datapackage.json is not valid JSON: {error.msg} at line {error.lineno}"
            ) from None
        if not isinstance(descriptor, dict):
            raise UnreadableSource(f"{label}: datapackage.json is not a data package descriptor")
    package = Package(label, files, descriptor)
    for table in ("service", "organization"):
        if not package.has(table):
            raise UnreadableSource(f"{label}: not an HSDS data package: no {TABLE_FILES[table][0]}")
    return package


def _zip_root(members: list[str]) -> str:
    """The folder in a zip holding the package: where datapackage.json (else services.csv) is."""
    for marker in ("datapackage.json", "services.csv", "service.csv"):
        found = sorted(
            (name for name in members if PurePosixPath(name).name.lower() == marker),
            key=lambda name: name.count("/"),
        )
        if found:
            return str(PurePosixPath(found[0]).parent)
    return "."


# --- converting --------------------------------------------------------------------------------


def read_hsds(path: Path | str, today: dt.date | None = None) -> ImportBatch:
    """Read a data package; raises UnreadableSource when it is not one."""
    package = open_package(path)
    name = Path(path).name
    if name.lower().endswith(".zip"):
        name = name[:-4]
    return convert_package(package, name, today or dt.date.today())


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        value = (row.get(key) or "").strip()
        if value:
            grouped[value].append(row)
    return grouped


class _Tables:
    def __init__(self, package: Package):
        self.organizations = {row["id"].strip(): row for row in package.rows("organization")}
        self.services = {row["id"].strip(): row for row in package.rows("service") if row["id"].strip()}
        self.locations = {row["id"].strip(): row for row in package.rows("location")}
        self.at_location = package.rows("service_at_location")
        self.addresses = _group(package.rows("physical_address"), "location_id")
        phones = package.rows("phone")
        self.phones = {
            key: _group(phones, key)
            for key in ("service_at_location_id", "service_id", "location_id", "organization_id")
        }
        schedules = package.rows("regular_schedule")
        self.schedules = {
            key: _group(schedules, key) for key in ("service_at_location_id", "service_id", "location_id")
        }
        languages = package.rows("language")
        self.languages = {key: _group(languages, key) for key in ("service_id", "location_id")}
        self.eligibility = _group(package.rows("eligibility"), "service_id")
        self.terms = {row["id"].strip(): row for row in package.rows("taxonomy") if row.get("id", "").strip()}
        self.service_terms = _group(package.rows("service_taxonomy"), "service_id")
        self.areas = _group(package.rows("service_area"), "service_id")
        self.payments = _group(package.rows("payment_accepted"), "service_id")
        self.accessibility = _group(package.rows("accessibility_for_disabilities"), "location_id")
        self.documents = _group(package.rows("required_document"), "service_id")
        self.updated: dict[str, dt.date] = {}
        for row in package.rows("metadata"):
            day = parse_date(row.get("last_action_date"))
            resource = (row.get("resource_id") or "").strip()
            if day and resource and day > self.updated.get(resource, dt.date.min):
                self.updated[resource] = day


def convert_package(package: Package, name: str, today: dt.date) -> ImportBatch:
    """Entries from an opened package; pure apart from the ZIP table lookups."""
    vocabulary = load_vocabulary(load_settings().directory)
    tables = _Tables(package)
    batch = ImportBatch(SOURCE, f"hsds-{slug(name) or 'package'}", fields=FIELDS)
    if package.from_navigator:
        batch.notes.append("a package written by navigator export hsds: entries keep their ids")
    missing = [
        table
        for table in TABLE_FILES
        if not package.has(table)
        and table in ("location", "service_at_location", "physical_address", "taxonomy", "service_taxonomy")
    ]
    if missing:
        batch.notes.append(f"the package has no {', '.join(missing)} table{'s' if len(missing) > 1 else ''}")
    labels = _Labels(vocabulary)
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


class _Labels:
    """Texts that mean a payment or who-is-served code: the vocabulary's labels and common words."""

    def __init__(self, vocabulary):
        self.payment = {**PAYMENT_WORDS}
        self.serves = {**ELIGIBILITY_WORDS}
        for code, label in vocabulary.labels.items():
            field = vocabulary.field_of(code)
            if field == "payment":
                self.payment[label.lower()] = code
                self.payment[code.replace("_", " ")] = code
            elif field == "serves":
                self.serves[label.lower()] = code
                self.serves[code.replace("_", " ")] = code
        self.needs = {code for code in vocabulary.codes if vocabulary.field_of(code) == "needs"}
        self.categories = set(vocabulary.categories)


def _convert(
    batch: ImportBatch,
    record: str,
    tables: _Tables,
    labels: _Labels,
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
    extension = _extension(batch, record, service) if package.from_navigator else {}

    terms = _terms(tables, service)
    mapped = _map_terms(terms, labels, package.from_navigator)
    if mapped["category"] is None:
        by_name = _map_terms([{"name": name}], labels, False)
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

    place = _place(batch, record, tables, location) if location is not None else None
    entry: dict = {
        "id": service_id
        if package.from_navigator and _valid_id(service_id)
        else entry_id("hsds", service_id, (location or {}).get("id", "").strip()),
        "name": name,
        "organization": organization or name,
        "category": mapped["category"],
        "description": _description(service, location, at_location, name, organization),
        "status": _status(batch, record, service.get("status")),
        "needs": mapped["needs"],
    }
    payment, unknown_payments = _coded(tables.payments.get(service_id, ()), "payment", labels.payment)
    serves, eligibility_texts = _coded(tables.eligibility.get(service_id, ()), "eligibility", labels.serves)
    entry.update(payment=payment, serves=serves, eligibility="; ".join(eligibility_texts) or None)
    entry["languages"] = _languages(batch, record, tables, service_id, location, package.from_navigator)
    entry["accessibility"] = [
        text
        for row in tables.accessibility.get((location or {}).get("id", "").strip(), ())
        if (text := _accessibility_text(row))
    ]
    entry["application_process"] = html_to_text(service.get("application_process"))
    entry["required_documents"] = [
        text for row in tables.documents.get(service_id, ()) if (text := clean_field(row.get("document")))
    ]
    entry["fees"] = html_to_text(service.get("fees"))
    entry["website"] = clean_url(service.get("url")) or clean_url((organization_row or {}).get("url"))
    entry["email"] = clean_email(service.get("email")) or clean_email((organization_row or {}).get("email"))
    entry["phones"] = _phones(batch, record, tables, service, location, at_location, extension, package.from_navigator)
    areas = _service_areas(tables.areas.get(service_id, ()))
    if place is not None and place.get("location"):
        entry["location"] = place["location"]
    elif not areas:
        reason = place["reason"] if place else "no location"
        batch.skip(record, f"{reason}, and no service area names a state or the nation")
        return
    elif place:
        batch.repair(record, f"{place['reason']}: listed as a remote service for {', '.join(areas)}")
    entry["service_area"] = areas
    schedules = _schedules(batch, record, tables, service_id, location, at_location)
    entry["tags"] = list(dict.fromkeys([*mapped["tags"], *unknown_payments, *_accreditations(service)]))
    if mapped["category"] == "support_meeting" and "meeting" not in extension:
        if not schedules:
            batch.skip(record, "a support group with no meeting times in regular_schedules")
            return
        extension["meeting"] = {
            "fellowship": mapped["fellowship"] or "other",
            "attendance": "in_person" if "location" in entry else "online",
            "times": [
                {"days": days, "start": opens, **({"end": closes} if closes else {})}
                for days, opens, closes in schedules
            ],
        }
    elif schedules and "meeting" not in extension:
        entry["hours"] = _hours(batch, record, schedules)
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
    entry.update(
        source=SOURCE,
        source_id=service_id,
        last_verified=verified_date(_updated(tables, service, location), today),
        verified_how="import",
    )
    batch.add(record, {key: value for key, value in entry.items() if value not in (None, "", [], {})})


def _valid_id(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,119}", text))


def _extension(batch: ImportBatch, record: str, service: dict) -> dict:
    text = (service.get(EXTENSION_COLUMN) or "").strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        batch.repair(record, f"the {EXTENSION_COLUMN} column is not valid JSON: left out")
        return {}
    return value if isinstance(value, dict) else {}


def _terms(tables: _Tables, service: dict) -> list[dict]:
    ids = [row.get("taxonomy_id", "").strip() for row in tables.service_terms.get(service["id"].strip(), ())]
    ids.extend(part.strip() for part in (service.get("taxonomy_ids") or "").split(","))
    terms = []
    for term_id in dict.fromkeys(term_id for term_id in ids if term_id):
        term = tables.terms.get(term_id)
        terms.append(term if term is not None else {"id": term_id, "name": term_id})
    return terms


def _map_terms(terms: list[dict], labels: _Labels, from_navigator: bool) -> dict:
    categories, needs, medications, employment, tags = [], [], set(), [], []
    fellowship, otp = None, False
    for term in terms:
        name = clean_field(term.get("name")) or clean_field(term.get("id")) or ""
        vocabulary = clean_field(term.get("vocabulary")) or ""
        if from_navigator and vocabulary == NAVIGATOR_VOCABULARY:
            if name.startswith(CATEGORY_TERM_PREFIX) and name[len(CATEGORY_TERM_PREFIX) :] in labels.categories:
                categories.insert(0, name[len(CATEGORY_TERM_PREFIX) :])
            elif name in labels.needs:
                needs.append(name)
            else:
                tags.append(name)
            continue
        if from_navigator and vocabulary == NAVIGATOR_TAG_VOCABULARY:
            tags.append(name)
            continue
        texts = [text for text in (clean_field(term.get("id")), name, clean_field(term.get("parent_name"))) if text]
        matching = [rule for rule in TERM_RULES if any(rule.pattern.search(text) for text in texts)]
        if any(rule.category and not rule.fallback for rule in matching):
            matching = [rule for rule in matching if not rule.fallback]
        for rule in matching:
            if rule.category:
                categories.append(rule.category)
            needs.extend(rule.needs)
            medications.update(rule.medications)
            employment.extend(rule.employment)
            otp = otp or rule.otp
            fellowship = fellowship or rule.fellowship
        if not matching:
            tags.append(name)
    category = (
        categories[0]
        if from_navigator and categories
        else next((category for category in CATEGORY_ORDER if category in categories), None)
    )
    return {
        "category": category,
        "needs": list(dict.fromkeys(needs)),
        "medications": [name for name in MEDICATION_ORDER if name in medications],
        "otp": otp,
        "employment": list(dict.fromkeys(employment)),
        "fellowship": fellowship,
        "tags": list(dict.fromkeys(tags)),
    }


def html_to_text(text: str | None) -> str | None:
    """Descriptions may hold HTML: list items become lines starting with '- ', tags are dropped."""
    if not text:
        return None
    if "<" in text:
        text = re.sub(r"\s+", " ", text)  # in HTML a line break is only a space
        text = re.sub(r"(?i)<\s*li[^>]*>", "\n- ", text)
        text = re.sub(r"(?i)<\s*(?:br|/p|/div|/ul|/ol|/h\d)\s*/?>", "\n", text)
        text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def _description(
    service: dict,
    location: dict | None,
    at_location: dict | None,
    name: str,
    organization: str | None,
) -> str | None:
    paragraphs = [html_to_text(service.get("description"))]
    if location is not None:
        place_name = clean_field(location.get("name"))
        if place_name and place_name not in (name, organization):
            paragraphs.append(f"At {place_name}.")
        paragraphs.append(html_to_text(location.get("description")))
        transport = clean_field(location.get("transportation"))
        if transport:
            paragraphs.append(f"Getting there: {transport}")
    if at_location is not None:
        paragraphs.append(html_to_text(at_location.get("description")))
    for key, prefix in (
        ("interpretation_services", "Interpretation: "),
        ("wait_time", "Wait time: "),
    ):
        value = clean_field(service.get(key))
        if value:
            paragraphs.append(prefix + value)
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1].rstrip() + "…"
    return text or None


def _status(batch: ImportBatch, record: str, value) -> str | None:
    text = (clean_field(value) or "active").lower()
    if text in HSDS_STATUS:
        return HSDS_STATUS[text]
    batch.repair(record, f"status '{value}' is not an HSDS status: taken as active")
    return None


def _coded(rows, column: str, words: dict[str, str]) -> tuple[list[str], list[str]]:
    """(codes, texts that are not a code) from payment or eligibility rows."""
    codes, texts = [], []
    for row in rows:
        text = clean_field(row.get(column))
        if not text:
            continue
        code = words.get(text.lower().rstrip("."))
        if code:
            codes.append(code)
        else:
            texts.append(text)
    return list(dict.fromkeys(codes)), list(dict.fromkeys(texts))


def language_code(text: str) -> str | None:
    lowered = text.strip().lower()
    if lowered in LANGUAGE_NAMES:
        return lowered
    if lowered in ISO_639_2:
        return ISO_639_2[lowered]
    if lowered in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[lowered]
    by_name = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
    return by_name.get(lowered)


def _languages(
    batch: ImportBatch,
    record: str,
    tables: _Tables,
    service_id: str,
    location: dict | None,
    exact: bool,
) -> list[str]:
    rows = list(tables.languages["service_id"].get(service_id, ()))
    if location is not None:
        rows.extend(
            row
            for row in tables.languages["location_id"].get(location["id"].strip(), ())
            if not (row.get("service_id") or "").strip() or row.get("service_id").strip() == service_id
        )
    codes = []
    for row in rows:
        for part in re.split(r"[,;]", row.get("language") or ""):
            if not part.strip():
                continue
            code = language_code(part)
            if code:
                codes.append(code)
            else:
                batch.repair(record, f"language '{part.strip()}' is not a language we know: left out")
    codes = list(dict.fromkeys(codes))
    # HSDS lists "languages, other than English": English is spoken too (our own export lists all).
    if codes and not exact and "en" not in codes:
        codes.insert(0, "en")
    return codes


def _accessibility_text(row: dict) -> str | None:
    what = clean_field(row.get("accessibility"))
    details = clean_field(row.get("details"))
    if what and re.fullmatch(r"[a-z]+(?:_[a-z]+)+", what):  # a code like disabled_parking
        what = what.replace("_", " ")
    if what and details:
        return f"{what}: {details}"
    return what or details


def _accreditations(service: dict) -> list[str]:
    return [
        part.strip()
        for key in ("accreditations", "licenses")
        for part in re.split(r"[,;]", service.get(key) or "")
        if part.strip()
    ]


def _phones(
    batch: ImportBatch,
    record: str,
    tables: _Tables,
    service: dict,
    location: dict | None,
    at_location: dict | None,
    extension: dict,
    exact: bool,
) -> list[dict]:
    rows = []
    if at_location is not None and (at_location.get("id") or "").strip():
        rows += tables.phones["service_at_location_id"].get(at_location["id"].strip(), [])
    rows += [
        row
        for row in tables.phones["service_id"].get(service["id"].strip(), [])
        if not (row.get("service_at_location_id") or "").strip()
    ]
    if location is not None:
        rows += [
            row
            for row in tables.phones["location_id"].get(location["id"].strip(), [])
            if not (row.get("service_id") or "").strip()
        ]
    if not rows:
        rows += [
            row
            for row in tables.phones["organization_id"].get((service.get("organization_id") or "").strip(), [])
            if not (row.get("service_id") or row.get("location_id") or "").strip()
        ]
    types = extension.get("phone_types") if isinstance(extension.get("phone_types"), list) else None
    unique_rows = list({id(row): row for row in rows}.values())
    phones, seen = [], set()
    for index, row in enumerate(unique_rows):
        text = clean_field(row.get("number"))
        extension_digits = clean_field(row.get("extension"))
        if extension_digits and extension_digits.endswith(".0"):  # a spreadsheet made it a number
            extension_digits = extension_digits[:-2]
        number = _phone_number(text, extension_digits, exact)
        if number is None:
            if text:
                batch.repair(record, f"phone '{text}' is not a phone number we can dial: left out")
            continue
        kind = (types[index] if types and index < len(types) else None) or PHONE_TYPES.get(
            (clean_field(row.get("type")) or "voice").lower(), "voice"
        )
        if (number, kind) in seen:  # the same line listed for the service and its location
            continue
        seen.add((number, kind))
        phone = {"number": number, "type": kind}
        description = clean_field(row.get("description"))
        if description:
            phone["description"] = description
        phones.append(phone)
    return phones


def _phone_number(text: str | None, extension: str | None, exact: bool) -> str | None:
    """The number as the directory writes it: US numbers normalised, short codes (988) and
    international numbers kept; a package of our own export keeps its text as it was."""
    if not text:
        return None
    with_extension = f"{text} x{extension}" if extension else text
    if exact:
        return with_extension
    found, _ = find_phones(with_extension)
    if found:
        return found[0][0]
    if re.fullmatch(r"\d{3,6}", text):
        return text
    international = re.sub(r"[^\d+]", "", text)
    if text.startswith("+") and 8 <= len(international) <= 16:
        return f"{international} x{extension}" if extension else international
    return None


def _place(batch: ImportBatch, record: str, tables: _Tables, location: dict) -> dict:
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


def _service_areas(rows) -> list[str]:
    areas = []
    for row in rows:
        text = (clean_field(row.get("service_area")) or "").strip()
        for part in re.split(r"[,;]", text):
            part = part.strip()
            if part.lower() in NATION_WORDS:
                areas.append(NATIONAL)
            elif part.upper() in US_STATE_TIMEZONES:
                areas.append(part.upper())
            elif part.lower() in STATE_NAMES:
                areas.append(STATE_NAMES[part.lower()])
    return [NATIONAL] if NATIONAL in areas else list(dict.fromkeys(areas))


def _schedules(
    batch: ImportBatch,
    record: str,
    tables: _Tables,
    service_id: str,
    location: dict | None,
    at_location: dict | None,
) -> list[tuple[list[str], str, str | None]]:
    """The weekly periods as (days, opens, closes), most specific table link first."""
    rows = []
    if at_location is not None and (at_location.get("id") or "").strip():
        rows = tables.schedules["service_at_location_id"].get(at_location["id"].strip(), [])
    if not rows:
        rows = [
            row
            for row in tables.schedules["service_id"].get(service_id, [])
            if not (row.get("location_id") or "").strip()
            or location is None
            or row["location_id"].strip() == location["id"].strip()
        ]
    if not rows and location is not None:
        rows = [
            row
            for row in tables.schedules["location_id"].get(location["id"].strip(), [])
            if not (row.get("service_id") or "").strip()
        ]
    periods: dict[tuple[str, str | None], list[str]] = {}
    for row in rows:
        day = DAY_NUMBERS.get((row.get("weekday") or "").strip()) or DAY_WORDS.get(
            (row.get("weekday") or "").strip().lower()
        )
        opens, closes = parse_time(row.get("opens_at")), parse_time(row.get("closes_at"))
        if day is None or opens is None or opens == "24:00":
            batch.repair(
                record,
                f"schedule row (weekday {row.get('weekday')!r}, opens {row.get('opens_at')!r}) "
                "is not a weekly time: left out",
            )
            continue
        periods.setdefault((opens, closes), []).append(day)
    return [([day for day in WEEKDAYS if day in days], opens, closes) for (opens, closes), days in periods.items()]


def _hours(batch: ImportBatch, record: str, schedules) -> list[dict] | str | None:
    if len(schedules) == 1 and schedules[0][0] == list(WEEKDAYS) and schedules[0][1:] == ("00:00", "24:00"):
        return "24/7"
    hours = []
    for days, opens, closes in schedules:
        if closes is None:
            batch.repair(
                record,
                f"opening hours from {opens} on {', '.join(days)} have no closing time: left out",
            )
            continue
        hours.append({"days": days, "opens": opens, "closes": closes})
    return hours or None


def _updated(tables: _Tables, service: dict, location: dict | None) -> dt.date | None:
    days = [tables.updated.get(key) for key in (service["id"].strip(), (location or {}).get("id", "").strip())]
    days = [day for day in days if day]
    return max(days) if days else None
