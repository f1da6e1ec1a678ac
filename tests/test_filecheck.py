"""What a cold load's worker processes run: code that brings none of the index's heavy imports."""

import datetime as dt
import subprocess
import sys

from tests.conftest import CLINIC, write_directory

import navigator.directory.loader as loader_module
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
