"""Review suggestions (signed-in reviewers only): the queue oldest first, each suggestion field by
field against the listing as it is now; approve, edit then approve, or reject with a reason; mark
a listing verified; the stalest listings; the latest decisions."""

import datetime as dt

import streamlit as st
from ui import review_flow as flow
from ui.auth import current_reviewer, sign_out
from ui.data import directory_problems
from ui.frame import page_directory
from ui.review_copy import UNAVAILABLE_WORDS
from ui.review_store import current_store
from ui.suggest_copy import category_choices
from ui.suggestion_form import entry_fields, other_errors

from navigator.i18n import _
from navigator.review.decisions import REASON_LIMIT, VERIFY_METHODS, proposal, stalest
from navigator.review.form import form_values
from navigator.review.storage import StorageUnavailable
from navigator.review.words import VERIFY_LABELS
from navigator.text import markdown_text

directory = page_directory()  # draws the frame once (a second frame would repeat the crisis dock's key)
reviewer = current_reviewer()
if reviewer is None:  # the navigation never offers this page then; this guards a direct run too
    st.title(_("Reviewers only"), anchor=False)
    st.error(_("Sign in as a reviewer to see this page."), icon=":material/lock:")
    st.stop()


def _show_submission(submission, seen) -> None:
    st.text("\n".join(flow.submission_lines(submission)))
    for label, text in ((_("Details"), submission.details), (_("Note from the sender"), submission.note)):
        if text:
            st.caption(label)
            st.text(text)
    if seen.missing:
        st.warning(
            _("This listing is no longer in the directory: reject the suggestion."),
            icon=":material/warning:",
        )
    if seen.conflicts:
        st.warning(
            _(
                "Changed in the directory since this was sent. Approving would overwrite what is there now; "
                "check each field, then approve anyway or reject."
            ),
            icon=":material/warning:",
        )
        st.text("\n".join(flow.conflict_lines(seen)))
    if seen.changes:
        st.dataframe(flow.changes_table(seen), hide_index=True)
    elif not seen.missing:
        st.info(
            _(
                "This suggestion changes nothing in the listing by itself; edit below to make a change, "
                "or approve it to close it."
            )
        )


def _edit_form(submission, seen, following) -> None:
    reference = submission.reference
    new = submission.kind == "new"
    prefix = flow.edit_prefix(reference)
    labels = category_choices(directory.vocabulary)
    options = list(labels)
    proposed_category = (seen.proposed or {}).get("category")
    category = st.selectbox(
        _("Kind of service"),
        options,
        format_func=labels.get,
        key=f"{prefix}category",
        index=options.index(proposed_category) if proposed_category in options else 0,
    )
    errors = flow.edit_errors(reference)
    with st.form(f"edit_{reference}", enter_to_submit=False):
        shown = entry_fields(form_values(seen.proposed), prefix, directory.vocabulary, category, errors, seen.proposed)
        other_errors(errors, set(shown))
        st.form_submit_button(
            _("Approve with these edits"),
            type="primary",
            on_click=flow.approve_edited,
            args=(
                reference,
                reviewer.name,
                {} if new else seen.current,
                category,
                new,
                shown,
                directory.vocabulary,
                following,
            ),
        )


def _queue() -> None:
    try:
        pending, unreadable = current_store().pending()
    except StorageUnavailable:
        st.error(UNAVAILABLE_WORDS, icon=":material/cloud_off:")
        return
    for line in unreadable:
        st.warning(
            markdown_text(_("A suggestion file could not be read: {problem}").format(problem=line)),
            icon=":material/warning:",
        )
    if not pending:
        st.info(_("No suggestions are waiting."), icon=":material/inbox:")
        return
    by_reference = flow.keep_pick(pending)
    reference = st.selectbox(
        _("{count} waiting, oldest first").format(count=len(pending)),
        list(by_reference),
        key=flow.PICK,
        format_func=lambda option: flow.summary(by_reference[option]),
    )
    submission = by_reference[reference]
    following = flow.following(pending, reference)
    seen = proposal(submission, flow.current_entry(directory, submission))
    _show_submission(submission, seen)
    st.button(
        _("Approve anyway") if seen.conflicts else _("Approve"),
        type="primary",
        key=f"approve_{reference}",
        on_click=flow.approve,
        args=(reference, reviewer.name, following, bool(seen.conflicts)),
        disabled=seen.missing,
    )
    if not seen.missing:
        with st.expander(_("Edit, then approve")):
            _edit_form(submission, seen, following)
    with st.form(f"reject_{reference}", enter_to_submit=False):
        st.text_area(
            _("Reason for rejecting (the sender may be told)"),
            key=flow.reject_reason_key(reference),
            max_chars=REASON_LIMIT,
            height=80,
        )
        st.form_submit_button(_("Reject"), on_click=flow.reject, args=(reference, reviewer.name, following))


def _stale() -> None:
    stale = stalest(directory, flow.STALE_LIMIT)
    if stale.empty:
        st.info(_("The directory is empty."))
        return
    st.dataframe(flow.stale_table(stale), hide_index=True)
    names = dict(zip(stale["id"], stale["name"], strict=True))
    with st.form("mark_verified", enter_to_submit=False):
        st.write(_("Confirmed a listing's details? Record it:"))
        st.selectbox(
            _("Listing"),
            list(names),
            format_func=lambda entry_id: f"{names[entry_id]} ({entry_id})",
            key="verify_entry",
        )
        st.selectbox(_("How"), VERIFY_METHODS, format_func=VERIFY_LABELS.get, key="verify_how")
        st.date_input(_("On"), value=dt.date.today(), max_value=dt.date.today(), key="verify_on")
        st.form_submit_button(_("Mark verified"), on_click=flow.verify, args=(reviewer.name,))


def _log() -> None:
    try:
        decisions = flow.audit_table()
    except StorageUnavailable:
        st.error(UNAVAILABLE_WORDS, icon=":material/cloud_off:")
        return
    if decisions.empty:
        st.info(_("No decisions yet."))
        return
    st.dataframe(decisions, hide_index=True)


st.title(_("Review suggestions"), anchor=False)
broken = directory_problems()
if broken:
    st.warning(
        _(
            "The directory's files have problems, so visitors are still shown the last version that "
            "loaded. Fix these lines (or run `python -m navigator validate`):"
        ),
        icon=":material/warning:",
    )
    st.code("\n".join(broken.report.lines()), language=None)
top_left, top_right = st.columns([4, 1])
top_left.caption(_("Signed in as {name}").format(name=markdown_text(reviewer.name)))
if top_right.button(_("Sign out"), key="review_sign_out"):
    sign_out()
    st.switch_page("pages/sign_in.py")
flash = flow.take_flash()
if flash:
    kind, message, problems = flash
    (st.success if kind == "success" else st.error)(markdown_text(message))
    if problems:
        st.code("\n".join(problems), language=None)

queue_tab, stale_tab, log_tab = st.tabs([_("Queue"), _("Stalest listings"), _("Recent decisions")])
with queue_tab:
    _queue()
with stale_tab:
    _stale()
with log_tab:
    _log()
