"""Abuse limits: how many suggestions may come in an hour, and the growing wait after failed sign-ins.

The counters are kept by whoever holds the state: a browser session keeps its own in the session,
and the store keeps those shared by everyone (``SuggestionStore.attempt`` and its sign-in
throttle), saving a counter's ``snapshot`` and starting it again from one. Both counters are
thread-safe (Streamlit runs sessions in threads) and bounded: the least recently seen keys are
forgotten first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per ``window`` seconds, counted apart under its ``name``."""

    name: str
    count: int
    window: float


# Suggestions from one browser session, and from one client address (every session it opens),
# per hour. There is no limit shared by everyone: 40 sessions filled one in a minute and turned
# every organization away for an hour. What protects the reviewers instead is a cap on the queue.
SUGGESTIONS_PER_SESSION = Limit("suggestions per session", 5, 3600.0)
SUGGESTIONS_PER_CLIENT = Limit("suggestions per client", 20, 3600.0)
QUEUE_LIMIT = 1000  # pending suggestions; past it new ones wait until reviewers catch up
UNKNOWN_CLIENT = "unknown"


def client_of(address: str | None, headers=None, trusted_header: str | None = None) -> str:
    """The client an abuse limit counts: the address the operator's proxy puts in
    ``trusted_header`` (its last value: the one the proxy itself added), else the connection's
    address. Behind a proxy without that setting every visitor shares the proxy's address."""
    if trusted_header and headers is not None:
        value = headers.get(trusted_header)
        value = value if isinstance(value, str) else ""
        forwarded = [part.strip() for part in value.split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:100]
    return (address if isinstance(address, str) and address else UNKNOWN_CLIENT)[:100]


def sign_in_keys(client: str, account: str) -> tuple[str, str]:
    """The throttles a sign-in counts against: this client guessing this account, and this client
    guessing any account. None is the account alone, so nobody can lock a reviewer out for everyone."""
    return f"client:{client}|account:{account}", f"client:{client}"


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key, remembering at most ``max_keys``."""

    def __init__(self, limit: int, window: float, max_keys: int = 10_000, events: dict | None = None):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._events: OrderedDict[str, list[float]] = OrderedDict(
            (key, list(moments)) for key, moments in (events or {}).items()
        )
        self._lock = threading.Lock()

    @classmethod
    def of(cls, limit: Limit, max_keys: int = 10_000, events: dict | None = None) -> RateLimiter:
        return cls(limit.count, limit.window, max_keys, events)

    def snapshot(self) -> dict[str, list[float]]:
        """The events counted, by key (least recently seen first): plain data to start again from."""
        with self._lock:
            return {key: list(moments) for key, moments in self._events.items()}

    def attempt(self, key: str = "", now: float | None = None) -> float:
        """Record an event and return 0, or return the seconds to wait when over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [moment for moment in self._events.pop(key, []) if now - moment < self.window]
            if len(recent) >= self.limit:
                self._events[key] = recent
                return max(recent[0] + self.window - now, 0.001)
            recent.append(now)
            self._events[key] = recent
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            return 0.0


class SignInThrottle:
    """Backoff after failed sign-ins, per key (an account name, or a session).

    The first ``free_failures`` failures cost nothing; each one after that doubles the wait, from
    ``first_delay`` up to ``max_delay`` seconds. A success clears the key. It remembers at most
    ``max_keys`` keys (least recently failed forgotten first), so guessing random names cannot
    grow it without bound.
    """

    def __init__(
        self,
        free_failures: int = 3,
        first_delay: float = 5.0,
        max_delay: float = 900.0,
        max_keys: int = 10_000,
        failures: dict | None = None,
    ):
        self.free_failures, self.first_delay, self.max_delay = free_failures, first_delay, max_delay
        self.max_keys = max_keys
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict(
            (key, (int(count), float(last))) for key, (count, last) in (failures or {}).items()
        )
        self._lock = threading.Lock()

    def snapshot(self) -> dict[str, list]:
        """The failures counted, by key: [how many, when the last was] (plain data to start again from)."""
        with self._lock:
            return {key: [count, last] for key, (count, last) in self._failures.items()}

    def _delay(self, failures: int) -> float:
        if failures < self.free_failures:
            return 0.0
        return min(self.first_delay * 2 ** (failures - self.free_failures), self.max_delay)

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds before ``key`` may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures, last = self._failures.get(key, (0, now))
            return max(last + self._delay(failures) - now, 0.0)

    def failed(self, key: str, now: float | None = None) -> float:
        """Count a failure; returns the wait it starts."""
        now = time.monotonic() if now is None else now
        with self._lock:
            failures, _ = self._failures.pop(key, (0, now))
            self._failures[key] = (failures + 1, now)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)
            return self._delay(failures + 1)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
