"""What Suggest an update remembers and does between runs: the listing picked, sending a checked
suggestion under the abuse limits, and what the confirmation shows.

The page (``pages/suggest.py``) lays out the widgets and keeps the kind and listing in step with
its address; the state they share lives in the session under the keys below, and everything
typed is cleared by "Suggest something else".
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from navigator.directory.index import Directory
from navigator.i18n import _
from navigator.review.decisions import diff_entries, plain
from navigator.review.form import GENERAL, FieldProblem
from navigator.review.limits import QUEUE_LIMIT, SUGGESTIONS_PER_CLIENT, SUGGESTIONS_PER_SESSION, RateLimiter
from navigator.review.storage import StorageUnavailable
from navigator.review.suggestion import CONTACT_LIMITS, Submission, check_suggestion
from navigator.review.words import PROBLEM_LABELS
from navigator.search.listing import PICK_LIMIT, find_listings
from ui.client import client_address
from ui.language import apply_language
from ui.review_store import current_store
from ui.suggest_copy import field_label
from ui.suggestion_form import HONEYPOT, Errors, values_from_state

KIND_KEY, ENTRY_KEY, SEARCH_KEY = "suggest_kind", "suggest_entry", "suggest_search"
DONE, ERRORS, SESSION_LIMITER = "suggest_done", "suggest_errors", "suggest_limiter"
FIELD_PREFIX = "sg_"  # every field typed into the form; "Suggest something else" clears them all


# --- the listing -------------------------------------------------------------------------------


def entry_label(directory: Directory, entry_id: str) -> str:
    row = directory.frame.iloc[directory.row_of(entry_id)]
    return f"{row['name']} — {row['organization']}, {row['city'] or _('remote')}"


def entry_options(directory: Directory, search: str) -> list[str]:
    """The listings to pick from for ``search``, with the one already chosen kept in the list.

    A choice that no longer exists is forgotten, so the picker starts empty again.
    """
    options = find_listings(directory, search, PICK_LIMIT)
    chosen = st.session_state.get(ENTRY_KEY)
    if chosen in directory.id_rows and chosen not in options:
        options.insert(0, chosen)
    if chosen is not None and chosen not in options:
        del st.session_state[ENTRY_KEY]
    return options


def entry_picker_start() -> dict:
    """The picker's starting choice: none until the session (or a link) has chosen one."""
    return {} if ENTRY_KEY in st.session_state else {"index": None}


# --- sending -------------------------------------------------------------------------------------


def form_prefix(kind: str, entry_id: str | None) -> str:
    """The session keys of one form: each kind and listing keeps what was typed into it apart."""
    return f"{FIELD_PREFIX}{kind}_{entry_id or 'new'}_"


def form_errors(prefix: str) -> Errors:
    """The problems of the last attempt to send the form ``prefix``."""
    stored = st.session_state.get(ERRORS)
    return stored[1] if stored and stored[0] == prefix else {}


def send(kind: str, entry: dict | None, category: str | None, prefix: str, names: list[str], vocabulary) -> None:
    """The form's submit callback: check what was typed, hold it to the limits, and queue it."""
    apply_language()  # a callback runs before the page sets the language
    state = st.session_state
    contact = {key: state.get(f"{prefix}contact_{key}") or "" for key in CONTACT_LIMITS}
    checked = check_suggestion(
        kind,
        contact=contact,
        vocabulary=vocabulary,
        today=dt.date.today(),
        values=values_from_state(prefix, names),
        entry=entry,
        category=category,
        problem=state.get(f"{prefix}problem"),
        details=state.get(f"{prefix}details") or "",
        note=state.get(f"{prefix}note") or "",
        removed_codes=state.get(f"{prefix}removed_codes") or (),
        honeypot=state.get(HONEYPOT) or "",
    )
    if checked.discard:
        state[DONE] = {"reference": None}
        return
    if checked.errors:
        state[ERRORS] = (prefix, checked.errors)
        return
    try:
        stored, problem = _queue(checked.submission, state)
    except StorageUnavailable:  # the database is not answering: nothing saved, the form keeps what was typed
        stored, problem = None, FieldProblem("cannot_save_now")
    except OSError:  # a full or read-only disk: what was typed stays in the form to send later
        stored, problem = None, FieldProblem("not_saved")
    if problem:
        state[ERRORS] = (prefix, {GENERAL: [problem]})
        return
    state.pop(ERRORS, None)
    state[DONE] = {"reference": stored.reference, "submission": stored}


def _queue(submission: Submission, state) -> tuple[Submission | None, FieldProblem | None]:
    """Hold ``submission`` to the queue's cap and the limits, then keep it; or why not."""
    store = current_store()
    if store.pending_count() >= QUEUE_LIMIT:
        return None, FieldProblem("queue_full")
    limiter = state.setdefault(SESSION_LIMITER, RateLimiter.of(SUGGESTIONS_PER_SESSION, max_keys=1))
    wait = limiter.attempt("session") or store.attempt(SUGGESTIONS_PER_CLIENT, client_address())
    if wait:
        return None, FieldProblem("too_many_suggestions", {"minutes": int(wait // 60) + 1})
    return store.add(submission), None


def start_over() -> None:
    """Forget everything typed, and the last suggestion sent."""
    for key in [key for key in st.session_state if str(key).startswith(FIELD_PREFIX)]:
        del st.session_state[key]
    for key in (DONE, ERRORS, HONEYPOT):
        st.session_state.pop(key, None)


# --- the confirmation ----------------------------------------------------------------------------


def sent() -> dict | None:
    """The suggestion this session just sent: its reference (None for a discarded one) and itself."""
    return st.session_state.get(DONE)


def sent_lines(submission: Submission, directory: Directory) -> list[str]:
    """What was sent, line by line as the sender typed it (shown as plain text)."""
    lines = []
    if submission.entry_id:
        listing = (
            entry_label(directory, submission.entry_id)
            if submission.entry_id in directory.id_rows
            else submission.entry_id
        )
        lines.append(_("Listing: {listing}").format(listing=listing))
    if submission.problem:
        lines.append(_("Problem: {problem}").format(problem=PROBLEM_LABELS[submission.problem]))
    new = submission.kind == "new"
    for change in diff_entries(None if new else submission.before, {**submission.before, **submission.changes}):
        before = "" if new else f"{plain(change.before, change.field)} → "
        lines.append(f"{field_label(change.field)}: {before}{plain(change.after, change.field)}")
    for label, text in ((_("Details"), submission.details), (_("Note"), submission.note)):
        if text:
            lines.append(_("{field}: {problem}").format(field=label, problem=text))
    contact = submission.contact
    reach = ", ".join(part for part in (contact.email, contact.phone) if part)
    lines.append(
        _("From: {name}, {organization}, {contact}").format(
            name=contact.name, organization=contact.organization, contact=reach
        )
    )
    return lines
