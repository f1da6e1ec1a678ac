"""The command line: ``python -m navigator COMMAND`` (see ../shared/CONTRACT.md).

Exit codes: 0 success; 1 the data or source has problems (listed); 2 the call itself is wrong,
with a one-line reason on stderr. Bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from navigator.bench import runner as bench
from navigator.cli import review as review_cli
from navigator.directory.index import check_directory, load_directory
from navigator.directory.problems import DirectoryError
from navigator.formats import hsds_export
from navigator.formats import importing as importers
from navigator.search.engine import SORTS, Query, UnknownCode, search
from navigator.search.places import PlaceNotFound, configured_geocoder
from navigator.settings import load_settings


class UsageError(Exception):
    """The call is wrong (exit 2): a bad flag, an unknown code, a place not found."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def directory_of(arguments) -> str:
    """The --directory given, else the configured one (``NAVIGATOR_DIRECTORY``, default ``directory``)."""
    if arguments.directory:
        return arguments.directory
    return str(load_settings().directory)


def _validate(arguments) -> int:
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


def load_or_report(arguments):
    """The loaded directory, or None after listing its problems on stderr (exit 1)."""
    try:
        return load_directory(directory_of(arguments))
    except DirectoryError as error:
        for line in error.report.lines():
            print(line, file=sys.stderr)
        return None


def _radius(text: str) -> float | None:
    if text.lower() in ("any", "none"):
        return None
    try:
        radius = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of miles (or 'any')") from None
    if not radius >= 0:
        raise argparse.ArgumentTypeError("the radius cannot be negative")
    return radius


def _instant(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO 8601 time like 2026-11-23T19:30-07:00") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def _search(arguments) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m navigator", description="Recovery Navigator")
    parser.add_argument("--directory", help="the directory of YAML entries (default: directory/)")
    # Accepted after the command too; SUPPRESS keeps a sub-command from resetting the global value.
    common = _Parser(add_help=False)
    common.add_argument("--directory", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", parents=[common], help="check every YAML file in a directory")
    validate.add_argument("target", nargs="?", help="the directory to check (default: --directory)")
    validate.set_defaults(run=_validate)

    finder = commands.add_parser("search", parents=[common], help="find resources near a place")
    finder.add_argument("--near", required=True, help='a ZIP, "City, ST" or "LAT,LON"')
    finder.add_argument("--radius", type=_radius, default=25.0, help="miles (default 25), or 'any'")
    finder.add_argument("--need", action="append", default=[], help="a need code; repeat for more (all must hold)")
    finder.add_argument("--language", help="an ISO 639-1 language code, like es")
    finder.add_argument("--text", help="words that must appear in the name, organization or description")
    finder.add_argument("--open-at", type=_instant, help="only what is open (meetings: in session) then")
    finder.add_argument("--sort", choices=SORTS, default="rank")
    finder.add_argument("--limit", type=_positive, default=50)
    finder.add_argument("--format", choices=("table", "json"), default="table")
    finder.set_defaults(run=_search)
    importers.add_commands(commands, common)
    hsds_export.add_commands(commands, common)
    bench.configure_parser(commands.add_parser("bench", parents=[common], help="the performance benchmark"))
    review_cli.add_commands(commands, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = build_parser().parse_args(argv)
        return arguments.run(arguments)
    except UsageError as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
