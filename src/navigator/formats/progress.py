"""Progress of a long import or refresh on the operator's terminal: rows read, entries checked.

An import of a national listing reads tens of thousands of rows and checks each entry; without a
sign of life an operator cannot tell a slow import from a hung one. ``reporting`` opens a report
for one source; the readers and the runner call ``advance`` as they go (a no-op when no report is
open, so library callers and tests pay nothing), and ``phase`` when they start another stage.

The report rewrites one line on a terminal (``\\r``), at most every ``EVERY`` rows, and ends it
with a newline; ``say`` prints other output without mixing it into that line. A refresh opens one
report and starts a line per source (``source``, ``done``). Nothing is drawn when the stream is
not a terminal (output piped to a file or another program) or when the operator asked for
``--quiet``: logs stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

EVERY = 500  # rows between redraws: often enough to see it move, rare enough to cost nothing


class Progress:
    def __init__(self, label: str, stream: TextIO, every: int = EVERY):
        self.label = label
        self.stream = stream
        self.every = every
        self.what = "rows read"
        self.total: int | None = None
        self.count = 0
        self.shown = False

    def phase(self, what: str, total: int | None = None) -> None:
        """Start counting another stage (``entries checked``, of ``total``)."""
        if self.count:
            self._draw()
        self.what, self.total, self.count = what, total, 0

    def advance(self, rows: int = 1) -> None:
        before = self.count
        self.count += rows
        if self.count // self.every != before // self.every:
            self._draw()

    def _draw(self) -> None:
        of = f" of {self.total:,} ({100 * self.count // max(self.total, 1)}%)" if self.total else ""
        self.stream.write(f"\r{self.label}: {self.what} {self.count:,}{of}\x1b[K")
        self.stream.flush()
        self.shown = True

    def interrupt(self) -> None:
        """Erase the progress line so other output starts on a clean line (it is redrawn later)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def restart(self, label: str) -> None:
        """End this source's line and count the next source's from zero."""
        self.close()
        self.label, self.what, self.total, self.count, self.shown = label, "rows read", None, 0, False

    def close(self) -> None:
        if self.count:
            self._draw()
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


_current: ContextVar[Progress | None] = ContextVar("navigator_import_progress", default=None)


def shows_progress(stream: TextIO, quiet: bool = False) -> bool:
    """Progress goes to a terminal only, and never when asked to be quiet."""
    isatty = getattr(stream, "isatty", None)
    return not quiet and callable(isatty) and bool(isatty())


@contextmanager
def reporting(label: str, stream: TextIO | None = None, quiet: bool = False) -> Iterator[Progress | None]:
    """Report progress for ``label`` while the block runs (nothing off a terminal or when quiet)."""
    stream = stream if stream is not None else sys.stderr
    progress = Progress(label, stream) if shows_progress(stream, quiet) else None
    token = _current.set(progress)
    try:
        yield progress
    finally:
        _current.reset(token)
        if progress is not None:
            progress.close()


def advance(rows: int = 1) -> None:
    progress = _current.get()
    if progress is not None:
        progress.advance(rows)


def say(line: str) -> None:
    """Print ``line`` to standard output without mixing it into a progress line."""
    progress = _current.get()
    if progress is not None:
        progress.interrupt()
    sys.stdout.write(f"{line}\n")
    if progress is not None:
        sys.stdout.flush()


def done() -> None:
    """The current source is finished: its line ends with its final count."""
    progress = _current.get()
    if progress is not None:
        progress.restart(progress.label)


def source(label: str) -> None:
    """A refresh moves on to the next source: its progress gets a line of its own."""
    progress = _current.get()
    if progress is not None:
        progress.restart(label)


def phase(what: str, total: int | None = None) -> None:
    progress = _current.get()
    if progress is not None:
        progress.phase(what, total)
