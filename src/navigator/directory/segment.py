"""One checked directory file as the index keeps it: its entries packed and its rows of every index column.

A file's ``IndexedFile`` is built where the file is checked (in a worker process of a cold load,
or in the app's process for a reload), so assembling the index is concatenating files' columns,
never a pass over entries in Python; and replacing one file's rows (``index.replace_files``)
needs only that file's ``Segment``. The per-file cache keeps ``IndexedFile`` values whole.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from navigator.directory import packing, schema
from navigator.directory.problems import Problem
from navigator.directory.provenance import UNDATED_DAY
from navigator.directory.schema import Implied
from navigator.directory.vocabulary import Vocabulary
from navigator.search.schedule import DAY_WORDS, WeeklySchedule
from navigator.search.schedule_kinds import file_kinds

if TYPE_CHECKING:
    import pandas as pd


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
NUMBER_COLUMNS = {
    "sample": bool,
    "lat": np.float64,
    "lon": np.float64,
    "approximate": bool,
    "remote": bool,
    "line": np.int64,
}
TEXT_COLUMNS = tuple(name for name in FRAME_COLUMNS if name not in NUMBER_COLUMNS)


@dataclass(frozen=True)
class Segment:
    """One file's rows of every index column, rows counted from the file's first entry."""

    texts: dict  # column name -> Arrow LargeStringArray (a list where pandas keeps no Arrow text)
    numbers: dict  # column name -> numpy array
    active: np.ndarray
    category_numbers: np.ndarray
    code_matrix: np.ndarray  # (entries, codes) bool
    language_rows: RowLists  # ISO 639-1 code -> rows in this file
    area_rows: RowLists
    schedules: Schedules  # iterates as (row in this file, IANA zone, sessions) for each entry with a week


class Schedules:
    """One file's weekly schedules, compact: iterates as (row in the file, IANA zone, sessions)
    for each entry with a week. As tuples of tuples a million entries' weeks took some 600 MB of
    small Python objects while a cold load assembled the index; here they are arrays of numbers
    (each distinct week's sessions once) and each distinct zone's name once. ``kinds``: the
    file's (open, start) kinds of schedule, numbered here (``schedule_kinds.file_kinds``, in a
    loading worker) for ``schedule_kinds.FileKindsNumbered``."""

    def __init__(self, rows, zone_numbers, zones: tuple, week_numbers, week_sessions, week_ends, kinds: tuple):
        self.rows, self.zone_numbers, self.zones = rows, zone_numbers, zones
        self.week_numbers, self.week_sessions, self.week_ends = week_numbers, week_sessions, week_ends
        self.kinds = kinds

    @classmethod
    def of(cls, triples: list[tuple[int, str, WeeklySchedule]]) -> Schedules:
        zones: dict[str, int] = {}
        weeks: dict[tuple, int] = {}
        zone_numbers = [zones.setdefault(zone, len(zones)) for _, zone, _ in triples]
        week_numbers = [weeks.setdefault(schedule.sessions, len(weeks)) for _, _, schedule in triples]
        flat = [value for sessions in weeks for session in sessions for value in session]
        return cls(
            np.array([row for row, _, _ in triples], dtype=np.int32),
            np.array(zone_numbers, dtype=np.int32),
            tuple(zones),
            np.array(week_numbers, dtype=np.int32),
            np.array(flat, dtype=np.int32).reshape(-1, 2),
            np.cumsum([len(sessions) for sessions in weeks], dtype=np.int64),
            file_kinds(zone_numbers, [schedule for _, _, schedule in triples]),
        )

    def __iter__(self):
        sessions = self.week_sessions.tolist()
        starts = [0, *self.week_ends.tolist()]
        weeks = [tuple(map(tuple, sessions[start:end])) for start, end in zip(starts, starts[1:], strict=False)]
        zones = self.zones
        numbers = zip(self.rows.tolist(), self.zone_numbers.tolist(), self.week_numbers.tolist(), strict=True)
        for row, zone, week in numbers:
            yield row, zones[zone], weeks[week]

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other) -> bool:
        return isinstance(other, Schedules) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Schedules({len(self)} weeks, {len(self.week_ends)} distinct)"


class RowLists(Mapping):
    """One file's rows per key (a language, a service area), all in one array: reads as a dict of
    key -> rows. A small numpy array per key took ten times its numbers in a national load."""

    def __init__(self, keys: tuple, rows: np.ndarray, ends: np.ndarray):
        self.keys_, self.rows, self.ends = keys, rows, ends

    @classmethod
    def of(cls, lists: dict[str, list[int]]) -> RowLists:
        keys = tuple(lists)
        rows = np.array([row for key in keys for row in lists[key]], dtype=np.int64)
        return cls(keys, rows, np.cumsum([len(lists[key]) for key in keys], dtype=np.int64))

    def __getitem__(self, key: str) -> np.ndarray:
        try:
            position = self.keys_.index(key)
        except ValueError:
            raise KeyError(key) from None
        start = int(self.ends[position - 1]) if position else 0
        return self.rows[start : int(self.ends[position])]

    def __iter__(self):
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Mapping) or set(self) != set(other):
            return False
        return all(np.array_equal(self[key], other[key]) for key in self)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class IndexedFile:
    """One checked file, compact enough for a national directory.

    ``packed`` holds the valid entries packed in blocks of ``ENTRIES_PER_BLOCK`` (see
    ``lookups.PackedEntries``), back to back: ``ends[i, 0]`` is where entry i's block ends in it,
    ``ends[i, 1]`` where entry i starts in its block unpacked; ``segment`` its rows of the index
    (None once they are in an index, which keeps them only there). ``ids`` and ``lines`` name the
    entries in the report.
    """

    label: str
    problems: tuple[Problem, ...]
    ids: tuple[str, ...]
    lines: tuple[int, ...]
    packed: bytes
    ends: np.ndarray
    segment: Segment | None

    def without_segment(self) -> IndexedFile:
        return replace(self, segment=None)


# Entries packed together (``packing``). One at a time, each from the primed compressor, cost a
# cold load more than checking them (35 µs an entry with deflate); eight together cost a fifth of
# that each and pack into 270 bytes instead of 420 (on the synthetic entries), and reading one
# entry unpacks seven more (a few µs).
ENTRIES_PER_BLOCK = 8


def entry_dictionary(vocabulary: Vocabulary) -> bytes:
    """What nearly every packed entry repeats: the schema's field names and fixed words and the
    vocabulary's codes, marshalled as entries are. Compression primed with it packs an entry into
    about a third of its marshalled size (on the hand-written sample entries and synthetic ones alike)."""
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
    # Fresh copies of the words: marshal marks an object that something else also holds, so
    # dumping the vocabulary's own strings gave different bytes from one call to the next, and
    # entries packed with one dictionary cannot be unpacked with another.
    fresh = {name: name.encode().decode() for name in fields}
    return marshal.dumps([{name: name for name in fresh.values()}, [word.encode().decode() for word in words]])


def index_file(
    result: FileResult, label: str, vocabulary: Vocabulary, dictionary: bytes, arrow: bool | None = None
) -> IndexedFile:
    """``result``'s entries packed, and their rows of every index column (``arrow``: see ``segment_of``)."""
    entries = result.entries
    packed, ends = [], []  # ends: (block end, start in block) per entry, made an array once
    offset = 0
    for first in range(0, len(entries), ENTRIES_PER_BLOCK):
        block = [marshal.dumps(checked.entry) for checked in entries[first : first + ENTRIES_PER_BLOCK]]
        data = packing.pack(b"".join(block), dictionary)
        offset += len(data)
        packed.append(data)
        start = 0
        for marshalled in block:
            ends.append((offset, start))
            start += len(marshalled)
    return IndexedFile(
        label,
        result.problems,
        tuple(checked.entry["id"] for checked in entries),
        tuple(checked.line for checked in entries),
        b"".join(packed),
        readonly(np.array(ends, dtype=np.int64).reshape(len(entries), 2)),
        segment_of(entries, label, vocabulary, arrow),
    )


# ``provenance.vouched_or_oldest`` of a checked entry, as text: its ``last_verified`` (which the
# schema lets through only as a real date written YYYY-MM-DD), or the day an undated one ages as.
UNDATED_TEXT = UNDATED_DAY.isoformat()


def segment_of(
    entries: tuple[CheckedEntry, ...], label: str, vocabulary: Vocabulary, arrow: bool | None = None
) -> Segment:
    """The rows of every index column for ``entries``: gathered as one tuple per entry, then
    turned into columns in C (``zip``, numpy, Arrow), not cell by cell. ``arrow``: whether text
    columns are Arrow arrays (``text_in_arrow``; a loading worker is told, having no pandas to ask)."""
    size = len(entries)
    code_column = _numbering(vocabulary.codes)
    category_number = _numbering(tuple(vocabulary.categories))
    text_rows, number_rows, categories = [], [], []
    code_rows: list[int] = []
    code_columns: list[int] = []
    language_rows: dict[str, list[int]] = {}
    area_rows: dict[str, list[int]] = {}
    schedules = []
    nan = np.nan
    for row, checked in enumerate(entries):
        entry, implied = checked.entry, checked.implied
        location = entry.get("location") or {}
        phones = entry.get("phones") or ()
        inactive_meeting = (entry.get("meeting") or {}).get("attendance") == "inactive"
        status = "inactive" if inactive_meeting else entry.get("status") or "active"
        text = " ".join((entry["name"], entry["organization"], entry.get("description") or ""))
        text_rows.append(  # in the order of TEXT_COLUMNS
            (
                entry["id"],
                entry["name"],
                entry["organization"],
                entry["category"],
                status,
                location.get("state"),
                location.get("city"),
                location.get("zip"),
                location.get("address"),
                implied.timezone,
                entry.get("last_verified") or UNDATED_TEXT,  # checked: a YYYY-MM-DD text, if any
                entry.get("source") or "manual",
                phones[0]["number"] if phones else None,
                entry.get("website"),
                text.casefold(),
                label,
            )
        )
        number_rows.append(  # in the order of NUMBER_COLUMNS
            (
                bool(entry.get("sample")),
                nan if implied.latitude is None else implied.latitude,
                nan if implied.longitude is None else implied.longitude,
                implied.approximate,
                implied.remote,
                checked.line,
            )
        )
        categories.append(category_number[entry["category"]])
        for code in implied.codes:
            code_rows.append(row)
            code_columns.append(code_column[code])
        # Not ``setdefault(key, [])``: that makes a list for every key of every entry.
        for language in entry.get("languages") or ("en",):
            rows = language_rows.get(language)
            if rows is None:
                language_rows[language] = [row]
            else:
                rows.append(row)
        for area in entry.get("service_area") or ():
            rows = area_rows.get(area)
            if rows is None:
                area_rows[area] = [row]
            else:
                rows.append(row)
        if implied.schedule is not None:
            # Only "24/7" can lack a zone (the schema asks for one otherwise); any zone fits it.
            schedules.append((row, implied.timezone or "UTC", implied.schedule))
    text_columns = list(zip(*text_rows, strict=True)) if size else [()] * len(TEXT_COLUMNS)
    number_columns = list(zip(*number_rows, strict=True)) if size else [()] * len(NUMBER_COLUMNS)
    arrow = text_in_arrow() if arrow is None else arrow
    matrix = np.zeros((size, len(vocabulary.codes)), dtype=bool)
    matrix[code_rows, code_columns] = True
    statuses = text_columns[TEXT_COLUMNS.index("status")]
    return Segment(
        texts={name: text_values(list(column), arrow) for name, column in zip(TEXT_COLUMNS, text_columns, strict=True)},
        numbers={
            name: np.array(column, dtype=dtype)
            for (name, dtype), column in zip(NUMBER_COLUMNS.items(), number_columns, strict=True)
        },
        active=np.array([status == "active" for status in statuses], dtype=bool),
        category_numbers=np.array(categories, dtype=np.int16),
        code_matrix=matrix,
        language_rows=RowLists.of(language_rows),
        area_rows=RowLists.of(area_rows),
        schedules=Schedules.of(schedules),
    )


@lru_cache(maxsize=8)
def _numbering(values: tuple[str, ...]) -> dict[str, int]:
    """Each value's position in ``values`` (the vocabulary's codes, its categories): made once,
    not for every file."""
    return {value: number for number, value in enumerate(values)}


def readonly(values: np.ndarray) -> np.ndarray:
    values.flags.writeable = False
    return values


def text_dtype():
    """The type pandas gives a column of text (Arrow-backed unless pandas is set otherwise)."""
    import pandas as pd  # here, not above: a loading worker never needs pandas (see ``filecheck``)

    return pd.Series(["text"]).dtype


def text_in_arrow() -> bool:
    return getattr(text_dtype(), "storage", None) == "pyarrow"


def text_values(values: list, arrow: bool):
    """One file's text column: an Arrow array (made in C from the list) when pandas keeps text in
    Arrow, so a national directory's cells are never millions of Python strings at once;
    otherwise the list."""
    if not arrow:
        return values
    import pyarrow  # present whenever pandas keeps text in Arrow

    return pyarrow.array(values, type=pyarrow.large_string())


def text_series(parts: list) -> pd.Series:
    """One frame column of text from files' columns (Arrow arrays or lists), as pandas would make
    it of the same values in a list."""
    import pandas as pd

    if parts and not isinstance(parts[0], list):
        import pyarrow

        values = pyarrow.concat_arrays(parts) if len(parts) != 1 else parts[0]
        if values.null_count == len(values):
            return pd.Series([None] * len(values))  # no text at all: pandas keeps objects
        return pd.Series(values, dtype=text_dtype())
    return pd.Series([value for part in parts for value in part])
