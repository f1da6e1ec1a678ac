"""Review suggestions (signed-in reviewers only): the queue oldest first, each suggestion field by
field against the listing as it is now; approve, edit then approve, or reject with a reason; mark
a listing verified; the stalest listings; the latest decisions."""

import datetime as dt

import pandas as pd
import streamlit as st
from ui.auth import current_reviewer, sign_out
from ui.data import directory_path
from ui.frame import page_directory, page_frame
from ui.suggestion_form import entry_fields, other_errors, values_from_state

from navigator.review.decisions import (
    REASON_LIMIT,
    VERIFY_METHODS,
    ReviewDesk,
    ReviewError,
    plain,
    proposal,
    stalest,
)
from navigator.review.suggestions import (
    KIND_LABELS,
    PROBLEMS,
    UnknownSubmission,
    category_choices,
    check_entry_form,
    field_label,
    form_values,
)
from navigator.text import markdown_text

FLASH, EDIT_ERRORS, PICK = "review_flash", "review_edit_errors", "review_pick"
EDIT_PREFIX = "rv_"
STALE_LIMIT = 25

page_frame()
reviewer = current_reviewer()
if reviewer is None:  # the navigation never offers this page then; this guards a direct run too
    st.title("Reviewers only", anchor=False)
    st.error("Sign in as a reviewer to see this page.", icon=":material/lock:")
    st.stop()

directory = page_directory()
desk = ReviewDesk(directory_path())


def _act(action, success: str) -> None:
    """Run a review action; what happened (or why not) is shown at the top after the rerun."""
    try:
        action()
    except (ReviewError, UnknownSubmission) as error:
        problems = [str(problem) for problem in getattr(error, "problems", ())]
        st.session_state[FLASH] = ("error", str(error), problems)
    else:
        st.session_state[FLASH] = ("success", success, [])


def _approve(reference: str) -> None:
    _act(
        lambda: desk.approve(reference, reviewer.name),
        f"Approved {reference}: the directory is updated.",
    )


def _approve_edited(reference: str, base: dict, category: str | None, new: bool, names: list[str]) -> None:
    prefix = f"{EDIT_PREFIX}{reference}_"
    edits, errors = check_entry_form(
        values_from_state(prefix, names),
        base,
        category,
        directory.vocabulary,
        dt.date.today(),
        new=new,
    )
    if errors:
        st.session_state[EDIT_ERRORS] = (reference, errors)
        return
    st.session_state.pop(EDIT_ERRORS, None)
    _act(
        lambda: desk.approve(reference, reviewer.name, edits=edits),
        f"Approved {reference} with your edits: the directory is updated.",
    )


def _reject(reference: str) -> None:
    reason = st.session_state.get(f"reject_reason_{reference}") or ""
    _act(lambda: desk.reject(reference, reviewer.name, reason), f"Rejected {reference}.")


def _verify() -> None:
    entry_id = st.session_state.get("verify_entry")
    how = st.session_state.get("verify_how")
    on = st.session_state.get("verify_on")
    _act(
        lambda: desk.mark_verified(entry_id, reviewer.name, how, on=on),
        f"Marked {entry_id} verified.",
    )


def _summary(submission) -> str:
    about = submission.changes.get("name") if submission.kind == "new" else submission.entry_id
    return f"{submission.submitted_at[:16].replace('T', ' ')} · {KIND_LABELS[submission.kind]} · {about}"


def _show_submission(submission, seen) -> None:
    contact = submission.contact
    lines = [
        f"Reference: {submission.reference}",
        f"Sent: {submission.submitted_at[:19].replace('T', ' ')} UTC",
        f"From: {contact.name}, {contact.organization}",
        "Contact: " + ", ".join(part for part in (contact.email, contact.phone) if part),
    ]
    if submission.entry_id:
        lines.append(f"Listing: {submission.entry_id}")
    if submission.problem:
        lines.append(f"Problem: {PROBLEMS.get(submission.problem, submission.problem)}")
    st.text("\n".join(lines))
    for label, text in (("Details", submission.details), ("Note from the sender", submission.note)):
        if text:
            st.caption(label)
            st.text(text)
    if seen.missing:
        st.warning(
            "This listing is no longer in the directory: reject the suggestion.",
            icon=":material/warning:",
        )
    if seen.conflicts:
        st.warning(
            "Changed in the directory since this was sent: "
            + markdown_text(", ".join(field_label(name) for name in seen.conflicts))
            + ". Check the differences below.",
            icon=":material/warning:",
        )
    if seen.changes:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Field": field_label(change.field),
                        "Now": plain(change.before, change.field),
                        "Suggested": plain(change.after, change.field),
                    }
                    for change in seen.changes
                ]
            ),
            hide_index=True,
        )
    elif not seen.missing:
        st.info(
            "This suggestion changes nothing in the listing by itself; edit below to make a change, "
            "or approve it to close it."
        )


def _edit_form(submission, seen) -> None:
    reference = submission.reference
    new = submission.kind == "new"
    base = {} if new else seen.current
    prefix = f"{EDIT_PREFIX}{reference}_"
    labels = category_choices(directory.vocabulary)
    options = list(labels)
    proposed_category = (seen.proposed or {}).get("category")
    category = st.selectbox(
        "Kind of service",
        options,
        format_func=labels.get,
        key=f"{prefix}category",
        index=options.index(proposed_category) if proposed_category in options else 0,
    )
    stored = st.session_state.get(EDIT_ERRORS)
    errors = stored[1] if stored and stored[0] == reference else {}
    with st.form(f"edit_{reference}", enter_to_submit=False):
        shown = entry_fields(
            form_values(seen.proposed),
            prefix,
            directory.vocabulary,
            category,
            errors,
            seen.proposed,
        )
        other_errors(errors, set(shown))
        st.form_submit_button(
            "Approve with these edits",
            type="primary",
            on_click=_approve_edited,
            args=(reference, base, category, new, shown),
        )


def _queue() -> None:
    pending, unreadable = desk.queue.pending()
    for line in unreadable:
        st.warning(markdown_text(f"A suggestion file could not be read: {line}"), icon=":material/warning:")
    if not pending:
        st.info("No suggestions are waiting.", icon=":material/inbox:")
        return
    by_reference = {submission.reference: submission for submission in pending}
    if st.session_state.get(PICK) not in by_reference:
        st.session_state.pop(PICK, None)
    reference = st.selectbox(
        f"{len(pending)} waiting, oldest first",
        list(by_reference),
        key=PICK,
        format_func=lambda ref: _summary(by_reference[ref]),
    )
    submission = by_reference[reference]
    current = directory.entry(submission.entry_id) if submission.entry_id else None
    seen = proposal(submission, current)
    _show_submission(submission, seen)
    st.button(
        "Approve",
        type="primary",
        key=f"approve_{reference}",
        on_click=_approve,
        args=(reference,),
        disabled=seen.missing,
    )
    if not seen.missing:
        with st.expander("Edit, then approve"):
            _edit_form(submission, seen)
    with st.form(f"reject_{reference}", enter_to_submit=False):
        st.text_area(
            "Reason for rejecting (the sender may be told)",
            key=f"reject_reason_{reference}",
            max_chars=REASON_LIMIT,
            height=80,
        )
        st.form_submit_button("Reject", on_click=_reject, args=(reference,))


def _stale() -> None:
    stale = stalest(directory, STALE_LIMIT)
    if stale.empty:
        st.info("The directory is empty.")
        return
    shown = stale.assign(last_verified=stale["last_verified"].dt.date)
    st.dataframe(
        shown[["last_verified", "name", "organization", "id"]].rename(
            columns={
                "last_verified": "Last verified",
                "name": "Name",
                "organization": "Organization",
                "id": "Id",
            }
        ),
        hide_index=True,
    )
    names = dict(zip(stale["id"], stale["name"], strict=True))
    with st.form("mark_verified", enter_to_submit=False):
        st.write("Confirmed a listing's details? Record it:")
        st.selectbox(
            "Listing",
            list(names),
            format_func=lambda entry_id: f"{names[entry_id]} ({entry_id})",
            key="verify_entry",
        )
        st.selectbox("How", list(VERIFY_METHODS), format_func=VERIFY_METHODS.get, key="verify_how")
        st.date_input("On", value=dt.date.today(), max_value=dt.date.today(), key="verify_on")
        st.form_submit_button("Mark verified", on_click=_verify)


def _log() -> None:
    records = desk.audit(limit=50)
    if not records:
        st.info("No decisions yet.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When": str(record.get("at", ""))[:19].replace("T", " "),
                    "Reviewer": record.get("reviewer"),
                    "Action": record.get("action"),
                    "Suggestion": record.get("submission") or "",
                    "Listing": record.get("entry_id"),
                    "Fields": ", ".join(field_label(change.get("field", "")) for change in record.get("changes") or ()),
                    "Reason": record.get("reason") or "",
                }
                for record in records
            ]
        ),
        hide_index=True,
    )


st.title("Review suggestions", anchor=False)
top_left, top_right = st.columns([4, 1])
top_left.caption(f"Signed in as {markdown_text(reviewer.name)}")
if top_right.button("Sign out", key="review_sign_out"):
    sign_out()
    st.switch_page("pages/sign_in.py")
flash = st.session_state.pop(FLASH, None)
if flash:
    kind, message, problems = flash
    (st.success if kind == "success" else st.error)(markdown_text(message))
    if problems:
        st.code("\n".join(problems), language=None)

queue_tab, stale_tab, log_tab = st.tabs(["Queue", "Stalest listings", "Recent decisions"])
with queue_tab:
    _queue()
with stale_tab:
    _stale()
with log_tab:
    _log()
