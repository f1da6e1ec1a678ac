"""A file's entries packed in blocks read back exactly, one by one and in order, whatever their
count against the block size."""

import datetime as dt
import marshal

import pytest

from navigator.bench.synthetic import write_synthetic_directory
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


def test_reading_one_entry_unpacks_its_block_only_up_to_that_entry_s_end(tmp_path, monkeypatch):
    import zlib

    import navigator.directory.lookups as lookups

    folder = tmp_path / "synthetic"
    write_synthetic_directory(folder, ENTRIES_PER_BLOCK, seed=3, today=TODAY, per_file=ENTRIES_PER_BLOCK)
    loaded = load_directory(folder, use_cache=False, today=TODAY)
    whole_block = sum(len(marshal.dumps(entry)) for entry in loaded.entries)
    unpacked: list[int] = []
    real_unpacker = zlib.decompressobj

    class Counting:
        def __init__(self, *arguments, **options):
            self.unpacker = real_unpacker(*arguments, **options)

        def decompress(self, data, max_length=0):
            out = self.unpacker.decompress(data, max_length)
            unpacked.append(len(out))
            return out

    monkeypatch.setattr(lookups.zlib, "decompressobj", Counting)
    first = loaded.entries[0]
    assert first == list(loaded.entries)[0]
    assert unpacked[0] == len(marshal.dumps(first)) < whole_block  # not the 7 entries after it
