"""SAMHSA locator CSV import: the real 2015 OTP export, and the variants other years bring."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import zipcodes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import shared_data
from tests.import_reference import SourceRow, expected, found

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.formats.batch import UnreadableSource
from navigator.formats.runner import run_import
from navigator.formats.samhsa import parse_samhsa, read_samhsa
from navigator.search.places import resolve_place

TODAY = dt.date(2026, 1, 15)
HEADER = (
    "Name1,Name2,Name3,Address1,Address2,Address3,City,State,ZIP_Code,Contact,Note,Keys,ID,"
    "Longitude,Latitude,Match Score"
)
ROW = (
    "Shelby County Treatment Center,,,750 Highway 31 South,,,Alabaster,AL,35007,(205)216-0200,,"
    "MM/BU/OTPA/OP/SF/MD/SP/F70/WN/AH/SAF/ZZ/,4041AL35007,-86.787385,33.213457,100.0"
)


def _parse(*rows: str, header: str = HEADER, file_name: str = "locator.csv"):
    return parse_samhsa("\n".join([header, *rows]) + "\n", file_name, TODAY)


def _only_entry(batch):
    assert len(batch.records) == 1, batch.skipped
    return batch.records[0].entry


def _reasons(notes) -> str:
    return " | ".join(str(note) for note in notes)


@pytest.fixture(scope="module")
def real_batch():
    return read_samhsa(shared_data("samhsa", "otp-2015.csv"), today=TODAY)


def _by_id(batch, entry_id):
    return next(record.entry for record in batch.records if record.entry["id"] == entry_id)


# --- the real 2015 export -------------------------------------------------------------------------


def test_every_row_of_the_2015_export_is_imported_as_an_otp(real_batch):
    assert real_batch.read == 1099
    assert len(real_batch.records) == 1099
    assert real_batch.skipped == []
    assert {entry["category"] for entry in real_batch.entries} == {"moud_provider"}
    assert all(
        entry["moud"]["setting"] == "otp" and "methadone" in entry["moud"]["medications"]
        for entry in real_batch.entries
    )
    assert len({entry["id"] for entry in real_batch.entries}) == 1099


def test_a_known_row_maps_field_by_field(real_batch):
    entry = _by_id(real_batch, "samhsa-4041al35007")

    assert entry["name"] == entry["organization"] == "Shelby County Treatment Center"
    assert entry["needs"] == ["outpatient", "telehealth"]
    assert entry["payment"] == ["self_pay", "medicaid", "private_insurance", "sliding_fee"]
    assert entry["serves"] == [
        "deaf_hard_of_hearing",
        "lgbtq",
        "veterans",
        "justice_involved",
        "seniors",
        "pregnant_postpartum",
        "women",
        "men",
        "youth",
        "adults",
    ]
    assert entry["languages"] == ["en", "es"]
    assert entry["moud"] == {
        "medications": ["buprenorphine", "methadone", "naltrexone"],
        "setting": "otp",
    }
    assert entry["tags"] == [
        "SAF",
        "SA",
        "OMB",
        "OIT",
        "ORT",
        "CO",
        "DU",
        "ADM",
        "MF",
        "TRMA",
        "XA",
        "DV",
        "FEM",
        "MALE",
    ]
    assert entry["phones"] == [{"number": "205-216-0200", "type": "voice", "description": "Main number"}]
    assert entry["location"] == {
        "address": "750 Highway 31 South",
        "city": "Alabaster",
        "state": "AL",
        "zip": "35007",
        "latitude": 33.213457,
        "longitude": -86.787385,
    }
    assert entry["source"] == "samhsa" and entry["source_id"] == "4041AL35007"
    assert entry["verified_how"] == "import"
    assert entry["last_verified"] == "2015-01-01"  # the export's year, not the day it was imported
    assert "description" not in entry


def test_the_row_split_by_a_comma_in_its_phone_field_is_put_back_together(real_batch):
    entry = _by_id(real_batch, "samhsa-2245ca92056")

    assert entry["name"] == "Opioid treatment program at 3230 Warning Court"
    assert entry["location"]["address"] == "3230 Warning Court"
    assert entry["location"]["address_2"] == "Suite A"
    assert entry["description"] == "Methadone and Buprenorphine Clients Only"
    assert {"number": "760-936-2314", "type": "intake", "description": "Intake"} in entry["phones"]
    assert not {"Methadone", "and", "Clients", "Only"} & set(entry["tags"])
    reasons = _reasons(note for note in real_batch.repaired if "2245CA92056" in note.record)
    assert "phones rejoined" in reasons and "shifted into Keys" in reasons and "street address" in reasons


def test_a_phone_field_with_several_numbers_becomes_typed_phones(real_batch):
    entry = _by_id(real_batch, "samhsa-3833ca90291")

    assert entry["phones"] == [
        {"number": "310-671-0555", "type": "intake", "description": "Intake"},
        {"number": "310-399-9883", "type": "voice", "description": "Main number"},
    ]


def test_zip_codes_that_lost_their_leading_zero_are_repaired_and_reported(real_batch):
    entry = _by_id(real_batch, "samhsa-1148me04401")

    assert entry["location"]["zip"] == "04401"
    assert any(
        "ZIP '4401' lost its leading zero" in note.reason
        for note in real_batch.repaired
        if "1148ME04401" in note.record
    )
    assert all(len(e["location"]["zip"]) == 5 for e in real_batch.entries)


def test_programs_sharing_one_locator_id_get_distinct_ids_that_name_them(real_batch):
    shared = sorted(e["id"] for e in real_batch.entries if e["source_id"] == "6110VT05302")

    assert shared == [
        "samhsa-6110vt05302-brattleboro-retreat-buprenorphine-clinic",
        "samhsa-6110vt05302-brattleboro-retreat-starting-now",
    ]


def test_other_language_codes_map_and_unknown_ones_stay_as_tags(real_batch):
    entry = next(
        e
        for e in real_batch.entries
        if e["source_id"] == "6092CA94025" and e["name"] == "Addiction Research and Treatment Inc"
    )

    assert entry["languages"] == ["en", "es", "ar", "ru", "tl"]
    assert "F2" in entry["tags"]


def test_a_street_address_found_only_in_a_name_column_is_used_as_the_address(real_batch):
    assert _by_id(real_batch, "samhsa-6549pr00961")["location"]["address"] == "Carretera 167 Km 24.5"
    assert _by_id(real_batch, "samhsa-6549ma02140")["name"] == "Opioid treatment program at 54 Washburn Avenue"


def test_the_real_export_imports_into_a_folder_that_validates_and_reimports_idempotently(tmp_path, capsys):
    source = shared_data("samhsa", "otp-2015.csv")
    out = tmp_path / "out"

    assert main(["import", "samhsa", str(source), "--out", str(out)]) == 0
    first = capsys.readouterr().out.splitlines()
    written = (out / "samhsa-otp-2015.yaml").read_bytes()
    assert main(["import", "samhsa", str(source), "--out", str(out)]) == 0
    second = capsys.readouterr().out.splitlines()

    assert first[-1] == "read 1099, imported 1099, merged 0, skipped 0"
    assert second[-1] == "read 1099, imported 0, merged 1099, skipped 0"
    assert (out / "samhsa-otp-2015.yaml").read_bytes() == written
    entries, report = check_directory(out)
    assert report.lines() == []
    assert len(entries) == 1099


# --- variants of the format ------------------------------------------------------------------


def test_columns_are_found_by_name_in_any_order_with_extra_columns_a_bom_crlf_and_blank_lines():
    header = "\ufeffid,EXTRA,keys,zip_code,state,city,address1,name1,latitude,longitude,contact"
    row = (
        "4041AL35007,x,MM/OTPA/OP/,35007,AL,Alabaster,750 Highway 31 South,"
        "Shelby County Treatment Center,33.21,-86.78,(205)216-0200"
    )
    text = f"\r\n{header}\r\n\r\n{row}\r\n\r\n"

    entry = _only_entry(parse_samhsa(text, "locator-2019.csv", TODAY))

    assert entry["id"] == "samhsa-4041al35007"
    assert entry["name"] == "Shelby County Treatment Center"
    assert entry["location"]["latitude"] == 33.21
    assert entry["needs"] == ["outpatient"]
    assert entry["last_verified"] == "2019-01-01"


def test_a_file_without_a_date_in_its_name_says_so_instead_of_taking_the_day_of_the_import():
    entry = _only_entry(_parse(ROW, file_name="locator.csv"))

    assert entry["listed_as_of"] == "unknown" and entry["listed_from"] == "export"
    assert "last_verified" not in entry


def test_swapped_coordinates_are_swapped_back_and_reported():
    batch = _parse(ROW.replace("-86.787385,33.213457", "33.213457,-86.787385"))

    assert _only_entry(batch)["location"]["latitude"] == 33.213457
    assert _only_entry(batch)["location"]["longitude"] == -86.787385
    assert "swapped back" in _reasons(batch.repaired)


@pytest.mark.parametrize("coordinates", ["NA,NA", ",", "0,0", "12.5,99.1"])
def test_missing_or_impossible_coordinates_fall_back_to_the_zip_centroid(coordinates):
    batch = _parse(ROW.replace("-86.787385,33.213457", coordinates))

    location = _only_entry(batch)["location"]
    assert "latitude" not in location and "longitude" not in location
    assert "ZIP centroid" in _reasons(batch.repaired)


def test_a_file_without_coordinate_columns_imports_every_row_at_its_zip_centroid():
    header = "Name1,City,State,ZIP_Code,Keys,ID"
    batch = _parse("Clinic,Alabaster,AL,35007,MM/OTPA/,1AL35007", header=header)

    assert "latitude" not in _only_entry(batch)["location"]


@pytest.mark.parametrize(
    ("zip_text", "reason"),
    [
        ("ABCDE", "ZIP 'ABCDE' is not a known ZIP"),
        ("NA", "no ZIP code"),
        ("99999", "not a known ZIP"),
    ],
)
def test_a_row_with_an_unusable_zip_is_skipped_with_the_reason(zip_text, reason):
    batch = _parse(ROW.replace(",35007,", f",{zip_text},"))

    assert batch.records == []
    assert reason in _reasons(batch.skipped)
    assert "4041AL35007" in batch.skipped[0].record


def test_a_row_whose_state_is_not_a_us_state_is_skipped():
    batch = _parse(ROW.replace(",AL,", ",XX,"))

    assert "state 'XX'" in _reasons(batch.skipped)


def test_a_row_with_more_cells_than_the_header_is_skipped_as_shifted():
    batch = _parse(ROW + ",surplus,cells")

    assert batch.records == [] and "shifted the columns" in _reasons(batch.skipped)


def test_a_contact_field_with_an_intake_list_and_extensions_gives_one_phone_per_number():
    batch = _parse(ROW.replace("(205)216-0200", "(303)555-0100 Intakes: (303)555-0101 (303)555- 0102x7"))

    assert _only_entry(batch)["phones"] == [
        {"number": "303-555-0101", "type": "intake", "description": "Intake"},
        {"number": "303-555-0102 x7", "type": "intake", "description": "Intake"},
        {"number": "303-555-0100", "type": "voice", "description": "Main number"},
    ]


def test_a_name_in_capitals_is_title_cased_but_acronyms_are_left_alone():
    batch = _parse(ROW.replace("Shelby County Treatment Center,,", "SHELBY COUNTY TREATMENT CTR OF THE VALLEY,(SCTC),"))

    assert _only_entry(batch)["name"] == "Shelby County Treatment Ctr of the Valley (SCTC)"
    assert "capitals" in _reasons(batch.repaired)


def test_a_dba_line_names_the_program_and_the_first_line_its_organization():
    entry = _only_entry(
        _parse(ROW.replace("Shelby County Treatment Center,,", "Habit Opco Inc,DBA Suburban Treatment,"))
    )

    assert (entry["name"], entry["organization"]) == ("Suburban Treatment", "Habit Opco Inc")


def test_codes_map_per_the_contract_and_unknown_codes_are_kept_as_tags():
    entry = _only_entry(_parse(ROW))

    assert entry["payment"] == ["self_pay", "medicaid"]
    assert entry["serves"] == ["women", "deaf_hard_of_hearing"]
    assert entry["languages"] == ["en", "es", "ru"]
    assert entry["tags"] == ["SAF", "ZZ"]


def test_a_program_without_medication_codes_is_a_treatment_program():
    entry = _only_entry(_parse(ROW.replace("MM/BU/OTPA/OP/", "OP/RES/DT/")))

    assert entry["category"] == "treatment_program"
    assert entry["needs"] == ["outpatient", "residential", "detox"]
    assert "moud" not in entry


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"name": "a meeting"}]', "missing columns"),
        ("Name1,City,State\nClinic,Denver,CO\n", "missing columns zip_code, keys"),
        ("", "the file is empty"),
    ],
)
def test_a_file_that_is_not_a_locator_export_is_refused_with_one_clear_line(text, message):
    with pytest.raises(UnreadableSource, match=message):
        parse_samhsa(text, "wrong.csv", TODAY)


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")

    with pytest.raises(UnreadableSource, match="not a text file"):
        read_samhsa(path, TODAY)


def test_the_command_refuses_an_unreadable_source_with_exit_1_and_writes_nothing(tmp_path, capsys):
    source = tmp_path / "feed.json"
    source.write_text('[{"name": "x"}]', encoding="utf-8")
    out = tmp_path / "out"

    assert main(["import", "samhsa", str(source), "--out", str(out)]) == 1

    error = capsys.readouterr().err.strip()
    assert error.startswith("navigator: ") and str(source) in error and "\n" not in error
    assert not out.exists()


def test_windows_1252_text_is_read_without_losing_accents(tmp_path):
    path = tmp_path / "locator.csv"
    path.write_bytes(f"{HEADER}\n{ROW.replace('Shelby', 'Peñuelas')}\n".encode("cp1252"))

    assert _only_entry(read_samhsa(path, TODAY))["name"] == "Peñuelas County Treatment Center"


def test_imported_rows_pass_the_directory_checks(tmp_path):
    run_import(_parse(ROW), tmp_path, today=TODAY, say=lambda line: None)

    entries, report = check_directory(tmp_path, today=TODAY)
    assert report.lines() == [] and len(entries) == 1


def test_codes_separated_by_semicolons_or_spaces_read_like_slashes():
    slashes = _only_entry(_parse(ROW))
    semicolons = _only_entry(
        _parse(
            ROW.replace(
                "MM/BU/OTPA/OP/SF/MD/SP/F70/WN/AH/SAF/ZZ/",
                "MM; BU; OTPA; OP; SF; MD; SP; F70; WN; AH; SAF; ZZ",
            )
        )
    )

    assert semicolons == slashes


def test_an_out_folder_that_cannot_be_made_is_exit_1_with_one_line_and_no_traceback(tmp_path, capsys):
    source = tmp_path / "locator.csv"
    source.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("", encoding="utf-8")

    code = main(["import", "samhsa", str(source), "--out", str(tmp_path / "a-file" / "out")])

    assert code == 1
    assert capsys.readouterr().err.startswith("navigator: cannot write")


def test_a_short_address_line_that_happens_to_start_a_name_is_kept_as_the_address():
    entry = _only_entry(_parse(ROW.replace("750 Highway 31 South,,", "750 Highway 31 South,Sh,")))

    assert entry["location"]["address_2"] == "Sh"
    assert entry["name"] == "Shelby County Treatment Center"


# --- the 2017 national directory, scraped from its PDF --------------------------------------------

PDF_HEADER = "Center_name,Center_name2,Address,City,State,Postal_code,Phone,Keys"
PDF_ROWS = (
    # Two programs in one building with one switchboard: the export has no ids to tell them apart.
    "Bayside Recovery Center,Outpatient Program,12 Harbor St,Mobile,AL,36602,(251) 555-0101,SA OP MD SF",
    "Bayside Recovery Center,Methadone Clinic,12 Harbor St,Mobile,AL,36602,(251) 555-0101,SA OTP MM MD",
    "Gulf Coast Counseling,,48 Dauphin St,Mobile,AL,36602,251-555-0177,SA OP PI",
)


def _pdf(*rows: str, file_name: str = "national-directory-2017.csv"):
    return _parse(*rows, header=PDF_HEADER, file_name=file_name)


def test_the_2017_layout_without_an_id_column_imports_programs_sharing_an_address_without_a_key_error():
    batch = _pdf(*PDF_ROWS)

    assert batch.skipped == []
    ids = sorted(entry["id"] for entry in batch.entries)
    assert ids == [
        "samhsa-36602-12-harbor-st-2515550101-bayside-recovery-center-methadone-clinic",
        "samhsa-36602-12-harbor-st-2515550101-bayside-recovery-center-outpatient-program",
        "samhsa-36602-48-dauphin-st-2515550177",
    ]
    assert all("source_id" not in entry for entry in batch.entries)
    clinic = _by_id(batch, ids[0])
    assert clinic["moud"] == {"medications": ["methadone"], "setting": "otp"}
    assert clinic["payment"] == ["medicaid"] and clinic["listed_as_of"] == "2017-01-01"


def test_center_name_postal_code_and_space_separated_keys_are_read():
    entry = _only_entry(_pdf(PDF_ROWS[2]))

    assert entry["name"] == "Gulf Coast Counseling"
    assert entry["location"]["zip"] == "36602" and entry["location"]["address"] == "48 Dauphin St"
    assert entry["needs"] == ["outpatient"] and entry["payment"] == ["private_insurance"]
    assert entry["tags"] == ["SA"]


def test_a_program_renamed_in_a_later_export_is_updated_not_added_again(tmp_path):
    say = []
    run_import(_pdf(PDF_ROWS[2]), tmp_path, today=TODAY, say=say.append)
    renamed = PDF_ROWS[2].replace("Gulf Coast Counseling", "Gulf Coast Behavioral Health")
    outcome = run_import(_pdf(renamed), tmp_path, today=TODAY, say=say.append)

    assert outcome.imported == [] and outcome.updated == ["samhsa-36602-48-dauphin-st-2515550177"]
    entries, report = check_directory(tmp_path, today=TODAY)
    assert report.lines() == []
    assert [checked.entry["name"] for checked in entries] == ["Gulf Coast Behavioral Health"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "Bayside Recovery Center 12 Harbor St Mobile AL 36602 Gulf Coast Counseling,,48 Dauphin St,"
            "Mobile,AL,36602,251-555-0177,SA OP PI",
            "name1 holds a second place ('AL 36602')",
        ),
        (
            "Gulf Coast Counseling (251) 555-0101 Bayside Recovery,,48 Dauphin St,Mobile,AL,36602,251-555-0177,SA OP",
            "name1 holds a phone number",
        ),
        (
            "Gulf Coast Counseling,,48 Dauphin St,Mobile,AL,36602 36603,251-555-0177,SA OP PI",
            "the ZIP code cell holds several",
        ),
        (
            "Gulf Coast Counseling,,48 Dauphin St,Mobile,AL,36602,251-555-0177,SA OP PI MD SA OP MC",
            "the service codes repeat (OP, SA)",
        ),
    ],
)
def test_a_row_a_pdf_scrape_ran_together_is_listed_as_skipped_not_merged(row, reason):
    batch = _pdf(row, PDF_ROWS[2].replace("48 Dauphin", "50 Dauphin"))

    assert len(batch.records) == 1
    assert len(batch.skipped) == 1
    assert "run together by a PDF scrape" in batch.skipped[0].reason
    assert reason in batch.skipped[0].reason


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n",
        b"Center_name,Postal_code\n",
        b"Center_name,City,State,Postal_code,Keys\n",
        b'Center_name,City,State,Postal_code,Keys\n"unterminated,Mobile,AL,36602,SA\n',
        b"Center_name,City,State,Postal_code,Keys\n,,,,\n,Mobile,,,\nX,Mobile,AL,ABCDE,OP\n",
        b"Center_name,City,State,Postal_code,Keys\nX,Mobile,AL,36602," + b"OP " * 20000 + b"\n",
        b"PK\x03\x04" + bytes(range(256)),
        b'{"rows": []}',
        "Center_name,City,State,Postal_code,Keys\nÉcole,Mobile,AL,36602,OP\n".encode("utf-16"),
    ],
)
def test_no_file_ends_in_a_traceback(tmp_path, capsys, data):
    source = tmp_path / "any.csv"
    source.write_bytes(data)

    code = main(["import", "samhsa", str(source), "--out", str(tmp_path / "out")])

    captured = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in captured.err
    if code == 1:
        assert captured.err.startswith("navigator: ") and captured.err.count("\n") == 1


# --- search over the import equals a brute-force pass over the source rows -----------------------

_BUPRENORPHINE = {"BU", "BUM", "BMW", "DB", "BWN", "BWON"}


def _reference_rows(path) -> list:
    rows = []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            keys = {code for code in re.split(r"[/\s]+", row["Keys"]) if code}
            try:
                lat, lon = float(row["Latitude"]), float(row["Longitude"])
            except ValueError:
                lat = lon = 0.0
            if not (13 <= lat <= 72 and -180 <= lon <= -64):
                if 13 <= lon <= 72 and -180 <= lat <= -64:
                    lat, lon = lon, lat
                else:
                    centre = zipcodes.matching(row["ZIP_Code"].zfill(5))[0]
                    lat, lon = float(centre["lat"]), float(centre["long"])
            codes = {"methadone"}
            codes |= {"buprenorphine"} if keys & _BUPRENORPHINE else set()
            codes |= {"medicaid"} if "MD" in keys else set()
            codes |= {"free"} if "NP" in keys else set()
            rows.append(SourceRow(row["ID"], lat, lon, frozenset(codes)))
    return rows


@pytest.mark.parametrize(
    ("near", "radius", "needs"),
    [
        ("10001", 25, ()),
        ("60601", 50, ("buprenorphine",)),
        ("35007", 120, ("medicaid",)),
        ("90012", 30, ("buprenorphine", "medicaid")),
    ],
)
def test_a_search_over_the_import_returns_what_a_brute_force_pass_over_the_csv_returns(
    tmp_path_factory, samhsa_folder, near, radius, needs
):
    place = resolve_place(near)
    reference = expected(_reference_rows(shared_data("samhsa", "otp-2015.csv")), place.lat, place.lon, radius, needs)
    got = found(
        samhsa_folder,
        near,
        radius,
        needs,
        lambda directory, hit: directory.entries[hit.row]["source_id"],
        tmp_path_factory.mktemp("cache"),
    )

    assert sum(reference.values()) > 0
    assert got == reference


@pytest.fixture(scope="module")
def samhsa_folder(tmp_path_factory, real_batch):
    folder = tmp_path_factory.mktemp("samhsa")
    run_import(real_batch, folder, today=TODAY, say=lambda line: None)
    return folder


@pytest.mark.parametrize(
    "header", ["Name1,Address1,City,State,zip,Contact,Keys", PDF_HEADER.replace(",Center_name2", "")]
)
def test_two_programs_of_one_name_in_one_zip_without_ids_no_longer_crash_with_a_key_error(header):
    # Before: ids from ZIP and name collided, and the repair read a source_id the rows lack (KeyError).
    batch = _parse(
        "Bayside Recovery Center,12 Harbor St,Mobile,AL,36602,(251) 555-0101,SA OP MD SF",
        "Bayside Recovery Center,40 Water St,Mobile,AL,36602,(251) 555-0199,SA OTP MM MD",
        header=header,
    )

    assert sorted(entry["id"] for entry in batch.entries) == [
        "samhsa-36602-12-harbor-st-2515550101",
        "samhsa-36602-40-water-st-2515550199",
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), min_size=0, max_size=9),
        max_size=6,
    )
)
def test_any_table_of_cells_gives_entries_or_one_clear_error_never_a_traceback(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([PDF_HEADER.split(","), *rows])
    try:
        batch = parse_samhsa(buffer.getvalue(), "any-2017.csv", TODAY)
    except UnreadableSource as error:
        assert "\n" not in str(error)
    else:
        assert batch.read == len(batch.records) + len(batch.skipped)
