"""Loading the YAML directory into a checked ``Directory`` index, with its on-disk caches.

Every file is composed strictly (see ``yamlread``), each entry is checked against the schema, and
every problem is collected into one report. The result of each file is cached on disk keyed on
its contents (SHA-256), and the whole index is cached keyed on the files' sizes and modification
times, so an unchanged directory loads without reading a single YAML file and a change to one
file re-reads only that file. ``index`` holds the index itself and how it is built.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import SequenceNode

from navigator.directory.index import (
    CheckedEntry,
    Directory,
    FileResult,
    IndexedFile,
    build_directory,
    entry_dictionary,
    index_file,
)
from navigator.directory.problems import DirectoryError, Problem, Report
from navigator.directory.schema import check_entry
from navigator.directory.vocabulary import VOCABULARY_FILE, Vocabulary, load_vocabulary, vocabulary_path
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose, line_of, path_of
from navigator.files import write_atomic_with
from navigator.settings import DEFAULT_DIRECTORY, load_settings

CACHE_FORMAT = 7  # bump when the cached structures change shape or module


def _read_file(path: Path) -> bytes:
    """The one place directory files are read (tests count calls to prove the cache works)."""
    return path.read_bytes()


@dataclass
class _FileRecord:
    stamp: tuple[int, int, int]  # size, modification time, inode: a rename or an edit changes one
    digest: str
    result: IndexedFile


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
    # No date in it: a checked file stays valid as days pass (see _index_files), so midnight
    # does not re-read the directory (88 s at 100,000 entries when the date was part of the key).
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{sys.version_info[:2]}".encode())
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
) -> list[IndexedFile]:
    """Every file checked and packed for the index, reading only files the cache does not hold."""
    dictionary = entry_dictionary(vocabulary)
    # Packed entries read back only with the same dictionary, and marshalled data only surely in
    # the Python version that wrote it.
    context = (
        f"{CACHE_FORMAT}|{vocabulary.fingerprint}|{hashlib.sha256(dictionary).hexdigest()}|"
        f"{label_root}|{sys.version_info[:2]}"
    )
    previous = cache.files(context) if cache else {}
    code_column = {code: column for column, code in enumerate(vocabulary.codes)}
    records: dict[str, _FileRecord] = {}
    results = []
    for path in files:
        relative = path.relative_to(directory).as_posix()
        stamp = _stamp(path.stat())
        record = previous.get(relative)
        if record is None or record.stamp != stamp or record.result.problems:
            data = _read_file(path)
            digest = hashlib.sha256(data).hexdigest()
            # The only rule that depends on the date refuses dates in the future, and as days pass
            # a date only leaves the future: a file that passed stays passed, and only a file
            # with problems is checked again on another day.
            if record is None or record.digest != digest or record.result.problems:
                label = _label(directory, path, label_root)
                result = check_file(data, label, vocabulary, today)
                record = _FileRecord(stamp, digest, index_file(result, label, code_column, dictionary))
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


def _report_of(files: list[IndexedFile]) -> Report:
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
    # Problems name files relative to the directory: the app shows them, and a server's own
    # paths are nobody's business.
    indexed = _index_files(directory, files, vocabulary, today, "", cache)
    report = _report_of(indexed)
    if not report.ok:
        raise DirectoryError(report)
    loaded = build_directory(directory, vocabulary, indexed, signature)
    if cache:
        cache.store_index(signature, loaded)
    return loaded
