"""The directory every session reads, and the geocoder: one of each per server process.

The directory is a ``LiveDirectory`` per folder (and cache folder): loaded once (at server start
by ``ui.warmup`` when the app is served through ``serve.py``, else by the first page run), then
reloaded in place of its changed files when they change, with no restart; while one session's
run reloads it, every other session keeps answering from the previous index. When the files have
problems, visitors keep the last good directory and reviewers see what is wrong.

With a database (``NAVIGATOR_DATABASE_URL``), the directory is the YAML files with the changes
approved on any server applied (``navigator.directory.overlay``): one change feed per process
follows them, and the live directory reloads only the files they touch. A page run only reads the
feed's memory, so search never waits on the database.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st

from navigator.database.pool import DatabaseUnavailable
from navigator.directory.index import Directory
from navigator.directory.live import LiveDirectory
from navigator.directory.loader import stat_signature
from navigator.directory.problems import DirectoryError
from navigator.i18n import _
from navigator.review.change_feed import ChangeFeed
from navigator.review.storage import StorageUnavailable
from navigator.search.geocoder import configured_geocoder
from navigator.settings import load_settings

_LIVE: dict[tuple[str, str], LiveDirectory] = {}
_LIVE_LOCK = threading.Lock()
# The files' state that failed to load after the last good directory, by folder: one bad entry
# must not take the whole site down, so visitors keep the last good directory while reviewers
# see what is wrong (``directory_problems``). Process-wide, shared by sessions.
_FAILED: dict[str, tuple[str, DirectoryError]] = {}
_KEPT_LOCK = threading.Lock()


def directory_path() -> Path:
    return load_settings().directory


def live_directory() -> LiveDirectory:
    """This process's live directory for the configured folder (made on first use)."""
    settings = load_settings()
    key = (str(settings.directory), str(settings.cache_folder))
    with _LIVE_LOCK:
        if key not in _LIVE:
            url = settings.database_url
            _LIVE[key] = LiveDirectory(
                settings.directory, changes=(lambda: change_feed(url).snapshot()) if url else None
            )
        return _LIVE[key]


def current_directory() -> Directory:
    """The directory shared by every session; read-only (``Directory.entry`` gives copies).

    When the files have problems it is the last directory that loaded (``directory_problems``
    says what is wrong); DirectoryError only when none has loaded yet (the frame shows it).
    """
    live = live_directory()
    url = load_settings().database_url
    token = change_feed(url).snapshot()[0] if url else ()
    key, signature = str(live.path), (stat_signature(live.path), token)
    kept = live.loaded()
    with _KEPT_LOCK:
        failed = _FAILED.get(key)
    if failed and failed[0] == signature and kept is not None:
        return kept  # the same broken files: not read again on every run
    try:
        if kept is None:
            with st.spinner(_("Loading the directory…")):
                loaded = live.current(signature[0])
        else:
            loaded = live.current(signature[0])  # the files walked once per run, not twice
    except DirectoryError as error:
        with _KEPT_LOCK:
            _FAILED[key] = (signature, error)
        if kept is None:
            raise
        return kept
    with _KEPT_LOCK:
        _FAILED.pop(key, None)
    return loaded


def directory_problems() -> DirectoryError | None:
    """What is wrong with the directory's files while the last good directory is being served."""
    with _KEPT_LOCK:
        failed = _FAILED.get(str(directory_path()))
    return failed[1] if failed else None


@st.cache_resource(max_entries=1, show_spinner=False)
def change_feed(url: str) -> ChangeFeed:
    """The process's feed of changes approved in the database (one thread, one connection)."""
    return ChangeFeed(url).start()


def refresh_changes() -> None:
    """After a review action on this server: read the changes now, so this server shows it on its
    very next page (the others hear of it by NOTIFY). Without the database, the feed catches up later."""
    url = load_settings().database_url
    if url:
        with contextlib.suppress(StorageUnavailable, DatabaseUnavailable):
            change_feed(url).refresh()


def schema_refusal() -> str | None:
    """Why this server refuses to run (its database's schema is newer than this code), or None.

    The change feed checks the version each time it connects, so no page run waits on the database."""
    url = load_settings().database_url
    if not url:
        return None
    problem = change_feed(url).schema_problem
    return str(problem) if problem is not None and problem.code == "too_new" else None


@st.cache_resource(max_entries=1)
def address_geocoder():
    """The street-address geocoder the operator switched on, or None: one per process, so its
    request spacing and disk cache are shared by every session."""
    return configured_geocoder()
