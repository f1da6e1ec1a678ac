"""The one cached loader of the whole app: the directory every session reads, and the geocoder."""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.loader import load_directory, stat_signature
from navigator.directory.problems import DirectoryError
from navigator.search.geocoder import configured_geocoder
from navigator.settings import load_settings


def directory_path() -> Path:
    return load_settings().directory


# The spinner's words are fixed when the module loads, so they say it in both languages.
@st.cache_resource(max_entries=2, show_spinner="Loading the directory… · Cargando el directorio…")
def _load(path: str, signature: str) -> Directory:
    # ``signature`` is only part of the cache key: a changed file gives a new key, so the next
    # run loads the change (the older entry is evicted), with no restart.
    return load_directory(path)


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
    path = directory_path()
    key, signature = str(path), stat_signature(path)
    with _KEPT_LOCK:
        failed, kept = _FAILED.get(key), _LAST_GOOD.get(key)
    if failed and failed[0] == signature and kept is not None:
        return kept  # the same broken files: not read again on every run
    try:
        loaded = _load(key, signature)
    except DirectoryError as error:
        with _KEPT_LOCK:
            _FAILED[key] = (signature, error)
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


@st.cache_resource(max_entries=1)
def address_geocoder():
    """The street-address geocoder the operator switched on, or None: one per process, so its
    request spacing and disk cache are shared by every session."""
    return configured_geocoder()
