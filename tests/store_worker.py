"""A process standing in for one server's use of the store, for the several-servers tests.

``python -m tests.store_worker serve``: reads one JSON command a line from stdin, answers one JSON
line (approve, reject, a limit attempt, a failed sign-in, the wait, pending). ``submit N``: adds N
suggestions, telling waiting reviewers of each (PostgreSQL's NOTIFY), and prints their references.
``review approve|mixed STOPFILE``: decides what it finds pending until STOPFILE exists and nothing
is pending (waking on each submission and on ``wake_reviewers``), then prints what it decided. Each works on
the store and directory its environment names (NAVIGATOR_DATABASE_URL, NAVIGATOR_DIRECTORY), as a
server process does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path

from navigator.database.pool import database
from navigator.review.limits import Limit
from navigator.review.storage import UnknownSubmission, open_store
from navigator.settings import load_settings

CONTACT = {"name": "Dana Front", "organization": "Front Range Recovery", "email": "dana@example.org"}
SUBMITTED_CHANNEL = "test_submissions"
# A reviewer with nothing pending waits for a notification; one sent between its look at the queue
# and its wait is caught when the wait ends at this bound.
WAKE_BOUND_SECONDS = 1.0


def wake_reviewers(url: str) -> None:
    """Tells every waiting reviewer to look at the queue (and at its stop file) again."""
    with database(url).connection() as connection:
        connection.execute(f"NOTIFY {SUBMITTED_CHANNEL}")


def _desk():
    from navigator.review.decisions import open_desk

    settings = load_settings()
    return open_desk(settings.directory, open_store(settings))


def suggestion(desk, fees: str, entry_id: str = "test-clinic"):
    from navigator.review.form import form_values
    from navigator.review.suggestion import check_suggestion

    directory = desk.load()
    entry = directory.entry(entry_id)
    checked = check_suggestion(
        "change",
        contact=CONTACT,
        vocabulary=directory.vocabulary,
        today=dt.date.today(),
        entry=entry,
        values={**form_values(entry), "fees": fees},
        category=entry["category"],
    )
    return checked.submission


def serve() -> None:
    from navigator.review.decisions import ReviewError

    desk = _desk()
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        action = command["do"]
        try:
            if action == "approve":
                desk.approve(command["reference"], command["reviewer"])
                answer = "approved"
            elif action == "reject":
                desk.reject(command["reference"], command["reviewer"], "Could not confirm")
                answer = "rejected"
            elif action == "attempt":
                answer = desk.store.attempt(Limit(command["limit"], command["count"], 3600.0), command["key"])
            elif action == "sign_in_failed":
                answer = desk.store.sign_in_failed(command["key"])
            elif action == "sign_in_wait":
                answer = desk.store.sign_in_wait(command["key"])
            elif action == "pending":
                answer = [submission.reference for submission in desk.store.pending()[0]]
            else:
                answer = f"unknown command {action}"
        except (ReviewError, UnknownSubmission) as error:
            answer = error.code
        print(json.dumps(answer), flush=True)


def submit(count: int) -> None:
    """Adds ``count`` changes of test-clinic's fees, as the Suggest page's send does once checked
    (the form's checks are not what is raced here, so this process stays light: no directory)."""
    from navigator.review.edits import FieldEdit
    from navigator.review.suggestion import Contact, Submission

    settings = load_settings()
    store = open_store(settings)
    references = []
    for number in range(count):
        fee = f"Fee {os.getpid()}-{number}"
        submission = Submission(
            "change",
            Contact(**CONTACT),
            "test-clinic",
            {"fees": fee},
            {"fees": None},
            edits=(FieldEdit(("fees",), None, fee),),
        )
        references.append(store.add(submission).reference)
        if settings.database_url:  # reviewers wait on PostgreSQL; on files nobody is waiting
            wake_reviewers(settings.database_url)
    print(json.dumps(references), flush=True)


def review(mode: str, stop_file: str) -> None:
    desk = _desk()
    decided: dict[str, str] = {}
    with contextlib.closing(database(load_settings().database_url).connect()) as listener:
        listener.execute(f"LISTEN {SUBMITTED_CHANNEL}")
        while True:
            pending = desk.store.pending()[0]
            if not pending:
                if Path(stop_file).exists() and not desk.store.pending()[0]:
                    break
                for _ in listener.notifies(timeout=WAKE_BOUND_SECONDS, stop_after=1):
                    pass  # a submission came, or the test is done
                continue
            _decide(desk, mode, pending, decided)
    print(json.dumps(decided), flush=True)


def _decide(desk, mode: str, pending, decided: dict[str, str]) -> None:
    from navigator.review.decisions import ReviewError

    for number, submission in enumerate(pending):
        try:
            if mode == "mixed" and number % 2:
                desk.reject(submission.reference, f"reviewer-{os.getpid()}", "Could not confirm")
                decided[submission.reference] = "rejected"
            else:
                # Every one changes the same fee: the reviewer applies each over the last (override).
                desk.approve(submission.reference, f"reviewer-{os.getpid()}", override=True)
                decided[submission.reference] = "approved"
        except (ReviewError, UnknownSubmission) as error:
            if error.code != "already_decided":
                raise


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve()
    elif sys.argv[1] == "submit":
        submit(int(sys.argv[2]))
    else:
        review(sys.argv[2], sys.argv[3])
