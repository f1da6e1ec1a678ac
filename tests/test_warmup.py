"""The server's warm-up (serve.py's lifespan hook): the directory is loaded before anyone asks."""

import gc
import inspect
import os

import pytest
from ui import data, warmup

from navigator.search import basemap


@pytest.fixture
def fresh_live(monkeypatch, small_directory):
    monkeypatch.setenv("NAVIGATOR_DIRECTORY", str(small_directory))
    monkeypatch.setattr(data, "_LIVE", {})


def test_warm_up_loads_the_directory_the_pages_then_read(fresh_live):
    assert data.live_directory().loaded() is None
    took = warmup.warm_up()
    assert set(took) == {"imports", "first_page_run", "directory", "search", "map"}
    loaded = data.live_directory().loaded()
    assert loaded is not None and loaded.entry("test-clinic") is not None
    assert data.live_directory().current() is loaded  # the first page run reads it, loads nothing


def test_after_the_warm_up_a_look_at_the_call_stack_resolves_no_module_path_again(fresh_live, monkeypatch):
    # Streamlit's first element of a process calls inspect.stack(), and inspect resolved the path
    # of every loaded module then: most of the first visitor's first page run on the server.
    monkeypatch.setattr(inspect, "modulesbyfile", {})  # as in a fresh process
    monkeypatch.setattr(inspect, "_filesbymodname", {})
    warmup.warm_up()
    resolved = []
    real_path = os.path.realpath
    monkeypatch.setattr(os.path, "realpath", lambda path, *args, **kwargs: resolved.append(path) or real_path(path))
    inspect.stack()
    assert len(resolved) < 20, resolved[:20]


def test_warm_up_reads_the_base_map_before_the_first_search(fresh_live):
    # The first search after a start waited 2-3 s for the county lines to be parsed.
    basemap._lines.cache_clear()
    basemap._cities.cache_clear()
    warmup.warm_up()
    assert basemap._lines.cache_info().currsize == 1
    assert basemap._cities.cache_info().currsize == 1


def test_what_the_warm_up_built_is_kept_out_of_every_later_collection(fresh_live):
    warmup.warm_up()
    thresholds = gc.get_threshold()
    try:
        frozen = warmup.keep_for_good()
        index = data.live_directory().loaded()
        assert frozen == gc.get_freeze_count() > 0
        # A full collection (Streamlit's after each page run, or Python's own) no longer walks it.
        assert not any(obj is index for obj in gc.get_objects())
        # And collections come after 20,000 allocations, not 700 (four a Find page run).
        assert gc.get_threshold() == warmup.COLLECTOR_THRESHOLDS == (20_000, 20, 20)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
