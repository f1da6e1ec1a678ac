"""The one cached loader of the whole app: the directory every session reads, and the geocoder.

With a database (``NAVIGATOR_DATABASE_URL``), the directory is the YAML files with the changes
approved on any server applied (``navigator.directory.overlay``), followed by one change feed per
process; a page run only reads the feed's memory, so search never waits on the database.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st

from navigator.database.pool import DatabaseUnavailable
from navigator.directory.index import Directory
from navigator.directory.loader import load_directory, stat_signature
from navigator.directory.overlay import overlay
from navigator.directory.problems import DirectoryError
from navigator.review.change_feed import ChangeFeed
from navigator.review.storage import StorageUnavailable
from navigator.search.geocoder import configured_geocoder
from navigator.settings import load_settings


def directory_path() -> Path:
    return load_settings().directory


@st.cache_resource(max_entries=2, show_spinner="Loading the directory…")
def _load(path: str, signature: str, changes_token: tuple, _changes: tuple) -> Directory:
    # ``signature`` and ``changes_token`` are only part of the cache key: a changed file, or a change
    # approved on any server, gives a new key, so the next run loads it (re-reading only the files
    # touched; the older entry is evicted), with no restart. ``_changes`` is not hashed.
    if not _changes:
        return load_directory(path)
    return load_directory(path, overrides=overlay(path, _changes).encoded())


@st.cache_resource(max_entries=1, show_spinner=False)
def change_feed(url: str) -> ChangeFeed:
    """The process's feed of changes approved in the database (one thread, one connection)."""
    return ChangeFeed(url).start()


# The last directory that loaded, by folder, and the files' state that failed to load after it:
# one bad entry must not take the whole site down, so visitors keep the last good directory
# while reviewers see what is wrong (``directory_problems``). Process-wide, shared by sessions.
_LAST_GOOD: dict[str, Directory] = {}
_FAILED: dict[str, tuple[str, DirectoryError]] = {}
_KEPT_LOCK = threading.Lock()


def current_directory() -> Directory:
    """The directory shared by every session; read-only (``Directory.entry`` gives copies).

    When the files have problems it is the last directory that loaded (``directory_problems``
    says what is wrong); DirectoryError only when none has loaded yet (the frame shows it).
    """
    settings = load_settings()
    path = settings.directory
    token, changes = change_feed(settings.database_url).snapshot() if settings.database_url else ((), ())
    key, signature = str(path), stat_signature(path)
    state = (signature, token)
    with _KEPT_LOCK:
        failed, kept = _FAILED.get(key), _LAST_GOOD.get(key)
    if failed and failed[0] == state and kept is not None:
        return kept  # the same broken files (and changes): not read again on every run
    try:
        loaded = _load(key, signature, token, changes)
    except DirectoryError as error:
        with _KEPT_LOCK:
            _FAILED[key] = (state, error)
        if kept is None:
            raise
        return kept
    with _KEPT_LOCK:
        _LAST_GOOD[key] = loaded
        _FAILED.pop(key, None)
    return loaded


def directory_problems() -> DirectoryError | None:
    """What is wrong with the directory's files while the last good directory is being served."""
    with _KEPT_LOCK:
        failed = _FAILED.get(str(directory_path()))
    return failed[1] if failed else None


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
