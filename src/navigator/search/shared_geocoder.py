"""The street-address geocoder for several servers: its cache and Nominatim's spacing in PostgreSQL.

Nominatim allows one request a second from an application, however many servers it runs on. With
a database, every server reserves its turn in one row (``nominatim_spacing``: the next moment
anyone may ask, taken under a row lock, so two servers never get the same turn) and waits for it;
and the cache of geocoded addresses is one table, so an address looked up on one server is never
looked up again on another. Keys are the same SHA-256 of the normalised address as on disk: the
address text is never stored. The clock is the database's, one for every server.

When the database cannot be reached, the geocoder falls back to what one process can do alone:
its process-wide limiter and no cache, so a lookup still works and Nominatim still sees at most one
request a second from this server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from psycopg.types.json import Jsonb

from navigator.database.pool import DatabaseUnavailable, database
from navigator.search.geocoder import MISS_KEPT_SECONDS, NOMINATIM_LIMITER, NOMINATIM_MIN_DELAY_SECONDS
from navigator.search.geocoder import NominatimGeocoder as _FileCachedGeocoder


class DatabaseSpacing:
    """Calls spaced at least ``delay`` seconds apart across every process using the database.

    Called like geopy's ``RateLimiter``: ``spacing(function, *args, **kwargs)``.
    """

    def __init__(self, url: str, delay: float = NOMINATIM_MIN_DELAY_SECONDS, sleep: Callable = time.sleep):
        self.url, self.delay, self._sleep = url, delay, sleep

    def reserve(self) -> float:
        """Take the next turn; the seconds to wait for it."""
        with database(self.url).connection() as connection:
            row = connection.execute(
                "UPDATE nominatim_spacing SET next_at = greatest(next_at, extract(epoch FROM clock_timestamp()))"
                " + %s WHERE id = 1 RETURNING next_at - %s - extract(epoch FROM clock_timestamp()) AS wait",
                (self.delay, self.delay),
            ).fetchone()
        return max(float(row["wait"]), 0.0)

    def __call__(self, function: Callable, *args, **kwargs):
        try:
            wait = self.reserve()
        except DatabaseUnavailable:
            return NOMINATIM_LIMITER(function, *args, **kwargs)  # alone: this process's own spacing
        if wait:
            self._sleep(wait)
        return function(*args, **kwargs)


class SharedNominatimGeocoder(_FileCachedGeocoder):
    """``NominatimGeocoder`` with its cache in the database instead of a file."""

    def __init__(self, user_agent: str, url: str, **options):
        options.setdefault("limiter", DatabaseSpacing(url))
        super().__init__(user_agent, cache_dir=".", **options)
        self.url = url

    def _fresh_entry(self, key: str) -> dict | None:
        try:
            with database(self.url).connection() as connection:
                row = connection.execute("SELECT entry FROM geocode_cache WHERE key = %s", (key,)).fetchone()
        except DatabaseUnavailable:
            return None
        entry = row["entry"] if row else None
        return entry if self._is_fresh(entry) else None

    def _store(self, key: str, entry: dict) -> None:
        try:
            with database(self.url).connection() as connection:
                connection.execute(
                    "INSERT INTO geocode_cache (key, entry, saved) VALUES (%s, %s, %s)"
                    " ON CONFLICT (key) DO UPDATE SET entry = excluded.entry, saved = excluded.saved",
                    (key, Jsonb(entry), entry["saved"]),
                )
                # Misses are kept an hour; drop the stale ones as we go, so the table stays bounded by use.
                connection.execute(
                    "DELETE FROM geocode_cache WHERE NOT (entry->>'found')::boolean AND saved < %s",
                    (self._clock() - MISS_KEPT_SECONDS,),
                )
        except DatabaseUnavailable:
            pass  # not cached this time; the answer is still given
