"""The fast reader accepts only what the strict reader reads the same way, and declines the rest,
so a directory's problems and their lines never depend on which reader read it."""

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT

from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory import yamlfast
from navigator.directory.loader import check_file, directory_files
from navigator.directory.vocabulary import load_vocabulary
from navigator.directory.yamlread import NodeConverter, compose

TODAY = dt.date(2026, 11, 23)


def test_rapidyaml_is_installed_so_the_fast_reader_is_what_these_tests_check():
    assert yamlfast.AVAILABLE, "rapidyaml is in requirements.txt; without it every load falls back to PyYAML"


def strict_entries(data: bytes):
    root = compose(data)
    converter = NodeConverter()
    return [(converter.convert(node), node.start_mark.line + 1) for node in root.value], converter.issues


def test_plainly_valid_files_read_the_same_as_the_strict_reader_with_entry_lines(tmp_path):
    written = write_synthetic_directory(tmp_path / "synthetic", 300, seed=5, today=TODAY)
    accepted = 0
    for path in [*written, *directory_files(PROJECT_ROOT / "directory")]:
        data = path.read_bytes()
        fast = yamlfast.read_entries(data)
        if fast is not None:
            accepted += 1
            entries, issues = strict_entries(data)
            assert issues == [] and fast == entries, path
    assert accepted >= 3  # the synthetic files: a reader that declines everything proves nothing


@pytest.mark.parametrize(
    "text",
    [
        "- zip: 02134\n",
        "- opens: 9:30\n",
        "- country: NO\n",
        "- open: yes\n",
        "- when: [mon, On]\n",
        "- x: ~\n",
        "- x: True\n",
        "- x: NULL\n",
        "- x: 1e5\n",
        "- x: 0x1F\n",
        "- x: 1_000\n",
        "- x: .inf\n",
        "- x: +12\n",
        "- x: !!str 12\n",
        "- a: &a [x]\n  b: *a\n",
        "- name: first\n  name: second\n",
        "- 12: twelve\n",
        "- true: yes\n",
        "- x:\n    true: 1\n",
        "- y: why\n",
        "- name: [unclosed\n",
        "name: a mapping, not a list\n",
        "[{id: flow}]\n",
        "- first\n---\n- second\n",
        "- " + "[" * 3000 + "]" * 3000 + "\n",
        "- x: 9:30",  # a base-60 look-alike at the very end of the file
        "12: x\n- y: z\n",  # a number as a key on the first line
        "- x: [1, 0123]\n",
        "- x: {a: 1_000}\n",
        "- x: 1:2:3\n",
        '- x: "a"\n  y: 010\n',
    ],
)
def test_anything_the_strict_rules_judge_is_declined(text):
    assert yamlfast.read_entries(text.encode()) is None


def test_quoted_look_alikes_are_read_as_the_text_they_are():
    text = '- zip: "02134"\n  opens: "9:30"\n  word: "yes"\n  count: 12\n  f: -1.5\n  t: true\n  e:\n'
    assert yamlfast.read_entries(text.encode()) is None  # "yes" quoted: declined all the same (rare)
    text = text.replace('  word: "yes"\n', "")
    assert yamlfast.read_entries(text.encode()) == [
        ({"zip": "02134", "opens": "9:30", "count": 12, "f": -1.5, "t": True, "e": None}, 1)
    ]


@pytest.mark.parametrize(
    "text",
    [
        CLINIC + MEETING,
        CLINIC.replace('zip: "80222"', "zip: 02134"),
        CLINIC.replace("[buprenorphine, outpatient]", "[buprenorfine]") + MEETING,
        MEETING.replace("attendance: hybrid", "attendance: sometimes"),
        CLINIC + CLINIC,
        CLINIC.replace("  sample: true\n", "  sample: yes\n"),
    ],
)
def test_check_file_finds_the_same_entries_and_problems_either_way(text):
    vocabulary = load_vocabulary(PROJECT_ROOT / "directory")
    data = text.encode()
    assert check_file(data, "f.yaml", vocabulary, TODAY, fast=True) == check_file(data, "f.yaml", vocabulary, TODAY)


def test_reading_a_file_again_and_again_does_not_hold_on_to_memory(tmp_path):
    [path] = write_synthetic_directory(tmp_path / "one", 100, seed=2, today=TODAY)
    data = path.read_bytes()

    def resident_mb() -> float:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    assert yamlfast.read_entries(data) is not None
    before = resident_mb()
    for _ in range(400):
        yamlfast.read_entries(data)
    # A leak of the emitted JSON would be 400 times the file's JSON (about 40 MB).
    assert resident_mb() - before < 15


def test_the_json_of_a_file_is_whole_whether_or_not_the_first_buffer_was_long_enough(tmp_path):
    (path,) = write_synthetic_directory(tmp_path / "synthetic", 40, seed=9, today=TODAY, per_file=40)
    data = path.read_bytes()
    tree = yamlfast.ryml.parse_in_arena(data)
    expected = bytes(yamlfast.ryml.emit_json_in_place(tree, bytearray(yamlfast.ryml.compute_json_length(tree))))
    assert len(expected) > 4096  # too long for the first buffer without the YAML's length
    assert yamlfast._json_of(tree) == expected  # emitted again, at the length the emitter asked for
    assert yamlfast._json_of(tree, len(data)) == expected  # long enough at once
