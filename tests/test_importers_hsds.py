"""HSDS 1.x data package import: the Open Referral sample, and 211 packages built here."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from tests.conftest import shared_data

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.formats.batch import UnreadableSource
from navigator.formats.hsds.details import html_to_text, language_code
from navigator.formats.hsds.entries import read_hsds
from navigator.formats.runner import run_import

TODAY = dt.date(2026, 1, 15)


def _csv(rows: list[dict]) -> str:
    """The rows as CSV; a column any row has is written for all (blank where a row lacks it)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _package_tables() -> dict[str, list[dict]]:
    """A small 211-style package: AIRS and Open Eligibility terms, and services not ours."""
    return {
        "organizations": [
            {
                "id": "o1",
                "name": "Front Range Health",
                "url": "https://frh.example.org",
                "email": "info@frh.example.org",
            },
            {"id": "o2", "name": "Denver Food Bank"},
        ],
        "services": [
            {
                "id": "s-otp",
                "organization_id": "o1",
                "name": "Methadone Clinic",
                "status": "active",
                "description": "<p>Daily dosing.</p><ul><li>Walk-ins</li><li>Counseling</li></ul>",
                "application_process": "Walk in before 10.",
                "fees": "Sliding scale",
                "accreditations": "CARF",
            },
            {
                "id": "s-detox",
                "organization_id": "o1",
                "name": "Detox Unit",
                "status": "inactive",
            },
            {
                "id": "s-group",
                "organization_id": "o1",
                "name": "Tuesday Recovery Group",
                "status": "active",
            },
            {
                "id": "s-line",
                "organization_id": "o1",
                "name": "Recovery Phone Line",
                "status": "active",
            },
            {
                "id": "s-food",
                "organization_id": "o2",
                "name": "Food Pantry",
                "status": "active",
            },
            {
                "id": "s-nowhere",
                "organization_id": "o1",
                "name": "Job Training Program",
                "status": "active",
            },
        ],
        "locations": [
            {
                "id": "l1",
                "organization_id": "o1",
                "name": "Colfax Campus",
                "latitude": "39.7402",
                "longitude": "-104.9701",
                "transportation": "Bus 15.",
            },
            {
                "id": "l2",
                "organization_id": "o1",
                "name": "Front Range Health",
            },
            {
                "id": "l3",
                "organization_id": "o2",
                "name": "Pantry",
            },
        ],
        "services_at_location": [
            {"id": "sal1", "service_id": "s-otp", "location_id": "l1"},
            {"id": "sal2", "service_id": "s-detox", "location_id": "l2"},
            {"id": "sal3", "service_id": "s-group", "location_id": "l2"},
            {"id": "sal4", "service_id": "s-food", "location_id": "l3"},
        ],
        "physical_addresses": [
            {
                "id": "a1",
                "location_id": "l1",
                "address_1": "1234 E Colfax Ave",
                "address_2": "Suite 200",
                "city": "Denver",
                "state_province": "CO",
                "postal_code": "80218",
                "country": "US",
            },
            {
                "id": "a2",
                "location_id": "l2",
                "address_1": "500 Main St",
                "address_2": "",
                "city": "Boulder",
                "state_province": "Colorado",
                "postal_code": "80302",
                "country": "US",
            },
            {
                "id": "a3",
                "location_id": "l3",
                "address_1": "1 Pantry Way",
                "address_2": "",
                "city": "Denver",
                "state_province": "CO",
                "postal_code": "80205",
                "country": "US",
            },
        ],
        "phones": [
            {
                "id": "p1",
                "service_id": "s-otp",
                "number": "(303) 555-0142",
                "extension": "12",
                "type": "voice",
                "description": "Front desk",
            },
            {
                "id": "p2",
                "service_id": "s-otp",
                "number": "303.555.0143",
                "type": "fax",
            },
            {
                "id": "p3",
                "service_id": "s-line",
                "number": "1-800-555-0199",
                "type": "voice",
            },
        ],
        "regular_schedules": [
            *(
                {
                    "id": f"r{day}",
                    "service_id": "s-otp",
                    "location_id": "l1",
                    "weekday": str(day),
                    "opens_at": "06:00",
                    "closes_at": "14:00",
                }
                for day in range(1, 6)
            ),
            {
                "id": "r6",
                "service_id": "s-otp",
                "location_id": "l1",
                "weekday": "6",
                "opens_at": "08:00:00",
                "closes_at": "10:00:00",
            },
            {
                "id": "r7",
                "service_id": "s-group",
                "service_at_location_id": "sal3",
                "weekday": "Tuesday",
                "opens_at": "7:00 PM",
                "closes_at": "8:00 PM",
            },
        ],
        "languages": [
            {"id": "g1", "service_id": "s-otp", "language": "Spanish"},
            {"id": "g2", "service_id": "s-otp", "language": "vie"},
        ],
        "eligibility": [
            {"id": "e1", "service_id": "s-otp", "eligibility": "Veterans"},
            {"id": "e2", "service_id": "s-otp", "eligibility": "Adults with opioid use disorder"},
        ],
        "payments_accepted": [
            {"id": "m1", "service_id": "s-otp", "payment": "Medicaid"},
            {"id": "m2", "service_id": "s-otp", "payment": "Bitcoin"},
        ],
        "service_areas": [{"id": "sa1", "service_id": "s-line", "service_area": "Colorado"}],
        "taxonomy": [
            {
                "id": "t1",
                "name": "Methadone Maintenance",
                "vocabulary": "AIRS",
            },
            {
                "id": "RX-8450.1150",
                "name": "Comprehensive Outpatient Substance Use Disorder Treatment",
                "vocabulary": "AIRS",
            },
            {
                "id": "t3",
                "name": "Detox",
                "parent_name": "Addiction & Recovery",
                "vocabulary": "Open Eligibility",
            },
            {
                "id": "t4",
                "name": "Addictions/Substance Use Disorder Support Groups",
                "vocabulary": "AIRS",
            },
            {
                "id": "t5",
                "name": "Food Pantries",
                "vocabulary": "AIRS",
            },
            {
                "id": "t6",
                "name": "Veterans",
                "vocabulary": "Open Eligibility",
            },
            {
                "id": "t7",
                "name": "Substance Use Disorder Hotlines",
                "vocabulary": "AIRS",
            },
            {
                "id": "t8",
                "name": "Job Training",
                "vocabulary": "Open Eligibility",
            },
        ],
        "services_taxonomy": [
            {"id": "st1", "service_id": "s-otp", "taxonomy_id": "t1"},
            {"id": "st2", "service_id": "s-otp", "taxonomy_id": "RX-8450.1150"},
            {"id": "st3", "service_id": "s-otp", "taxonomy_id": "t6"},
            {"id": "st4", "service_id": "s-detox", "taxonomy_id": "t3"},
            {"id": "st5", "service_id": "s-group", "taxonomy_id": "t4"},
            {"id": "st6", "service_id": "s-food", "taxonomy_id": "t5"},
            {"id": "st7", "service_id": "s-line", "taxonomy_id": "t7"},
            {"id": "st8", "service_id": "s-nowhere", "taxonomy_id": "t8"},
        ],
        "metadata": [
            {
                "id": "md1",
                "resource_id": "s-otp",
                "last_action_date": "2025-09-30T10:00:00Z",
                "last_action_type": "update",
                "field_name": "name",
                "updated_by": "211",
            }
        ],
    }


def _write_package(folder, tables=None, descriptor=True, bom=False, crlf=False):
    folder.mkdir(parents=True, exist_ok=True)
    tables = _package_tables() if tables is None else tables
    for name, rows in tables.items():
        text = _csv(rows)
        text = text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else text.replace("\r\n", "\n")
        (folder / f"{name}.csv").write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    if descriptor:
        resources = [
            {
                "name": name.rstrip("s") if name != "services_at_location" else name,
                "path": f"{name}.csv",
            }
            for name in tables
        ]
        (folder / "datapackage.json").write_text(
            json.dumps({"name": "test-211", "resources": resources}), encoding="utf-8"
        )
    return folder


@pytest.fixture
def package(tmp_path):
    return _write_package(tmp_path / "denver-211")


def _entries(batch) -> dict[str, dict]:
    return {record.entry["source_id"]: record.entry for record in batch.records}


def _reasons(notes) -> str:
    return " | ".join(str(note) for note in notes)


# --- the Open Referral sample ---------------------------------------------------------------


@pytest.mark.parametrize("folder", ["simple", "all_resources"])
def test_the_open_referral_sample_is_read_and_every_service_skipped_with_its_reason(folder):
    batch = read_hsds(shared_data("hsds", "sample-1.1", folder), today=TODAY)

    assert batch.read == 13
    assert batch.records == []
    assert len(batch.skipped) == 13
    reasons = {note.record.split(" at location")[0]: note.reason for note in batch.skipped}
    # The one recovery service in the sample is recognised, but its location has no address.
    al_anon = reasons["service 'c28f4d9f-10b2-4baf-a727-a31ae79063ce' (Al-Anon Family Group)"]
    assert al_anon.startswith("location 'The Example Center' has no address and no coordinates")
    assert sum("not a recovery service" in reason for reason in reasons.values()) == 12


def test_the_sample_names_the_tables_it_lacks():
    batch = read_hsds(shared_data("hsds", "sample-1.1", "simple"), today=TODAY)

    assert any("physical_address" in note and "taxonomy" in note for note in batch.notes)


# --- a 211 package ---------------------------------------------------------------------------


def test_each_recovery_service_at_a_location_becomes_one_entry_and_the_rest_are_skipped(package):
    batch = read_hsds(package, today=TODAY)

    assert batch.read == 6
    assert sorted(_entries(batch)) == ["s-detox", "s-group", "s-line", "s-otp"]
    reasons = _reasons(batch.skipped)
    assert "Food Pantry" in reasons and "'Food Pantries'" in reasons
    assert "Job Training Program" in reasons and "no location, and no service area" in reasons


def test_a_methadone_service_maps_field_by_field(package):
    entry = _entries(read_hsds(package, today=TODAY))["s-otp"]

    assert entry == {
        "id": "hsds-s-otp-l1",
        "name": "Methadone Clinic",
        "organization": "Front Range Health",
        "category": "moud_provider",
        "description": "Daily dosing.\n\n- Walk-ins\n- Counseling\n\nAt Colfax Campus.\n\nGetting there: Bus 15.",
        "needs": ["outpatient"],
        "payment": ["medicaid"],
        "serves": ["veterans"],
        "eligibility": "Adults with opioid use disorder",
        "languages": ["en", "es", "vi"],
        "application_process": "Walk in before 10.",
        "fees": "Sliding scale",
        "website": "https://frh.example.org",
        "email": "info@frh.example.org",
        "phones": [
            {"number": "303-555-0142 x12", "type": "voice", "description": "Front desk"},
            {"number": "303-555-0143", "type": "fax"},
        ],
        "location": {
            "address": "1234 E Colfax Ave",
            "address_2": "Suite 200",
            "city": "Denver",
            "state": "CO",
            "zip": "80218",
            "latitude": 39.7402,
            "longitude": -104.9701,
        },
        "hours": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "06:00", "closes": "14:00"},
            {"days": ["sat"], "opens": "08:00", "closes": "10:00"},
        ],
        "moud": {"medications": ["methadone"], "setting": "otp"},
        "tags": ["Bitcoin", "CARF"],  # the taxonomy term "Veterans" is who is served, not a tag
        "source": "hsds",
        "source_id": "s-otp",
        "last_verified": "2025-09-30",
        "last_changed": "2025-09-30",
        "verified_how": "import",
    }


def test_an_inactive_detox_service_is_kept_and_marked_inactive_at_its_zip_centroid(package):
    batch = read_hsds(package, today=TODAY)
    entry = _entries(batch)["s-detox"]

    assert entry["status"] == "inactive"
    assert entry["category"] == "treatment_program" and entry["needs"] == ["detox"]
    assert entry["location"] == {
        "address": "500 Main St",
        "city": "Boulder",
        "state": "CO",
        "zip": "80302",
    }
    assert entry["last_verified"] == TODAY.isoformat()
    assert "ZIP centroid" in _reasons(note for note in batch.repaired if "s-detox" in note.record)


def test_a_support_group_with_a_schedule_becomes_a_meeting(package):
    entry = _entries(read_hsds(package, today=TODAY))["s-group"]

    assert entry["category"] == "support_meeting"
    assert entry["meeting"] == {
        "fellowship": "other",
        "attendance": "in_person",
        "times": [{"days": ["tue"], "start": "19:00", "end": "20:00"}],
    }
    assert "hours" not in entry


def test_a_service_with_no_location_but_a_state_service_area_is_a_remote_entry(package):
    entry = _entries(read_hsds(package, today=TODAY))["s-line"]

    assert entry["id"] == "hsds-s-line"
    assert entry["service_area"] == ["CO"] and "location" not in entry
    assert entry["phones"] == [{"number": "800-555-0199", "type": "voice"}]


def test_a_support_group_without_meeting_times_is_kept_as_a_group_to_call_for_times(package, tmp_path):
    tables = _package_tables()
    tables["regular_schedules"] = [row for row in tables["regular_schedules"] if row["service_id"] != "s-group"]

    batch = read_hsds(_write_package(tmp_path / "no-times", tables), today=TODAY)

    entry = _entries(batch)["s-group"]
    assert entry["meeting"]["times"] == [] and "Call for meeting times" in entry["description"]
    assert "a support group with no meeting times: listed as a group to call" in _reasons(batch.repaired)
    run_import(batch, tmp_path / "out", today=TODAY, say=lambda line: None)
    entries, report = check_directory(tmp_path / "out", today=TODAY)
    assert report.lines() == [] and len(entries) == len(batch.records)


def test_a_package_without_datapackage_json_with_a_bom_crlf_and_extra_columns_reads_the_same(
    tmp_path,
):
    tables = _package_tables()
    for row in tables["services"]:
        row["local_notes"] = "ignored"
    plain = read_hsds(_write_package(tmp_path / "plain"), today=TODAY)

    variant = read_hsds(
        _write_package(tmp_path / "variant", tables, descriptor=False, bom=True, crlf=True),
        today=TODAY,
    )

    assert variant.entries == plain.entries


def test_a_zipped_package_inside_a_folder_of_the_zip_reads_like_the_folder(package, tmp_path):
    archive = tmp_path / "denver-211.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for file in package.iterdir():
            handle.write(file, f"export/denver-211/{file.name}")

    zipped = read_hsds(archive, today=TODAY)

    assert zipped.target == "hsds-denver-211"
    assert zipped.entries == read_hsds(package, today=TODAY).entries


def test_only_the_core_tables_are_needed(tmp_path):
    tables = {
        name: rows
        for name, rows in _package_tables().items()
        if name
        in (
            "organizations",
            "services",
            "locations",
            "services_at_location",
            "physical_addresses",
            "taxonomy",
            "services_taxonomy",
        )
    }

    batch = read_hsds(_write_package(tmp_path / "core", tables), today=TODAY)

    assert sorted(_entries(batch)) == ["s-detox", "s-group", "s-otp"]  # no area for the line
    assert _entries(batch)["s-group"]["meeting"]["times"] == []  # no schedule: call for times


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda path: None, "no such folder or file"),
        (lambda path: path.mkdir(), "no services.csv"),
        (
            lambda path: path.with_suffix("").mkdir() or path.write_bytes(b"not a zip"),
            "readable .zip",
        ),
    ],
)
def test_a_path_that_is_no_data_package_is_refused(tmp_path, setup, message):
    path = tmp_path / "package.zip"
    setup(path)

    with pytest.raises(UnreadableSource, match=message):
        read_hsds(path, today=TODAY)


def test_a_broken_datapackage_json_or_a_table_missing_its_id_column_is_refused(package):
    (package / "locations.csv").write_text("name\nSomewhere\n", encoding="utf-8")
    with pytest.raises(UnreadableSource, match="locations.csv: missing column id"):
        read_hsds(package, today=TODAY)

    (package / "datapackage.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(UnreadableSource, match="datapackage.json is not valid JSON"):
        read_hsds(package, today=TODAY)


def test_the_command_imports_a_package_into_a_folder_that_validates(package, tmp_path, capsys):
    out = tmp_path / "out"

    assert main(["import", "hsds", str(package), "--out", str(out)]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "read 6, imported 4, merged 0, skipped 2"
    assert sum(line.startswith("skipped ") for line in lines) == 2
    entries, report = check_directory(out)
    assert report.lines() == [] and len(entries) == 4


def test_the_command_refuses_a_folder_that_is_no_package_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "empty").mkdir()

    assert main(["import", "hsds", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 1
    assert "not an HSDS data package" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_imported_services_pass_the_directory_checks(package, tmp_path):
    run_import(read_hsds(package, today=TODAY), tmp_path / "out", today=TODAY, say=lambda line: None)

    assert check_directory(tmp_path / "out", today=TODAY)[1].lines() == []


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Spanish", "es"),
        ("es", "es"),
        ("spa", "es"),
        ("Chinese", "zh"),
        ("Mandarin", "zh"),
        ("Klingon", None),
    ],
)
def test_languages_are_read_by_name_or_iso_code(text, code):
    assert language_code(text) == code


def test_html_descriptions_become_plain_text_with_list_items_as_lines():
    assert (
        html_to_text("Serves:<ul>\n  <li>Food</li>\n  <li>Rent &amp; bills</li>\n</ul>")
        == "Serves:\n- Food\n- Rent & bills"
    )


def test_tables_in_a_subfolder_named_by_datapackage_json_are_found(tmp_path):
    package = _write_package(tmp_path / "nested", descriptor=False)
    (package / "data").mkdir()
    for table in package.glob("*.csv"):
        table.rename(package / "data" / table.name)
    resources = [{"name": "service", "path": "data/services.csv"}]
    (package / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")

    assert sorted(_entries(read_hsds(package, today=TODAY))) == [
        "s-detox",
        "s-group",
        "s-line",
        "s-otp",
    ]


def test_a_zip_with_the_tables_at_its_top_level_is_read(package, tmp_path):
    archive = tmp_path / "flat.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for file in package.iterdir():
            handle.write(file, file.name)

    assert read_hsds(archive, today=TODAY).entries == read_hsds(package, today=TODAY).entries


def test_a_zip_bomb_is_refused_from_its_stated_sizes_before_anything_is_inflated(package, tmp_path, monkeypatch):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        for file in package.iterdir():
            if file.name != "phones.csv":
                handle.write(file, file.name)
        handle.writestr("phones.csv", b"id,number\n" + b"0" * (64 * 2**20))  # 64 MiB packs to ~64 KiB
    inflated = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, *a: inflated.append(self.name) or real_read(self, *a))

    with pytest.raises(UnreadableSource, match="phones.csv unpacks [0-9,]+ times its packed size"):
        read_hsds(archive, today=TODAY)
    assert inflated == []


def test_only_the_tables_the_import_needs_are_read_from_a_zip(package, tmp_path, monkeypatch):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for file in package.iterdir():
            handle.write(file, file.name)
        handle.writestr("notes/funding.csv", "id,amount\n1,2\n")
    inflated = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, *a: inflated.append(self.name) or real_read(self, *a))

    read_hsds(archive, today=TODAY)

    assert "notes/funding.csv" not in inflated and "services.csv" in inflated


def test_a_deeply_nested_datapackage_json_is_a_clear_refusal(package):
    (package / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    with pytest.raises(UnreadableSource, match="nested more than 32 levels deep"):
        read_hsds(package, today=TODAY)
