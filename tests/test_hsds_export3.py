"""HSDS 3.0 export: every service object validates against the specification's own JSON schemas
(tests/data/hsds-3.0-schema), the CSV tables hold only the specification's columns, and importing
the package gives back the same entries."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from tests.conftest import BUNDLED_DIRECTORY
from tests.test_hsds_export import ENTRIES, _comparable

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.directory.vocabulary import load_vocabulary
from navigator.formats.hsds.export3 import FILES, RESOURCE_NAMES, service_objects

SCHEMAS = Path(__file__).parent / "data" / "hsds-3.0-schema"


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")}


@pytest.fixture(scope="module")
def service_validator(schemas) -> Draft202012Validator:
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012)) for name, schema in schemas.items()
    )
    return Draft202012Validator(schemas["service.json"], registry=registry, format_checker=FormatChecker())


def _entries(directory: Path) -> list[dict]:
    checked, report = check_directory(directory)
    assert report.lines() == []
    return [item.entry for item in checked]


def test_every_service_of_the_bundled_directory_validates_against_the_3_0_schemas(service_validator):
    objects = service_objects(_entries(BUNDLED_DIRECTORY), load_vocabulary(BUNDLED_DIRECTORY))

    assert objects
    for service in objects:
        errors = sorted(service_validator.iter_errors(service), key=lambda error: list(error.path))
        assert errors == [], (service["name"], [f"{list(e.path)}: {e.message}" for e in errors[:5]])


def test_a_broken_object_is_caught_by_the_schemas(service_validator):
    service = service_objects(_entries(BUNDLED_DIRECTORY), load_vocabulary(BUNDLED_DIRECTORY))[0]
    broken = {**service, "status": "open", "id": "not-a-uuid"}
    broken.pop("name")

    messages = " | ".join(error.message for error in service_validator.iter_errors(broken))

    assert "'name' is a required property" in messages and "'open' is not one of" in messages
    assert "is not a 'uuid'" in messages


def test_the_3_0_package_holds_only_the_specification_s_tables_and_columns(tmp_path, schemas, capsys):
    out = tmp_path / "hsds3"
    assert main(["export", "hsds", "--version", "3.0", "--directory", str(BUNDLED_DIRECTORY), "--out", str(out)]) == 0
    assert "as an HSDS 3.0 data package" in capsys.readouterr().out

    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["version"] == "3.0.0"
    for table, file_name in FILES.items():
        schema = schemas[f"{RESOURCE_NAMES.get(table, table)}.json"]
        assert schema["path"] == file_name
        with open(out / file_name, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            columns = set(reader.fieldnames or ())
        extra = columns - set(schema["properties"]) - {"x_navigator", "vocabulary"}
        assert extra == set(), (file_name, extra)
        for row in rows:
            missing = [name for name in schema.get("required", ()) if name not in row]
            assert missing == [], (file_name, missing)


def test_a_3_0_export_imports_back_to_the_same_entries(tmp_path, capsys):
    from tests.conftest import write_directory

    directory = write_directory(tmp_path / "directory", {"entries.yaml": ENTRIES})
    package, back = tmp_path / "package", tmp_path / "back"
    assert main(["export", "hsds", "--version", "3.0", "--directory", str(directory), "--out", str(package)]) == 0
    assert main(["import", "hsds", str(package), "--out", str(back)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "read 4, imported 4, merged 0, skipped 0"

    original = {entry["id"]: entry for entry in _entries(directory)}
    imported = {entry["id"]: entry for entry in _entries(back)}
    assert sorted(imported) == sorted(original)
    for entry_id, entry in original.items():
        assert _comparable(imported[entry_id]) == _comparable(entry), entry_id


def test_no_3_0_cell_can_become_a_spreadsheet_formula_and_the_round_trip_keeps_the_text(tmp_path, capsys):
    import re

    import yaml
    from tests.conftest import write_directory

    hostile = {"name": '=HYPERLINK("https://evil.example","Click")', "organization": "+1 Health", "fees": "-5 off"}
    first = {**yaml.safe_load(ENTRIES)[0], **hostile}
    text = yaml.safe_dump([first, *yaml.safe_load(ENTRIES)[1:]], sort_keys=False, allow_unicode=True)
    directory = write_directory(tmp_path / "directory", {"entries.yaml": text})
    package, back = tmp_path / "package", tmp_path / "back"
    assert main(["export", "hsds", "--version", "3.0", "--directory", str(directory), "--out", str(package)]) == 0
    assert main(["import", "hsds", str(package), "--out", str(back)]) == 0
    capsys.readouterr()

    for table in package.glob("*.csv"):
        with open(table, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for cell in row.values():
                    assert not cell or cell[0] not in "=+-@\t\r" or re.fullmatch(r"[-+]?[0-9.]+", cell), cell
    imported = {entry["id"]: entry for entry in _entries(back)}
    assert {field: imported[first["id"]].get(field) for field in hostile} == hostile
