"""What a cold load's worker processes run: code that brings none of the index's heavy imports."""

import atexit
import datetime as dt
import multiprocessing
import subprocess
import sys

from tests.conftest import CLINIC, write_directory

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
