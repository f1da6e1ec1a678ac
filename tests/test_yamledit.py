"""Editing one entry inside a directory file's text: only its changed lines move."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from tests.conftest import PROJECT_ROOT

from navigator.directory.loader import directory_files
from navigator.directory.yamledit import EditError, append_entry, entry_in, replace_entry
from navigator.directory.yamlread import NodeConverter, compose

FILE = """\
# Clinics of the test region.
# Phone numbers are fictional.

- id: first
  name: First Clinic
  organization: First Health
  category: moud_provider
  description: >-
    Office-based buprenorphine, with
    same-day starts.

  # The phone is checked monthly.
  phones:
    - number: "303-555-0100"
      type: intake
  location:
    city: Denver
    state: CO
    zip: "80222"
  last_verified: "2026-10-01"

# The next clinic opened in 2025.
- id: second
  name: Second Clinic
  organization: Second Health
  category: moud_provider
  service_area: [CO]
  last_verified: "2026-09-01"
"""


def entries(text: str) -> list[dict]:
    return NodeConverter().convert(compose(text))


def test_a_changed_phone_number_rewrites_only_its_own_line_in_the_lists_own_indentation():
    entry = entries(FILE)[0]
    entry["phones"] = [{"number": "303-555-0199", "type": "intake"}]

    edited = replace_entry(FILE, "first", entry)

    before, after = FILE.splitlines(), edited.splitlines()
    changed = [number for number, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert [(before[number], after[number]) for number in changed] == [
        ('    - number: "303-555-0100"', '    - number: "303-555-0199"')
    ]
    assert entries(edited)[0]["phones"][0]["number"] == "303-555-0199"
    assert entries(edited)[1] == entries(FILE)[1]


def test_comments_and_blank_lines_around_fields_and_entries_stay_byte_for_byte():
    entry = entries(FILE)[0]
    entry["description"] = "A new description."
    entry["last_verified"] = "2026-11-20"

    edited = replace_entry(FILE, "first", entry)

    for kept in (
        "# Clinics of the test region.\n# Phone numbers are fictional.\n\n",
        "\n  # The phone is checked monthly.\n  phones:\n",
        "\n# The next clinic opened in 2025.\n- id: second\n",
    ):
        assert kept in edited
    assert edited.endswith(FILE[FILE.index("\n# The next clinic") :])


def test_a_removed_field_disappears_and_a_new_one_lands_in_readme_order():
    entry = entries(FILE)[0]
    del entry["description"]
    entry["website"] = "https://example.org/first"

    edited = replace_entry(FILE, "first", entry)

    lines = edited.splitlines()
    assert "description" not in edited
    assert lines.index("  website: https://example.org/first") < lines.index("  phones:")
    assert entries(edited)[0] == entry


def test_the_last_entry_of_a_file_without_a_final_line_break_can_change():
    text = FILE.rstrip("\n")
    entry = entries(text)[1]
    entry["fees"] = "Free"

    edited = replace_entry(text, "second", entry)

    assert entries(edited)[1] == entry
    assert edited.startswith(text[: text.index("- id: second")])


def test_an_unchanged_entry_leaves_the_text_identical():
    assert replace_entry(FILE, "second", entries(FILE)[1]) == FILE


def test_an_unknown_entry_or_a_new_id_is_refused():
    with pytest.raises(EditError, match="not in this file"):
        replace_entry(FILE, "third", {"id": "third"})
    with pytest.raises(EditError, match="never changes"):
        replace_entry(FILE, "first", dict(entries(FILE)[0], id="renamed"))


def test_append_keeps_every_existing_byte_and_reads_back():
    new = {
        "id": "third",
        "name": "Third",
        "organization": "Third Health",
        "category": "moud_provider",
        "service_area": ["CO"],
        "last_verified": "2026-11-20",
    }

    edited = append_entry(FILE, new)

    assert edited.startswith(FILE)
    assert entries(edited) == [*entries(FILE), new]


def test_append_follows_an_indented_list_and_fills_an_empty_file():
    indented = "".join(
        f"  {line}" if line.strip() else line for line in FILE.splitlines(keepends=True) if not line.startswith("#")
    )
    new = {
        "id": "third",
        "name": "Third",
        "organization": "T",
        "category": "moud_provider",
        "service_area": ["CO"],
        "last_verified": "2026-11-20",
    }

    assert entries(append_entry(indented, new))[-1] == new
    assert entries(append_entry("# nothing yet\n", new)) == [new]
    assert entries(append_entry("[]\n", new)) == [new]


def test_entry_in_reads_one_entry_without_null_fields():
    text = FILE.replace("  service_area: [CO]\n", "  service_area: [CO]\n  fees:\n")
    assert entry_in(text, "second") == entries(FILE)[1]
    assert entry_in(text, "missing") is None


@pytest.mark.parametrize("path", directory_files(PROJECT_ROOT / "directory"), ids=lambda path: path.name)
def test_every_kind_of_field_in_the_bundled_files_can_be_changed_removed_or_added(path: Path):
    text = path.read_text(encoding="utf-8")
    found = entries(text)
    # Each field name, in the first and the last entry holding it (the last is often the file's end).
    cases = {
        (key, index)
        for key in {key for entry in found for key in entry} - {"id"}
        for index in (
            min(i for i, e in enumerate(found) if key in e),
            max(i for i, e in enumerate(found) if key in e),
        )
    }
    for key, index in sorted(cases):
        entry = found[index]
        changed = dict(entry, **{key: "changed: text"})
        assert entry_in(replace_entry(text, entry["id"], changed), entry["id"]) == changed
        removed = {name: value for name, value in entry.items() if name != key}
        assert entry_in(replace_entry(text, entry["id"], removed), entry["id"]) == removed
    for entry in (found[0], found[-1]):
        added = copy.deepcopy(entry)
        added.setdefault("tags", ["NEW"])
        assert entry_in(replace_entry(text, entry["id"], added), entry["id"]) == added
