"""HSDS 3.0 in (CSV data package and API JSON), 211 data classified term by term with its AIRS codes,
names as a coach reads them, and when each package's listings are vouched for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import pytest
from tests.conftest import shared_data

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.directory.vocabulary import load_vocabulary
from navigator.formats.hsds.classify import Labels, map_terms
from navigator.formats.hsds.details import language_code, readable_name
from navigator.formats.hsds.entries import read_hsds
from navigator.formats.runner import run_import
from navigator.search.wording import provenance_words
from navigator.settings import load_settings

TODAY = dt.date(2026, 12, 1)
SERVICE = "ac148810-d857-441c-9679-408f346de14b"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def _read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_csv(path, rows: list[dict]) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row)) or ["id"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _us_package(folder, **changes):
    """The specification's 3.0 example package, moved to Denver and made a recovery service."""
    shutil.copytree(shared_data("hsds", "spec-3.0-examples", "csv"), folder)
    edits = {
        "addresses.csv": {
            "address_1": "1234 E Colfax Ave",
            "address_2": "",
            "city": "Denver",
            "state_province": "CO",
            "postal_code": "80218",
            "address_type": "physical",
        },
        "locations.csv": {"latitude": "39.7402", "longitude": "-104.9701"},
        "taxonomy_terms.csv": {"code": "RX-8450.8000-180", "name": "Drug Abuse Counseling", "parent_id": ""},
        "attributes.csv": {"link_id": SERVICE, "link_entity": "service", "taxonomy_term_id": TERM},
        "services.csv": {"name": "OUTPATIENT SERVICES"},
        "organizations.csv": {"name": "FRONT RANGE RECOVERY CENTER"},
        "languages.csv": {"name": "Spanish (limited)", "code": ""},
        "schedules.csv": {"freq": "WEEKLY", "byday": "MO,WE,FR", "opens_at": "08:00:00", "closes_at": "17:00:00"},
    }
    for file_name, change in {**edits, **changes}.items():
        rows = _read_csv(folder / file_name)
        _write_csv(folder / file_name, [{**row, **change} for row in rows])
    return folder


def test_the_specification_s_3_0_package_and_api_examples_are_read_whole():
    for path in (
        shared_data("hsds", "spec-3.0-examples", "csv"),
        shared_data("hsds", "spec-3.0-examples", "service_full.json"),
        shared_data("hsds", "spec-3.0-examples", "service_list.json"),
        shared_data("hsds", "spec-3.0-examples", "organization_full.json"),
        shared_data("hsds", "spec-3.0-examples", "service_at_location_full.json"),
    ):
        batch = read_hsds(path, today=TODAY)
        assert batch.read >= 1 and batch.read == len(batch.records) + len(batch.skipped), path
        # A UK counselling service: not ours, and said why.
        assert all("not a recovery service" in note.reason or "outside" in note.reason for note in batch.skipped)


def test_a_3_0_package_maps_addresses_schedules_attributes_languages_and_dates(tmp_path):
    batch = read_hsds(_us_package(tmp_path / "denver-3"), today=TODAY)

    assert (batch.read, len(batch.records)) == (1, 1), [str(note) for note in batch.skipped]
    entry = batch.entries[0]
    assert entry["name"] == "Outpatient Services — Front Range Recovery Center"
    assert entry["organization"] == "Front Range Recovery Center"
    assert entry["category"] == "treatment_program"
    assert entry["location"]["zip"] == "80218" and entry["location"]["address"] == "1234 E Colfax Ave"
    assert entry["hours"] == [{"days": ["mon", "wed", "fri"], "opens": "08:00", "closes": "17:00"}]
    assert entry["languages"] == ["en", "es"]
    assert entry["last_changed"] == "2023-03-15"  # the service's own last_modified
    # The package is an export: listed as of the newest date it records, never the import's day.
    assert batch.provenance.listed_as_of == dt.date(2023, 3, 15) and batch.provenance.listed_from == "export"


def test_an_old_package_imports_as_old_and_reads_as_stale(tmp_path):
    package = _us_package(tmp_path / "old-211")
    descriptor = json.loads((package / "datapackage.json").read_text())
    (package / "datapackage.json").write_text(json.dumps({**descriptor, "created": "2019-06-30"}))

    run_import(read_hsds(package, today=TODAY), tmp_path / "out", today=TODAY, say=lambda line: None)

    entries, report = check_directory(tmp_path / "out", today=TODAY)
    entry = entries[0].entry
    assert report.lines() == []
    assert (entry["last_verified"], entry["listed_as_of"], entry["listed_from"]) == (
        "2019-06-30",
        "2019-06-30",
        "export",
    )
    words = provenance_words(entry, TODAY)
    assert words.startswith("From the source's export of Jun 30, 2019") and "call to confirm" in words


def test_a_package_with_no_date_anywhere_says_so_and_counts_as_stale(tmp_path):
    package = _us_package(
        tmp_path / "undated", **{"services.csv": {"name": "OUTPATIENT SERVICES", "last_modified": ""}}
    )
    _write_csv(package / "metadata.csv", [])

    run_import(read_hsds(package, today=TODAY), tmp_path / "out", today=TODAY, say=lambda line: None)

    entries, report = check_directory(tmp_path / "out", today=TODAY)
    entry = entries[0].entry
    assert report.lines() == [] and entry["listed_as_of"] == "unknown" and "last_verified" not in entry
    assert provenance_words(entry, TODAY).startswith("The source gives no date for this listing")


def _service_json(name="Drug Abuse Counseling", service_id="svc-1", code="RX-8450.8000-180") -> dict:
    service = json.loads(shared_data("hsds", "spec-3.0-examples", "service_full.json").read_text())
    service["id"], service["name"] = service_id, name
    service["attributes"][0]["taxonomy_term"].update(code=code, name=name, id=f"term-{service_id}")
    location = service["service_at_locations"][0]["location"]
    location.update(latitude=39.7402, longitude=-104.9701)
    location["addresses"][0].update(
        address_1="1234 E Colfax Ave", city="Denver", state_province="CO", postal_code="80218", country="US"
    )
    return service


def test_api_json_service_full_is_read_like_a_package(tmp_path):
    path = tmp_path / "service.json"
    path.write_text(json.dumps(_service_json()))

    batch = read_hsds(path, today=TODAY)

    assert len(batch.records) == 1 and batch.entries[0]["category"] == "treatment_program"
    assert batch.provenance.listed_from == "feed"  # live API data: listed as of its fetch


def test_a_paginated_api_list_from_a_url_brings_every_page(feed_server, tmp_path, capsys):
    pages = {
        1: [_service_json(service_id="svc-1"), _service_json(service_id="svc-2")],
        2: [_service_json(service_id="svc-3")],
    }
    for number, contents in pages.items():
        body = {"total_items": 3, "total_pages": 2, "page_number": number, "size": 2, "contents": contents}
        feed_server.files["/api/services" + ("" if number == 1 else f"?page={number}")] = json.dumps(body).encode()

    code = main(["import", "hsds", feed_server.url("/api/services"), "--out", str(tmp_path / "out")])

    assert code == 0, capsys.readouterr().err
    assert capsys.readouterr().out.splitlines()[-1] == "read 3, imported 3, merged 0, skipped 0"
    entries, report = check_directory(tmp_path / "out")
    assert report.lines() == [] and {e.entry["source_id"] for e in entries} == {"svc-1", "svc-2", "svc-3"}
    assert {e.entry["listed_as_of"] for e in entries} == {dt.datetime.now(dt.UTC).date().isoformat()}


# --- 211 data, classified term by term --------------------------------------------------------------

# (AIRS code, term name) -> (category, needs, serves). Codes from the AIRS/211 LA taxonomy as 211 packages
# carry them; the non-recovery support groups stand for every PN-8100 sibling outside .0500.
AIRS_TERMS = [
    ("PN-8100.0500-070", "Alcoholism Support Groups", ("support_meeting", [], [])),
    ("PN-8100.0500-180", "Drug Abuse Support Groups", ("support_meeting", [], [])),
    ("PN-8100.0500", "Substance Use Disorder Support Groups", ("support_meeting", [], [])),
    ("PN-8100.1800-180", "Diabetes Support Groups", (None, [], [])),
    ("PN-8100.1000", "Bereavement Support Groups", (None, [], [])),
    ("PN-8100.5000", "Mental Health Support Groups", (None, [], [])),
    ("RP-1400.8000-100", "Psychiatric Case Management", (None, [], [])),
    ("RP-1500.1400-800", "Suicide Prevention Hotlines", ("crisis_line", [], [])),
    ("RP-1500.3400-650", "Psychiatric Response Hotline", ("crisis_line", [], [])),
    ("RX-8450.1000", "Substance Use Disorder Hotlines", ("crisis_line", [], [])),
    ("RP-1400.1500", "Crisis Intervention", (None, [], [])),
    ("FC-8200.1800", "Drug Courts", (None, [], [])),
    ("FN-1900.9000", "Victim/Witness Assistance", (None, [], [])),
    ("BH-1800.8500", "Homeless Shelter", (None, [], [])),
    ("BH-1800.1500-100", "Domestic Violence Shelters", (None, [], [])),
    ("RX-1700.0500", "Alcohol Detoxification", ("treatment_program", ["detox"], [])),
    ("RX-1700.1700", "Drug Detoxification", ("treatment_program", ["detox"], [])),
    ("RX-8450.8000-050", "Alcoholism Counseling", ("treatment_program", [], [])),
    ("RX-8450.8000-180", "Drug Abuse Counseling", ("treatment_program", [], [])),
    ("RX-8460.8000", "Substance Use Disorder Residential Treatment", ("treatment_program", ["residential"], [])),
    ("RX-8450.6000", "Substance Use Disorder Prevention", (None, [], [])),
    ("RX-8500.8000", "Sober Living Homes", ("recovery_housing", [], [])),
    ("YB-0300", "Adults", (None, [], ["adults"])),
    ("YB-8000", "Older Adults", (None, [], ["seniors"])),
    ("YN-9000", "Veterans", (None, [], ["veterans"])),
]


@pytest.fixture(scope="module")
def labels():
    return Labels(load_vocabulary(load_settings().directory))


@pytest.mark.parametrize(("code", "name", "expected"), AIRS_TERMS, ids=[code for code, _, _ in AIRS_TERMS])
def test_each_airs_term_maps_to_exactly_its_category_needs_and_who_is_served(labels, code, name, expected):
    for term in ({"code": code, "name": name, "id": f"uuid-{code}"}, {"id": code, "name": name}):  # 3.0, 1.x
        mapped = map_terms([term], labels, False)
        assert (mapped["category"], mapped["needs"], mapped["serves"]) == expected, term
        if expected[0] is None and not expected[2]:
            assert mapped["tags"] == [name]  # kept, never dropped


def test_a_shelter_with_a_residential_term_is_still_not_treatment(labels):
    mapped = map_terms(
        [
            {"code": "BH-1800.8500", "name": "Homeless Shelter"},
            {"code": "RX-8460.8000", "name": "Substance Use Disorder Residential Treatment"},
        ],
        labels,
        False,
    )
    assert mapped["category"] is None and "residential" not in mapped["needs"]


@pytest.mark.parametrize(
    ("text", "code"), [("Spanish (limited)", "es"), ("spa", "es"), ("Vietnamese", "vi"), ("ur", "ur"), ("ASL", None)]
)
def test_languages_are_read_by_name_or_code_and_a_limited_one_is_still_spoken(text, code):
    assert language_code(text) == code


def test_asl_makes_an_entry_serve_deaf_people(tmp_path):
    package = _us_package(tmp_path / "asl", **{"languages.csv": {"name": "American Sign Language", "code": ""}})

    entry = read_hsds(package, today=TODAY).entries[0]

    assert "deaf_hard_of_hearing" in entry["serves"] and entry.get("languages", []) == []


@pytest.mark.parametrize(
    ("name", "organization", "shown"),
    [
        ("OFFICE BASED ADDICTION TREATMENT", "Valley Health", "Office Based Addiction Treatment — Valley Health"),
        ("Outpatient Services", "Acme Recovery", "Outpatient Services — Acme Recovery"),
        ("PHOENIX HOUSE RECOVERY PROGRAM", "Phoenix House", "Phoenix House Recovery Program"),
        ("Denver Recovery Group", "Denver Recovery Group", "Denver Recovery Group"),
    ],
)
def test_names_read_as_a_coach_reads_them(name, organization, shown):
    assert readable_name(name, organization) == shown


def test_a_2_x_package_with_service_attributes_and_taxonomy_terms_reads_like_1_1(tmp_path):
    from tests.test_importers_hsds import _package_tables, _write_package

    tables = _package_tables()
    plain = read_hsds(_write_package(tmp_path / "one", tables), today=TODAY)
    tables["service_attributes"] = [
        {"id": f"sa{index}", "service_id": row["service_id"], "taxonomy_term_id": row["taxonomy_id"]}
        for index, row in enumerate(tables.pop("services_taxonomy"))
    ]
    tables["taxonomy_terms"] = tables.pop("taxonomy")

    two = read_hsds(_write_package(tmp_path / "two", tables, descriptor=False), today=TODAY)

    assert [entry["category"] for entry in two.entries] == [entry["category"] for entry in plain.entries]
    assert [entry.get("needs") for entry in two.entries] == [entry.get("needs") for entry in plain.entries]
