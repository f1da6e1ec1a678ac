"""Suggest an update: a new listing, a change to a listing, or a problem with one.

Anyone may suggest; a reviewer checks every suggestion before the directory changes. The form is
typed fields only, checked with the directory's own rules, and everything typed is shown back as
text. Links from a listing arrive as ``?entry=<id>&kind=change`` (or ``kind=report``).
"""

import streamlit as st
from ui import suggest_flow as flow
from ui.frame import page_directory
from ui.suggest_copy import category_choices
from ui.suggestion_form import (
    contact_fields,
    entry_fields,
    error_summary,
    other_errors,
    report_fields,
    show_errors,
)

from navigator.i18n import _
from navigator.review.form import form_values
from navigator.review.suggestion import KINDS, NOTE_LIMIT
from navigator.review.words import KIND_LABELS
from navigator.search.listing import SEARCH_LIMIT
from navigator.text import markdown_text

directory = page_directory()
vocabulary = directory.vocabulary


def _follow_url(key: str, parameter: str, allowed) -> None:
    """A link that arrives with ?kind= or ?entry= wins over what this session chose before."""
    wanted = st.query_params.get(parameter)
    if wanted in allowed and st.session_state.get(key) != wanted:
        st.session_state[key] = wanted


def _to_url(key: str, parameter: str) -> None:
    """The session's choice under ``key`` into the address (a widget's on_change)."""
    value = st.session_state.get(key)
    if value:
        st.query_params[parameter] = value
    else:
        st.query_params.pop(parameter, None)


st.title(_("Suggest an update"), anchor=False)
done = flow.sent()
if done:
    if done["reference"] is None:
        st.success(_("Thank you. Your suggestion was received."), icon=":material/check_circle:")
    else:
        st.success(
            _("Thank you! Your reference number is **{reference}**.").format(
                reference=markdown_text(done["reference"])
            ),
            icon=":material/check_circle:",
        )
        st.write(
            _(
                "A reviewer checks every suggestion before the directory changes, and may get in touch "
                "with you. Quote the reference number if you contact us about it."
            )
        )
        st.subheader(_("What you sent"), anchor=False)
        for line in flow.sent_lines(done["submission"], directory):
            st.text(line)
    st.button(_("Suggest something else"), on_click=flow.start_over)
    st.stop()

st.write(
    _(
        "Organizations and coaches keep this directory fresh. Suggest a new listing, a change to one, or "
        "tell us about a problem; a reviewer checks every suggestion before anything changes."
    )
)
if st.query_params.get("entry") and "kind" not in st.query_params:
    st.query_params["kind"] = "change"  # a link to a listing without a kind asks for a change to it
_follow_url(flow.KIND_KEY, "kind", KINDS)
kind = st.radio(
    _("What would you like to do?"),
    KINDS,
    key=flow.KIND_KEY,
    format_func=KIND_LABELS.get,
    horizontal=True,
    on_change=_to_url,
    args=(flow.KIND_KEY, "kind"),
)

entry_id = None
if kind != "new":
    _follow_url(flow.ENTRY_KEY, "entry", directory.id_rows)
    search = st.text_input(
        _("Find the listing"), key=flow.SEARCH_KEY, placeholder=_("Name, organization or city"), max_chars=SEARCH_LIMIT
    )
    entry_id = st.selectbox(
        _("Listing"),
        flow.entry_options(directory, search),
        key=flow.ENTRY_KEY,
        format_func=lambda option: flow.entry_label(directory, option),
        placeholder=_("Choose a listing"),
        on_change=_to_url,
        args=(flow.ENTRY_KEY, "entry"),
        **flow.entry_picker_start(),
    )
entry = directory.entry(entry_id) if entry_id else None
if kind != "new" and entry is None:
    unknown = st.query_params.get("entry")
    if unknown and unknown not in directory.id_rows:
        st.warning(
            _("There is no listing {id} in the directory. Search for it above.").format(id=markdown_text(unknown))
        )
    st.info(_("Choose the listing this is about."))
    st.stop()

category = None
if kind != "report":
    labels = category_choices(vocabulary)
    options = list(labels)
    category = st.selectbox(
        _("Kind of service"),
        options,
        format_func=labels.get,
        placeholder=_("Choose one"),
        index=options.index(entry["category"]) if entry else None,
        key=f"{flow.FIELD_PREFIX}category_{entry_id or 'new'}",
    )
    if category is None:
        st.info(_("Choose the kind of service to see the form."))
        st.stop()

prefix = flow.form_prefix(kind, entry_id)
errors = flow.form_errors(prefix)
with st.form(f"suggest_{kind}_{entry_id or 'new'}", enter_to_submit=False):
    if kind == "report":
        shown = report_fields(entry, prefix, errors, vocabulary)
    else:
        if kind == "change":
            st.caption(
                _("The form shows the listing as it is now. Change what is wrong; only what you change is sent.")
            )
        shown = entry_fields(form_values(entry), prefix, vocabulary, category, errors, entry)
        st.subheader(_("Anything else"), anchor=False)
        st.text_area(_("A note for the reviewer (optional)"), max_chars=NOTE_LIMIT, key=f"{prefix}note", height=100)
        show_errors(errors, "note")
        shown.append("note")
    shown += contact_fields(kind, prefix, errors)
    other_errors(errors, set(shown))
    error_summary(errors)
    st.form_submit_button(
        _("Send suggestion"),
        type="primary",
        on_click=flow.send,
        args=(kind, entry, category, prefix, shown, vocabulary),
    )
