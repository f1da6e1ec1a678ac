"""The one cached loader of the whole app: the directory every session reads, and the geocoder."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.loader import load_directory, stat_signature
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


def current_directory() -> Directory:
    """The directory shared by every session; read-only (``Directory.entry`` gives copies).

    Raises DirectoryError when the files have problems (the frame shows them).
    """
    path = directory_path()
    return _load(str(path), stat_signature(path))


@st.cache_resource(max_entries=1)
def address_geocoder():
    """The street-address geocoder the operator switched on, or None: one per process, so its
    request spacing and disk cache are shared by every session."""
    return configured_geocoder()
