import datetime as dt
from collections import Counter

import pytest

from navigator.bench.synthetic import CATEGORY_MIX, entries_yaml, synthetic_entries, write_synthetic_directory
from navigator.directory.loader import check_directory
from navigator.directory.yamlread import NodeConverter, compose

TODAY = dt.date(2026, 11, 23)


def test_synthetic_directory_validates_without_a_single_problem(tmp_path):
    write_synthetic_directory(tmp_path / "synthetic", 600, seed=3, today=TODAY)
    entries, report = check_directory(tmp_path / "synthetic", today=TODAY)
    assert report.ok, "\n".join(report.lines()[:20])
    assert len(entries) == 600


def test_same_seed_writes_the_same_files_and_another_seed_does_not(tmp_path):
    first = write_synthetic_directory(tmp_path / "a", 150, seed=7, today=TODAY)
    again = write_synthetic_directory(tmp_path / "b", 150, seed=7, today=TODAY)
    other = write_synthetic_directory(tmp_path / "c", 150, seed=8, today=TODAY)
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in again]
    assert [path.read_bytes() for path in first] != [path.read_bytes() for path in other]


def test_files_hold_a_hundred_entries_each_beside_the_vocabulary(tmp_path):
    written = write_synthetic_directory(tmp_path / "synthetic", 250, today=TODAY)
    counts = [path.read_text(encoding="utf-8").count("\n- id: ") for path in written]
    assert counts == [100, 100, 50]
    assert (tmp_path / "synthetic" / "vocabulary.yaml").is_file()


def test_mix_has_every_category_with_meetings_the_most_numerous():
    categories = Counter(entry["category"] for entry in synthetic_entries(3000, seed=1, today=TODAY))
    assert set(categories) == {category for category, _, _ in CATEGORY_MIX}
    assert categories.most_common(1)[0][0] == "support_meeting"


def test_entries_spread_over_the_country_with_schedules_needs_and_remote_services():
    entries = list(synthetic_entries(3000, seed=2, today=TODAY))
    states = {entry["location"]["state"] for entry in entries if "location" in entry}
    assert len(states) >= 40
    assert sum("hours" in entry or "meeting" in entry for entry in entries) > 2000
    assert sum("service_area" in entry for entry in entries) > 30
    assert any(entry.get("needs") for entry in entries) and any(entry.get("payment") for entry in entries)
    assert any("es" in entry["languages"] for entry in entries)


def test_refuses_to_write_into_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "directory"
    folder.mkdir()
    (folder / "mine.yaml").write_text("- id: kept\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not empty"):
        write_synthetic_directory(folder, 10, today=TODAY)
    assert sorted(path.name for path in folder.iterdir()) == ["mine.yaml"]


def test_text_yaml_would_coerce_or_cut_short_is_quoted_and_long_text_folded_reading_back_the_same():
    tricky = {
        "id": "x",
        "name": "yes",
        "zip": "02134",
        "opens": "09:30",
        "fees": "$150: a week",
        "note": "Room #4",
        "tags": ["a, b", "[c]", "no", "3 Main St"],
        "count": 3,
        "flag": False,
        "address": "1234 E Colfax Ave",
        "text": " ".join(["word"] * 40),
    }
    root = compose(entries_yaml([tricky]))
    converter = NodeConverter()
    read_back = [converter.convert(node) for node in root.value]
    assert converter.issues == []
    assert read_back == [tricky]
