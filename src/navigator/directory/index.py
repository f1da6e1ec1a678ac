"""Loading the YAML directory into a checked, searchable in-memory index.

Every file is composed strictly (see ``yamlread``), each entry is checked against the schema, and
every problem is collected into one report. The result of each file is cached on disk keyed on
its contents (SHA-256), and the whole index is cached keyed on the files' sizes and modification
times, so an unchanged directory loads without reading a single YAML file and a change to one
file re-reads only that file.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import hashlib
import marshal
import operator
import os
import pickle
import sys
import zlib
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from yaml.nodes import SequenceNode

from navigator.directory import schema
from navigator.directory.problems import DirectoryError, Problem, Report
from navigator.directory.schema import Implied, check_entry
from navigator.directory.vocabulary import VOCABULARY_FILE, Vocabulary, load_vocabulary, vocabulary_path
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose, line_of, path_of
from navigator.files import write_atomic_with
from navigator.search.schedule import DAY_WORDS, WeeklySchedule, parse_hours, parse_meeting_times
from navigator.search.schedule_table import ScheduleTable
from navigator.settings import DEFAULT_DIRECTORY, load_settings

CACHE_FORMAT = 5  # bump when the cached structures change shape or module


def _read_file(path: Path) -> bytes:
    """The one place directory files are read (tests count calls to prove the cache works)."""
    return path.read_bytes()


@dataclass(frozen=True)
class CheckedEntry:
    entry: dict
    implied: Implied
    file: str
    line: int


@dataclass(frozen=True)
class FileResult:
    entries: tuple[CheckedEntry, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _IndexedFile:
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


@dataclass
class _FileRecord:
    stamp: tuple[int, int, int]  # size, modification time, inode: a rename or an edit changes one
    digest: str
    result: _IndexedFile


def field_name(path: tuple) -> str:
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else step)
    return name


def check_file(data: bytes, label: str, vocabulary: Vocabulary, today: dt.date) -> FileResult:
    """Every entry of one directory file, checked; ``label`` names the file in problems."""
    try:
        root = compose(data)
    except YamlSyntaxError as error:
        return FileResult((), (Problem(label, error.line, "", "", error.message),))
    if root is None:
        return FileResult((), ())
    if not isinstance(root, SequenceNode):
        message = "a directory file must be a YAML list of entries (each starting with `- id:`)"
        return FileResult((), (Problem(label, root.start_mark.line + 1, "", "", message),))
    # An alias needs an anchor, and an anchor needs a "&" in the text.
    converter = NodeConverter(may_have_aliases=(b"&" if isinstance(data, bytes) else "&") in data)
    entries, problems = [], []
    for node in root.value:
        issues_before = len(converter.issues)
        entry = converter.convert(node)
        entry_id = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else ""
        line = node.start_mark.line + 1
        yaml_issues = converter.issues[issues_before:]
        troubled = set()
        for issue in yaml_issues:
            path = path_of(node, issue.node)
            troubled.add(path[:1])
            problems.append(Problem(label, issue.line, entry_id, field_name(path), issue.message))
        entry_problems, implied = check_entry(entry, vocabulary, today)
        for path, message in entry_problems:
            if path[:1] not in troubled:  # a coerced scalar was already reported once
                problems.append(Problem(label, line_of(node, path), entry_id, field_name(path), message))
        if implied is not None and not yaml_issues:
            entries.append(CheckedEntry(entry, implied, label, line))
    return FileResult(tuple(entries), tuple(problems))


@contextlib.contextmanager
def collector_paused():
    """Pauses Python's cyclic garbage collector while a load builds millions of small objects.

    Each collection walks every container built so far, so with it running a load of 10,000
    entries spent twice as long collecting as parsing and checking. What a load drops is freed
    by reference counting; any cycle waits for the next collection after the load.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def directory_files(directory: Path) -> list[Path]:
    """Every entry file under ``directory``: ``*.yaml`` at any depth, except the vocabulary."""
    found = []
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        found.extend(
            Path(folder, name) for name in names if name.endswith((".yaml", ".yml")) and not name.startswith(".")
        )
    return sorted(path for path in found if path.relative_to(directory).as_posix() != VOCABULARY_FILE)


class _Cache:
    """The on-disk cache of one directory: per-file results and the assembled index."""

    def __init__(self, cache_dir: Path, directory: Path):
        key = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
        self.folder = cache_dir / f"directory-{key}"
        self.files_path = self.folder / "files.pickle"
        self.index_path = self.folder / "index.pickle"

    def _load(self, path: Path, key: str):
        """What ``_store`` stored under ``key``, or None; a different key is read and no more."""
        try:
            with open(path, "rb") as handle:
                if pickle.load(handle) != key:
                    return None
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # a missing or stale cache is simply rebuilt

    def _store(self, path: Path, key: str, value) -> None:
        """Pickles ``key``, then ``value``, straight into the atomically replaced file, without
        holding a national index in memory a second time as one bytes object."""

        def dump(handle) -> None:
            pickle.dump(key, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic_with(path, dump)
        except OSError:
            pass  # a read-only cache folder costs speed, never correctness

    def index(self, signature: str) -> Directory | None:
        return self._load(self.index_path, signature)

    def store_index(self, signature: str, directory: Directory) -> None:
        self._store(self.index_path, signature, directory)

    def files(self, context: str) -> dict[str, _FileRecord]:
        return self._load(self.files_path, context) or {}

    def store_files(self, context: str, records: dict[str, _FileRecord]) -> None:
        self._store(self.files_path, context, records)


def stat_signature(directory: Path | str, today: dt.date | None = None) -> str:
    """Changes whenever a directory file (or the vocabulary) is added, removed or modified."""
    directory = Path(directory)
    return _stat_signature(directory, directory_files(directory), today or dt.date.today())


def _stat_signature(directory: Path, files: list[Path], today: dt.date) -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{today.isoformat()}|{sys.version_info[:2]}".encode())
    vocabulary_file = vocabulary_path(directory)
    for path in [vocabulary_file, *files]:
        stat = path.stat()
        digest.update(f"|{path}|{_stamp(stat)}".encode())
    return digest.hexdigest()


def _stamp(stat: os.stat_result) -> tuple[int, int, int]:
    # The inode too: an atomic rename gives a new one even when size and time tick stay the same.
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _label(directory: Path, path: Path, label_root: str) -> str:
    relative = path.relative_to(directory).as_posix()
    return os.path.join(label_root, relative) if label_root else relative


def _index_files(
    directory: Path, files: list[Path], vocabulary: Vocabulary, today: dt.date, label_root: str, cache: _Cache | None
) -> list[_IndexedFile]:
    """Every file checked and packed for the index, reading only files the cache does not hold."""
    dictionary = entry_dictionary(vocabulary)
    # Packed entries read back only with the same dictionary, and marshalled data only surely in
    # the Python version that wrote it.
    context = (
        f"{CACHE_FORMAT}|{vocabulary.fingerprint}|{hashlib.sha256(dictionary).hexdigest()}|"
        f"{today.isoformat()}|{label_root}|{sys.version_info[:2]}"
    )
    previous = cache.files(context) if cache else {}
    code_column = {code: column for column, code in enumerate(vocabulary.codes)}
    records: dict[str, _FileRecord] = {}
    results = []
    for path in files:
        relative = path.relative_to(directory).as_posix()
        stamp = _stamp(path.stat())
        record = previous.get(relative)
        if record is None or record.stamp != stamp:
            data = _read_file(path)
            digest = hashlib.sha256(data).hexdigest()
            if record is None or record.digest != digest:
                label = _label(directory, path, label_root)
                result = check_file(data, label, vocabulary, today)
                record = _FileRecord(stamp, digest, _indexed(result, label, code_column, dictionary))
            else:
                record = _FileRecord(stamp, digest, record.result)
        records[relative] = record
        results.append(record.result)
    if cache and records != previous:
        cache.store_files(context, records)
    return results


@collector_paused()
def check_directory(
    directory: Path | str, today: dt.date | None = None, label_root: str | None = None
) -> tuple[list[CheckedEntry], Report]:
    """Every entry and every problem in ``directory`` (no cache: this is what `validate` runs)."""
    directory = Path(directory)
    today = today or dt.date.today()
    label_root = str(directory) if label_root is None else label_root
    report = Report()
    if not directory.is_dir():
        report.add(str(directory), 0, "", "", "is not a folder")
        return [], report
    try:
        vocabulary = load_vocabulary(directory)
    except DirectoryError as error:
        return [], error.report
    results = [
        check_file(_read_file(path), _label(directory, path, label_root), vocabulary, today)
        for path in directory_files(directory)
    ]
    return _assemble(results, report)


def _assemble(results: list[FileResult], report: Report) -> tuple[list[CheckedEntry], Report]:
    entries: list[CheckedEntry] = []
    first_seen: dict[str, tuple[str, int]] = {}
    for result in results:
        report.extend(result.problems)
        for checked in result.entries:
            if not _is_duplicate(first_seen, checked.entry["id"], checked.file, checked.line, report):
                entries.append(checked)
    return entries, report


def _report_of(files: list[_IndexedFile]) -> Report:
    """The problems of the indexed files, and every id used twice (as ``_assemble`` reports them)."""
    report = Report()
    first_seen: dict[str, tuple[str, int]] = {}
    for indexed in files:
        report.extend(indexed.problems)
        for entry_id, line in zip(indexed.ids, indexed.lines, strict=True):
            _is_duplicate(first_seen, entry_id, indexed.label, line, report)
    return report


def _is_duplicate(first_seen: dict[str, tuple[str, int]], entry_id: str, file: str, line: int, report: Report) -> bool:
    """Reports ``entry_id`` when an earlier entry has it; otherwise remembers where it is."""
    earlier = first_seen.get(entry_id)
    if earlier is None:
        first_seen[entry_id] = (file, line)
        return False
    report.add(file, line, entry_id, "id", f"duplicate id: '{entry_id}' is already used at {earlier[0]}:{earlier[1]}")
    return True


@collector_paused()
def load_directory(
    directory: Path | str = DEFAULT_DIRECTORY,
    cache_dir: Path | str | None = None,
    use_cache: bool = True,
    today: dt.date | None = None,
) -> Directory:
    """The checked, indexed directory; raises DirectoryError listing every problem."""
    directory = Path(directory)
    today = today or dt.date.today()
    if not directory.is_dir():
        report = Report()
        report.add(str(directory), 0, "", "", "is not a folder")
        raise DirectoryError(report)
    files = directory_files(directory)
    cache = _Cache(Path(cache_dir) if cache_dir else load_settings().cache_folder, directory) if use_cache else None
    signature = _stat_signature(directory, files, today)
    if cache:
        cached = cache.index(signature)
        if cached is not None:
            return cached
    vocabulary = load_vocabulary(directory)
    indexed = _index_files(directory, files, vocabulary, today, str(directory), cache)
    report = _report_of(indexed)
    if not report.ok:
        raise DirectoryError(report)
    loaded = build_directory(directory, vocabulary, indexed, signature)
    if cache:
        cache.store_index(signature, loaded)
    return loaded


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def schedule_of(entry: dict):
    meeting = entry.get("meeting")
    if meeting:
        if meeting.get("attendance") == "inactive":
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


def _indexed(result: FileResult, label: str, code_column: dict[str, int], dictionary: bytes) -> _IndexedFile:
    primed = zlib.compressobj(zlib.Z_BEST_SPEED, zlib.DEFLATED, _DEFLATE_WINDOW_BITS, zdict=dictionary)
    packed, ends = [], []
    offset = 0
    for checked in result.entries:
        compressor = primed.copy()
        data = compressor.compress(marshal.dumps(checked.entry)) + compressor.flush()
        offset += len(data)
        packed.append(data)
        ends.append(offset)
    return _IndexedFile(
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


def build_directory(path: Path, vocabulary: Vocabulary, files: list[_IndexedFile], signature: str) -> Directory:
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
                ("last_verified", entry["last_verified"]),
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
