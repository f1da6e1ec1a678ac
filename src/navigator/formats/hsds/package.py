"""Opening an HSDS data package: a folder or a .zip, its datapackage.json and its CSV tables.

Tables are found through datapackage.json or by their usual file names, and any table but services
and organizations may be missing. ``Tables`` holds the rows of every table, grouped by the ids that
link them. Packages written by ``navigator export hsds`` carry a marker (``NAVIGATOR_PROFILE``) and
an ``x_navigator`` column holding what HSDS has no place for.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from navigator.formats.batch import UnreadableSource
from navigator.formats.cleaning import parse_date
from navigator.formats.tables import JsonTooDeep, decode, load_json, normalize_column, read_table

# What navigator's own export writes, so that reading it back is exact.
NAVIGATOR_PROFILE = "recovery-navigator"
EXTENSION_COLUMN = "x_navigator"
NAVIGATOR_VOCABULARY = "Recovery Navigator"
NAVIGATOR_TAG_VOCABULARY = "Recovery Navigator tag"
CATEGORY_TERM_PREFIX = "category:"

# Bounds on what a package may make the importer read (a zip's members are checked before inflating).
MAX_TABLE_BYTES = 256 * 2**20
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 1000

# fmt: off
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
    # HSDS 3.0 keeps terms in taxonomy_terms.csv and the vocabularies in taxonomies.csv.
    "taxonomy": ("taxonomy_terms.csv", "taxonomy_term.csv", "taxonomy.csv", "taxonomies.csv"),
    "service_taxonomy": ("services_taxonomy.csv", "service_taxonomy.csv", "service_attributes.csv",
                         "services_taxonomies.csv"),
    "service_area": ("service_areas.csv", "service_area.csv"),
    "payment_accepted": ("payments_accepted.csv", "payment_accepted.csv"),
    "accessibility_for_disabilities": ("accessibility_for_disabilities.csv", "accessibility.csv"),
    "required_document": ("required_documents.csv", "required_document.csv"),
    "metadata": ("metadata.csv",),
    # HSDS 3.0: addresses of every type, schedules as RFC 5545 rules, taxonomy terms linked by attributes.
    "address": ("addresses.csv", "address.csv"),
    "schedule": ("schedules.csv", "schedule.csv"),
    "attribute": ("attributes.csv", "attribute.csv"),
}
REQUIRED_COLUMNS = {
    "organization": ("id", "name"), "service": ("id", "name"), "location": ("id",),
    "service_at_location": ("service_id", "location_id"),
}
# fmt: on


class Package:
    """The tables of one data package, each a list of rows keyed by normalised column name."""

    def __init__(self, label: str, files: dict[str, Callable[[], bytes]], descriptor: dict | None):
        self.label = label
        self.descriptor = descriptor or {}
        self._files = files  # path inside the package (posix, lowercase) -> reads its bytes (only when needed)
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
        parsed = read_table(decode(self._files[path](), label), label)
        header = [normalize_column(name) for name in parsed.header]
        missing = [column for column in REQUIRED_COLUMNS.get(table, ()) if column not in header]
        if missing:
            raise UnreadableSource(
                f"{label}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header reads: {','.join(parsed.header)[:60]!r})"
            )
        return [
            {column: (_text_of(cells[index]) if index < len(cells) else "") for index, column in enumerate(header)}
            for _, cells in parsed.rows
        ]


def _text_of(cell: str) -> str:
    """A cell without the apostrophe that keeps a spreadsheet from reading it as a formula
    (``export.inert_cell``)."""
    starts = ("=", "+", "-", "@", "\t", "\r")
    if cell[:1] == "'" and (cell[1:2] in starts or (cell[1:2] == "'" and cell[2:3] in starts)):
        return cell[1:]
    return cell


def open_package(path: Path | str) -> Package:
    """The package at ``path`` (folder or zip); raises UnreadableSource when it is none."""
    path = Path(path)
    if path.is_dir():
        files = {
            file.relative_to(path).as_posix().lower(): _file_reader(file, str(path))
            for file in path.rglob("*")
            if file.is_file() and file.suffix.lower() in (".csv", ".json")
        }
        label = str(path)
    elif path.is_file():
        label = str(path)
        files = _zip_readers(path, label)
    else:
        raise UnreadableSource(f"{path}: no such folder or file")
    descriptor = None
    if "datapackage.json" in files:
        try:
            descriptor = load_json(decode(files["datapackage.json"](), f"{label}: datapackage.json"))
        except json.JSONDecodeError as error:
            raise UnreadableSource(
                f"{label}: datapackage.json is not valid JSON: {error.msg} at line {error.lineno}"
            ) from None
        except JsonTooDeep as error:
            raise UnreadableSource(f"{label}: datapackage.json {error}") from None
        if not isinstance(descriptor, dict):
            raise UnreadableSource(f"{label}: datapackage.json is not a data package descriptor")
    package = Package(label, files, descriptor)
    for table in ("service", "organization"):
        if not package.has(table):
            raise UnreadableSource(f"{label}: not an HSDS data package: no {TABLE_FILES[table][0]}")
    return package


def _file_reader(file: Path, label: str) -> Callable[[], bytes]:
    def read() -> bytes:
        size = file.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise UnreadableSource(f"{label}: {file.name} is {size / 2**20:,.0f} MB; {_limit_words()}")
        return file.read_bytes()

    return read


def _limit_words() -> str:
    return f"a package's files are read up to {MAX_TABLE_BYTES // 2**20} MB each"


def _zip_readers(path: Path, label: str) -> dict[str, Callable[[], bytes]]:
    """Readers of the package's files in the zip at ``path``, each checked before it is read.

    A member's stated size and compression ratio are checked before a byte is inflated (a 1 MB
    zip of one 1 GiB member took 2.2 GB of memory), and reading stops at the stated size, so a
    member that lies about it cannot inflate past the limit either.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableSource(f"{path}: not a folder or a readable .zip of an HSDS data package ({error})") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableSource(f"{label}: holds {len(members):,} files; a data package has at most {MAX_ZIP_MEMBERS:,}")
    root = _zip_root([info.filename for info in members])
    readers = {}
    for info in members:
        name = PurePosixPath(info.filename)
        if not name.is_relative_to(root) or not info.filename.lower().endswith((".csv", ".json")):
            continue
        if info.file_size > MAX_TABLE_BYTES:
            raise UnreadableSource(
                f"{label}: {info.filename} is {info.file_size / 2**20:,.0f} MB unpacked; {_limit_words()}"
            )
        if info.file_size > 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise UnreadableSource(
                f"{label}: {info.filename} unpacks {info.file_size // max(info.compress_size, 1):,} times its "
                f"packed size; no real table compresses past {MAX_COMPRESSION_RATIO} times (a zip bomb?)"
            )
        readers[name.relative_to(root).as_posix().lower()] = _member_reader(path, info, label)
    return readers


def _member_reader(path: Path, info: zipfile.ZipInfo, label: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise UnreadableSource(f"{label}: {info.filename} cannot be read from the zip ({error})") from None
        if len(data) > info.file_size:
            raise UnreadableSource(f"{label}: {info.filename} is larger than the zip says; nothing was read")
        return data

    return read


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


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        value = (row.get(key) or "").strip()
        if value:
            grouped[value].append(row)
    return grouped


class Tables:
    """The rows of every table of a package, grouped by the ids that link them."""

    def __init__(self, package: Package):
        self.notes: list[str] = []  # about the package as a whole, for the import's notes
        self.organizations = {row["id"].strip(): row for row in package.rows("organization")}
        self.services = {row["id"].strip(): row for row in package.rows("service") if row["id"].strip()}
        self.locations = {row["id"].strip(): row for row in package.rows("location")}
        self.at_location = package.rows("service_at_location")
        self.addresses = _group(package.rows("physical_address") + _physical(package.rows("address")), "location_id")
        phones = package.rows("phone")
        self.phones = {
            key: _group(phones, key)
            for key in ("service_at_location_id", "service_id", "location_id", "organization_id")
        }
        schedules = package.rows("regular_schedule") + _weekly_rows(package.rows("schedule"), self.notes)
        self.schedules = {
            key: _group(schedules, key) for key in ("service_at_location_id", "service_id", "location_id")
        }
        languages = [_language_row(row) for row in package.rows("language")]
        self.languages = {key: _group(languages, key) for key in ("service_id", "location_id")}
        self.eligibility = _group(package.rows("eligibility"), "service_id")
        self.terms = {row["id"].strip(): row for row in package.rows("taxonomy") if row.get("id", "").strip()}
        for term in self.terms.values():  # 3.0 links a term to its parent by id, 1.1 also by name
            parent = self.terms.get((term.get("parent_id") or "").strip())
            if parent and not term.get("parent_name"):
                term["parent_name"] = parent.get("name") or ""
        self.service_terms = _group(
            package.rows("service_taxonomy") + _service_attributes(package.rows("attribute")), "service_id"
        )
        self.areas = _group(package.rows("service_area"), "service_id")
        self.payments = _group(package.rows("payment_accepted"), "service_id")
        self.accessibility = _group(package.rows("accessibility_for_disabilities"), "location_id")
        self.newest: dt.date | None = None  # the newest date the package holds (its export's date at least)
        self.documents = _group(package.rows("required_document"), "service_id")
        self.updated: dict[str, dt.date] = {}
        for row in package.rows("metadata"):
            day = parse_date(row.get("last_action_date"))
            resource = (row.get("resource_id") or "").strip()
            if day and resource and day > self.updated.get(resource, dt.date.min):
                self.updated[resource] = day
        self.changed: dict[str, dt.date] = {}  # 3.0: each service's own last_modified
        for service_id, service in self.services.items():
            day = parse_date(service.get("last_modified"))
            if day:
                self.changed[service_id] = day
        days = [*self.updated.values(), *self.changed.values()]
        self.newest = max(days) if days else None


# --- HSDS 3.0 tables in the 1.x shapes the conversion reads ---------------------------------------

_RRULE_DAYS = {"MO": "1", "TU": "2", "WE": "3", "TH": "4", "FR": "5", "SA": "6", "SU": "7"}


def _physical(rows: list[dict]) -> list[dict]:
    """3.0 addresses where a person goes (a postal address is where letters go)."""
    return [row for row in rows if (row.get("address_type") or "physical").strip().lower() != "postal"]


def _weekly_rows(rows: list[dict], notes: list[str]) -> list[dict]:
    """3.0 schedules (``freq`` WEEKLY with ``byday``) as one 1.x regular-schedule row per weekday."""
    weekly, other = [], 0
    for row in rows:
        freq = (row.get("freq") or "").strip().upper()
        days = [part.strip().upper() for part in (row.get("byday") or "").split(",") if part.strip()]
        if freq not in ("", "WEEKLY") or not days or any(day not in _RRULE_DAYS for day in days):
            other += 1
            continue
        for day in days:
            weekly.append({**row, "weekday": _RRULE_DAYS[day]})
    if other:
        notes.append(f"{other} schedule row{'s' if other > 1 else ''} not weekly by weekday (freq/byday): left out")
    return weekly


def _language_row(row: dict) -> dict:
    """3.0 languages have ``name`` and ``code``; 1.x had ``language``."""
    if (row.get("language") or "").strip():
        return row
    return {**row, "language": (row.get("code") or "").strip() or (row.get("name") or "").strip()}


def _service_attributes(rows: list[dict]) -> list[dict]:
    """3.0 attributes linking a taxonomy term to a service, as 1.x service_taxonomy rows."""
    linked = []
    for row in rows:
        entity = (row.get("link_entity") or row.get("link_type") or "service").strip().lower()
        if entity in ("service", "services", "link_entity", "link_type"):  # the spec's example says link_entity
            linked.append({"service_id": row.get("link_id", ""), "taxonomy_id": row.get("taxonomy_term_id", "")})
    return linked
