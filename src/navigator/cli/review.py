"""The reviewers' commands: ``review list|show|approve|reject|verify|stale`` and ``hash-password``.

Exit codes follow the contract: 0 done, 1 the data has problems (listed), 2 the call is wrong.
The commands work on the store the settings choose (``--data-dir`` names the data folder). The
review module reports codes; the words an operator reads at the terminal are here.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import sys
from pathlib import Path

from navigator.cli.common import directory_of
from navigator.database.migrations import SchemaProblem
from navigator.directory.provenance import UNDATED_DAY
from navigator.review import accounts as auth
from navigator.review.decisions import ReviewDesk, ReviewError, changed_words, open_desk, plain, proposal, stalest
from navigator.review.storage import StorageUnavailable, SuggestionStore, UnknownSubmission, open_store
from navigator.review.words import KIND_LABELS, PROBLEM_LABELS, VERIFY_LABELS, error_text
from navigator.settings import load_settings


def _store(arguments) -> SuggestionStore:
    """The store the settings choose; a database's schema is checked first (a newer one is refused)."""
    settings = load_settings()
    if arguments.data_dir:
        settings = dataclasses.replace(settings, data_dir=Path(arguments.data_dir))
    store = open_store(settings)
    if store.shared:
        store.check()
    return store


def _desk(arguments) -> ReviewDesk:
    return open_desk(directory_of(arguments), _store(arguments))


def _reviewer(arguments) -> str:
    return arguments.reviewer or f"{getpass.getuser()} (command line)"


def _run(action) -> int:
    try:
        return action()
    except (StorageUnavailable, SchemaProblem) as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 1
    except UnknownSubmission as error:
        print(f"navigator: {error_text(error)}", file=sys.stderr)
        return 2
    except ReviewError as error:
        print(f"navigator: {error_text(error)}", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1 if error.problems else 2  # problems in the data, or a request that cannot be met


def list_pending(arguments) -> int:
    return _run(lambda: _list_pending(arguments))


def _list_pending(arguments) -> int:
    pending, unreadable = _store(arguments).pending()
    for line in unreadable:
        print(f"unreadable: {line}", file=sys.stderr)
    if arguments.format == "json":
        print(json.dumps([_listed(submission) for submission in pending], ensure_ascii=False, indent=2))
        return 1 if unreadable else 0
    if not pending:
        print("no pending suggestions")
    for submission in pending:
        about = submission.entry_id or submission.changes.get("name", "")
        print(
            f"{submission.reference}  {submission.submitted_at[:16].replace('T', ' ')}  "
            f"{submission.kind:<6}  {about}  (from {submission.contact.name}, {submission.contact.organization})"
        )
    return 1 if unreadable else 0


def _listed(submission) -> dict:
    """One pending suggestion for ``review list --format json``: what it proposes, field by field."""
    return {
        "reference": submission.reference,
        "submitted_at": submission.submitted_at,
        "kind": submission.kind,
        "entry_id": submission.entry_id,
        "name": submission.changes.get("name") if submission.kind == "new" else None,
        "problem": submission.problem,
        "from": {"name": submission.contact.name, "organization": submission.contact.organization},
        # Field by field (a new listing: its top-level fields, with nothing before).
        "changes": [edit.to_record() for edit in submission.edits]
        or [{"path": [key], "before": None, "after": value} for key, value in submission.changes.items()],
    }


def show(arguments) -> int:
    def show() -> int:
        desk = _desk(arguments)
        submission = desk.store.get(arguments.reference)
        directory = desk.load()
        current = directory.entry(submission.entry_id) if submission.entry_id else None
        seen = proposal(submission, current)
        contact = submission.contact
        print(
            f"{submission.reference}: {KIND_LABELS[submission.kind]} ({submission.status}), "
            f"sent {submission.submitted_at}"
        )
        print(f"from: {contact.name}, {contact.organization}, {contact.email or '-'}, {contact.phone or '-'}")
        if submission.entry_id:
            print(f"entry: {submission.entry_id}")
        if submission.problem:
            print(f"problem: {PROBLEM_LABELS.get(submission.problem, submission.problem)}")
        for label, text in (("details", submission.details), ("note", submission.note)):
            if text:
                print(f"{label}: {text}")
        if seen.missing:
            print("the entry is no longer in the directory")
        for change in seen.changes:
            print(f"  {change.field}: {plain(change.before, change.field)} -> {plain(change.after, change.field)}")
        if seen.conflicts:
            print(f"changed in the directory since this was sent: {changed_words(seen.conflicts)}")
        if submission.decision:
            print(
                f"decision: {submission.status} by {submission.decision.get('by')} at {submission.decision.get('at')}"
                + (f": {submission.decision['reason']}" if submission.decision.get("reason") else "")
            )
        return 0

    return _run(show)


def approve(arguments) -> int:
    def approve() -> int:
        outcome = _desk(arguments).approve(arguments.reference, _reviewer(arguments), override=arguments.override)
        if outcome.changes:
            print(
                f"approved {arguments.reference}: {outcome.entry_id} in {outcome.file} "
                f"({len(outcome.changes)} field{'s' if len(outcome.changes) != 1 else ''} changed)"
            )
        else:
            print(f"approved {arguments.reference}: nothing to change in the directory")
        return 0

    return _run(approve)


def reject(arguments) -> int:
    def reject() -> int:
        _desk(arguments).reject(arguments.reference, _reviewer(arguments), arguments.reason)
        print(f"rejected {arguments.reference}")
        return 0

    return _run(reject)


def verify(arguments) -> int:
    def verify() -> int:
        outcome = _desk(arguments).mark_verified(
            arguments.entry_id, _reviewer(arguments), arguments.how, on=arguments.on
        )
        print(f"{outcome.entry_id} verified {VERIFY_LABELS[arguments.how].lower()} in {outcome.file}")
        return 0

    return _run(verify)


def stale(arguments) -> int:
    def stale() -> int:
        for row in stalest(_desk(arguments).load(), arguments.limit).itertuples():
            undated = row.last_verified.date() == UNDATED_DAY  # the source gave no date: the oldest
            print(f"{'no date   ' if undated else f'{row.last_verified:%Y-%m-%d}'}  {row.id}  {row.name}")
        return 0

    return _run(stale)


def hash_password(arguments) -> int:
    if arguments.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New reviewer password: ")
        if getpass.getpass("Again: ") != password:
            print("navigator: the two passwords differ", file=sys.stderr)
            return 2
    try:
        print(auth.hash_password(password))
    except ValueError as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 2
    print(
        'put it in .streamlit/secrets.toml under [reviewers.passwords], as: yourname = "<the line above>"',
        file=sys.stderr,
    )
    return 0
