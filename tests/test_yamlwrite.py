"""Writing entries as directory YAML: strings that YAML could misread come back as the same text."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import BUNDLED_DIRECTORY

from navigator.directory.loader import check_file
from navigator.directory.vocabulary import load_vocabulary
from navigator.directory.yamlread import NodeConverter, compose
from navigator.directory.yamlwrite import dump_entries, write_yaml_atomic

NASTY_TEXTS = [
    "09:30",
    "24:00",
    "9:30",
    "02134",
    "80218",
    "0",
    "1e3",
    "0x1F",
    "0o17",
    "1_000",
    ".inf",
    "-.5",
    "+1",
    "303-555-0142",
    "+1-720-555-0100",
    "2026-10-01",
    "2026-10-01 12:00:00",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    "- starts like a list",
    "? question",
    ": colon",
    "# not a comment",
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "'quoted'",
    '"double"',
    "%directive",
    "@at",
    "`tick",
    "a: b",
    "a #b",
    "[flow]",
    "{map}",
    "=",
    "<<",
    " leading space",
    "trailing space ",
    "line one\nline two",
    "tab\there",
    "Señor Café — 24/7 ☕",
    "ends with colon:",
    "C:\\path\\to",
    "100%",
    "3 PM",
]


def _strict_read(text: str):
    converter = NodeConverter()
    value = converter.convert(compose(text))
    return value, [issue.message for issue in converter.issues]


@pytest.mark.parametrize("text", NASTY_TEXTS)
def test_text_that_yaml_could_misread_round_trips_through_both_readers(text):
    written = dump_entries([{"id": "x", "name": text}])

    assert yaml.safe_load(written) == [{"id": "x", "name": text}]
    value, issues = _strict_read(written)
    assert issues == []
    assert value == [{"id": "x", "name": text}]


def test_times_zips_phones_and_dates_are_written_in_quotes():
    written = dump_entries(
        [
            {
                "id": "x",
                "location": {"zip": "02134"},
                "last_verified": "2026-10-01",
                "phones": [{"number": "303-555-0142", "type": "intake"}],
                "hours": [{"days": ["mon"], "opens": "09:30", "closes": "17:00"}],
            }
        ]
    )

    for quoted in (
        'zip: "02134"',
        'last_verified: "2026-10-01"',
        'number: "303-555-0142"',
        'opens: "09:30"',
        'closes: "17:00"',
    ):
        assert quoted in written


def test_keys_follow_the_readme_order_at_every_level_whatever_order_they_came_in():
    entry = {
        "last_verified": "2026-10-01",
        "location": {"zip": "80218", "city": "Denver", "state": "CO"},
        "category": "moud_provider",
        "name": "N",
        "id": "x",
        "organization": "O",
        "meeting": {
            "times": [{"end": "20:00", "start": "19:00", "days": ["tue"]}],
            "fellowship": "aa",
            "attendance": "hybrid",
        },
        "custom": "kept last",
    }

    lines = [line.strip() for line in dump_entries([entry]).splitlines()]

    top = [
        line.split(":")[0].lstrip("- ")
        for line in dump_entries([entry]).splitlines()
        if line.startswith(("- ", "  ")) and not line.startswith("   ")
    ]
    assert top == [
        "id",
        "name",
        "organization",
        "category",
        "location",
        "meeting",
        "last_verified",
        "custom",
    ]
    assert lines.index("city: Denver") < lines.index("state: CO") < lines.index('zip: "80218"')
    assert lines.index("fellowship: aa") < lines.index("attendance: hybrid") < lines.index("times:")
    assert lines.index("- days: [tue]") < lines.index('start: "19:00"') < lines.index('end: "20:00"')


def test_shared_objects_are_written_out_twice_never_as_anchors_and_aliases():
    shared = {"city": "Denver", "state": "CO", "zip": "80218"}
    written = dump_entries([{"id": "a", "location": shared}, {"id": "b", "location": shared}])

    assert "&" not in written and "*" not in written
    assert _strict_read(written)[1] == []


def test_unicode_is_kept_as_written_not_escaped():
    written = dump_entries([{"id": "x", "name": "Clínica Señora de Guadalupe — 24/7"}])

    assert "Clínica Señora de Guadalupe — 24/7" in written


def test_lists_of_codes_are_written_inline_and_lists_of_mappings_as_blocks():
    written = dump_entries(
        [
            {
                "id": "x",
                "needs": ["buprenorphine", "outpatient"],
                "phones": [{"number": "303-555-0142", "type": "intake"}],
            }
        ]
    )

    assert "needs: [buprenorphine, outpatient]" in written
    assert '- number: "303-555-0142"' in written


def test_null_fields_are_left_out_because_absent_and_null_mean_the_same():
    written = dump_entries([{"id": "x", "description": None, "name": "N"}])

    assert "description" not in written


def test_a_header_is_written_as_comment_lines_above_the_entries():
    written = dump_entries([{"id": "x"}], header="Imported by a test.\nSecond line.")

    assert written.startswith("# Imported by a test.\n# Second line.\n")
    assert yaml.safe_load(written) == [{"id": "x"}]


def test_written_entries_pass_the_directory_checks(tmp_path):
    entry = {
        "id": "clinic-1",
        "name": "Clinic",
        "organization": "Org",
        "category": "moud_provider",
        "needs": ["outpatient"],
        "phones": [{"number": "303-555-0142", "type": "intake"}],
        "location": {"address": "1 Main St", "city": "Boston", "state": "MA", "zip": "02134"},
        "hours": [{"days": ["mon", "tue"], "opens": "08:00", "closes": "17:00"}],
        "moud": {"medications": ["buprenorphine"]},
        "last_verified": "2026-01-05",
        "verified_how": "import",
    }
    vocabulary = load_vocabulary(BUNDLED_DIRECTORY)

    result = check_file(dump_entries([entry]).encode(), "clinic.yaml", vocabulary, dt.date(2026, 2, 1))

    assert result.problems == ()
    assert result.entries[0].entry == entry


def test_an_atomic_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "entries.yaml"
    target.write_text("old\n", encoding="utf-8")

    write_yaml_atomic(target, "- id: new\n")

    assert target.read_text(encoding="utf-8") == "- id: new\n"
    assert os.listdir(tmp_path) == ["entries.yaml"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_at_all_comes_back_unchanged(text):
    written = dump_entries([{"id": "x", "name": text}])

    value, issues = _strict_read(written)
    assert issues == []
    assert value == [{"id": "x", "name": text}]
