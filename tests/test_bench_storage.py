"""The shared-state benchmark reports submissions per second and approval-to-visible latency on
both backends (on small sizes here; the figures themselves are the README's)."""

from __future__ import annotations

import json

from navigator.bench import storage
from navigator.cli.main import main
from navigator.database.pool import database


def test_the_storage_bench_measures_both_backends_and_drops_its_database(postgres_cluster, monkeypatch, capsys):
    monkeypatch.setattr(storage, "DIRECTORY_SIZE", 200)
    monkeypatch.setattr(storage, "SUBMITTERS", 2)
    monkeypatch.setattr(storage, "PER_SUBMITTER", 5)
    monkeypatch.setattr(storage, "APPROVALS", 2)
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", postgres_cluster.url())

    assert main(["bench", "--storage"]) == 0

    table = capsys.readouterr().out
    for backend in ("files", "postgresql"):
        assert f"{backend}" in table
    submissions_row = next(line for line in table.splitlines() if line.startswith("submissions per second"))
    assert len(submissions_row.split()) == 5 and "-" not in submissions_row.split()[3:]
    assert next(line for line in table.splitlines() if line.startswith("approval to visible, median")).endswith("ms")
    with database(postgres_cluster.url()).connection() as connection:
        names = [row["datname"] for row in connection.execute("SELECT datname FROM pg_database").fetchall()]
    assert not [name for name in names if name.startswith("navigator_bench_")]


def test_without_a_database_the_storage_bench_measures_files_and_says_how_to_measure_postgresql(monkeypatch, capsys):
    monkeypatch.setattr(storage, "DIRECTORY_SIZE", 100)
    monkeypatch.setattr(storage, "SUBMITTERS", 1)
    monkeypatch.setattr(storage, "PER_SUBMITTER", 3)
    monkeypatch.setattr(storage, "APPROVALS", 1)
    monkeypatch.delenv("NAVIGATOR_DATABASE_URL", raising=False)

    assert main(["bench", "--storage", "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert report["files"]["submissions"]["submissions"] == 3
    assert report["files"]["approval_to_visible"]["runs"] == 1
    assert "NAVIGATOR_DATABASE_URL" in report["postgresql"]["skipped"]
