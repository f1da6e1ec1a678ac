"""The loaded directory as a searchable in-memory index: ``Directory``, how it is built and how one
file's rows in it are replaced.

``loader`` checks each YAML file and ``segment.index_file`` turns it into an ``IndexedFile``:
its entries packed and its rows of every index column. An ``Assembly`` (``build_directory``
for files at hand) concatenates files' rows, as they arrive, into a ``Directory`` (the packed
entries, a pandas frame of their columns with text in Arrow, a need-code matrix, the schedule
table and the row look-ups search reads without touching entries one by one; the packed entries
and the id look-up are ``lookups``);
``replace_files`` gives a new ``Directory`` with some files' rows replaced, added or removed,
at the cost of those rows and memory copies of the number columns: text columns become chunked
slices of the old ones, and ``RowsById`` moves later files' rows without touching their ids
(the old index keeps serving whoever holds it meanwhile).
"""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from navigator.directory import heap
from navigator.directory.lookups import PackedEntries, RowsById
from navigator.directory.segment import (
    FRAME_COLUMNS,
    TEXT_COLUMNS,
    CheckedEntry,
    FileResult,
    IndexedFile,
    Segment,
    entry_dictionary,
    index_file,
    readonly,
    text_series,
)
from navigator.directory.vocabulary import Vocabulary
from navigator.search.schedule import WeeklySchedule, parse_hours, parse_meeting_times
from navigator.search.schedule_kinds import FileKindsNumbered
from navigator.search.schedule_table import ScheduleTable

__all__ = [
    "FRAME_COLUMNS",
    "Assembly",
    "CheckedEntry",
    "Directory",
    "FileResult",
    "IndexedFile",
    "build_directory",
    "entry_dictionary",
    "index_file",
    "replace_files",
    "schedule_of",
]


def schedule_of(entry: dict) -> WeeklySchedule | None:
    """An entry's week: its meeting times, else its hours; None without either, or for an inactive meeting."""
    meeting = entry.get("meeting")
    if meeting:
        if meeting.get("attendance") == "inactive" or not meeting.get("times"):
            return None
        return parse_meeting_times(meeting["times"])
    hours = entry.get("hours")
    return parse_hours(hours) if hours else None


@dataclass(frozen=True)
class Directory:
    """The loaded directory. Shared between users through caches: treat it as read-only."""

    path: Path
    vocabulary: Vocabulary
    entries: PackedEntries  # a sequence of dicts; each access unpacks a private copy
    frame: pd.DataFrame
    codes: tuple[str, ...]
    code_matrix: np.ndarray
    schedules: ScheduleTable
    language_rows: dict = field(repr=False)  # ISO 639-1 code -> rows (no languages listed: English)
    area_rows: dict = field(repr=False)  # state code or "national" -> rows of remote services
    id_rows: RowsById = field(repr=False)  # entry id -> row (a Mapping)
    # Per row, for searches that must not touch Python objects row by row:
    active: np.ndarray = field(repr=False)  # status "active" (an inactive meeting is not)
    category_numbers: np.ndarray = field(repr=False)  # positions in tuple(vocabulary.categories)
    signature: str = ""
    # The files it was built from, in order, without their segments (their rows are above):
    # what ``replace_files`` and the problem report read.
    files: tuple[IndexedFile, ...] = field(default=(), repr=False)
    # Set by the loader: each file's (size, time, inode) stamp and SHA-256 by relative path, and
    # the day its entries were checked on.
    file_stamps: dict = field(default_factory=dict, repr=False)
    checked_on: object = None
    vocabulary_stamp: tuple = ()  # its path and stamp: a reload reads it again only when it changed

    def __len__(self) -> int:
        return len(self.entries)

    def __reduce_ex__(self, protocol):
        # pandas pickles an Arrow text column by copying it whole, and pickle holds every such
        # copy until it is done: storing a national index took twice its memory. Arrow arrays
        # themselves pickle their buffers as they are. From protocol 5 on, the files' packed
        # entries go as out-of-band buffers too (as numpy and Arrow buffers do), so the index
        # cache maps them instead of copying (``cache.DirectoryCache``); the entries are made again
        # from the files, and the id look-up from the files' ids when it is first asked.
        state = self.__dict__.copy()
        state["frame"] = {
            name: (column.dtype, _arrow_of(column)) if _in_arrow(column) else column.to_numpy()
            for name, column in self.frame.items()
        }
        del state["entries"]
        state["entry_dictionary"] = self.entries.dictionary
        if protocol >= 5:
            state["files"] = tuple(
                dataclasses.replace(indexed, packed=pickle.PickleBuffer(indexed.packed)) for indexed in self.files
            )
        state["id_rows"] = self.id_rows.of_ids(self.files)
        return (_unpickled_directory, (), state)

    def __setstate__(self, state):
        state["frame"] = pd.DataFrame(
            {
                name: pd.Series(value[1], dtype=value[0]) if isinstance(value, tuple) else value
                for name, value in state["frame"].items()
            },
            copy=False,  # the number columns stay where they were read (read-only), one block each
        )
        state["entries"] = _packed_entries(state["files"], state.pop("entry_dictionary"))
        self.__dict__.update(state)

    def row_of(self, entry_id: str) -> int | None:
        return self.id_rows.get(entry_id)

    def timezone_of(self, row: int) -> str | None:
        """The entry's IANA time zone; None (never the frame's NaN) when it has none."""
        zone = self.frame["timezone"].iat[row]
        return zone if isinstance(zone, str) else None

    def entry(self, entry_id: str) -> dict | None:
        """A private copy of one entry, safe to change."""
        row = self.row_of(entry_id)
        return self.entries[row] if row is not None else None


def _unpickled_directory() -> Directory:
    return object.__new__(Directory)


def build_directory(path: Path, vocabulary: Vocabulary, files: list[IndexedFile], signature: str) -> Directory:
    """The index of checked, duplicate-free files (``load_directory`` makes sure of both), each
    with its segment: their rows concatenated (``Assembly``, which a load feeds file by file)."""
    assembly = Assembly(vocabulary)
    for indexed in files:
        assembly.add(indexed)
    return assembly.directory(path, signature)


class Assembly:
    """A ``Directory`` put together from its files as they arrive: ``add`` each file (with its
    segment) in order, then ``directory``.

    Every ``FOLD_ROWS`` rows the files' pieces of each column are joined into one piece and let
    go, so a cold load holds the columns so far and the latest files' pieces, never every file's
    pieces beside the columns made of them (a million entries' pieces took 1.44 GB, and the
    columns were made only once every piece had arrived). What stays of each file is what the
    index keeps anyway: its packed entries, ids and lines (``files``).
    """

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.files: list[IndexedFile] = []  # without their segments
        self.size = 0
        self._pending: list[tuple[int, Segment]] = []  # (first row, segment) not yet folded
        self._pending_rows = 0
        self._texts: dict[str, list] = {name: [] for name in TEXT_COLUMNS}  # folded pieces, in order
        self._numbers: dict[str, list] = {name: [] for name in FRAME_COLUMNS if name not in TEXT_COLUMNS}
        self._code_matrix: list[np.ndarray] = []
        self._active: list[np.ndarray] = []
        self._category_numbers: list[np.ndarray] = []
        self._language_rows: list[dict] = []  # per fold: key -> rows of the directory
        self._area_rows: list[dict] = []
        self._kinds = FileKindsNumbered()  # the files' kinds of schedule, numbered as they come

    def add(self, indexed: IndexedFile) -> IndexedFile:
        """Takes ``indexed``'s rows (after those of the files added before); returns the file
        without its segment, as the index keeps it."""
        kept = indexed.without_segment()
        self.files.append(kept)
        segment, first = indexed.segment, self.size
        self.size += len(indexed.ids)
        self._pending.append((first, segment))
        weeks = segment.schedules
        self._kinds.add(first, weeks.zones, weeks.rows, weeks.kinds)
        self._pending_rows += len(indexed.ids)
        if self._pending_rows >= FOLD_ROWS:
            self._fold()
        return kept

    def _fold(self) -> None:
        """The pending files' pieces of each column joined into one piece, and the pieces let go."""
        if not self._pending:
            return
        firsts = [first for first, _ in self._pending]
        segments = [segment for _, segment in self._pending]
        self._pending, self._pending_rows = [], 0
        for name, folded in self._texts.items():
            folded.append(_joined_text([segment.texts[name] for segment in segments]))
        for name, folded in self._numbers.items():
            folded.append(np.concatenate([segment.numbers[name] for segment in segments]))
        self._code_matrix.append(np.concatenate([segment.code_matrix for segment in segments]))
        self._active.append(np.concatenate([segment.active for segment in segments]))
        self._category_numbers.append(np.concatenate([segment.category_numbers for segment in segments]))
        self._language_rows.append(_merged_rows([segment.language_rows for segment in segments], firsts))
        self._area_rows.append(_merged_rows([segment.area_rows for segment in segments], firsts))

    def directory(self, path: Path, signature: str) -> Directory:
        """The index of the files added: made once, after the last file."""
        self._fold()
        vocabulary, size = self.vocabulary, self.size
        if size:
            columns: dict = {}
            for name in FRAME_COLUMNS:
                if name in TEXT_COLUMNS:
                    columns[name] = text_series([_joined_text(self._texts.pop(name))])
                    heap.return_freed()  # the column's pieces, before the next column is made
                else:
                    columns[name] = np.concatenate(self._numbers.pop(name))
            frame = pd.DataFrame(columns)
            del columns
        else:
            frame = _empty_frame()
        frame["last_verified"] = pd.to_datetime(frame["last_verified"])
        schedules = self._kinds.table(size)
        return Directory(
            path=path,
            vocabulary=vocabulary,
            entries=_packed_entries(self.files, entry_dictionary(vocabulary)),
            frame=frame,
            codes=vocabulary.codes,
            code_matrix=readonly(_stacked(self._code_matrix, (0, len(vocabulary.codes)))),
            schedules=schedules,
            language_rows=_joined_rows(self._language_rows),
            area_rows=_joined_rows(self._area_rows),
            id_rows=RowsById.of_files(self.files),
            active=readonly(_stacked(self._active, (0,), bool)),
            category_numbers=readonly(_stacked(self._category_numbers, (0,), np.int16)),
            signature=signature,
            files=tuple(self.files),
        )


# Rows an ``Assembly`` gathers before folding its pending pieces: some 25 MB of pieces at most.
FOLD_ROWS = 16_384


def replace_files(old: Directory, files: list[IndexedFile], signature: str) -> Directory:
    """``old`` with its files replaced by ``files``: each one that is also in ``old.files`` (the
    same object) keeps its rows as they are; every other one brings its segment. Changed,
    added and removed files alike cost their own rows and copies of the columns, never a look
    at the other entries."""
    position = {id(indexed): number for number, indexed in enumerate(old.files)}
    firsts = old.entries.first_rows  # each old file's first row (its entries are its rows)
    # Each change: the old files from..to (by position) give way to the new files between.
    changes: list[tuple[int, int, list[IndexedFile]]] = []
    next_old, pending = 0, []
    for indexed in files:
        number = position.get(id(indexed))
        if number is None:
            pending.append(indexed)
            continue
        if number < next_old:
            raise ValueError("replace_files keeps the old files' order")
        if number > next_old or pending:
            changes.append((next_old, number, pending))
        next_old, pending = number + 1, []
    if next_old < len(old.files) or pending:
        changes.append((next_old, len(old.files), pending))
    state = _Columns.of(old)
    for first_file, end_file, new_files in reversed(changes):  # from the last: the earlier places stay
        state.splice(firsts[first_file], firsts[end_file], new_files)
        state.entries = state.entries.spliced(first_file, end_file, new_files)
        kept = tuple(indexed.without_segment() for indexed in new_files)
        state.files = state.files[:first_file] + kept + state.files[end_file:]
    # Every old file's ids go before any new file's come: an id may move from a file to one later
    # in the order (a renamed file), and dropped after it came, it was lost.
    for first_file, end_file, _ in changes:
        state.id_rows.drop(old.files[first_file:end_file])
    for _, _, new_files in changes:
        state.id_rows.add(new_files)
    if all(sum(len(indexed.ids) for indexed in new) == firsts[end] - firsts[first] for first, end, new in changes):
        # No file before another changed its count of rows: only the new files' first rows are new.
        dropped = [indexed for first, end, _ in changes for indexed in old.files[first:end]]
        state.id_rows.place_as(old.id_rows, dropped, [(firsts[first], new) for first, _, new in changes])
    else:
        state.id_rows.place(files)
    return state.directory(old, signature)


# The frame's text columns but the date of the last verification, which the frame keeps as a date.
_SPLICED_AS_TEXT = frozenset(TEXT_COLUMNS) - {"last_verified"}


class _Columns:
    """The parts of a ``Directory`` that ``replace_files`` splices, as plain arrays and dicts."""

    @classmethod
    def of(cls, directory: Directory) -> _Columns:
        columns = cls()
        columns.frame = {
            name: column.array.__arrow_array__()  # a ChunkedArray, as pandas holds it: no copy
            if _in_arrow(column)
            else (list(column) if name in _SPLICED_AS_TEXT else column.to_numpy())
            for name, column in directory.frame.items()
        }
        columns.dtypes = dict(directory.frame.dtypes)
        columns.code_matrix = directory.code_matrix
        columns.active = directory.active
        columns.category_numbers = directory.category_numbers
        columns.language_rows = dict(directory.language_rows)
        columns.area_rows = dict(directory.area_rows)
        columns.schedules = directory.schedules
        columns.id_rows = directory.id_rows.copy()
        columns.entries = directory.entries
        columns.files = directory.files
        return columns

    def splice(self, start: int, end: int, new_files: list[IndexedFile]) -> None:
        """Rows ``start`` to ``end`` become ``new_files``' rows (all but the ids: ``replace_files`` does those)."""
        segments = [indexed.segment for indexed in new_files]
        firsts = np.concatenate([[0], np.cumsum([len(indexed.ids) for indexed in new_files], dtype=np.int64)]).tolist()
        count = firsts[-1]
        for name, values in self.frame.items():
            if name in _SPLICED_AS_TEXT:
                added = [segment.texts[name] for segment in segments]
                self.frame[name] = _spliced_text(values, start, end, added)
            elif name == "last_verified":
                added = pd.to_datetime(text_series([segment.texts[name] for segment in segments]))
                self.frame[name] = _spliced_array(values, start, end, [added.to_numpy()])
            else:
                self.frame[name] = _spliced_array(values, start, end, [segment.numbers[name] for segment in segments])
        self.code_matrix = _spliced_array(self.code_matrix, start, end, [segment.code_matrix for segment in segments])
        self.active = _spliced_array(self.active, start, end, [segment.active for segment in segments])
        self.category_numbers = _spliced_array(
            self.category_numbers, start, end, [segment.category_numbers for segment in segments]
        )
        delta = count - (end - start)
        for rows_of, segment_rows in (
            (self.language_rows, [segment.language_rows for segment in segments]),
            (self.area_rows, [segment.area_rows for segment in segments]),
        ):
            added = _merged_rows(segment_rows, firsts)
            for key in set(rows_of) | set(added):
                rows = rows_of.get(key, np.zeros(0, dtype=np.int64))
                low, high = np.searchsorted(rows, [start, end])
                new_rows = added.get(key, rows[:0]) + start
                if not delta and np.array_equal(rows[low:high], new_rows):
                    continue  # the same rows: the array stays as it is
                merged = np.concatenate([rows[:low], new_rows, rows[high:] + delta])
                if len(merged):
                    rows_of[key] = readonly(merged)
                else:
                    rows_of.pop(key, None)
        weekly: dict[tuple, WeeklySchedule] = {}
        self.schedules = self.schedules.spliced(
            start,
            end,
            (
                (first + row, zone, weekly.get(sessions) or weekly.setdefault(sessions, WeeklySchedule(sessions)))
                for first, segment in zip(firsts, segments, strict=False)
                for row, zone, sessions in segment.schedules
            ),
            count,
        )

    def directory(self, old: Directory, signature: str) -> Directory:
        frame = pd.DataFrame(
            {
                name: (pd.Series(values) if isinstance(values, list) else pd.Series(values, dtype=self.dtypes[name]))
                if name in _SPLICED_AS_TEXT
                else values
                for name, values in self.frame.items()
            },
            copy=False,  # each number column a block of its own: consolidating them copied 27 MB a reload at 1M
        )
        if not len(frame):  # no rows left: the frame a load of no rows makes
            frame = _empty_frame()
            frame["last_verified"] = pd.to_datetime(frame["last_verified"])
        return Directory(
            path=old.path,
            vocabulary=old.vocabulary,
            entries=self.entries,
            frame=frame,
            codes=old.codes,
            code_matrix=readonly(self.code_matrix),
            schedules=self.schedules,
            language_rows=self.language_rows,
            area_rows=self.area_rows,
            id_rows=self.id_rows,
            active=readonly(self.active),
            category_numbers=readonly(self.category_numbers),
            signature=signature,
            files=self.files,
        )


def _empty_frame() -> pd.DataFrame:
    """The frame of a directory without entries, as pandas makes a frame of empty lists."""
    return pd.DataFrame({name: [] for name in FRAME_COLUMNS})


def _spliced_array(values: np.ndarray, start: int, end: int, added: list[np.ndarray]) -> np.ndarray:
    """``values`` with rows ``start`` to ``end`` replaced by ``added`` (a new array, in ``values``'
    type), or ``values`` itself when those rows are what ``added`` holds: a reload after an edit
    to some entries' words copies none of the number columns (at 1,000,000 entries the need-code
    matrix alone is 54 MB), and a column that did change is copied once."""
    if sum(len(part) for part in added) == end - start:
        new = np.concatenate(added) if added else values[:0]
        if new.shape[1:] == values.shape[1:] and np.array_equal(values[start:end], new, equal_nan=True):
            return values
    return np.concatenate([values[:start], *added, values[end:]]).astype(values.dtype, copy=False)


# A text column spliced is a chunked array of the old column's slices and the new rows (no copy
# of the other rows' text: 50 MB at 100,000 entries); past this many chunks it is copied into one.
_MAX_TEXT_CHUNKS = 64


def _spliced_text(values, start: int, end: int, added: list):
    if isinstance(values, list):  # pandas keeps this column as Python objects
        new = [value for part in added for value in (part if isinstance(part, list) else part.to_pylist())]
        return [*values[:start], *new, *values[end:]]
    import pyarrow

    chunks = [
        chunk
        for part in (values.slice(0, start), *(part.cast(values.type) for part in added), values.slice(end))
        for chunk in (part.chunks if isinstance(part, pyarrow.ChunkedArray) else (part,))
        if len(chunk)
    ]
    if len(chunks) > _MAX_TEXT_CHUNKS:
        chunks = [pyarrow.concat_arrays(chunks)]
    return pyarrow.chunked_array(chunks, type=values.type)


def _packed_entries(files: list[IndexedFile], dictionary: bytes) -> PackedEntries:
    return PackedEntries(
        tuple(indexed.packed for indexed in files), tuple(indexed.ends for indexed in files), dictionary
    )


def _stacked(parts: list[np.ndarray], empty_shape: tuple, dtype=bool) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(empty_shape, dtype=dtype)


def _merged_rows(per_file: list[dict], firsts: list[int]) -> dict:
    """Per key, the rows of every file's dict, offset by where each file starts."""
    merged: dict[str, list] = {}
    for first, rows_of in zip(firsts, per_file, strict=False):
        for key, rows in rows_of.items():
            merged.setdefault(key, []).append(rows + first)
    return {key: readonly(np.concatenate(parts)) for key, parts in merged.items()}


def _joined_text(parts: list):
    """Files' pieces of one text column as one piece: an Arrow array, or a list where pandas
    keeps no text in Arrow (see ``segment.text_values``)."""
    if isinstance(parts[0], list):
        return [value for part in parts for value in part]
    import pyarrow

    # From the C library's heap, not Arrow's own allocator: during a load every block from 16 KB
    # up gets a mapping of its own (``heap``), so the pieces of a column leave the process the
    # moment they are joined, where Arrow's allocator kept them until asked.
    pool = pyarrow.system_memory_pool()
    return pyarrow.concat_arrays(parts, memory_pool=pool) if len(parts) != 1 else parts[0]


def _joined_rows(parts: list[dict]) -> dict:
    """Per key, the rows of every part (each a dict of key -> directory rows, in order), joined."""
    joined: dict[str, list] = {}
    for rows_of in parts:
        for key, rows in rows_of.items():
            joined.setdefault(key, []).append(rows)
    return {key: readonly(np.concatenate(rows) if len(rows) != 1 else rows[0]) for key, rows in joined.items()}


def _in_arrow(column: pd.Series) -> bool:
    return hasattr(column.array, "__arrow_array__")


def _arrow_of(column: pd.Series):
    """The column's Arrow values as one array (a spliced column is in chunks)."""
    values = column.array.__arrow_array__()
    return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
