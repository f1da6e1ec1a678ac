"""The ``bench`` command: runs the performance benchmark and prints its figures and targets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from navigator.bench.plan import MILLION
from navigator.bench.report import format_table
from navigator.bench.runner import run_benchmark


def run(arguments) -> int:
    def progress(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    sizes = tuple(arguments.sizes) + ((MILLION,) if arguments.million and MILLION not in arguments.sizes else ())
    report = run_benchmark(sizes, progress, app=Path(arguments.app))
    print(json.dumps(report, indent=2) if arguments.json else format_table(report))
    return 0
