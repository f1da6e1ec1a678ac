"""FindTreatment.gov, the current SAMHSA locator: its downloadable facility listing and its API.

- The **listing** is a CSV or XLSX file: ``name1, name2, street1, street2, city, state, zip, zip4,
  county, phone, intake_prompt, intake1, intake2, website, latitude, longitude, type_facility``,
  then one lower-case column per service code holding 1 or blank. Columns are found by name; every
  column that is not one of those is a service code, mapped or not.
- The **API JSON** (``/locator/exportsAsJson``) is ``{page, totalPages, recordCount, rows}``, each
  row the same fields with coordinates as strings and ``services: [{f1: category, f2: category
  code, f3: "; "-joined service names}]``. A file may hold one page, or a list of pages saved one
  after another; a page short of the last is said to be so.

Codes are read with the mapping of the listing's vintage (``findtreatment_codes``); names in
the API with the current one; a code or name it does not map is kept as a tag. A facility
becomes one entry with an id made from its ZIP code, street and main phone (``samhsa_locator``):
the listing has no ids, and a renamed facility must be updated, not added again. A
mental-health-only facility (``type_facility`` MH without any substance-use service) is skipped
with that reason: a coach searching treatment would be misled.

When the listing is dated: by a date or year in its file name, else by the XLSX's own
properties; a CSV without either says it has no date. The API is a live source: listed as of its
fetch (``import findtreatment URL``), or, for a saved file, as of the day it was saved.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

from navigator.formats import progress
from navigator.formats.batch import EXPORT, FEED, ImportBatch, Provenance, UnreadableSource
from navigator.formats.cleaning import clean_field, clean_url, slug, title_case_shouting
from navigator.formats.fetch import further_pages
from navigator.formats.findtreatment_codes import (
    CURRENT,
    Vintage,
    code_for_name,
    detect_vintage,
    is_moud,
    map_codes,
)
from navigator.formats.samhsa import source_date
from navigator.formats.samhsa_locator import (
    disambiguate_shared_ids,
    location,
    phones,
    program_name,
    stable_id,
    stamped,
    street_lines,
)
from navigator.formats.tables import (
    MAX_SOURCE_BYTES,
    JsonTooDeep,
    Table,
    decode,
    load_json,
    normalize_column,
    read_json,
    read_table,
)

SOURCE = "findtreatment"
# fmt: off
COLUMNS = {
    "name1": ("name1", "name_1", "name"), "name2": ("name2", "name_2"),
    "address1": ("street1", "street_1", "address1", "address"), "address2": ("street2", "street_2", "address2"),
    "city": ("city",), "state": ("state",), "zip": ("zip", "zip_code", "zipcode"), "zip4": ("zip4", "zip_4"),
    "county": ("county",), "contact": ("phone", "phone1", "telephone"), "intake_prompt": ("intake_prompt",),
    "intake1": ("intake1", "intake_1"), "intake2": ("intake2", "intake_2"), "hotline": ("hotline1", "hotline"),
    "website": ("website", "url"), "latitude": ("latitude", "lat"), "longitude": ("longitude", "lon", "lng"),
    "type_facility": ("type_facility", "typefacility", "facility_type"),
}
REQUIRED = ("name1", "city", "state", "zip")
FIELDS = frozenset({
    "id", "name", "organization", "category", "description", "needs", "payment", "serves",
    "languages", "moud", "tags", "phones", "website", "location", "source", "last_verified",
    "verified_how", "listed_as_of", "listed_from", "last_changed",
})
# fmt: on
# The API's keys read by the listing's column names (``typeFacility`` reads as ``type_facility``).
_FIELD_OF = {alias: name for name, aliases in reversed(COLUMNS.items()) for alias in aliases}
SUBSTANCE_USE_CODES = frozenset({"SA", "SUMH", "DT", "OTP", "HH", "OMB"})
MENTAL_HEALTH_ONLY = "MH"
PRACTITIONER_TYPES = frozenset({"BUPREN", "BU"})  # buprenorphine practitioners listed by the DEA
TRUE_CELLS = frozenset({"1", "1.0", "y", "yes", "x", "true", "t"})
MAX_PAGES = 1_000  # the API's largest page is 2,000 facilities; the whole country fits in 20
MAX_ROWS = 500_000  # the national listing is about 30,000 facilities; more is not a listing
MAX_COMPRESSION_RATIO = 100  # sheet XML packs 5 to 20 times; far past that is a zip bomb


def read_findtreatment(path: Path | str, today: dt.date | None = None, source_url: str | None = None) -> ImportBatch:
    """Read a listing (CSV or XLSX) or an API JSON file; raises UnreadableSource when it is neither.

    ``source_url``: where an API reply was fetched from; its further pages are fetched too."""
    path = Path(path)
    today = today or dt.date.today()
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise UnreadableSource(f"{path}: is {size:,} bytes; sources are read up to {MAX_SOURCE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableSource(f"{path}: cannot be read: {error.strerror or error}") from None
    if data.startswith(b"PK\x03\x04"):
        _check_workbook(path)
        table, saved = _xlsx_table(path)
        return parse_listing(table, path.name, today, saved)
    text = decode(data, str(path))
    if text.lstrip()[:1] in ("{", "["):
        saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
        return parse_api(text, path.name, today, saved, label=str(path), source_url=source_url)
    return parse_listing(read_table(text, str(path)), path.name, today)


def _check_workbook(path: Path) -> None:
    """Refuse a workbook whose parts would unpack past the source limit, before a byte is inflated:
    an XLSX is a zip, and a small zip can hold a sheet of gigabytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableSource(f"{path}: not a readable XLSX workbook: {error}") from None
    unpacked = sum(info.file_size for info in members)
    if unpacked > MAX_SOURCE_BYTES:
        raise UnreadableSource(f"{path}: unpacks to {unpacked:,} bytes; sources are read up to {MAX_SOURCE_BYTES:,}")
    for info in members:
        if info.file_size > 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise UnreadableSource(
                f"{path}: {info.filename} unpacks {info.file_size // max(info.compress_size, 1):,} times its "
                f"packed size; no real workbook compresses past {MAX_COMPRESSION_RATIO} times (a zip bomb?)"
            )


def _xlsx_table(path: Path) -> tuple[Table, dt.date | None]:
    """The first sheet of a workbook as a table of text cells, and the date the workbook gives."""
    from openpyxl import load_workbook  # only an XLSX import pays for loading it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise UnreadableSource(f"{path}: not a readable XLSX workbook: {error}") from None
    except Exception as error:  # openpyxl's own InvalidFileException and XML parser errors
        raise UnreadableSource(f"{path}: not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        properties = workbook.properties
        stamp = properties.modified or properties.created
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        progress.phase("workbook rows loaded")
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
            elif len(rows) < MAX_ROWS:
                rows.append((number, cells))
                progress.advance()
            else:
                raise UnreadableSource(f"{path}: more than {MAX_ROWS:,} rows: not a facility listing")
    except UnreadableSource:
        raise
    except Exception as error:  # a damaged sheet inside a valid zip
        raise UnreadableSource(f"{path}: the workbook cannot be read: {type(error).__name__}: {error}") from None
    finally:
        workbook.close()
    if header is None:
        raise UnreadableSource(f"{path}: the workbook is empty")
    return Table(str(path), header, rows), stamp.date() if isinstance(stamp, dt.datetime) else None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def parse_listing(table: Table, file_name: str, today: dt.date, saved: dt.date | None = None) -> ImportBatch:
    """Entries from a listing table; ``saved`` is the date its workbook gives, if any."""
    columns = table.columns(COLUMNS, REQUIRED, what="FindTreatment.gov facility listing")
    known = set(columns.values())
    # Columns are lower case; codes are read in capitals, as the mapping and the API's codes write them.
    code_columns = {
        position: normalize_column(name).upper()
        for position, name in enumerate(table.header)
        if position not in known and normalize_column(name)
    }
    batch = ImportBatch(SOURCE, f"findtreatment-{slug(Path(file_name).stem) or 'listing'}", fields=FIELDS)
    day, how = source_date(file_name, today)
    if day is None and saved is not None and saved <= today:
        day, how = saved, f"the workbook's own date, {saved.isoformat()}"
    batch.provenance = Provenance(day, EXPORT, how or "neither the file name nor the file carries a date")
    row_codes = [
        [code for position, code in code_columns.items() if position < len(cells) and _true(cells[position])]
        for _, cells in table.rows
    ]
    vintage, vintage_note = detect_vintage({code for codes in row_codes for code in codes}, day.year if day else None)
    batch.notes.append(vintage_note)
    progress.phase("rows read", len(table.rows))
    for (line, cells), codes in zip(table.rows, row_codes, strict=True):
        batch.read += 1
        progress.advance()
        values = {name: cells[position] if position < len(cells) else "" for name, position in columns.items()}
        name = clean_field(values["name1"])
        _convert(batch, f"row {line}" + (f" ('{name}')" if name else ""), values, codes, vintage)
    disambiguate_shared_ids(batch, "the ZIP code, street and phone")
    return stamped(batch)


def _true(text: str) -> bool:
    return text.strip().lower() in TRUE_CELLS


def _pages(document, label: str) -> list[dict]:
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        return [document]
    if (
        isinstance(document, list)
        and document
        and all(isinstance(page, dict) and isinstance(page.get("rows"), list) for page in document)
    ):
        return document
    if isinstance(document, list):
        return [{"rows": document}]
    raise UnreadableSource(f"{label}: not a FindTreatment.gov API reply: no 'rows' list of facilities")


def parse_api(
    text: str,
    file_name: str,
    today: dt.date,
    saved: dt.date | None = None,
    label: str | None = None,
    source_url: str | None = None,
) -> ImportBatch:
    """Entries from API JSON (one page, a list of pages, or a bare list of rows); with
    ``source_url``, a first page is followed by the pages after it, fetched with ``page=N``."""
    label = label or file_name
    document = read_json(text, label)
    pages = _pages(document, label)
    if source_url and len(pages) == 1:
        pages += _further_pages(pages[0], source_url)
    batch = ImportBatch(SOURCE, f"findtreatment-{slug(Path(file_name).stem) or 'api'}", fields=FIELDS)
    day = min(saved, today) if saved else today
    batch.provenance = Provenance(day, FEED, f"a saved API reply, listed as of the day it was saved ({day})")
    numbers = sorted({page["page"] for page in pages if isinstance(page.get("page"), int)})
    total = next((page.get("totalPages") for page in pages if isinstance(page.get("totalPages"), int)), None)
    if total and numbers and len(numbers) < total:
        batch.notes.append(
            f"the file holds page{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))} of {total}: "
            "only those pages' facilities are imported"
        )
    index = 0
    for page in pages:
        for row in page.get("rows") or []:
            index += 1
            batch.read += 1
            progress.advance()
            name = row.get("name1") if isinstance(row, dict) else None
            record = f"facility {index}" + (f" ('{name}')" if isinstance(name, str) and name.strip() else "")
            if not isinstance(row, dict):
                batch.skip(record, "not a facility (a JSON object was expected)")
                continue
            values: dict[str, str] = {}
            for key, value in row.items():
                name = _FIELD_OF.get(normalize_column(str(key)))
                if name and name not in values and not isinstance(value, (dict, list)):
                    values[name] = "" if value is None else str(value)
            _convert(batch, record, values, _service_codes(row.get("services")), CURRENT)
    disambiguate_shared_ids(batch, "the ZIP code, street and phone")
    return stamped(batch)


def _further_pages(first: dict, url: str) -> list[dict]:
    """Pages 2 to totalPages of an API search, fetched one by one (a failure fails the import)."""
    total = first.get("totalPages")
    if not isinstance(total, int) or total <= 1 or first.get("page") not in (1, None):
        return []
    pages = []
    for page, target in further_pages(url, total, MAX_PAGES):
        text = decode(target.read_bytes(), f"{url} page {page}")
        try:
            document = load_json(text)
        except (json.JSONDecodeError, JsonTooDeep):
            raise UnreadableSource(f"{url}: page {page} of {total} is not valid JSON") from None
        pages += _pages(document, f"{url} page {page}")
    return pages


def _service_codes(services) -> list[str]:
    """The codes of the services the API names; a name the importer does not map is kept as it is
    (spaces collapsed, at most 200 characters), to become a tag."""
    codes = []
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, dict) or not isinstance(service.get("f3"), str):
            continue
        for name in service["f3"].split(";"):
            name = " ".join(name.split())
            if name:
                codes.append(code_for_name(name) or name[:200])
    return list(dict.fromkeys(codes))


def _convert(batch: ImportBatch, label: str, raw: dict, codes: list[str], vintage: Vintage) -> None:
    values = {name: clean_field(raw.get(name)) for name in COLUMNS}
    kind = (values["type_facility"] or "").upper()
    practitioner = kind in PRACTITIONER_TYPES
    if kind == MENTAL_HEALTH_ONLY and not (SUBSTANCE_USE_CODES.intersection(codes) or is_moud(codes, vintage)):
        batch.skip(label, "a mental health facility (type_facility MH) with no substance use services")
        return
    written = [values[key] for key in ("name1", "name2") if values[key]]
    names = [title_case_shouting(name) for name in written]
    addresses = [values[key] for key in ("address1", "address2") if values[key]]
    street, address_2 = street_lines(batch, label, names, addresses)
    if not names:
        batch.skip(label, "no facility name")
        return
    name, organization = program_name(names)
    values["note"] = None
    place = location(batch, label, values, street, address_2)
    if place is None:
        return
    numbers = phones(batch, label, values)
    # In the mapping's order, so the listing's columns and the API's names give the same lists.
    mapped = map_codes(vintage.sorted(codes), vintage)
    moud = mapped.pop("moud", None)
    if practitioner:
        moud = {**(moud or {}), "medications": sorted({*(moud or {}).get("medications", ()), "buprenorphine"})}
        moud.setdefault("setting", "office_based")
    entry = {
        "id": stable_id("ft", place, numbers),
        "name": name,
        "organization": organization,
        "category": "moud_provider" if moud else "treatment_program",
        **mapped,
        "moud": moud,
        "phones": numbers,
        "website": clean_url(values["website"]),
        "location": place,
        "source": SOURCE,
    }
    batch.add(label, {key: value for key, value in entry.items() if value not in (None, [], {})})
