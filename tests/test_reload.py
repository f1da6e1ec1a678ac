"""Reloading a loaded directory after files changed: only their rows are replaced, and the result
is the index a fresh load would build; the previous index stays as it was."""

import datetime as dt
import itertools
import os
import pickle
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import CLINIC, PROJECT_ROOT

import navigator.directory.index as index_module
import navigator.directory.loader as directory_module
import navigator.directory.lookups as lookups_module
from navigator.bench.synthetic import entries_yaml, synthetic_entries, write_synthetic_directory
from navigator.directory.cache import DirectoryCache
from navigator.directory.index import entry_dictionary
from navigator.directory.loader import load_directory, reload_directory
from navigator.directory.problems import DirectoryError
from navigator.search.engine import Query, search

TODAY = dt.date(2026, 11, 23)
AT = dt.datetime(2026, 11, 24, 19, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reload") / "source"
    write_synthetic_directory(folder, 500, seed=3, today=TODAY)
    return folder


@pytest.fixture
def folder(synthetic, tmp_path):
    copy = tmp_path / "directory"
    shutil.copytree(synthetic, copy)
    return copy


def assert_same_index(reloaded, fresh):
    assert len(reloaded) == len(fresh)
    pd.testing.assert_frame_equal(reloaded.frame, fresh.frame)
    for name in ("code_matrix", "active", "category_numbers"):
        assert np.array_equal(getattr(reloaded, name), getattr(fresh, name)), name
    assert reloaded.id_rows == fresh.id_rows
    for name in ("language_rows", "area_rows"):
        mine, theirs = getattr(reloaded, name), getattr(fresh, name)
        assert mine.keys() == theirs.keys() and all(np.array_equal(mine[key], theirs[key]) for key in mine), name
    assert np.array_equal(reloaded.schedules.open_mask(AT), fresh.schedules.open_mask(AT))
    assert np.array_equal(reloaded.schedules.minutes_until_open(AT), fresh.schedules.minutes_until_open(AT))
    assert np.array_equal(reloaded.schedules.minutes_until_start(AT), fresh.schedules.minutes_until_start(AT))
    assert list(reloaded.entries) == list(fresh.entries)
    for near in ("10001", "80222", "59601"):
        for query in (Query(near=near, radius=3000.0), Query(near=near, radius=3000.0, open_at=AT)):
            mine, theirs = search(reloaded, query, now=AT), search(fresh, query, now=AT)
            assert [hit.id for hit in mine.hits] == [hit.id for hit in theirs.hits] and mine.total == theirs.total


def test_changed_added_removed_and_shrunk_files_give_the_index_a_fresh_load_gives(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    files = sorted(folder.glob("entries-*.yaml"))
    edited = files[2].read_text().replace("  name: ", "  name: Edited ", 1)
    files[2].write_text(edited)
    files[0].unlink()
    text = files[3].read_text()
    files[3].write_text(text[: text.index("\n- id:", 2000) + 1])  # fewer entries: later rows move up
    (folder / "added.yaml").write_text(CLINIC)
    reloaded = reload_directory(loaded, today=TODAY)
    fresh = load_directory(folder, use_cache=False, today=TODAY)
    assert_same_index(reloaded, fresh)
    assert_same_index(pickle.loads(pickle.dumps(reloaded)), fresh)  # as the index cache stores it
    assert reloaded.entry("test-clinic")["name"] == "Test Clinic Buprenorphine"


def test_a_reload_copies_no_text_of_the_rows_it_keeps(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    changed = sorted(folder.glob("entries-*.yaml"))[2]
    changed.write_text(changed.read_text().replace("  name: ", "  name: Edited ", 1))
    reloaded = reload_directory(loaded, today=TODAY)
    for name in ("text", "name", "city"):
        before, after = (index.frame[name].array.__arrow_array__() for index in (loaded, reloaded))
        # The rows before the changed file are the old column's own bytes, not a copy of them.
        assert after.chunk(0).buffers()[2].address == before.chunk(0).buffers()[2].address
        assert after.to_pylist()[: loaded.row_of(loaded.files[2].ids[0])] == before.to_pylist()[: len(after.chunk(0))]


def test_reload_reads_only_the_changed_file_and_leaves_the_previous_index_whole(folder, monkeypatch):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    frame_before, first_id = loaded.frame.copy(), loaded.files[1].ids[0]
    changed = sorted(folder.glob("entries-*.yaml"))[1]
    changed.write_text(changed.read_text().replace("  name: ", "  name: Renamed ", 1))
    reads = []
    original = directory_module._read_file
    monkeypatch.setattr(directory_module, "_read_file", lambda path: reads.append(path.name) or original(path))
    reloaded = reload_directory(loaded, today=TODAY)
    assert reads == [changed.name]
    assert reloaded.entry(first_id)["name"].startswith("Renamed ")
    assert not loaded.entry(first_id)["name"].startswith("Renamed ")
    pd.testing.assert_frame_equal(loaded.frame, frame_before)
    assert reload_directory(reloaded, today=TODAY) is reloaded  # nothing changed since: nothing read
    assert reads == [changed.name]


def test_a_reload_that_finds_problems_raises_them_and_the_previous_index_stays(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    broken = sorted(folder.glob("entries-*.yaml"))[0]
    broken.write_text(re.sub(r'zip: "(\d+)"', r"zip: 0\1", broken.read_text(), count=1))
    (folder / "twice.yaml").write_text(CLINIC + CLINIC.replace("test-clinic", loaded.files[2].ids[0]))
    with pytest.raises(DirectoryError) as caught:
        reload_directory(loaded, today=TODAY)
    messages = [problem.message for problem in caught.value.report.problems]
    assert any("leading zero" in message for message in messages)
    assert any(message.startswith("duplicate id") for message in messages)
    assert len(loaded) == 500 and loaded.entry(loaded.files[2].ids[0]) is not None


def test_an_entry_moved_to_another_file_or_a_removed_file_is_no_duplicate_and_a_copied_one_is(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    first, second, third = sorted(folder.glob("entries-*.yaml"))[:3]
    entries = first.read_text().split("\n- id: ")
    first.write_text("\n- id: ".join(entries[:-1]) + "\n")  # its last entry moves to the second file
    second.write_text(second.read_text() + "- id: " + entries[-1])
    third_text = third.read_text()
    third.unlink()  # its entries come back in a new file
    (folder / "zz.yaml").write_text(third_text)
    moved = reload_directory(loaded, today=TODAY)
    assert_same_index(moved, load_directory(folder, use_cache=False, today=TODAY))
    (folder / "copy.yaml").write_text("- id: " + entries[-1])  # and now also a third time
    with pytest.raises(DirectoryError) as caught:
        reload_directory(moved, today=TODAY)
    assert [problem.message.startswith("duplicate id") for problem in caught.value.report.problems] == [True]


def test_a_reload_after_every_file_was_removed_gives_the_index_a_fresh_load_gives(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    for path in folder.glob("entries-*.yaml"):
        path.unlink()
    assert_same_index(reload_directory(loaded, today=TODAY), load_directory(folder, use_cache=False, today=TODAY))


def test_a_new_day_reads_nothing_and_a_changed_vocabulary_loads_afresh(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    assert reload_directory(loaded, today=TODAY + dt.timedelta(days=1)) is loaded  # a file that passed stays passed
    vocabulary = (PROJECT_ROOT / "src/navigator/directory/vocabulary.yaml").read_text()
    (folder / "vocabulary.yaml").write_text(vocabulary.replace("Buprenorphine", "Buprenorphine (Suboxone)", 1))
    afresh = reload_directory(loaded, today=TODAY)
    assert afresh.vocabulary.fingerprint != loaded.vocabulary.fingerprint
    assert afresh.file_stamps.keys() == loaded.file_stamps.keys() and len(afresh) == len(loaded)


def test_a_reload_of_an_index_read_from_the_cache_unpacks_every_entry(folder, tmp_path):
    load_directory(folder, cache_dir=tmp_path / "cache", today=TODAY)
    from_cache = load_directory(folder, cache_dir=tmp_path / "cache", today=TODAY)
    changed = sorted(folder.glob("entries-*.yaml"))[2]
    changed.write_text(changed.read_text().replace("  name: ", "  name: Edited ", 1))
    reloaded = reload_directory(from_cache, today=TODAY)
    assert len(list(reloaded.entries)) == 500  # every entry, old and new, unpacks with one dictionary


def test_the_packing_dictionary_is_the_same_bytes_every_time(folder):
    vocabulary = load_directory(folder, use_cache=False, today=TODAY).vocabulary
    assert len({entry_dictionary(vocabulary) for _ in range(5)}) == 1


def test_a_reload_stats_each_file_once_and_reads_the_vocabulary_only_when_it_changed(folder, monkeypatch):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    changed = sorted(folder.glob("entries-*.yaml"))[1]
    changed.write_text(changed.read_text().replace("  name: ", "  name: Renamed ", 1))
    stamps, vocabularies = [], []
    stamp, load_vocabulary = directory_module._stamp, directory_module.load_vocabulary
    monkeypatch.setattr(directory_module, "_stamp", lambda stat: stamps.append(stat) or stamp(stat))
    monkeypatch.setattr(
        directory_module, "load_vocabulary", lambda path: vocabularies.append(path) or load_vocabulary(path)
    )
    reloaded = reload_directory(loaded, today=TODAY)
    assert len(stamps) == len(loaded.files) + 2  # each file once, the vocabulary for the signature and for itself
    assert vocabularies == []
    assert reloaded.entry(loaded.files[1].ids[0])["name"].startswith("Renamed ")
    vocabulary = (PROJECT_ROOT / "src/navigator/directory/vocabulary.yaml").read_text()
    (folder / "vocabulary.yaml").write_text(vocabulary)  # the same words, in a file of the directory's own
    changed.write_text(changed.read_text().replace("  name: Renamed ", "  name: Renamed again ", 1))
    again = reload_directory(reloaded, today=TODAY)
    assert vocabularies == [folder] and again.files[0] is reloaded.files[0]  # the same vocabulary: rows kept


# Random sequences of changes: after each round the index is reloaded, and at the end it is the
# index a fresh load builds. Each write gets a later modification time of its own, so that no two
# versions of a file share a stamp however fast the test writes them.
PER_FILE = 12
change = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("remove"), st.integers(0, 99), st.just(0)),
    st.tuples(st.just("shrink"), st.integers(0, 99), st.integers(0, PER_FILE)),
    st.tuples(st.just("grow"), st.integers(0, 99), st.integers(1, 5)),
    st.tuples(
        st.just("add"),
        st.sampled_from(["aa.yaml", "entries-00002b.yaml", "zz.yaml", "sub/new.yaml"]),
        st.integers(0, 6),
    ),
)


@pytest.fixture(scope="module")
def first_entries():
    return list(synthetic_entries(5 * PER_FILE, seed=5, today=TODAY))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rounds=st.lists(st.lists(change, min_size=1, max_size=3), min_size=1, max_size=4),
    text_chunks=st.sampled_from([1, 3, 64]),  # small: text columns are copied into one chunk now and then
)
def test_reloads_after_random_changes_give_the_index_a_fresh_load_gives(first_entries, rounds, text_chunks):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "_MAX_TEXT_CHUNKS", text_chunks)
        reload_randomly(first_entries, rounds)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rounds=st.lists(st.tuples(st.lists(change, min_size=1, max_size=3), st.booleans()), min_size=1, max_size=3),
)
def test_reloads_of_indexes_read_from_the_cache_give_the_index_a_fresh_load_gives(first_entries, rounds):
    # The first index is a warm load (its arrays and packed entries read in place from the mapped
    # cache file); a round's True stores the reloaded index in the cache and reads it back.
    reload_randomly(first_entries, [changes for changes, _ in rounds], [stored for _, stored in rounds])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rounds=st.lists(st.lists(change, min_size=1, max_size=3), min_size=1, max_size=4),
    changes_kept=st.sampled_from([0, 30]),
)
def test_reloads_that_make_the_id_look_up_afresh_give_the_index_a_fresh_load_gives(first_entries, rounds, changes_kept):
    # A reload keeps the ids changed since the look-up's base beside it, and makes a new base once
    # they are many: here after every reload (0) or now and then.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lookups_module, "_MIN_CHANGES_KEPT", changes_kept)
        patch.setattr(lookups_module, "_CHANGES_SHARE", 10**9)
        reload_randomly(first_entries, rounds)


def test_an_id_look_up_with_changes_pickles_whole(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    changed = sorted(folder.glob("entries-*.yaml"))[1]
    changed.write_text(changed.read_text().replace("- id: ", "- id: renamed-", 1))
    rows = reload_directory(loaded, today=TODAY).id_rows
    assert "renamed-" + loaded.files[1].ids[0] in rows and loaded.files[1].ids[0] not in rows
    assert pickle.loads(pickle.dumps(rows)) == rows and len(pickle.loads(pickle.dumps(rows))) == len(rows)


def reload_randomly(first_entries, rounds, through_cache=None):
    new_entries = (
        {**entry, "id": f"new-{number}-{entry['id']}"}
        for number, entry in enumerate(itertools.cycle(synthetic_entries(40, seed=6, today=TODAY)))
    )
    written = itertools.count(1)
    files = {
        f"entries-{number:05d}.yaml": first_entries[number * PER_FILE : (number + 1) * PER_FILE] for number in range(5)
    }
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)

        def write(name):
            path = folder / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(entries_yaml(files[name]))
            os.utime(path, ns=(0, 10**18 + next(written) * 1000))

        for name in files:
            write(name)
        if through_cache is None:
            loaded = load_directory(folder, use_cache=False, today=TODAY)
        else:
            cache = DirectoryCache(folder / ".cache", folder)
            load_directory(folder, cache_dir=folder / ".cache", today=TODAY)
            loaded = load_directory(folder, cache_dir=folder / ".cache", today=TODAY)
        for round_number, changes in enumerate(rounds):
            for kind, which, count in changes:
                if kind == "add":
                    files[which] = files.get(which, []) + [next(new_entries) for _ in range(count)]
                    write(which)
                    continue
                if not files:
                    continue
                name = sorted(files)[which % len(files)]
                if kind == "remove":
                    del files[name]
                    (folder / name).unlink()
                    continue
                if kind == "edit" and files[name]:
                    position = count % len(files[name])
                    files[name][position] = {**files[name][position], "name": f"Edited {next(written)}"}
                elif kind == "shrink":
                    files[name] = files[name][:count]
                elif kind == "grow":
                    files[name] = files[name] + [next(new_entries) for _ in range(count)]
                write(name)
            loaded = reload_directory(loaded, today=TODAY)
            if through_cache and through_cache[round_number]:
                cache.store_index(loaded.signature, loaded)
                loaded = cache.index(loaded.signature)
        assert_same_index(loaded, load_directory(folder, use_cache=False, today=TODAY))


def test_entries_added_to_a_file_move_later_files_rows_without_touching_their_ids(folder):
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    grown = sorted(folder.glob("entries-*.yaml"))[1]
    grown.write_text(grown.read_text() + CLINIC.replace("- id: test-clinic", "\n- id: test-clinic"))
    reloaded = reload_directory(loaded, today=TODAY)
    later = [entry_id for indexed in loaded.files[2:] for entry_id in indexed.ids]
    assert all(reloaded.row_of(entry_id) == loaded.row_of(entry_id) + 1 for entry_id in later)
    # Each later id's place is the very object it was: nothing was written per entry to move them.
    assert all(reloaded.id_rows._places[entry_id] is loaded.id_rows._places[entry_id] for entry_id in later)
    assert reloaded.row_of("test-clinic") == loaded.row_of(loaded.files[2].ids[0])
    assert_same_index(reloaded, load_directory(folder, use_cache=False, today=TODAY))
