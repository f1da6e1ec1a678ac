"""A cold load maps its large transient blocks apart and trims the C heap between its stages
(``directory.heap``); a load from the cache leaves the allocator alone. Counted calls, not memory."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import CLINIC, write_directory

from navigator.directory import heap
from navigator.directory.loader import load_directory
from navigator.directory.problems import DirectoryError
from navigator.directory.segment import TEXT_COLUMNS

TODAY = dt.date(2026, 11, 1)


class RecordingLibc:
    """Stands in for glibc: records each allocator call in order."""

    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append(("mallopt", parameter, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("malloc_trim", pad))
        return 1


LOW = ("mallopt", heap.M_MMAP_THRESHOLD, heap.LOAD_MMAP_THRESHOLD)
# Where glibc's sliding thresholds settle (set back to their 128 KB start, they no longer slide,
# and every large temporary array of a search is mapped afresh).
BACK = (
    ("mallopt", heap.M_MMAP_THRESHOLD, 32 * 1024 * 1024),
    ("mallopt", heap.M_TRIM_THRESHOLD, 64 * 1024 * 1024),
)
TRIM = ("malloc_trim", 0)


@pytest.fixture
def libc(monkeypatch):
    recording = RecordingLibc()
    monkeypatch.setattr(heap, "_LIBC", recording)
    return recording


def test_a_cold_load_maps_large_blocks_apart_and_trims_after_each_stage_then_sets_the_threshold_back(
    small_directory, tmp_path, libc
):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    # after the files are read and their cache written, after each text column is made (its
    # files' pieces let go), after the index is built, and at the end
    assert libc.calls == [LOW, TRIM, *[TRIM] * len(TEXT_COLUMNS), TRIM, *BACK, TRIM]


def test_a_load_from_the_cache_leaves_the_allocator_alone(small_directory, tmp_path, libc):
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    libc.calls.clear()
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    assert libc.calls == []


def test_a_load_that_finds_problems_still_sets_the_threshold_back_and_trims(tmp_path, libc):
    folder = write_directory(tmp_path / "directory", {"a.yaml": CLINIC, "b.yaml": CLINIC})  # the same id twice
    with pytest.raises(DirectoryError):
        load_directory(folder, cache_dir=tmp_path / "c", today=TODAY)
    assert libc.calls == [LOW, TRIM, *BACK, TRIM]


def test_without_glibc_the_load_runs_as_before(small_directory, tmp_path, monkeypatch):
    monkeypatch.setattr(heap, "_LIBC", None)
    assert len(load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)) == 2


def test_with_glibc_the_real_calls_succeed():
    # Never skipped: the machines this runs on (Debian) have glibc, and finding none there would
    # mean a cold load's memory handling is silently off.
    libc = heap._glibc()
    assert libc is not None, "glibc not found: a cold load would keep its freed memory"
    with heap.freed_memory_returned():
        block = bytearray(heap.LOAD_MMAP_THRESHOLD * 4)  # mapped on its own while the threshold is low
    del block
    assert libc.mallopt(heap.M_MMAP_THRESHOLD, heap.AFTER_LOAD_MMAP_THRESHOLD) == 1


def test_each_trim_also_asks_arrows_allocator_to_give_back_what_it_freed(small_directory, tmp_path, libc, monkeypatch):
    import pyarrow

    released = []

    class RecordingPool:
        def release_unused(self):
            released.append(len(libc.calls))

    monkeypatch.setattr(pyarrow, "default_memory_pool", RecordingPool)
    load_directory(small_directory, cache_dir=tmp_path / "c", today=TODAY)
    # Right after each trim: Arrow keeps freed memory for reuse (69 MB after 100,000 entries).
    assert released == [number for number, call in enumerate(libc.calls, start=1) if call == TRIM]


def test_where_arrow_was_never_imported_it_is_not_imported_to_free_memory(monkeypatch, libc):
    import sys

    monkeypatch.delitem(sys.modules, "pyarrow")
    heap.return_freed()
    assert "pyarrow" not in sys.modules and libc.calls == [TRIM]
