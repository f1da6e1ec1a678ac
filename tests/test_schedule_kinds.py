"""Kinds of schedule numbered file by file (what a cold load's workers and its loading process do)
give the very table ``ScheduleTable.build`` gives from every entry at once."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navigator.search.schedule import WeeklySchedule
from navigator.search.schedule_kinds import FileKindsNumbered, file_kinds
from navigator.search.schedule_table import ScheduleTable

ZONES = ["America/Denver", "America/New_York", "Pacific/Honolulu", "Australia/Lord_Howe", "Europe/London"]
# Few distinct sessions, so that kinds of schedule repeat between entries and files as in a directory.
session = st.tuples(st.sampled_from([0, 1, 4, 6]), st.sampled_from([0, 540, 1140, 1410]), st.sampled_from([60, 480]))
schedule = st.lists(session, min_size=1, max_size=4).map(
    lambda sessions: WeeklySchedule(tuple((day * 1440 + minute, span) for day, minute, span in sessions))
)
entry = st.one_of(st.none(), st.tuples(st.sampled_from(ZONES), schedule))


def rows_of(listed: list) -> list:
    return [(row, zone_and_week[0], zone_and_week[1]) for row, zone_and_week in enumerate(listed) if zone_and_week]


def table_of(parts: list, size: int) -> ScheduleTable:
    numbered = FileKindsNumbered()
    for part in parts:
        numbered.add(*part)
    return numbered.table(size)


def assert_same_table(mine: ScheduleTable, theirs: ScheduleTable) -> None:
    assert (mine.size, mine.zones) == (theirs.size, theirs.zones)
    assert list(mine.open_kinds.items()) == list(theirs.open_kinds.items())  # numbered in the same order
    assert list(mine.start_kinds.items()) == list(theirs.start_kinds.items())
    for name in ("open_kind_of", "start_kind_of", "entry_open_row", "entry_start_row"):
        assert np.array_equal(getattr(mine, name), getattr(theirs, name)), name
    for mine_side, their_side in ((mine.open_columns, theirs.open_columns), (mine.start_columns, theirs.start_columns)):
        assert len(mine_side) == len(their_side)
        for one, other in zip(mine_side, their_side, strict=True):
            for name in ("starts", "lengths", "zone_counts"):
                assert np.array_equal(getattr(one, name), getattr(other, name)), name


def file_parts(listed: list, cuts: list[int]) -> list:
    """``listed`` cut into files at ``cuts``, each file's schedules numbered as a loading worker does."""
    bounds = sorted({0, len(listed), *(min(cut, len(listed)) for cut in cuts)})
    parts = []
    for first, end in zip(bounds, bounds[1:], strict=False):
        rows = rows_of(listed[first:end])
        zones: dict[str, int] = {}
        zone_numbers = [zones.setdefault(zone, len(zones)) for _, zone, _ in rows]
        kinds = file_kinds(zone_numbers, [week for _, _, week in rows])
        parts.append((first, tuple(zones), np.array([row for row, _, _ in rows], dtype=np.int32), kinds))
    return parts


@settings(max_examples=150, deadline=None)
@given(listed=st.lists(entry, max_size=30), cuts=st.lists(st.integers(0, 30), max_size=6))
def test_a_table_of_files_numbered_each_on_its_own_is_the_table_built_at_once(listed, cuts):
    assert_same_table(table_of(file_parts(listed, cuts), len(listed)), build_of(listed))


def build_of(listed: list) -> ScheduleTable:
    return ScheduleTable.build(rows_of(listed), len(listed))


def test_a_table_of_files_with_an_unknown_zone_fails_as_a_built_one_does():
    listed = [("America/Denver", WeeklySchedule(((60, 60),))), ("Mars/Olympus_Mons", WeeklySchedule(((60, 60),)))]
    with pytest.raises(Exception) as built:
        build_of(listed)
    with pytest.raises(type(built.value)):
        table_of(file_parts(listed, [1]), len(listed))
