"""Checks an import against the source it came from: search the imported directory, and compare
with a brute-force pass over the source rows that shares no code with the importer or the index.

Each importer test builds its own reference rows ``(key, latitude, longitude, codes)`` straight
from the source file; ``assert_search_matches`` then runs the navigator's search and demands the
same set, so a row mapped to the wrong place or the wrong need shows up as a difference.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from navigator.directory.loader import load_directory
from navigator.search.engine import Query, search

EARTH_RADIUS_MILES = 3958.8  # the contract's sphere
# The contract's payment codes: a filter for how to pay never hides a free service (issue 14).
PAYMENT_CODES = frozenset(
    {"medicaid", "medicare", "private_insurance", "self_pay", "sliding_fee", "military_insurance", "ihs_tribal"}
)


@dataclass(frozen=True)
class SourceRow:
    key: str  # what the imported entry carries as source_id (or another stable field)
    latitude: float
    longitude: float
    codes: frozenset[str]  # the need codes the contract maps the row's vocabulary to


def miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle miles, written out independently of navigator.search."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def meets(codes: frozenset[str], need: str) -> bool:
    return need in codes or (need in PAYMENT_CODES and "free" in codes)


def expected(rows: Iterable[SourceRow], lat: float, lon: float, radius: float, needs: tuple[str, ...]) -> Counter:
    return Counter(
        row.key
        for row in rows
        if miles(lat, lon, row.latitude, row.longitude) <= radius and all(meets(row.codes, need) for need in needs)
    )


def found(
    folder: Path,
    near: str,
    radius: float,
    needs: tuple[str, ...],
    key: Callable[[object], str],
    cache_dir: Path,
    **query,
) -> Counter:
    """The keys of what the navigator's search returns (physical entries only), every match."""
    directory = load_directory(folder, cache_dir=cache_dir, use_cache=False)
    result = search(directory, Query(near=near, radius=radius, needs=needs, limit=None, include_remote=False, **query))
    return Counter(key(directory, hit) for hit in result.hits)


def json_documents(keys):
    """Any JSON document (hypothesis), with mappings keyed by a source's own field names so that
    the importer gets past its first checks."""
    from hypothesis import strategies as st

    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(keys), children, max_size=6),
        max_leaves=25,
    )


def assert_entries_or_one_clear_error(parse, document) -> None:
    """``parse`` of ``document`` as JSON text gives a batch that accounts for every record, or one
    UnreadableSource of a single line: never a traceback."""
    import json

    from navigator.formats.batch import UnreadableSource

    try:
        batch = parse(json.dumps(document))
    except UnreadableSource as error:
        assert "\n" not in str(error)
    else:
        assert batch.read == len(batch.records) + len(batch.skipped)
