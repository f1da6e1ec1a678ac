"""The directory a long-running process serves: loaded once, then kept current by reloads that
never make a reader wait for another reader's reload.

The app asks ``LiveDirectory.current()`` on every page run. The first call loads (or a warm-up at
server start does). When a file has changed since, one caller reloads (``reload_directory``:
only the changed files' rows are replaced, in a new index); every other caller meanwhile gets
the previous index at once, which stays whole and unchanged, since an index is never changed
in place. A reload that finds problems raises ``DirectoryError`` to the caller that ran it and
leaves the previous index in place.

With several servers (``changes``: the change feed's snapshot), the directory is the files with
the changes approved in the database applied (``overlay``); a new snapshot is one more reason to
reload, and only the files it touches are read again, their rows replaced like a changed file's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from navigator.directory.index import Directory
from navigator.directory.loader import load_directory, reload_directory, stat_signature
from navigator.directory.overlay import EntryChange, overlay

NO_CHANGES: tuple[tuple, tuple[EntryChange, ...]] = ((), ())


class LiveDirectory:
    def __init__(
        self,
        path: Path | str,
        load: Callable[[Path], Directory] | None = None,
        changes: Callable[[], tuple[tuple, tuple[EntryChange, ...]]] | None = None,
    ):
        self.path = Path(path)
        self._load = load or (lambda folder: load_directory(folder))
        self._changes = changes or (lambda: NO_CHANGES)
        self._current: Directory | None = None
        self._state: tuple | None = None  # (the files' signature, the changes' token) of _current
        self._loading = threading.Lock()  # held by the one caller loading or reloading
        self.reloads = 0  # how many reloads ran (tests and the benchmark count them)

    def current(self, signature: str | None = None) -> Directory:
        """The directory as its files (and the approved changes) are now; while another caller
        reloads it, the previous one. ``signature``: the files' ``stat_signature`` when the caller
        has just taken it (a walk of a national directory's files costs tens of milliseconds)."""
        known = self._current
        state, changes = self._now(signature)
        if known is not None and state == self._state:
            return known
        if known is None:
            with self._loading:  # nothing to answer from yet: the first callers wait for the load
                if self._current is None:
                    self._current = self._first_load(changes)
                    self._state = state
                return self._current
        if not self._loading.acquire(blocking=False):
            return known  # another caller is reloading: answer from the previous index
        try:
            state, changes = self._now()
            if state != self._state:
                self.reloads += 1
                overrides = self._overrides(changes)
                latest = self._current
                self._current = reload_directory(latest, overrides=overrides) if overrides else reload_directory(latest)
                self._state = state
            return self._current
        finally:
            self._loading.release()

    def _now(self, signature: str | None = None) -> tuple[tuple, tuple[EntryChange, ...]]:
        token, changes = self._changes()
        return (signature or stat_signature(self.path), token), changes

    def _overrides(self, changes) -> dict[str, bytes]:
        return overlay(self.path, changes).encoded() if changes else {}

    def _first_load(self, changes) -> Directory:
        if changes:
            return load_directory(self.path, overrides=self._overrides(changes))
        return self._load(self.path)

    def loaded(self) -> Directory | None:
        """What ``current`` would answer without checking the files (None before the first load)."""
        return self._current
