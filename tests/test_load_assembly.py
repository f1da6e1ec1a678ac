"""A cold load assembles the index file by file as files arrive (``index.Assembly``, fed by
``loader._index_files``): the files' pieces are let go as they are folded, the per-file cache is
written record by record, and what workers did not read is read in the loading process. Counted
objects, never memory or time."""

from __future__ import annotations

import datetime as dt
import gc
import pickle
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import CLINIC, write_directory

import navigator.directory.cache as cache_module
import navigator.directory.index as index_module
import navigator.directory.loader as loader_module
from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory.index import Assembly, IndexedFile, build_directory, schedule_of
from navigator.directory.loader import load_directory
from navigator.directory.vocabulary import load_vocabulary
from navigator.search.schedule_table import ScheduleTable

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def many_files(tmp_path):
    folder = tmp_path / "directory"
    write_synthetic_directory(folder, 240, seed=3, today=TODAY, per_file=8)  # 30 files of 8 entries
    return folder


def assert_same_index(one, other):
    pd.testing.assert_frame_equal(one.frame, other.frame)
    assert list(one.entries) == list(other.entries) and one.id_rows == other.id_rows
    assert (one.code_matrix == other.code_matrix).all() and (one.active == other.active).all()
    assert (one.category_numbers == other.category_numbers).all()
    for mine, theirs in ((one.language_rows, other.language_rows), (one.area_rows, other.area_rows)):
        assert mine.keys() == theirs.keys() and all((mine[key] == theirs[key]).all() for key in mine)
    assert [(f.label, f.problems, f.ids, f.lines, f.packed, f.ends.tolist()) for f in one.files] == [
        (f.label, f.problems, f.ids, f.lines, f.packed, f.ends.tolist()) for f in other.files
    ]


def test_a_cold_load_lets_each_files_pieces_go_once_they_are_folded(many_files, tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "FOLD_ROWS", 16)  # a fold every two files
    segments = []
    original = loader_module.index_file

    def indexing(*arguments):
        indexed = original(*arguments)
        segments.append(weakref.ref(indexed.segment))
        alive.append(sum(reference() is not None for reference in segments))
        return indexed

    alive: list[int] = []
    monkeypatch.setattr(loader_module, "index_file", indexing)
    monkeypatch.setattr(loader_module, "POOL_MIN_FILES", 10_000)  # read here, where index_file is counted
    gc.disable()  # only reference counting frees them, as in a load (the collector is paused there)
    try:
        load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    finally:
        gc.enable()
    assert len(segments) == 30
    # Before: every file's segment was held until the index was built (30 at the end).
    assert max(alive) <= 3


def test_an_assembly_gives_the_index_built_from_all_files_at_once(many_files, monkeypatch):
    loaded = load_directory(many_files, use_cache=False, today=TODAY)
    vocabulary = load_vocabulary(many_files)
    dictionary = loaded.entries.dictionary
    files = [
        index_module.index_file(
            loader_module.check_file(path.read_bytes(), path.name, vocabulary, TODAY), path.name, vocabulary, dictionary
        )
        for path in sorted(many_files.glob("*.yaml"))
        if path.name != "vocabulary.yaml"
    ]
    whole = build_directory(many_files, vocabulary, files, "s")
    for fold_rows in (1, 5, 8, 100_000):
        monkeypatch.setattr(index_module, "FOLD_ROWS", fold_rows)
        assembly = Assembly(vocabulary)
        for indexed in files:
            assert assembly.add(indexed).segment is None
        assert_same_index(assembly.directory(many_files, "s"), whole)


def test_an_empty_assembly_is_an_empty_index(tmp_path):
    folder = write_directory(tmp_path / "d", {"x.yaml": CLINIC})
    empty = Assembly(load_vocabulary(folder)).directory(folder, "s")
    assert len(empty) == 0 and list(empty.frame.columns) == list(index_module.FRAME_COLUMNS)


def test_files_the_workers_did_not_read_are_read_by_the_loading_process(many_files, monkeypatch):
    reference = load_directory(many_files, use_cache=False, today=TODAY)
    vocabulary = load_vocabulary(many_files)

    def stopping_after_seven(workers, jobs, dictionary):
        for _, path, label, today in jobs[:7]:
            data = Path(path).read_bytes()
            indexed = loader_module.index_file(
                loader_module.check_file(data, label, vocabulary, today), label, vocabulary, dictionary
            )
            yield loader_module.hashlib.sha256(data).hexdigest(), pickle.dumps(indexed)  # as a worker sends it
        # then the pool broke

    reads = []
    original = loader_module._read_file
    monkeypatch.setattr(loader_module, "_read_file", lambda path: reads.append(path) or original(path))
    monkeypatch.setattr(loader_module, "_worker_results", stopping_after_seven)
    monkeypatch.setattr(loader_module, "POOL_MIN_FILES", 2)
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "2")
    loaded = load_directory(many_files, use_cache=False, today=TODAY)
    assert len(reads) == 30 - 7
    assert_same_index(loaded, reference)


def test_the_per_file_cache_is_written_record_by_record_and_read_back(many_files, tmp_path, monkeypatch):
    load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    (files_cache,) = (tmp_path / "c").rglob("files.pickle")
    with open(files_cache, "rb") as handle:
        pickle.load(handle)  # the key
        first = pickle.load(handle)
    assert isinstance(first, tuple) and first[0].endswith(".yaml")  # one file's record, not all at once
    reads = []
    original = loader_module._read_file
    monkeypatch.setattr(loader_module, "_read_file", lambda path: reads.append(path) or original(path))
    (tmp_path / "c").joinpath(files_cache.parent.name, "index.pickle").unlink()
    again = load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    assert reads == [] and len(again) == 240


def test_a_per_file_cache_that_cannot_be_written_costs_nothing_but_speed(many_files, tmp_path, monkeypatch):
    def failing_dump(value, handle, protocol=None):
        if isinstance(value, tuple) and str(value[0]).endswith(".yaml"):  # a file's record
            raise OSError("no space left on device")
        return real_dump(value, handle, protocol=protocol)

    real_dump = pickle.dump
    monkeypatch.setattr(cache_module.pickle, "dump", failing_dump)
    loaded = load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    monkeypatch.undo()
    assert len(loaded) == 240
    assert list((tmp_path / "c").rglob("files.pickle")) == []  # nothing half-written left behind
    assert list((tmp_path / "c").rglob(".files.pickle.*")) == []


def test_a_per_file_cache_of_the_earlier_layout_is_not_read(many_files, tmp_path, monkeypatch):
    load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    (files_cache,) = (tmp_path / "c").rglob("files.pickle")
    with open(files_cache, "rb") as handle:
        key = pickle.load(handle)
    with open(files_cache, "wb") as handle:  # the key, then every record in one dict
        pickle.dump(key, handle)
        pickle.dump({"entries-0001.yaml": None}, handle)
    cache = cache_module.DirectoryCache(tmp_path / "c", many_files)
    assert cache.files(key) == {}


def test_a_cold_load_through_workers_gives_the_schedule_table_built_from_every_entrys_week(many_files, monkeypatch):
    monkeypatch.setattr(loader_module, "POOL_MIN_FILES", 2)
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "2")  # each file's kinds numbered in a worker
    loaded = load_directory(many_files, use_cache=False, today=TODAY)
    zones = loaded.frame["timezone"].tolist()
    weeks = [(row, zones[row] or "UTC", schedule_of(entry)) for row, entry in enumerate(loaded.entries)]
    built = ScheduleTable.build([week for week in weeks if week[2] is not None], len(loaded))
    assert len(built.open_kinds) > 30  # kinds from many files, some shared between them
    table = loaded.schedules
    assert (table.zones, list(table.open_kinds.items()), list(table.start_kinds.items())) == (
        built.zones,
        list(built.open_kinds.items()),
        list(built.start_kinds.items()),
    )
    assert np.array_equal(table.entry_open_row, built.entry_open_row)
    assert np.array_equal(table.entry_start_row, built.entry_start_row)


def test_each_workers_pickle_of_its_file_goes_to_the_per_file_cache_as_it_came(many_files, tmp_path, monkeypatch):
    monkeypatch.setattr(loader_module, "POOL_MIN_FILES", 2)
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "2")
    pickled_here = []
    real_dump, real_dumps = pickle.dump, pickle.dumps

    def a_file_in(value) -> bool:
        parts = value if isinstance(value, tuple) else (value,)
        return any(isinstance(getattr(part, "result", part), IndexedFile) for part in parts)

    def dump(value, handle, protocol=None):
        if a_file_in(value):
            pickled_here.append(value)
        return real_dump(value, handle, protocol=protocol)

    def dumps(value, protocol=None, **options):
        if a_file_in(value):
            pickled_here.append(value)
        return real_dumps(value, protocol=protocol, **options)

    monkeypatch.setattr(cache_module.pickle, "dump", dump)
    monkeypatch.setattr(cache_module.pickle, "dumps", dumps)
    loaded = load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    monkeypatch.undo()
    assert pickled_here == []  # before: each file's result pickled again here, for the cache
    (index_cache,) = (tmp_path / "c").rglob("index.pickle")
    index_cache.unlink()
    reads = []
    original = loader_module._read_file
    monkeypatch.setattr(loader_module, "_read_file", lambda path: reads.append(path) or original(path))
    again = load_directory(many_files, cache_dir=tmp_path / "c", today=TODAY)
    assert reads == []  # every file from the per-file cache the workers' bytes were written to
    assert_same_index(again, loaded)
