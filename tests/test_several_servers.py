"""Several servers on one PostgreSQL, with real processes: submitters and reviewers racing on two
"servers" (each with its own copy of the directory files, as on two hosts), approve racing reject,
a server killed with SIGKILL in the middle of an approval, and limits shared across servers.

Each process uses the store and desk its environment names, exactly as a server process does
(``tests/store_worker.py``). The browser tests with two ``streamlit run`` servers are in
test_browser_several_servers.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT, write_directory
from tests.store_worker import suggestion, wake_reviewers

from navigator.database.pool import database
from navigator.review.decisions import open_desk
from navigator.review.pg_store import PostgresSuggestionStore
from navigator.review.suggestion import APPROVED, PENDING, REJECTED

OTHER_CLINIC = CLINIC.replace("test-clinic", "other-clinic").replace("Test Clinic", "Other Clinic")
CHILD_TIMEOUT = 240


def server_env(database_url: str, directory: Path, data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NAVIGATOR_DATABASE_URL": database_url,
        "NAVIGATOR_DIRECTORY": str(directory),
        "NAVIGATOR_DATA_DIR": str(data),
        "NAVIGATOR_CACHE_DIR": str(data / "cache"),
        "PYTHONPATH": f"{PROJECT_ROOT / 'src'}{os.pathsep}{PROJECT_ROOT}",
    }


@pytest.fixture
def servers(database_url, tmp_path) -> dict[str, dict[str, str]]:
    """The environments of two servers: one database, each its own copy of the directory files."""
    envs = {}
    for name in ("a", "b"):
        directory = write_directory(tmp_path / name / "directory", {"clinics.yaml": CLINIC + OTHER_CLINIC})
        write_directory(directory, {"meetings.yaml": MEETING})
        envs[name] = server_env(database_url, directory, tmp_path / name)
    return envs


class Worker:
    """``tests/store_worker.py serve`` in a process of its own."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.directory = env["NAVIGATOR_DIRECTORY"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.store_worker", "serve"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.answer() == "ready"

    def send(self, **command) -> None:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def answer(self):
        line = self.process.stdout.readline()
        assert line, "the worker died"
        return json.loads(line)

    def ask(self, **command):
        self.send(**command)
        return self.answer()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=CHILD_TIMEOUT)


@pytest.fixture
def workers(servers):
    started = {name: Worker(env) for name, env in servers.items()}
    yield started
    for worker in started.values():
        worker.close()


def audit_counts(url: str) -> dict[str, int]:
    with database(url).connection() as connection:
        rows = connection.execute("SELECT reference, count(*) AS n FROM audit GROUP BY reference").fetchall()
    return {row["reference"]: row["n"] for row in rows}


def changes_by_reference(url: str) -> dict[str, int]:
    with database(url).connection() as connection:
        rows = connection.execute(
            "SELECT reference, count(*) AS n FROM entry_changes WHERE reference IS NOT NULL GROUP BY reference"
        ).fetchall()
    return {row["reference"]: row["n"] for row in rows}


def test_twenty_submitters_on_two_servers_while_two_reviewers_decide_lose_nothing_and_decide_once(
    servers, database_url, tmp_path
):
    stop = tmp_path / "submitters-done"
    reviewers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store_worker", "review", mode, str(stop)],
            cwd=PROJECT_ROOT,
            env=servers[name],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, mode in (("a", "approve"), ("b", "mixed"))
    ]
    submitters = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store_worker", "submit", "5"],
            cwd=PROJECT_ROOT,
            env=servers["ab"[number % 2]],
            stdout=subprocess.PIPE,
            text=True,
        )
        for number in range(20)
    ]
    submitted = []
    for process in submitters:
        out, _ = process.communicate(timeout=CHILD_TIMEOUT)
        assert process.returncode == 0
        submitted += json.loads(out)
    stop.touch()
    wake_reviewers(database_url)
    decided = {}
    for process in reviewers:
        out, _ = process.communicate(timeout=CHILD_TIMEOUT)
        assert process.returncode == 0
        for reference, status in json.loads(out).items():
            assert reference not in decided, f"{reference} decided by both reviewers"
            decided[reference] = status

    store = PostgresSuggestionStore(database_url)
    assert len(submitted) == len(set(submitted)) == 100  # 0 lost
    assert sorted(decided) == sorted(submitted)  # every one decided, none twice
    assert store.pending() == ([], [])
    assert {reference: store.get(reference).status for reference in submitted} == decided
    assert audit_counts(database_url) == {reference: 1 for reference in submitted}
    approved = {reference for reference, status in decided.items() if status == APPROVED}
    assert changes_by_reference(database_url) == {reference: 1 for reference in approved}
    # The directory as both servers serve it holds the last approved fee.
    last = max(store.entry_changes(), key=lambda change: change.revision)
    for env in servers.values():
        desk = open_desk(env["NAVIGATOR_DIRECTORY"], store)
        assert desk.load().entry("test-clinic")["fees"] == last.after["fees"]


def test_approve_racing_reject_on_two_servers_has_one_winner_and_the_audit_agrees(workers, database_url):
    store = PostgresSuggestionStore(database_url)
    outcomes = []
    for trial in range(12):
        reference = store.add(suggestion(open_desk(workers["a"].directory, store), f"Fee {trial}")).reference
        approver, rejecter = ("a", "b") if trial % 2 else ("b", "a")
        workers[approver].send(do="approve", reference=reference, reviewer="ana")
        workers[rejecter].send(do="reject", reference=reference, reviewer="ben")
        answers = {workers[approver].answer(), workers[rejecter].answer()}
        assert len(answers) == 2 and "already_decided" in answers
        [won] = answers - {"already_decided"}
        outcomes.append(won)
        status = store.get(reference).status
        assert status == won
        audit = [record for record in store.audit() if record["submission"] == reference]
        assert [record["action"] for record in audit] == ["approve" if won == APPROVED else "reject"]
        served = open_desk(workers["b"].directory, store).load().entry("test-clinic").get("fees")
        assert (served == f"Fee {trial}") == (won == APPROVED)
    assert audit_counts(database_url) == {reference: 1 for reference in audit_counts(database_url)}
    assert set(outcomes) <= {APPROVED, REJECTED}


def test_a_server_killed_in_the_middle_of_an_approval_leaves_the_database_and_directory_consistent(
    servers, database_url
):
    store = PostgresSuggestionStore(database_url)
    directory_a = Path(servers["a"]["NAVIGATOR_DIRECTORY"])
    files_before = {path.name: path.read_bytes() for path in directory_a.iterdir()}
    reference = store.add(suggestion(open_desk(directory_a, store), "Free")).reference
    # Hold the entry's lock, so the approval stops inside its transaction, after deciding.
    with database(database_url).connect() as holder:
        holder.execute("SELECT pg_advisory_lock(hashtextextended('entry:test-clinic', 0))")
        approver = subprocess.Popen(
            [sys.executable, "-m", "navigator", "review", "approve", reference, "--reviewer", "ana"],
            cwd=PROJECT_ROOT,
            env=servers["a"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        while True:  # until the approval waits on the lock (an event in the database, not a sleep)
            waiting = holder.execute(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
            ).fetchone()["n"]
            if waiting or approver.poll() is not None:
                break
            holder.execute("SELECT pg_sleep(0.05)")
        assert approver.poll() is None, approver.communicate()
        with database(database_url).connect() as observer:
            inside = observer.execute("SELECT status FROM suggestions WHERE reference = %s", (reference,)).fetchone()
        assert inside["status"] == PENDING  # the decision is not visible: it is not committed
        os.kill(approver.pid, signal.SIGKILL)
        approver.wait(timeout=CHILD_TIMEOUT)
        holder.execute("SELECT pg_advisory_unlock(hashtextextended('entry:test-clinic', 0))")

    assert approver.returncode == -signal.SIGKILL
    assert store.get(reference).status == PENDING
    assert store.audit() == [] and store.entry_changes() == []
    assert {path.name: path.read_bytes() for path in directory_a.iterdir()} == files_before
    # The other server approves it afterwards, once.
    open_desk(servers["b"]["NAVIGATOR_DIRECTORY"], store).approve(reference, "ben")
    assert store.get(reference).status == APPROVED
    assert [record["reviewer"] for record in store.audit()] == ["ben"]
    assert open_desk(directory_a, store).load().entry("test-clinic")["fees"] == "Free"


def test_the_suggestion_limit_and_the_sign_in_throttle_hold_across_servers(workers):
    a, b = workers["a"], workers["b"]
    limit = {"limit": "suggestions test", "count": 3}
    assert [a.ask(do="attempt", key="203.0.113.9", **limit), b.ask(do="attempt", key="203.0.113.9", **limit)] == [0, 0]
    assert a.ask(do="attempt", key="203.0.113.9", **limit) == 0
    assert b.ask(do="attempt", key="203.0.113.9", **limit) > 3500  # the fourth, on the other server
    assert b.ask(do="attempt", key="198.51.100.7", **limit) == 0

    assert [a.ask(do="sign_in_failed", key="account:ana"), b.ask(do="sign_in_failed", key="account:ana")] == [0, 0]
    assert a.ask(do="sign_in_failed", key="account:ana") == 5.0  # the third failure, wherever it happens
    assert 4 < b.ask(do="sign_in_wait", key="account:ana") <= 5
