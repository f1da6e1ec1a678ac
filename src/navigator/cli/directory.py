"""The directory's own commands: ``validate`` (every problem, FILE:LINE) and ``search`` (the app's search)."""

from __future__ import annotations

import json
import sys

from navigator.cli.common import UsageError, directory_of, load_or_report
from navigator.directory.loader import check_directory
from navigator.search.engine import Query, UnknownCode, search
from navigator.search.geocoder import configured_geocoder
from navigator.search.places import PlaceNotFound


def validate(arguments) -> int:
    target = arguments.target or directory_of(arguments)
    entries, report = check_directory(target)
    if report.ok:
        print(f"{len(entries)} entries OK")
        return 0
    for line in report.lines():
        print(line)
    count = len(report.problems)
    print(f"{count} problem{'s' if count != 1 else ''} in {target}", file=sys.stderr)
    return 1


def run_search(arguments) -> int:
    directory = load_or_report(arguments)
    if directory is None:
        return 1
    query = Query(
        near=arguments.near,
        radius=arguments.radius,
        needs=tuple(arguments.need),
        language=arguments.language,
        text=arguments.text,
        open_at=arguments.open_at,
        sort=arguments.sort,
        limit=arguments.limit,
    )
    try:
        result = search(directory, query, geocoder=configured_geocoder())
    except (PlaceNotFound, UnknownCode) as error:
        raise UsageError(str(error)) from None
    if arguments.format == "json":
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return 0
    print(
        f"{result.total} result{'s' if result.total != 1 else ''} near {result.place.label}"
        + (f" within {arguments.radius:g} miles" if arguments.radius is not None else "")
    )
    for number, hit in enumerate(result.hits, 1):
        distance = "remote" if hit.distance_miles is None else f"{hit.distance_miles:5.1f} mi"
        when = "open now" if hit.open_now else (f"next {hit.next_open:%a %H:%M}" if hit.next_open else "hours unknown")
        flags = " [stale]" if hit.stale else ""
        print(f"{number:3}. {distance:>8}  {hit.name} — {hit.category} — {when}{flags}")
        if hit.matched:
            print(f"{'':15}matches: {', '.join(hit.matched)}")
    return 0
