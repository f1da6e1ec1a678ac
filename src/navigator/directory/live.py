"""The directory a long-running process serves: loaded once, then kept current by reloads that
never make a reader wait for another reader's reload.

The app asks ``LiveDirectory.current()`` on every page run. The first call loads (or a warm-up at
server start does). When a file has changed since, one caller reloads (``reload_directory``:
only the changed files' rows are replaced, in a new index); every other caller meanwhile gets
the previous index at once, which stays whole and unchanged, since an index is never changed
in place. A reload that finds problems raises ``DirectoryError`` to the caller that ran it and
leaves the previous index in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from navigator.directory.index import Directory
from navigator.directory.loader import load_directory, reload_directory, stat_signature


class LiveDirectory:
    def __init__(self, path: Path | str, load: Callable[[Path], Directory] | None = None):
        self.path = Path(path)
        self._load = load or (lambda folder: load_directory(folder))
        self._current: Directory | None = None
        self._loading = threading.Lock()  # held by the one caller loading or reloading
        self.reloads = 0  # how many reloads ran (tests and the benchmark count them)

    def current(self) -> Directory:
        """The directory as its files are now; while another caller reloads it, the previous one."""
        known = self._current
        if known is not None and known.signature == stat_signature(self.path):
            return known
        if known is None:
            with self._loading:  # nothing to answer from yet: the first callers wait for the load
                if self._current is None:
                    self._current = self._load(self.path)
                return self._current
        if not self._loading.acquire(blocking=False):
            return known  # another caller is reloading: answer from the previous index
        try:
            latest = self._current
            if latest.signature != stat_signature(self.path):
                self.reloads += 1
                latest = reload_directory(latest)
                self._current = latest
            return latest
        finally:
            self._loading.release()

    def loaded(self) -> Directory | None:
        """What ``current`` would answer without checking the files (None before the first load)."""
        return self._current
