"""The directory a server keeps: while one caller reloads it, every other caller is answered at
once from the previous index; the pool of loading workers gives the index the app's process would."""

import datetime as dt
import threading

import pandas as pd
import pytest
from tests.conftest import CLINIC, MEETING, write_directory

import navigator.directory.live as live_module
import navigator.directory.loader as loader_module
from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory.live import LiveDirectory
from navigator.directory.loader import load_directory
from navigator.directory.problems import DirectoryError

TODAY = dt.date(2026, 11, 23)


def test_other_callers_get_the_previous_index_while_one_reloads(small_directory, monkeypatch):
    live = LiveDirectory(small_directory)
    previous = live.current()
    entered, release = threading.Event(), threading.Event()
    real_reload = live_module.reload_directory

    def slow_reload(directory):
        entered.set()
        assert release.wait(30)
        return real_reload(directory)

    monkeypatch.setattr(live_module, "reload_directory", slow_reload)
    (small_directory / "meetings.yaml").write_text(MEETING.replace("Speaker Meeting", "Step Meeting"))
    answers = []
    reloading = threading.Thread(target=lambda: answers.append(live.current()))
    reloading.start()
    assert entered.wait(30)
    assert live.current() is previous  # answered at once, from the previous index
    release.set()
    reloading.join(30)
    assert answers[0] is not previous and answers[0].entry("test-meeting")["name"].endswith("Step Meeting")
    assert live.current() is answers[0] and live.reloads == 1


def test_a_reload_with_problems_raises_to_its_caller_and_keeps_the_previous_index(small_directory):
    live = LiveDirectory(small_directory)
    previous = live.current()
    (small_directory / "clinics.yaml").write_text(CLINIC.replace('zip: "80222"', "zip: 080222"))
    with pytest.raises(DirectoryError):
        live.current()
    assert live.loaded() is previous


def test_loading_workers_build_the_index_the_loading_process_builds(tmp_path, monkeypatch):
    folder = tmp_path / "directory"
    write_synthetic_directory(folder, 300, seed=9, today=TODAY, per_file=20)
    write_directory(folder, {"zz-broken.yaml": CLINIC.replace('zip: "80222"', "zip: 080222")})
    monkeypatch.setattr(loader_module, "POOL_MIN_FILES", 2)
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "1")
    with pytest.raises(DirectoryError) as alone:
        load_directory(folder, use_cache=False, today=TODAY)
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "2")
    with pytest.raises(DirectoryError) as pooled:
        load_directory(folder, use_cache=False, today=TODAY)
    assert pooled.value.report.lines() == alone.value.report.lines()  # the strict reader's lines, either way
    (folder / "zz-broken.yaml").unlink()
    reads = []
    original = loader_module._read_file
    monkeypatch.setattr(loader_module, "_read_file", lambda path: reads.append(path) or original(path))
    in_workers = load_directory(folder, use_cache=False, today=TODAY)
    assert reads == []  # every file was read in a worker process
    monkeypatch.setenv("NAVIGATOR_LOAD_WORKERS", "1")
    in_process = load_directory(folder, use_cache=False, today=TODAY)
    pd.testing.assert_frame_equal(in_workers.frame, in_process.frame)
    assert list(in_workers.entries) == list(in_process.entries) and in_workers.id_rows == in_process.id_rows
