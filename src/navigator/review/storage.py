"""Where suggestions, decisions, the audit log and the shared abuse limits are kept: the interface.

``SuggestionStore`` is everything the suggestion queue and the review desk ask of storage, with no
file paths in it. Two backends stand behind it: the files of ``file_store.FileSuggestionStore``
(one machine, the default) and the PostgreSQL database of ``pg_store.PostgresSuggestionStore``
(several servers; ``NAVIGATOR_DATABASE_URL``). ``open_store`` gives the backend the settings choose.
A store that is ``shared`` also holds the approved changes to entries, which every server applies
to the directory it loaded from the YAML files (``publish`` writes them into those files).

What a backend keeps of a suggestion is ``Submission.to_record()``. A change or a report carries
its change field by field in ``edits``, each ``{"path": [...], "before": ..., "after": ...}``
(``edits.FieldEdit``): ``path`` names one leaf of an entry by keys and list positions
(``["location", "zip"]``, ``["phones", 0, "number"]``), ``before`` is the value the submitter saw
(the one the edit was made against) and ``after`` the new one (null: remove). As rows: one per
edit, (reference, position, path as JSON, before as JSON, after as JSON). Approving compares each
``before`` with the directory now (``edits.conflicts``) and refuses the ones that changed since,
unless the reviewer overrides; that check is the review desk's, the same over every backend.

Deciding is a compare-and-set: ``decide`` moves a suggestion from pending to approved or rejected
only if it is still pending (in SQL, one ``UPDATE … WHERE status = 'pending'``), so of two
reviewers deciding at once exactly one wins. On files, the review desk holds the directory's lock
around "still pending? → write the directory → decide → audit", and writes the audit line only
after the decision is recorded; in the database, the decision, the entry change and the audit
record are one transaction (``shared_desk``).
"""

from __future__ import annotations

import abc
import datetime as dt

from navigator.review.limits import Limit
from navigator.review.suggestion import Submission
from navigator.settings import Settings


class UnknownSubmission(LookupError):
    """No suggestion to act on. ``code``: not_a_reference, no_such_suggestion, or already_decided
    (then ``status`` says how it was decided)."""

    def __init__(self, code: str, reference: str, status: str | None = None):
        super().__init__(f"{code}: {reference}" + (f" ({status})" if status else ""))
        self.code, self.reference, self.status = code, reference, status


class StorageUnavailable(RuntimeError):
    """The store cannot be reached right now (the database is down or unreachable, the disk refuses):
    nothing was saved; the caller says so and keeps what it was given."""


class SuggestionStore(abc.ABC):
    """The suggestions (pending and decided), the audit log of decisions, and the abuse limits
    shared by everyone using the store. Every method is safe to call from several threads and
    processes at once, and two store objects on the same storage see the same state."""

    shared = False  # True: approved entry changes are kept in the store, not written into the YAML files

    # --- the queue ------------------------------------------------------------------------------

    @abc.abstractmethod
    def add(self, submission: Submission, now: dt.datetime | None = None) -> Submission:
        """Keep ``submission`` as pending under a reference number never used before, submitted
        ``now`` (default: the current time); returns it as kept."""

    @abc.abstractmethod
    def get(self, reference: str) -> Submission:
        """The suggestion ``reference``, decided or not; UnknownSubmission when there is none (or
        ``reference`` is not a reference number)."""

    @abc.abstractmethod
    def pending(self) -> tuple[list[Submission], list[str]]:
        """Pending suggestions, oldest first, and one line for each kept one that could not be read."""

    def pending_count(self) -> int:
        """How many suggestions are pending (a backend may count without reading them)."""
        return len(self.pending()[0])

    @abc.abstractmethod
    def decided(self) -> list[Submission]:
        """Decided suggestions, most recent decision first."""

    @abc.abstractmethod
    def decide(self, reference: str, status: str, decision: dict) -> Submission:
        """Record ``status`` (approved or rejected) and ``decision`` on a pending suggestion, once,
        atomically: of several calls at once for one suggestion exactly one succeeds, the others
        get UnknownSubmission (already_decided) naming how it was decided. Returns it decided."""

    # --- the audit log --------------------------------------------------------------------------

    @abc.abstractmethod
    def append_audit(self, record: dict) -> None:
        """Add one record (JSON-ready) to the audit log, durably."""

    @abc.abstractmethod
    def audit(self, limit: int | None = None) -> list[dict]:
        """Audit records, newest first (at most ``limit``)."""

    # --- limits shared by everyone using the store ----------------------------------------------

    @abc.abstractmethod
    def attempt(self, limit: Limit, key: str = "") -> float:
        """Count one event for ``key`` under ``limit`` and return 0, or return the seconds to wait
        (counting nothing) when ``limit`` is reached."""

    @abc.abstractmethod
    def sign_in_wait(self, key: str) -> float:
        """Seconds before ``key`` (an account) may try to sign in again (0: now)."""

    @abc.abstractmethod
    def sign_in_failed(self, key: str) -> float:
        """Count a failed sign-in for ``key``; returns the wait it starts."""

    @abc.abstractmethod
    def sign_in_succeeded(self, key: str) -> None:
        """Forget ``key``'s failed sign-ins."""


def open_store(settings: Settings) -> SuggestionStore:
    """The store the settings choose: PostgreSQL when ``database_url`` is set, else the files in the
    data folder."""
    # The backends depend on this module, so they are imported here.
    if settings.database_url:
        from navigator.review.pg_store import PostgresSuggestionStore

        return PostgresSuggestionStore(settings.database_url)
    from navigator.review.file_store import FileSuggestionStore

    return FileSuggestionStore(settings.data_dir)
