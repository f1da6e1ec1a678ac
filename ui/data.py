"""The directory every session reads, and the geocoder: one of each per server process.

The directory is a ``LiveDirectory`` per folder (and cache folder): loaded once (at server start
by ``ui.warmup`` when the app is served through ``serve.py``, else by the first page run), then
reloaded in place of its changed files when they change, with no restart; while one session's
run reloads it, every other session keeps answering from the previous index.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.live import LiveDirectory
from navigator.search.geocoder import configured_geocoder
from navigator.settings import load_settings

_LIVE: dict[tuple[str, str], LiveDirectory] = {}
_LIVE_LOCK = threading.Lock()


def directory_path() -> Path:
    return load_settings().directory


def live_directory() -> LiveDirectory:
    """This process's live directory for the configured folder (made on first use)."""
    settings = load_settings()
    key = (str(settings.directory), str(settings.cache_folder))
    with _LIVE_LOCK:
        if key not in _LIVE:
            _LIVE[key] = LiveDirectory(settings.directory)
        return _LIVE[key]


def current_directory() -> Directory:
    """The directory shared by every session; read-only (``Directory.entry`` gives copies).

    Raises DirectoryError when the files have problems (the frame shows them).
    """
    live = live_directory()
    if live.loaded() is None:
        with st.spinner("Loading the directory…"):
            return live.current()
    return live.current()


@st.cache_resource(max_entries=1)
def address_geocoder():
    """The street-address geocoder the operator switched on, or None: one per process, so its
    request spacing and disk cache are shared by every session."""
    return configured_geocoder()
