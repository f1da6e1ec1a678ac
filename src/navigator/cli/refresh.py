"""The ``refresh`` command: keep the directory's imported sources fresh (``formats.refresh``).

Exit 0 when every due source refreshed; 1 when the sources file has problems (all listed) or any
source failed (each named with its reason; its last good data kept); 2 when there is no sources
file or ``--only`` names no source in it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from navigator.cli.common import UsageError, directory_of
from navigator.formats import progress
from navigator.formats.refresh import refresh
from navigator.formats.sources import load_sources
from navigator.settings import load_settings


def run(arguments) -> int:
    directory = Path(directory_of(arguments))
    settings = load_settings()
    if arguments.sources:
        sources_file = Path(arguments.sources)
    elif settings.sources is not None:
        sources_file = settings.sources
    else:
        sources_file = directory.resolve().parent / "sources.yaml"
    if not sources_file.is_file():
        raise UsageError(f"no sources file at {sources_file} (give one with --sources; its format is in the README)")
    sources, report = load_sources(sources_file)
    if not report.ok:
        for line in report.lines():
            print(line, file=sys.stderr)
        return 1
    if arguments.only and arguments.only not in {source.name for source in sources}:
        names = ", ".join(source.name for source in sources) or "none"
        raise UsageError(f"no source named '{arguments.only}' in {sources_file} (it lists: {names})")
    say = (lambda line: None) if arguments.quiet else progress.say
    with progress.reporting("refresh", quiet=arguments.quiet):
        results = refresh(sources, directory, sources_file, only=arguments.only, say=say)
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(f"navigator: source {result.name} failed: {result.reason}", file=sys.stderr)
    return 1 if failed else 0
