"""Keeping a cold load's freed memory from staying resident in the C heap (glibc only).

A cold load unpickles every file's pieces from the worker processes (Arrow buffers as Python
bytes, numpy arrays, packed entries), builds the index's columns from them, and frees them. With
glibc's defaults the pieces land in the main heap among objects that outlive the load, so what
the load freed stayed resident: 100,000 entries ended the load at 397 MB where the same index
read from the cache takes 270 MB, and searching afterwards peaked at 458 MB. Asking glibc to give
blocks from 16 KB up their own mappings for the length of the load (a freed one goes back to the
system at once) and trimming the heap after each of its stages keeps the peak near what is alive.
Elsewhere (another C library, another system) these are no-ops, but for Arrow's allocator,
which keeps freed memory of its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections.abc import Iterator

M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers in glibc's malloc.h
M_MMAP_THRESHOLD = -3
# Blocks from this size up get a mapping of their own during a load: a file's packed entries,
# code matrix and larger Arrow buffers, which are a load's transient bulk.
LOAD_MMAP_THRESHOLD = 16 * 1024
# After a load: where glibc's own sliding thresholds settle in a process that frees large arrays
# (the mmap threshold grows to the size of each one freed, up to 32 MB on 64-bit systems, and the
# trim threshold follows at twice it). Set explicitly, they slide no more: set back to the 128 KB
# start, every search's temporary arrays (8 MB each at a million entries) got fresh mappings and
# their pages faulted in again on every search: search p95 at 1,000,000 entries went from 35 to
# 60 ms and a warm load at 100,000 from 122 to 188 ms.
AFTER_LOAD_MMAP_THRESHOLD = 32 * 1024 * 1024
AFTER_LOAD_TRIM_THRESHOLD = 2 * AFTER_LOAD_MMAP_THRESHOLD


def _glibc():
    """The C library when it is glibc (it has ``mallopt`` and ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - present in glibc only (musl has no such function)
        libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
        libc.malloc_trim.argtypes = (ctypes.c_size_t,)
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


def return_freed() -> None:
    """Gives the heap's free pages back to the system (between a load's stages, whose transients
    would otherwise sit under the next stage's peak), and Arrow's own allocator its free pages:
    it keeps what it freed for reuse (the pieces of each text column the loader joins), which
    after a cold load of 100,000 entries was 69 MB resident that the index did not use."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    arrow = sys.modules.get("pyarrow")  # never imported for this: without it there is nothing to free
    if arrow is not None:
        arrow.default_memory_pool().release_unused()


@contextlib.contextmanager
def freed_memory_returned() -> Iterator[None]:
    """Around a cold load: large blocks mapped on their own while it runs, the heap trimmed after."""
    libc = _LIBC
    if libc is None:
        yield
        return
    libc.mallopt(M_MMAP_THRESHOLD, LOAD_MMAP_THRESHOLD)
    try:
        yield
    finally:
        libc.mallopt(M_MMAP_THRESHOLD, AFTER_LOAD_MMAP_THRESHOLD)
        libc.mallopt(M_TRIM_THRESHOLD, AFTER_LOAD_TRIM_THRESHOLD)
        return_freed()
