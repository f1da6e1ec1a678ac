"""The suggestion store in PostgreSQL, shared by every server of a deployment.

Suggestions are rows, with what they propose one row per field path (``suggestion_changes``). A
decision is one ``UPDATE … WHERE status = 'pending'``: two reviewers on two servers deciding the
same suggestion cannot both succeed, and the loser rolls back whatever else its transaction did.
The audit record and, for an approval, the entry change are written in that same transaction, so
a crash (or kill -9) at any moment leaves all of them or none. Approved changes to entries are
numbered rows (``entry_changes``) that every server follows (``NOTIFY navigator_changes`` tells
them at once; they also poll the revision). The abuse limits are rows locked while counted, so
they hold across every server; their keys are hashed, and their clock is the database's.

Any failure to reach the database is ``StorageUnavailable``: nothing was saved, say so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace

import psycopg
from psycopg.types.json import Jsonb

from navigator.database.migrations import check_schema
from navigator.database.pool import Database, DatabaseUnavailable, database
from navigator.directory.overlay import EntryChange
from navigator.review.edits import FieldEdit
from navigator.review.limits import Limit, RateLimiter, SignInThrottle
from navigator.review.storage import StorageUnavailable, SuggestionStore, UnknownSubmission
from navigator.review.suggestion import (
    APPROVED,
    PENDING,
    REJECTED,
    Contact,
    Submission,
    is_reference,
    new_reference,
)

CHANNEL = "navigator_changes"
_NEW_LISTINGS_LOCK = "new listings"  # serialises choosing ids for new listings


@dataclass(frozen=True)
class NewChange:
    """An entry change to record: the entry as it was (None for a new listing) and as it becomes."""

    entry_id: str
    file: str
    before: dict | None
    after: dict


@dataclass(frozen=True)
class Recorded:
    """What an approval or verification records besides the suggestion's status."""

    decision: dict | None
    audit: dict | None
    change: NewChange | None


class EntryTransaction:
    """Inside a decision's transaction: the entry changes already recorded, read under a lock, so
    two approvals of one entry are made one after the other and the second sees the first."""

    def __init__(self, connection: psycopg.Connection):
        self._connection = connection

    def lock(self, name: str) -> None:
        self._connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"entry:{name}",))

    def changes_for(self, entry_id: str) -> list[EntryChange]:
        self.lock(entry_id)
        rows = self._connection.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM entry_changes WHERE entry_id = %s ORDER BY revision", (entry_id,)
        ).fetchall()
        return [_entry_change(row) for row in rows]

    def changes_in_file(self, file: str) -> list[EntryChange]:
        """Every approved change to entries of ``file`` (a path relative to the directory)."""
        rows = self._connection.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM entry_changes WHERE file = %s ORDER BY revision", (file,)
        ).fetchall()
        return [_entry_change(row) for row in rows]

    def new_entry_ids(self) -> set[str]:
        """Ids of the new listings approved so far (locked: one new listing gets its id at a time)."""
        self.lock(_NEW_LISTINGS_LOCK)
        rows = self._connection.execute("SELECT DISTINCT entry_id FROM entry_changes WHERE before IS NULL")
        return {row["entry_id"] for row in rows}


_CHANGE_COLUMNS = (
    "revision, entry_id, file, before, before IS NULL AS is_new, after, published_at IS NOT NULL AS published"
)


def _entry_change(row) -> EntryChange:
    return EntryChange(
        revision=int(row["revision"]),
        entry_id=row["entry_id"],
        file=row["file"],
        before=None if row["is_new"] else row["before"],
        after=row["after"],
        published=bool(row["published"]),
    )


class PostgresSuggestionStore(SuggestionStore):
    """The suggestions, audit log, limits and approved entry changes in one PostgreSQL database."""

    shared = True

    def __init__(self, url: str, db: Database | None = None):
        self.url = url
        self.db = db or database(url)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            with self.db.connection() as connection:
                yield connection
        except DatabaseUnavailable as error:
            raise StorageUnavailable(str(error)) from error
        except psycopg.errors.UndefinedTable as error:
            raise StorageUnavailable(
                "the database has no navigator schema: run `python -m navigator db upgrade`"
            ) from (error)

    def check(self) -> int:
        """The schema version; SchemaProblem when this code cannot run against the database."""
        try:
            return check_schema(self.db)
        except DatabaseUnavailable as error:
            raise StorageUnavailable(str(error)) from error

    # --- the queue ------------------------------------------------------------------------------

    def add(self, submission: Submission, now: dt.datetime | None = None) -> Submission:
        now = now or dt.datetime.now(dt.UTC)
        with self._connection() as connection, connection.transaction():
            while True:
                reference = new_reference(now)
                inserted = connection.execute(
                    "INSERT INTO suggestions (reference, kind, entry_id, status, submitted_at, contact, problem,"
                    " details, note, changes, before) VALUES (%s, %s, %s, 'pending', %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (reference) DO NOTHING RETURNING reference",
                    (
                        reference,
                        submission.kind,
                        submission.entry_id,
                        now,
                        Jsonb(asdict(submission.contact)),
                        submission.problem,
                        submission.details,
                        submission.note,
                        Jsonb(submission.changes),
                        Jsonb(submission.before),
                    ),
                ).fetchone()
                if inserted:
                    break
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO suggestion_changes (reference, position, path, before, after)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [
                        (reference, position, Jsonb(list(edit.path)), Jsonb(edit.before), Jsonb(edit.after))
                        for position, edit in enumerate(submission.edits)
                    ],
                )
        return replace(submission, reference=reference, submitted_at=now.isoformat(), status=PENDING, decision=None)

    def _read(self, connection, where: str, parameters: tuple, order: str = "") -> list[Submission]:
        rows = connection.execute(
            "SELECT s.*, coalesce(json_agg(json_build_object('path', c.path, 'before', c.before,"
            " 'after', c.after) ORDER BY c.position) FILTER (WHERE c.path IS NOT NULL), '[]') AS edits"
            " FROM suggestions s LEFT JOIN suggestion_changes c USING (reference)"
            f" WHERE {where} GROUP BY s.reference {order}",
            parameters,
        ).fetchall()
        return [_submission(row) for row in rows]

    def get(self, reference: str) -> Submission:
        if not is_reference(reference):
            raise UnknownSubmission("not_a_reference", reference)
        with self._connection() as connection:
            found = self._read(connection, "s.reference = %s", (reference,))
        if not found:
            raise UnknownSubmission("no_such_suggestion", reference)
        return found[0]

    def pending(self) -> tuple[list[Submission], list[str]]:
        with self._connection() as connection:
            found = self._read(connection, "s.status = 'pending'", (), "ORDER BY s.submitted_at, s.reference")
        return found, []  # rows cannot be torn: nothing is ever unreadable

    def pending_count(self) -> int:
        with self._connection() as connection:
            return int(
                connection.execute("SELECT count(*) AS n FROM suggestions WHERE status = 'pending'").fetchone()["n"]
            )

    def decided(self) -> list[Submission]:
        with self._connection() as connection:
            return self._read(connection, "s.status <> 'pending'", (), "ORDER BY s.decided_at DESC")

    def decide(self, reference: str, status: str, decision: dict) -> Submission:
        return self.decide_with(reference, status, lambda _entries, _submission: Recorded(decision, None, None))

    def decide_with(
        self,
        reference: str,
        status: str,
        make: Callable[[EntryTransaction, Submission], Recorded],
    ) -> Submission:
        """Decide ``reference`` in one transaction: the one ``UPDATE … WHERE status = 'pending'``,
        then ``make`` (which sees the entry changes so far, and may raise to undo everything), then
        the decision, the entry change it makes and the audit record."""
        if status not in (APPROVED, REJECTED):
            raise ValueError(f"a decision is {APPROVED} or {REJECTED}, not {status}")
        if not is_reference(reference):
            raise UnknownSubmission("not_a_reference", reference)
        with self._connection() as connection, connection.transaction():
            won = connection.execute(
                "UPDATE suggestions SET status = %s, decided_at = clock_timestamp()"
                " WHERE reference = %s AND status = 'pending' RETURNING reference",
                (status, reference),
            ).fetchone()
            if not won:
                row = connection.execute("SELECT status FROM suggestions WHERE reference = %s", (reference,)).fetchone()
                if row is None:
                    raise UnknownSubmission("no_such_suggestion", reference)
                raise UnknownSubmission("already_decided", reference, row["status"])
            submission = replace(self._read(connection, "s.reference = %s", (reference,))[0], status=PENDING)
            recorded = make(EntryTransaction(connection), submission)
            connection.execute(
                "UPDATE suggestions SET decision = %s WHERE reference = %s", (Jsonb(recorded.decision), reference)
            )
            self._record(connection, recorded, reference)
        return replace(submission, status=status, decision=recorded.decision)

    def record_change(self, make: Callable[[EntryTransaction], Recorded]) -> None:
        """Record an entry change that decides no suggestion (a verification), with its audit record."""
        with self._connection() as connection, connection.transaction():
            self._record(connection, make(EntryTransaction(connection)), None)

    def _record(self, connection, recorded: Recorded, reference: str | None) -> None:
        change = recorded.change
        if change is not None:
            connection.execute(
                "INSERT INTO entry_changes (entry_id, file, before, after, reference, reviewer)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    change.entry_id,
                    change.file,
                    None if change.before is None else Jsonb(change.before),
                    Jsonb(change.after),
                    reference,
                    str((recorded.audit or {}).get("reviewer") or ""),
                ),
            )
            connection.execute(f"NOTIFY {CHANNEL}")
        if recorded.audit is not None:
            connection.execute(
                "INSERT INTO audit (reference, record) VALUES (%s, %s)", (reference, Jsonb(recorded.audit))
            )

    # --- approved entry changes -----------------------------------------------------------------

    def entry_changes(self, since: int = 0) -> list[EntryChange]:
        """Approved entry changes after revision ``since``, oldest first."""
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_CHANGE_COLUMNS} FROM entry_changes WHERE revision > %s ORDER BY revision", (since,)
            ).fetchall()
        return [_entry_change(row) for row in rows]

    def revision(self) -> int:
        """The number of the latest approved entry change (0: none)."""
        with self._connection() as connection:
            return int(connection.execute("SELECT coalesce(max(revision), 0) AS r FROM entry_changes").fetchone()["r"])

    def change_details(self, revisions: list[int]) -> list[dict]:
        """Who approved the changes ``revisions`` and for which suggestion (for a commit message)."""
        with self._connection() as connection:
            return connection.execute(
                "SELECT revision, entry_id, file, reference, reviewer, at FROM entry_changes"
                " WHERE revision = ANY(%s) ORDER BY revision",
                (revisions,),
            ).fetchall()

    def mark_published(self, revisions: list[int], commit: str | None) -> int:
        """Mark changes written into the YAML files; returns how many were not marked before."""
        with self._connection() as connection:
            marked = connection.execute(
                "UPDATE entry_changes SET published_at = clock_timestamp(), published_commit = %s"
                " WHERE revision = ANY(%s) AND published_at IS NULL",
                (commit, revisions),
            )
            return marked.rowcount

    @contextlib.contextmanager
    def publishing(self) -> Iterator[None]:
        """Held while publishing: one publisher at a time, whatever the machine."""
        with self._connection() as connection:
            connection.execute("SELECT pg_advisory_lock(hashtextextended('navigator publish', 0))")
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(hashtextextended('navigator publish', 0))")

    # --- the audit log --------------------------------------------------------------------------

    def append_audit(self, record: dict) -> None:
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO audit (reference, record) VALUES (%s, %s)", (record.get("submission"), Jsonb(record))
            )

    def audit(self, limit: int | None = None) -> list[dict]:
        with self._connection() as connection:
            rows = connection.execute("SELECT record FROM audit ORDER BY id DESC LIMIT %s", (limit,)).fetchall()
        return [row["record"] for row in rows]

    # --- limits shared by every server ----------------------------------------------------------

    def _now(self, connection) -> float:
        # The database's clock: the servers' clocks may disagree, the database's is one.
        return float(connection.execute("SELECT extract(epoch FROM clock_timestamp()) AS now").fetchone()["now"])

    def attempt(self, limit: Limit, key: str = "") -> float:
        hashed = _hashed(key)
        with self._connection() as connection, connection.transaction():
            now = self._now(connection)
            connection.execute(
                "INSERT INTO rate_limits (name, key, events, last_seen) VALUES (%s, %s, '{}', %s)"
                " ON CONFLICT DO NOTHING",
                (limit.name, hashed, now),
            )
            row = connection.execute(
                "SELECT events FROM rate_limits WHERE name = %s AND key = %s FOR UPDATE", (limit.name, hashed)
            ).fetchone()
            limiter = RateLimiter.of(limit, events={hashed: row["events"]})
            wait = limiter.attempt(hashed, now=now)
            connection.execute(
                "UPDATE rate_limits SET events = %s, last_seen = %s WHERE name = %s AND key = %s",
                (limiter.snapshot()[hashed], now, limit.name, hashed),
            )
            # Bounded: counters of keys not seen for a whole window count nothing any more.
            connection.execute(
                "DELETE FROM rate_limits WHERE name = %s AND last_seen < %s", (limit.name, now - limit.window)
            )
        return wait

    def _throttle(self, connection, hashed: str) -> SignInThrottle:
        row = connection.execute(
            "SELECT failures, last_failed FROM sign_in_failures WHERE key = %s FOR UPDATE", (hashed,)
        ).fetchone()
        return SignInThrottle(failures={hashed: (row["failures"], row["last_failed"])} if row else {})

    def sign_in_wait(self, key: str) -> float:
        hashed = _hashed(key)
        with self._connection() as connection:
            return self._throttle(connection, hashed).wait(hashed, now=self._now(connection))

    def sign_in_failed(self, key: str) -> float:
        hashed = _hashed(key)
        with self._connection() as connection, connection.transaction():
            connection.execute(
                "INSERT INTO sign_in_failures VALUES (%s, 0, 0) ON CONFLICT DO NOTHING", (hashed,)
            )  # a row to lock, so two servers counting at once both count
            throttle = self._throttle(connection, hashed)
            wait = throttle.failed(hashed, now=self._now(connection))
            failures, last = throttle.snapshot()[hashed]
            connection.execute(
                "UPDATE sign_in_failures SET failures = %s, last_failed = %s WHERE key = %s", (failures, last, hashed)
            )
        return wait

    def sign_in_succeeded(self, key: str) -> None:
        with self._connection() as connection:
            connection.execute("DELETE FROM sign_in_failures WHERE key = %s", (_hashed(key),))


_CONTACT_FIELDS = ("name", "organization", "email", "phone")


def _submission(row) -> Submission:
    submitted = row["submitted_at"].astimezone(dt.UTC)
    return Submission(
        kind=row["kind"],
        contact=Contact(**{key: str(row["contact"].get(key) or "") for key in _CONTACT_FIELDS}),
        entry_id=row["entry_id"],
        changes=row["changes"],
        before=row["before"],
        problem=row["problem"],
        details=row["details"],
        note=row["note"],
        reference=row["reference"],
        submitted_at=submitted.isoformat(),
        status=row["status"],
        decision=row["decision"],
        edits=tuple(FieldEdit.from_record(edit) for edit in row["edits"]),
    )


def _hashed(key: str) -> str:
    """A counter's key as stored: what someone typed (an account name) is never written down."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
