"""Why a search found nothing: which one filter, dropped alone, would bring results back.

A coach who gets "nothing found" for Spanish + NA + tonight needs to know which of the three
emptied the list, not a generic offer to drop everything. Each active filter is dropped in turn
and the search counted again (a few vectorised searches, each milliseconds); the filters whose
removal finds something are named, with how many it would find. Returns codes, never words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from navigator.directory.index import Directory
from navigator.search.engine import search
from navigator.search.places import Place
from navigator.search.share import DEFAULT_RADIUS, SearchSettings, to_query


@dataclass(frozen=True)
class Relaxation:
    """One filter of a search, and what the search finds without it."""

    kind: str  # "need" (``value`` is the code), "language", "when", "time", "radius", "remote"
    value: str  # the need code, language code, when key, time key or radius key dropped
    settings: SearchSettings  # the same search without that one filter
    total: int  # how many it finds


def _without_each(settings: SearchSettings) -> list[tuple[str, str, SearchSettings]]:
    dropped = [
        ("need", code, replace(settings, needs=tuple(need for need in settings.needs if need != code)))
        for code in settings.needs
    ]
    if settings.language:
        dropped.append(("language", settings.language, replace(settings, language=None)))
    if settings.when != "any":
        dropped.append(("when", settings.when, replace(settings, when="any")))
    if settings.time != "any":
        dropped.append(("time", settings.time, replace(settings, time="any")))
    if settings.radius not in ("any",):
        wider = "any" if settings.radius == DEFAULT_RADIUS else DEFAULT_RADIUS
        dropped.append(("radius", settings.radius, replace(settings, radius=wider)))
    if not settings.remote:
        dropped.append(("remote", "0", replace(settings, remote=True)))
    return dropped


def relaxations(directory: Directory, settings: SearchSettings, place: Place, now: dt.datetime) -> list[Relaxation]:
    """Each filter whose removal alone finds results, most results first (the search as given
    is expected to find none). Empty when no single filter is to blame."""
    found = []
    for kind, value, looser in _without_each(settings):
        query, at = to_query(looser, place, now, limit=0)
        total = search(directory, query, now=at, place=place).total
        if total:
            found.append(Relaxation(kind, value, looser, total))
    return sorted(found, key=lambda relaxation: -relaxation.total)
