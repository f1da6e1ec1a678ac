"""Merging an import into a folder: idempotent, every change reported, nothing lost or doubled."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from tests.conftest import write_directory

from navigator.directory.yamlread import NodeConverter, compose
from navigator.directory.yamlwrite import dump_entries
from navigator.formats.batch import ImportBatch, UnreadableSource
from navigator.formats.runner import run_import

TODAY = dt.date(2026, 1, 15)


def _entry(entry_id="samhsa-1", **changes) -> dict:
    entry = {
        "id": entry_id,
        "name": "Clinic One",
        "organization": "Org",
        "category": "moud_provider",
        "phones": [{"number": "303-555-0100", "type": "voice"}],
        "location": {"city": "Denver", "state": "CO", "zip": "80218"},
        "source": "samhsa",
        "source_id": entry_id,
        "last_verified": "2025-06-01",
        "verified_how": "import",
    }
    entry.update(changes)
    return entry


def _batch(*entries, read=None, target="samhsa-test") -> ImportBatch:
    batch = ImportBatch("samhsa", target, fields=frozenset(_entry()))
    for index, entry in enumerate(entries, start=1):
        batch.add(f"line {index}", copy.deepcopy(entry))
    batch.read = len(entries) if read is None else read
    return batch


def _run(batch, out):
    lines = []
    outcome = run_import(batch, out, today=TODAY, say=lines.append)
    return outcome, lines


def _written(out) -> list[dict]:
    return NodeConverter().convert(compose((out / "samhsa-test.yaml").read_bytes()))


def test_running_the_same_import_twice_changes_nothing_and_duplicates_nothing(tmp_path):
    _run(_batch(_entry("samhsa-1"), _entry("samhsa-2")), tmp_path)
    before = (tmp_path / "samhsa-test.yaml").read_bytes()

    outcome, lines = _run(_batch(_entry("samhsa-1"), _entry("samhsa-2")), tmp_path)

    assert lines[-1] == "read 2, imported 0, merged 2, skipped 0"
    assert outcome.written == [] and outcome.updated == []
    assert (tmp_path / "samhsa-test.yaml").read_bytes() == before
    assert [entry["id"] for entry in _written(tmp_path)] == ["samhsa-1", "samhsa-2"]


def test_a_changed_source_updates_the_entry_and_says_which_fields_changed(tmp_path):
    _run(_batch(_entry()), tmp_path)

    outcome, lines = _run(_batch(_entry(phones=[{"number": "303-555-0199", "type": "voice"}])), tmp_path)

    assert outcome.updated == ["samhsa-1"]
    assert "updated samhsa-1 (line 1): phones" in lines
    assert _written(tmp_path)[0]["phones"][0]["number"] == "303-555-0199"


def test_an_entry_verified_by_hand_is_not_overwritten_and_the_difference_is_reported(tmp_path):
    hand_verified = _entry(name="Clinic One (checked)", verified_how="phone", last_verified="2025-12-01")
    (tmp_path / "samhsa-test.yaml").write_bytes(_dump([hand_verified]))

    outcome, lines = _run(_batch(_entry()), tmp_path)

    assert outcome.kept == ["samhsa-1"]
    assert any(line.startswith("kept samhsa-1: verified by phone") and "name" in line for line in lines)
    assert _written(tmp_path)[0]["name"] == "Clinic One (checked)"


def test_an_older_source_does_not_overwrite_a_newer_import(tmp_path):
    _run(_batch(_entry(last_verified="2025-06-01")), tmp_path)

    outcome, lines = _run(_batch(_entry(name="Old Name", last_verified="2013-01-01")), tmp_path)

    assert outcome.kept == ["samhsa-1"]
    assert _written(tmp_path)[0]["name"] == "Clinic One"
    assert any("older than the entry" in line for line in lines)


def test_a_field_a_person_added_to_an_imported_entry_survives_a_reimport(tmp_path):
    with_hours = _entry(hours=[{"days": ["mon"], "opens": "08:00", "closes": "12:00"}])
    (tmp_path / "samhsa-test.yaml").write_bytes(_dump([with_hours]))
    batch = _batch(_entry(name="Renamed"))
    batch.fields = frozenset(_entry())  # this importer never writes `hours`

    _run(batch, tmp_path)

    written = _written(tmp_path)[0]
    assert written["name"] == "Renamed"
    assert written["hours"] == [{"days": ["mon"], "opens": "08:00", "closes": "12:00"}]


def test_entries_the_source_no_longer_has_are_kept_and_named(tmp_path):
    _run(_batch(_entry("samhsa-1"), _entry("samhsa-2")), tmp_path)

    _, lines = _run(_batch(_entry("samhsa-1")), tmp_path)

    assert [entry["id"] for entry in _written(tmp_path)] == ["samhsa-1", "samhsa-2"]
    assert "kept 1 entries of samhsa-test.yaml the source no longer has: samhsa-2" in lines


def test_an_id_already_used_in_another_file_is_skipped_not_duplicated(tmp_path):
    write_directory(tmp_path, {"manual.yaml": dump_entries([_entry("samhsa-1", verified_how="phone")])})

    outcome, lines = _run(_batch(_entry("samhsa-1"), _entry("samhsa-2")), tmp_path)

    assert outcome.imported == ["samhsa-2"]
    assert "skipped line 1: id 'samhsa-1' is already used in manual.yaml: not imported twice" in lines
    assert lines[-1] == "read 2, imported 1, merged 0, skipped 1"


def test_an_entry_the_schema_refuses_is_skipped_with_the_problem_and_the_rest_written(tmp_path):
    outcome, lines = _run(_batch(_entry("samhsa-1", category="clinic"), _entry("samhsa-2")), tmp_path)

    assert outcome.imported == ["samhsa-2"]
    assert any(line.startswith("skipped line 1: category: 'clinic' is not one of") for line in lines)
    assert [entry["id"] for entry in _written(tmp_path)] == ["samhsa-2"]


def test_skipped_records_of_the_source_are_listed_and_counted(tmp_path):
    batch = _batch(_entry())
    batch.read = 2
    batch.skip("line 2", "no ZIP code")

    _, lines = _run(batch, tmp_path)

    assert "skipped line 2: no ZIP code" in lines
    assert lines[-1] == "read 2, imported 1, merged 0, skipped 1"


def test_a_target_file_that_is_not_valid_yaml_stops_the_import_and_is_left_as_it_was(tmp_path):
    broken = b"- id: x\n  name: [unclosed\n"
    (tmp_path / "samhsa-test.yaml").write_bytes(broken)

    with pytest.raises(UnreadableSource, match=r"samhsa-test.yaml:\d+: not valid YAML"):
        _run(_batch(_entry()), tmp_path)

    assert (tmp_path / "samhsa-test.yaml").read_bytes() == broken


def test_a_batch_with_nothing_to_import_creates_no_folder(tmp_path):
    batch = _batch(read=1)
    batch.skip("line 1", "no ZIP code")

    _run(batch, tmp_path / "out")

    assert not (tmp_path / "out").exists()


def _dump(entries) -> bytes:
    return dump_entries(entries).encode()


def test_a_newer_export_in_its_own_file_updates_the_entries_an_older_export_wrote(tmp_path):
    older = [_entry(entry_id, last_verified="2015-01-01") for entry_id in ("samhsa-1", "samhsa-2")]
    _run(_batch(*older, target="samhsa-otp-2015"), tmp_path)
    newer = _batch(
        _entry("samhsa-1", name="Clinic One Renamed", last_verified="2019-01-01"),
        _entry("samhsa-3"),
        target="samhsa-otp-2019",
    )

    outcome, lines = _run(newer, tmp_path)

    assert (outcome.imported, outcome.merged, outcome.updated) == (
        ["samhsa-3"],
        ["samhsa-1"],
        ["samhsa-1"],
    )
    rewritten = NodeConverter().convert(compose((tmp_path / "samhsa-otp-2015.yaml").read_bytes()))
    assert [(entry["id"], entry["name"]) for entry in rewritten] == [
        ("samhsa-1", "Clinic One Renamed"),
        ("samhsa-2", "Clinic One"),
    ]
    newest = NodeConverter().convert(compose((tmp_path / "samhsa-otp-2019.yaml").read_bytes()))
    assert [entry["id"] for entry in newest] == ["samhsa-3"]
    assert lines[-1] == "read 2, imported 1, merged 1, skipped 0"
