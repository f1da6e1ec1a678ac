"""Splicing the schedule table (what a reload does to it): the spliced table answers as one built
afresh from the same rows, and a splice lays out only the kinds of schedule it brings."""

import datetime as dt
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import navigator.search.schedule_table as schedule_table
from navigator.search.schedule import WeeklySchedule
from navigator.search.schedule_table import ScheduleTable

ZONES = ["America/Denver", "America/New_York", "Pacific/Honolulu", "Australia/Lord_Howe", "Europe/London"]
INSTANTS = [
    dt.datetime(2026, 6, 3, 18, 20, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 1, 7, 30, tzinfo=dt.UTC),  # the night clocks go back in the United States
    dt.datetime(2026, 12, 6, 23, 59, tzinfo=dt.UTC),
]

# Few distinct sessions, so that kinds of schedule repeat between entries as in a directory.
session = st.tuples(st.sampled_from([0, 1, 4, 6]), st.sampled_from([0, 540, 1140, 1410]), st.sampled_from([60, 480]))
schedule = st.lists(session, min_size=1, max_size=4).map(
    lambda sessions: WeeklySchedule(tuple((day * 1440 + minute, span) for day, minute, span in sessions))
)
entry = st.one_of(st.none(), st.tuples(st.sampled_from(ZONES), schedule))
entries = st.lists(entry, max_size=12)


def rows_of(listed: list) -> list:
    return [
        (row, zone_and_schedule[0], zone_and_schedule[1])
        for row, zone_and_schedule in enumerate(listed)
        if zone_and_schedule
    ]


def assert_same_answers(mine: ScheduleTable, theirs: ScheduleTable) -> None:
    assert mine.size == theirs.size
    for at in INSTANTS:
        assert np.array_equal(mine.open_mask(at), theirs.open_mask(at))
        assert np.array_equal(mine.minutes_until_open(at), theirs.minutes_until_open(at))
        assert np.array_equal(mine.minutes_until_start(at), theirs.minutes_until_start(at))


@settings(max_examples=150, deadline=None)
@given(
    first=entries,
    splices=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), entries), max_size=8),
    relayout_min=st.sampled_from([0, 2, 512]),
    added_groups=st.sampled_from([1, 3, 24]),
)
def test_a_table_spliced_again_and_again_answers_as_one_built_afresh(first, splices, relayout_min, added_groups):
    with pytest.MonkeyPatch.context() as patch:  # small limits: the layouts afresh happen too
        patch.setattr(schedule_table, "_RELAYOUT_MIN", relayout_min)
        patch.setattr(schedule_table, "_MAX_ADDED_GROUPS", added_groups)
        listed = list(first)
        table = ScheduleTable.build(rows_of(listed), len(listed))
        for low, high, new in splices:
            start, end = sorted((min(low, len(listed)), min(high, len(listed))))
            kinds_before = (dict(table.open_kinds), dict(table.start_kinds))
            spliced = table.spliced(start, end, rows_of(new), len(new))
            assert (table.open_kinds, table.start_kinds) == kinds_before  # the table spliced stays as it was
            table = spliced
            listed[start:end] = new
        assert_same_answers(table, ScheduleTable.build(rows_of(listed), len(listed)))


@settings(max_examples=60, deadline=None)
@given(first=entries, splices=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), entries, st.booleans())))
def test_a_table_read_back_from_a_pickle_between_splices_answers_as_one_built_afresh(first, splices):
    listed = list(first)
    table = ScheduleTable.build(rows_of(listed), len(listed))
    for low, high, new, stored in splices:
        if stored:  # as the index cache keeps it: the kinds marshalled, read when a splice needs them
            kinds = (dict(table.open_kinds), dict(table.start_kinds))
            table = pickle.loads(pickle.dumps(table, protocol=5))
            assert not table.entry_open_row.flags.writeable
            assert (dict(table.open_kinds), dict(table.start_kinds)) == kinds
        start, end = sorted((min(low, len(listed)), min(high, len(listed))))
        table = table.spliced(start, end, rows_of(new), len(new))
        listed[start:end] = new
    assert_same_answers(table, ScheduleTable.build(rows_of(listed), len(listed)))


def test_a_splice_lays_out_only_the_kinds_of_schedule_it_brings(monkeypatch):
    listed = [
        ("America/Denver", WeeklySchedule(((day * 1440 + minute, 60),)))
        for day in range(7)
        for minute in range(0, 1440, 10)
    ]
    table = ScheduleTable.build(rows_of(listed), len(listed))  # 1,008 kinds
    laid_out = []
    original = schedule_table._columns_of
    monkeypatch.setattr(
        schedule_table, "_columns_of", lambda kinds, zones: laid_out.append(len(kinds)) or original(kinds, zones)
    )
    same = table.spliced(5, 6, rows_of([listed[900]]), 1)  # a kind the table has
    new = ("Europe/London", WeeklySchedule(((30, 90), (1500, 90))))
    changed = same.spliced(5, 6, rows_of([new]), 1)
    assert laid_out == [1, 1]  # nothing for the kind it had; for the new one, it alone (hours and starts)
    listed[5] = new
    assert_same_answers(changed, ScheduleTable.build(rows_of(listed), len(listed)))


@settings(max_examples=150, deadline=None)
@given(listed=entries, asked=st.lists(st.integers(0, 11), max_size=14))
def test_answers_for_some_entries_are_the_answers_for_all_at_those_entries(listed, asked):
    # A search asks about the entries in range only; the table then answers only their kinds of
    # schedule (when they are fewer than its rows), and must answer exactly as for everyone.
    table = ScheduleTable.build(rows_of(listed), len(listed))
    picked = np.array([row for row in asked if row < len(listed)], dtype=np.int64)
    for at in INSTANTS:
        assert np.array_equal(table.open_mask(at, picked), table.open_mask(at)[picked])
        assert np.array_equal(table.minutes_until_open(at, picked), table.minutes_until_open(at)[picked])
        assert np.array_equal(table.minutes_until_start(at, picked), table.minutes_until_start(at)[picked])


def test_a_few_entries_are_answered_from_their_own_kinds_of_schedule_only(monkeypatch):
    listed = [("America/Denver", WeeklySchedule(((day * 1440 + 540, 60 + day),))) for day in range(7)]
    table = ScheduleTable.build(rows_of(listed), len(listed))
    answered: list[int] = []
    real_wait = schedule_table._Columns.wait_to_cover

    def counting(columns, wall, rows=None):
        answer = real_wait(columns, wall, rows)
        answered.append(len(answer))
        return answer

    monkeypatch.setattr(schedule_table._Columns, "wait_to_cover", counting)
    table.minutes_until_open(INSTANTS[0], np.array([2, 2, 5]))
    assert sum(answered) == 2  # two kinds of schedule, not the seven the table has
    answered.clear()
    table.minutes_until_open(INSTANTS[0])
    assert sum(answered) == 7


def test_a_few_entries_have_only_their_own_zones_clocks_worked_out(monkeypatch):
    # A national directory has dozens of zones; a search near one place asks about one or two.
    listed = [(zone, WeeklySchedule(((day * 1440 + 540, 60),))) for day in range(3) for zone in ZONES]
    table = ScheduleTable.build(rows_of(listed), len(listed))
    denver = np.array([row for row, (zone, _) in enumerate(listed) if zone == "America/Denver"])
    clocks: list[str] = []
    real_stretches, real_offset = schedule_table.offset_stretches_from, schedule_table.utc_offset_minutes
    monkeypatch.setattr(
        schedule_table,
        "offset_stretches_from",
        lambda zone, *rest: clocks.append(zone.key) or real_stretches(zone, *rest),
    )
    monkeypatch.setattr(
        schedule_table, "utc_offset_minutes", lambda zone, *rest: clocks.append(zone.key) or real_offset(zone, *rest)
    )

    for ask in (table.open_mask, table.minutes_until_open, table.minutes_until_start):
        clocks.clear()
        answer = ask(INSTANTS[1], denver)
        assert set(clocks) == {"America/Denver"}
        assert np.array_equal(answer, ask(INSTANTS[1])[denver])
    clocks.clear()
    table.minutes_until_open(INSTANTS[1])
    assert set(clocks) == set(ZONES)  # every entry asked: every zone's clock


def columns_as_a_loop_over_tuples(kinds, zone_count):
    """``_columns_of`` as it was written before it worked on arrays: the reference it must equal."""
    by_width: dict[int, list] = {}
    for kind, (zone_code, slots) in enumerate(kinds):
        by_width.setdefault(1 << (len(slots) - 1).bit_length(), []).append((zone_code, kind, slots))
    groups, order = [], []
    for width in sorted(by_width):
        members = sorted(by_width[width], key=lambda member: member[:2])
        flat = [value for _, _, slots in members for slot in slots + slots[:1] * (width - len(slots)) for value in slot]
        padded = np.array(flat, dtype=np.int16).reshape(len(members), width, 2)
        zone_counts = np.bincount([zone_code for zone_code, _, _ in members], minlength=zone_count)
        groups.append((padded[:, :, 0].T.copy(), padded[:, :, 1].T.copy(), zone_counts))
        order += [kind for _, kind, _ in members]
    position = np.empty(len(kinds), dtype=np.int32)
    position[order] = np.arange(len(kinds), dtype=np.int32)
    return groups, position


minute = st.integers(0, 10079)
open_kind = st.tuples(
    st.integers(0, 4), st.lists(st.tuples(minute, st.integers(1, 600)), min_size=1, max_size=9, unique=True)
)
start_kind = st.tuples(st.integers(0, 4), st.lists(minute, min_size=1, max_size=9, unique=True))


@settings(max_examples=200, deadline=None)
@given(open_kinds=st.lists(open_kind, max_size=40), start_kinds=st.lists(start_kind, max_size=40))
def test_columns_laid_out_with_numpy_are_those_of_a_loop_over_the_kinds(open_kinds, start_kinds):
    sides = (
        ([(code, tuple((start, start + length) for start, length in slots)) for code, slots in open_kinds], False),
        ([(code, tuple(starts)) for code, starts in start_kinds], True),
    )
    for kinds, starts_only in sides:
        slots_of = schedule_table._start_slots if starts_only else schedule_table._open_slots
        groups, position = schedule_table._columns_of(slots_of(kinds), 6)
        as_slots = [
            (code, tuple((value, 0) for value in values) if starts_only else tuple((a, b - a) for a, b in values))
            for code, values in kinds
        ]
        expected_groups, expected_position = columns_as_a_loop_over_tuples(as_slots, 6)
        assert position.dtype == expected_position.dtype and np.array_equal(position, expected_position)
        assert len(groups) == len(expected_groups)
        for group, (starts, lengths, zone_counts) in zip(groups, expected_groups, strict=True):
            for mine, theirs in ((group.starts, starts), (group.lengths, lengths), (group.zone_counts, zone_counts)):
                assert mine.dtype == theirs.dtype and mine.flags.c_contiguous and np.array_equal(mine, theirs)
