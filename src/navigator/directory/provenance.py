"""When an entry was last vouched for, as staleness and ranking judge it.

An entry carries up to three dates (directory/README.md): ``last_verified``, the strongest date
anyone vouched for the listing — a person's confirmation (``review verify``), or for an imported
entry the date its source listed it as of; ``listed_as_of``, the source's date (the fetch of a
live feed, or a static export's own date; ``unknown`` when the source gives none); and
``last_changed``, the row's own last edit in the source, which says nothing about whether the
listing is still true. Staleness and ranking judge ``last_verified``; an undated listing counts as
the oldest there is.
"""

from __future__ import annotations

import datetime as dt

from navigator.directory.schema import UNDATED

__all__ = ["UNDATED", "UNDATED_DAY", "vouched_on", "vouched_or_oldest"]

UNDATED_DAY = dt.date(1900, 1, 1)  # what an undated listing sorts and ages as


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def vouched_on(entry: dict) -> dt.date | None:
    """The date the listing was last vouched for, or None when nobody and no source dated it."""
    return _day(entry.get("last_verified"))


def vouched_or_oldest(entry: dict) -> dt.date:
    return vouched_on(entry) or UNDATED_DAY


def last_changed(entry: dict) -> dt.date | None:
    return _day(entry.get("last_changed"))


def listed_as_of(entry: dict) -> dt.date | None:
    return _day(entry.get("listed_as_of"))
