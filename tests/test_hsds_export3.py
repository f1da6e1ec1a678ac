"""HSDS 3.0 export: every table of the package validates with frictionless against the specification's
own data package (../shared/data/hsds/spec-3.0-examples/csv/datapackage.json: columns, types, formats,
required, unique, primary and foreign keys), and importing the package gives back the same entries."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.conftest import BUNDLED_DIRECTORY, shared_data
from tests.test_hsds_export import ENTRIES, _comparable

from navigator.cli.main import main
from navigator.directory.loader import check_directory

# The columns the export adds beyond the specification, so that `import hsds` reads back what HSDS
# has no place for; declared here, so any other column is an error.
EXTENSION_COLUMNS = {"service": ("x_navigator",), "taxonomy_term": ("vocabulary",)}


@pytest.fixture(scope="module")
def specification() -> dict:
    path = shared_data("hsds", "spec-3.0-examples", "csv", "datapackage.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bundled_package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hsds3") / "package"
    assert main(["export", "hsds", "--version", "3.0", "--directory", str(BUNDLED_DIRECTORY), "--out", str(out)]) == 0
    return out


def _entries(directory: Path) -> list[dict]:
    checked, report = check_directory(directory)
    assert report.lines() == []
    return [item.entry for item in checked]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


def spec_errors(package: Path, specification: dict, scratch: Path) -> list[str]:
    """Every way the package breaks the specification's data package, one line each.

    The specification leaves out columns and tables a publisher has nothing for; frictionless reads
    a table against its whole schema. So each table is laid out in the specification's columns (a
    missing column is an empty one, which `required` still catches; a table the export leaves out is
    an empty one, which the foreign keys pointing at it still check) and the export's own columns
    follow, declared in EXTENSION_COLUMNS: any other column is an extra label."""
    from frictionless import Package

    scratch.mkdir(parents=True, exist_ok=True)
    resources = []
    for resource in specification["resources"]:
        fields = [field["name"] for field in resource["schema"]["fields"]]
        header, rows = _read(package / resource["path"]) if (package / resource["path"]).exists() else ([], [])
        with open(scratch / resource["path"], "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, [*fields, *(name for name in header if name not in fields)])
            writer.writeheader()
            writer.writerows(rows)
        extension = [{"name": name, "type": "string"} for name in EXTENSION_COLUMNS.get(resource["name"], ())]
        schema = {**resource["schema"], "fields": [*resource["schema"]["fields"], *extension]}
        resources.append({**resource, "schema": schema})
    report = Package({"name": "check", "resources": resources}, basepath=str(scratch)).validate()
    return [
        f"{task.name}: row {getattr(error, 'row_number', '-')}: "
        f"{getattr(error, 'field_name', '') or getattr(error, 'label', '')}: "
        f"{error.type}: {error.note}"
        for task in report.tasks
        for error in task.errors
    ] + [f"{error.type}: {error.note}" for error in report.errors]


def test_every_table_of_the_bundled_export_validates_against_the_specification(
    bundled_package, specification, tmp_path
):
    assert json.loads((bundled_package / "datapackage.json").read_text())["version"] == "3.0.0"
    exported = {path.name for path in bundled_package.glob("*.csv")}
    assert exported <= {resource["path"] for resource in specification["resources"]}
    for file_name in exported:
        assert _read(bundled_package / file_name)[1], f"{file_name} is empty: the check would prove nothing"

    assert spec_errors(bundled_package, specification, tmp_path / "check")[:10] == []


@pytest.mark.parametrize(
    ("file_name", "change", "expected"),
    [
        ("services.csv", {"id": "not-a-uuid"}, "service: row 2: id: type-error"),
        ("services.csv", {"status": "open"}, "service: row 2: status: constraint-error"),
        ("services.csv", {"name": ""}, "service: row 2: name: constraint-error"),
        ("services.csv", {"organization_id": "11111111-1111-4111-8111-111111111111"}, "service: row 2: : foreign-key"),
        ("schedules.csv", {"opens_at": "9.30"}, "schedule: row 2: opens_at: type-error"),
        ("locations.csv", {"latitude": "north"}, "location: row 2: latitude: type-error"),
        ("phones.csv", {"extra_column": "x"}, "phone: row -: extra_column: extra-label"),
    ],
)
def test_an_export_that_breaks_the_specification_is_caught(
    bundled_package, specification, tmp_path, file_name, change, expected
):
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in bundled_package.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    header, rows = _read(broken / file_name)
    rows[0].update(change)
    with open(broken / file_name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*header, *(name for name in change if name not in header)])
        writer.writeheader()
        writer.writerows(rows)

    errors = spec_errors(broken, specification, tmp_path / "check")

    assert any(error.startswith(expected) for error in errors), errors[:5]


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
