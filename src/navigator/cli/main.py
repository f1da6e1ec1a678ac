"""The command line, ``python -m navigator COMMAND`` (../shared/CONTRACT.md): every command is registered
here, in one place; each command's work is in its own module of this package.

Exit codes: 0 success; 1 the data or source has problems (listed); 2 the call itself is wrong,
with a one-line reason on stderr. Bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from navigator.bench.plan import DEFAULT_SIZES
from navigator.bench.runner import sizes_argument
from navigator.cli import bench, database, directory, export, imports, refresh, review
from navigator.cli.common import Parser, UsageError, instant, positive, radius
from navigator.directory.schema import FELLOWSHIPS
from navigator.review.decisions import VERIFY_METHODS
from navigator.search.engine import SORTS


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m navigator", description="Recovery Navigator")
    parser.add_argument("--directory", help="the directory of YAML entries (default: directory/)")
    # Accepted after the command too; SUPPRESS keeps a sub-command from resetting the global value.
    common = Parser(add_help=False)
    common.add_argument("--directory", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    _directory_commands(commands, common)
    _import_commands(commands, common)
    _refresh_command(commands, common)
    _export_commands(commands, common)
    _review_commands(commands, common)
    _database_commands(commands, common)
    _bench_command(commands, common)
    return parser


def _directory_commands(commands, common) -> None:
    validate = commands.add_parser("validate", parents=[common], help="check every YAML file in a directory")
    validate.add_argument("target", nargs="?", help="the directory to check (default: --directory)")
    validate.set_defaults(run=directory.validate)

    finder = commands.add_parser("search", parents=[common], help="find resources near a place")
    finder.add_argument("--near", required=True, help='a ZIP, "City, ST" or "LAT,LON"')
    finder.add_argument("--radius", type=radius, default=25.0, help="miles (default 25), or 'any'")
    finder.add_argument("--need", action="append", default=[], help="a need code; repeat for more (all must hold)")
    finder.add_argument("--language", help="an ISO 639-1 language code, like es")
    finder.add_argument("--text", help="words that must appear in the name, organization or description")
    finder.add_argument("--open-at", type=instant, help="only what is open (meetings: in session) then")
    finder.add_argument("--sort", choices=SORTS, default="rank")
    finder.add_argument("--limit", type=positive, default=50)
    finder.add_argument("--format", choices=("table", "json"), default="table")
    finder.set_defaults(run=directory.run_search)


def _import_commands(commands, common) -> None:
    importer = commands.add_parser("import", parents=[common], help="import a source in one of the field's formats")
    sources = importer.add_subparsers(dest="source", required=True, parser_class=Parser)
    # Every import: where to write, and whether to show progress on a terminal.
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--out", required=True, help="the folder to write the entries into")
    out.add_argument("--quiet", action="store_true", help="no progress on the terminal")
    common = argparse.ArgumentParser(add_help=False, parents=[common, out])

    samhsa = sources.add_parser("samhsa", parents=[common], help="a SAMHSA treatment-locator CSV export")
    samhsa.add_argument("file", help="the CSV file, or its http(s) URL")
    samhsa.set_defaults(run=imports.import_samhsa)

    hsds = sources.add_parser("hsds", parents=[common], help="an Open Referral HSDS 1.x data package")
    hsds.add_argument("path", help="the folder with datapackage.json and CSV tables, or its .zip")
    hsds.set_defaults(run=imports.import_hsds)

    meetings = sources.add_parser("meeting-guide", parents=[common], help="a Meeting Guide JSON feed")
    meetings.add_argument("file", help="the JSON feed, or its http(s) URL")
    meetings.add_argument(
        "--fellowship",
        choices=FELLOWSHIPS,
        help="the fellowship of every meeting (default: inferred from the feed, else other)",
    )
    meetings.set_defaults(run=imports.import_meeting_guide)

    findtreatment = sources.add_parser(
        "findtreatment", parents=[common], help="FindTreatment.gov's facility listing (CSV/XLSX) or API JSON"
    )
    findtreatment.add_argument("file", help="the listing or API reply, or its http(s) URL")
    findtreatment.set_defaults(run=imports.import_findtreatment)

    bmlt = sources.add_parser("bmlt", parents=[common], help="NA's meeting server (BMLT) GetSearchResults JSON")
    bmlt.add_argument("file", help="the search results, or their http(s) URL")
    bmlt.add_argument("--formats", help="the server's format list (GetFormats JSON), when not in the results")
    bmlt.set_defaults(run=imports.import_bmlt)

    oiaa = sources.add_parser("oiaa", parents=[common], help="the online intergroup's meeting JSON")
    oiaa.add_argument("file", help="the meeting list, or its http(s) URL")
    oiaa.set_defaults(run=imports.import_oiaa)


def _refresh_command(commands, common) -> None:
    refreshing = commands.add_parser("refresh", parents=[common], help="fetch and import every due source")
    refreshing.add_argument("--sources", help="the sources file (default: sources.yaml beside the directory)")
    refreshing.add_argument("--only", help="refresh only this source (even when it is not due)")
    refreshing.add_argument("--quiet", action="store_true", help="print only failures")
    refreshing.set_defaults(run=refresh.run)


def _export_commands(commands, common) -> None:
    exporter = commands.add_parser("export", parents=[common], help="write the directory in an open format")
    formats = exporter.add_subparsers(dest="format", required=True, parser_class=Parser)
    hsds = formats.add_parser("hsds", parents=[common], help="an Open Referral HSDS data package (1.1 or 3.0)")
    hsds.add_argument("--out", required=True, help="the folder to write datapackage.json and the CSV tables into")
    hsds.add_argument("--version", choices=("1.1", "3.0"), default="1.1", help="the HSDS version (default 1.1)")
    hsds.set_defaults(run=export.export_hsds_package)


def _review_commands(commands, common) -> None:
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data-dir", help="the suggestions and audit log (default: $NAVIGATOR_DATA_DIR or data/)")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--reviewer", default=None, help="your name for the audit log (default: your login name)")

    reviewing = commands.add_parser("review", parents=[common], help="review suggested updates")
    actions = reviewing.add_subparsers(dest="action", required=True, parser_class=Parser)
    listing = actions.add_parser("list", parents=[common, data], help="pending suggestions, oldest first")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=review.list_pending)
    show = actions.add_parser("show", parents=[common, data], help="one suggestion, field by field")
    show.add_argument("reference")
    show.set_defaults(run=review.show)
    approve = actions.add_parser("approve", parents=[common, data, who], help="write a suggestion into the directory")
    approve.add_argument("reference")
    approve.add_argument(
        "--override", action="store_true", help="approve even fields changed in the directory since the suggestion"
    )
    approve.set_defaults(run=review.approve)
    reject = actions.add_parser("reject", parents=[common, data, who], help="turn a suggestion down")
    reject.add_argument("reference")
    reject.add_argument("--reason", required=True, help="why, in words the organization will read")
    reject.set_defaults(run=review.reject)
    verify = actions.add_parser("verify", parents=[common, data, who], help="record that an entry was confirmed")
    verify.add_argument("entry_id")
    verify.add_argument("--how", required=True, choices=tuple(VERIFY_METHODS))
    verify.add_argument("--on", type=dt.date.fromisoformat, default=None, help="the date (default: today)")
    verify.set_defaults(run=review.verify)
    stale = actions.add_parser("stale", parents=[common, data], help="the entries verified longest ago")
    stale.add_argument("--limit", type=positive, default=25)
    stale.set_defaults(run=review.stale)

    hasher = commands.add_parser("hash-password", help="make a reviewer password hash for the secrets file")
    hasher.add_argument("--stdin", action="store_true", help="read the password from standard input (no prompt)")
    hasher.set_defaults(run=review.hash_password)


def _database_commands(commands, common) -> None:
    db = commands.add_parser("db", parents=[common], help="the PostgreSQL database (NAVIGATOR_DATABASE_URL)")
    actions = db.add_subparsers(dest="action", required=True, parser_class=Parser)
    upgrade = actions.add_parser("upgrade", parents=[common], help="create or migrate the schema (idempotent)")
    upgrade.set_defaults(run=database.db_upgrade)

    publisher = commands.add_parser(
        "publish", parents=[common], help="write the approved changes held in the database into the YAML files"
    )
    publisher.add_argument("--no-commit", action="store_true", help="write the files but make no git commit")
    publisher.set_defaults(run=database.run_publish)


def _bench_command(commands, common) -> None:
    measure = commands.add_parser("bench", parents=[common], help="the performance benchmark")
    measure.add_argument("--json", action="store_true", help="print the figures as JSON")
    measure.add_argument(
        "--sizes",
        type=sizes_argument,
        default=DEFAULT_SIZES,
        help="directory sizes to measure, comma-separated (default 1000,10000,100000)",
    )
    measure.add_argument(
        "--million", action="store_true", help="also measure 1,000,000 entries (many minutes; peak memory near 2 GB)"
    )
    measure.add_argument("--app", default="app.py", help="the Streamlit app script to time (default: app.py here)")
    measure.add_argument(
        "--import-rows",
        type=int,
        default=None,
        help="rows of each source format to time importing (default: the largest size, at most 10000; 0: none)",
    )
    measure.add_argument(
        "--storage",
        action="store_true",
        help="measure shared state instead: submissions per second and approval-to-visible latency, on files "
        "and on PostgreSQL (NAVIGATOR_DATABASE_URL)",
    )
    measure.set_defaults(run=bench.run)


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = build_parser().parse_args(argv)
        return arguments.run(arguments)
    except UsageError as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
