"""Reviewing with several servers: decisions and approved changes in the shared database.

An approval here writes no YAML file (each server has its own copy, perhaps read-only): in one
transaction of the store it decides the suggestion (the one ``UPDATE … WHERE status = 'pending'``),
records the entry change (the whole entry before and after) and the audit record. The entry as it
is now is the YAML file's with every change approved so far applied (``directory.overlay``), read
under a lock on the entry inside that transaction, so two approvals of one entry on two servers
apply one after the other. The new file text is checked with the directory's rules before anything
is recorded. ``publish`` later writes the changes into the YAML files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from navigator.directory.index import Directory
from navigator.directory.loader import check_file
from navigator.directory.overlay import overlay
from navigator.directory.problems import Problem
from navigator.directory.schema import check_entry
from navigator.directory.yamledit import EditError, append_entry, entry_in, replace_entry
from navigator.review.decisions import (
    Outcome,
    ReviewDesk,
    ReviewError,
    approval_decision,
    audit_record,
    changed_words,
    checked_reason,
    diff_entries,
    file_for_new_entry,
    file_of,
    new_entry_id,
    proposal,
)
from navigator.review.pg_store import EntryTransaction, NewChange, PostgresSuggestionStore, Recorded
from navigator.review.storage import UnknownSubmission
from navigator.review.suggestion import APPROVED, REJECTED, Submission


class SharedReviewDesk(ReviewDesk):
    """Review actions whose changes go to the shared store; the YAML files are only read."""

    store: PostgresSuggestionStore

    def load(self) -> Directory:
        """The directory as every server serves it: the files with the approved changes applied."""
        return self._read(overrides=overlay(self.directory, self.store.entry_changes()).encoded())

    def _files(self) -> Directory:
        """The directory as its files hold it (from the loader's cache, warm): enough to find an
        entry's file, the vocabulary and the ids taken, since the entry itself is read, with its
        approved changes, inside the decision's transaction."""
        return self._read()

    # --- acting -----------------------------------------------------------------------------

    def approve(
        self,
        reference: str,
        reviewer: str,
        edits: dict | None = None,
        today: dt.date | None = None,
        now: dt.datetime | None = None,
        override: bool = False,
    ) -> Outcome:
        """As on files (an edit whose field changed since is refused unless ``override``), but the
        change is recorded in the store, in the transaction that decides the suggestion."""
        today = today or dt.date.today()
        now = now or dt.datetime.now(dt.UTC)
        self._pending(reference)
        directory = self._files()
        made: list[Outcome] = []

        def make(entries: EntryTransaction, submission: Submission) -> Recorded:
            overridden = []
            if submission.kind == "new":
                outcome, change = self._new_listing(entries, submission, edits, directory, today)
            else:
                outcome, change, overridden = self._changed_entry(
                    entries, submission, edits, directory, today, override
                )
            made.append(outcome)
            audit = audit_record(now, reviewer, "approve", submission, outcome.entry_id, outcome.file, outcome.changes)
            return Recorded(approval_decision(reviewer, now, outcome, overridden), audit, change)

        self._decide_with(reference, APPROVED, make)
        return made[0]

    def reject(self, reference: str, reviewer: str, reason: str, now: dt.datetime | None = None) -> Submission:
        reason = checked_reason(reason)
        now = now or dt.datetime.now(dt.UTC)
        self._pending(reference)

        def make(_entries: EntryTransaction, submission: Submission) -> Recorded:
            audit = audit_record(now, reviewer, "reject", submission, submission.entry_id or "", "", [], reason=reason)
            return Recorded({"by": reviewer, "at": now.isoformat(), "reason": reason}, audit, None)

        return self._decide_with(reference, REJECTED, make)

    def mark_verified(
        self,
        entry_id: str,
        reviewer: str,
        how: str,
        on: dt.date | None = None,
        today: dt.date | None = None,
        now: dt.datetime | None = None,
    ) -> Outcome:
        today = today or dt.date.today()
        on = on or today
        now = now or dt.datetime.now(dt.UTC)
        self._check_verification(how, on, today)
        directory = self._files()
        made: list[Outcome] = []

        def make(entries: EntryTransaction) -> Recorded:
            path, text, current = self._current(entries, directory, entry_id)
            if current is None:
                raise ReviewError("entry_not_found", entry_id=entry_id)
            updated = dict(current, last_verified=on.isoformat(), verified_how=how)
            outcome, change = self._edited(path, text, current, updated, directory, today, None)
            made.append(outcome)
            return Recorded(
                None, audit_record(now, reviewer, "verify", None, entry_id, outcome.file, outcome.changes), change
            )

        self.store.record_change(make)
        return made[0]

    # --- the pieces -------------------------------------------------------------------------

    def _decide_with(self, reference: str, status: str, make) -> Submission:
        try:
            return self.store.decide_with(reference, status, make)
        except UnknownSubmission as error:
            if error.code == "already_decided":  # decided on another server meanwhile
                raise ReviewError("already_decided", reference=reference, status=error.status) from None
            raise

    def _current(self, entries: EntryTransaction, directory: Directory, entry_id: str):
        """The entry's file, that file's text with the entry's approved changes applied, and the
        entry as it is now (None when it is not in the directory), read under the entry's lock."""
        changes = entries.changes_for(entry_id)
        row = directory.row_of(entry_id)
        if row is not None:
            relative = self._relative(file_of(directory, directory.frame.at[row, "file"]))
        elif changes:
            relative = changes[-1].file
        else:
            return None, "", None
        text = self._file_text(entries, relative)
        return self.directory / relative, text, entry_in(text, entry_id) if entry_id in text else None

    def _changed_entry(
        self,
        entries: EntryTransaction,
        submission: Submission,
        edits: dict | None,
        directory: Directory,
        today: dt.date,
        override: bool,
    ) -> tuple[Outcome, NewChange | None, list]:
        path, text, current = self._current(entries, directory, submission.entry_id)
        seen = proposal(submission, current, edits)
        if seen.missing:
            raise ReviewError("entry_gone", entry_id=submission.entry_id)
        if seen.conflicts and not override:
            raise ReviewError("changed_since", changed=changed_words(seen.conflicts), conflicts=seen.conflicts)
        if not seen.changes:
            return Outcome(submission.reference, submission.entry_id or "", "", []), None, seen.conflicts
        updated = self._stamp(seen.proposed, submission, today)
        outcome, change = self._edited(path, text, current, updated, directory, today, submission.reference)
        return outcome, change, seen.conflicts

    def _edited(self, path: Path, text: str, current: dict, updated: dict, directory, today, reference):
        entry_id = current["id"]
        try:
            new_text = replace_entry(text, entry_id, updated)
        except EditError as error:
            raise ReviewError("edit_failed", file=self._relative(path), detail=str(error)) from None
        self._check_text(path, new_text, directory, today)
        relative = self._relative(path)
        outcome = Outcome(reference, entry_id, relative, diff_entries(current, updated))
        return outcome, NewChange(entry_id, relative, current, entry_in(new_text, entry_id))

    def _new_listing(
        self, entries: EntryTransaction, submission: Submission, edits: dict | None, directory: Directory, today
    ) -> tuple[Outcome, NewChange | None]:
        proposed = proposal(submission, None, edits).proposed
        entry_id = new_entry_id(proposed, set(directory.id_rows) | entries.new_entry_ids())
        entry = {"id": entry_id, **{key: value for key, value in proposed.items() if key != "id"}}
        entry = dict(self._stamp(entry, submission, today), source_id=submission.reference)
        problems, _ = check_entry(entry, directory.vocabulary, today)
        if problems:
            raise ReviewError(
                "new_listing_invalid",
                tuple(Problem("", 0, entry_id, ".".join(map(str, path)), message) for path, message in problems),
            )
        path = file_for_new_entry(entry, directory)
        relative = self._relative(path)
        text = self._file_text(entries, relative)
        try:
            new_text = append_entry(text, entry)
        except EditError as error:
            raise ReviewError("edit_failed", file=relative, detail=str(error)) from None
        self._check_text(path, new_text, directory, today)
        outcome = Outcome(submission.reference, entry_id, relative, diff_entries(None, entry))
        return outcome, NewChange(entry_id, relative, None, entry_in(new_text, entry_id))

    def _file_text(self, entries: EntryTransaction, relative: str) -> str:
        """The text of ``relative`` as every server serves it: the file with its approved changes."""
        changed = overlay(self.directory, entries.changes_in_file(relative)).texts
        if relative in changed:
            return changed[relative]
        path = self.directory / relative
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def _check_text(self, path: Path, text: str, directory: Directory, today: dt.date) -> None:
        result = check_file(text.encode("utf-8"), self._relative(path), directory.vocabulary, today)
        if result.problems:
            raise ReviewError("file_invalid", result.problems, file=self._relative(path))
