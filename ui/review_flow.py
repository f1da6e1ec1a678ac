"""What the Review page does and remembers between runs: the review actions (approve, edit then
approve, reject, mark verified) and what they report, which suggestion is picked, and the tables
the page shows, shaped from the queue, the directory and the audit log.

The page (``pages/review.py``) lays out the widgets; the actions run as their callbacks, and what
happened (or why not) is kept for the next run to show at the top.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.provenance import UNDATED_DAY
from navigator.i18n import _
from navigator.review.decisions import Proposal, ReviewDesk, ReviewError, open_desk, plain
from navigator.review.form import FieldProblem
from navigator.review.storage import StorageUnavailable, UnknownSubmission
from navigator.review.suggestion import Submission, check_entry_form
from navigator.review.words import KIND_LABELS, PROBLEM_LABELS, error_text
from ui.data import directory_path, refresh_changes
from ui.language import apply_language
from ui.review_copy import ACTION_WORDS, DONE_WORDS, UNAVAILABLE_WORDS
from ui.review_store import current_store
from ui.suggest_copy import field_label
from ui.suggestion_form import values_from_state

FLASH, EDIT_ERRORS, PICK = "review_flash", "review_edit_errors", "review_pick"
EDIT_PREFIX = "rv_"
STALE_LIMIT = 25
AUDIT_LIMIT = 50


def desk() -> ReviewDesk:
    """The review desk on the app's directory and store."""
    return open_desk(directory_path(), current_store())


# --- the actions, as widget callbacks ------------------------------------------------------------


def _act(action, done: str, **params) -> None:
    """Run a review action; what happened (or why not) is shown at the top after the rerun."""
    apply_language()  # a callback runs before the page sets the language
    try:
        action()
    except (ReviewError, UnknownSubmission) as error:
        problems = [str(problem) for problem in getattr(error, "problems", ())]
        st.session_state[FLASH] = ("error", error_text(error), problems)
    except StorageUnavailable:
        st.session_state[FLASH] = ("error", _(UNAVAILABLE_WORDS), [])
    else:
        st.session_state[FLASH] = ("success", DONE_WORDS[done].format(**params), [])
        refresh_changes()


def approve(reference: str, reviewer: str, following: str | None = None, override: bool = False) -> None:
    """Approve ``reference``; once decided, the queue moves on to ``following`` (the next one)."""
    _act(lambda: desk().approve(reference, reviewer, override=override), "approved", reference=reference)
    _follow(reference, following)


def _follow(reference: str, following: str | None) -> None:
    """After a decision the queue's picker shows the suggestion the page shows: the next one."""
    flash = st.session_state.get(FLASH)
    if flash and flash[0] == "success" and st.session_state.get(PICK) == reference:
        if following is None:
            st.session_state.pop(PICK, None)
        else:
            st.session_state[PICK] = following


def edit_prefix(reference: str) -> str:
    return f"{EDIT_PREFIX}{reference}_"


def approve_edited(
    reference: str,
    reviewer: str,
    base: dict,
    category: str | None,
    new: bool,
    names: list[str],
    vocabulary,
    following: str | None = None,
) -> None:
    """Check the reviewer's edits with the directory's rules, then approve them."""
    edits, errors = check_entry_form(
        values_from_state(edit_prefix(reference), names),
        base,
        category,
        vocabulary,
        dt.date.today(),
        new=new,
    )
    if errors:
        st.session_state[EDIT_ERRORS] = (reference, errors)
        return
    st.session_state.pop(EDIT_ERRORS, None)
    _act(lambda: desk().approve(reference, reviewer, edits=edits), "approved_edited", reference=reference)
    _follow(reference, following)


def edit_errors(reference: str) -> dict[str, list[FieldProblem]]:
    """The problems of the reviewer's last edits of ``reference``."""
    stored = st.session_state.get(EDIT_ERRORS)
    return stored[1] if stored and stored[0] == reference else {}


def reject_reason_key(reference: str) -> str:
    return f"reject_reason_{reference}"


def reject(reference: str, reviewer: str, following: str | None = None) -> None:
    reason = st.session_state.get(reject_reason_key(reference)) or ""
    _act(lambda: desk().reject(reference, reviewer, reason), "rejected", reference=reference)
    _follow(reference, following)


def verify(reviewer: str) -> None:
    """Mark the listing chosen in the "mark verified" form verified, as the form says."""
    entry_id = st.session_state.get("verify_entry")
    how = st.session_state.get("verify_how")
    on = st.session_state.get("verify_on")
    _act(lambda: desk().mark_verified(entry_id, reviewer, how, on=on), "verified", entry_id=entry_id)


def take_flash() -> tuple[str, str, list[str]] | None:
    """What the last action did ("success" or "error", the message, the problems), shown once."""
    return st.session_state.pop(FLASH, None)


# --- the queue -----------------------------------------------------------------------------------


def keep_pick(pending: list[Submission]) -> dict[str, Submission]:
    """The pending suggestions by reference; a pick that was decided meanwhile is forgotten."""
    by_reference = {submission.reference: submission for submission in pending}
    if st.session_state.get(PICK) not in by_reference:
        # Set, not forgotten: a value set in the session reaches the browser's picker too, which
        # otherwise keeps showing the decided suggestion while the page below shows another.
        if by_reference:
            st.session_state[PICK] = next(iter(by_reference))
        else:
            st.session_state.pop(PICK, None)
    return by_reference


def summary(submission: Submission) -> str:
    """One line in the queue's picker: when, what kind, and about what."""
    about = submission.changes.get("name") if submission.kind == "new" else submission.entry_id
    return f"{submission.submitted_at[:16].replace('T', ' ')} · {KIND_LABELS[submission.kind]} · {about}"


def submission_lines(submission: Submission) -> list[str]:
    """Who sent a suggestion, when, and about what (shown as plain text)."""
    contact = submission.contact
    lines = [
        _("Reference: {reference}").format(reference=submission.reference),
        _("Sent: {when} UTC").format(when=submission.submitted_at[:19].replace("T", " ")),
        _("From: {name}, {organization}").format(name=contact.name, organization=contact.organization),
        _("Contact: {contact}").format(contact=", ".join(part for part in (contact.email, contact.phone) if part)),
    ]
    if submission.entry_id:
        lines.append(_("Listing: {listing}").format(listing=submission.entry_id))
    if submission.problem:
        problem = PROBLEM_LABELS.get(submission.problem, submission.problem)
        lines.append(_("Problem: {problem}").format(problem=problem))
    return lines


def conflict_lines(seen: Proposal) -> list[str]:
    """Each field changed in the directory since the suggestion was sent: what it was sent
    against, and what it is now (shown as plain text)."""
    return [
        _("{field}: sent against {before}, now {now}, suggested {after}").format(
            field=field_label(conflict.edit.name),
            before=plain(conflict.edit.before, conflict.edit.name),
            now=plain(conflict.current, conflict.edit.name),
            after=plain(conflict.edit.after, conflict.edit.name),
        )
        for conflict in seen.conflicts
    ]


def following(pending: list[Submission], reference: str) -> str | None:
    """The suggestion the queue shows once ``reference`` is decided: the next, else the one before."""
    references = [submission.reference for submission in pending]
    if reference not in references:
        return None
    position = references.index(reference)
    rest = references[position + 1 :] or references[:position][-1:]
    return rest[0] if rest else None


def changes_table(seen: Proposal) -> pd.DataFrame:
    """Each field the suggestion changes: now, and as suggested."""
    return pd.DataFrame(
        [
            {
                _("Field"): field_label(change.field),
                _("Now"): plain(change.before, change.field),
                _("Suggested"): plain(change.after, change.field),
            }
            for change in seen.changes
        ]
    )


# --- the stalest listings and the latest decisions -----------------------------------------------


def stale_table(stale: pd.DataFrame) -> pd.DataFrame:
    """The stalest listings as the page shows them (``decisions.stalest``'s frame); a listing whose
    source gives no date sorts as the oldest (``UNDATED_DAY``) and says "no date"."""
    days = stale["last_verified"].dt.date
    shown = stale.assign(last_verified=["no date" if day == UNDATED_DAY else day.isoformat() for day in days])
    return shown[["last_verified", "name", "organization", "id"]].rename(
        columns={
            "last_verified": _("Last verified"),
            "name": _("Name"),
            "organization": _("Organization"),
            "id": _("Id"),
        }
    )


def audit_table() -> pd.DataFrame:
    """The latest decisions, newest first (empty when there are none)."""
    return pd.DataFrame(
        [
            {
                _("When"): str(record.get("at", ""))[:19].replace("T", " "),
                _("Reviewer"): record.get("reviewer"),
                _("Action"): ACTION_WORDS.get(record.get("action"), record.get("action")),
                _("Suggestion"): record.get("submission") or "",
                _("Listing"): record.get("entry_id"),
                _("Fields"): ", ".join(field_label(change.get("field", "")) for change in record.get("changes") or ()),
                _("Reason"): record.get("reason") or "",
            }
            for record in current_store().audit(limit=AUDIT_LIMIT)
        ]
    )


def current_entry(directory: Directory, submission: Submission) -> dict | None:
    """The listing a suggestion is about, as the directory has it now."""
    return directory.entry(submission.entry_id) if submission.entry_id else None
