"""The loaded directory as a searchable in-memory index: ``Directory`` and how it is built.

``loader`` checks each YAML file into ``CheckedEntry`` values; ``index_file`` packs one checked
file into an ``IndexedFile`` (entries deflated, what they imply marshalled), the form the
loader's per-file cache keeps; ``build_directory`` assembles the files into a ``Directory``: the
packed entries, a pandas frame of their columns (text straight into Arrow), a need-code matrix,
the schedule table and the row look-ups search reads without touching entries one by one.
"""

from __future__ import annotations

import bisect
import marshal
import operator
import zlib
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from navigator.directory import schema
from navigator.directory.problems import Problem
from navigator.directory.provenance import vouched_or_oldest
from navigator.directory.schema import Implied
from navigator.directory.vocabulary import Vocabulary
from navigator.search.schedule import DAY_WORDS, WeeklySchedule, parse_hours, parse_meeting_times
from navigator.search.schedule_table import ScheduleTable


@dataclass(frozen=True)
class CheckedEntry:
    """An entry that passed its checks, what it implies, and where it is written."""

    entry: dict
    implied: Implied
    file: str
    line: int


@dataclass(frozen=True)
class FileResult:
    """One directory file checked: its valid entries and every problem found in it."""

    entries: tuple[CheckedEntry, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class IndexedFile:
    """One checked file as the index keeps it: compact enough for a national directory.

    ``packed`` holds each valid entry packed (see ``PackedEntries``), back to back, ``ends[i]``
    where entry i ends; ``implied`` holds, marshalled in one piece, what each entry
    implies (see ``_implied_values``), so rebuilding the index after one file changed reads no
    other file and checks nothing again. ``ids`` and ``lines`` name the entries in the report.
    """

    label: str
    problems: tuple[Problem, ...]
    ids: tuple[str, ...]
    lines: tuple[int, ...]
    packed: bytes
    ends: np.ndarray
    implied: bytes


def schedule_of(entry: dict) -> WeeklySchedule | None:
    """An entry's week: its meeting times, else its hours; None without either, or for an inactive meeting."""
    meeting = entry.get("meeting")
    if meeting:
        if meeting.get("attendance") == "inactive" or not meeting.get("times"):
            return None
        return parse_meeting_times(meeting["times"])
    hours = entry.get("hours")
    return parse_hours(hours) if hours else None


# Raw deflate: no header or checksum on each entry of a few hundred bytes.
_DEFLATE_WINDOW_BITS = -15


def entry_dictionary(vocabulary: Vocabulary) -> bytes:
    """What nearly every packed entry repeats: the schema's field names and fixed words and the
    vocabulary's codes, marshalled as entries are. Deflate primed with it packs an entry into
    about half its marshalled size (on the hand-written sample entries and synthetic ones alike)."""
    fields = (
        *schema.TOP_FIELDS,
        *schema.LOCATION_FIELDS,
        *schema.PHONE_FIELDS,
        *schema.MOUD_FIELDS,
        *schema.MEETING_FIELDS,
        *schema.HOUSING_FIELDS,
        *schema.EMPLOYMENT_FIELDS,
        "days",
        "opens",
        "closes",
        "start",
        "end",
    )
    words = (
        *vocabulary.codes,
        *vocabulary.categories,
        *schema.STATUSES,
        *schema.SOURCES,
        *schema.VERIFIED_HOW,
        *schema.FELLOWSHIPS,
        *schema.ATTENDANCE,
        *schema.MEDICATION_POLICIES,
        *schema.PHONE_TYPES,
        *DAY_WORDS,
    )
    return marshal.dumps([{name: name for name in fields}, list(words)])


class PackedEntries(Sequence):
    """The directory's entries, packed file by file (marshal, then deflate primed with
    ``entry_dictionary``) and unpacked on access.

    As Python dicts, 100,000 entries take about 340 MB and a warm load must unpickle millions of
    objects; packed, an entry takes about half its marshalled size (400 to 500 bytes) and a
    file's entries unpickle as one bytes object.
    Each access returns a new dict, so whoever gets one may change it without changing the
    directory that every session shares.
    """

    def __init__(self, chunks: tuple[bytes, ...], chunk_ends: tuple[np.ndarray, ...], dictionary: bytes):
        self._chunks = chunks
        self._chunk_ends = chunk_ends
        self._dictionary = dictionary
        first_rows = [0]
        for ends in chunk_ends:
            first_rows.append(first_rows[-1] + len(ends))
        self._first_rows = tuple(first_rows)  # the row each chunk starts at; the last is the length

    def __len__(self) -> int:
        return self._first_rows[-1]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[row] for row in range(*index.indices(len(self)))]
        row = operator.index(index)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"entry row {index} is outside the directory of {len(self)} entries")
        chunk = bisect.bisect_right(self._first_rows, row) - 1
        return self._unpack(chunk, row - self._first_rows[chunk])

    def __iter__(self) -> Iterator[dict]:
        for chunk, ends in enumerate(self._chunk_ends):
            for local in range(len(ends)):
                yield self._unpack(chunk, local)

    def _unpack(self, chunk: int, local: int) -> dict:
        ends = self._chunk_ends[chunk]
        start = int(ends[local - 1]) if local else 0
        packed = memoryview(self._chunks[chunk])[start : int(ends[local])]
        unpacker = zlib.decompressobj(_DEFLATE_WINDOW_BITS, zdict=self._dictionary)
        return marshal.loads(unpacker.decompress(packed))


def index_file(result: FileResult, label: str, code_column: dict[str, int], dictionary: bytes) -> IndexedFile:
    primed = zlib.compressobj(zlib.Z_BEST_SPEED, zlib.DEFLATED, _DEFLATE_WINDOW_BITS, zdict=dictionary)
    packed, ends = [], []
    offset = 0
    for checked in result.entries:
        compressor = primed.copy()
        data = compressor.compress(marshal.dumps(checked.entry)) + compressor.flush()
        offset += len(data)
        packed.append(data)
        ends.append(offset)
    return IndexedFile(
        label,
        result.problems,
        tuple(checked.entry["id"] for checked in result.entries),
        tuple(checked.line for checked in result.entries),
        b"".join(packed),
        _readonly(np.array(ends, dtype=np.int64)),
        marshal.dumps([_implied_values(checked, code_column) for checked in result.entries]),
    )


def _implied_values(checked: CheckedEntry, code_column: dict[str, int]) -> tuple:
    """What the index needs beyond the entry itself: code columns, latitude, longitude,
    approximate, time zone, remote, and the weekly sessions (None without a schedule)."""
    implied = checked.implied
    schedule = implied.schedule
    return (
        tuple(sorted(code_column[code] for code in implied.codes)),
        implied.latitude,
        implied.longitude,
        implied.approximate,
        implied.timezone,
        implied.remote,
        None if schedule is None else schedule.sessions,
    )


FRAME_COLUMNS = (
    "id",
    "name",
    "organization",
    "category",
    "status",
    "sample",
    "lat",
    "lon",
    "approximate",
    "remote",
    "state",
    "city",
    "zip",
    "address",
    "timezone",
    "last_verified",
    "source",
    "phone",
    "website",
    "text",
    "file",
    "line",
)
_NUMBER_COLUMNS = {
    "sample": bool,
    "lat": np.float64,
    "lon": np.float64,
    "approximate": bool,
    "remote": bool,
    "line": np.int64,
}


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
    id_rows: dict = field(repr=False)
    # Per row, for searches that must not touch Python objects row by row:
    active: np.ndarray = field(repr=False)  # status "active" (an inactive meeting is not)
    category_numbers: np.ndarray = field(repr=False)  # positions in tuple(vocabulary.categories)
    signature: str = ""

    def __len__(self) -> int:
        return len(self.entries)

    def __getstate__(self):
        # pandas pickles an Arrow text column by copying it whole, and pickle holds every such
        # copy until it is done: storing a national index took twice its memory. Arrow arrays
        # themselves pickle their buffers as they are.
        state = self.__dict__.copy()
        state["frame"] = {
            name: (column.dtype, _arrow_of(column)) if _in_arrow(column) else column
            for name, column in self.frame.items()
        }
        return state

    def __setstate__(self, state):
        state["frame"] = pd.DataFrame(
            {
                name: pd.Series(value[1], dtype=value[0]) if isinstance(value, tuple) else value
                for name, value in state["frame"].items()
            }
        )
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


def build_directory(path: Path, vocabulary: Vocabulary, files: list[IndexedFile], signature: str) -> Directory:
    """The index of checked, duplicate-free files (``load_directory`` makes sure of both)."""
    codes = vocabulary.codes
    category_number = {category: number for number, category in enumerate(vocabulary.categories)}
    size = sum(len(indexed.ids) for indexed in files)
    dictionary = entry_dictionary(vocabulary)
    arrow = getattr(_text_dtype(), "storage", None) == "pyarrow"
    texts = {name: _TextColumn(arrow) for name in FRAME_COLUMNS if name not in _NUMBER_COLUMNS}
    numbers = {name: np.zeros(size, dtype=dtype) for name, dtype in _NUMBER_COLUMNS.items()}
    matrix = np.zeros((size, len(codes)), dtype=bool)
    # One object per distinct zone and schedule, however many entries share it.
    zones: dict[str, str] = {}
    weekly: dict[tuple, WeeklySchedule] = {}
    schedule_of: list[WeeklySchedule | None] = [None] * size
    zone_of: list[str | None] = [None] * size
    language_rows: dict[str, array] = {}
    area_rows: dict[str, array] = {}
    active = np.zeros(size, dtype=bool)
    category_numbers = np.zeros(size, dtype=np.int16)
    row = 0
    for indexed in files:
        entries = PackedEntries((indexed.packed,), (indexed.ends,), dictionary)
        implied_values = marshal.loads(indexed.implied)
        for entry, line, implied in zip(entries, indexed.lines, implied_values, strict=True):
            entry_codes, latitude, longitude, approximate, timezone, remote, sessions = implied
            timezone = zones.setdefault(timezone, timezone) if timezone else timezone
            location = entry.get("location") or {}
            phones = entry.get("phones") or ()
            inactive_meeting = (entry.get("meeting") or {}).get("attendance") == "inactive"
            status = "inactive" if inactive_meeting else entry.get("status") or "active"
            text = " ".join((entry["name"], entry["organization"], entry.get("description") or ""))
            for name, value in (
                ("id", entry["id"]),
                ("name", entry["name"]),
                ("organization", entry["organization"]),
                ("category", entry["category"]),
                ("status", status),
                ("state", location.get("state")),
                ("city", location.get("city")),
                ("zip", location.get("zip")),
                ("address", location.get("address")),
                ("timezone", timezone),
                ("last_verified", vouched_or_oldest(entry).isoformat()),
                ("source", entry.get("source") or "manual"),
                ("phone", phones[0]["number"] if phones else None),
                ("website", entry.get("website")),
                ("text", text.casefold()),
                ("file", indexed.label),
            ):
                texts[name].append(value)
            for name, value in (
                ("sample", bool(entry.get("sample"))),
                ("lat", np.nan if latitude is None else latitude),
                ("lon", np.nan if longitude is None else longitude),
                ("approximate", approximate),
                ("remote", remote),
                ("line", line),
            ):
                numbers[name][row] = value
            active[row] = status == "active"
            category_numbers[row] = category_number[entry["category"]]
            if entry_codes:
                matrix[row, entry_codes] = True
            for language in entry.get("languages") or ("en",):
                language_rows.setdefault(language, array("q")).append(row)
            for area in entry.get("service_area") or ():
                area_rows.setdefault(area, array("q")).append(row)
            if sessions is not None:
                schedule_of[row] = weekly.get(sessions) or weekly.setdefault(sessions, WeeklySchedule(sessions))
                # Only "24/7" can lack a zone (the schema asks for one otherwise); any zone fits it.
                zone_of[row] = timezone or "UTC"
            row += 1
    if size:
        frame = pd.DataFrame({name: texts[name].series() if name in texts else numbers[name] for name in FRAME_COLUMNS})
    else:  # as pandas makes an empty frame of empty lists
        frame = pd.DataFrame({name: [] for name in FRAME_COLUMNS})
    frame["last_verified"] = pd.to_datetime(frame["last_verified"])
    return Directory(
        path=path,
        vocabulary=vocabulary,
        entries=PackedEntries(
            tuple(indexed.packed for indexed in files), tuple(indexed.ends for indexed in files), dictionary
        ),
        frame=frame,
        codes=codes,
        code_matrix=_readonly(matrix),
        schedules=ScheduleTable.build(
            ((row, zone_of[row], schedule) for row, schedule in enumerate(schedule_of) if schedule is not None), size
        ),
        language_rows={key: _readonly(np.array(rows, dtype=np.int64)) for key, rows in language_rows.items()},
        area_rows={key: _readonly(np.array(rows, dtype=np.int64)) for key, rows in area_rows.items()},
        id_rows={
            entry_id: row for row, entry_id in enumerate(entry_id for indexed in files for entry_id in indexed.ids)
        },
        active=_readonly(active),
        category_numbers=_readonly(category_numbers),
        signature=signature,
    )


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _in_arrow(column: pd.Series) -> bool:
    return hasattr(column.array, "__arrow_array__")


def _arrow_of(column: pd.Series):
    import pyarrow  # present whenever pandas keeps a column in Arrow

    return pyarrow.array(column)


def _text_dtype():
    """The type pandas gives a column of text (Arrow-backed unless pandas is set otherwise)."""
    return pd.Series(["text"]).dtype


class _TextColumn:
    """A text column of the frame, built straight into Arrow's layout (UTF-8 bytes, offsets and
    a validity bitmap) when pandas keeps text in Arrow: 100,000 rows of cells never exist as
    millions of Python strings, nor in pieces that must be copied into one. Otherwise, a list."""

    def __init__(self, arrow: bool):
        self._values: list | None = None if arrow else []
        self._data = bytearray()
        self._offsets = array("q", [0])
        self._valid = bytearray()

    def append(self, value: str | None) -> None:
        if self._values is not None:
            self._values.append(value)
            return
        if value is not None:
            self._data += value.encode()
        self._valid.append(value is not None)
        self._offsets.append(len(self._data))

    def series(self) -> pd.Series:
        """The column as pandas makes it of the same values in a list."""
        if self._values is not None:
            return pd.Series(self._values)
        if not any(self._valid):
            return pd.Series([None] * len(self._valid))  # no text at all: pandas keeps objects
        import pyarrow  # present whenever pandas keeps text in Arrow

        validity = np.packbits(np.frombuffer(self._valid, dtype=bool), bitorder="little")
        values = pyarrow.LargeStringArray.from_buffers(
            len(self._valid),
            pyarrow.py_buffer(self._offsets),
            pyarrow.py_buffer(self._data),
            pyarrow.py_buffer(validity.tobytes()),
        )
        return pd.Series(values, dtype=_text_dtype())
