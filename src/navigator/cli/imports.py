"""The ``import`` commands: each reads its source into an ``ImportBatch`` and the runner merges it into
the ``--out`` folder.

Each importer is a conversion from its source to an ``ImportBatch`` (entries plus every record
skipped or repaired, with the reason); ``runner.run_import`` merges a batch into a folder. A
source that cannot be read at all stops the command with exit 1 before anything is written.
Importers are loaded when their command runs, so ``python -m navigator search`` does not pay for them.
"""

from __future__ import annotations

import sys

from navigator.directory.problems import DirectoryError
from navigator.formats.batch import UnreadableSource
from navigator.formats.runner import run_import


def import_samhsa(arguments) -> int:
    from navigator.formats.samhsa import read_samhsa

    return _run(lambda: read_samhsa(arguments.file), arguments.out)


def import_hsds(arguments) -> int:
    from navigator.formats.hsds.entries import read_hsds

    return _run(lambda: read_hsds(arguments.path), arguments.out)


def import_meeting_guide(arguments) -> int:
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
