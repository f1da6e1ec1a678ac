"""HSDS export: a package other HSDS tools can read, which `import hsds` reads back without loss."""

from __future__ import annotations

import csv
import json
import re

import pytest
import yaml
from tests.conftest import BUNDLED_DIRECTORY, write_directory

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.formats.hsds.export import TABLES, days_of

# Provenance describes the copy, not the service: an imported entry comes from `hsds`, by import.
PROVENANCE = ()  # an export keeps the entries' own source, ids and dates

ENTRIES = """\
- id: co-den-moud-front-range
  name: Front Range Recovery — Buprenorphine Clinic
  organization: Front Range Recovery
  category: moud_provider
  description: |-
    Office-based buprenorphine with same-day starts.

    Ask for the peer navigator: "Sam" at the front desk, 2nd floor.
  needs: [buprenorphine, outpatient, telehealth]
  payment: [medicaid, self_pay, sliding_fee]
  serves: [adults, veterans, pregnant_postpartum]
  eligibility: Adults 18+ with opioid use disorder.
  languages: [en, es, vi]
  accessibility: [Wheelchair accessible, Elevator]
  application_process: Walk in Monday to Friday before 10:00.
  required_documents: [Photo ID if you have one, Insurance card]
  fees: Sliding scale from $0.
  website: https://example.org/front-range
  email: intake@example.org
  phones:
    - number: "303-555-0142"
      type: intake
      description: Call to start
    - number: "303-555-0143 x12"
      type: fax
    - number: "303-555-0144"
      type: text
  location:
    address: 1234 E Colfax Ave
    address_2: Suite 200
    city: Denver
    state: CO
    zip: "80218"
    latitude: 39.7402
    longitude: -104.9701
  timezone: America/Denver
  hours:
    - days: [mon, tue, wed, thu, fri]
      opens: "08:00"
      closes: "17:00"
    - days: [sat]
      opens: "09:00"
      closes: "12:00"
  moud:
    medications: [buprenorphine]
    setting: office_based
    same_day_start: true
    walk_in: true
  tags: [CARF, "ASAM 1.0"]
  source: manual
  last_verified: "2025-10-01"
  verified_how: phone
- id: co-den-meeting-tuesday
  name: Tuesday Night Speaker Meeting
  organization: Front Range Recovery
  category: support_meeting
  status: temporarily_closed
  location:
    city: Denver
    state: CO
    zip: "80218"
  meeting:
    fellowship: na
    attendance: hybrid
    times:
      - days: [tue, thu]
        start: "19:00"
        end: "20:30"
      - days: [sat]
        start: "10:00"
    conference_url: https://example.org/zoom
    conference_phone: "+1-720-555-0100"
    types: [O, D, "LGBTQ"]
  last_verified: "2025-09-12"
- id: us-helpline
  name: National Helpline
  organization: SAMHSA
  category: crisis_line
  phones:
    - number: "1-800-662-4357"
      type: hotline
    - number: "988"
      type: text
  accessibility: [TTY]
  service_area: [national]
  hours: "24/7"
  last_verified: "2025-08-01"
- id: co-housing-oxford
  name: Oxford House Capitol Hill
  organization: Oxford House
  category: recovery_housing
  status: inactive
  location:
    address: 1 Pearl St
    city: Denver
    state: CO
    zip: "80203"
  housing:
    narr_level: 1
    medication_policy: {buprenorphine: allowed, methadone: allowed, naltrexone: allowed}
    gender: men
    beds_available: 2
    beds_counted: "2025-10-01"
  employment:
    services: [job_placement]
  last_verified: "2025-10-01"
  sample: true
"""


def _comparable(entry: dict) -> dict:
    kept = {key: value for key, value in entry.items() if key not in PROVENANCE}
    if kept.get("status") == "active":
        del kept["status"]
    if isinstance(kept.get("hours"), list):
        kept["hours"] = [{**period, "days": days_of(period["days"])} for period in kept["hours"]]
    return kept


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _round_trip(directory, tmp_path, capsys):
    package, back = tmp_path / "package", tmp_path / "back"
    assert main(["--directory", str(directory), "export", "hsds", "--out", str(package)]) == 0
    assert main(["import", "hsds", str(package), "--out", str(back)]) == 0
    lines = capsys.readouterr().out.splitlines()
    original, report = check_directory(directory)
    assert report.lines() == []
    imported, report = check_directory(back)
    assert report.lines() == []
    return (
        {checked.entry["id"]: checked.entry for checked in original},
        {checked.entry["id"]: checked.entry for checked in imported},
        lines,
        package,
    )


def test_exporting_and_importing_back_loses_nothing(tmp_path, capsys):
    directory = write_directory(tmp_path / "directory", {"entries.yaml": ENTRIES})

    original, imported, lines, _ = _round_trip(directory, tmp_path, capsys)

    assert lines[-1] == "read 4, imported 4, merged 0, skipped 0"
    assert sorted(imported) == sorted(original)
    for entry_id, entry in original.items():
        assert _comparable(imported[entry_id]) == _comparable(entry), entry_id
        assert imported[entry_id].get("source") == entry.get("source")
        assert imported[entry_id].get("source_id") == entry.get("source_id")


def test_the_bundled_directory_survives_the_round_trip(tmp_path, capsys):
    original, imported, _, _ = _round_trip(BUNDLED_DIRECTORY, tmp_path, capsys)

    assert sorted(imported) == sorted(original)
    for entry_id, entry in original.items():
        assert _comparable(imported[entry_id]) == _comparable(entry), entry_id


def test_the_package_holds_every_hsds_table_with_its_columns_and_a_descriptor(tmp_path, capsys):
    directory = write_directory(tmp_path / "directory", {"entries.yaml": ENTRIES})
    _, _, _, package = _round_trip(directory, tmp_path, capsys)

    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert {resource["path"] for resource in descriptor["resources"]} == {path for path, _ in TABLES.values()}
    for file_name, columns in TABLES.values():
        with open(package / file_name, encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == list(columns)
    services = _rows(package / "services.csv")
    clinic = next(row for row in services if row["id"] == "co-den-moud-front-range")
    assert clinic["status"] == "active" and clinic["organization_id"] == "org-front-range-recovery"
    assert json.loads(clinic["x_navigator"])["moud"]["setting"] == "office_based"
    closed = next(row for row in services if row["id"] == "co-den-meeting-tuesday")
    assert closed["status"] == "temporarily closed"


def test_payment_and_who_is_served_codes_are_written_as_words_other_tools_understand(tmp_path, capsys):
    directory = write_directory(tmp_path / "directory", {"entries.yaml": ENTRIES})
    _, _, _, package = _round_trip(directory, tmp_path, capsys)

    payments = [row["payment"] for row in _rows(package / "payments_accepted.csv")]
    eligibility = [row["eligibility"] for row in _rows(package / "eligibility.csv")]
    schedule = _rows(package / "regular_schedules.csv")

    assert payments == ["Medicaid", "Self-pay", "Sliding fee scale"]
    assert eligibility == [
        "Adults",
        "Veterans",
        "Pregnant or postpartum",
        "Adults 18+ with opioid use disorder.",
    ]
    assert [
        (row["weekday"], row["opens_at"], row["closes_at"])
        for row in schedule
        if row["service_id"] == "co-den-moud-front-range"
    ][-1] == ("6", "09:00", "12:00")


def test_a_directory_with_problems_is_not_exported(tmp_path, capsys):
    directory = write_directory(tmp_path / "directory", {"bad.yaml": "- id: x\n  name: Missing fields\n"})

    assert main(["--directory", str(directory), "export", "hsds", "--out", str(tmp_path / "package")]) == 1

    assert "nothing was exported" in capsys.readouterr().err
    assert not (tmp_path / "package").exists()


@pytest.mark.parametrize(
    ("days", "expanded"),
    [
        ("weekdays", ["mon", "tue", "wed", "thu", "fri"]),
        (["sun", "Tue"], ["tue", "sun"]),
        ("daily", list(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))),
    ],
)
def test_day_words_expand_to_the_weekdays_they_name(days, expanded):
    assert days_of(days) == expanded


def test_no_exported_cell_can_become_a_spreadsheet_formula_and_the_round_trip_keeps_the_text(tmp_path, capsys):
    hostile = {
        "name": '=HYPERLINK("https://evil.example","Click")',
        "organization": "+1 Health",
        "description": "@SUM(A1:A9) and more",
        "fees": "-5 dollars off",
        "eligibility": "'=already quoted",
    }
    text = ENTRIES
    first = yaml.safe_load(ENTRIES)[0]
    for field, value in hostile.items():
        first[field] = value
    text = yaml.safe_dump([first, *yaml.safe_load(ENTRIES)[1:]], sort_keys=False, allow_unicode=True)
    directory = write_directory(tmp_path / "directory", {"entries.yaml": text})

    original, imported, _, package = _round_trip(directory, tmp_path, capsys)

    for table in package.glob("*.csv"):
        for row in _rows(table):
            for cell in row.values():
                assert not cell or cell[0] not in "=+-@\t\r" or re.fullmatch(r"[-+]?[0-9.]+", cell), (table.name, cell)
    assert _comparable(imported[first["id"]]) == _comparable(original[first["id"]])
    assert {field: imported[first["id"]].get(field) for field in hostile} == hostile
