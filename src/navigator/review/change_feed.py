"""Following the approved changes in the database, so every server serves them within seconds.

One ``ChangeFeed`` per server process runs a background thread with a connection of its own that
LISTENs on the store's channel (an approval NOTIFYs it when it commits) and, in any case, asks
every ``POLL_SECONDS`` whether anything changed: a notification lost while the connection was
down costs at most one poll. "Changed" is judged on the count of changes, the highest revision and
the count published, because a transaction that took a lower revision may commit after a higher
one. Page runs only read the feed's memory (``snapshot``): no page ever waits for the database, and
while it is down, search goes on with the changes seen last. On every connect the feed also checks
the schema's version: against a schema newer than this code, the server refuses to run.
"""

from __future__ import annotations

import contextlib
import threading

import psycopg

from navigator.database.migrations import LATEST, SchemaProblem
from navigator.database.pool import DatabaseUnavailable, database
from navigator.directory.overlay import EntryChange
from navigator.review.pg_store import CHANNEL, PostgresSuggestionStore
from navigator.review.storage import StorageUnavailable

POLL_SECONDS = 2.0
RETRY_SECONDS = 3.0


class ChangeFeed:
    """The approved entry changes of one database, kept up to date by a background thread."""

    def __init__(self, url: str, poll_seconds: float = POLL_SECONDS):
        self.url = url
        self.poll_seconds = poll_seconds
        self._store = PostgresSuggestionStore(url)
        self._lock = threading.Condition()
        self._token: tuple = ()
        self._changes: tuple[EntryChange, ...] = ()
        self._stopped = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="navigator-change-feed", daemon=True)
        self.refreshes = 0  # how many times the changes were read again (tests count them)
        self.schema_problem: SchemaProblem | None = None  # set when this code must not run against the database

    def start(self, wait_seconds: float = 5.0) -> ChangeFeed:
        """Start following; waits (at most ``wait_seconds``) for the first reading, so a server
        that starts with the database up serves its changes from its very first page."""
        self._thread.start()
        self._ready.wait(wait_seconds)
        return self

    def stop(self) -> None:
        self._stopped.set()

    def snapshot(self) -> tuple[tuple, tuple[EntryChange, ...]]:
        """(a token that changes whenever the changes do, the changes), as last read."""
        with self._lock:
            return self._token, self._changes

    def refresh(self) -> bool:
        """Read the changes again if they changed; True when they did."""
        with self._store.db.connection() as connection:
            row = connection.execute(
                "SELECT count(*) AS n, coalesce(max(revision), 0) AS top,"
                " count(*) FILTER (WHERE published_at IS NOT NULL) AS published FROM entry_changes"
            ).fetchone()
        token = (row["n"], row["top"], row["published"])
        if token == self.snapshot()[0]:
            return False
        changes = tuple(self._store.entry_changes())
        with self._lock:
            self._token, self._changes = token, changes
            self.refreshes += 1
            self._lock.notify_all()
        return True

    def wait_for(self, predicate, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until ``predicate(changes)`` holds; whether it did."""
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self._changes), timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                with contextlib.closing(database(self.url).connect(autocommit=True)) as listener:
                    self.schema_problem = _schema_problem(listener)
                    if self.schema_problem is not None and self.schema_problem.code == "too_new":
                        self._ready.set()
                        return  # this server refuses to run (the frame says why); nothing to follow
                    listener.execute(f"LISTEN {CHANNEL}")
                    while not self._stopped.is_set():
                        self.refresh()
                        self._ready.set()
                        for _ in listener.notifies(timeout=self.poll_seconds, stop_after=1):
                            pass
            except (psycopg.Error, DatabaseUnavailable, StorageUnavailable):
                self._ready.set()  # nobody waits for a database that is down
                self._stopped.wait(RETRY_SECONDS)


def _schema_problem(connection: psycopg.Connection) -> SchemaProblem | None:
    """Why this code cannot run against the database's schema (checked on every connect), or None."""
    present = connection.execute("SELECT to_regclass('navigator_schema') IS NOT NULL AS present").fetchone()
    row = connection.execute("SELECT version FROM navigator_schema").fetchone() if present["present"] else None
    found = int(row["version"]) if row else 0
    if found == LATEST:
        return None
    return SchemaProblem("missing" if found == 0 else "too_new" if found > LATEST else "outdated", found)
