"""A file's entries packed in blocks read back exactly, one by one and in order, whatever their
count against the block size."""

import datetime as dt
import marshal
import threading

import pytest

from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory import packing
from navigator.directory.loader import check_file, directory_files, load_directory
from navigator.directory.segment import ENTRIES_PER_BLOCK
from navigator.directory.vocabulary import load_vocabulary

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("per_file", [1, ENTRIES_PER_BLOCK - 1, ENTRIES_PER_BLOCK, ENTRIES_PER_BLOCK + 1, 20])
def test_packed_entries_read_back_as_written_across_block_boundaries(tmp_path, per_file):
    folder = tmp_path / "synthetic"
    write_synthetic_directory(folder, 2 * per_file + 3, seed=per_file, today=TODAY, per_file=per_file)
    vocabulary = load_vocabulary(folder)
    written = [
        checked.entry
        for path in directory_files(folder)
        for checked in check_file(path.read_bytes(), path.name, vocabulary, TODAY).entries
    ]
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    assert list(loaded.entries) == written
    assert [loaded.entries[row] for row in range(len(written))] == written
    assert loaded.entries[-1] == written[-1] and loaded.entries[1:3] == written[1:3]


def test_each_entry_read_is_a_private_copy(tmp_path):
    folder = tmp_path / "synthetic"
    write_synthetic_directory(folder, ENTRIES_PER_BLOCK + 2, seed=1, today=TODAY)
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    first = loaded.entries[0]
    first["name"] = "changed"
    assert loaded.entries[0]["name"] != "changed"


def test_reading_one_entry_unpacks_its_own_block_and_no_other(tmp_path, monkeypatch):
    import navigator.directory.lookups as lookups

    folder = tmp_path / "synthetic"
    write_synthetic_directory(folder, 2 * ENTRIES_PER_BLOCK, seed=3, today=TODAY, per_file=2 * ENTRIES_PER_BLOCK)
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    everything = list(loaded.entries)
    unpacked: list[int] = []
    real_unpack = packing.unpack
    monkeypatch.setattr(
        lookups.packing, "unpack", lambda *arguments: unpacked.append(len(out := real_unpack(*arguments))) or out
    )
    second_block = everything[ENTRIES_PER_BLOCK:]
    assert loaded.entries[ENTRIES_PER_BLOCK + 1] == second_block[1]
    assert unpacked == [sum(len(marshal.dumps(entry)) for entry in second_block)]


def test_each_thread_packs_and_unpacks_with_codecs_of_its_own():
    """A zstd codec used by two threads at once can corrupt what it makes: sessions are threads."""
    dictionary = marshal.dumps(["id", "name", "organization"])
    mine = packing._codecs_for(dictionary)
    theirs = []
    thread = threading.Thread(target=lambda: theirs.extend(packing._codecs_for(dictionary)))
    thread.start()
    thread.join()
    assert packing._codecs_for(dictionary) == mine  # made once per thread
    assert not {id(codec) for codec in mine} & {id(codec) for codec in theirs}
    assert len([known for known in packing._prepared if known == dictionary]) == 1  # prepared once for all
    data = marshal.dumps({"id": "a", "name": "b", "organization": "c"})
    assert packing.unpack(packing.pack(data, dictionary), dictionary) == data


def test_a_thread_keeps_codecs_for_a_few_dictionaries_only():
    for number in range(3 * packing._DICTIONARIES_KEPT):
        dictionary = marshal.dumps([f"word-{number}"])
        assert packing.unpack(packing.pack(b"word", dictionary), dictionary) == b"word"
        assert len(packing._codecs.by_dictionary) <= packing._DICTIONARIES_KEPT
        assert len(packing._prepared) <= packing._DICTIONARIES_KEPT


def test_the_index_dates_an_entry_by_its_last_verified_and_an_undated_one_as_the_oldest_day(tmp_path):
    from navigator.directory.provenance import UNDATED_DAY, vouched_or_oldest

    folder = tmp_path / "directory"
    write_synthetic_directory(folder, 3, seed=5, today=TODAY, per_file=3)
    path = directory_files(folder)[0]
    text = path.read_text()
    first_date = text.index("last_verified:")
    line_end = text.index("\n", first_date)
    path.write_text(text[:first_date] + "listed_as_of: unknown" + text[line_end:])  # the first entry, undated
    loaded = load_directory(folder, use_cache=False, today=TODAY)  # raises on any problem
    dates = [day.date() for day in loaded.frame["last_verified"]]
    assert dates == [vouched_or_oldest(entry) for entry in loaded.entries]
    assert dates[0] == UNDATED_DAY and UNDATED_DAY not in dates[1:]
