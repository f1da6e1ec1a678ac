"""What a cold load's worker processes run: code that brings none of the index's heavy imports."""

import atexit
import datetime as dt
import multiprocessing
import subprocess
import sys

from tests.conftest import CLINIC, PROJECT_ROOT, write_directory

import navigator.directory.loader as loader_module
from navigator.directory.filecheck import worker_started
from navigator.directory.loader import load_directory

TODAY = dt.date(2026, 11, 23)


class _RecordingPool:
    """Stands in for the process pool: remembers what its workers would run, then fails as a pool
    that cannot start does (the loader then reads the files itself)."""

    ran: list = []

    def __init__(self, *arguments, initializer=None, **options):
        self.ran.append(initializer)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        return False

    def map(self, function, *iterables, **options):
        self.ran.append(function)
        raise OSError("no processes here")

    submit = map


def test_the_loading_workers_run_code_that_never_imports_pandas(tmp_path, monkeypatch):
    folder = write_directory(
        tmp_path / "d", {f"f{number}.yaml": CLINIC.replace("test-clinic", f"c{number}") for number in range(3)}
    )
    monkeypatch.setattr(loader_module, "POOL_MIN_FILES", 2)
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "2")
    monkeypatch.setattr(loader_module, "ProcessPoolExecutor", _RecordingPool)
    _RecordingPool.ran = []
    assert len(load_directory(folder, use_cache=False, today=TODAY)) == 3  # read here once the pool failed
    modules = sorted({function.__module__ for function in _RecordingPool.ran if function is not None})
    assert modules  # the pool was asked to run something
    # A spawned worker imports the modules of what it runs: before, ``loader`` (and so pandas:
    # 0.3 s of CPU and some 70 MB in each worker of every cold load).
    heavy = "[name for name in ('pandas', 'streamlit') if name in sys.modules]"
    code = f"import sys, {', '.join(modules)}; print({heavy})"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"


def _write_marker(path: str) -> None:
    with open(path, "w") as handle:
        handle.write("finalized")


def _work_then_end(marker_path: str) -> None:
    # Registered first, so run last: after whatever the worker's own end registers.
    atexit.register(_write_marker, marker_path)
    worker_started(b"", True)


def test_a_loading_worker_leaves_without_the_interpreters_finalization(tmp_path):
    # Before: each worker spent 0.4-1 s after its last file collecting and tearing down its
    # modules (the collector paused all load long) while the loader waited for it to exit.
    marker = tmp_path / "finalized"
    worker = multiprocessing.get_context("spawn").Process(target=_work_then_end, args=(str(marker),))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    assert not marker.exists()


def test_a_file_packs_to_the_same_bytes_whatever_the_check_remembered_before_it(monkeypatch):
    # The check remembers dates, code lists and implied codes that entries share; an entry whose
    # text a cache held packed differently (marshal marks a string something else holds), so a
    # file read by a loading worker and by the loading process gave different bytes.
    import navigator.directory.implied as implied
    import navigator.directory.schemafast as schemafast
    from navigator.directory.filecheck import check_file
    from navigator.directory.segment import entry_dictionary, index_file
    from navigator.directory.vocabulary import load_vocabulary

    folder = PROJECT_ROOT / "directory"
    vocabulary = load_vocabulary(folder)
    dictionary = entry_dictionary(vocabulary)
    path = folder / "denver" / "moud.yaml"
    today = dt.date(2026, 12, 1)

    def packed():
        result = check_file(path.read_bytes(), path.name, vocabulary, today, fast=True)
        assert not result.problems
        return index_file(result, path.name, vocabulary, dictionary).packed

    # Forgotten, so that the first read remembers afresh (and this process keeps its own).
    monkeypatch.setattr(schemafast, "_DAYS_FOR", [None, set()])
    monkeypatch.setattr(schemafast, "_CODE_LISTS", [None, {}])
    monkeypatch.setattr(implied, "_IMPLIED_FOR", [None, {}])
    assert packed() == packed()
