"""The two look-ups of a loaded directory that are not columns: ``PackedEntries`` (row -> entry,
packed file by file and unpacked on access) and ``RowsById`` (entry id -> row, moved file by file on
a reload). ``index`` builds them with the rest of a ``Directory`` and splices them on a reload.
"""

from __future__ import annotations

import itertools
import marshal
import operator
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from navigator.directory import packing
from navigator.directory.segment import ENTRIES_PER_BLOCK, IndexedFile, readonly


class PackedEntries(Sequence):
    """The directory's entries, packed file by file in blocks of ``ENTRIES_PER_BLOCK`` (marshal,
    then ``packing``'s zstd primed with ``entry_dictionary``) and unpacked on access.

    As Python dicts, 100,000 entries take about 340 MB and a warm load must unpickle millions of
    objects; packed, an entry takes about a third of its marshalled size (some 270 bytes) and a
    file's entries unpickle as one bytes object.
    Each access returns a new dict, so whoever gets one may change it without changing the
    directory that every session shares.
    """

    def __init__(
        self, chunks: tuple[bytes, ...], chunk_ends: tuple[np.ndarray, ...], dictionary: bytes, first_rows=None
    ):
        self._chunks = chunks
        self._chunk_ends = chunk_ends  # per file: (entries, 2), see ``IndexedFile``
        self._dictionary = dictionary
        if first_rows is None:
            first_rows = np.fromiter(itertools.accumulate(map(len, chunk_ends), initial=0), np.int64, len(chunks) + 1)
        self._first_rows = readonly(first_rows)  # the row each chunk starts at; the last is the length

    def spliced(self, first: int, end: int, files: Sequence[IndexedFile]) -> PackedEntries:
        """These entries with chunks ``first`` to ``end`` replaced by ``files``' entries: the
        other chunks are not looked at one by one (a national directory has ten thousand)."""
        sizes = np.fromiter((len(indexed.ends) for indexed in files), np.int64, len(files))
        rows = self._first_rows
        delta = int(sizes.sum()) - int(rows[end] - rows[first])
        first_rows = np.concatenate([rows[: first + 1], rows[first] + np.cumsum(sizes), rows[end + 1 :] + delta])
        return PackedEntries(
            self._chunks[:first] + tuple(indexed.packed for indexed in files) + self._chunks[end:],
            self._chunk_ends[:first] + tuple(indexed.ends for indexed in files) + self._chunk_ends[end:],
            self._dictionary,
            first_rows,
        )

    def __len__(self) -> int:
        return int(self._first_rows[-1])

    @property
    def first_rows(self) -> list[int]:
        """The row each file's entries start at, and last the number of entries."""
        return self._first_rows.tolist()

    @property
    def dictionary(self) -> bytes:
        """The dictionary these entries were packed with (and new ones must be)."""
        return self._dictionary

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[row] for row in range(*index.indices(len(self)))]
        row = operator.index(index)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"entry row {index} is outside the directory of {len(self)} entries")
        chunk = int(np.searchsorted(self._first_rows, row, side="right")) - 1
        local = row - int(self._first_rows[chunk])
        block = self._block(chunk, local - local % ENTRIES_PER_BLOCK)
        return marshal.loads(block[int(self._chunk_ends[chunk][local, 1]) :])  # stops at the entry's end

    def __iter__(self) -> Iterator[dict]:
        for chunk, ends in enumerate(self._chunk_ends):
            for first in range(0, len(ends), ENTRIES_PER_BLOCK):
                block = self._block(chunk, first)
                for local in range(first, min(first + ENTRIES_PER_BLOCK, len(ends))):
                    yield marshal.loads(block[int(ends[local, 1]) :])

    def _block(self, chunk: int, first: int) -> memoryview:
        """The unpacked block of the chunk's entries from ``first`` (a multiple of the block size)."""
        ends = self._chunk_ends[chunk]
        start = int(ends[first - 1, 0]) if first else 0
        packed = memoryview(self._chunks[chunk])[start : int(ends[first, 0])]
        return memoryview(packing.unpack(packed, self._dictionary))


class RowsById(Mapping):
    """Each entry id's row in the index (a read-only mapping), kept so that replacing some files'
    rows costs their ids alone: an id maps to its file's number and its place in that file, and
    each file's first row is kept per file. When a file gains or loses entries, the rows of every
    later file move by changing one number per file, never one per entry (a reload that added an
    entry at 100,000 entries spent over 100 ms moving them one by one).

    The places are a base dict shared by every index reloaded from the same one, and the changes
    since it: a reload copies those changes, not a million ids' places (a copy of the whole dict
    took a reload at 1,000,000 entries some 60 ms), and makes a new base only once the changes
    have grown to a share of it."""

    _LOCAL_BITS = 32

    def __init__(
        self,
        places: dict | None,
        numbers: dict,
        firsts: dict,
        next_number: int,
        ids_of=(),
        changed: dict | None = None,
        length: int | None = None,
    ):
        self._built = places  # the base: id -> file number << _LOCAL_BITS | its place in the file
        self._ids_of = ids_of  # while the base is None: (file number, its ids) per file, to make it from
        self._changed = changed if changed is not None else {}  # since the base: id -> place, or _GONE
        self._length = length  # None: the base's
        self._numbers = numbers  # file label -> file number
        self._firsts = firsts  # file number -> the file's first row
        self._next_number = next_number

    @classmethod
    def of_files(cls, files: Sequence[IndexedFile]) -> RowsById:
        """The mapping of ``files`` (a later file's id wins over an earlier one's), making its
        id look-up when first asked, as ``of_ids``: a load made it id by id after the last file
        came in (0.13 s at 100,000 entries), and most loads never look an entry up by id."""
        numbers = {indexed.label: number for number, indexed in enumerate(files)}
        ids_of = tuple((number, indexed.ids) for number, indexed in enumerate(files))
        rows = cls(None, numbers, {}, len(files), ids_of)
        rows.place(files)
        return rows

    def of_ids(self, files: Sequence[IndexedFile]) -> RowsById:
        """This mapping (of ``files``) as one that makes its id look-up when first asked: what the
        index cache stores (unpickling 100,000 ids' places took a warm load some 20 ms, and most
        warm loads, as the app's, never look an entry up by id before the next reload)."""
        ids_of = tuple((self._numbers[indexed.label], indexed.ids) for indexed in files)
        return RowsById(None, self._numbers, self._firsts, self._next_number, ids_of)

    def _base(self) -> dict:
        places = self._built
        if places is None:  # two threads may both make it: the same dict either way
            places = {}
            for number, ids in self._ids_of:
                base = number << self._LOCAL_BITS
                places.update(zip(ids, range(base, base + len(ids)), strict=True))
            self._built = places
        return places

    def _place(self, entry_id: str) -> int:
        place = self._changed.get(entry_id, _UNCHANGED)
        if place is _UNCHANGED:
            return self._base()[entry_id]
        if place is _GONE:
            raise KeyError(entry_id)
        return place

    def __getstate__(self):
        if self._built is None:  # as ``of_ids`` makes it for the index cache: the files' ids
            return self.__dict__.copy()
        # The sentinels in the changes would not come back as themselves: pickled, the base is whole.
        places = {entry_id: self._place(entry_id) for entry_id in self}
        return {**self.__dict__, "_built": places, "_ids_of": (), "_changed": {}, "_length": None}

    @property
    def _places(self) -> Mapping:
        """Each id's place (file number and place in the file)."""
        return _Places(self)

    def __getitem__(self, entry_id: str) -> int:
        place = self._place(entry_id)
        return self._firsts[place >> self._LOCAL_BITS] + (place & ((1 << self._LOCAL_BITS) - 1))

    def get(self, entry_id, default=None):
        try:
            return self[entry_id]
        except KeyError:
            return default

    def __contains__(self, entry_id) -> bool:
        place = self._changed.get(entry_id, _UNCHANGED)
        return entry_id in self._base() if place is _UNCHANGED else place is not _GONE

    def __iter__(self) -> Iterator[str]:
        changed = self._changed
        if not changed:
            return iter(self._base())
        kept = (entry_id for entry_id in self._base() if entry_id not in changed)
        return itertools.chain(kept, (entry_id for entry_id, place in changed.items() if place is not _GONE))

    def __len__(self) -> int:
        return len(self._base()) if self._length is None else self._length

    # What ``replace_files`` does, on a copy of its own (the old index's mapping never changes):

    def copy(self) -> RowsById:
        base, changed = self._base(), self._changed
        if len(changed) > max(_MIN_CHANGES_KEPT, len(base) // _CHANGES_SHARE):
            base, changed = {entry_id: self._place(entry_id) for entry_id in self}, {}
        return RowsById(base, dict(self._numbers), {}, self._next_number, (), dict(changed), len(self))

    def drop(self, files: Sequence[IndexedFile]) -> None:
        base, changed, length = self._base(), self._changed, len(self)
        for indexed in files:
            self._numbers.pop(indexed.label, None)
            for entry_id in indexed.ids:
                if entry_id in self:
                    length -= 1
                    if entry_id in base:
                        changed[entry_id] = _GONE
                    else:
                        del changed[entry_id]
        self._length = length

    def add(self, files: Sequence[IndexedFile]) -> None:
        changed, length = self._changed, len(self)
        for indexed in files:
            base = self._next_number << self._LOCAL_BITS
            self._numbers[indexed.label] = self._next_number
            self._next_number += 1
            for local, entry_id in enumerate(indexed.ids):
                if entry_id not in self:
                    length += 1
                changed[entry_id] = base + local
        self._length = length

    def place_as(
        self, old: RowsById, dropped: Sequence[IndexedFile], placed: list[tuple[int, Sequence[IndexedFile]]]
    ) -> None:
        """``place`` where this mapping's files are ``old``'s with ``dropped`` replaced by as many
        rows: each kept file's first row as in ``old``, and ``placed``' files from the row given."""
        firsts = dict(old._firsts)
        for indexed in dropped:
            del firsts[old._numbers[indexed.label]]
        for row, files in placed:
            for indexed in files:
                firsts[self._numbers[indexed.label]] = row
                row += len(indexed.ids)
        self._firsts = firsts

    def place(self, files: Sequence[IndexedFile]) -> None:
        """Each file's first row, the files (all of them, in order) following each other."""
        numbers = self._numbers
        firsts = itertools.accumulate((len(indexed.ids) for indexed in files), initial=0)
        self._firsts = dict(zip((numbers[indexed.label] for indexed in files), firsts, strict=False))


# The changes a RowsById keeps beside its base before a copy makes a new base: past this share of
# the base (and this many), the cost of making it is spread thin over the reloads before.
_CHANGES_SHARE = 8
_MIN_CHANGES_KEPT = 4096
_UNCHANGED = object()
_GONE = object()


class _Places(Mapping):
    """A ``RowsById``'s places (file number << its bits | place in the file), by id."""

    def __init__(self, rows: RowsById):
        self._rows = rows

    def __getitem__(self, entry_id: str) -> int:
        return self._rows._place(entry_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)
