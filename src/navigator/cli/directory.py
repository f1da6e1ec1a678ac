"""The directory's own commands: ``validate`` (every problem, FILE:LINE) and ``search`` (the app's search)."""

from __future__ import annotations

import json
import sys
from zoneinfo import ZoneInfo

from navigator.cli.common import UsageError, directory_of, load_or_report
from navigator.directory.loader import check_directory
from navigator.search.engine import Query, UnknownCode, search
from navigator.search.geocoder import configured_geocoder
from navigator.search.links import address_text
from navigator.search.places import PlaceNotFound
from navigator.search.wording import hit_timing


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
    viewer = ZoneInfo(result.place.timezone) if result.place.timezone else None
    vocabulary = directory.vocabulary
    for number, hit in enumerate(result.hits, 1):
        print(_table_row(directory, number, hit, result.at, viewer, vocabulary))
    return 0


def _table_row(directory, number: int, hit, at, viewer, vocabulary) -> str:
    """A result for people: name, kind and when in plain words, then its phone and address, then
    the needs it matched by name ("Buprenorphine (Suboxone, Sublocade)", not "buprenorphine")."""
    distance = "remote" if hit.distance_miles is None else f"{hit.distance_miles:5.1f} mi"
    category = vocabulary.categories.get(hit.category)
    kind = category.label if category else hit.category
    when = hit_timing(hit, at, viewer) or "hours unknown"
    flags = " [stale: call to confirm]" if hit.stale else ""
    flags += " [sample]" if hit.sample else ""
    lines = [f"{number:3}. {distance:>8}  {hit.name} — {kind} — {when}{flags}"]
    entry = directory.entries[hit.row]
    contact = [part for part in (hit.phone, address_text(entry.get("location"))) if part]
    if contact:
        lines.append(f"{'':15}{' · '.join(contact)}")
    if hit.matched:
        lines.append(f"{'':15}matches: {', '.join(vocabulary.label(code) for code in hit.matched)}")
    return "\n".join(lines)
