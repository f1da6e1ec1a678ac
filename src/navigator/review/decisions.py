"""Reviewing suggestions: approve one into the directory, reject one with a reason, mark an entry
verified, list the stalest entries, and keep an audit log of every decision.

The suggestions and the audit log are the store's (``storage.SuggestionStore``); the directory is
the YAML files. Why an action cannot be done comes back as a ``ReviewError`` code with its
parameters, which the page and the command line say in words.

Approving edits the right YAML file in place (only the changed fields' lines, see ``yamledit``),
checks the whole new file with the directory's own rules, and only then replaces the file
atomically. Writers of one directory are serialised by an advisory lock on the directory folder
itself, so the app, the command line and several reviewers can never lose each other's changes.
Approve, reject and verify each hold that lock from checking that the suggestion is still pending
to the last write, so an approval and a rejection of one suggestion can never both happen. The
order is: the file, then the suggestion's decision (the store's atomic pending-to-decided step),
then the audit line, so the log only ever records decisions that stand. A crash after the file is
written leaves the suggestion pending with its change already made, which a second approval finds
harmless (each edit's new value already holds; a new listing is refused as already present).
Suggestions change entries field by field (``edits.FieldEdit``), and a field that changed in the
directory since the suggestion was made is refused with its value now (``changed_since``) unless
the reviewer overrides, so two approvals never silently undo each other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from navigator.directory.index import Directory
from navigator.directory.loader import check_file, directory_files, load_directory
from navigator.directory.problems import DirectoryError, Problem
from navigator.directory.schema import TOP_FIELDS, check_entry
from navigator.directory.yamledit import EditError, append_entry, entry_in, replace_entry, without_nulls
from navigator.files import LockTimeout, locked, remove_stale_temporaries, write_bytes_atomic
from navigator.i18n import _
from navigator.review.edits import Conflict, FieldEdit, apply_edits, conflicts, field_edits
from navigator.review.storage import SuggestionStore, UnknownSubmission
from navigator.review.suggestion import APPROVED, PENDING, REJECTED, Submission
from navigator.search.schedule import ScheduleError, describe, parse_hours, parse_meeting_times
from navigator.text import clean_text

# How a reviewer may have confirmed an entry ("import" and "sample" are for data, not people).
VERIFY_METHODS = ("phone", "website", "site_visit", "organization")
REASON_LIMIT = 1000
NEW_ENTRIES_FILE = "suggestions.yaml"


class ReviewError(Exception):
    """A review action cannot be done: ``code`` says why, ``params`` hold the facts its words need,
    and ``problems`` list what the directory's rules found.

    Codes: directory_broken, busy, changed_since (changed: the fields in words; conflicts),
    storage_failed (detail), entry_gone (entry_id), reason_missing, reason_too_long (length, limit),
    unknown_method (method), future_date (date), entry_not_found (entry_id), already_decided
    (reference, status), new_listing_invalid, edit_failed (file, detail), file_invalid (file).
    """

    def __init__(self, code: str, problems: tuple[Problem, ...] = (), **params):
        super().__init__(f"{code} {params}" if params else code)
        self.code, self.params, self.problems = code, params, tuple(problems)


# --------------------------------------------------------------------------------------------
# Field-by-field differences, in words


@dataclass(frozen=True)
class FieldChange:
    field: str  # "phones[0].number", "location.zip", "hours"
    before: object
    after: object


# Schedules are compared and shown whole, in words, rather than period by period.
_SCHEDULES = {"hours": parse_hours, "meeting.times": parse_meeting_times}


def _leaves(value, prefix: str) -> dict[str, object]:
    if prefix in _SCHEDULES:
        return {prefix: value}
    if isinstance(value, dict):
        found = {}
        for key, item in value.items():
            found.update(_leaves(item, f"{prefix}.{key}" if prefix else key))
        return found
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        found = {}
        for index, item in enumerate(value):
            found.update(_leaves(item, f"{prefix}[{index}]"))
        return found
    return {prefix: value}


def _field_rank(name: str) -> tuple:
    top = re.split(r"[.\[]", name, maxsplit=1)[0]
    return (TOP_FIELDS.index(top) if top in TOP_FIELDS else len(TOP_FIELDS), name)


def diff_entries(before: dict | None, after: dict | None) -> list[FieldChange]:
    """Every field whose value differs, as (field, before, after), in the README's field order."""
    old, new = _leaves(without_nulls(before or {}), ""), _leaves(without_nulls(after or {}), "")
    names = sorted(set(old) | set(new), key=_field_rank)
    return [FieldChange(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)]


def plain(value, field: str = "") -> str:
    """A value in words for a reviewer: lists joined, yes/no, schedules as "Mon–Fri 8:00 AM–5:00 PM"."""
    if value is None:
        return "—"
    if field in _SCHEDULES:
        try:
            return "; ".join(describe(_SCHEDULES[field](value)))
        except ScheduleError:
            pass  # shown as data below
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(plain(item) for item in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain(item)}" for key, item in value.items())
    return str(value)


def changed_words(found: list[Conflict]) -> str:
    """Each field changed since a suggestion was made: what it was made against, and what it is now."""
    return "; ".join(
        f"{conflict.edit.name}: suggested against {plain(conflict.edit.before, conflict.edit.name)}, "
        f"now {plain(conflict.current, conflict.edit.name)}"
        for conflict in found
    )


def _change_records(changes: list[FieldChange]) -> list[dict]:
    return [{"field": change.field, "before": change.before, "after": change.after} for change in changes]


# --------------------------------------------------------------------------------------------
# A suggestion, seen against the directory


@dataclass(frozen=True)
class Proposal:
    """What approving a suggestion would do to the directory as it is now."""

    submission: Submission
    current: dict | None  # the entry now (None for a new listing, or when it is gone)
    proposed: dict | None  # the entry after approval (every edit applied), before the verification stamp
    changes: list[FieldChange]
    conflicts: list[Conflict]  # edits whose field changed in the directory since the suggestion was made
    missing: bool  # a change or report whose entry is no longer in the directory


def reviewer_edits(current: dict, changes: dict) -> list[FieldEdit]:
    """A reviewer's edited top-level fields (from the edit form) as edits of ``current``."""
    return field_edits({key: current.get(key) for key in changes}, changes)


def proposal(submission: Submission, current: dict | None, edits: dict | None = None) -> Proposal:
    """``submission`` against the entry as it is now (``current``; None for a new listing or when
    the entry is gone); ``edits`` (top-level fields, from the edit form) replace the suggested
    changes (edit, then approve): the reviewer made them against the entry as it is now."""
    if submission.kind == "new":
        changes = submission.changes if edits is None else edits
        return Proposal(submission, None, dict(changes), diff_entries(None, changes), [], False)
    if current is None:
        return Proposal(submission, None, None, [], [], True)
    field_changes = submission.edits if edits is None else reviewer_edits(current, edits)
    proposed = apply_edits(current, field_changes)
    found = conflicts(current, field_changes) if edits is None else []
    return Proposal(submission, current, proposed, diff_entries(current, proposed), found, False)


# --------------------------------------------------------------------------------------------
# Where a new listing goes, and its id


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _state_of(entry: dict) -> str | None:
    state = (entry.get("location") or {}).get("state")
    if state:
        return state
    areas = [area for area in entry.get("service_area") or () if area != "national"]
    return areas[0] if len(areas) == 1 else None


def new_entry_id(entry: dict, taken) -> str:
    """A readable id that is not taken: the state and the name, like ``co-hope-house-recovery``."""
    words = _slug(entry.get("name") or "")[:60].rstrip("-") or "listing"
    base = f"{(_state_of(entry) or 'us').lower()}-{words}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def file_of(directory: Directory, label: str) -> Path:
    """The file an entry's ``file`` label names (labels are relative to the directory)."""
    path = Path(label)
    return path if path.is_absolute() else Path(directory.path) / path


def file_for_new_entry(entry: dict, directory: Directory) -> Path:
    """The file holding most entries of the same category (in the same state when there are any)."""
    frame = directory.frame
    same = frame[frame["category"] == entry.get("category")]
    state = _state_of(entry)
    local = same[same["state"] == state] if entry.get("location") else same[same["remote"]]
    pool = local if len(local) else same
    if len(pool):
        return file_of(directory, pool["file"].value_counts().index[0])
    return directory.path / NEW_ENTRIES_FILE


# --------------------------------------------------------------------------------------------
# The review desk


@dataclass(frozen=True)
class _Located:
    path: Path
    text: str
    entry: dict


@dataclass(frozen=True)
class Outcome:
    reference: str | None
    entry_id: str
    file: str
    changes: list[FieldChange]


class ReviewDesk:
    """Review actions on one directory, with the suggestions and audit log of one store."""

    def __init__(self, directory: Path | str, store: SuggestionStore):
        self.directory = Path(directory).resolve()
        self.store = store

    # --- reading ----------------------------------------------------------------------------

    def load(self) -> Directory:
        return self._read()

    def _read(self, overrides: Mapping[str, bytes] | None = None) -> Directory:
        """The directory (with ``overrides``: those files' texts in place of theirs); a directory that
        breaks its rules is a ReviewError listing every problem."""
        try:
            return load_directory(self.directory, overrides=overrides)
        except DirectoryError as error:
            raise ReviewError("directory_broken", tuple(error.report.sorted())) from None

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
        """Write the suggestion (or the reviewer's ``edits`` of it) into the directory and record it.

        An edit whose field changed in the directory since the suggestion was made is refused
        (``changed_since``, with the field's value now) unless the reviewer ``override``s.
        """
        today = today or dt.date.today()
        now = now or dt.datetime.now(dt.UTC)
        with self._deciding():
            submission = self._pending(reference)
            directory = self.load()
            located = None if submission.kind == "new" else self._locate(directory, submission.entry_id)
            seen = proposal(submission, located.entry if located else None, edits)
            if seen.missing:
                raise ReviewError("entry_gone", entry_id=submission.entry_id)
            if seen.conflicts and not override:
                raise ReviewError("changed_since", changed=changed_words(seen.conflicts), conflicts=seen.conflicts)
            if not seen.changes:
                outcome = Outcome(reference, submission.entry_id or "", "", [])
            elif submission.kind == "new":
                outcome = self._add_entry(submission, seen.proposed, directory, today)
            else:
                outcome = self._write_change(
                    located,
                    self._stamp(seen.proposed, submission, today),
                    directory,
                    today,
                    reference,
                )
            self._decide(reference, APPROVED, approval_decision(reviewer, now, outcome, seen.conflicts))
            self._record(now, reviewer, "approve", submission, outcome.entry_id, outcome.file, outcome.changes)
        return outcome

    def reject(self, reference: str, reviewer: str, reason: str, now: dt.datetime | None = None) -> Submission:
        reason = checked_reason(reason)
        now = now or dt.datetime.now(dt.UTC)
        with self._deciding():
            submission = self._pending(reference)
            decided = self._decide(reference, REJECTED, {"by": reviewer, "at": now.isoformat(), "reason": reason})
            self._record(now, reviewer, "reject", submission, submission.entry_id or "", "", [], reason=reason)
        return decided

    def mark_verified(
        self,
        entry_id: str,
        reviewer: str,
        how: str,
        on: dt.date | None = None,
        today: dt.date | None = None,
        now: dt.datetime | None = None,
    ) -> Outcome:
        """Record that ``entry_id``'s data was confirmed on ``on`` (default today) by ``how``."""
        today = today or dt.date.today()
        on = on or today
        now = now or dt.datetime.now(dt.UTC)
        self._check_verification(how, on, today)
        with self._deciding():
            directory = self.load()
            located = self._locate(directory, entry_id)
            if located is None:
                raise ReviewError("entry_not_found", entry_id=entry_id)
            updated = dict(located.entry, last_verified=on.isoformat(), verified_how=how)
            outcome = self._write_change(located, updated, directory, today)
            self._record(now, reviewer, "verify", None, entry_id, outcome.file, outcome.changes)
        return outcome

    # --- the pieces -------------------------------------------------------------------------

    def _check_verification(self, how: str, on: dt.date, today: dt.date) -> None:
        if how not in VERIFY_METHODS:
            raise ReviewError("unknown_method", method=how)
        if on > today:
            raise ReviewError("future_date", date=on)

    @contextlib.contextmanager
    def _deciding(self):
        """One decision at a time on this directory, from any process: check pending, write the
        directory, record the decision, then its audit line, all under the directory's lock."""
        try:
            with locked(self.directory):
                yield
        except LockTimeout:
            raise ReviewError("busy") from None
        except OSError as error:  # a read-only or full disk: say so, nothing is half-written
            raise ReviewError("storage_failed", detail=error.strerror or type(error).__name__) from None

    def _decide(self, reference: str, status: str, decision: dict) -> Submission:
        try:
            return self.store.decide(reference, status, decision)
        except UnknownSubmission as error:
            if error.code == "already_decided":
                raise ReviewError("already_decided", reference=reference, status=error.status) from None
            raise

    def _pending(self, reference: str) -> Submission:
        submission = self.store.get(reference)
        if submission.status != PENDING:
            raise ReviewError("already_decided", reference=reference, status=submission.status)
        return submission

    def _stamp(self, entry: dict, submission: Submission, today: dt.date) -> dict:
        stamped = dict(entry, last_verified=today.isoformat(), source="suggestion")
        if submission.kind != "report":  # a report comes from anyone; the rest from the organization
            stamped["verified_how"] = "organization"
        return stamped

    def _add_entry(self, submission: Submission, proposed: dict, directory: Directory, today: dt.date) -> Outcome:
        entry_id = new_entry_id(proposed, set(directory.id_rows))
        entry = {"id": entry_id, **{key: value for key, value in proposed.items() if key != "id"}}
        entry = dict(self._stamp(entry, submission, today), source_id=submission.reference)
        problems, _ = check_entry(entry, directory.vocabulary, today)
        if problems:
            raise ReviewError(
                "new_listing_invalid",
                tuple(Problem("", 0, entry_id, ".".join(map(str, path)), message) for path, message in problems),
            )
        path = file_for_new_entry(entry, directory)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        try:
            new_text = append_entry(text, entry)
        except EditError as error:
            raise ReviewError("edit_failed", file=str(path), detail=str(error)) from None
        self._check_and_write(path, new_text, directory, today)
        return Outcome(submission.reference, entry_id, self._relative(path), diff_entries(None, entry))

    def _locate(self, directory: Directory, entry_id: str) -> _Located | None:
        """The entry as it is on disk now (the loaded index says where; a moved entry is searched for)."""
        row = directory.row_of(entry_id)
        paths = [file_of(directory, directory.frame.at[row, "file"])] if row is not None else []
        paths += [path for path in directory_files(self.directory) if path not in paths]
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            if entry_id in text:
                entry = entry_in(text, entry_id)
                if entry is not None:
                    return _Located(path, text, entry)
        return None

    def _write_change(
        self,
        located: _Located,
        updated: dict,
        directory: Directory,
        today: dt.date,
        reference: str | None = None,
    ) -> Outcome:
        entry_id = located.entry["id"]
        try:
            new_text = replace_entry(located.text, entry_id, updated)
        except EditError as error:
            raise ReviewError("edit_failed", file=self._relative(located.path), detail=str(error)) from None
        self._check_and_write(located.path, new_text, directory, today)
        return Outcome(reference, entry_id, self._relative(located.path), diff_entries(located.entry, updated))

    def _check_and_write(self, path: Path, text: str, directory: Directory, today: dt.date) -> None:
        data = text.encode("utf-8")
        result = check_file(data, self._relative(path), directory.vocabulary, today)
        if result.problems:
            raise ReviewError("file_invalid", result.problems, file=self._relative(path))
        remove_stale_temporaries(path.parent)  # what an approval killed mid-write left beside its files
        write_bytes_atomic(path, data)

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.directory).as_posix()
        except ValueError:
            return str(path)

    def _record(
        self,
        now: dt.datetime,
        reviewer: str,
        action: str,
        submission: Submission | None,
        entry_id: str,
        file: str,
        changes: list[FieldChange],
        reason: str = "",
    ) -> None:
        """Add the action to the store's audit log."""
        self.store.append_audit(audit_record(now, reviewer, action, submission, entry_id, file, changes, reason))


def checked_reason(reason: str) -> str:
    """A rejection's reason, cleaned; ReviewError when it is missing or too long."""
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ReviewError("reason_missing")
    if len(reason) > REASON_LIMIT:
        raise ReviewError("reason_too_long", length=len(reason), limit=REASON_LIMIT)
    return reason


def approval_decision(reviewer: str, now: dt.datetime, outcome: Outcome, overridden: list[Conflict]) -> dict:
    """What an approval records on its suggestion (and the fields it overrode, if any)."""
    return {
        "by": reviewer,
        "at": now.isoformat(),
        "entry_id": outcome.entry_id,
        "file": outcome.file,
        "applied": _change_records(outcome.changes),
        **({"overrode": [conflict.edit.name for conflict in overridden]} if overridden else {}),
    }


def audit_record(
    now: dt.datetime,
    reviewer: str,
    action: str,
    submission: Submission | None,
    entry_id: str,
    file: str,
    changes: list[FieldChange],
    reason: str = "",
) -> dict:
    """One review action as the audit log keeps it."""
    return {
        "at": now.isoformat(),
        "reviewer": reviewer,
        "action": action,
        "submission": submission.reference if submission else None,
        "kind": submission.kind if submission else None,
        "entry_id": entry_id,
        "file": file,
        "changes": _change_records(changes),
        "reason": reason,
    }


def open_desk(directory: Path | str, store: SuggestionStore) -> ReviewDesk:
    """The review desk for ``store``: on the YAML files, or, for a shared store (PostgreSQL), one
    that records approved changes in the store for every server (``shared_desk``)."""
    if store.shared:
        from navigator.review.shared_desk import SharedReviewDesk  # it builds on this module

        return SharedReviewDesk(directory, store)
    return ReviewDesk(directory, store)


def stalest(directory: Directory, limit: int = 25):
    """The entries verified longest ago (a data frame: id, name, organization, last_verified, file)."""
    columns = ["id", "name", "organization", "category", "last_verified", "file"]
    return (
        directory.frame.sort_values(["last_verified", "id"], kind="stable")[columns].head(limit).reset_index(drop=True)
    )
