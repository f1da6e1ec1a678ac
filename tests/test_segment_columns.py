"""A file's index columns (``segment_of``) hold what each entry's own fields and ``Implied`` say,
cell by cell: every column, the need-code matrix, the language and service-area rows (keys in the
order they first appear) and the weeks, for entries with and without each optional field."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import BUNDLED_DIRECTORY

from navigator.directory.schema import Implied
from navigator.directory.segment import (
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    UNDATED_TEXT,
    CheckedEntry,
    segment_of,
)
from navigator.directory.vocabulary import load_vocabulary
from navigator.search.schedule import WeeklySchedule

VOCABULARY = load_vocabulary(BUNDLED_DIRECTORY)
CODES = VOCABULARY.codes
CATEGORIES = tuple(VOCABULARY.categories)
words = st.text(alphabet="abcßİ -", max_size=8)
maybe = st.none() | words
location = (
    st.none()
    | st.just({})
    | st.fixed_dictionaries({}, optional={k: maybe for k in ("state", "city", "zip", "address")})
)
keys = st.lists(st.sampled_from(["en", "es", "fr", "CO", "national"]), max_size=3)
week = st.none() | st.lists(st.tuples(st.integers(0, 10079), st.integers(1, 600)), min_size=1, max_size=3).map(
    lambda sessions: WeeklySchedule(tuple(sessions))
)
entry = st.fixed_dictionaries(
    {"id": words, "name": words, "organization": words, "category": st.sampled_from(CATEGORIES)},
    optional={
        "description": maybe,
        "status": st.sampled_from([None, "active", "inactive", "temporarily_closed"]),
        "meeting": st.none()
        | st.just({})
        | st.fixed_dictionaries({}, optional={"attendance": st.sampled_from(["online", "inactive"])}),
        "location": location,
        "last_verified": st.none() | st.just("2026-01-02"),
        "source": st.sampled_from([None, "samhsa", "manual"]),
        "phones": st.none() | st.just([]) | st.lists(st.fixed_dictionaries({"number": words}), min_size=1, max_size=2),
        "website": maybe,
        "sample": st.sampled_from([None, True, False]),
        "languages": st.none() | keys,
        "service_area": st.none() | keys,
    },
)
implied = st.builds(
    Implied,
    codes=st.frozensets(st.sampled_from(CODES), max_size=4),
    latitude=st.none() | st.floats(-80, 80),
    longitude=st.none() | st.floats(-170, 170),
    approximate=st.booleans(),
    timezone=st.none() | st.sampled_from(["America/Denver", "America/New_York"]),
    remote=st.booleans(),
    schedule=week,
)
checked = st.builds(lambda e, i, line: CheckedEntry(e, i, "f.yaml", line), entry, implied, st.integers(1, 10_000))


def reference_rows(entries):
    """Each entry's cells, read field by field."""
    for checked_entry in entries:
        entry, implied = checked_entry.entry, checked_entry.implied
        location = entry.get("location") or {}
        phones = entry.get("phones") or ()
        inactive_meeting = (entry.get("meeting") or {}).get("attendance") == "inactive"
        text = " ".join((entry["name"], entry["organization"], entry.get("description") or ""))
        yield {
            "id": entry["id"],
            "name": entry["name"],
            "organization": entry["organization"],
            "category": entry["category"],
            "status": "inactive" if inactive_meeting else entry.get("status") or "active",
            "state": location.get("state"),
            "city": location.get("city"),
            "zip": location.get("zip"),
            "address": location.get("address"),
            "timezone": implied.timezone,
            "last_verified": entry.get("last_verified") or UNDATED_TEXT,
            "source": entry.get("source") or "manual",
            "phone": phones[0]["number"] if phones else None,
            "website": entry.get("website"),
            "text": text.casefold(),
            "file": "label",
            "sample": bool(entry.get("sample")),
            "lat": math.nan if implied.latitude is None else implied.latitude,
            "lon": math.nan if implied.longitude is None else implied.longitude,
            "approximate": implied.approximate,
            "remote": implied.remote,
            "line": checked_entry.line,
        }


def reference_row_lists(per_row) -> dict:
    rows_of: dict = {}
    for row, listed in enumerate(per_row):
        for key in listed:
            rows_of.setdefault(key, []).append(row)
    return rows_of


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(checked, max_size=12), arrow=st.booleans())
def test_each_index_column_holds_each_entrys_own_cells(entries, arrow):
    segment = segment_of(tuple(entries), "label", VOCABULARY, arrow)
    expected = list(reference_rows(entries))
    for name in TEXT_COLUMNS:
        column = segment.texts[name]
        assert (column if isinstance(column, list) else column.to_pylist()) == [row[name] for row in expected], name
    for name, dtype in NUMBER_COLUMNS.items():
        assert segment.numbers[name].dtype == dtype
        assert np.array_equal(segment.numbers[name], np.array([row[name] for row in expected], dtype), equal_nan=True)
    assert segment.active.tolist() == [row["status"] == "active" for row in expected]
    assert segment.category_numbers.tolist() == [CATEGORIES.index(row["category"]) for row in expected]
    assert segment.code_matrix.shape == (len(entries), len(CODES))
    held = [{code for code, has in zip(CODES, row, strict=True) if has} for row in segment.code_matrix.tolist()]
    assert held == [set(checked_entry.implied.codes) for checked_entry in entries]
    languages = [checked_entry.entry.get("languages") or ("en",) for checked_entry in entries]
    areas = [checked_entry.entry.get("service_area") or () for checked_entry in entries]
    for row_lists, per_row in ((segment.language_rows, languages), (segment.area_rows, areas)):
        reference = reference_row_lists(per_row)
        assert list(row_lists) == list(reference)  # keys in the order they first appear
        assert {key: row_lists[key].tolist() for key in row_lists} == reference
    assert list(segment.schedules) == [
        (row, checked_entry.implied.timezone or "UTC", checked_entry.implied.schedule.sessions)
        for row, checked_entry in enumerate(entries)
        if checked_entry.implied.schedule is not None
    ]
