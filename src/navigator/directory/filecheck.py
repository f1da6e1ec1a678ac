"""One directory file checked (``check_file``), and what a cold load's worker processes run on
each file they are given (``read_and_index``).

Apart from ``loader`` so that a worker process imports only what reading, checking and indexing
a file needs: importing ``loader`` brought pandas (through ``index``), 0.3 s of CPU and some
70 MB in each worker of every cold load, for nothing a worker does.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import hashlib
import os
import pickle
from pathlib import Path

from yaml.nodes import SequenceNode

from navigator.directory import yamlfast
from navigator.directory.problems import Problem
from navigator.directory.schema import check_entry
from navigator.directory.segment import CheckedEntry, FileResult, index_file
from navigator.directory.vocabulary import Vocabulary, load_vocabulary
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose, line_of, path_of
from navigator.search import places


def field_name(path: tuple) -> str:
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else step)
    return name


def check_file(data: bytes, label: str, vocabulary: Vocabulary, today: dt.date, fast: bool = False) -> FileResult:
    """Every entry of one directory file, checked; ``label`` names the file in problems.

    ``fast``: try ``yamlfast`` first (only where rapidyaml's messages on standard error go
    nowhere); a file it declines, or with any problem, is read again by the strict reader, so
    the result is the same either way.
    """
    if fast:
        read = yamlfast.read_entries(data)
        if read is not None:
            entries = []
            for entry, line in read:
                entry_problems, implied = check_entry(entry, vocabulary, today)
                if entry_problems or implied is None:
                    break  # the strict reader finds each problem's line
                entries.append(CheckedEntry(entry, implied, label, line))
            else:
                return FileResult(tuple(entries), ())
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


def worker_started(dictionary: bytes, arrow: bool, zip_index: bytes | None = None) -> None:
    """A loading worker: its standard error goes nowhere (rapidyaml prints every parse error it
    meets there, and such a file is read again by the strict reader, which reports it), its
    collector is paused as the loader's own is, and it takes its parent's ZIP index when the
    parent has one (reading the zipcodes package took each worker 0.8 s of CPU). ``arrow``:
    whether the parent's pandas keeps text in Arrow (asked there: a worker never imports pandas)."""
    if zip_index is not None:
        places.adopt_zip_index(zip_index)
    with contextlib.suppress(OSError):
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    gc.disable()
    # At its end a worker leaves at once: the interpreter's own finalization (a full collection
    # of what a paused collector let pile up, every module torn down) kept each worker alive
    # 0.4-1 s after its last file while the loader waited for it. Nothing of a worker outlives
    # it: its results were sent, its standard error goes nowhere and it writes nothing else.
    atexit.register(os._exit, 0)
    _WORKER_SETTINGS[:] = [(dictionary, arrow)]


_WORKER_VOCABULARIES: dict[str, Vocabulary] = {}
_WORKER_SETTINGS: list[tuple[bytes, bool]] = []


def read_and_index(job: tuple[str, str, str, dt.date]) -> tuple[str, bytes]:
    """In a worker: one file's digest and ``IndexedFile``, from (directory, path, label, today).

    The ``IndexedFile`` goes pickled: the loading process writes these very bytes to its per-file
    cache and unpickles them once, instead of pickling each result again (0.85 s of its CPU at
    100,000 entries, on the cores the workers run on). Sent as bytes, it is only copied."""
    directory, path, label, today = job
    if directory not in _WORKER_VOCABULARIES:
        _WORKER_VOCABULARIES[directory] = load_vocabulary(Path(directory))
    vocabulary = _WORKER_VOCABULARIES[directory]
    dictionary, arrow = _WORKER_SETTINGS[-1]
    data = Path(path).read_bytes()
    result = check_file(data, label, vocabulary, today, fast=True)
    indexed = index_file(result, label, vocabulary, dictionary, arrow)
    return hashlib.sha256(data).hexdigest(), pickle.dumps(indexed, protocol=pickle.HIGHEST_PROTOCOL)
