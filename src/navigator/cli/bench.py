"""The ``bench`` command: runs the performance benchmark and prints its figures and targets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from navigator.bench.report import format_table
from navigator.bench.runner import run_benchmark


def run(arguments) -> int:
    def progress(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    if arguments.storage:
        from navigator.bench.storage import format_storage, run_storage_benchmark
        from navigator.settings import load_settings

        report = run_storage_benchmark(load_settings().database_url, progress)
        print(json.dumps(report, indent=2) if arguments.json else format_storage(report))
        return 0
    report = run_benchmark(arguments.sizes, progress, app=Path(arguments.app))
    print(json.dumps(report, indent=2) if arguments.json else format_table(report))
    return 0
