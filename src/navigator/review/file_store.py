"""The suggestion store on files: one JSON file per suggestion and an append-only audit log.

Pending suggestions are JSON files, one per suggestion, in ``<data>/submissions/pending``; a
decided one moves to ``<data>/submissions/decided``. Every write is atomic and made under the
queue's lock, so concurrent submitters and reviewers never lose or tear a file. Decisions are
appended to ``<data>/audit.jsonl``, one JSON object a line.

The abuse limits shared by everyone (suggestions per hour, failed sign-ins per account) are kept
in ``<data>/limits.json``, so they hold across every session, process and restart using the data
folder, and a new data folder starts clean. Their keys are stored hashed: a name typed into the
sign-in form is never written down. Times there are wall-clock seconds, comparable across processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import replace
from pathlib import Path

from navigator.files import PRIVATE, locked, remove_stale_temporaries, write_text_atomic
from navigator.review.limits import Limit, RateLimiter, SignInThrottle
from navigator.review.storage import SuggestionStore, UnknownSubmission
from navigator.review.suggestion import APPROVED, PENDING, REJECTED, Submission, is_reference, new_reference

FORMAT = 1  # the version of a suggestion file's layout
DECIDED = "decided"


def submission_json(submission: Submission) -> str:
    """A suggestion as the text of its file."""
    record = {"format": FORMAT, **submission.to_record()}
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def submission_from_json(text: str) -> Submission:
    """A suggestion from the text of its file; ValueError names what is wrong with a damaged or
    foreign file."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError(f"not a suggestion file of format {FORMAT}")
    return Submission.from_record(raw)


class FileSuggestionStore(SuggestionStore):
    """The suggestions and audit log in ``data_dir``: pending ones oldest first, decided ones kept
    for the record."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.pending_dir = self.data_dir / "submissions" / PENDING
        self.decided_dir = self.data_dir / "submissions" / DECIDED
        self.audit_path = self.data_dir / "audit.jsonl"
        self.limits_path = self.data_dir / "limits.json"

    def _lock(self):
        """The queue's lock: held for every write of a suggestion file."""
        return locked(self.data_dir / "submissions")

    def _path(self, reference: str, where: str) -> Path:
        return (self.pending_dir if where == PENDING else self.decided_dir) / f"{reference}.json"

    # --- the queue ------------------------------------------------------------------------------

    def add(self, submission: Submission, now: dt.datetime | None = None) -> Submission:
        now = now or dt.datetime.now(dt.UTC)
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        self.decided_dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            remove_stale_temporaries(self.pending_dir)  # what a submitter killed mid-write left
            while True:
                reference = new_reference(now)
                if not self._path(reference, PENDING).exists() and not self._path(reference, DECIDED).exists():
                    break
            stored = replace(
                submission,
                reference=reference,
                submitted_at=now.isoformat(),
                status=PENDING,
                decision=None,
            )
            write_text_atomic(self._path(reference, PENDING), submission_json(stored))
        return stored

    def get(self, reference: str) -> Submission:
        if not is_reference(reference):
            raise UnknownSubmission("not_a_reference", reference)
        for where in (DECIDED, PENDING):  # a decided copy wins over a pending one left by a crash
            try:
                return submission_from_json(self._path(reference, where).read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
        raise UnknownSubmission("no_such_suggestion", reference)

    def pending(self) -> tuple[list[Submission], list[str]]:
        found, unreadable = [], []
        for path in sorted(self.pending_dir.glob("S-*.json")) if self.pending_dir.is_dir() else ():
            if self._path(path.stem, DECIDED).exists():
                continue  # decided, but the crash came before the pending copy was removed
            try:
                found.append(submission_from_json(path.read_text(encoding="utf-8")))
            except FileNotFoundError:
                continue  # decided while we were listing
            except (OSError, UnicodeDecodeError, ValueError) as error:
                unreadable.append(f"{path}: {error}")
        found.sort(key=lambda submission: (submission.submitted_at, submission.reference))
        return found, unreadable

    def pending_count(self) -> int:
        return sum(1 for _ in self.pending_dir.glob("S-*.json")) if self.pending_dir.is_dir() else 0

    def decided(self) -> list[Submission]:
        found = []  # unreadable files are skipped: pending() is where they are reported
        for path in self.decided_dir.glob("S-*.json") if self.decided_dir.is_dir() else ():
            try:
                found.append(submission_from_json(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
        return sorted(found, key=lambda submission: (submission.decision or {}).get("at", ""), reverse=True)

    def decide(self, reference: str, status: str, decision: dict) -> Submission:
        """The decided copy is written first, then the pending one goes. A crash between the two
        leaves both; the decided copy wins everywhere, so nothing is lost."""
        if status not in (APPROVED, REJECTED):
            raise ValueError(f"a decision is {APPROVED} or {REJECTED}, not {status}")
        with self._lock():
            submission = self.get(reference)
            if submission.status != PENDING:
                raise UnknownSubmission("already_decided", reference, submission.status)
            decided = replace(submission, status=status, decision=decision)
            self.decided_dir.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self._path(reference, DECIDED), submission_json(decided))
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path(reference, PENDING))
        return decided

    # --- the audit log --------------------------------------------------------------------------

    def append_audit(self, record: dict) -> None:
        """One line, fsynced; a line torn by an earlier crash is closed first."""
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        self.audit_path.parent.mkdir(parents=True, exist_ok=True)
        # Created private: the log names reviewers and what they decided about organizations.
        opener = lambda path, flags: os.open(path, flags, PRIVATE)  # noqa: E731
        with locked(self.audit_path), open(self.audit_path, "a+b", opener=opener) as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell():
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    def audit(self, limit: int | None = None) -> list[dict]:
        """A line torn by a crash is skipped, never fatal."""
        try:
            lines = self.audit_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        records = []
        for line in reversed(lines):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
            if limit is not None and len(records) >= limit:
                break
        return records

    # --- limits shared by everyone using the store ----------------------------------------------

    @contextlib.contextmanager
    def _limits(self, write: bool = True):
        """The saved counters, to read (and change, when ``write``) inside the block, under a lock."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with locked(self.limits_path):
            try:
                saved = json.loads(self.limits_path.read_text(encoding="utf-8"))
            except (FileNotFoundError, UnicodeDecodeError, json.JSONDecodeError):
                saved = None  # none yet; or damaged, when starting the counts again is the way out
            if not isinstance(saved, dict):
                saved = {}
            saved = {"rates": saved.get("rates") or {}, "sign_ins": saved.get("sign_ins") or {}}
            yield saved
            if write:
                # Unsorted: the counters' key order is their least-recently-seen order.
                write_text_atomic(self.limits_path, json.dumps(saved))

    def attempt(self, limit: Limit, key: str = "") -> float:
        with self._limits() as saved:
            limiter = RateLimiter.of(limit, events=saved["rates"].get(limit.name))
            wait = limiter.attempt(_hashed(key), now=time.time())
            saved["rates"][limit.name] = limiter.snapshot()
        return wait

    def sign_in_wait(self, key: str) -> float:
        with self._limits(write=False) as saved:
            return SignInThrottle(failures=saved["sign_ins"]).wait(_hashed(key), now=time.time())

    def sign_in_failed(self, key: str) -> float:
        with self._limits() as saved:
            throttle = SignInThrottle(failures=saved["sign_ins"])
            wait = throttle.failed(_hashed(key), now=time.time())
            saved["sign_ins"] = throttle.snapshot()
        return wait

    def sign_in_succeeded(self, key: str) -> None:
        with self._limits() as saved:
            saved["sign_ins"].pop(_hashed(key), None)


def _hashed(key: str) -> str:
    """A counter's key as stored: what someone typed (an account name) is never written down."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
