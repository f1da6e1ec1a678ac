import datetime as dt
import os
import shutil

import pytest
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT, write_directory

import navigator.directory.loader as directory_module
from navigator.directory.loader import check_directory, load_directory
from navigator.directory.problems import DirectoryError

TODAY = dt.date(2026, 11, 23)


def problems_of(folder):
    _, report = check_directory(folder, today=TODAY, label_root="")
    return [(p.file, p.line, p.entry_id, p.field, p.message) for p in report.sorted()]


def test_valid_directory_has_no_problems(small_directory):
    entries, report = check_directory(small_directory, today=TODAY)
    assert report.ok, report.lines()
    assert [checked.entry["id"] for checked in entries] == ["test-clinic", "test-meeting"]


def test_bundled_directory_is_valid():
    entries, report = check_directory(PROJECT_ROOT / "directory")
    assert report.ok, "\n".join(report.lines())
    assert len(entries) >= 64


BROKEN = {
    "bad-yaml.yaml": "- id: broken\n  name: [unclosed\n",
    "coerced.yaml": CLINIC.replace("test-clinic", "octal-zip").replace('zip: "80222"', "zip: 02134")
    + CLINIC.replace("test-clinic", "sexagesimal").replace('opens: "08:00"', "opens: 9:30"),
    "dupes.yaml": CLINIC.replace("test-clinic", "dup-key").replace(
        "  sample: true\n", "  sample: true\n  name: again\n"
    )
    + CLINIC,  # a second test-clinic: duplicate id across files
    "unknown.yaml": CLINIC.replace("test-clinic", "unknown-code").replace(
        "[buprenorphine, outpatient]", "[buprenorfine]"
    )
    + CLINIC.replace("test-clinic", "no-name").replace("  name: Test Clinic Buprenorphine\n", "")
    + CLINIC.replace("test-clinic", "far-north").replace("latitude: 39.671", "latitude: 100")
    + CLINIC.replace("test-clinic", "odd-category").replace("category: moud_provider", "category: clinic"),
    "bomb.yaml": "- id: bomb\n"
    "  name: &a [x, x, x, x, x, x, x, x]\n"
    "  organization: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n",
}


def test_directory_broken_ten_ways_reports_all_ten_with_file_and_line(tmp_path):
    folder = write_directory(tmp_path / "broken", {"good.yaml": CLINIC, **BROKEN})
    found = problems_of(folder)
    assert ("bad-yaml.yaml", 3, "", "", found[0][4]) == found[0] and found[0][4].startswith("not valid YAML")
    expected = [
        ("coerced.yaml", 16, "octal-zip", "location.zip", "leading zero"),
        ("coerced.yaml", 49, "sexagesimal", "hours[0].opens", "base-60"),
        ("dupes.yaml", 29, "dup-key", "name", "duplicate key 'name'"),
        ("good.yaml", 1, "test-clinic", "id", "duplicate id: 'test-clinic' is already used at dupes.yaml:30"),
        (
            "unknown.yaml",
            5,
            "unknown-code",
            "needs[0]",
            "unknown need code 'buprenorfine'; did you mean 'buprenorphine'?",
        ),
        ("unknown.yaml", 29, "no-name", "name", "is required"),
        ("unknown.yaml", 72, "far-north", "location.latitude", "100 is outside -90 to 90"),
        ("unknown.yaml", 87, "odd-category", "category", "'clinic' is not one of"),
        ("bomb.yaml", 2, "bomb", "organization[7]", "YAML anchors and aliases (&name, *name) are not allowed"),
    ]
    for file, line, entry_id, field, message in expected:
        assert any(problem[:4] == (file, line, entry_id, field) and message in problem[4] for problem in found), (
            file,
            line,
            entry_id,
            field,
            message,
            found,
        )
    assert {problem[0] for problem in found} == {*BROKEN, "good.yaml"}  # good.yaml: only the duplicate id


def test_cli_validate_lists_every_problem_and_exits_1(tmp_path, capsys):
    from navigator.cli.main import main

    folder = write_directory(tmp_path / "broken", {"good.yaml": CLINIC, **BROKEN})
    assert main(["validate", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 10
    assert all(line.startswith(str(folder)) and line.count(":") >= 4 for line in lines)


def test_cli_validate_prints_count_when_clean(small_directory, capsys):
    from navigator.cli.main import main

    assert main(["validate", str(small_directory)]) == 0
    assert capsys.readouterr().out == "2 entries OK\n"


def test_missing_coordinates_come_from_the_zip_centroid_and_are_marked_approximate(small_directory):
    loaded = load_directory(small_directory, today=TODAY)
    meeting = loaded.frame.iloc[loaded.row_of("test-meeting")]
    assert meeting["approximate"]
    assert meeting["lat"] == pytest.approx(39.73, abs=0.05)
    assert meeting["timezone"] == "America/Denver"
    clinic = loaded.frame.iloc[loaded.row_of("test-clinic")]
    assert not clinic["approximate"]


def test_codes_include_those_implied_by_the_blocks(small_directory):
    loaded = load_directory(small_directory, today=TODAY)
    column = {code: index for index, code in enumerate(loaded.codes)}
    meeting_codes = {code for code in loaded.codes if loaded.code_matrix[loaded.row_of("test-meeting"), column[code]]}
    assert meeting_codes == {"meeting", "free", "aa", "hybrid", "online", "in_person"}
    clinic_codes = {code for code in loaded.codes if loaded.code_matrix[loaded.row_of("test-clinic"), column[code]]}
    assert clinic_codes == {"buprenorphine", "outpatient", "same_day", "medicaid", "adults"}


def test_broken_directory_raises_with_the_full_report(tmp_path):
    folder = write_directory(tmp_path / "broken", {"good.yaml": CLINIC, **BROKEN})
    with pytest.raises(DirectoryError) as caught:
        load_directory(folder, today=TODAY)
    assert len(caught.value.report.problems) >= 10


class CountingReads:
    def __init__(self, monkeypatch):
        self.paths = []
        original = directory_module._read_file

        def counting(path):
            self.paths.append(path.name)
            return original(path)

        monkeypatch.setattr(directory_module, "_read_file", counting)


def test_unchanged_directory_loads_from_cache_without_reading_files(small_directory, tmp_path, monkeypatch):
    reads = CountingReads(monkeypatch)
    first = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert sorted(reads.paths) == ["clinics.yaml", "meetings.yaml"]
    reads.paths.clear()
    second = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert reads.paths == []
    assert list(second.frame["id"]) == list(first.frame["id"])


def test_changing_one_file_rereads_only_that_file(small_directory, tmp_path, monkeypatch):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    reads = CountingReads(monkeypatch)
    meetings = small_directory / "meetings.yaml"
    meetings.write_text(MEETING.replace("Tuesday Night Speaker Meeting", "Tuesday Night Step Meeting"))
    reloaded = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert reads.paths == ["meetings.yaml"]
    assert reloaded.entry("test-meeting")["name"] == "Tuesday Night Step Meeting"


def test_touched_but_unchanged_file_is_read_but_not_parsed_again(small_directory, tmp_path, monkeypatch):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    clinics = small_directory / "clinics.yaml"
    os.utime(clinics, ns=(clinics.stat().st_atime_ns, clinics.stat().st_mtime_ns + 10_000_000))
    parsed = []
    original = directory_module.check_file
    monkeypatch.setattr(directory_module, "check_file", lambda *a, **k: parsed.append(a[1]) or original(*a, **k))
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert parsed == []


def test_corrupt_cache_is_rebuilt_not_trusted(small_directory, tmp_path):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    for pickled in (tmp_path / "c").rglob("*.pickle"):
        pickled.write_bytes(b"not a pickle")
    assert len(load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)) == 2


def test_entry_returns_a_private_copy(small_directory):
    loaded = load_directory(small_directory, today=TODAY)
    loaded.entry("test-clinic")["name"] = "changed"
    assert loaded.entry("test-clinic")["name"] == "Test Clinic Buprenorphine"
    with pytest.raises(ValueError):
        loaded.code_matrix[0, 0] = True


def test_folder_without_vocabulary_uses_the_bundled_one(tmp_path):
    folder = write_directory(tmp_path / "imported", {"x.yaml": CLINIC})
    assert problems_of(folder) == []
    assert not (folder / "vocabulary.yaml").exists()
    shutil.rmtree(folder)


NATIONAL_LINE = CLINIC.replace("test-clinic", "national-line").replace(
    '  location:\n    address: 1 Main St\n    city: Denver\n    state: CO\n    zip: "80222"\n'
    "    latitude: 39.671\n    longitude: -104.928\n  hours:\n    - days: weekdays\n"
    '      opens: "08:00"\n      closes: "17:00"\n',
    '  service_area: [national]\n  hours: "24/7"\n',
)


def test_an_entry_without_a_time_zone_has_none_not_nan(tmp_path):
    loaded = load_directory(write_directory(tmp_path / "d", {"lines.yaml": NATIONAL_LINE}), today=TODAY)
    assert loaded.timezone_of(loaded.row_of("national-line")) is None


def test_an_always_open_national_line_is_described_without_a_time_zone(tmp_path):
    from navigator.search.wording import entry_timing

    loaded = load_directory(write_directory(tmp_path / "d", {"lines.yaml": NATIONAL_LINE}), today=TODAY)
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    assert entry_timing(loaded, loaded.row_of("national-line"), now) == ("Open now", True)


def test_same_size_rewrite_within_one_clock_tick_is_still_seen(small_directory, tmp_path):
    from navigator.files import write_text_atomic

    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    meetings = small_directory / "meetings.yaml"
    before = meetings.stat()
    write_text_atomic(meetings, MEETING.replace("Speaker", "Sharing"))  # same length
    os.utime(meetings, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time stamp
    reloaded = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert reloaded.entry("test-meeting")["name"] == "Tuesday Night Sharing Meeting"


def test_a_new_day_checks_no_file_again_that_passed_the_day_before(small_directory, tmp_path, monkeypatch):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    parsed = []
    original = directory_module.check_file
    monkeypatch.setattr(directory_module, "check_file", lambda *a, **k: parsed.append(a[1]) or original(*a, **k))

    tomorrow = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY + dt.timedelta(days=1))

    assert parsed == []  # before: every file re-read and checked at midnight (88 s at 100,000 entries)
    assert sorted(tomorrow.frame["id"]) == ["test-clinic", "test-meeting"]


def test_a_date_in_the_future_today_passes_on_a_later_day(tmp_path):
    later = (TODAY + dt.timedelta(days=3)).isoformat()
    folder = write_directory(tmp_path / "d", {"clinics.yaml": CLINIC.replace('"2026-10-01"', f'"{later}"')})
    with pytest.raises(DirectoryError) as refused:
        load_directory(folder, cache_dir=tmp_path / "c", today=TODAY)
    assert "is in the future" in "\n".join(refused.value.report.lines())

    loaded = load_directory(folder, cache_dir=tmp_path / "c", today=TODAY + dt.timedelta(days=3))

    assert list(loaded.frame["id"]) == ["test-clinic"]


def test_directory_files_are_every_entry_file_in_path_order_at_any_depth(tmp_path):
    names = ["b.yaml", "a-b/x.yml", "a/b.yaml", "a/a/z.yaml", "a.yaml", "sub/vocabulary.yaml", "Z.yaml"]
    skipped = ["vocabulary.yaml", ".hidden.yaml", ".git/c.yaml", "notes.txt", "a/readme.md"]
    for name in names + skipped:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = directory_module.directory_files(tmp_path)
    assert found == sorted(tmp_path / name for name in names)  # paths sort folder by folder, not as text
    assert [path.relative_to(tmp_path).as_posix() for path in found][:3] == ["Z.yaml", "a/a/z.yaml", "a/b.yaml"]


def test_an_index_cache_cut_short_is_rebuilt_not_trusted(small_directory, tmp_path):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    (index,) = (tmp_path / "c").rglob("index.pickle")
    index.write_bytes(index.read_bytes()[: index.stat().st_size - 64])  # the last buffer loses its end
    reloaded = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert list(reloaded.frame["id"]) == ["test-clinic", "test-meeting"]
    assert reloaded.entry("test-meeting")["id"] == "test-meeting"


def test_an_index_from_the_cache_is_read_only_and_whole(small_directory, tmp_path):
    first = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    warm = load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    for array in (warm.code_matrix, warm.active, warm.category_numbers, *warm.language_rows.values()):
        with pytest.raises(ValueError):
            array[0] = array[0]
    assert warm.entry("test-meeting") == first.entry("test-meeting")
    assert dict(warm.id_rows) == dict(first.id_rows) == {"test-clinic": 0, "test-meeting": 1}
    assert list(warm.entries) == list(first.entries)
    warm.entry("test-clinic")["name"] = "changed"
    assert warm.entry("test-clinic")["name"] == "Test Clinic Buprenorphine"
