"""FindTreatment.gov import: the listing (CSV and XLSX, a column per code) and the API JSON read alike,
codes by vintage, ids that survive a rename, and a search equal to a brute-force pass over the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from tests.feed_server import FeedServer
from tests.import_reference import SourceRow, assert_entries_or_one_clear_error, expected, found, json_documents
from tests.test_findtreatment_codes import dictionary_2025

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.formats.batch import UnreadableSource
from navigator.formats.findtreatment import parse_api, parse_listing, read_findtreatment
from navigator.formats.findtreatment_codes import SERVICE_NAMES
from navigator.formats.runner import run_import
from navigator.formats.tables import read_table
from navigator.search.places import resolve_place

TODAY = dt.date(2026, 11, 30)
FIXED = [
    "name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
    "intake_prompt", "intake1", "intake2", "website", "latitude", "longitude", "type_facility",
]  # fmt: skip
# Denver-area facilities as the listing writes them: (fields, codes).
FACILITIES = [
    (
        dict(
            name1="Front Range Recovery",
            name2="Medication Clinic",
            street1="1450 Grant St",
            city="Denver",
            state="CO",
            zip="80203",
            phone="303-555-0101",
            intake1="303-555-0102",
            website="frontrange.example.org",
            latitude="39.7392",
            longitude="-104.9838",
            type_facility="SA",
        ),
        ["SA", "OP", "BU", "BUM", "NU", "MD", "MC", "CASH", "SS", "TRICARE", "SP", "WN", "CBT", "MI"],
    ),
    (
        dict(
            name1="Colfax Opioid Treatment Program",
            street1="3000 E Colfax Ave",
            city="Denver",
            state="CO",
            zip="80206",
            phone="(303) 555-0110",
            latitude="39.7401",
            longitude="-104.9512",
            type_facility="SA",
        ),
        ["SA", "OTP", "MM", "MU", "DM", "MD", "PI", "CASH", "ADLT", "SEN", "F17"],
    ),
    (
        dict(
            name1="MOUNTAIN VIEW RESIDENTIAL TREATMENT",
            street1="800 Kipling St",
            city="Lakewood",
            state="CO",
            zip="80215",
            phone="303-555-0120",
            latitude="39.7285",
            longitude="-105.1090",
            type_facility="SA",
        ),
        ["SA", "RES", "RS", "RL", "DT", "HH", "PI", "ADOL", "CH_AD", "VET", "ASL"],
    ),
    (
        dict(
            name1="Aurora Counseling Center",
            street1="15400 E 14th Pl",
            city="Aurora",
            state="CO",
            zip="80011",
            phone="720-555-0130",
            latitude="39.7391",
            longitude="-104.8120",
            type_facility="SA",
        ),
        ["SA", "OP", "IOP", "TELE", "MD", "NP", "PW", "MN", "NOE"],
    ),
    (
        dict(
            name1="Dr. Ana Ruiz",
            name2="Ruiz Family Medicine",
            street1="2200 S Colorado Blvd",
            city="Denver",
            state="CO",
            zip="80222",
            phone="303-555-0140",
            latitude="39.6766",
            longitude="-104.9407",
            type_facility="BUPREN",
        ),
        [],
    ),
    (
        dict(
            name1="Boulder Mental Health Partners",
            street1="1333 Iris Ave",
            city="Boulder",
            state="CO",
            zip="80304",
            phone="303-555-0150",
            latitude="40.0375",
            longitude="-105.2776",
            type_facility="MH",
        ),
        ["MH", "OP", "MD"],
    ),
    (
        dict(
            name1="Colorado Springs Recovery",
            street1="101 N Cascade Ave",
            city="Colorado Springs",
            state="CO",
            zip="80903",
            phone="719-555-0160",
            latitude="",
            longitude="",
            type_facility="SA",
        ),
        ["SA", "OP", "BU", "UB", "PI", "MD"],
    ),
]
EXTRA_COLUMNS = ["acm", "pain", "zzz_future"]  # code columns nobody ticks, and one no dictionary knows


def _listing_rows(facilities=FACILITIES, extra=EXTRA_COLUMNS):
    codes = list(dict.fromkeys(code.lower() for _, row_codes in facilities for code in row_codes)) + extra
    header = FIXED + codes
    rows = []
    for fields, row_codes in facilities:
        ticked = {code.lower() for code in row_codes}
        rows.append([fields.get(name, "") for name in FIXED] + ["1" if code in ticked else "" for code in codes])
    return header, rows


def _csv_text(facilities=FACILITIES, extra=EXTRA_COLUMNS) -> str:
    header, rows = _listing_rows(facilities, extra)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


def _xlsx(path, facilities=FACILITIES, modified=dt.datetime(2025, 3, 5, 12, 0)):
    from openpyxl import Workbook

    header, rows = _listing_rows(facilities)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        # The spreadsheet holds numbers where the CSV has text: ZIPs and the code cells.
        sheet.append([int(cell) if cell.isdigit() and index >= len(FIXED) else cell for index, cell in enumerate(row)])
    workbook.save(path)
    # openpyxl stamps the save time on save; a downloaded listing carries its export's date.
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*", rb"\g<1>" + stamp, parts["docProps/core.xml"]
    )
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    return path


def _api_page(facilities=FACILITIES, page=1, total_pages=1) -> dict:
    """The API's reply for ``facilities``: their codes written as the 2025 dictionary names them."""
    names = dictionary_2025()
    rows = []
    for index, (fields, codes) in enumerate(facilities):
        row = {
            "_irow": index + 1,
            **{key: fields.get(key) or None for key in FIXED if key not in ("zip4", "county", "intake_prompt")},
        }
        row["typeFacility"] = row.pop("type_facility")
        row["services"] = [
            {"f1": "Services", "f2": "SRV", "f3": "; ".join(names[code] for code in codes)},
        ]
        rows.append(row)
    return {"page": page, "totalPages": total_pages, "recordCount": len(rows), "rows": rows}


def _listing(text=None, file_name="FindTreatment_Facility_listing_2025_03_05.csv"):
    return parse_listing(read_table(text or _csv_text(), file_name), file_name, TODAY)


def _by_name(batch, name):
    return next(entry for entry in batch.entries if entry["name"].startswith(name))


# --- the listing ----------------------------------------------------------------------------------


def test_a_listing_row_maps_field_by_field_with_the_current_dictionary():
    batch = _listing()
    entry = _by_name(batch, "Front Range Recovery")

    assert entry["id"] == "ft-80203-1450-grant-st-3035550101"
    assert entry["name"] == "Front Range Recovery — Medication Clinic"
    assert entry["organization"] == "Front Range Recovery"
    assert entry["category"] == "moud_provider"
    assert entry["moud"] == {"medications": ["buprenorphine", "naltrexone"]}
    assert entry["needs"] == ["outpatient"]
    # MI is motivational interviewing in the current dictionary: a tag, not military insurance.
    assert entry["payment"] == ["medicaid", "medicare", "self_pay", "sliding_fee", "military_insurance"]
    assert entry["serves"] == ["women"] and entry["languages"] == ["en", "es"]
    assert entry["tags"] == ["CBT", "MI", "SA"]
    assert entry["phones"] == [
        {"number": "303-555-0102", "type": "intake", "description": "Intake"},
        {"number": "303-555-0101", "type": "voice", "description": "Main number"},
    ]
    assert entry["website"] == "https://frontrange.example.org"
    assert entry["location"] == {
        "address": "1450 Grant St", "city": "Denver", "state": "CO", "zip": "80203",
        "latitude": 39.7392, "longitude": -104.9838,
    }  # fmt: skip
    assert entry["source"] == "findtreatment"
    assert entry["listed_as_of"] == "2025-03-05" and entry["listed_from"] == "export"
    assert entry["last_verified"] == "2025-03-05" and entry["verified_how"] == "import"


def test_an_otp_residential_program_and_a_buprenorphine_practitioner_are_classified():
    batch = _listing()
    otp = _by_name(batch, "Colfax Opioid")
    residential = _by_name(batch, "Mountain View Residential")
    practitioner = _by_name(batch, "Dr. Ana Ruiz")

    assert otp["moud"] == {"medications": ["methadone"], "setting": "otp"}
    assert otp["serves"] == ["seniors", "adults"] and otp["languages"] == ["en", "zh"]
    assert residential["category"] == "treatment_program" and residential["name"].startswith("Mountain View")
    assert residential["needs"] == ["residential", "detox", "recovery_housing"]
    assert residential["serves"] == ["veterans", "youth", "deaf_hard_of_hearing"]
    assert practitioner["moud"] == {"medications": ["buprenorphine"], "setting": "office_based"}
    assert practitioner["organization"] == "Dr. Ana Ruiz"


def test_a_mental_health_only_facility_is_skipped_with_the_reason():
    batch = _listing()

    assert [(note.record, note.reason) for note in batch.skipped] == [
        (
            "row 7 ('Boulder Mental Health Partners')",
            "a mental health facility (type_facility MH) with no substance use services",
        )
    ]
    assert batch.read == 7 and len(batch.records) == 6


def test_codes_no_dictionary_knows_are_kept_as_tags():
    facilities = [(FACILITIES[3][0], [*FACILITIES[3][1], "ZZZ_FUTURE"])]
    entry = _listing(_csv_text(facilities)).entries[0]

    assert "ZZZ_FUTURE" in entry["tags"] and "NOE" not in entry["tags"]
    assert "naloxone" in entry["needs"] and "telehealth" in entry["needs"]


def test_an_old_listing_is_read_with_the_legacy_codes_mi_military_sf_self_pay_ct_telehealth():
    facilities = [(FACILITIES[3][0], ["SA", "OP", "MI", "SF", "CT", "GL"])]
    batch = _listing(_csv_text(facilities, extra=[]), file_name="locator-listing-2019.csv")
    entry = batch.entries[0]

    assert entry["payment"] == ["self_pay", "military_insurance"]
    assert entry["needs"] == ["outpatient", "telehealth"] and entry["serves"] == ["lgbtq"]
    assert any("legacy locator dictionary" in note for note in batch.notes)


def test_an_xlsx_listing_reads_like_the_csv_and_is_dated_by_the_workbook(tmp_path):
    from_csv = _listing(file_name="listing.csv")
    from_xlsx = read_findtreatment(_xlsx(tmp_path / "listing.xlsx"), TODAY)

    assert from_xlsx.provenance.listed_as_of == dt.date(2025, 3, 5)
    strip = ("listed_as_of", "last_verified", "listed_from", "verified_how")
    assert [{k: v for k, v in e.items() if k not in strip} for e in from_xlsx.entries] == [
        {k: v for k, v in e.items() if k not in strip} for e in from_csv.entries
    ]
    assert from_csv.entries[0]["listed_as_of"] == "unknown"  # a CSV named without a date says so


def test_a_renamed_facility_is_updated_not_added_again(tmp_path):
    run_import(_listing(), tmp_path, today=TODAY, say=lambda line: None)
    renamed = [(dict(FACILITIES[3][0], name1="Aurora Recovery Services"), FACILITIES[3][1]), *FACILITIES[:3]]
    outcome = run_import(_listing(_csv_text(renamed)), tmp_path, today=TODAY, say=lambda line: None)

    assert outcome.imported == [] and outcome.updated == ["ft-80011-15400-e-14th-pl-7205550130"]
    entries, report = check_directory(tmp_path, today=TODAY)
    assert report.lines() == [] and len(entries) == 6


# --- the API --------------------------------------------------------------------------------------


def _mapped_only(entry: dict) -> dict:
    """An entry without its dates, and of its tags only the codes the importer reads: the listing
    keeps an unmapped code as a tag and the API its name, which cannot be compared."""
    strip = ("listed_as_of", "last_verified", "listed_from", "verified_how", "tags")
    kept = {key: value for key, value in entry.items() if key not in strip}
    return {**kept, "tags": [tag for tag in entry.get("tags", ()) if tag in SERVICE_NAMES]}


def test_the_api_reply_gives_the_same_entries_as_the_listing_by_service_name():
    listing = _listing(file_name="listing.csv")
    api = parse_api(json.dumps(_api_page()), "api.json", TODAY, saved=dt.date(2026, 11, 29))

    assert [_mapped_only(entry) for entry in api.entries] == [_mapped_only(entry) for entry in listing.entries]
    assert api.entries[0]["listed_from"] == "feed" and api.entries[0]["listed_as_of"] == "2026-11-29"


def test_unmapped_codes_and_service_names_are_kept_as_tags_in_the_listing_and_the_api():
    listing = _by_name(_listing(file_name="listing.csv"), "Front Range Recovery")
    api = _by_name(parse_api(json.dumps(_api_page()), "api.json", TODAY), "Front Range Recovery")

    assert listing["tags"] == ["CBT", "MI", "SA"]
    assert api["tags"] == ["Cognitive behavioral therapy", "Motivational interviewing", "SA"]


def test_an_api_service_name_the_dictionary_lacks_is_kept_as_a_tag():
    page = _api_page(FACILITIES[:1])
    page["rows"][0]["services"].append({"f1": "New", "f2": "NEW", "f3": "Equine therapy; Cash or self-payment"})
    entry = parse_api(json.dumps(page), "api.json", TODAY).entries[0]

    assert "Equine therapy" in entry["tags"] and "self_pay" in entry["payment"]


def test_one_page_of_several_says_only_its_facilities_are_imported_and_a_list_of_pages_reads_all():
    one = parse_api(json.dumps(_api_page(FACILITIES[:2], page=1, total_pages=2)), "api.json", TODAY)
    both = parse_api(json.dumps([_api_page(FACILITIES[:2], 1, 2), _api_page(FACILITIES[2:4], 2, 2)]), "api.json", TODAY)

    assert "the file holds page 1 of 2: only those pages' facilities are imported" in one.notes
    assert len(both.records) == 4 and not any("only those pages" in note for note in both.notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"page": 1}', "no 'rows' list"),
        ('"a string"', "no 'rows' list"),
        ("[" * 100_000 + "]" * 100_000, "nested more than"),
    ],
)
def test_json_that_is_not_an_api_reply_is_refused_with_one_line(text, message):
    with pytest.raises(UnreadableSource, match=message):
        parse_api(text, "api.json", TODAY)


def test_an_api_row_that_is_not_an_object_is_skipped_and_the_rest_imported():
    page = _api_page(FACILITIES[:1])
    page["rows"].append("garbage")
    batch = parse_api(json.dumps(page), "api.json", TODAY)

    assert len(batch.records) == 1 and batch.skipped[0].reason == "not a facility (a JSON object was expected)"


# --- the command ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("listing.xlsx", b"PK\x03\x04 this is no workbook", "not a readable XLSX workbook"),
        ("listing.csv", b"name,city\nX,Y\n", "missing columns state, zip"),
        ("listing.csv", b"", "the file is empty"),
        ("api.json", b"{", "not valid JSON"),
    ],
)
def test_an_unreadable_file_is_exit_1_with_one_line_and_nothing_written(tmp_path, capsys, name, data, message):
    source = tmp_path / name
    source.write_bytes(data)

    assert main(["import", "findtreatment", str(source), "--out", str(tmp_path / "out")]) == 1

    error = capsys.readouterr().err
    assert error.startswith("navigator: ") and message in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_xlsx_listing_imports_through_the_command_into_a_folder_that_validates(tmp_path, capsys):
    source = _xlsx(tmp_path / "FindTreatment_Facility_listing.xlsx")

    assert main(["import", "findtreatment", str(source), "--out", str(tmp_path / "out")]) == 0

    assert capsys.readouterr().out.splitlines()[-1] == "read 7, imported 6, merged 0, skipped 1"
    entries, report = check_directory(tmp_path / "out")
    assert report.lines() == [] and len(entries) == 6


def test_the_api_imported_from_a_url_is_listed_as_of_the_fetch(tmp_path, capsys):
    server = FeedServer(files={"/locator/api.json": json.dumps(_api_page()).encode()}).start()
    try:
        code = main(["import", "findtreatment", server.url("/locator/api.json"), "--out", str(tmp_path / "out")])
    finally:
        server.stop()

    assert code == 0, capsys.readouterr().err
    assert (
        f"note: listed as of {dt.datetime.now(dt.UTC).date()}: fetched from http://127.0.0.1" in capsys.readouterr().out
    )
    entries, report = check_directory(tmp_path / "out")
    assert report.lines() == [] and {checked.entry["listed_from"] for checked in entries} == {"feed"}


# --- search over the import equals a brute-force pass over the source rows -----------------------

_REFERENCE_NEEDS = {
    "BU": "buprenorphine", "BUM": "buprenorphine", "UB": "buprenorphine", "NU": "naltrexone",
    "MM": "methadone", "MU": "methadone", "DM": "methadone", "OTP": "otp", "OP": "outpatient",
    "IOP": "intensive_outpatient", "RES": "residential", "MD": "medicaid", "PI": "private_insurance",
}  # fmt: skip


def _reference(facilities):
    import zipcodes

    rows = []
    for fields, codes in facilities:
        if fields["type_facility"] == "MH":
            continue
        if fields["latitude"]:
            lat, lon = float(fields["latitude"]), float(fields["longitude"])
        else:
            centre = zipcodes.matching(fields["zip"])[0]
            lat, lon = float(centre["lat"]), float(centre["long"])
        needs = {_REFERENCE_NEEDS[code] for code in codes if code in _REFERENCE_NEEDS}
        if fields["type_facility"] == "BUPREN":
            needs.add("buprenorphine")
        rows.append(SourceRow(fields["phone"][-4:], lat, lon, frozenset(needs)))
    return rows


@pytest.mark.parametrize(
    ("near", "radius", "needs"),
    [("80202", 10, ()), ("80202", 30, ("buprenorphine",)), ("80222", 100, ("medicaid",)), ("80215", 5, ())],
)
def test_a_search_over_the_import_returns_what_a_brute_force_pass_over_the_listing_returns(
    tmp_path, near, radius, needs
):
    run_import(_listing(), tmp_path / "dir", today=TODAY, say=lambda line: None)
    place = resolve_place(near)

    got = found(
        tmp_path / "dir",
        near,
        radius,
        needs,
        lambda directory, hit: directory.entries[hit.row]["phones"][-1]["number"][-4:],
        tmp_path / "cache",
    )
    assert got == expected(_reference(FACILITIES), place.lat, place.lon, radius, needs)
    assert os.listdir(tmp_path / "dir")


def _paged_server():
    return FeedServer(
        files={
            "/locator?sAddr=Denver&page=1": json.dumps(_api_page(FACILITIES[:2], 1, 3)).encode(),
            "/locator?sAddr=Denver&page=2": json.dumps(_api_page(FACILITIES[2:4], 2, 3)).encode(),
            "/locator?sAddr=Denver&page=3": json.dumps(_api_page(FACILITIES[4:5], 3, 3)).encode(),
        }
    ).start()


def test_an_api_search_imported_from_its_url_fetches_every_page(tmp_path, capsys):
    server = _paged_server()
    try:
        code = main(["import", "findtreatment", server.url("/locator?sAddr=Denver&page=1"), "--out", str(tmp_path)])
    finally:
        server.stop()

    output = capsys.readouterr()
    assert code == 0, output.err
    assert output.out.splitlines()[-1] == "read 5, imported 5, merged 0, skipped 0"
    assert [path for path, _ in server.requests] == [f"/locator?sAddr=Denver&page={n}" for n in (1, 2, 3)]


def test_a_refresh_of_an_api_search_fetches_every_page(tmp_path, capsys):
    server = _paged_server()
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        f"  - {{name: ft, format: findtreatment, url: '{server.url('/locator?sAddr=Denver&page=1')}', out: ft}}\n",
        encoding="utf-8",
    )
    try:
        code = main(["refresh", "--sources", str(tmp_path / "sources.yaml"), "--directory", str(tmp_path / "dir")])
    finally:
        server.stop()

    assert code == 0, capsys.readouterr().err
    entries, report = check_directory(tmp_path / "dir")
    assert report.lines() == [] and len(entries) == 5


def test_a_page_that_fails_fails_the_import_and_writes_nothing(tmp_path, capsys):
    server = _paged_server()
    server.failures["/locator?sAddr=Denver&page=3"] = [404] * 10
    try:
        code = main(
            ["import", "findtreatment", server.url("/locator?sAddr=Denver&page=1"), "--out", str(tmp_path / "o")]
        )
    finally:
        server.stop()

    assert code == 1 and "page 3 of 3" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


FUZZ_KEYS = (
    "page",
    "totalPages",
    "rows",
    "services",
    "f3",
    "name1",
    "street1",
    "city",
    "state",
    "zip",
    "phone",
    "latitude",
    "longitude",
    "typeFacility",
)
_JSON = json_documents(FUZZ_KEYS)


def _parse_any(text: str):
    return parse_api(text, "api.json", TODAY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_any_json_gives_entries_or_one_clear_error_never_a_traceback(document):
    assert_entries_or_one_clear_error(_parse_any, document)


def test_a_workbook_that_would_unpack_a_huge_sheet_is_refused_before_anything_is_inflated(tmp_path, monkeypatch):
    path = tmp_path / "listing.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 2_000_000)  # 12 MB of one byte pattern
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: opened.append(args) or None)

    with pytest.raises(UnreadableSource, match="times its packed size; no real workbook compresses past 100 times"):
        read_findtreatment(path, TODAY)
    assert opened == []


def test_json_nested_past_any_api_reply_is_refused_in_words():
    with pytest.raises(UnreadableSource, match="nested more than 32 levels"):
        parse_api("[" * 40 + "]" * 40, "api.json", TODAY)


def test_an_unmapped_code_from_a_lower_case_column_is_kept_in_capitals_and_its_api_name_as_written():
    facilities = [(FACILITIES[3][0], ["SA", "OP", "mPREP"])]
    listing = _listing(_csv_text(facilities, extra=[]))
    api = parse_api(json.dumps(_api_page(facilities)), "api.json", TODAY)

    assert listing.entries[0]["tags"] == ["MPREP", "SA"]
    assert api.entries[0]["tags"] == ["Medications for pre-exposure to prophylaxis", "SA"]
