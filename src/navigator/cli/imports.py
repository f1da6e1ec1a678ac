"""The ``import`` commands: each reads its source into an ``ImportBatch`` and the runner merges it into
the ``--out`` folder.

Each importer is a conversion from its source to an ``ImportBatch`` (entries plus every record
skipped or repaired, with the reason); ``runner.run_import`` merges a batch into a folder. A
source that cannot be read at all stops the command with exit 1 before anything is written.
Importers are loaded when their command runs, so ``python -m navigator search`` does not pay for them.
Every source may be an http(s) URL: it is fetched (``formats.fetch``) into a scratch folder first, and
a live feed's entries are listed as of the fetch.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from navigator.directory.problems import DirectoryError
from navigator.formats import progress
from navigator.formats.batch import UnreadableSource
from navigator.formats.fetch import FetchError, is_url, local_copy, with_fetch_time
from navigator.formats.runner import run_import


def import_samhsa(arguments) -> int:
    from navigator.formats.samhsa import read_samhsa

    return _run(read_samhsa, arguments.file, arguments.out, quiet=arguments.quiet)


def import_hsds(arguments) -> int:
    from navigator.formats.hsds.entries import read_hsds

    # A paginated API list fetched from a URL brings its further pages from there.
    source_url = arguments.path if is_url(arguments.path) else None
    return _run(
        lambda path: read_hsds(path, source_url=source_url), arguments.path, arguments.out, quiet=arguments.quiet
    )


def import_meeting_guide(arguments) -> int:
    from navigator.formats.meeting_guide import read_meeting_guide

    return _run(
        lambda path: read_meeting_guide(path, fellowship=arguments.fellowship),
        arguments.file,
        arguments.out,
        quiet=arguments.quiet,
    )


def import_findtreatment(arguments) -> int:
    from navigator.formats.findtreatment import read_findtreatment

    source_url = arguments.file if is_url(arguments.file) else None
    return _run(
        lambda path: read_findtreatment(path, source_url=source_url), arguments.file, arguments.out, arguments.quiet
    )


def import_bmlt(arguments) -> int:
    from navigator.formats.bmlt import read_bmlt

    return _run(lambda path: read_bmlt(path, formats=arguments.formats), arguments.file, arguments.out, arguments.quiet)


def import_oiaa(arguments) -> int:
    from navigator.formats.oiaa import read_oiaa

    return _run(read_oiaa, arguments.file, arguments.out, quiet=arguments.quiet)


def _run(read, location: str, out, quiet: bool = False) -> int:
    """Read ``location`` (a path, or an http(s) URL fetched first) with ``read`` and merge it into ``out``;
    progress goes to a terminal's stderr unless ``quiet``."""
    try:
        with progress.reporting(Path(str(location)).name or str(location), quiet=quiet):
            with tempfile.TemporaryDirectory(prefix="navigator-import-") as scratch:
                path, fetched = local_copy(location, Path(scratch))
                batch = with_fetch_time(read(path), fetched)
            run_import(batch, out, say=progress.say)
    except (UnreadableSource, FetchError) as error:
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
