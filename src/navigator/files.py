"""Atomic file writes under a lock: a reader sees the old file or the new one, never half of one.

A writer writes a temporary file in the same folder, fsyncs it, renames it over the target and
fsyncs the folder, so a crash at any moment leaves the old or the new file (and, after a kill, a
hidden temporary file, which the next write to the same folder removes once it is stale). ``locked`` serialises
writers across processes with the one lock helper: an advisory lock on a sidecar ``.lock`` file
(through ``filelock``), with a timeout, so a hung holder cannot block every reviewer forever.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock
from filelock import Timeout as _FileLockTimeout

PRIVATE = 0o600
SHARED = 0o644
LOCK_TIMEOUT_SECONDS = 30.0
# A writer's temporary file lives for the seconds its write takes; one this old was left by a
# process killed mid-write (kill -9 runs no clean-up) and may hold what someone typed.
STALE_TEMPORARY_SECONDS = 15 * 60


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the timeout: the caller says "try again"."""


def write_bytes_atomic(path: Path | str, data: bytes, new_file_mode: int = PRIVATE) -> None:
    """Replace ``path`` with ``data``; an existing file keeps its permissions, a new one gets ``new_file_mode``.

    New files are private unless the caller says otherwise: submissions and caches may hold
    what people typed, while directory YAML and exports are meant to be shared.
    """
    write_atomic_with(path, lambda handle: handle.write(data), new_file_mode)


def write_atomic_with(path: Path | str, write: Callable[[BinaryIO], object], new_file_mode: int = PRIVATE) -> None:
    """Replace ``path`` with what ``write`` writes to a binary file: for content too large to
    hold in memory twice as one bytes object (a pickled national index)."""
    with atomic_file(path, new_file_mode) as handle:
        write(handle)


@contextlib.contextmanager
def atomic_file(path: Path | str, new_file_mode: int = PRIVATE) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the block ends without an exception (with one,
    ``path`` stays as it was): for content written piece by piece as it is made, which is never
    all in memory at once (a cold load's per-file cache)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode
    remove_stale_temporaries(path.parent, f".{path.name}.")
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def remove_stale_temporaries(folder: Path | str, prefix: str = ".", now: float | None = None) -> int:
    """Delete the temporary files of atomic writes in ``folder`` (``prefix`` narrows them to one
    target's) older than ``STALE_TEMPORARY_SECONDS``; returns how many went."""
    now = time.time() if now is None else now
    removed = 0
    try:
        candidates = [entry for entry in os.scandir(folder) if entry.name.startswith(prefix)]
    except FileNotFoundError:
        return 0
    for entry in candidates:
        if not entry.name.endswith(".tmp") or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMPORARY_SECONDS:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def write_text_atomic(path: Path | str, text: str, new_file_mode: int = PRIVATE) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), new_file_mode)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def locked(path: Path | str, timeout: float = LOCK_TIMEOUT_SECONDS):
    """Hold an exclusive lock tied to ``path`` (on the sidecar ``path.lock``) for the block.

    For a folder the sidecar sits beside it (``directory.lock`` next to ``directory/``), so a
    directory under git gains no untracked file. Raises ``LockTimeout`` after ``timeout`` seconds.
    """
    lock_path = Path(f"{Path(path)}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path, timeout=timeout, mode=PRIVATE)
    try:
        lock.acquire()
    except _FileLockTimeout as error:
        raise LockTimeout(f"{path} is locked by another process; try again in a moment") from error
    try:
        yield
    finally:
        lock.release()
