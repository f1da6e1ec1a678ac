"""How the index keeps its entries: marshalled, a block of them at a time compressed with zstd,
primed with ``segment.entry_dictionary`` (what nearly every entry repeats).

zstd instead of deflate: packing a file's 100 entries took a loading worker 0.9 ms with deflate
(a copy of the primed compressor's state for each block, then its flush) and 0.4 ms with zstd,
which refers to its prepared dictionary instead of copying it; reading a search hit's block back
takes about half as long; the packed size is the same (about 270 bytes an entry).

A zstd compressor or decompressor must not be used by two threads at once (the app's sessions
are threads sharing one index, and Streamlit runs each page run in a thread of its own): each
thread has its own pair, made on its first use of a dictionary (some tens of µs). The prepared
dictionary they refer to is read-only once made, so all threads share it: preparing it costs more.
"""

from __future__ import annotations

import threading

import zstandard

# zstd's fastest level above its "fast" ones: the fast levels (-1 and below) packed entries
# 12 % larger for a few percent less time, and level 3 was a third slower for 1 % smaller.
LEVEL = 1
# Dictionaries kept, prepared and per thread: one per vocabulary in use (a reload that changes
# the vocabulary brings a second); more means something made dictionaries in a loop.
_DICTIONARIES_KEPT = 4

_prepared: dict[bytes, zstandard.ZstdCompressionDict] = {}
_preparing = threading.Lock()
_codecs = threading.local()


def _prepared_for(dictionary: bytes) -> zstandard.ZstdCompressionDict:
    with _preparing:
        prepared = _prepared.get(dictionary)
        if prepared is None:
            if len(_prepared) >= _DICTIONARIES_KEPT:
                _prepared.clear()
            prepared = zstandard.ZstdCompressionDict(dictionary, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            prepared.precompute_compress(level=LEVEL)  # compressors refer to it, never copy it
            _prepared[dictionary] = prepared
        return prepared


def _codecs_for(dictionary: bytes) -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    kept = getattr(_codecs, "by_dictionary", None)
    if kept is None:
        kept = _codecs.by_dictionary = {}
    pair = kept.get(dictionary)
    if pair is None:
        if len(kept) >= _DICTIONARIES_KEPT:
            kept.clear()
        prepared = _prepared_for(dictionary)
        compressor = zstandard.ZstdCompressor(
            dict_data=prepared, write_checksum=False, write_dict_id=False, write_content_size=True
        )
        pair = kept[dictionary] = (compressor, zstandard.ZstdDecompressor(dict_data=prepared))
    return pair


def pack(data: bytes, dictionary: bytes) -> bytes:
    """``data`` compressed, to be read back by ``unpack`` with the same ``dictionary``."""
    return _codecs_for(dictionary)[0].compress(data)


def unpack(packed: bytes | memoryview, dictionary: bytes) -> bytes:
    """What ``pack`` was given; ``zstandard.ZstdError`` if ``packed`` is damaged or was packed
    with another dictionary."""
    return _codecs_for(dictionary)[1].decompress(packed)
