"""What every command shares: the parser that turns mistakes into exit 2, the directory a command
works on, and the argument types.

Exit codes (../shared/CONTRACT.md): 0 success; 1 the data or source has problems (listed); 2 the call
itself is wrong, with a one-line reason on stderr. Bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from navigator.directory.loader import load_directory
from navigator.directory.overlay import overlay
from navigator.directory.problems import DirectoryError
from navigator.settings import load_settings


class UsageError(Exception):
    """The call is wrong (exit 2): a bad flag, an unknown code, a place not found."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def directory_of(arguments) -> str:
    """The --directory given, else the configured one (``NAVIGATOR_DIRECTORY``, default ``directory``)."""
    if getattr(arguments, "directory", None):
        return arguments.directory
    return str(load_settings().directory)


def load_or_report(arguments):
    """The loaded directory, or None after listing its problems on stderr (exit 1).

    With a database (``NAVIGATOR_DATABASE_URL``), the changes approved there are in it, as every
    server serves it; when the database cannot be reached, the files alone (said on stderr)."""
    directory = directory_of(arguments)
    overrides = {}
    url = load_settings().database_url
    if url:
        from navigator.review.pg_store import PostgresSuggestionStore  # only with a database
        from navigator.review.storage import StorageUnavailable

        try:
            overrides = overlay(directory, PostgresSuggestionStore(url).entry_changes()).encoded()
        except StorageUnavailable as error:
            print(f"navigator: without the changes approved in the database ({error})", file=sys.stderr)
    try:
        return load_directory(directory, overrides=overrides)
    except DirectoryError as error:
        for line in error.report.lines():
            print(line, file=sys.stderr)
        return None


def radius(text: str) -> float | None:
    if text.lower() in ("any", "none"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of miles (or 'any')") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("the radius cannot be negative")
    return value


def instant(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO 8601 time like 2026-11-23T19:30-07:00") from None


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)
