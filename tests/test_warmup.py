"""The server's warm-up (serve.py's lifespan hook): the directory is loaded before anyone asks."""

import pytest
from ui import data, warmup


@pytest.fixture
def fresh_live(monkeypatch, small_directory):
    monkeypatch.setenv("NAVIGATOR_DIRECTORY", str(small_directory))
    monkeypatch.setattr(data, "_LIVE", {})


def test_warm_up_loads_the_directory_the_pages_then_read(fresh_live):
    assert data.live_directory().loaded() is None
    took = warmup.warm_up()
    assert set(took) == {"imports", "directory", "search"}
    loaded = data.live_directory().loaded()
    assert loaded is not None and loaded.entry("test-clinic") is not None
    assert data.live_directory().current() is loaded  # the first page run reads it, loads nothing
