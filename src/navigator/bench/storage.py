"""The shared-state benchmark: submissions per second and approval-to-visible latency, on files and
on PostgreSQL (``python -m navigator bench --storage``).

- **Submissions per second**: ``SUBMITTERS`` threads each send ``PER_SUBMITTER`` suggestions the
  way the Suggest page does (queue size, the client's limit, then the suggestion), against the
  store of each backend.
- **Approval to visible**: on a synthetic directory of ``DIRECTORY_SIZE`` entries, from the
  reviewer's approval until another server would show the change: on files, the approval writes the
  YAML and the next page run reloads the changed file's rows; on PostgreSQL, the approval commits, a
  second server's change feed hears the NOTIFY, and it reloads the touched file's rows with the change.

The PostgreSQL figures use a throwaway database created next to the one ``NAVIGATOR_DATABASE_URL``
names (its role needs CREATEDB) and dropped afterwards: the bench never writes into the real one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from navigator.bench.runner import summary
from navigator.bench.synthetic import write_synthetic_directory
from navigator.database.migrations import upgrade
from navigator.database.pool import Database, DatabaseUnavailable
from navigator.directory.loader import load_directory, reload_directory
from navigator.directory.overlay import overlay
from navigator.review.change_feed import ChangeFeed
from navigator.review.decisions import open_desk
from navigator.review.edits import FieldEdit
from navigator.review.file_store import FileSuggestionStore
from navigator.review.limits import SUGGESTIONS_PER_CLIENT
from navigator.review.pg_store import PostgresSuggestionStore
from navigator.review.storage import SuggestionStore
from navigator.review.suggestion import Contact, Submission

SUBMITTERS, PER_SUBMITTER = 4, 50
DIRECTORY_SIZE = 10_000
APPROVALS = 5
VISIBLE_TIMEOUT_SECONDS = 60
CONTACT = Contact("Bench Submitter", "Bench Health", "bench@example.org")


def _submission(entry_id: str, fees: str, before: object = None) -> Submission:
    return Submission(
        "change", CONTACT, entry_id, {"fees": fees}, {"fees": before}, edits=(FieldEdit(("fees",), before, fees),)
    )


def submissions_per_second(store: SuggestionStore) -> dict:
    """Suggestions kept per second with ``SUBMITTERS`` threads sending at once."""
    failures: list[BaseException] = []

    def submitter(number: int) -> None:
        try:
            for item in range(PER_SUBMITTER):
                store.pending_count()
                store.attempt(SUGGESTIONS_PER_CLIENT, f"bench-client-{number}-{item}")
                store.add(_submission("bench-entry", f"Fee {number}-{item}"))
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=submitter, args=(number,)) for number in range(SUBMITTERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise failures[0]
    total = SUBMITTERS * PER_SUBMITTER
    return {
        "submissions": total,
        "threads": SUBMITTERS,
        "seconds": round(seconds, 3),
        "per_second": round(total / seconds, 1),
    }


def _approvals(directory: Path, store: SuggestionStore, visible: Callable[[str, str], None]) -> dict:
    """Approve ``APPROVALS`` changes one after another; ``visible(entry_id, fees)`` returns once
    another server would show the change. Times from the approval's start to that moment."""
    desk = open_desk(directory, store)
    loaded = load_directory(directory)
    entry_ids = [entry_id for entry_id in list(loaded.id_rows)[:APPROVALS]]
    seconds = []
    for number, entry_id in enumerate(entry_ids):
        fees = f"Bench fee {number}"
        reference = store.add(_submission(entry_id, fees, loaded.entry(entry_id).get("fees"))).reference
        started = time.perf_counter()
        desk.approve(reference, "bench", override=True)
        visible(entry_id, fees)
        seconds.append(time.perf_counter() - started)
    return summary(seconds)


def files_figures(folder: Path, directory: Path) -> dict:
    store = FileSuggestionStore(folder / "data")
    served = [load_directory(directory)]  # the running server's directory

    def visible(entry_id: str, fees: str) -> None:
        served[0] = reload_directory(served[0])  # the next page run's reload: the changed file's rows
        assert served[0].entry(entry_id)["fees"] == fees

    return {"submissions": submissions_per_second(store), "approval_to_visible": _approvals(directory, store, visible)}


def postgres_figures(url: str, directory: Path) -> dict:
    store = PostgresSuggestionStore(url)
    figures = {"submissions": submissions_per_second(store)}
    feed = ChangeFeed(url).start()  # another server's, and its directory
    served = [load_directory(directory)]
    try:

        def visible(entry_id: str, fees: str) -> None:
            def shown(changes) -> bool:
                return any(change.entry_id == entry_id and change.after.get("fees") == fees for change in changes)

            if not feed.wait_for(shown, VISIBLE_TIMEOUT_SECONDS):
                raise TimeoutError("the other server's feed did not hear of the approval")
            _, changes = feed.snapshot()
            served[0] = reload_directory(served[0], overrides=overlay(directory, changes).encoded())
            assert served[0].entry(entry_id)["fees"] == fees

        figures["approval_to_visible"] = _approvals(directory, store, visible)
    finally:
        feed.stop()
    return figures


@contextlib.contextmanager
def throwaway_database(url: str) -> Iterator[str]:
    """A new database beside the one ``url`` names, with the schema; dropped afterwards."""
    name = f"navigator_bench_{os.getpid()}"
    admin = Database(url, max_size=1)
    try:
        with admin.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        bench_url = make_conninfo(**{**conninfo_to_dict(url), "dbname": name})
        bench = Database(bench_url, max_size=2)
        upgrade(bench)
        bench.close()
        yield bench_url
    finally:
        from navigator.database.pool import close_all

        close_all()
        with contextlib.suppress(DatabaseUnavailable), admin.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run_storage_benchmark(database_url: str | None, progress: Callable[[str], None]) -> dict:
    """Both backends' figures (PostgreSQL's only with ``database_url``), with what was measured."""
    report: dict = {
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "directory_entries": DIRECTORY_SIZE,
    }
    with tempfile.TemporaryDirectory(prefix="navigator-bench-storage-") as temporary:
        folder = Path(temporary)
        progress(f"writing a synthetic directory of {DIRECTORY_SIZE:,} entries")
        for backend in ("files", "postgresql"):
            directory = folder / backend / "directory"
            write_synthetic_directory(directory, DIRECTORY_SIZE)
            load_directory(directory)  # warm, as a running server is
            if backend == "files":
                progress("files: submissions and approvals")
                report["files"] = files_figures(folder / backend, directory)
            elif not database_url:
                report["postgresql"] = {"skipped": "set NAVIGATOR_DATABASE_URL to measure PostgreSQL"}
            else:
                progress("postgresql: submissions and approvals (a throwaway database)")
                with throwaway_database(database_url) as url:
                    report["postgresql"] = postgres_figures(url, directory)
    return report


def format_storage(report: dict) -> str:
    lines = [
        f"Shared state, measured {report['measured']} on {report['cpus']} CPUs "
        f"({report['directory_entries']:,}-entry directory)",
        "",
        f"{'':28}{'files':>16}{'postgresql':>16}",
    ]
    rows = (
        ("submissions per second", lambda figures: f"{figures['submissions']['per_second']:,.1f}"),
        ("approval to visible, median", lambda figures: f"{figures['approval_to_visible']['median_ms']:,.0f} ms"),
        ("approval to visible, p95", lambda figures: f"{figures['approval_to_visible']['p95_ms']:,.0f} ms"),
    )
    for label, cell in rows:
        values = [
            cell(report[backend]) if "skipped" not in report[backend] else "-" for backend in ("files", "postgresql")
        ]
        lines.append(f"{label:28}{values[0]:>16}{values[1]:>16}")
    if "skipped" in report["postgresql"]:
        lines += ["", f"postgresql: {report['postgresql']['skipped']}"]
    return "\n".join(lines) + "\n"
