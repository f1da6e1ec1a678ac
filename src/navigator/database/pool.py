"""One connection pool per database per process, and one way to say "the database is not there".

Every server process (and every command) asks ``database(url)`` for the pool of its database; the
pool is made once and shared by every session's thread. Connections are checked before they are
handed out, so a database that restarted costs one failed check, not a failed request. Every
failure to reach the database (down, unreachable, too slow, refusing) comes out as
``DatabaseUnavailable``, so callers have one thing to catch and say "can't be saved right now".
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

# The pool would log every failed connection attempt to stderr, over and over while the database is
# down; our callers say it once, in words, where it matters (and these logs never hold user data).
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())
logging.getLogger("psycopg.pool").propagate = False

# Seconds: a coach or an organization is waiting, so an unreachable database is reported quickly.
CONNECT_TIMEOUT_SECONDS = 3
WAIT_FOR_CONNECTION_SECONDS = 5.0
POOL_MAX_SIZE = 8  # Streamlit runs sessions in threads; a few connections serve dozens of sessions


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or did not answer; what was being saved was not saved."""


class Database:
    """A pool of connections to one PostgreSQL database (``url``: ``postgresql://…``)."""

    def __init__(self, url: str, max_size: int = POOL_MAX_SIZE):
        self.url = url
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=False,
            kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "row_factory": dict_row},
            check=ConnectionPool.check_connection,
            timeout=WAIT_FOR_CONNECTION_SECONDS,
            name="navigator",
        )
        self.pool.open(wait=False)  # a server starts (and searches) even when the database is down

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A connection for the block, in a transaction committed at its end (rolled back on error)."""
        try:
            with self.pool.connection() as connection:
                yield connection
        except PoolTimeout as error:
            raise DatabaseUnavailable(
                f"the database cannot be reached (no connection within {WAIT_FOR_CONNECTION_SECONDS:.0f} seconds)"
            ) from error
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"the database stopped answering: {str(error).strip()}") from error

    def connect(self, autocommit: bool = True) -> psycopg.Connection:
        """A connection of its own, outside the pool (to LISTEN, or to hold for long)."""
        try:
            return psycopg.connect(
                self.url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_SECONDS, row_factory=dict_row
            )
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"the database cannot be reached: {str(error).strip()}") from error

    def close(self) -> None:
        self.pool.close()


_POOLS: dict[str, Database] = {}
_POOLS_LOCK = threading.Lock()


def database(url: str) -> Database:
    """The process's pool for ``url`` (made on first use)."""
    with _POOLS_LOCK:
        found = _POOLS.get(url)
        if found is None:
            found = _POOLS[url] = Database(url)
        return found


def close(url: str) -> None:
    """Close the process's pool for ``url``, if it has one (a test's database, when the test ends)."""
    with _POOLS_LOCK:
        found = _POOLS.pop(url, None)
    if found is not None:
        found.close()


def close_all() -> None:
    """Close every pool of the process (tests; a command before it exits)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()
