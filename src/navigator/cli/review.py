"""The reviewers' commands: ``review list|show|approve|reject|verify|stale`` and ``hash-password``.

Exit codes follow the contract: 0 done, 1 the data has problems (listed), 2 the call is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from navigator.review import accounts as auth
from navigator.review.decisions import VERIFY_METHODS, ReviewDesk, ReviewError, plain, proposal, stalest
from navigator.review.suggestions import KIND_LABELS, PROBLEMS, SubmissionQueue, UnknownSubmission


def add_commands(commands, common) -> None:
    """Register ``review`` (with its sub-commands) and ``hash-password`` on the main parser."""
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data-dir", help="the suggestions and audit log (default: $NAVIGATOR_DATA_DIR or data/)")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--reviewer", default=None, help="your name for the audit log (default: your login name)")

    review = commands.add_parser("review", parents=[common], help="review suggested updates")
    actions = review.add_subparsers(dest="action", required=True, parser_class=type(review))
    listing = actions.add_parser("list", parents=[common, data], help="pending suggestions, oldest first")
    listing.set_defaults(run=_list)
    show = actions.add_parser("show", parents=[common, data], help="one suggestion, field by field")
    show.add_argument("reference")
    show.set_defaults(run=_show)
    approve = actions.add_parser("approve", parents=[common, data, who], help="write a suggestion into the directory")
    approve.add_argument("reference")
    approve.set_defaults(run=_approve)
    reject = actions.add_parser("reject", parents=[common, data, who], help="turn a suggestion down")
    reject.add_argument("reference")
    reject.add_argument("--reason", required=True, help="why, in words the organization will read")
    reject.set_defaults(run=_reject)
    verify = actions.add_parser("verify", parents=[common, data, who], help="record that an entry was confirmed")
    verify.add_argument("entry_id")
    verify.add_argument("--how", required=True, choices=tuple(VERIFY_METHODS))
    verify.add_argument("--on", type=dt.date.fromisoformat, default=None, help="the date (default: today)")
    verify.set_defaults(run=_verify)
    stale = actions.add_parser("stale", parents=[common, data], help="the entries verified longest ago")
    stale.add_argument("--limit", type=_count, default=25)
    stale.set_defaults(run=_stale)

    hasher = commands.add_parser("hash-password", help="make a reviewer password hash for the secrets file")
    hasher.add_argument("--stdin", action="store_true", help="read the password from standard input (no prompt)")
    hasher.set_defaults(run=_hash_password)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def _desk(arguments) -> ReviewDesk:
    from navigator.cli.main import directory_of  # the one place that knows the default directory

    return ReviewDesk(directory_of(arguments), arguments.data_dir)


def _reviewer(arguments) -> str:
    return arguments.reviewer or f"{getpass.getuser()} (command line)"


def _run(action) -> int:
    try:
        return action()
    except UnknownSubmission as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 2
    except ReviewError as error:
        print(f"navigator: {error}", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1 if error.problems else 2  # problems in the data, or a request that cannot be met


def _list(arguments) -> int:
    pending, unreadable = SubmissionQueue(arguments.data_dir).pending()
    for line in unreadable:
        print(f"unreadable: {line}", file=sys.stderr)
    if not pending:
        print("no pending suggestions")
    for submission in pending:
        about = submission.entry_id or submission.changes.get("name", "")
        print(
            f"{submission.reference}  {submission.submitted_at[:16].replace('T', ' ')}  "
            f"{submission.kind:<6}  {about}  (from {submission.contact.name}, {submission.contact.organization})"
        )
    return 1 if unreadable else 0


def _show(arguments) -> int:
    def show() -> int:
        desk = _desk(arguments)
        submission = desk.queue.get(arguments.reference)
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
            print(f"problem: {PROBLEMS.get(submission.problem, submission.problem)}")
        for label, text in (("details", submission.details), ("note", submission.note)):
            if text:
                print(f"{label}: {text}")
        if seen.missing:
            print("the entry is no longer in the directory")
        for change in seen.changes:
            print(f"  {change.field}: {plain(change.before, change.field)} -> {plain(change.after, change.field)}")
        if seen.conflicts:
            print(f"changed in the directory since this was sent: {', '.join(seen.conflicts)}")
        if submission.decision:
            print(
                f"decision: {submission.status} by {submission.decision.get('by')} at {submission.decision.get('at')}"
                + (f": {submission.decision['reason']}" if submission.decision.get("reason") else "")
            )
        return 0

    return _run(show)


def _approve(arguments) -> int:
    def approve() -> int:
        outcome = _desk(arguments).approve(arguments.reference, _reviewer(arguments))
        if outcome.changes:
            print(
                f"approved {arguments.reference}: {outcome.entry_id} in {outcome.file} "
                f"({len(outcome.changes)} field{'s' if len(outcome.changes) != 1 else ''} changed)"
            )
        else:
            print(f"approved {arguments.reference}: nothing to change in the directory")
        return 0

    return _run(approve)


def _reject(arguments) -> int:
    def reject() -> int:
        _desk(arguments).reject(arguments.reference, _reviewer(arguments), arguments.reason)
        print(f"rejected {arguments.reference}")
        return 0

    return _run(reject)


def _verify(arguments) -> int:
    def verify() -> int:
        outcome = _desk(arguments).mark_verified(
            arguments.entry_id, _reviewer(arguments), arguments.how, on=arguments.on
        )
        print(f"{outcome.entry_id} verified {VERIFY_METHODS[arguments.how].lower()} in {outcome.file}")
        return 0

    return _run(verify)


def _stale(arguments) -> int:
    def stale() -> int:
        for row in stalest(_desk(arguments).load(), arguments.limit).itertuples():
            print(f"{row.last_verified:%Y-%m-%d}  {row.id}  {row.name}")
        return 0

    return _run(stale)


def _hash_password(arguments) -> int:
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
