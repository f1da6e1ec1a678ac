"""Loading the YAML directory into a checked, searchable in-memory index.

Every file is composed strictly (see ``yamlread``), each entry is checked against the schema, and
every problem is collected into one report. The result of each file is cached on disk keyed on
its contents (SHA-256), and the whole index is cached keyed on the files' sizes and modification
times, so an unchanged directory loads without reading a single YAML file and a change to one
file re-reads only that file.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from yaml.nodes import SequenceNode

from navigator.atomicfile import write_bytes_atomic
from navigator.problems import DirectoryError, Problem, Report
from navigator.schedule import ScheduleTable, parse_hours, parse_meeting_times
from navigator.schema import Implied, check_entry
from navigator.vocabulary import VOCABULARY_FILE, Vocabulary, load_vocabulary, vocabulary_path
from navigator.yamlread import NodeConverter, YamlSyntaxError, compose, line_of, path_of

CACHE_FORMAT = 1  # bump when the cached structures change shape
DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "directory"


def default_cache_dir() -> Path:
    configured = os.environ.get("NAVIGATOR_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "recovery-navigator"


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


@dataclass
class _FileRecord:
    size: int
    mtime_ns: int
    digest: str
    result: FileResult


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
        return FileResult((), (Problem(label, root.start_mark.line + 1, "", "",
                                       "a directory file must be a YAML list of entries (each starting with `- id:`)"),))
    converter = NodeConverter()
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
def _collector_paused():
    """Pauses Python's cyclic garbage collector while a load builds millions of small objects.

    Each collection walks every container built so far, so with it running a load spent most of
    its time collecting (three times the parsing itself at 10,000 entries). What a load drops is
    freed by reference counting; any cycle waits for the next collection after the load.
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
        found.extend(Path(folder, name) for name in names
                     if name.endswith((".yaml", ".yml")) and not name.startswith("."))
    return sorted(path for path in found if path.relative_to(directory).as_posix() != VOCABULARY_FILE)


class _Cache:
    """The on-disk cache of one directory: per-file results and the assembled index."""

    def __init__(self, cache_dir: Path, directory: Path):
        key = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
        self.folder = cache_dir / f"directory-{key}"
        self.files_path = self.folder / "files.pickle"
        self.index_path = self.folder / "index.pickle"

    def _load(self, path: Path):
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # a missing or stale cache is simply rebuilt

    def _store(self, path: Path, value) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only cache folder costs speed, never correctness

    def index(self, signature: str):
        stored = self._load(self.index_path)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == signature:
            return stored[1]
        return None

    def store_index(self, signature: str, directory: Directory) -> None:
        self._store(self.index_path, (signature, directory))

    def files(self, context: str) -> dict[str, _FileRecord]:
        stored = self._load(self.files_path)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == context:
            return stored[1]
        return {}

    def store_files(self, context: str, records: dict[str, _FileRecord]) -> None:
        self._store(self.files_path, (context, records))


def stat_signature(directory: Path | str, today: dt.date | None = None) -> str:
    """Changes whenever a directory file (or the vocabulary) is added, removed or modified."""
    directory = Path(directory)
    return _stat_signature(directory, directory_files(directory), today or dt.date.today())


def _stat_signature(directory: Path, files: list[Path], today: dt.date) -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{today.isoformat()}|{sys.version_info[:2]}".encode())
    vocabulary_file = vocabulary_path(directory)
    for path in [vocabulary_file, *files]:
        stat = path.stat()
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _check_files(directory: Path, files: list[Path], vocabulary: Vocabulary, today: dt.date,
                 label_root: str, cache: _Cache | None) -> list[FileResult]:
    context = f"{CACHE_FORMAT}|{vocabulary.fingerprint}|{today.isoformat()}|{label_root}"
    previous = cache.files(context) if cache else {}
    records: dict[str, _FileRecord] = {}
    results = []
    for path in files:
        relative = path.relative_to(directory).as_posix()
        stat = path.stat()
        record = previous.get(relative)
        if record is None or (record.size, record.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
            data = _read_file(path)
            digest = hashlib.sha256(data).hexdigest()
            if record is None or record.digest != digest:
                label = os.path.join(label_root, relative) if label_root else relative
                record = _FileRecord(stat.st_size, stat.st_mtime_ns, digest,
                                     check_file(data, label, vocabulary, today))
            else:
                record = _FileRecord(stat.st_size, stat.st_mtime_ns, digest, record.result)
        records[relative] = record
        results.append(record.result)
    if cache and records != previous:
        cache.store_files(context, records)
    return results


@_collector_paused()
def check_directory(directory: Path | str, today: dt.date | None = None,
                    label_root: str | None = None) -> tuple[list[CheckedEntry], Report]:
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
    results = _check_files(directory, directory_files(directory), vocabulary, today, label_root, None)
    return _assemble(results, report)


def _assemble(results: list[FileResult], report: Report) -> tuple[list[CheckedEntry], Report]:
    entries: list[CheckedEntry] = []
    first_seen: dict[str, CheckedEntry] = {}
    for result in results:
        report.extend(result.problems)
        for checked in result.entries:
            entry_id = checked.entry["id"]
            earlier = first_seen.get(entry_id)
            if earlier is not None:
                report.add(checked.file, checked.line, entry_id, "id",
                           f"duplicate id: '{entry_id}' is already used at {earlier.file}:{earlier.line}")
                continue
            first_seen[entry_id] = checked
            entries.append(checked)
    return entries, report


@_collector_paused()
def load_directory(directory: Path | str = DEFAULT_DIRECTORY, cache_dir: Path | str | None = None,
                   use_cache: bool = True, today: dt.date | None = None) -> Directory:
    """The checked, indexed directory; raises DirectoryError listing every problem."""
    directory = Path(directory)
    today = today or dt.date.today()
    if not directory.is_dir():
        report = Report()
        report.add(str(directory), 0, "", "", "is not a folder")
        raise DirectoryError(report)
    files = directory_files(directory)
    cache = _Cache(Path(cache_dir) if cache_dir else default_cache_dir(), directory) if use_cache else None
    signature = _stat_signature(directory, files, today)
    if cache:
        cached = cache.index(signature)
        if cached is not None:
            return cached
    vocabulary = load_vocabulary(directory)
    results = _check_files(directory, files, vocabulary, today, str(directory), cache)
    entries, report = _assemble(results, Report())
    if not report.ok:
        raise DirectoryError(report)
    loaded = build_directory(directory, vocabulary, entries, signature)
    if cache:
        cache.store_index(signature, loaded)
    return loaded


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _schedule_of(entry: dict):
    meeting = entry.get("meeting")
    if meeting:
        if meeting.get("attendance") == "inactive":
            return None
        return parse_meeting_times(meeting["times"])
    hours = entry.get("hours")
    return parse_hours(hours) if hours else None


@dataclass(frozen=True)
class Directory:
    """The loaded directory. Shared between users through caches: treat it as read-only."""

    path: Path
    vocabulary: Vocabulary
    entries: tuple[dict, ...]
    frame: pd.DataFrame
    codes: tuple[str, ...]
    code_matrix: np.ndarray
    schedules: ScheduleTable
    language_rows: dict = field(repr=False)  # ISO 639-1 code -> rows (no languages listed: English)
    area_rows: dict = field(repr=False)  # state code or "national" -> rows of remote services
    id_rows: dict = field(repr=False)
    signature: str = ""

    def __len__(self) -> int:
        return len(self.entries)

    def row_of(self, entry_id: str) -> int | None:
        return self.id_rows.get(entry_id)

    def entry(self, entry_id: str) -> dict | None:
        """A private copy of one entry, safe to change."""
        row = self.row_of(entry_id)
        return copy.deepcopy(self.entries[row]) if row is not None else None


def build_directory(path: Path, vocabulary: Vocabulary, checked: list[CheckedEntry], signature: str) -> Directory:
    codes = vocabulary.codes
    code_column = {code: column for column, code in enumerate(codes)}
    size = len(checked)
    matrix = np.zeros((size, len(codes)), dtype=bool)
    columns: dict[str, list] = {name: [] for name in (
        "id", "name", "organization", "category", "status", "sample", "lat", "lon", "approximate",
        "remote", "state", "city", "zip", "address", "timezone", "last_verified", "phone", "website",
        "text", "file", "line")}
    language_rows: dict[str, list[int]] = {}
    area_rows: dict[str, list[int]] = {}
    schedule_rows = []
    for row, item in enumerate(checked):
        entry, implied = item.entry, item.implied
        location = entry.get("location") or {}
        phones = entry.get("phones") or ()
        columns["id"].append(entry["id"])
        columns["name"].append(entry["name"])
        columns["organization"].append(entry["organization"])
        columns["category"].append(entry["category"])
        inactive_meeting = (entry.get("meeting") or {}).get("attendance") == "inactive"
        columns["status"].append("inactive" if inactive_meeting else entry.get("status") or "active")
        columns["sample"].append(bool(entry.get("sample")))
        columns["lat"].append(np.nan if implied.latitude is None else float(implied.latitude))
        columns["lon"].append(np.nan if implied.longitude is None else float(implied.longitude))
        columns["approximate"].append(implied.approximate)
        columns["remote"].append(implied.remote)
        columns["state"].append(location.get("state"))
        columns["city"].append(location.get("city"))
        columns["zip"].append(location.get("zip"))
        columns["address"].append(location.get("address"))
        columns["timezone"].append(implied.timezone)
        columns["last_verified"].append(entry["last_verified"])
        columns["phone"].append(phones[0]["number"] if phones else None)
        columns["website"].append(entry.get("website"))
        columns["text"].append(" ".join(
            (entry["name"], entry["organization"], entry.get("description") or "")).casefold())
        columns["file"].append(item.file)
        columns["line"].append(item.line)
        for code in implied.codes:
            matrix[row, code_column[code]] = True
        for language in entry.get("languages") or ("en",):
            language_rows.setdefault(language, []).append(row)
        for area in entry.get("service_area") or ():
            area_rows.setdefault(area, []).append(row)
        schedule = _schedule_of(entry)
        if schedule is not None:
            # Only "24/7" can lack a zone (the schema asks for one otherwise); any zone fits it.
            schedule_rows.append((row, implied.timezone or "UTC", schedule))
    frame = pd.DataFrame(columns)
    frame["last_verified"] = pd.to_datetime(frame["last_verified"])
    return Directory(
        path=path,
        vocabulary=vocabulary,
        entries=tuple(item.entry for item in checked),
        frame=frame,
        codes=codes,
        code_matrix=_readonly(matrix),
        schedules=ScheduleTable.build(schedule_rows, size),
        language_rows={key: _readonly(np.array(rows, dtype=np.int64)) for key, rows in language_rows.items()},
        area_rows={key: _readonly(np.array(rows, dtype=np.int64)) for key, rows in area_rows.items()},
        id_rows={entry_id: row for row, entry_id in enumerate(columns["id"])},
        signature=signature,
    )
