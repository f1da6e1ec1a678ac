"""Loading the YAML directory into a checked ``Directory`` index, with its on-disk caches, and
reloading it after some files changed.

Every file is composed strictly (see ``yamlread``), each entry is checked against the schema, and
every problem is collected into one report. The result of each file is cached on disk keyed on
its contents (SHA-256), and the whole index is cached keyed on the files' sizes and modification
times, so an unchanged directory loads without reading a single YAML file and a change to one
file re-reads only that file. A cold load of many files reads them in worker processes, one per
CPU, where plainly valid files go through rapidyaml (``yamlfast``) and the rest through the
strict reader. ``reload_directory`` turns a loaded index into the current one by replacing only
the changed files' rows (``index.replace_files``). ``index`` holds the index itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import pickle
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from navigator.directory.cache import DirectoryCache, store_nothing
from navigator.directory.filecheck import check_file, read_and_index, worker_started
from navigator.directory.heap import freed_memory_returned, return_freed
from navigator.directory.index import (
    Assembly,
    CheckedEntry,
    Directory,
    FileResult,
    IndexedFile,
    entry_dictionary,
    index_file,
    replace_files,
)
from navigator.directory.problems import DirectoryError, Report
from navigator.directory.segment import text_in_arrow
from navigator.directory.vocabulary import VOCABULARY_FILE, Vocabulary, load_vocabulary, vocabulary_path
from navigator.search import places
from navigator.settings import DEFAULT_DIRECTORY, load_settings

CACHE_FORMAT = 14  # bump when the cached structures change shape or module
# Below this many files to read, starting worker processes (about a second) costs more than it saves.
POOL_MIN_FILES = 40


def _read_file(path: Path) -> bytes:
    """The one place directory files are read (tests count calls to prove the cache works)."""
    return path.read_bytes()


@dataclass
class _FileRecord:
    stamp: tuple[int, int, int]  # size, modification time, inode: a rename or an edit changes one
    digest: str
    result: IndexedFile


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
    return [Path(full) for _, full in _entry_files(directory)]


def _entry_files(directory: Path) -> list[tuple[str, str]]:
    """``directory_files`` as (path relative to ``directory``, full path) strings, in the same order.

    Strings, not ``Path`` objects: every page run and every reload lists the directory, and at
    national scale (a thousand files) making and comparing paths cost more than the listing."""
    root = str(directory)
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        prefix = "" if folder == root else os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        full = os.path.join(folder, "")
        found += [
            (prefix + name, full + name)
            for name in names
            if name.endswith((".yaml", ".yml")) and not name.startswith(".") and prefix + name != VOCABULARY_FILE
        ]
    # As paths sort, folder by folder: "/" read as a character below any a name can have.
    found.sort(key=lambda names: names[0].replace("/", "\0"))
    return found


def stat_signature(directory: Path | str) -> str:
    """Changes whenever a directory file (or the vocabulary) is added, removed or modified."""
    directory = Path(directory)
    listing = _entry_files(directory)
    return _signature_of(directory, listing, _stamps_of(listing))


def _stamps_of(listing: list[tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    """Each listed file's stamp, by its path relative to the directory (one stat a file)."""
    return {relative: _stamp(os.stat(full)) for relative, full in listing}


def _signature_of(directory: Path, listing: list[tuple[str, str]], stamps: dict[str, tuple]) -> str:
    """The signature of the directory whose files (``_entry_files``) have these stamps."""
    # No date in it: a checked file stays valid as days pass (see _index_files), so midnight
    # does not re-read the directory (88 s at 100,000 entries when the date was part of the key).
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{sys.version_info[:2]}".encode())
    vocabulary_file, vocabulary_stamp = _vocabulary_stamp(directory)
    digest.update(f"|{vocabulary_file}|{vocabulary_stamp}".encode())
    # Each stamp written as its tuple prints, without printing a tuple (a third of the time at 10,000 files).
    stamped = [(full, *stamps[relative]) for relative, full in listing]
    digest.update("".join([f"|{full}|({size}, {time}, {inode})" for full, size, time, inode in stamped]).encode())
    return digest.hexdigest()


def _vocabulary_stamp(directory: Path) -> tuple[str, tuple[int, int, int]]:
    path = vocabulary_path(directory)
    return str(path), _stamp(path.stat())


def _stamp(stat: os.stat_result) -> tuple[int, int, int]:
    # The inode too: an atomic rename gives a new one even when size and time tick stay the same.
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _overlay_key(overrides: Mapping[str, bytes]) -> str:
    """What the signature of a directory loaded with ``overrides`` adds to the files' stat signature."""
    if not overrides:
        return ""
    texts = hashlib.sha256()
    for name in sorted(overrides):
        texts.update(f"{name}\0{len(overrides[name])}\0".encode() + overrides[name])
    return "|overlay:" + texts.hexdigest()


def _override_stamp(data: bytes) -> tuple:
    # Never equal to a file's stamp (three integers): a file whose text came from an override is
    # compared by content the next time it is read from disk.
    return ("overlay", hashlib.sha256(data).hexdigest())


def _with_override_files(
    directory: Path, listing: list[tuple[str, str]], overrides: Mapping[str, bytes]
) -> list[tuple[str, str]]:
    """The directory's files (``_entry_files``), and the overridden ones not on disk yet (a new
    listing's new file)."""
    if not overrides:
        return listing
    on_disk = {full for _, full in listing}
    added = sorted(directory / name for name in overrides if str(directory / name) not in on_disk)
    return listing + [(path.relative_to(directory).as_posix(), str(path)) for path in added]


def _label(directory: Path, path: Path, label_root: str) -> str:
    relative = path.relative_to(directory).as_posix()
    return os.path.join(label_root, relative) if label_root else relative


def _index_files(
    directory: Path,
    files: list[Path],
    vocabulary: Vocabulary,
    today: dt.date,
    label_root: str,
    cache: DirectoryCache | None,
    assembly: Assembly,
    overrides: Mapping[str, bytes] | None = None,
) -> dict[str, _FileRecord]:
    """Every file checked and indexed (by its path relative to ``directory``), reading only files
    the cache does not hold; an overridden file's text is the override's.

    Each file's ``IndexedFile`` goes to ``assembly`` and to the per-file cache, in the order of
    ``files``, as soon as it is there (read by a worker as the others still read): a national
    load never holds every file's pieces at once (a million entries' took 1.44 GB, and pickling
    them all for the cache in one go 0.34 GB more). The records returned hold the files as the
    index keeps them, without their segments."""
    overrides = overrides or {}
    dictionary = entry_dictionary(vocabulary)
    # Packed entries read back only with the same dictionary, and marshalled data only surely in
    # the Python version that wrote it.
    context = (
        f"{CACHE_FORMAT}|{vocabulary.fingerprint}|{hashlib.sha256(dictionary).hexdigest()}|"
        f"{label_root}|{sys.version_info[:2]}"
    )
    previous = {relative: _FileRecord(*stored) for relative, stored in cache.files(context).items()} if cache else {}
    # Per file: its record when it is at hand, else what reading it needs.
    planned: list = []
    to_read: list[Path] = []
    changed = False
    for path in files:
        relative = path.relative_to(directory).as_posix()
        record = previous.pop(relative, None)
        if relative in overrides:
            made = _override_record(directory, path, overrides[relative], record, vocabulary, today, dictionary)
            changed = changed or made is not record
            planned.append((relative, made, None))
            continue
        stamp = _stamp(path.stat())
        # The only rule that depends on the date refuses dates in the future, and as days pass
        # a date only leaves the future: a file that passed stays passed, and only a file with
        # problems is checked again (on another day it may pass).
        if record is not None and record.stamp == stamp and not record.result.problems:
            planned.append((relative, record, None))
        else:
            planned.append((relative, None, (path, stamp, record)))
            to_read.append(path)
    changed = changed or bool(to_read) or bool(previous)  # a file read, or one gone
    del previous
    read = _read_in_workers(directory, to_read, today, label_root, dictionary)
    records: dict[str, _FileRecord] = {}
    unwritten = contextlib.nullcontext(store_nothing)  # the cache as it is, or none
    try:
        with cache.writing_files(context) if cache and changed else unwritten as store:
            for position, (relative, record, job) in enumerate(planned):
                planned[position] = None  # the file's pieces go once the assembly has folded them
                pickled = None
                if record is None:
                    path, stamp, old = job
                    worker_read = next(read, None) if read is not None else None
                    if worker_read is None:  # no workers, or they stopped: read here
                        record = _read_record(directory, path, stamp, old, vocabulary, today, label_root, dictionary)
                    else:
                        digest, pickled = worker_read
                        record = _FileRecord(stamp, digest, pickle.loads(pickled))
                store(relative, record.stamp, record.digest, record.result, pickled)
                del pickled
                records[relative] = _FileRecord(record.stamp, record.digest, assembly.add(record.result))
    finally:
        if read is not None:
            read.close()  # the workers leave now, also when the load stopped part-way
    return records


def _override_record(directory, path, data: bytes, record, vocabulary, today, dictionary) -> _FileRecord:
    """``path`` with the text ``data`` in place of what is on disk, checked and indexed (unless
    ``record`` holds those very bytes already)."""
    stamp = _override_stamp(data)
    if record is not None and record.stamp == stamp and not record.result.problems:
        return record
    label = _label(directory, path, "")
    return _FileRecord(
        stamp, stamp[1], index_file(check_file(data, label, vocabulary, today), label, vocabulary, dictionary)
    )


def _read_record(directory, path, stamp, record, vocabulary, today, label_root, dictionary) -> _FileRecord:
    """``path`` read (through ``_read_file``), checked and indexed, unless its bytes are those of ``record``."""
    data = _read_file(path)
    digest = hashlib.sha256(data).hexdigest()
    if record is not None and record.digest == digest and not record.result.problems:
        return _FileRecord(stamp, digest, record.result)
    label = _label(directory, path, label_root)
    return _FileRecord(
        stamp, digest, index_file(check_file(data, label, vocabulary, today), label, vocabulary, dictionary)
    )


def _read_in_workers(
    directory: Path, paths: list[Path], today: dt.date, label_root: str, dictionary: bytes
) -> Iterator[tuple[str, bytes]] | None:
    """Each file's digest and pickled ``IndexedFile``, read by worker processes, in order and each as it
    arrives; None where that is not worth it (few files, one CPU). Where the workers cannot go
    on, the results end early and the caller reads the rest itself."""
    workers = workers_for(len(paths))
    if workers < 2:
        return None
    jobs = [(str(directory), str(path), _label(directory, path, label_root), today) for path in paths]
    return _worker_results(workers, jobs, dictionary)


def _worker_results(workers: int, jobs: list[tuple], dictionary: bytes) -> Iterator[tuple[str, bytes]]:
    # Spawned, never forked: the app's server has threads. Spawning imports the main module
    # again, so a script that loads at import time needs the usual ``if __name__ == "__main__"``.
    context = multiprocessing.get_context("spawn")
    try:
        # The workers pack entries with this process's dictionary: only it unpacks them here.
        pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=worker_started,
            initargs=(dictionary, text_in_arrow(), places.pickled_zip_index()),
        )
    except (OSError, RuntimeError):
        return
    with pool:
        try:
            yield from pool.map(read_and_index, jobs, chunksize=max(1, min(16, len(jobs) // (workers * 8))))
        except (BrokenProcessPool, OSError, RuntimeError):
            return
        except GeneratorExit:  # the load stopped taking results: the files not begun are not read
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def workers_for(files_to_read: int) -> int:
    """How many worker processes a load that must read this many files uses (1: none)."""
    if files_to_read < POOL_MIN_FILES:
        return 1
    configured = load_settings().load_workers
    return configured if configured is not None else (os.cpu_count() or 1)


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
    ids = [entry_id for indexed in files for entry_id in indexed.ids]
    if len(set(ids)) == len(ids):  # no id twice (nearly always): only the files' own problems
        for indexed in files:
            report.extend(indexed.problems)
        return report
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
    overrides: Mapping[str, bytes] | None = None,
) -> Directory:
    """The checked, indexed directory; raises DirectoryError listing every problem.

    ``overrides`` maps files (by path relative to the directory) to the text to load in place of
    what is on disk, which may be a file not on disk yet: the directory with changes approved in
    the database but not yet published (``overlay``). Only those files are checked again."""
    overrides = dict(overrides or {})
    directory = Path(directory)
    today = today or dt.date.today()
    if not directory.is_dir():
        report = Report()
        report.add(str(directory), 0, "", "", "is not a folder")
        raise DirectoryError(report)
    listing = _entry_files(directory)
    cache_folder = Path(cache_dir) if cache_dir else load_settings().cache_folder
    cache = DirectoryCache(cache_folder, directory) if use_cache else None
    signature = _signature_of(directory, listing, _stamps_of(listing)) + _overlay_key(overrides)
    vocabulary_stamp = _vocabulary_stamp(directory)  # before it is read: a change meanwhile shows next time
    if cache:
        cached = cache.index(signature)
        if cached is not None:
            return cached
    # Only now: a warm load has no use for a Path per file.
    files = [Path(full) for _, full in _with_override_files(directory, listing, overrides)]
    vocabulary = load_vocabulary(directory)
    with freed_memory_returned():  # the files' pieces, once freed, leave the process
        # Problems name files relative to the directory: the app shows them, and a server's own
        # paths are nobody's business.
        assembly = Assembly(vocabulary)
        records = _index_files(directory, files, vocabulary, today, "", cache, assembly, overrides)
        return_freed()  # what the last pieces and the per-file cache's pickling held
        report = _report_of(assembly.files)
        if not report.ok:
            raise DirectoryError(report)
        loaded = _with_reload_state(assembly.directory(directory, signature), records, today, vocabulary_stamp)
        del records, assembly  # the folded columns' pieces, before the index is pickled
        return_freed()
        if cache:
            cache.store_index(signature, loaded)
    return loaded


def _with_reload_state(
    loaded: Directory, records: dict[str, _FileRecord], today: dt.date, vocabulary_stamp: tuple
) -> Directory:
    """What ``reload_directory`` compares with: each file's stamp and digest, the vocabulary's
    stamp, and the day checked."""
    stamps = {relative: (record.stamp, record.digest) for relative, record in records.items()}
    return dataclasses.replace(loaded, file_stamps=stamps, checked_on=today, vocabulary_stamp=vocabulary_stamp)


@collector_paused()
def reload_directory(
    previous: Directory, today: dt.date | None = None, overrides: Mapping[str, bytes] | None = None
) -> Directory:
    """The directory now, from ``previous`` (a loaded one, left as it was): only files whose
    stamp changed are read, only those whose bytes changed are checked, and only their rows of
    the index are replaced (``index.replace_files``); a new or removed file the same way.
    Raises DirectoryError listing every problem, as ``load_directory`` does.

    Each file is stat-ed once, and nothing is done per unchanged file but comparing its stamp.
    The caches on disk are left as they are: a later cold start reads the changed files again.
    A changed vocabulary loads afresh. ``overrides`` as for ``load_directory``: a file whose
    override changed (or appeared, or went) is one of the changed files."""
    overrides = dict(overrides or {})
    directory = previous.path
    today = today or dt.date.today()
    if not directory.is_dir():
        return load_directory(directory, today=today, overrides=overrides)  # which says so
    listing = _entry_files(directory)
    stamps = _stamps_of(listing)
    signature = _signature_of(directory, listing, stamps) + _overlay_key(overrides)
    if signature == previous.signature:
        return previous
    vocabulary_stamp = _vocabulary_stamp(directory)
    if not previous.file_stamps or (
        vocabulary_stamp != previous.vocabulary_stamp
        and load_vocabulary(directory).fingerprint != previous.vocabulary.fingerprint
    ):
        return load_directory(directory, today=today, overrides=overrides)
    listing = _with_override_files(directory, listing, overrides)
    vocabulary = previous.vocabulary
    dictionary = previous.entries.dictionary  # what its entries were packed with
    by_label = {indexed.label: indexed for indexed in previous.files}  # labels are relative paths
    known = previous.file_stamps
    # Per unchanged file, only its stamp compared and its indexed file kept; a record is made only
    # for a file read again (a pass of a few Python objects per file took a reload at 10,000 files
    # tens of milliseconds).
    records: dict[str, _FileRecord] = {}
    indexed = []
    for relative, full in listing:
        old, stamp_and_digest = by_label.get(relative), known.get(relative)
        unchanged = stamp_and_digest is not None and stamp_and_digest[0] == stamps.get(relative)
        if unchanged and old is not None and relative not in overrides:
            indexed.append(old)
            continue
        record = _FileRecord(*stamp_and_digest, old) if old is not None and stamp_and_digest is not None else None
        if relative in overrides:
            data = overrides[relative]
            record = _override_record(directory, Path(full), data, record, vocabulary, today, dictionary)
        else:
            record = _read_record(directory, Path(full), stamps[relative], record, vocabulary, today, "", dictionary)
        records[relative] = record
        indexed.append(record.result)
    new_files = [record.result for relative, record in records.items() if record.result is not by_label.get(relative)]
    gone_files = [
        by_label[relative]
        for relative, record in records.items()
        if record.result is not by_label.get(relative, record.result)
    ]
    gone_files += [old for label, old in by_label.items() if label not in stamps and label not in overrides]  # removed
    if not _only_new_files_are_fine(previous, new_files, gone_files):
        report = _report_of(indexed)  # the whole report, as a fresh load gives it
        if not report.ok:
            raise DirectoryError(report)
    file_stamps = {
        relative: (records[relative].stamp, records[relative].digest) if relative in records else known[relative]
        for relative, _ in listing
    }
    return dataclasses.replace(
        replace_files(previous, indexed, signature),
        file_stamps=file_stamps,
        checked_on=today,
        vocabulary_stamp=vocabulary_stamp,
    )


def _only_new_files_are_fine(previous: Directory, new_files: list[IndexedFile], gone_files: list[IndexedFile]) -> bool:
    """Whether ``new_files`` (the files new since ``previous``, a valid index, whose files
    ``gone_files`` are no longer there) have no problems and no id used elsewhere: then the whole
    directory is valid, found by looking at those files alone."""
    if any(file.problems for file in new_files):
        return False
    gone = {entry_id for old in gone_files for entry_id in old.ids}
    seen: set[str] = set()
    for file in new_files:
        for entry_id in file.ids:
            if entry_id in seen or (entry_id in previous.id_rows and entry_id not in gone):
                return False
            seen.add(entry_id)
    return True
