"""The ``export`` command: the directory as an Open Referral HSDS data package."""

from __future__ import annotations

import sys

from navigator.cli.common import directory_of
from navigator.formats.hsds.export import export_hsds


def export_hsds_package(arguments) -> int:
    directory = directory_of(arguments)
    version = getattr(arguments, "version", None) or "1.1"
    try:
        count = export_hsds(directory, arguments.out, version=version)
    except ValueError as error:
        print(error, file=sys.stderr)
        print(f"navigator: {directory} has problems; nothing was exported", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"navigator: cannot write {arguments.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"exported {count} entries to {arguments.out} as an HSDS {version} data package")
    return 0
