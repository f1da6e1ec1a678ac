"""The import figure of the benchmark: every format's generator writes rows its importer takes whole."""

from __future__ import annotations

import json

from navigator.bench.imports import FORMATS, format_imports, measure_imports
from navigator.cli.main import main


def test_every_format_imports_all_of_its_synthetic_rows():
    results = measure_imports(rows=120)

    assert list(results) == [source.name for source in FORMATS]
    for name, figures in results.items():
        assert (figures["imported"], figures["skipped"]) == (120, 0), name
        assert figures["total_ms"] >= figures["read_ms"] > 0 and figures["cpu_ms"] > 0


def test_the_table_names_every_format_with_its_rows_per_second():
    table = format_imports(measure_imports(rows=30))

    assert table.splitlines()[0].startswith("importing 30 rows")
    assert [line.split()[0] for line in table.splitlines()[1:]] == [source.name.split()[0] for source in FORMATS]


def test_the_bench_command_adds_the_import_figures_at_the_rows_asked(capsys):
    assert main(["bench", "--json", "--sizes", "40", "--import-rows", "25", "--app", "missing.py"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert {figures["rows"] for figures in report["imports"].values()} == {25}
