"""Importers for the field's open formats, and the `import` command that runs them.

Each importer is a conversion from its source to an ``ImportBatch`` (entries plus every record
skipped or repaired, with the reason); ``runner.run_import`` merges a batch into a folder. A
source that cannot be read at all stops the command with exit 1 before anything is written.
"""

from __future__ import annotations

import argparse
import sys

from navigator.directory.problems import DirectoryError
from navigator.directory.schema import FELLOWSHIPS
from navigator.formats.batch import UnreadableSource
from navigator.formats.runner import run_import


def _import_samhsa(arguments) -> int:
    from navigator.formats.samhsa import read_samhsa

    return _run(lambda: read_samhsa(arguments.file), arguments.out)


def _import_hsds(arguments) -> int:
    from navigator.formats.hsds import read_hsds

    return _run(lambda: read_hsds(arguments.path), arguments.out)


def _import_meeting_guide(arguments) -> int:
    from navigator.formats.meeting_guide import read_meeting_guide

    return _run(lambda: read_meeting_guide(arguments.file, fellowship=arguments.fellowship), arguments.out)


def _run(read, out) -> int:
    try:
        run_import(read(), out)
    except UnreadableSource as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 1
    except DirectoryError as error:
        for line in error.report.lines():
            print(line, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"navigator: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``import samhsa|hsds|meeting-guide`` to the command line's sub-commands."""
    importer = commands.add_parser("import", parents=[common], help="import a SAMHSA, HSDS or Meeting Guide source")
    sources = importer.add_subparsers(dest="source", required=True, parser_class=type(importer))

    samhsa = sources.add_parser("samhsa", parents=[common], help="a SAMHSA treatment-locator CSV export")
    samhsa.add_argument("file", help="the CSV file")
    samhsa.add_argument("--out", required=True, help="the folder to write the entries into")
    samhsa.set_defaults(run=_import_samhsa)

    hsds = sources.add_parser("hsds", parents=[common], help="an Open Referral HSDS 1.x data package")
    hsds.add_argument("path", help="the folder with datapackage.json and CSV tables, or its .zip")
    hsds.add_argument("--out", required=True, help="the folder to write the entries into")
    hsds.set_defaults(run=_import_hsds)

    meetings = sources.add_parser("meeting-guide", parents=[common], help="a Meeting Guide JSON feed")
    meetings.add_argument("file", help="the JSON feed")
    meetings.add_argument("--out", required=True, help="the folder to write the entries into")
    meetings.add_argument(
        "--fellowship",
        choices=FELLOWSHIPS,
        help="the fellowship of every meeting (default: inferred from the feed, else other)",
    )
    meetings.set_defaults(run=_import_meeting_guide)
