"""The loader's on-disk cache of one directory: each file's checked and indexed result (written
record by record as a cold load reads the files), and the assembled index, each keyed so that a
stale one is never used.

The index is stored with pickle's out-of-band buffers and read back from a memory mapping of the
file (see ``DirectoryCache.store_index``), so a warm load copies none of its arrays.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

from navigator.directory.index import Directory
from navigator.files import atomic_file, write_atomic_with


class DirectoryCache:
    """The on-disk cache of one directory: per-file results and the assembled index."""

    def __init__(self, cache_dir: Path, directory: Path):
        key = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
        self.folder = cache_dir / f"directory-{key}"
        self.files_path = self.folder / "files.pickle"
        self.index_path = self.folder / "index.pickle"

    def index(self, signature: str) -> Directory | None:
        """The index stored under ``signature``, its arrays and packed entries read in place from
        the mapped file (see ``store_index``), or None."""
        try:
            with open(self.index_path, "rb") as handle:
                if pickle.load(handle) != signature:
                    return None
                stream_length, places = pickle.load(handle)
                data_at = _aligned(handle.tell())
                mapped = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
            if any(data_at + start + length > len(mapped) for start, length in [(0, stream_length), *places]):
                return None  # cut short: a slice past the end would be shorter, not an error
            return pickle.loads(
                mapped[data_at : data_at + stream_length],
                buffers=[mapped[data_at + start : data_at + start + length] for start, length in places],
            )
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # a missing or stale cache is simply rebuilt

    def store_index(self, signature: str, directory: Directory) -> None:
        """Stores the index with pickle's out-of-band buffers: the pickle stream holds the Python
        objects, and every array, Arrow buffer and file's packed entries follows it as raw bytes,
        each at an aligned place. ``index`` maps the file and unpickles with those places as the
        buffers, so a warm load copies none of them (the page cache serves them when a search
        first touches them): read whole and unpickled in one piece, the 98 MB index of 100,000
        entries took most of a warm load in reading and copying. A mapping stays valid when a
        later load replaces the file: ``write_atomic_with`` renames a new file into place and
        never writes into the old one."""
        buffers: list[pickle.PickleBuffer] = []
        stream = pickle.dumps(directory, protocol=5, buffer_callback=buffers.append)
        places, at = [], _aligned(len(stream))  # counted from where the stream starts
        for buffer in buffers:
            length = buffer.raw().nbytes
            places.append((at, length))
            at = _aligned(at + length)

        def dump(handle) -> None:
            pickle.dump(signature, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((len(stream), places), handle, protocol=pickle.HIGHEST_PROTOCOL)
            data_at = _aligned(handle.tell())
            handle.write(bytes(data_at - handle.tell()))
            handle.write(stream)
            for (start, _), buffer in zip(places, buffers, strict=True):
                handle.write(bytes(data_at + start - handle.tell()))
                handle.write(buffer.raw())

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic_with(self.index_path, dump)
        except OSError:
            pass  # a read-only cache folder costs speed, never correctness

    def files(self, context: str) -> dict[str, tuple]:
        """The per-file records ``writing_files`` stored under ``context`` (none under another), by
        path relative to the directory: (stamp, digest, result)."""
        try:
            with open(self.files_path, "rb") as handle:
                if pickle.load(handle) != context:
                    return {}
                records = {}
                while (item := pickle.load(handle)) is not None:
                    if not (isinstance(item, tuple) and len(item) == 4 and isinstance(item[3], bytes)):
                        return {}  # another layout of the cache
                    relative, stamp, digest, pickled = item
                    records[relative] = (stamp, digest, pickle.loads(pickled))
                return records
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}  # a missing or stale cache is simply rebuilt

    @contextlib.contextmanager
    def writing_files(self, context: str) -> Iterator[Callable[..., None]]:
        """A function storing one file's record, ``store(relative, stamp, digest, result,
        pickled=None)``, in the per-file cache, each written on its own as it comes, so a cold
        load need not hold every record until the end (a million entries' took 1.44 GB, and
        pickling them in one go 0.34 GB more); the cache is replaced when the block ends without
        an exception. ``pickled``: ``result`` already pickled (a loading worker's own pickle of
        it, as it sent it), written as it is: pickling every result again here took the loading
        process 0.85 s of CPU at 100,000 entries. A cache that cannot be written (a read-only
        folder, a full disk) is left as it was: that costs speed, never correctness."""
        failed: list[OSError] = []

        def store(relative: str, stamp: tuple, digest: str, result, pickled: bytes | None = None) -> None:
            if not failed:
                if pickled is None:
                    pickled = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
                try:
                    # The result as bytes in the record: pickle writes bytes this long straight
                    # to the file, and a record is read back (``files``) in two plain steps.
                    pickle.dump((relative, stamp, digest, pickled), handle, protocol=pickle.HIGHEST_PROTOCOL)
                except OSError as error:
                    failed.append(error)

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            writing = atomic_file(self.files_path)
            handle = writing.__enter__()
        except OSError:
            yield store_nothing
            return
        try:
            pickle.dump(context, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as error:
            failed.append(error)
        try:
            yield store
        except BaseException as error:  # the load's own: the old cache stays
            writing.__exit__(type(error), error, error.__traceback__)
            raise
        if not failed:
            try:
                pickle.dump(None, handle, protocol=pickle.HIGHEST_PROTOCOL)  # the end of the records
            except OSError as error:
                failed.append(error)
        if failed:
            writing.__exit__(OSError, failed[0], None)  # removes the unfinished file
            return
        with contextlib.suppress(OSError):
            writing.__exit__(None, None, None)


def store_nothing(relative: str, stamp: tuple, digest: str, result, pickled: bytes | None = None) -> None:
    """Where no per-file cache is written (none asked for, or none can be)."""


# Each out-of-band buffer of the index cache starts at a multiple of this (a cache line, and more
# than any array's element needs).
_ALIGNMENT = 64


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGNMENT) * _ALIGNMENT
