"""The ``bench`` command: runs the performance benchmark and prints its figures and targets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from navigator.bench.imports import DEFAULT_ROWS, format_imports, measure_imports
from navigator.bench.plan import MILLION
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
    sizes = tuple(arguments.sizes) + ((MILLION,) if arguments.million and MILLION not in arguments.sizes else ())
    report = run_benchmark(sizes, progress, app=Path(arguments.app))
    # As many rows as the largest directory measured, at most 10,000: a quick run stays quick.
    rows = arguments.import_rows if arguments.import_rows is not None else min(DEFAULT_ROWS, max(arguments.sizes))
    if rows:
        report["imports"] = measure_imports(rows, progress)
    table = format_table(report) + ("\n\n" + format_imports(report["imports"]) if "imports" in report else "")
    print(json.dumps(report, indent=2) if arguments.json else table)
    return 0
